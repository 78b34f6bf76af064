// synack connect: a client on a TUN device, the kernel (or a program in the
// namespace) as the server.
//
//   synack connect 10.77.0.1:8000 --tun synack0 --addr 10.77.0.2/24 --http-get /f --sha256
//   synack connect 10.77.0.1:7 --tun synack0 --addr 10.77.0.2/24 --send 10000000
//
// Without --send or --http-get it prints what the server sends until it closes.
// stdout carries only data (or the SHA-256); messages, --trace and --stats go
// to stderr.
#include <sodium.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <string>

#include "api/socket.h"
#include "cli/client_job.h"
#include "cli/commands.h"
#include "cli/tun_session.h"

namespace synack::cli {

namespace {

struct ConnectOptions {
  TunOptions net;
  std::string target;
  std::optional<uint64_t> send;
  uint64_t urgent = 0;  // the last `urgent` bytes of --send go as urgent data
  std::string http_get;
  bool sha256 = false;
  double connect_timeout = 10;
  double timeout = 120;
};

std::optional<wire::Endpoint> parse_endpoint(std::string_view s) {
  size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto addr = wire::Ipv4Addr::parse(s.substr(0, colon));
  std::string_view p = s.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (!addr || ec != std::errc{} || end != p.data() + p.size() || port == 0 || port > 65535) return std::nullopt;
  return wire::Endpoint{*addr, static_cast<uint16_t>(port)};
}

base::Duration seconds(double s) { return base::Duration::micros(static_cast<int64_t>(s * 1e6)); }

std::unique_ptr<ClientJob> make_job(const ConnectOptions& o, api::Socket& s) {
  if (o.send) return make_send_job(s, *o.send, o.urgent, JobOutput(o.sha256, /*print=*/false));  // verified, not shown
  JobOutput out(o.sha256);
  if (!o.http_get.empty()) return make_http_get_job(s, o.http_get, std::move(out));
  return make_receive_job(s, std::move(out));
}

int run(const ConnectOptions& o, const wire::Endpoint& remote, TunSession& ts) {
  api::Runtime& rt = ts.runtime();
  stack::ConnOptions opts;
  opts.ip_tos = static_cast<uint8_t>(o.net.tos);  // 0-255, checked by the option
  auto s = rt.connect(remote, seconds(o.connect_timeout), opts);
  if (!s) {
    std::fprintf(stderr, "synack connect: %s: %s\n", remote.to_string().c_str(),
                 std::string(to_string(s.error())).c_str());
    return 1;
  }
  std::fprintf(stderr, "synack: connected %s -> %s\n", s->local().to_string().c_str(),
               s->remote().to_string().c_str());
  auto job = make_job(o, *s);
  base::Instant t0 = rt.now();
  job->start();
  bool finished = rt.run_until([&] { return job->done(); }, seconds(o.timeout));
  double secs = (rt.now() - t0).secs();
  if (finished && !job->error())
    std::fprintf(stderr, "synack: done in %.3f s (received %lu bytes, %.1f MB/s; sent %lu bytes, %.1f MB/s)\n",
                 secs, job->received(), static_cast<double>(job->received()) / 1e6 / secs, job->sent(),
                 static_cast<double>(job->sent()) / 1e6 / secs);
  int code = 0;
  if (!finished) {
    std::fprintf(stderr, "synack connect: %s: %s\n", remote.to_string().c_str(),
                 ts.interrupted() ? "interrupted" : "timed out");
    code = 1;
    s->abort();
  } else if (auto err = job->error()) {
    std::fprintf(stderr, "synack connect: %s: %s\n", remote.to_string().c_str(), err->c_str());
    code = 1;
  }
  s->close();
  // Linger so our FIN and the last ACK go out (TIME-WAIT records need no loop).
  rt.resume();
  (void)rt.run_until([&] { return ts.stack().connection_count() == 0; }, base::Duration::seconds(3));
  return code;
}

int connect_main(const ConnectOptions& o) {
  auto remote = parse_endpoint(o.target);
  if (!remote) {
    std::fprintf(stderr, "synack connect: '%s' is not A.B.C.D:PORT\n", o.target.c_str());
    return 2;
  }
  if (o.urgent > 0 && (!o.send || o.urgent > *o.send)) {
    std::fprintf(stderr, "synack connect: --urgent %lu needs --send N with N >= %lu\n",
                 static_cast<unsigned long>(o.urgent), static_cast<unsigned long>(o.urgent));
    return 2;
  }
  if (sodium_init() < 0) {
    std::fprintf(stderr, "synack connect: libsodium failed to initialize\n");
    return 1;
  }
  auto session = TunSession::open(o.net, stderr);
  if (!session) {
    std::fprintf(stderr, "synack connect: %s\n", session.error().message.c_str());
    return session.error().exit_code;
  }
  TunSession& ts = **session;
  std::fprintf(stderr, "synack: %s\n", ts.describe().c_str());
  int code = run(o, *remote, ts);
  std::fflush(stdout);
  if (ts.wants_summary()) ts.print_summary(stderr);
  if (auto r = ts.close_pcap(); !r) {
    std::fprintf(stderr, "synack connect: %s\n", r.error().c_str());
    code = 1;
  }
  return code;
}

}  // namespace

void register_connect(CLI::App& app, ExitCode& exit_code) {
  auto o = std::make_shared<ConnectOptions>();
  CLI::App* cmd = app.add_subcommand("connect", "Connect from a TUN device to a server on the kernel's side");
  cmd->add_option("target", o->target, "server address, A.B.C.D:PORT")->required();
  add_tun_options(*cmd, o->net);
  auto* send = cmd->add_option("--send", o->send,
                               "send N pattern bytes (byte i = i % 251), half-close, and verify an echo");
  cmd->add_option("--urgent", o->urgent,
                  "send the last K of the --send bytes as urgent data (RFC 9293 §3.8.5; MSG_OOB to the peer)")
      ->needs(send);
  cmd->add_option("--http-get", o->http_get, "GET this path (HTTP/1.1, Connection: close) and print the body")
      ->excludes(send);
  cmd->add_flag("--sha256", o->sha256, "print the SHA-256 of what was received instead of the bytes");
  cmd->add_option("--connect-timeout", o->connect_timeout, "seconds to wait for the handshake")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--timeout", o->timeout, "seconds for the whole exchange")->check(CLI::PositiveNumber);
  cmd->callback([o, &exit_code] { exit_code.value = connect_main(*o); });
}

}  // namespace synack::cli
