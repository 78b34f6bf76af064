#pragma once
// sim::EchoPeer — the two applications of the echo scenario (synack demo and
// the simulator's property tests), as sim::Apps.
//
//   client: sends `bytes` pattern bytes, reads the echo and checks it;
//   server: reads, checks the bytes against the same pattern and sends every
//           byte back.
//
// Every byte read is checked as it arrives (what was received is always a
// prefix of what was sent). When to close is a policy: once the peer's own job
// is done (client: the whole echo read; server: everything read and echoed),
// once the other side has closed (end of stream read), or when told to.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/app.h"
#include "stack/stack.h"

namespace synack::sim {

// Byte i of the pattern stream for `salt`.
uint8_t pattern_byte(uint64_t i, uint64_t salt);

class EchoPeer final : public App {
 public:
  enum class Role : uint8_t { Client, Server };
  enum class CloseWhen : uint8_t {
    Done,      // after its own job is complete
    PeerEof,   // after reading end of stream
    Told,      // only when close_now() is called
  };

  EchoPeer(stack::Stack& stack, Role role, uint64_t bytes, uint64_t salt, CloseWhen when);

  // The connection to use (client, or a server in a simultaneous open).
  void set_connection(stack::ConnId id) { conn_ = id; }
  // A server in a normal open accepts its connection from this listener port.
  void accept_from(uint16_t port) { listen_port_ = port; }
  // Close now (CloseWhen::Told). No-op if already closed or not connected.
  void close_now(base::Instant now);

  bool poll(base::Instant now) override;

  // The job is complete: client read the whole echo; server read all bytes
  // and handed every one back to its stack.
  bool done() const;
  bool closed() const { return closed_; }
  bool eof() const { return eof_; }
  uint64_t received() const { return received_; }
  uint64_t sent() const { return sent_; }
  const std::string& problem() const { return problem_; }
  std::optional<stack::ConnId> connection() const { return conn_; }

 private:
  bool drain_events(base::Instant now);
  bool push_out(base::Instant now);
  bool pull_in(base::Instant now);
  void check(base::Bytes data);
  void fail(std::string what);

  stack::Stack& stack_;
  Role role_;
  uint64_t bytes_;
  uint64_t salt_;
  CloseWhen when_;
  std::optional<stack::ConnId> conn_;
  uint16_t listen_port_ = 0;
  uint64_t sent_ = 0;      // bytes handed to the stack
  uint64_t received_ = 0;  // bytes read and checked
  std::vector<uint8_t> out_;  // server: bytes read, not yet accepted by send()
  size_t out_off_ = 0;
  std::vector<uint8_t> buf_;
  bool connected_ = false;  // the handshake has completed
  bool eof_ = false;
  bool closed_ = false;
  std::string problem_;
};

}  // namespace synack::sim
