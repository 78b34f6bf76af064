#pragma once
// The byte pattern of `serve --app http` (GET /bytes/N) and `connect --send N`:
// the byte at stream offset o is o % 251 (the same as the benchmarks' pattern:
// a prime period never lines up with segment or buffer sizes, so a lost,
// repeated or misplaced segment shows). In Python:
//   (bytes(range(251)) * (n // 251 + 1))[:n]
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "base/bytes.h"

namespace synack::cli {

class Pattern {
 public:
  static constexpr size_t kPeriod = 251;
  static constexpr size_t kChunk = 64 * 1024;

  // Up to kChunk pattern bytes starting at stream offset `offset`.
  static base::Bytes at(uint64_t offset, size_t max) {
    return {table().data() + offset % kPeriod, std::min(max, kChunk)};
  }
  static bool check(base::Bytes data, uint64_t offset) {
    while (!data.empty()) {
      base::Bytes want = at(offset, data.size());
      if (!std::equal(want.begin(), want.end(), data.begin())) return false;
      data = data.subspan(want.size());
      offset += want.size();
    }
    return true;
  }

 private:
  static const std::array<uint8_t, kChunk + kPeriod>& table() {
    static const auto t = [] {
      std::array<uint8_t, kChunk + kPeriod> a{};
      for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<uint8_t>(i % kPeriod);
      return a;
    }();
    return t;
  }
};

}  // namespace synack::cli
