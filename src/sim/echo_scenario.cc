#include "sim/echo_scenario.h"

#include "sim/echo_peer.h"

namespace synack::sim {

namespace {

const wire::Ipv4Addr kClientAddr(10, 0, 0, 1);
const wire::Ipv4Addr kServerAddr(10, 0, 0, 2);

HostConfig host_config(std::string name, wire::Ipv4Addr addr, const EchoConfig& cfg,
                       std::optional<uint32_t> isn) {
  HostConfig h;
  h.name = std::move(name);
  h.addr = addr;
  h.stack.mtu = cfg.mtu;
  h.stack.tcp.mss = cfg.mss;
  h.stack.tcp.msl = cfg.msl;
  h.stack.tcp.ecn = cfg.ecn;
  h.stack.tcp.congestion_control = cfg.congestion_control;
  if (cfg.user_timeout) h.stack.tcp.r2 = h.stack.tcp.r2_syn = *cfg.user_timeout;
  if (isn) h.isn = std::make_unique<tcp::FixedIsn>(*isn);
  return h;
}

EchoPeer::CloseWhen client_policy(CloseMode m) {
  switch (m) {
    case CloseMode::Client: return EchoPeer::CloseWhen::Done;
    case CloseMode::Server: return EchoPeer::CloseWhen::PeerEof;
    case CloseMode::Both: return EchoPeer::CloseWhen::Told;
  }
  return EchoPeer::CloseWhen::Done;
}

EchoPeer::CloseWhen server_policy(CloseMode m) {
  switch (m) {
    case CloseMode::Client: return EchoPeer::CloseWhen::PeerEof;
    case CloseMode::Server: return EchoPeer::CloseWhen::Done;
    case CloseMode::Both: return EchoPeer::CloseWhen::Told;
  }
  return EchoPeer::CloseWhen::PeerEof;
}

// Open the connection as `cfg.open` says; a problem, or nothing.
std::optional<std::string> open(SimNetwork& net, HostId c, HostId s, EchoPeer& client, EchoPeer& server,
                                const EchoConfig& cfg) {
  const wire::Endpoint server_ep{kServerAddr, kEchoServerPort};
  if (cfg.open == OpenMode::Normal) {
    if (!net.stack(s).listen(kEchoServerPort, 16)) return "server: cannot listen";
    server.accept_from(kEchoServerPort);
    auto id = net.stack(c).connect(net.now(), server_ep);
    if (!id) return "client: connect: " + std::string(stack::to_string(id.error()));
    client.set_connection(*id);
    return std::nullopt;
  }
  // Simultaneous open: both sides actively open, from fixed ports, at once.
  auto ci = net.stack(c).connect(net.now(), server_ep, kSimultaneousClientPort);
  auto si = net.stack(s).connect(net.now(), {kClientAddr, kSimultaneousClientPort}, kEchoServerPort);
  if (!ci) return "client: connect: " + std::string(stack::to_string(ci.error()));
  if (!si) return "server: connect: " + std::string(stack::to_string(si.error()));
  client.set_connection(*ci);
  server.set_connection(*si);
  return std::nullopt;
}

// What the run left behind, and whether it succeeded.
void collect(EchoResult& res, const SimNetwork& net, HostId c, HostId s, const EchoPeer& client,
             const EchoPeer& server, const EchoConfig& cfg) {
  res.finished = net.now();
  res.to_server = server.received();
  res.to_client = client.received();
  res.client_counters = net.stack(c).counters();
  res.server_counters = net.stack(s).counters();
  res.to_server_link = net.link(c, s)->counters();
  res.to_client_link = net.link(s, c)->counters();
  res.client_connections = net.stack(c).connection_count();
  res.server_connections = net.stack(s).connection_count();
  res.client_time_wait = net.stack(c).time_wait_count();
  res.server_time_wait = net.stack(s).time_wait_count();

  if (!client.problem().empty()) res.problem = client.problem();
  else if (!server.problem().empty()) res.problem = server.problem();
  else if (res.status != RunStatus::Idle) res.problem = "the run stopped: " + std::string(to_string(res.status));
  else if (res.to_server != cfg.bytes || res.to_client != cfg.bytes)
    res.problem = "incomplete: server read " + std::to_string(res.to_server) + ", client read " +
                  std::to_string(res.to_client) + " of " + std::to_string(cfg.bytes) + " bytes";
  else if (!client.closed() || !server.closed()) res.problem = "an application never closed";
  else if (res.client_connections + res.server_connections + res.client_time_wait + res.server_time_wait > 0)
    res.problem = "connections left at the end: not both CLOSED";
}

}  // namespace

std::string_view to_string(OpenMode m) {
  switch (m) {
    case OpenMode::Normal: return "normal";
    case OpenMode::Simultaneous: return "simultaneous";
  }
  return "?";
}

std::string_view to_string(CloseMode m) {
  switch (m) {
    case CloseMode::Client: return "client";
    case CloseMode::Server: return "server";
    case CloseMode::Both: return "both";
  }
  return "?";
}

EchoResult run_echo(const EchoConfig& cfg, const EchoWatchers& watch) {
  EchoResult res;
  SimNetwork net(cfg.seed);
  HostId c = *net.add_host(host_config("client", kClientAddr, cfg, cfg.client_isn));
  HostId s = *net.add_host(host_config("server", kServerAddr, cfg, cfg.server_isn));
  LinkParams lp = cfg.link;
  lp.mtu = cfg.mtu;
  if (auto r = net.add_link(c, s, lp); !r) {
    res.problem = "bad link parameters: " + std::string(to_string(r.error()));
    return res;
  }
  net.set_observer(c, watch.client);
  net.set_observer(s, watch.server);
  net.set_link_observer(watch.link);
  net.record(c, watch.pcap);

  // The pattern's salt comes from the seed, so runs differ in content too.
  const uint64_t salt = cfg.seed * 0x2545f4914f6cdd1dULL + 1;
  EchoPeer client(net.stack(c), EchoPeer::Role::Client, cfg.bytes, salt, client_policy(cfg.close));
  EchoPeer server(net.stack(s), EchoPeer::Role::Server, cfg.bytes, salt, server_policy(cfg.close));
  net.set_app(c, &client);
  net.set_app(s, &server);

  if (auto problem = open(net, c, s, client, server, cfg)) {
    res.problem = *problem;
    return res;
  }
  if (auto id = client.connection(); id && net.stack(c).connection(*id)) {
    res.client_tuple = net.stack(c).connection(*id)->tuple();
  }
  if (cfg.close == CloseMode::Both) {
    // Both close at one instant, once the echo is through: the FINs cross.
    auto through = [&] { return client.done() && server.done(); };
    res.status = net.run_until(through, cfg.limits);
    if (res.status == RunStatus::Done) {
      client.close_now(net.now());
      server.close_now(net.now());
    }
  }
  if (res.status == RunStatus::Idle || res.status == RunStatus::Done) res.status = net.run_until_idle(cfg.limits);

  collect(res, net, c, s, client, server, cfg);
  res.ok = res.problem.empty();
  return res;
}

}  // namespace synack::sim
