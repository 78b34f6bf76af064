// Packet events: `<` injected into the stack, `>` matched against what it sent, and the
// RST packetdrill injects at the end of a script.
#include <algorithm>
#include <cstdlib>

#include "pdrill/option_codec.h"
#include "pdrill/packet_match.h"
#include "pdrill/run.h"
#include "script/printer.h"

namespace synack::pdrill {

namespace {
// How far past a `>` line's window we look to tell "late" from "never sent".
constexpr int64_t kLateLookUsecs = 2'000'000;  // packetdrill's sniff timeout: expected + 2 s
// `*` waits for ever in packetdrill; we stop after an hour of virtual time.
constexpr int64_t kAnyLimitUsecs = 3600LL * 1'000'000;

std::string window_text(const EventTiming& t) {
  if (t.any) return "at any time";
  std::string w = script::format_seconds(t.start);
  if (t.end != t.start) w += "~" + script::format_seconds(t.end);
  return "at " + w + " (±" + script::format_seconds(t.tolerance) + ")";
}

bool is_syn_without_ack(const script::Packet& p) {
  return p.flags.has(script::TcpFlags::kSyn) && !p.flags.has(script::TcpFlags::kAck) &&
         !p.flags.has(script::TcpFlags::kRst);
}
}  // namespace

Addressing Run::address_inbound(const script::Packet& p) {
  if (sut_.kind == Sut::Kind::Listener && is_syn_without_ack(p)) {
    // A SYN to the listening socket under test: a new child with a fresh remote port
    // becomes the socket under test; its ISN is not known until its SYN,ACK is seen.
    sut_ = Sut{Sut::Kind::Passive, sut_.local_port, next_remote_port_++};
    map_.reset();
    remote_next_.reset();
    local_next_.reset();
  }
  if (sut_.local_port == 0) sut_.local_port = cfg_.env.bind_port;
  if (sut_.remote_port == 0) sut_.remote_port = next_remote_port_++;
  return Addressing{{cfg_.env.local_ip, sut_.local_port}, {cfg_.env.remote_ip, sut_.remote_port}};
}

bool Run::map_ts_ecr(const script::Event& e, script::Packet& p) {
  // An inbound TSecr names a TSval the script saw from us; replace it by the live one.
  if (!p.flags.has(script::TcpFlags::kAck)) return true;
  for (script::TcpOption& o : p.options) {
    if (o.kind != script::OptionKind::Timestamp) continue;
    auto it = ts_map_.find(o.ts_ecr);
    if (it == ts_map_.end()) {
      return fail(e, "unable to infer live TS ecr for script TS ecr " + std::to_string(o.ts_ecr) +
                         ": no matching outbound TS val (as packetdrill)");
    }
    o.ts_ecr = it->second;
  }
  return true;
}

namespace {
const script::TcpOption* timestamp_option(const script::Packet& p) {
  if (p.options_mode != script::OptionsMode::List) return nullptr;
  for (const script::TcpOption& o : p.options) {
    if (o.kind == script::OptionKind::Timestamp) return &o;
  }
  return nullptr;
}
}  // namespace

void Run::learn_ts(const script::Packet& p, const LivePacket& got) {
  auto live = find_timestamp(got.options);
  const script::TcpOption* ts = timestamp_option(p);
  if (!live || !ts) return;
  ts_map_[ts->ts_val] = live->first;
  if (!ts_first_) ts_first_ = std::make_pair(ts->ts_val, live->first);
}

std::optional<std::string> Run::check_ts_val(const script::Packet& p, const LivePacket& got, const EventTiming& t) {
  // --tcp_ts_tick_usecs: the live TSval, moved into script space by the first pair
  // seen, must be within the tolerance of the script's (packetdrill: tolerance from
  // the time since the script started, not since the previous event).
  auto live = find_timestamp(got.options);
  const script::TcpOption* ts = timestamp_option(p);
  if (cfg_.ts_tick_usecs == 0 || !live || !ts || !ts_first_) return std::nullopt;
  uint32_t mapped = ts_first_->first + (live->first - ts_first_->second);
  int64_t off = std::abs(static_cast<int64_t>(static_cast<int32_t>(mapped - ts->ts_val))) * cfg_.ts_tick_usecs;
  int64_t tol = tolerance_for(cfg_.tolerance, t.start);
  if (off <= tol) return std::nullopt;
  return "TS val: expected " + std::to_string(ts->ts_val) + ", got " + std::to_string(mapped) + " (±" +
         script::format_seconds(tol) + " at " + std::to_string(cfg_.ts_tick_usecs) + " us per tick)";
}

bool Run::do_inbound(const script::Event& e, const script::Packet& script_packet, const EventTiming& t) {
  if (!advance(at(t.start))) return false;
  base_ = t.start;
  script::Packet p = script_packet;
  if (!map_ts_ecr(e, p)) return false;
  Addressing a = address_inbound(p);
  for (const script::Packet& seg : split_for_gso(p, cfg_.inbound_mss)) {
    auto bytes = build_inbound(seg, a, map_);
    if (!bytes) return unsupported(e, bytes.error());
    driver_.log().add(driver_.now(), LogKind::Inbound, script::to_string(seg).substr(2));
    uint32_t occupied = seg.seq.len + (seg.flags.has(script::TcpFlags::kSyn) ? 1 : 0) +
                        (seg.flags.has(script::TcpFlags::kFin) ? 1 : 0);
    remote_next_ = seg.seq.start + occupied;
    driver_.inject(*bytes);
  }
  return !stopped_;
}

void Run::drop_foreign_packets() {
  // packetdrill sniffs only the socket under test's 4-tuple; other packets (a RST to
  // an earlier segment sent from another ephemeral port, say) go unnoticed.
  auto& q = driver_.outbound();
  for (auto it = q.begin(); it != q.end();) {
    LivePacket p = decode_live(*it);
    bool ours = p.is_tcp && p.sport == sut_.local_port && p.dport == sut_.remote_port && sut_.remote_port != 0;
    if (ours) {
      ++it;
      continue;
    }
    driver_.log().add(it->at, LogKind::Note, "ignored (not the socket under test): " + describe_live(p, map_));
    it = q.erase(it);
  }
}

bool Run::wait_for_outbound(base::Instant limit) {
  for (drop_foreign_packets(); driver_.outbound().empty(); drop_foreign_packets()) {
    if (!driver_.step(limit)) return false;
  }
  return true;
}

LivePacket Run::take_outbound(const script::Packet& p, base::Instant limit) {
  LivePacket acc = decode_live(driver_.outbound().front());
  driver_.delivered(driver_.outbound().front());
  driver_.outbound().pop_front();
  if (cfg_.strict_segments) return acc;
  // Merge back-to-back segments up to the line's length (packetdrill's TSO emulation).
  while (acc.payload.size() < p.seq.len && !acc.payload.empty() && wait_for_outbound(limit)) {
    LivePacket next = decode_live(driver_.outbound().front());
    if (!can_merge(acc, next) || acc.payload.size() + next.payload.size() > p.seq.len) break;
    driver_.delivered(driver_.outbound().front());
    driver_.outbound().pop_front();
    merge_into(acc, next);
  }
  return acc;
}

bool Run::report_missing(const script::Event& e, const script::Packet& p, const EventTiming& t) {
  std::string want = script::to_string(p) + " " + window_text(t);
  if (!t.any && wait_for_outbound(at(t.hi() + kLateLookUsecs))) {
    LivePacket late = decode_live(driver_.outbound().front());
    return fail(e, "packet sent too late, at " + script::format_seconds(late.at.us()), want,
                describe_live(late, map_) + " at " + script::format_seconds(late.at.us()));
  }
  std::string by = t.any ? "" : " by " + script::format_seconds(t.hi() + kLateLookUsecs);
  return fail(e, "expected a packet; synack sent nothing", want, "nothing sent" + by);
}

bool Run::do_outbound(const script::Event& e, const script::Packet& p, const EventTiming& t) {
  base::Instant limit = at(t.any ? base_ + kAnyLimitUsecs : t.hi());
  if (!settle_pending()) return false;
  if (!wait_for_outbound(limit)) return report_missing(e, p, t);
  LivePacket got = take_outbound(p, limit);
  std::vector<std::string> diffs = match_outbound(p, got, map_, MatchOptions{cfg_.relax_options});
  if (!ts_first_) learn_ts(p, got);  // the first pair is the base of the TSval check
  if (auto d = check_ts_val(p, got, t)) diffs.push_back(*d);
  bool early = !t.any && got.first_at < at(t.lo());
  if (early) diffs.push_back("sent at " + script::format_seconds(got.first_at.us()) + ", expected " + window_text(t));
  if (!diffs.empty()) {
    std::string msg;
    for (const std::string& d : diffs) msg += (msg.empty() ? "" : "; ") + d;
    return fail(e, msg, script::to_string(p) + " " + window_text(t),
                describe_live(got, map_) + " at " + script::format_seconds(got.at.us()));
  }
  if (p.flags.has(script::TcpFlags::kSyn) && p.seq.kind != script::SeqKind::Absolute) {
    map_.learn_local_isn(got.seq, p.seq.kind == script::SeqKind::Any ? 0 : p.seq.start);
  }
  learn_ts(p, got);
  if (got.flags & wire::tcp_flags::kAck) remote_next_ = got.ack;
  local_next_ = got.seq + static_cast<uint32_t>(got.payload.size()) + (got.syn() ? 1u : 0u) + (got.fin() ? 1u : 0u);
  base_ = std::max(got.at.us(), base_);
  return true;
}

void Run::end_of_script() {
  // packetdrill resets the connection under test when the script ends; the stack must
  // take the RST (in TIME-WAIT it is ignored, RFC 1337). Nothing is checked after it.
  if (!sut_.is_connection()) return;
  tcp::State s = sut_state();
  if (s == tcp::State::Closed || s == tcp::State::Listen) return;
  script::Packet rst;
  rst.direction = script::Direction::Inbound;
  rst.flags.bits = script::TcpFlags::kRst | script::TcpFlags::kAck;
  uint32_t seq = remote_next_.value_or(0);
  rst.seq = script::SeqSpec{script::SeqKind::Relative, seq, seq, 0};
  rst.ack = map_.local_to_script(local_next_.value_or(map_.local_offset()));
  rst.win = 0;
  Addressing a{{cfg_.env.local_ip, sut_.local_port}, {cfg_.env.remote_ip, sut_.remote_port}};
  auto bytes = build_inbound(rst, a, map_);
  if (!bytes) return;
  driver_.log().add(driver_.now(), LogKind::Note, "end of script: RST to clear the connection (as packetdrill)");
  driver_.log().add(driver_.now(), LogKind::Inbound, script::to_string(rst).substr(2));
  driver_.inject(*bytes);
}

}  // namespace synack::pdrill
