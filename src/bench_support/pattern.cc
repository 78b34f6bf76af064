#include "bench_support/pattern.h"

#include <array>
#include <cstring>

namespace synack::bench {

namespace {
struct Table {
  std::array<uint8_t, Pattern::kSpan + Pattern::kPeriod> bytes;
  Table() {
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i % Pattern::kPeriod);
  }
};
const Table& table() {
  static const Table t;
  return t;
}
}  // namespace

const uint8_t* Pattern::at(uint64_t offset) { return table().bytes.data() + offset % kPeriod; }

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
