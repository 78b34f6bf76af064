#include "pdrill/run_config.h"

#include <charconv>
#include <fstream>

namespace synack::pdrill {
namespace {

std::optional<int64_t> to_int(const std::string& v) {
  int64_t x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || p != v.data() + v.size()) return std::nullopt;
  return x;
}

std::optional<double> to_double(const std::string& v) {
  try {
    size_t used = 0;
    double d = std::stod(v, &used);
    if (used != v.size()) return std::nullopt;
    return d;
  } catch (...) {
    return std::nullopt;
  }
}

// Whether the script expects ECN bits (RFC 3168) in what synack sends: the
// ECE or CWR flag, or an ECN codepoint other than Not-ECT.
bool expects_ecn(const script::Script& s) {
  for (const script::Event& e : s.events) {
    const script::Packet* p = e.packet();
    if (!p || p->direction != script::Direction::Outbound) continue;
    if (p->flags.has(script::TcpFlags::kEce) || p->flags.has(script::TcpFlags::kCwr)) return true;
    if (p->ip.ecn && *p->ip.ecn != script::Ecn::NoEcn) return true;
  }
  return false;
}

// A sysctl the portable suite's conversion left as a comment, marked as one
// the script depends on ("portable: dropped (... the script depends on it):
// ... `sysctl -w NAME=VALUE`"): its small integer value, if the file says so.
std::optional<uint8_t> depended_sysctl(const std::string& file, const std::string& name) {
  std::ifstream in(file);
  std::string line;
  const std::string key = "sysctl -w " + name + "=";
  for (int n = 0; n < 100000 && std::getline(in, line); ++n) {
    if (line.find("the script depends on it") == std::string::npos) continue;
    size_t at = line.find(key);
    if (at == std::string::npos) continue;
    size_t from = at + key.size(), to = line.find('`', from);
    auto x = to_int(line.substr(from, to == std::string::npos ? std::string::npos : to - from));
    if (x && *x >= 0 && *x <= 255) return static_cast<uint8_t>(*x);
  }
  return std::nullopt;
}

// Applies one option line; returns why it cannot be honoured, or "".
std::string apply(const script::OptionLine& l, RunConfig& c) {
  const std::string& v = l.value;
  auto flag = [&](bool& field) -> std::string {
    auto x = to_int(v.empty() ? "1" : v);
    if (!x || (*x != 0 && *x != 1)) return "expected 0 or 1";
    field = *x == 1;
    return "";
  };
  if (l.name == "define") return "";  // -D: applied by the parser
  if (l.name == "ip_version") return v == "ipv4" ? "" : "only IPv4 is supported";
  if (l.name == "tolerance_usecs") {
    auto x = to_int(v);
    if (!x || *x < 0) return "expected a number of microseconds";
    c.tolerance.usecs = *x;
    return "";
  }
  if (l.name == "tolerance_percent") {
    auto x = to_double(v);
    if (!x || *x < 0) return "expected a percentage";
    c.tolerance.percent = *x;
    return "";
  }
  if (l.name == "mtu") {
    auto x = to_int(v);
    if (!x || *x < 68 || *x > 65535) return "expected an MTU of 68..65535";
    c.mtu = static_cast<uint16_t>(*x);
    return "";
  }
  if (l.name == "strict_segments") return flag(c.strict_segments);
  if (l.name == "mss") {
    auto x = to_int(v);
    if (!x || *x <= 0 || *x > 65535) return "expected a segment size";
    c.inbound_mss = static_cast<uint32_t>(*x);
    return "";
  }
  if (l.name == "insecure_rst") return flag(c.insecure_rst);
  if (l.name == "insecure_syn") return flag(c.insecure_syn);
  if (l.name == "drop_synfin") return flag(c.drop_synfin);
  if (l.name == "bind_port" || l.name == "connect_port") {
    auto x = to_int(v);
    if (!x || *x <= 0 || *x > 65535) return "expected a port";
    (l.name == "bind_port" ? c.env.bind_port : c.env.connect_port) = static_cast<uint16_t>(*x);
    return "";
  }
  if (l.name == "local_ip" || l.name == "remote_ip") {
    auto a = wire::Ipv4Addr::parse(v);
    if (!a) return "expected an IPv4 address";
    (l.name == "local_ip" ? c.env.local_ip : c.env.remote_ip) = *a;
    return "";
  }
  if (l.name == "tcp_ts_tick_usecs") {
    auto x = to_int(v);
    if (!x || *x < 0) return "expected microseconds per tick";
    c.ts_tick_usecs = static_cast<uint32_t>(*x);
    return "";
  }
  if (l.name == "tcp_ts_ecr_scaled") return "interpolated TSecr is not implemented by the runner";
  if (l.name == "tcp_md5_secret") return "TCP-MD5 (RFC 2385) is not implemented by synack";
  return "option not supported by the runner";
}

}  // namespace

stack::StackConfig RunConfig::stack_config() const {
  stack::StackConfig sc;
  sc.addr = env.local_ip;
  sc.mtu = mtu;
  sc.tcp.rfc5961_rst = !insecure_rst;
  sc.tcp.rfc5961_syn = !insecure_syn;
  sc.tcp.drop_synfin = drop_synfin;
  if (recv_buffer) sc.tcp.recv_buffer = *recv_buffer;
  if (quick_acks) sc.tcp.quick_acks = *quick_acks;
  if (keepalive_probes) sc.tcp.keepalive_probes = *keepalive_probes;
  sc.tcp.ecn = ecn;
  if (ecn_syn_retries) sc.tcp.ecn_syn_retries = *ecn_syn_retries;
  return sc;
}

base::Expected<RunConfig, std::string> make_config(const script::Script& s, const RunnerOptions& o) {
  RunConfig c;
  c.relax_options = o.relax_options;
  c.recv_buffer = o.recv_buffer;
  c.quick_acks = o.quick_acks;
  c.keepalive_probes = o.keepalive_probes;
  c.seed = o.seed;
  if (o.tolerance_percent) c.tolerance.percent = *o.tolerance_percent;  // a script's own line wins
  std::string errors;
  for (const script::OptionLine& l : s.options) {
    std::string why = apply(l, c);
    if (why.empty()) continue;
    if (!errors.empty()) errors += "; ";
    errors += "--" + l.name + (l.value.empty() ? "" : "=" + l.value) + " (line " + std::to_string(l.line) +
              "): " + why;
  }
  if (!errors.empty()) return base::Unexpected(errors);
  c.ecn = expects_ecn(s);
  if (c.ecn) c.ecn_syn_retries = depended_sysctl(s.file, "net.inet.tcp.ecn.maxretries");
  return c;
}

}  // namespace synack::pdrill
