#pragma once
// What a benchmark prints: comment lines for people ("# ...") and a last line
// for scripts, `RESULT impl=synack bench=... key=value ...`, in the format of
// the anchors (bench/anchors) so bench/compare.sh reads all three alike.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace synack::bench {

class Report {
 public:
  explicit Report(std::string_view bench);
  // A "# ..." line (printf-style formatting done by the caller).
  void note(std::string line) { notes_.push_back(std::move(line)); }
  // key=value on the RESULT line; `decimals` digits after the point.
  void add(std::string_view key, double value, int decimals);
  void add(std::string_view key, uint64_t value);
  void add(std::string_view key, std::string_view value);

  const std::vector<std::string>& notes() const { return notes_; }
  const std::string& result_line() const { return result_; }
  // The value of `key` on the RESULT line, or "" (for tests).
  std::string value(std::string_view key) const;
  std::string text() const;  // notes then the RESULT line, each ending in '\n'

 private:
  std::vector<std::string> notes_;
  std::string result_;
};

// printf into a std::string.
std::string strf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace synack::bench
