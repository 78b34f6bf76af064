#pragma once
// The little HTTP/1.1 that `serve --app http` and `connect --http-get` speak:
// parse a request head or a response head (everything up to the blank line).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace synack::cli::http {

// Where the head ends ("\r\n\r\n" included), or npos while incomplete.
size_t head_end(std::string_view buf);

struct Request {
  std::string method;
  std::string target;
  int minor = 1;            // HTTP/1.<minor>
  bool keep_alive = true;   // 1.1 unless "Connection: close"; 1.0 only with "keep-alive"
  bool has_body = false;    // Content-Length > 0 or chunked: not supported by our server
};
std::optional<Request> parse_request(std::string_view head);

struct Response {
  int status = 0;
  std::string reason;
  std::optional<uint64_t> content_length;
  bool chunked = false;
  bool keep_alive = true;
};
std::optional<Response> parse_response(std::string_view head);

// "/bytes/123" -> 123 (at most 2^40); nothing for other targets.
std::optional<uint64_t> bytes_target(std::string_view target);

}  // namespace synack::cli::http
