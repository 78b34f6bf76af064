#pragma once
// The verification byte pattern shared with the benchmark anchors
// (bench/anchors/anchor_common.h): the byte at stream offset o is o % 251, a
// prime period that never lines up with segment or buffer sizes.
#include <cstddef>
#include <cstdint>

#include "base/bytes.h"

namespace synack::bench {

class Pattern {
 public:
  static constexpr size_t kPeriod = 251;
  static constexpr size_t kSpan = size_t{1} << 17;  // bytes valid from pattern_at()

  // At least kSpan correct bytes starting at stream offset `offset`.
  static const uint8_t* at(uint64_t offset);
  // `len` bytes (any length) starting at stream offset `offset`.
  static bool check(base::Bytes data, uint64_t offset);
};

}  // namespace synack::bench
