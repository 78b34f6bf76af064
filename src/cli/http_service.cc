#include "cli/http_service.h"

#include <array>
#include <string>

#include "cli/http.h"
#include "cli/pattern.h"

namespace synack::cli {

namespace {

constexpr size_t kMaxHead = 16 * 1024;
constexpr std::string_view kGreeting = "hello from synack, a userspace TCP/IP stack\n";

std::array<uint8_t, 16 * 1024> scratch;

struct Reply {
  int status = 200;
  std::string_view reason = "OK";
  std::string_view type = "text/plain";
  std::string_view text;      // a fixed body...
  uint64_t pattern_len = 0;   // ...or this many pattern bytes
  bool head_only = false;
};

Reply route(const http::Request& r) {
  if (r.has_body) return {400, "Bad Request", "text/plain", "request bodies are not supported\n"};
  if (r.method != "GET" && r.method != "HEAD")
    return {405, "Method Not Allowed", "text/plain", "only GET and HEAD\n"};
  Reply rep;
  rep.head_only = r.method == "HEAD";
  if (r.target == "/") {
    rep.text = kGreeting;
  } else if (auto n = http::bytes_target(r.target)) {
    rep.type = "application/octet-stream";
    rep.pattern_len = *n;
  } else {
    rep = {404, "Not Found", "text/plain", "not found\n", 0, rep.head_only};
  }
  return rep;
}

class HttpSession final : public Session {
 public:
  using Session::Session;

 private:
  void pump() override {
    for (int guard = 0; guard < 1'000'000 && !finished(); ++guard) {
      if (responding_) {
        if (!send_some()) return;
        continue;
      }
      if (closing_) return drain();
      if (size_t e = http::head_end(in_); e != std::string::npos) {
        answer(std::string_view(in_).substr(0, e));
        in_.erase(0, e);
        continue;
      }
      if (eof_) return finish();
      if (in_.size() > kMaxHead) {
        start_reply({431, "Request Header Fields Too Large", "text/plain", "head too large\n"}, false);
        continue;
      }
      auto n = sock().try_recv(scratch);
      if (!n) return n.error() == api::Error::WouldBlock ? void() : finish(true);
      if (*n == 0) eof_ = true;
      in_.append(reinterpret_cast<const char*>(scratch.data()), *n);
    }
  }

  void answer(std::string_view head) {
    auto req = http::parse_request(head);
    if (!req) return start_reply({400, "Bad Request", "text/plain", "malformed request\n"}, false);
    Reply rep = route(*req);
    start_reply(rep, req->keep_alive && rep.status != 400);
  }

  void start_reply(const Reply& rep, bool keep_alive) {
    uint64_t len = rep.pattern_len ? rep.pattern_len : rep.text.size();
    out_ = "HTTP/1.1 " + std::to_string(rep.status) + " " + std::string(rep.reason) +
           "\r\nServer: synack\r\nContent-Type: " + std::string(rep.type) +
           "\r\nContent-Length: " + std::to_string(len) +
           "\r\nConnection: " + (keep_alive ? "keep-alive" : "close") + "\r\n\r\n";
    if (!rep.head_only) out_ += rep.text;
    pattern_left_ = rep.head_only ? 0 : rep.pattern_len;
    pattern_off_ = 0;
    responding_ = true;
    closing_ = !keep_alive;
  }

  // Queue the response; false if the socket blocked (or failed) first.
  bool send_some() {
    while (!out_.empty()) {
      auto n = sock().try_send(base::as_bytes(out_.data(), out_.size()));
      if (!n) return fail(n.error());
      out_.erase(0, *n);
    }
    while (pattern_left_ > 0) {
      auto n = sock().try_send(Pattern::at(pattern_off_, static_cast<size_t>(
                                   std::min<uint64_t>(pattern_left_, Pattern::kChunk))));
      if (!n) return fail(n.error());
      pattern_off_ += *n;
      pattern_left_ -= *n;
    }
    responding_ = false;
    if (closing_) (void)sock().shutdown();  // FIN after the response
    return true;
  }

  bool fail(api::Error e) {
    if (e != api::Error::WouldBlock) finish(true);
    return false;
  }

  // After our FIN: read and drop until the peer closes too.
  void drain() {
    for (;;) {
      auto n = sock().try_recv(scratch);
      if (!n) return n.error() == api::Error::WouldBlock ? void() : finish(true);
      if (*n == 0) return finish();
    }
  }

  std::string in_;
  std::string out_;
  uint64_t pattern_left_ = 0;
  uint64_t pattern_off_ = 0;
  bool responding_ = false;
  bool closing_ = false;
  bool eof_ = false;
};

}  // namespace

std::unique_ptr<Session> HttpService::make_session(api::Socket s) {
  return std::make_unique<HttpSession>(*this, std::move(s));
}

}  // namespace synack::cli
