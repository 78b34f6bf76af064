#include "sim/echo_peer.h"

#include <algorithm>

namespace synack::sim {

namespace {
constexpr size_t kChunk = 16384;
constexpr int kMaxReadsPerPoll = 1024;
}  // namespace

uint8_t pattern_byte(uint64_t i, uint64_t salt) {
  uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ULL ^ salt;
  x ^= x >> 29;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 32;
  return static_cast<uint8_t>(x);
}

EchoPeer::EchoPeer(stack::Stack& stack, Role role, uint64_t bytes, uint64_t salt, CloseWhen when)
    : stack_(stack), role_(role), bytes_(bytes), salt_(salt), when_(when), buf_(kChunk) {}

void EchoPeer::fail(std::string what) {
  if (problem_.empty()) problem_ = (role_ == Role::Client ? "client: " : "server: ") + what;
}

bool EchoPeer::done() const {
  if (role_ == Role::Client) return connected_ && received_ == bytes_;
  return connected_ && received_ == bytes_ && sent_ == bytes_;
}

bool EchoPeer::drain_events(base::Instant now) {
  bool acted = false;
  while (auto e = stack_.poll_event()) {
    if (e->kind == stack::StackEvent::Kind::Acceptable) {
      if (!conn_ && listen_port_ != 0 && e->port == listen_port_) {
        conn_ = stack_.accept(listen_port_);
        acted = true;
      }
      continue;
    }
    if (conn_ && e->conn == *conn_ && e->event.kind == tcp::EventKind::Closed && e->event.error) {
      fail("connection closed: " + std::string(to_string(*e->event.error)));
      close_now(now);  // give the dead connection back to the stack
      acted = true;
    }
  }
  return acted;
}

void EchoPeer::check(base::Bytes data) {
  if (received_ + data.size() > bytes_) {
    fail("more bytes arrived than were sent");
    return;
  }
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i] != pattern_byte(received_ + i, salt_)) {
      fail("byte " + std::to_string(received_ + i) + " differs from what was sent");
      return;
    }
  }
}

bool EchoPeer::push_out(base::Instant now) {
  const tcp::Connection* c = stack_.connection(*conn_);
  // Data goes out only once the handshake has completed, so the third segment
  // of the handshake is seen on its own.
  if (!c || !tcp::is_synchronized(c->state())) return false;
  connected_ = true;
  bool acted = false;
  for (int i = 0; i < kMaxReadsPerPoll; ++i) {
    base::Bytes chunk;
    if (role_ == Role::Client) {
      if (sent_ == bytes_) break;
      size_t n = static_cast<size_t>(std::min<uint64_t>(buf_.size(), bytes_ - sent_));
      for (size_t k = 0; k < n; ++k) buf_[k] = pattern_byte(sent_ + k, salt_);
      chunk = base::Bytes(buf_.data(), n);
    } else {
      if (out_off_ == out_.size()) break;
      chunk = base::Bytes(out_.data() + out_off_, out_.size() - out_off_);
    }
    auto r = stack_.send(now, *conn_, chunk);
    if (!r) {
      fail("send: " + std::string(to_string(r.error())));
      break;
    }
    if (*r == 0) break;
    acted = true;
    sent_ += *r;
    if (role_ == Role::Server) out_off_ += *r;
  }
  if (out_off_ == out_.size()) {
    out_.clear();
    out_off_ = 0;
  }
  return acted;
}

bool EchoPeer::pull_in(base::Instant now) {
  bool acted = false;
  for (int i = 0; i < kMaxReadsPerPoll && !eof_; ++i) {
    if (role_ == Role::Server && !out_.empty()) break;  // echo what we have first
    auto r = stack_.recv(now, *conn_, buf_);
    if (!r) {
      if (r.error() == tcp::Error::ConnectionClosing) {
        eof_ = true;
        acted = true;
        if (received_ != bytes_) {
          fail("end of stream after " + std::to_string(received_) + " of " + std::to_string(bytes_) + " bytes");
        }
      } else {
        fail("recv: " + std::string(to_string(r.error())));
      }
      break;
    }
    if (*r == 0) break;
    acted = true;
    base::Bytes data(buf_.data(), *r);
    check(data);
    received_ += *r;
    if (role_ == Role::Server) out_.assign(data.begin(), data.end());
    push_out(now);
  }
  return acted;
}

void EchoPeer::close_now(base::Instant now) {
  if (!conn_ || closed_) return;
  stack_.close(now, *conn_);
  closed_ = true;
}

bool EchoPeer::poll(base::Instant now) {
  bool acted = drain_events(now);
  if (!conn_ || closed_ || !stack_.connection(*conn_)) return acted;
  acted = push_out(now) || acted;
  acted = pull_in(now) || acted;
  bool ready = false;
  switch (when_) {
    case CloseWhen::Done: ready = done(); break;
    case CloseWhen::PeerEof: ready = eof_ && out_.empty(); break;
    case CloseWhen::Told: break;
  }
  if (ready) {
    close_now(now);
    return true;
  }
  // Only calls that moved data count as acting (a read that finds nothing
  // does not), so the network stops polling once nothing changes.
  return acted;
}

}  // namespace synack::sim
