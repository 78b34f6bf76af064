#include "cli/live_trace.h"

#include <string>

namespace synack::cli {

void LiveTrace::on_send(base::Instant now, const wire::FourTuple& t, const tcp::Segment& s) {
  std::fprintf(out_, "%+.6f %s > %s  %s%s\n", secs(now), t.local.to_string().c_str(),
               t.remote.to_string().c_str(), tcp::describe(s).c_str(),
               s.retransmission ? " (retransmission)" : "");
}

void LiveTrace::on_receive(base::Instant now, const wire::FourTuple& t, const tcp::Segment& s,
                           tcp::DropReason r) {
  std::string why = r == tcp::DropReason::None ? "" : "  dropped: " + std::string(to_string(r));
  std::fprintf(out_, "%+.6f %s < %s  %s%s\n", secs(now), t.local.to_string().c_str(),
               t.remote.to_string().c_str(), tcp::describe(s).c_str(), why.c_str());
}

void LiveTrace::on_packet_drop(base::Instant now, base::Bytes packet, tcp::DropReason r) {
  std::fprintf(out_, "%+.6f packet of %zu bytes dropped: %s\n", secs(now), packet.size(),
               std::string(to_string(r)).c_str());
}

void LiveTrace::on_state_change(base::Instant now, const wire::FourTuple& t, tcp::State from,
                                tcp::State to, tcp::Cause cause) {
  std::fprintf(out_, "%+.6f %s - %s  %s -> %s (%s)\n", secs(now), t.local.to_string().c_str(),
               t.remote.to_string().c_str(), std::string(tcp::to_cli_string(from)).c_str(),
               std::string(tcp::to_cli_string(to)).c_str(), std::string(tcp::to_string(cause)).c_str());
}

}  // namespace synack::cli
