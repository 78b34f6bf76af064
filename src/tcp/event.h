#pragma once
// What a connection tells its owner, pulled with Connection::poll_event().
#include <array>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string_view>

#include "tcp/error.h"
#include "tcp/state.h"

namespace synack::tcp {

// Why a state changed: the input that caused it (shown in traces and ladders).
enum class Cause : uint8_t {
  UserOpen,        // active OPEN (connect)
  UserListen,      // passive OPEN (listen)
  UserClose,       // CLOSE / shutdown of the send side
  UserAbort,       // ABORT
  RecvSyn,
  RecvSynAck,
  RecvAck,
  RecvFin,
  RecvRst,
  RetransmitLimit, // R2 / user timeout (§3.8.3)
  IcmpError,       // an ICMP hard error (RFC 9293 §3.9.2.2)
  TimeWaitExpired, // 2*MSL elapsed (§3.10.8)
  FinWait2Timeout, // orphaned FIN-WAIT-2 gave up
  DataAfterClose,  // data arrived after close(): RST sent (SHLD-3)
  KeepAliveTimeout, // keep-alive probes went unanswered (§3.8.4)
};
std::string_view to_string(Cause c);

enum class EventKind : uint8_t {
  StateChanged,  // from, to, cause
  Connected,     // the handshake completed (ESTABLISHED reached)
  Readable,      // new in-order data (or end of stream) can be read
  Writable,      // send buffer space was freed after a send() came up short
  PeerClosed,    // the peer's FIN arrived: end of stream after the buffered data
  Closed,        // the connection reached CLOSED; `error` says why if abnormal
  DeliveryTrouble, // R1 passed for a segment (SHLD-9)
  SoftError,       // an ICMP soft error arrived (MUST-47); `error` says which
  Urgent,          // the peer's urgent pointer appeared or advanced (MUST-32)
};
std::string_view to_string(EventKind k);

struct Event {
  EventKind kind = EventKind::StateChanged;
  State from = State::Closed;
  State to = State::Closed;
  Cause cause = Cause::UserOpen;
  std::optional<Error> error;  // for Closed: reset, refused, timed out, aborted; none if normal

  static Event state_changed(State f, State t, Cause c) { return {EventKind::StateChanged, f, t, c, {}}; }
  static Event simple(EventKind k) { return {k, State::Closed, State::Closed, Cause::UserOpen, {}}; }
  static Event closed(std::optional<Error> e) { return {EventKind::Closed, State::Closed, State::Closed, Cause::UserOpen, e}; }
  // Field by field, so that an event built from constants is stored as
  // constants (see base::RingQueue::push_slot).
  void assign(const Event& o) {
    kind = o.kind;
    from = o.from;
    to = o.to;
    cause = o.cause;
    // Not `error = o.error`: that copies the optional as one 16-bit word.
    if (o.error) {
      error = *o.error;
    } else {
      error.reset();
    }
  }
};

// A small fixed ring of pending events. A connection produces at most a handful
// per input call; the owner drains them after every call.
class EventQueue {
 public:
  bool push(const Event& e) {
    if (n_ == kCapacity) return false;
    q_[(head_ + n_) % kCapacity] = e;
    ++n_;
    return true;
  }
  std::optional<Event> pop() {
    if (n_ == 0) return std::nullopt;
    Event e = q_[head_];
    head_ = static_cast<uint8_t>((head_ + 1) % kCapacity);
    --n_;
    return e;
  }
  bool empty() const { return n_ == 0; }

 private:
  static constexpr uint8_t kCapacity = 8;
  std::array<Event, kCapacity> q_{};
  uint8_t head_ = 0;
  uint8_t n_ = 0;
};

}  // namespace synack::tcp
