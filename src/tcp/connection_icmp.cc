// ICMP errors about our segments (RFC 9293 §3.9.2.2, RFC 5927, RFC 1191).
#include <algorithm>

#include "tcp/connection.h"

namespace synack::tcp {

namespace {
constexpr uint8_t kDestUnreachable = 3;
constexpr uint8_t kTimeExceeded = 11;
constexpr uint8_t kParameterProblem = 12;

Error unreachable_error(uint8_t code) {
  switch (code) {
    case 0: return Error::NetworkUnreachable;
    case 2: return Error::ProtocolUnreachable;
    case 3: return Error::PortUnreachable;
    default: return Error::HostUnreachable;
  }
}
}  // namespace

bool Connection::on_icmp_error(Instant now, const IcmpReport& r) {
  if (state_ == State::Closed || state_ == State::Listen || state_ == State::TimeWait) return false;
  // RFC 5927 §4.1: act only on errors quoting a sequence number we have sent
  // and not yet seen acknowledged; anything else may be forged.
  if (!(snd_.una.before_eq(r.seq) && r.seq.before(snd_.max)) && !(r.seq == snd_.iss && !snd_.una.after(snd_.iss))) {
    return false;
  }
  if (r.type == kDestUnreachable && r.code == 4) {
    // Fragmentation needed (RFC 1191): a smaller path MTU. Resend at the new
    // size; the connection continues.
    if (r.next_hop_mtu >= 68 + 40) {
      uint16_t mss = static_cast<uint16_t>(r.next_hop_mtu - 40);
      if (mss < snd_.mss) {
        snd_.mss = mss;
        if (snd_.una.before(snd_.max)) snd_.nxt = snd_.una;  // resend what did not fit
      }
    }
    return true;
  }
  bool hard = r.type == kDestUnreachable && (r.code == 2 || r.code == 3);
  if (r.type == kDestUnreachable || r.type == kTimeExceeded || r.type == kParameterProblem) {
    Error e = r.type == kDestUnreachable ? unreachable_error(r.code) : Error::HostUnreachable;
    // Hard errors (protocol or port unreachable) abort (SHLD-26). Soft ones
    // never do (MUST-56) — except while opening, where RFC 5461 lets a stack
    // give up early: an unreachable destination ends a SYN-SENT connection.
    bool opening = state_ == State::SynSent;
    if (hard || (opening && r.type == kDestUnreachable)) {
      enter_closed(Cause::IcmpError, e);
      return true;
    }
    bufs().soft_error = e;  // MUST-47: the application can ask; SHLD-25: and is told
    Event ev = Event::simple(EventKind::SoftError);
    ev.error = e;
    emit(ev);
    (void)now;
    return true;
  }
  return false;  // other types (e.g. source quench, MUST-55) are ignored
}

}  // namespace synack::tcp
