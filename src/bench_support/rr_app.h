#pragma once
// RrApp: the request/response application of the lifecycle, memory and scale
// benchmarks, on a BenchNet. Clients (on the client stacks) connect to the
// server stack, send a B-byte request, read a B-byte response and close first;
// the server answers each request and closes when it reads end of stream.
// Requests and responses carry the verification pattern and are checked.
//
// With auto_request/auto_close the whole lifecycle runs by itself after
// connect(); without, the driver calls request() and close() per connection
// (scale and memory benchmarks). Any failure (a reset, a mismatch, a peer
// closing early) throws BenchError.
#include <cstdint>
#include <vector>

#include "bench_support/net.h"

namespace synack::bench {

struct RrConfig {
  uint32_t request_bytes = 1;
  uint32_t response_bytes = 1;
  bool auto_request = true;  // send the request as soon as the connection is established
  bool auto_close = true;    // close as soon as the whole response arrived
  uint16_t first_port = 5001;
  uint16_t ports = 1;        // the server listens on first_port .. first_port + ports - 1
  uint32_t backlog = 1u << 20;
};

struct ClientRef {
  uint32_t stack = 0;  // client stack index (>= 1)
  stack::ConnId id;
};

class RrApp final : public StackApp {
 public:
  struct Counts {
    uint64_t started = 0;        // connect() calls
    uint64_t connected = 0;      // clients that saw the handshake complete
    uint64_t responded = 0;      // clients that read the whole response
    uint64_t client_closed = 0;  // clients that called close()
    uint64_t accepted = 0;
    uint64_t served = 0;         // requests read in full by the server
    uint64_t server_closed = 0;  // server connections closed after end of stream
  };

  RrApp(BenchNet& net, const RrConfig& cfg);
  ~RrApp() override;

  ClientRef connect(size_t client_stack, uint16_t port);
  void request(const ClientRef& c);
  void close(const ClientRef& c);
  // Pre-size the per-connection application state (so it does not grow while
  // the memory benchmark meters the stacks).
  void reserve(size_t conns_per_stack);

  const Counts& counts() const { return counts_; }
  void on_activity(size_t stack_index) override;

 private:
  struct ClientConn {
    uint32_t gen = 0;
    uint32_t tx = 0;  // request bytes queued
    uint32_t rx = 0;  // response bytes read
    bool live = false;
    bool requesting = false;
    bool closed = false;
  };
  struct ServerConn {
    uint32_t gen = 0;
    uint32_t rx = 0;  // request bytes read
    uint32_t tx = 0;  // response bytes queued
    bool live = false;
  };
  ClientConn* client(size_t stack_index, stack::ConnId id);
  ServerConn* server(stack::ConnId id);
  void client_events(size_t stack_index);
  void server_events();
  void pump_request(stack::Stack& s, stack::ConnId id, ClientConn& c);
  void read_response(stack::Stack& s, stack::ConnId id, ClientConn& c);
  void do_close(stack::Stack& s, stack::ConnId id, ClientConn& c);
  void read_request(stack::Stack& s, stack::ConnId id, ServerConn& c);
  void pump_response(stack::Stack& s, stack::ConnId id, ServerConn& c);
  void peer_closed(stack::Stack& s, stack::ConnId id, ServerConn& c);

  BenchNet& net_;
  RrConfig cfg_;
  Counts counts_;
  std::vector<std::vector<ClientConn>> clients_;  // [client stack - 1][ConnId.index]
  std::vector<ServerConn> servers_;               // [ConnId.index]
  std::vector<uint8_t> buf_;
};

}  // namespace synack::bench
