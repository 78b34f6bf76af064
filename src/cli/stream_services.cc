#include "cli/stream_services.h"

#include <array>
#include <vector>

namespace synack::cli {

namespace {

std::array<uint8_t, 64 * 1024> scratch;  // one loop, one thread: shared by all sessions

class EchoSession final : public Session {
 public:
  using Session::Session;

 private:
  // Send what is pending, then read more, until the socket blocks either way.
  // Reading stops while echoed bytes wait, so a slow reader slows the writer
  // (TCP flow control end to end) instead of filling our memory.
  void pump() override {
    for (int guard = 0; guard < 1'000'000 && !finished(); ++guard) {
      if (!pending_.empty()) {
        auto n = sock().try_send(pending_);
        if (!n) return n.error() == api::Error::WouldBlock ? void() : finish(true);
        pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(*n));
        continue;
      }
      if (eof_) return finish();  // everything echoed: our FIN follows the data
      auto n = sock().try_recv(scratch);
      if (!n) return n.error() == api::Error::WouldBlock ? void() : finish(true);
      if (*n == 0) {
        eof_ = true;
        continue;
      }
      pending_.assign(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(*n));
    }
  }
  std::vector<uint8_t> pending_;
  bool eof_ = false;
};

class DiscardSession final : public Session {
 public:
  using Session::Session;

 private:
  void pump() override {
    for (int guard = 0; guard < 1'000'000 && !finished(); ++guard) {
      auto n = sock().try_recv(scratch);
      if (!n) return n.error() == api::Error::WouldBlock ? void() : finish(true);
      if (*n == 0) return finish();
    }
  }
};

}  // namespace

std::unique_ptr<Session> EchoService::make_session(api::Socket s) {
  return std::make_unique<EchoSession>(*this, std::move(s));
}

std::unique_ptr<Session> DiscardService::make_session(api::Socket s) {
  return std::make_unique<DiscardSession>(*this, std::move(s));
}

}  // namespace synack::cli
