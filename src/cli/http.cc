#include "cli/http.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace synack::cli::http {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool contains_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    if (iequals(trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

std::optional<uint64_t> parse_u64(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// Split "HTTP/1.x" -> minor version.
std::optional<int> version_minor(std::string_view v) {
  if (v == "HTTP/1.1") return 1;
  if (v == "HTTP/1.0") return 0;
  return std::nullopt;
}

struct Headers {
  std::optional<uint64_t> content_length;
  bool chunked = false;
  bool conn_close = false;
  bool conn_keep_alive = false;
  bool ok = true;
};

// Header lines after the first line of `head`.
Headers parse_headers(std::string_view rest) {
  Headers h;
  while (!rest.empty()) {
    size_t eol = rest.find("\r\n");
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 2);
    if (line.empty()) break;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      h.ok = false;
      return h;
    }
    std::string_view name = line.substr(0, colon), value = trim(line.substr(colon + 1));
    if (iequals(name, "Content-Length")) {
      h.content_length = parse_u64(value);
      if (!h.content_length) h.ok = false;
    } else if (iequals(name, "Transfer-Encoding")) {
      h.chunked = contains_token(value, "chunked");
    } else if (iequals(name, "Connection")) {
      h.conn_close = h.conn_close || contains_token(value, "close");
      h.conn_keep_alive = h.conn_keep_alive || contains_token(value, "keep-alive");
    }
  }
  return h;
}

}  // namespace

size_t head_end(std::string_view buf) {
  size_t p = buf.find("\r\n\r\n");
  return p == std::string_view::npos ? p : p + 4;
}

std::optional<Request> parse_request(std::string_view head) {
  size_t eol = head.find("\r\n");
  if (eol == std::string_view::npos) return std::nullopt;
  std::string_view line = head.substr(0, eol);
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return std::nullopt;
  auto minor = version_minor(line.substr(sp2 + 1));
  if (!minor) return std::nullopt;
  Request r;
  r.method = std::string(line.substr(0, sp1));
  r.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  r.minor = *minor;
  if (r.method.empty() || r.target.empty()) return std::nullopt;
  Headers h = parse_headers(head.substr(eol + 2));
  if (!h.ok) return std::nullopt;
  r.keep_alive = r.minor == 1 ? !h.conn_close : h.conn_keep_alive;
  r.has_body = h.chunked || h.content_length.value_or(0) > 0;
  return r;
}

std::optional<Response> parse_response(std::string_view head) {
  size_t eol = head.find("\r\n");
  if (eol == std::string_view::npos) return std::nullopt;
  std::string_view line = head.substr(0, eol);
  size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return std::nullopt;
  auto minor = version_minor(line.substr(0, sp1));
  if (!minor) return std::nullopt;
  std::string_view rest = line.substr(sp1 + 1);
  size_t sp2 = rest.find(' ');
  auto status = parse_u64(rest.substr(0, sp2));
  if (!status || *status < 100 || *status > 999) return std::nullopt;
  Response r;
  r.status = static_cast<int>(*status);
  if (sp2 != std::string_view::npos) r.reason = std::string(rest.substr(sp2 + 1));
  Headers h = parse_headers(head.substr(eol + 2));
  if (!h.ok) return std::nullopt;
  r.content_length = h.content_length;
  r.chunked = h.chunked;
  r.keep_alive = *minor == 1 ? !h.conn_close : h.conn_keep_alive;
  return r;
}

std::optional<uint64_t> bytes_target(std::string_view target) {
  constexpr std::string_view kPrefix = "/bytes/";
  if (target.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  auto n = parse_u64(target.substr(kPrefix.size()));
  if (!n || *n > (uint64_t{1} << 40)) return std::nullopt;
  return n;
}

}  // namespace synack::cli::http
