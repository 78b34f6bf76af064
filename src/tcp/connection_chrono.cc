// TCP_INFO's chronographs, as Linux keeps them (tcp_chrono_start/stop): one
// clock runs at a time, for the most telling of the conditions that hold.
// Data queued makes the connection busy; while busy, the next segment not
// fitting the peer's receive window, or the application finding the send
// buffer full, takes over (the later in the Chrono enum wins). When that
// condition ends the busy clock runs again, and when the queue empties
// none does. Only connections with data have Buffers, so only they pay.
#include <algorithm>

#include "tcp/connection.h"

namespace synack::tcp {

namespace {
size_t slot(Chrono c) { return static_cast<size_t>(c) - 1; }
}  // namespace

void Connection::chrono_set(Instant now, Chrono c) {
  Buffers& b = *bufs_;
  if (b.chrono != Chrono::None) b.chrono_us[slot(b.chrono)] += static_cast<uint64_t>(now.us() - b.chrono_start_us);
  b.chrono = c;
  b.chrono_start_us = now.us();
}

void Connection::chrono_end(Instant now, Chrono c) {
  // `c` has ended: the busy clock runs while anything is queued, none if not.
  if (bufs_->snd.empty()) {
    chrono_set(now, Chrono::None);
  } else if (c == bufs_->chrono) {
    chrono_set(now, Chrono::Busy);
  }
}

void Connection::note_held_back(Instant now, int64_t past_una, uint32_t unsent, uint32_t limit, uint32_t cwnd) {
  // Held back by the peer's receive window, not by cwnd (tested first, as
  // Linux's tcp_write_xmit does): the next segment does not fit the window.
  if (int64_t{cwnd} > past_una && int64_t{snd_.wnd} - past_una < std::min<int64_t>(unsent, limit)) {
    chrono_start(now, Chrono::RwndLimited);
  }
}

Connection::Chronos Connection::chronos(Instant now) const {
  Chronos out;
  if (!bufs_) return out;
  std::array<uint64_t, 3> us = bufs_->chrono_us;
  if (bufs_->chrono != Chrono::None) us[slot(bufs_->chrono)] += static_cast<uint64_t>(now.us() - bufs_->chrono_start_us);
  out.rwnd_limited_us = us[slot(Chrono::RwndLimited)];
  out.sndbuf_limited_us = us[slot(Chrono::SndbufLimited)];
  out.busy_us = us[slot(Chrono::Busy)] + out.rwnd_limited_us + out.sndbuf_limited_us;
  return out;
}

}  // namespace synack::tcp
