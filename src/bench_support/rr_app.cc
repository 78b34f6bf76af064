#include "bench_support/rr_app.h"

#include <algorithm>
#include <string>

#include "bench_support/pattern.h"

namespace synack::bench {

namespace {
constexpr size_t kAppBuf = 32 * 1024;

template <class T>
T& slot_for(std::vector<T>& v, uint32_t index) {
  if (index >= v.size()) v.resize(std::max<size_t>(index + 1, v.size() * 2));
  return v[index];
}

[[noreturn]] void fail(const std::string& what) { throw BenchError(what); }

std::string error_text(const tcp::Event& e) {
  return e.error ? std::string(tcp::to_string(*e.error)) : std::string("no error");
}
}  // namespace

RrApp::RrApp(BenchNet& net, const RrConfig& cfg)
    : net_(net), cfg_(cfg), clients_(net.stack_count() - 1), buf_(kAppBuf) {
  if (cfg.ports == 0 || uint32_t{cfg.first_port} + cfg.ports > 65536) fail("RrApp: bad server port range");
  for (uint16_t p = 0; p < cfg.ports; ++p) {
    if (!net.server().listen(static_cast<uint16_t>(cfg.first_port + p), cfg.backlog))
      fail("listen failed on port " + std::to_string(cfg.first_port + p));
  }
  net_.set_app(this);
}

RrApp::~RrApp() { net_.set_app(nullptr); }

void RrApp::reserve(size_t conns_per_stack) {
  for (auto& v : clients_) v.reserve(conns_per_stack);
  servers_.reserve(conns_per_stack * clients_.size());
}

RrApp::ClientConn* RrApp::client(size_t stack_index, stack::ConnId id) {
  auto& v = clients_[stack_index - 1];
  if (id.index >= v.size()) return nullptr;
  ClientConn& c = v[id.index];
  return (c.live && c.gen == id.gen) ? &c : nullptr;
}

RrApp::ServerConn* RrApp::server(stack::ConnId id) {
  if (id.index >= servers_.size()) return nullptr;
  ServerConn& c = servers_[id.index];
  return (c.live && c.gen == id.gen) ? &c : nullptr;
}

// ---------------------------------------------------------------------------
// Client side.

ClientRef RrApp::connect(size_t client_stack, uint16_t port) {
  if (client_stack == BenchNet::kServer || client_stack >= net_.stack_count()) fail("connect: no such client stack");
  stack::Stack& s = net_.stack(client_stack);
  ClientRef ref{static_cast<uint32_t>(client_stack), {}};
  net_.meter(client_stack, [&] {
    auto id = s.connect(net_.now(), {BenchNet::addr_of(BenchNet::kServer), port});
    if (!id) {
      fail("connect to port " + std::to_string(port) + " failed: " + std::string(stack::to_string(id.error())) +
           " (after " + std::to_string(counts_.started) + " connections, " +
           std::to_string(s.time_wait_count()) + " TIME-WAIT records)");
    }
    ref.id = *id;
    ClientConn& c = slot_for(clients_[client_stack - 1], ref.id.index);
    c = ClientConn{};
    c.gen = ref.id.gen;
    c.live = true;
    ++counts_.started;
    client_events(client_stack);  // connect() already queued events (SYN-SENT)
  });
  net_.touched(client_stack);
  return ref;
}

void RrApp::request(const ClientRef& ref) {
  ClientConn* c = client(ref.stack, ref.id);
  if (!c) fail("request on a connection that is gone");
  c->requesting = true;
  net_.meter(ref.stack, [&] { pump_request(net_.stack(ref.stack), ref.id, *c); });
  net_.touched(ref.stack);
}

void RrApp::close(const ClientRef& ref) {
  ClientConn* c = client(ref.stack, ref.id);
  if (!c) fail("close on a connection that is gone");
  net_.meter(ref.stack, [&] { do_close(net_.stack(ref.stack), ref.id, *c); });
  net_.touched(ref.stack);
}

void RrApp::pump_request(stack::Stack& s, stack::ConnId id, ClientConn& c) {
  while (c.tx < cfg_.request_bytes) {
    size_t n = std::min<size_t>(cfg_.request_bytes - c.tx, Pattern::kSpan);
    auto r = s.send(net_.now(), id, base::Bytes(Pattern::at(c.tx), n));
    if (!r) fail("client send failed: " + std::string(tcp::to_string(r.error())));
    if (*r == 0) return;  // a Writable event resumes
    c.tx += static_cast<uint32_t>(*r);
  }
}

void RrApp::read_response(stack::Stack& s, stack::ConnId id, ClientConn& c) {
  for (int i = 0; i < 1'000'000; ++i) {
    auto r = s.recv(net_.now(), id, buf_);
    if (!r) {
      if (r.error() == tcp::Error::ConnectionClosing) fail("server closed before the response was complete");
      fail("client recv failed: " + std::string(tcp::to_string(r.error())));
    }
    if (*r == 0) return;
    if (c.rx + *r > cfg_.response_bytes) fail("client received more than the response");
    if (!Pattern::check({buf_.data(), *r}, c.rx)) fail("response data mismatch");
    c.rx += static_cast<uint32_t>(*r);
    if (c.rx == cfg_.response_bytes) {
      ++counts_.responded;
      if (cfg_.auto_close) do_close(s, id, c);
      return;
    }
  }
  fail("client recv loop did not end");
}

void RrApp::do_close(stack::Stack& s, stack::ConnId id, ClientConn& c) {
  if (c.closed) return;
  c.closed = true;
  c.live = false;  // the stack finishes the close; the handle is given up
  ++counts_.client_closed;
  s.close(net_.now(), id);
}

void RrApp::client_events(size_t stack_index) {
  stack::Stack& s = net_.stack(stack_index);
  while (auto e = s.poll_event()) {
    if (e->kind != stack::StackEvent::Kind::Connection) continue;
    ClientConn* c = client(stack_index, e->conn);
    if (!c) continue;  // closed by the application meanwhile
    switch (e->event.kind) {
      case tcp::EventKind::Connected:
        ++counts_.connected;
        if (cfg_.auto_request) c->requesting = true;
        if (c->requesting) pump_request(s, e->conn, *c);
        if (cfg_.response_bytes == 0 && c->requesting) {  // nothing to wait for
          ++counts_.responded;
          if (cfg_.auto_close) do_close(s, e->conn, *c);
        }
        break;
      case tcp::EventKind::Writable:
        if (c->requesting) pump_request(s, e->conn, *c);
        break;
      case tcp::EventKind::Readable:
        read_response(s, e->conn, *c);
        break;
      case tcp::EventKind::PeerClosed:
        fail("the server closed first");
      case tcp::EventKind::Closed:
        fail("client connection closed: " + error_text(e->event));
      case tcp::EventKind::DeliveryTrouble:
      case tcp::EventKind::SoftError:
        fail("client connection reports delivery trouble");
      case tcp::EventKind::Urgent:  // never sent by the benchmark
      case tcp::EventKind::StateChanged:
        break;
    }
  }
}

// ---------------------------------------------------------------------------
// Server side.

void RrApp::read_request(stack::Stack& s, stack::ConnId id, ServerConn& c) {
  for (int i = 0; i < 1'000'000; ++i) {
    auto r = s.recv(net_.now(), id, buf_);
    if (!r) {
      if (r.error() == tcp::Error::ConnectionClosing) return;  // end of stream: PeerClosed handles it
      fail("server recv failed: " + std::string(tcp::to_string(r.error())));
    }
    if (*r == 0) return;
    if (c.rx + *r > cfg_.request_bytes) fail("server received more than the request");
    if (!Pattern::check({buf_.data(), *r}, c.rx)) fail("request data mismatch");
    c.rx += static_cast<uint32_t>(*r);
    if (c.rx == cfg_.request_bytes) {
      ++counts_.served;
      pump_response(s, id, c);
      return;
    }
  }
  fail("server recv loop did not end");
}

void RrApp::pump_response(stack::Stack& s, stack::ConnId id, ServerConn& c) {
  while (c.tx < cfg_.response_bytes) {
    size_t n = std::min<size_t>(cfg_.response_bytes - c.tx, Pattern::kSpan);
    auto r = s.send(net_.now(), id, base::Bytes(Pattern::at(c.tx), n));
    if (!r) fail("server send failed: " + std::string(tcp::to_string(r.error())));
    if (*r == 0) return;
    c.tx += static_cast<uint32_t>(*r);
  }
}

void RrApp::peer_closed(stack::Stack& s, stack::ConnId id, ServerConn& c) {
  read_request(s, id, c);  // anything still unread comes before end of stream
  if (c.rx != cfg_.request_bytes || c.tx != cfg_.response_bytes)
    fail("a client closed before the exchange was complete");
  c.live = false;
  ++counts_.server_closed;
  s.close(net_.now(), id);
}

void RrApp::server_events() {
  stack::Stack& s = net_.server();
  while (auto e = s.poll_event()) {
    if (e->kind == stack::StackEvent::Kind::Acceptable) {
      while (auto id = s.accept(e->port)) {
        ServerConn& c = slot_for(servers_, id->index);
        c = ServerConn{};
        c.gen = id->gen;
        c.live = true;
        ++counts_.accepted;
        if (cfg_.request_bytes == 0) ++counts_.served;
        // Data, even end of stream, may have arrived with the handshake's ACK,
        // before the connection was ours and its events reached us.
        const tcp::Connection* conn = s.connection(*id);
        if (conn->peer_fin_received()) {
          peer_closed(s, *id, c);
        } else if (conn->recv_available() > 0) {
          read_request(s, *id, c);
        }
      }
      continue;
    }
    ServerConn* c = server(e->conn);
    if (!c) continue;
    switch (e->event.kind) {
      case tcp::EventKind::Readable:
        read_request(s, e->conn, *c);
        break;
      case tcp::EventKind::Writable:
        if (c->rx == cfg_.request_bytes) pump_response(s, e->conn, *c);
        break;
      case tcp::EventKind::PeerClosed:
        peer_closed(s, e->conn, *c);
        break;
      case tcp::EventKind::Closed:
        fail("server connection closed: " + error_text(e->event));
      case tcp::EventKind::DeliveryTrouble:
      case tcp::EventKind::SoftError:
        fail("server connection reports delivery trouble");
      case tcp::EventKind::Connected:
      case tcp::EventKind::Urgent:
      case tcp::EventKind::StateChanged:
        break;
    }
  }
}

void RrApp::on_activity(size_t stack_index) {
  if (stack_index == BenchNet::kServer) {
    server_events();
  } else {
    client_events(stack_index);
  }
}

}  // namespace synack::bench
