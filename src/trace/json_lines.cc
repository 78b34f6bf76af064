#include "trace/json_lines.h"

#include <nlohmann/json.hpp>

namespace synack::trace {

namespace {

using Json = nlohmann::ordered_json;

Json options_json(const wire::TcpOptions& o) {
  Json j = Json::object();
  if (o.mss) j["mss"] = *o.mss;
  if (o.window_scale) j["ws"] = *o.window_scale;
  if (o.sack_permitted) j["sack_ok"] = true;
  if (o.timestamps) j["ts"] = Json{{"val", o.timestamps->val}, {"ecr", o.timestamps->ecr}};
  if (!o.sack_blocks().empty()) {
    Json blocks = Json::array();
    for (const auto& b : o.sack_blocks()) blocks.push_back(Json::array({b.left, b.right}));
    j["sack"] = blocks;
  }
  return j;
}

void segment_fields(Json& j, const SegmentInfo& s) {
  j["flags"] = wire::flags_to_string(s.flags);
  j["seq"] = s.seq;
  j["ack"] = s.ack;
  j["len"] = s.len;
  j["win"] = s.win;
  j["options"] = options_json(s.options);
}

std::string_view event_name(TraceKind k) {
  switch (k) {
    case TraceKind::Send: return "send";
    case TraceKind::Recv: return "recv";
    case TraceKind::Drop: return "drop";
    case TraceKind::State: return "state";
  }
  return "?";
}

}  // namespace

std::string drop_reason_id(tcp::DropReason r) {
  std::string s(to_string(r));
  for (char& c : s) {
    if (c == ' ' || c == '-' || c == '+') c = '_';
  }
  return s;
}

std::string_view cause_id(tcp::Cause c) {
  switch (c) {
    case tcp::Cause::UserOpen: return "open";
    case tcp::Cause::UserListen: return "listen";
    case tcp::Cause::UserClose: return "close";
    case tcp::Cause::UserAbort: return "abort";
    case tcp::Cause::RecvSyn: return "rcv_syn";
    case tcp::Cause::RecvSynAck: return "rcv_syn_ack";
    case tcp::Cause::RecvAck: return "rcv_ack";
    case tcp::Cause::RecvFin: return "rcv_fin";
    case tcp::Cause::RecvRst: return "rcv_rst";
    case tcp::Cause::RetransmitLimit: return "timeout";
    case tcp::Cause::IcmpError: return "icmp_error";
    case tcp::Cause::TimeWaitExpired: return "time_wait_expired";
    case tcp::Cause::FinWait2Timeout: return "fin_wait_2_timeout";
    case tcp::Cause::DataAfterClose: return "data_after_close";
    case tcp::Cause::KeepAliveTimeout: return "keepalive_timeout";
  }
  return "?";
}

std::string json_line(const Trace& trace, const TraceEvent& e) {
  Json j;
  j["t_us"] = e.t.us();
  j["host"] = e.host < trace.hosts().size() ? trace.hosts()[e.host] : std::string("?");
  j["event"] = event_name(e.kind);
  if (e.kind == TraceKind::State) {
    j["from"] = tcp::to_cli_string(e.from);
    j["to"] = tcp::to_cli_string(e.to);
    j["cause"] = cause_id(e.cause);
    return j.dump();
  }
  if (e.seg) {
    segment_fields(j, *e.seg);
  } else {
    j["bytes"] = e.bytes;
  }
  if (e.kind == TraceKind::Drop) j["reason"] = drop_reason_id(e.reason);
  if (e.kind == TraceKind::Send) {
    if (e.seg && e.seg->retransmission) j["retransmission"] = true;
    if (e.seg && e.seg->loss_probe) j["loss_probe"] = true;
    Json fates = Json::array();
    for (auto k : {link::LinkEventKind::Lost, link::LinkEventKind::TooBig, link::LinkEventKind::Duplicated,
                   link::LinkEventKind::Reordered, link::LinkEventKind::Corrupted, link::LinkEventKind::CeMarked}) {
      if (e.marked(k)) fates.push_back(link::to_string(k));
    }
    if (!fates.empty()) j["link"] = fates;
  }
  return j.dump();
}

void write_json_lines(const Trace& trace, std::ostream& os) {
  for (const TraceEvent& e : trace.events()) os << json_line(trace, e) << '\n';
}

}  // namespace synack::trace
