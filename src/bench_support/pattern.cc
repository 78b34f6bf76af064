#include "bench_support/pattern.h"

#include <array>
#include <cstring>

namespace synack::bench {

namespace {
// Built at compile time, so no benchmark pays for it inside its timed region.
constexpr std::array<uint8_t, Pattern::kSpan + Pattern::kPeriod> make_table() {
  std::array<uint8_t, Pattern::kSpan + Pattern::kPeriod> t{};
  for (size_t i = 0; i < t.size(); ++i) t[i] = static_cast<uint8_t>(i % Pattern::kPeriod);
  return t;
}
constexpr auto kTable = make_table();
}  // namespace

const uint8_t* Pattern::at(uint64_t offset) { return kTable.data() + offset % kPeriod; }

bool Pattern::check(base::Bytes data, uint64_t offset) {
  while (!data.empty()) {
    size_t n = std::min(data.size(), kSpan);
    if (std::memcmp(data.data(), at(offset), n) != 0) return false;
    data = data.subspan(n);
    offset += n;
  }
  return true;
}

}  // namespace synack::bench
