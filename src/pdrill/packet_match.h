#pragma once
// Does a live outbound packet match a `>` line? The fields and rules of packetdrill's
// verify_outbound_live_packet (dialect §1.5): checksums valid; flags exact (incl. the
// reserved/AE bits); seq relative to the local ISN (`!` absolute, `...` any); ack
// literal (0 when the line has no `ack`); payload length and zero bytes; urg (default
// 0); win only if written; options exact unless `<...>`; TOS/ECN/TTL only if written.
// Timing is the runner's business.
#include <string>
#include <vector>

#include "pdrill/live_packet.h"
#include "pdrill/seq_map.h"
#include "script/script.h"

namespace synack::pdrill {

struct MatchOptions {
  // Compare outbound option lists as if written `<...>` (gVisor's relaxation of
  // Linux-specific layouts; the report says when a suite is run this way).
  bool relax_options = false;
};

// Every difference found, each as "field: expected X, got Y"; empty means a match.
// An outbound SYN with a relative sequence number matches any ISN (the caller then
// learns the ISN from it).
std::vector<std::string> match_outbound(const script::Packet& want, const LivePacket& got,
                                        const SeqMap& map, const MatchOptions& opts = {});

// The payload length the line expects (its `(len)`).
inline uint32_t expected_payload(const script::Packet& p) { return p.seq.len; }

}  // namespace synack::pdrill
