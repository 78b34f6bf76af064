#pragma once
// A tiny application for pair tests: sends `to_send` pattern bytes, reads and
// verifies everything the peer sends, half-closes when done sending and closes
// after end of stream. It also checks every state change it sees is an edge of
// the RFC 9293 diagram.
#include <string>
#include <vector>

#include "tcp/connection.h"
#include "common/conn_pair.h"

namespace synack::testing {

class BulkApp {
 public:
  BulkApp(uint64_t to_send, uint64_t salt_out, uint64_t salt_in)
      : to_send_(to_send), salt_out_(salt_out), salt_in_(salt_in), buf_(16384) {}

  void pump(tcp::Connection& c, base::Instant now) {
    while (auto e = c.poll_event()) {
      if (e->kind == tcp::EventKind::StateChanged && !tcp::is_legal_transition(e->from, e->to)) {
        problem_ = "illegal transition " + std::string(to_string(e->from)) + " -> " + std::string(to_string(e->to));
      }
    }
    while (sent_ < to_send_) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(buf_.size(), to_send_ - sent_));
      for (size_t i = 0; i < n; ++i) buf_[i] = pattern_byte(sent_ + i, salt_out_);
      auto r = c.send(now, base::Bytes(buf_.data(), n));
      if (!r || *r == 0) break;
      sent_ += *r;
    }
    if (sent_ == to_send_ && !shut_ &&
        (c.state() == tcp::State::Established || c.state() == tcp::State::CloseWait)) {
      c.shutdown_send(now);
      shut_ = true;
    }
    for (int i = 0; i < 1000; ++i) {
      auto r = c.recv(now, buf_);
      if (!r) {
        if (r.error() == tcp::Error::ConnectionClosing) eof_ = true;
        break;
      }
      if (*r == 0) break;
      for (size_t k = 0; k < *r; ++k) {
        if (buf_[k] != pattern_byte(received_ + k, salt_in_) && problem_.empty())
          problem_ = "byte " + std::to_string(received_ + k) + " differs";
      }
      received_ += *r;
    }
    if (eof_ && shut_ && !closed_) {
      c.close(now);
      closed_ = true;
    }
  }

  uint64_t received() const { return received_; }
  uint64_t sent() const { return sent_; }
  bool eof() const { return eof_; }
  const std::string& problem() const { return problem_; }

 private:
  uint64_t to_send_, salt_out_, salt_in_;
  uint64_t sent_ = 0, received_ = 0;
  bool shut_ = false, eof_ = false, closed_ = false;
  std::string problem_;
  std::vector<uint8_t> buf_;
};

}  // namespace synack::testing
