#pragma once
// `serve --app http`: a small HTTP/1.1 server.
//   GET /          200, a short text/plain greeting
//   GET /bytes/N   200, N bytes of the pattern of cli/pattern.h (byte i = i % 251),
//                  application/octet-stream, streamed (N up to 2^40)
//   HEAD           the same heads without bodies
//   anything else  404 (unknown path), 405 (other methods), 400 (malformed or
//                  with a request body), 431 (head over 16 KiB)
// Keep-alive: HTTP/1.1 keeps the connection unless the request says
// "Connection: close"; HTTP/1.0 closes unless it says "keep-alive". Every
// response has Content-Length; pipelined requests are answered in order.
#include "cli/service.h"

namespace synack::cli {

class HttpService final : public Service {
 public:
  using Service::Service;

 protected:
  std::unique_ptr<Session> make_session(api::Socket s) override;
};

}  // namespace synack::cli
