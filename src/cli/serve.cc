// synack serve: a server on a TUN device, the kernel as its client.
//
//   synack serve --tun synack0 --addr 10.77.0.2/24 --port 80 --app http --netns t1
//   ip netns exec t1 curl http://10.77.0.2/bytes/1000
#include <cstdio>
#include <string>

#include "api/listener.h"
#include "cli/commands.h"
#include "cli/service.h"
#include "cli/tun_session.h"

namespace synack::cli {

namespace {

struct ServeOptions {
  TunOptions net;
  uint16_t port = 0;
  std::string app = "echo";
  uint64_t max_conns = 0;  // 0: no limit
  double duration = 0;     // seconds; 0: until a signal
  uint32_t backlog = 128;
};

int serve(const ServeOptions& o) {
  auto session = TunSession::open(o.net, stdout);
  if (!session) {
    std::fprintf(stderr, "synack serve: %s\n", session.error().message.c_str());
    return session.error().exit_code;
  }
  TunSession& ts = **session;
  api::Runtime& rt = ts.runtime();
  auto service = make_service(o.app, rt);
  auto listener = rt.listen(o.port, o.backlog);
  if (!listener) {
    std::fprintf(stderr, "synack serve: cannot listen on port %u: %s\n", o.port,
                 std::string(to_string(listener.error())).c_str());
    return 1;
  }
  (void)listener->set_ip_tos(static_cast<uint8_t>(o.net.tos));  // 0-255, checked by the option
  uint64_t accepted = 0;
  listener->on_accept([&] {
    while (auto s = listener->try_accept()) {
      service->adopt(std::move(*s));
      if (o.max_conns && ++accepted >= o.max_conns) return listener->close();  // no more
    }
  });
  std::printf("synack: serving %s on %s:%u (%s)\n", o.app.c_str(), ts.addressing().addr.to_string().c_str(),
              o.port, ts.describe().c_str());
  std::fflush(stdout);
  std::optional<base::Duration> limit;
  if (o.duration > 0) limit = base::Duration::micros(static_cast<int64_t>(o.duration * 1e6));
  bool served_all = rt.run_until([&] { return o.max_conns && accepted >= o.max_conns && service->active() == 0; },
                                 limit);
  // Leave cleanly: stop listening, close what is open, let the FINs go out.
  listener->close();
  service->close_all();
  rt.resume();
  (void)rt.run_until([&] { return ts.stack().connection_count() == 0; }, base::Duration::seconds(1));
  if (ts.interrupted()) std::printf("synack: interrupted\n");
  else if (served_all) std::printf("synack: served %lu connection(s)\n", accepted);
  if (ts.wants_summary()) ts.print_summary(stdout);
  std::fflush(stdout);
  if (auto r = ts.close_pcap(); !r) {
    std::fprintf(stderr, "synack serve: %s\n", r.error().c_str());
    return 1;
  }
  return 0;
}

}  // namespace

void register_serve(CLI::App& app, ExitCode& exit_code) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve echo, discard or http on a TUN device; the kernel is the client");
  add_tun_options(*cmd, o->net);
  cmd->add_option("--port", o->port, "TCP port to listen on")->required()->check(CLI::Range(1, 65535));
  cmd->add_option("--app", o->app, "echo | discard | http")
      ->check(CLI::IsMember({"echo", "discard", "http"}));
  cmd->add_option("--max-conns", o->max_conns, "serve this many connections, then exit (0: no limit)");
  cmd->add_option("--duration", o->duration, "exit after this many seconds (0: until Ctrl-C)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--backlog", o->backlog, "connections waiting to be accepted")->check(CLI::Range(1u, 65535u));
  cmd->callback([o, &exit_code] { exit_code.value = serve(*o); });
}

}  // namespace synack::cli
