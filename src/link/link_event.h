#pragma once
// What a link did with a packet: lost it, duplicated it, corrupted it... The
// simulator's links (and impairment decorators) report these to a
// LinkObserver, so a trace can mark the segments concerned.
#include <cstdint>
#include <ostream>
#include <string_view>

#include "base/bytes.h"
#include "base/time.h"

namespace synack::link {

enum class LinkEventKind : uint8_t {
  Sent,        // the link took the packet (reported first, for every packet)
  Lost,        // dropped on the way (random loss)
  TooBig,      // dropped: larger than the link MTU
  Duplicated,  // a second copy will arrive too
  Reordered,   // held back, so later packets overtake it
  Corrupted,   // a byte was changed on the way; the receiver's checksum fails
  Delivered,   // handed to the receiving host (each copy once)
  CeMarked,    // an ECN-capable packet marked CE instead of dropped (RFC 3168 §5)
};
constexpr int kNumLinkEventKinds = 8;  // fits the 8 bits of trace::TraceEvent::marks

// "sent", "lost", "too_big", "duplicated", "reordered", "corrupted", "delivered", "ce_marked".
std::string_view to_string(LinkEventKind k);
inline std::ostream& operator<<(std::ostream& os, LinkEventKind k) { return os << to_string(k); }

struct LinkEvent {
  base::Instant at;
  LinkEventKind kind = LinkEventKind::Delivered;
  std::string_view from;  // name of the sending host
  std::string_view to;    // name of the receiving host
  uint64_t number = 0;    // the link's number for the packet (1, 2, ...): events about
                          // one packet share it, so an observer can tie them together
  // The packet as it was sent, before any corruption; for Delivered, the bytes
  // handed to the receiver. Valid during the call only.
  base::Bytes packet;
};

class LinkObserver {
 public:
  virtual ~LinkObserver() = default;
  virtual void on_link_event(const LinkEvent& e) = 0;
};

}  // namespace synack::link
