#pragma once
// Script <-> live sequence numbers for the connection under test (dialect §1.4).
//
// Local (our stack's) sequence space: a script writes it relative to the ISN. The
// live ISN is learned from the first outbound SYN or SYN,ACK the script matches;
// until then it is 0, so a RST that answers a segment in CLOSED or LISTEN is written
// with the script's own numbers (portable/README.md, runner requirement 5).
//
// Remote sequence space: the script *is* the remote end, so its numbers are used
// literally on inbound segments, and outbound ACK fields are compared literally.
#include <cstdint>

namespace synack::pdrill {

class SeqMap {
 public:
  // A new connection under test: the local ISN is unknown again.
  void reset() { *this = SeqMap{}; }

  // An outbound SYN (or SYN,ACK) with live sequence number `live` matched a script
  // line with sequence number `script`.
  void learn_local_isn(uint32_t live, uint32_t script) {
    offset_ = live - script;
    known_ = true;
  }
  bool local_isn_known() const { return known_; }
  uint32_t local_offset() const { return offset_; }

  // Script -> live, local space (inbound `ack`, inbound SACK blocks, outbound seq).
  uint32_t local_to_live(uint32_t script) const { return script + offset_; }
  // Live -> script, local space (to show outbound segments relative to the ISN).
  uint32_t local_to_script(uint32_t live) const { return live - offset_; }

  // Remote space is literal in both directions.
  static uint32_t remote_to_live(uint32_t script) { return script; }

 private:
  uint32_t offset_ = 0;
  bool known_ = false;
};

}  // namespace synack::pdrill
