#include "cli/live_trace.h"

#include <string>

#include "trace/json_lines.h"
#include "trace/segment_info.h"

namespace synack::cli {

void LiveTrace::on_send(base::Instant now, const wire::FourTuple& t, const tcp::Segment& s) {
  std::fprintf(out_, "%+.6f %s > %s  %s%s\n", secs(now), t.local.to_string().c_str(),
               t.remote.to_string().c_str(), trace::SegmentInfo::outgoing(t, s).describe().c_str(),
               s.retransmission ? " (retransmission)" : "");
}

void LiveTrace::on_receive(base::Instant now, const wire::FourTuple& t, const tcp::Segment& s,
                           tcp::DropReason r) {
  std::string why = r == tcp::DropReason::None ? "" : "  dropped: " + trace::drop_reason_id(r);
  std::fprintf(out_, "%+.6f %s < %s  %s%s\n", secs(now), t.local.to_string().c_str(),
               t.remote.to_string().c_str(), trace::SegmentInfo::incoming(t, s).describe().c_str(), why.c_str());
}

void LiveTrace::on_packet_drop(base::Instant now, base::Bytes packet, tcp::DropReason r) {
  auto seg = trace::SegmentInfo::decode(packet);
  std::fprintf(out_, "%+.6f packet of %zu bytes dropped: %s%s%s\n", secs(now), packet.size(),
               trace::drop_reason_id(r).c_str(), seg ? "  " : "", seg ? seg->describe().c_str() : "");
}

void LiveTrace::on_state_change(base::Instant now, const wire::FourTuple& t, tcp::State from,
                                tcp::State to, tcp::Cause cause) {
  std::fprintf(out_, "%+.6f %s - %s  %s -> %s (%s)\n", secs(now), t.local.to_string().c_str(),
               t.remote.to_string().c_str(), std::string(tcp::to_cli_string(from)).c_str(),
               std::string(tcp::to_cli_string(to)).c_str(), std::string(trace::cause_id(cause)).c_str());
}

}  // namespace synack::cli
