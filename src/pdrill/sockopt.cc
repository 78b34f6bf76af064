// getsockopt / setsockopt: the options synack can honour, and a precise "unsupported"
// for the rest.
#include <algorithm>
#include <cerrno>
#include <cstdint>

#include "pdrill/sockets.h"
#include "pdrill/symbols.h"
#include "pdrill/syscall_args.h"
#include "script/printer.h"

namespace synack::pdrill {

namespace {

struct OptName {
  int64_t level;
  int64_t name;
};

bool is(const OptName& o, int64_t level, int64_t name) { return o.level == level && o.name == name; }

int64_t whole_seconds(base::Duration d) { return d.us() / 1'000'000; }

std::string opt_text(const script::Syscall& c) {
  return script::to_string(c.args[1]) + ", " + script::to_string(c.args[2]);
}

// Why synack cannot honour an option, or "" if it is one we know nothing about.
std::string why_unsupported(const OptName& o) {
  if (o.level == sym::kIpprotoTcp) {
    switch (o.name) {
      case sym::kTcpKeepinit: return "TCP_KEEPINIT (FreeBSD-only connection-establishment timeout) is not available";
      case sym::kTcpInfo: return "TCP_INFO is not available";
      case sym::kTcpMd5sig: return "TCP-MD5 (RFC 2385) is not implemented";
      default: break;
    }
  }
  return "";
}

}  // namespace

template <class F>
void Sockets::apply_conn_option(Socket& s, F&& set) {
  if (s.kind == Socket::Kind::Listening) {
    (void)d_.stack().set_listener_options(s.port, s.opts);  // checked by setsockopt
  } else if (s.conn) {
    d_.stack().with_connection(d_.now(), *s.conn, set);
    d_.collect();
  }
}

CallOutcome Sockets::sys_getsockopt(const script::Syscall& c) {
  CallOutcome err;
  Socket* s = find_fd(c, err);
  if (!s) return err;
  if (c.args.size() != 5) return CallOutcome::unsupported("getsockopt(): wrong number of arguments");
  auto level = eval_int(c.args[1]);
  auto name = eval_int(c.args[2]);
  if (!level || !name) return CallOutcome::unsupported("getsockopt(" + opt_text(c) + "): unknown option");
  OptName o{*level, *name};
  int64_t value = 0;
  if (is(o, sym::kSolSocket, sym::kSoError)) {
    value = take_error(*s);
  } else if (is(o, sym::kIpprotoTcp, sym::kTcpNodelay)) {
    value = s->opts.nodelay ? 1 : 0;
  } else if (is(o, sym::kSolSocket, sym::kSoReuseaddr)) {
    value = s->reuseaddr ? 1 : 0;
  } else if (is(o, sym::kIpprotoTcp, sym::kTcpUserTimeout)) {
    value = s->opts.user_timeout_ms;
  } else if (is(o, sym::kIpprotoTcp, sym::kTcpLinger2)) {
    // As Linux: the value in effect, the stack's when none was set.
    value = s->opts.fin_wait_2_s ? s->opts.fin_wait_2_s : whole_seconds(d_.stack().config().tcp.fin_wait_2_timeout);
  } else if (is(o, sym::kIpprotoTcp, sym::kTcpMaxseg)) {
    // As Linux: the MSS in use once the handshake has chosen it; before (and
    // on a listener) the value set, else the default of 536 (RFC 9293 MUST-15).
    const tcp::Connection* conn = conn_of(*s);
    bool chosen = conn && conn->state() != tcp::State::Closed && conn->state() != tcp::State::Listen &&
                  conn->state() != tcp::State::SynSent;
    value = chosen ? conn->snd().mss : (s->opts.mss_limit ? s->opts.mss_limit : 536);
  } else if (is(o, sym::kSolSocket, sym::kSoKeepalive)) {
    value = s->opts.keepalive ? 1 : 0;
  } else if (is(o, sym::kSolSocket, sym::kSoSndbuf) || is(o, sym::kSolSocket, sym::kSoRcvbuf)) {
    value = get_buffer(*s, o.name == sym::kSoSndbuf);
  } else if (is(o, sym::kIpprotoTcp, sym::kTcpKeepidle)) {
    value = s->opts.keepalive_idle_s ? s->opts.keepalive_idle_s : whole_seconds(d_.stack().config().tcp.keepalive_idle);
  } else if (is(o, sym::kIpprotoTcp, sym::kTcpKeepintvl)) {
    value = s->opts.keepalive_interval_s ? s->opts.keepalive_interval_s : whole_seconds(d_.stack().config().tcp.keepalive_interval);
  } else if (is(o, sym::kIpprotoTcp, sym::kTcpKeepcnt)) {
    value = s->opts.keepalive_probes ? s->opts.keepalive_probes : d_.stack().config().tcp.keepalive_probes;
  } else if (is(o, sym::kIpprotoTcp, sym::kTcpNoopt)) {
    value = s->opts.no_options ? 1 : 0;
  } else if (is(o, sym::kIpprotoTcp, sym::kTcpCork)) {
    value = s->opts.cork ? 1 : 0;
  } else if (is(o, sym::kIpprotoTcp, sym::kTcpDeferAccept)) {
    value = s->opts.defer_accept_s;  // Linux reports it rounded up to whole retransmission periods
  } else if (is(o, sym::kIpprotoIp, sym::kIpTos)) {
    value = s->opts.ip_tos;
  } else if (is(o, sym::kIpprotoIp, sym::kIpTtl)) {
    value = s->opts.ip_ttl ? s->opts.ip_ttl : d_.stack().config().tcp.ttl;
  } else {
    std::string why = why_unsupported(o);
    return CallOutcome::unsupported("getsockopt(" + opt_text(c) + ")" + (why.empty() ? "" : ": " + why));
  }
  CallOutcome out = CallOutcome::done(0);
  auto want = eval_pointed_int(c.args[3]);
  if (!want) return CallOutcome::unsupported("getsockopt(" + opt_text(c) + "): " + want.error());
  if (*want != value) {
    std::string w = script::to_string(c.args[3]);
    std::string g = is(o, sym::kSolSocket, sym::kSoError) && value ? errno_name(static_cast<int>(value))
                                                                  : std::to_string(value);
    out.result.mismatch = "getsockopt(" + opt_text(c) + ") value: expected " + w + ", got [" + g + "]";
  }
  if (!is_ellipsis(c.args[4])) {
    auto len = eval_pointed_int(c.args[4]);
    if (len && *len != 4 && out.result.mismatch.empty()) {
      out.result.mismatch = "getsockopt optlen: expected " + std::to_string(*len) + ", got 4";
    }
  }
  return out;
}

CallOutcome Sockets::sys_setsockopt(const script::Syscall& c) {
  CallOutcome err;
  Socket* s = find_fd(c, err);
  if (!s) return err;
  if (c.args.size() != 5) return CallOutcome::unsupported("setsockopt(): wrong number of arguments");
  auto level = eval_int(c.args[1]);
  auto name = eval_int(c.args[2]);
  if (!level || !name) return CallOutcome::unsupported("setsockopt(" + opt_text(c) + "): unknown option");
  OptName o{*level, *name};
  const script::Expr& arg = c.args[3];
  if (is(o, sym::kSolSocket, sym::kSoLinger)) {
    // {onoff=1, linger=0}: close() sends a RST (abort). Other lingers need a blocking close.
    if (arg.kind == script::ExprKind::Struct && arg.items.size() == 2) {
      auto on = eval_int(arg.items[0]);
      auto secs = eval_int(arg.items[1]);
      if (on && secs && (*on == 0 || *secs == 0)) {
        s->linger_zero = *on != 0;
        return CallOutcome::done(0);
      }
    }
    return CallOutcome::unsupported("setsockopt(SO_LINGER) other than {onoff=0|1, linger=0}");
  }
  auto v = eval_pointed_int(arg);
  if (!v) return CallOutcome::unsupported("setsockopt(" + opt_text(c) + "): " + v.error());
  if (is(o, sym::kSolSocket, sym::kSoReuseaddr) || is(o, sym::kSolSocket, sym::kSoReuseport)) {
    s->reuseaddr = *v != 0;
  } else if (is(o, sym::kIpprotoTcp, sym::kTcpNodelay)) {
    const bool on = *v != 0;
    s->opts.nodelay = on;
    apply_conn_option(*s, [&](tcp::Connection& conn) { conn.set_nagle(!on); });
  } else if (is(o, sym::kIpprotoTcp, sym::kTcpUserTimeout)) {
    // Milliseconds, 0 for the stack's; negative is EINVAL (Linux).
    if (*v < 0 || *v > INT32_MAX) return CallOutcome::error(EINVAL);
    s->opts.user_timeout_ms = static_cast<uint32_t>(*v);
    const auto d = base::Duration::millis(*v);
    apply_conn_option(*s, [&](tcp::Connection& conn) { conn.set_user_timeout(d); });
  } else if (is(o, sym::kIpprotoTcp, sym::kTcpLinger2)) {
    // Seconds; 0 for the stack's; Linux caps larger values at 120 s
    // (TCP_FIN_TIMEOUT_MAX). A negative value (Linux: no FIN-WAIT-2 at all,
    // a RST instead) is not available.
    if (*v < 0) return CallOutcome::unsupported("setsockopt(TCP_LINGER2) < 0 (skip FIN-WAIT-2) is not available");
    s->opts.fin_wait_2_s = static_cast<uint8_t>(std::min<int64_t>(*v, tcp::Connection::kMaxFinWait2Secs));
    const auto d = base::Duration::seconds(s->opts.fin_wait_2_s);
    apply_conn_option(*s, [&](tcp::Connection& conn) { (void)conn.set_fin_wait_2_timeout(d); });
  } else if (is(o, sym::kSolSocket, sym::kSoSndbuf) || is(o, sym::kSolSocket, sym::kSoRcvbuf)) {
    return set_buffer(*s, o.name == sym::kSoSndbuf, *v);
  } else if (is(o, sym::kIpprotoTcp, sym::kTcpMaxseg)) {
    // Before connect() or on a listener: the MSS the SYN or SYN,ACK announces
    // and the most the connection sends (Linux's user_mss). 0 or 88..32767.
    if (*v < 0 || !tcp::Connection::mss_limit_ok(static_cast<uint32_t>(*v))) return CallOutcome::error(EINVAL);
    s->opts.mss_limit = static_cast<uint32_t>(*v);
    apply_conn_option(*s, [&](tcp::Connection& conn) { (void)conn.set_mss_limit(s->opts.mss_limit); });
  } else if (is(o, sym::kSolSocket, sym::kSoKeepalive)) {
    const bool on = *v != 0;  // per connection (RFC 9293 §3.8.4 MUST-24)
    s->opts.keepalive = on;
    apply_conn_option(*s, [&](tcp::Connection& conn) { conn.set_keepalive(d_.now(), on); });
  } else if (is(o, sym::kIpprotoTcp, sym::kTcpKeepidle) || is(o, sym::kIpprotoTcp, sym::kTcpKeepintvl)) {
    // Seconds, 1..32767 as Linux (EINVAL otherwise).
    if (*v < 1 || *v > int64_t{tcp::Connection::kMaxKeepAliveSecs}) return CallOutcome::error(EINVAL);
    const bool idle = o.name == sym::kTcpKeepidle;
    (idle ? s->opts.keepalive_idle_s : s->opts.keepalive_interval_s) = static_cast<uint16_t>(*v);
    const auto d = base::Duration::seconds(*v);
    apply_conn_option(*s, [&](tcp::Connection& conn) {
      (void)(idle ? conn.set_keepalive_idle(d_.now(), d) : conn.set_keepalive_interval(d_.now(), d));
    });
  } else if (is(o, sym::kIpprotoIp, sym::kIpTos) || is(o, sym::kIpprotoIp, sym::kIpTtl)) {
    // IP_TOS: the DSCP (RFC 9293 §3.9.1.9 MUST-48); as Linux for a TCP socket
    // the two ECN bits are the stack's (synack: none), so they are dropped.
    // IP_TTL: 1..255, or -1 for the default (Linux's checks; EINVAL else).
    // Before listen() or connect() they wait in the socket; on a listener
    // they reach the connections it accepts from their SYN,ACK on; on a
    // connection, its next segment (SHLD-21).
    const bool tos = o.name == sym::kIpTos;
    if (tos ? (*v < 0 || *v > 255) : (*v != -1 && (*v < 1 || *v > 255))) return CallOutcome::error(EINVAL);
    const auto byte = static_cast<uint8_t>(*v == -1 ? 0 : *v);
    uint8_t value = tos ? stack::tos_without_ecn(byte) : byte;
    (tos ? s->opts.ip_tos : s->opts.ip_ttl) = value;
    if (s->kind == Socket::Kind::Listening) {
      (void)d_.stack().set_listener_options(s->port, s->opts);
    } else if (s->conn) {
      (void)(tos ? d_.stack().set_ip_tos(*s->conn, value) : d_.stack().set_ip_ttl(*s->conn, value));
    }
  } else if (is(o, sym::kIpprotoTcp, sym::kTcpKeepcnt)) {
    if (*v < 1 || *v > int64_t{tcp::Connection::kMaxKeepAliveProbes}) return CallOutcome::error(EINVAL);
    s->opts.keepalive_probes = static_cast<uint8_t>(*v);
    apply_conn_option(*s, [&](tcp::Connection& conn) { (void)conn.set_keepalive_probes(s->opts.keepalive_probes); });
  } else if (is(o, sym::kIpprotoTcp, sym::kTcpDeferAccept)) {
    // Seconds, on a listener; negative is 0 (Linux).
    s->opts.defer_accept_s = static_cast<uint32_t>(std::clamp<int64_t>(*v, 0, INT32_MAX));
    const auto d = base::Duration::seconds(s->opts.defer_accept_s);
    apply_conn_option(*s, [&](tcp::Connection& conn) { (void)conn.set_defer_accept(d); });
  } else if (is(o, sym::kIpprotoTcp, sym::kTcpCork)) {
    // Linux: corked, only full segments go; uncorking lets what waits go by
    // the usual rules (Nagle, SWS).
    const bool on = *v != 0;
    s->opts.cork = on;
    apply_conn_option(*s, [&](tcp::Connection& conn) { conn.set_cork(on); });
  } else if (is(o, sym::kIpprotoTcp, sym::kTcpNoopt)) {
    // FreeBSD: no options on the SYN or SYN,ACK, not even MSS. Only before
    // the SYN; later it changes nothing (the options are negotiated).
    const bool on = *v != 0;
    s->opts.no_options = on;
    apply_conn_option(*s, [&](tcp::Connection& conn) { (void)conn.set_no_options(on); });
  } else {
    std::string why = why_unsupported(o);
    return CallOutcome::unsupported("setsockopt(" + opt_text(c) + ")" + (why.empty() ? "" : ": " + why));
  }
  return CallOutcome::done(0);
}

}  // namespace synack::pdrill

namespace synack::pdrill {

// SO_SNDBUF / SO_RCVBUF with Linux's semantics: setsockopt(v) gives the socket
// 2v (the kernel doubles it to cover its bookkeeping) and getsockopt reports
// 2v. FreeBSD keeps v as given, but the runner has no per-OS switch for socket
// calls: the FreeBSD suites reach it through portable.py, which drops their
// SO_RCVBUF/SO_SNDBUF lines, so only the packetdrill suite (Linux's) sees
// these options. The connection gets v, the payload the application asked
// for (synack counts no overhead). Where Linux clamps (a minimum of about
// 2 KiB, a maximum of net.core.[rw]mem_max), synack refuses 0 and values past
// tcp::Connection::kMaxBuffer with EINVAL. Set on a listener, the sizes go to
// the connections it accepts before their SYN,ACK (as Linux's request sockets
// inherit them); set before connect(), they shape the SYN (RFC 7323 §2.2).
CallOutcome Sockets::set_buffer(Socket& s, bool send, int64_t v) {
  if (v <= 0 || !tcp::Connection::buffer_size_ok(static_cast<uint64_t>(v))) return CallOutcome::error(EINVAL);
  auto bytes = static_cast<uint32_t>(v);
  (send ? s.opts.send_buffer : s.opts.recv_buffer) = bytes;
  apply_conn_option(s, [&](tcp::Connection& c) { (void)(send ? c.set_send_buffer(bytes) : c.set_recv_buffer(bytes)); });
  return CallOutcome::done(0);
}

// What setsockopt set, doubled; not set, the size in effect (the connection's,
// else the stack's default), doubled alike.
int64_t Sockets::get_buffer(const Socket& s, bool send) const {
  uint32_t set = send ? s.opts.send_buffer : s.opts.recv_buffer;
  if (set) return int64_t{set} * 2;
  const tcp::Config& cfg = d_.stack().config().tcp;
  const tcp::Connection* c = conn_of(s);
  uint32_t in_effect = send ? (c ? c->send_buffer() : cfg.send_buffer) : (c ? c->recv_buffer() : cfg.recv_buffer);
  return int64_t{in_effect} * 2;
}

}  // namespace synack::pdrill
