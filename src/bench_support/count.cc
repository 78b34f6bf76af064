#include "bench_support/count.h"

#include <charconv>

namespace synack::bench {

std::optional<uint64_t> parse_count(std::string_view text) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  std::string_view suffix(end, static_cast<size_t>(text.data() + text.size() - end));
  uint64_t mult = 0;
  if (suffix.empty()) mult = 1;
  else if (suffix == "k") mult = 1000;
  else if (suffix == "M") mult = 1000 * 1000;
  else if (suffix == "G") mult = 1000 * 1000 * 1000;
  else if (suffix == "Ki") mult = uint64_t{1} << 10;
  else if (suffix == "Mi") mult = uint64_t{1} << 20;
  else if (suffix == "Gi") mult = uint64_t{1} << 30;
  else return std::nullopt;
  if (v > UINT64_MAX / mult) return std::nullopt;
  return v * mult;
}

}  // namespace synack::bench
