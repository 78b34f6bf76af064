#include "bench_support/report.h"

#include <cstdarg>
#include <cstdio>

namespace synack::bench {

std::string strf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  va_list ap2;
  va_copy(ap2, ap);
  int n = std::vsnprintf(nullptr, 0, fmt, ap);
  va_end(ap);
  std::string s(n > 0 ? static_cast<size_t>(n) : 0, '\0');
  if (n > 0) std::vsnprintf(s.data(), s.size() + 1, fmt, ap2);
  va_end(ap2);
  return s;
}

Report::Report(std::string_view bench) : result_("RESULT impl=synack bench=") { result_ += bench; }

void Report::add(std::string_view key, double value, int decimals) {
  result_ += strf(" %.*s=%.*f", static_cast<int>(key.size()), key.data(), decimals, value);
}

void Report::add(std::string_view key, uint64_t value) {
  result_ += strf(" %.*s=%llu", static_cast<int>(key.size()), key.data(), static_cast<unsigned long long>(value));
}

void Report::add(std::string_view key, std::string_view value) {
  result_ += ' ';
  result_ += key;
  result_ += '=';
  result_ += value;
}

std::string Report::value(std::string_view key) const {
  std::string needle(1, ' ');
  needle += key;
  needle += '=';
  size_t at = result_.find(needle);
  if (at == std::string::npos) return {};
  size_t from = at + needle.size();
  size_t to = result_.find(' ', from);
  return result_.substr(from, to == std::string::npos ? std::string::npos : to - from);
}

std::string Report::text() const {
  std::string out;
  for (const auto& n : notes_) {
    out += "# ";
    out += n;
    out += '\n';
  }
  out += result_ + "\n";
  return out;
}

}  // namespace synack::bench
