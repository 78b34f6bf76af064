#pragma once
// Counts on the command line, with the anchors' suffixes: k M G (powers of
// 1000) and Ki Mi Gi (powers of 1024), e.g. "100k", "1Gi".
#include <cstdint>
#include <optional>
#include <string_view>

namespace synack::bench {

std::optional<uint64_t> parse_count(std::string_view text);

}  // namespace synack::bench
