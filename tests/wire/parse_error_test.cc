// ParseError names: each reason is reported with its own text, so drop
// counters and logs can tell them apart.
#include "wire/parse_error.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>

namespace synack::wire {
namespace {

constexpr ParseError kAll[] = {
    ParseError::Ipv4TooShort,        ParseError::Ipv4BadVersion,
    ParseError::Ipv4BadHeaderLength, ParseError::Ipv4BadTotalLength,
    ParseError::Ipv4BadChecksum,     ParseError::TcpTooShort,
    ParseError::TcpBadDataOffset,    ParseError::TcpDataOffsetPastEnd,
    ParseError::TcpBadChecksum,      ParseError::TcpOptionBadLength,
    ParseError::TcpOptionOverrun,    ParseError::TcpOptionBadSize,
};

TEST(ParseError, EveryReasonHasItsOwnName) {
  std::set<std::string> names;
  for (ParseError e : kAll) {
    std::string name(to_string(e));
    EXPECT_NE(name, "unknown") << static_cast<int>(e);
    EXPECT_FALSE(name.empty());
    names.insert(name);
  }
  EXPECT_EQ(names.size(), std::size(kAll));
  // kAll must list every enumerator: the one after the last is not named.
  auto past_end = static_cast<ParseError>(static_cast<int>(ParseError::TcpOptionBadSize) + 1);
  EXPECT_EQ(to_string(past_end), "unknown");
}

TEST(ParseError, StreamsItsName) {
  std::ostringstream os;
  os << ParseError::TcpOptionOverrun;
  EXPECT_EQ(os.str(), "tcp option overruns header");
}

}  // namespace
}  // namespace synack::wire
