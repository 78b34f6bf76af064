#pragma once
// stack::Stack — one host's TCP/IPv4: IP input and output, demultiplexing by
// 4-tuple in O(1), listeners with bounded SYN and accept queues, ephemeral ports
// (RFC 6056), RST for segments to no connection (RFC 9293 §3.10.7.1), ICMP echo,
// one timer wheel for every connection, compact TIME-WAIT records, counters.
//
// Like the connections inside it, the stack does no I/O and reads no clock:
//
//   link side:  on_packet(now, bytes)    an IPv4 packet arrived
//               poll_transmit()          the next IPv4 packet to put on the link
//               next_deadline()          when on_timeout(now) must be called
//   app side:   listen / accept / connect / send / recv / shutdown / close / abort,
//               poll_event()             what happened to the app's connections
//
// After any call, drain poll_transmit() and re-arm the clock for next_deadline().
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "base/expected.h"
#include "base/ring_queue.h"
#include "base/time.h"
#include "stack/counters.h"
#include "stack/flat_map.h"
#include "stack/index_table.h"
#include "stack/observer.h"
#include "stack/ports.h"
#include "stack/time_wait_table.h"
#include "stack/timer_wheel.h"
#include "tcp/connection.h"
#include "tcp/time_wait.h"

namespace synack::stack {

using base::Duration;
using base::Expected;
using base::Instant;
using wire::Endpoint;
using wire::FourTuple;
using wire::Ipv4Addr;

struct StackConfig {
  Ipv4Addr addr;               // this host's address
  uint16_t mtu = 1500;         // largest IPv4 packet we send
  tcp::Config tcp;
  // Ephemeral range: IANA's dynamic ports (RFC 6056 §3.2 suggests 1024-65535;
  // the smaller IANA range keeps well-known and registered ports free).
  uint16_t ephemeral_lo = 49152;
  uint16_t ephemeral_hi = 65535;
  uint64_t port_secret = 0;    // keys the ephemeral port hash (RFC 6056)
  // Replace a connection that enters TIME-WAIT (and that the application has
  // closed) by a small record: RFC 9293 only needs SND.NXT, RCV.NXT and the
  // expiry to answer a retransmitted FIN or a new SYN.
  bool compact_time_wait = true;
  // Release a connection's buffer memory when it has nothing buffered after
  // the application reads or the peer acknowledges (idle connections cost
  // only their control block).
  bool release_idle_buffers = true;
  // Give the application tcp::EventKind::StateChanged events too (observers
  // see every state change regardless). Off by default: applications act on
  // Connected, Readable, PeerClosed and Closed and can ask a connection its
  // state(); state changes are half the events of a lifecycle.
  bool state_events = false;
  // At most this many full connections at once (0: no limit), TIME-WAIT
  // records not counted: an embedder's bound on memory, like lwIP's
  // MEMP_NUM_TCP_PCB. At the limit connect() fails with TooManyConnections
  // and a listener drops new SYNs without a RST (counted as
  // DropReason::ConnectionLimit), so their senders retry later.
  uint32_t max_connections = 0;
};

// A handle to a connection. Stale handles (the connection was freed) are
// detected by the generation.
struct ConnId {
  uint32_t index = 0xffffffffu;
  uint32_t gen = 0;
  bool operator==(const ConnId&) const = default;
  bool valid() const { return index != 0xffffffffu; }
};

enum class StackError : uint8_t {
  PortInUse,          // listen() on a port that already has a listener
  NoEphemeralPort,    // every port of the ephemeral range is in use for that destination
  InvalidAddress,     // broadcast/multicast/unspecified remote (MUST-46)
  NoSuchConnection,   // stale or unknown ConnId
  NoSuchListener,
  InvalidArgument,    // an option value out of range (a buffer size of 0, or too large)
  TooManyConnections, // StackConfig::max_connections reached
};

// Per-connection options that must be in place before the first segment of a
// connection is built (0: the stack's tcp::Config default). The receive buffer
// chooses the window scale offered in the SYN or SYN,ACK (RFC 7323 §2.2).
// The TOS byte an application may set: its DSCP, without the two ECN bits
// (RFC 3168 gives those to the transport: a connection that negotiated ECN,
// tcp::Config::ecn, marks its new data ECT(0) there).
constexpr uint8_t tos_without_ecn(uint8_t tos) { return static_cast<uint8_t>(tos & 0xfc); }

struct ConnOptions {
  uint32_t send_buffer = 0;
  uint32_t recv_buffer = 0;
  uint32_t mss_limit = 0;  // TCP_MAXSEG: the MSS announced and used stays at or below it
  // The IPv4 header of the connection's segments (IP_TOS, IP_TTL): the
  // Differentiated Services field (RFC 9293 §3.9.1.9 MUST-48; RFC 2474; the
  // stack clears the two ECN bits, tos_without_ecn) and the TTL (MUST-49; 0:
  // the stack's StackConfig::tcp.ttl).
  uint8_t ip_tos = 0;
  uint8_t ip_ttl = 0;
  // Congestion control of the connection (NewReno or CUBIC, RFC 9438), chosen
  // before its SYN; nothing: the stack's tcp::Config::congestion_control.
  std::optional<tcp::CcAlgorithm> congestion_control = std::nullopt;
  // Nagle off (RFC 9293 MUST-17, TCP_NODELAY) and R2 in milliseconds
  // (MUST-21, TCP_USER_TIMEOUT; 0: the stack's), from the SYN on; a listener's
  // reach the connections it accepts, as Linux's do.
  bool nodelay = false;
  uint32_t user_timeout_ms = 0;
  // Keep-alive (RFC 9293 §3.8.4, MUST-24: per connection) and its idle time,
  // probe interval (seconds, 1..Connection::kMaxKeepAliveSecs) and probe count
  // (1..kMaxKeepAliveProbes); 0: the stack's tcp::Config. A listener's reach
  // its children, as in Linux and FreeBSD.
  bool keepalive = false;
  uint16_t keepalive_idle_s = 0;
  uint16_t keepalive_interval_s = 0;
  uint8_t keepalive_probes = 0;
  // Orphaned FIN-WAIT-2 timeout in seconds (TCP_LINGER2,
  // 1..Connection::kMaxFinWait2Secs; 0: the stack's).
  uint8_t fin_wait_2_s = 0;
  // No TCP options on the SYN or SYN,ACK, not even MSS (FreeBSD's TCP_NOOPT;
  // Connection::set_no_options).
  bool no_options = false;
  // TCP_CORK (Connection::set_cork); a listener's children start corked too,
  // as Linux's accepted sockets inherit it.
  bool cork = false;
  // TCP_DEFER_ACCEPT for a listener's children, in seconds (0: off; see
  // tcp::Connection::set_defer_accept).
  uint32_t defer_accept_s = 0;
  bool valid() const {
    return send_buffer <= tcp::Connection::kMaxBuffer && recv_buffer <= tcp::Connection::kMaxBuffer &&
           tcp::Connection::mss_limit_ok(mss_limit) && keepalive_idle_s <= tcp::Connection::kMaxKeepAliveSecs &&
           keepalive_interval_s <= tcp::Connection::kMaxKeepAliveSecs &&
           keepalive_probes <= tcp::Connection::kMaxKeepAliveProbes &&
           fin_wait_2_s <= tcp::Connection::kMaxFinWait2Secs;
  }
};
std::string_view to_string(StackError e);

struct StackEvent {
  enum class Kind : uint8_t { Connection, Acceptable };
  Kind kind = Kind::Connection;
  ConnId conn;        // for Kind::Connection
  uint16_t port = 0;  // for Kind::Acceptable: a listener with a connection to accept
  tcp::Event event;
};

class Stack {
 public:
  Stack(const StackConfig& cfg, tcp::IsnGenerator& isn);
  ~Stack();
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  // ---- Link side ----
  void on_packet(Instant now, base::Bytes ip_packet);
  // A hint for a driver that holds several received packets: start loading
  // what on_packet will touch for `ip_packet`, without doing anything else.
  // Demux loads the connection table's bucket; Connection (issued later, once
  // the bucket has had time to arrive) loads the connection it points to.
  // Each packet costs one cache miss instead of two dependent ones in a row.
  enum class Prefetch { Demux, Connection };
  void prefetch(base::Bytes ip_packet, Prefetch what) const;
  // The next packet to send; the bytes stay valid until the next call.
  // Connections produce their segments here, lazily: whatever the application
  // does between an input and this call (answer a request, close) can ride on
  // the same segment as the ACK. Drain it after every input, timeout or
  // application call, before asking next_deadline().
  std::optional<base::Bytes> poll_transmit();
  // The same, built where the link wants it: in `buf`, a slot of the device's
  // transmit ring (as smoltcp's TxToken, or a DPDK mbuf). A data segment's
  // payload is copied once, from the send buffer straight into `buf`, and
  // checksummed on the way; nothing is copied after. The packet is returned as
  // a view into `buf` (it starts up to kTransmitHeadroom bytes in, because the
  // headers are written backwards in front of the payload).
  // `buf` should hold transmit_buffer_bytes(). A smaller one still gets every
  // packet that fits in it, by a copy; a packet that does not fit stays queued
  // and nothing is returned.
  std::optional<base::Bytes> poll_transmit_into(base::MutBytes buf);
  size_t transmit_buffer_bytes() const { return kTransmitHeadroom + max_payload(); }
  // Room in front of a payload for the largest IPv4 + TCP headers we write.
  static constexpr size_t kTransmitHeadroom = 20 + 20 + 40;
  Instant next_deadline() const;
  void on_timeout(Instant now);

  // ---- Application side ----
  Expected<void, StackError> listen(uint16_t port, uint32_t backlog);
  Expected<void, StackError> close_listener(Instant now, uint16_t port);
  std::optional<ConnId> accept(uint16_t port);
  Expected<ConnId, StackError> connect(Instant now, const Endpoint& remote, uint16_t local_port = 0,
                                       const ConnOptions& opts = {});
  // Options for the connections a listener accepts from now on (SO_SNDBUF and
  // SO_RCVBUF set on a listening socket): applied to each new connection
  // before it processes the SYN, so the SYN,ACK's window and scale follow them.
  Expected<void, StackError> set_listener_options(uint16_t port, const ConnOptions& opts);
  // The connection's IPv4 TOS byte (DSCP; the ECN bits are ignored) and TTL
  // (1-255, or 0 for the stack's), from its next segment on: an application
  // may change them mid-connection (RFC 9293 §3.9.1.9 MUST-48, SHLD-21), and
  // they go to IP unchanged (SHLD-22). False if `id` is not the application's
  // connection (closed or aborted handles included).
  bool set_ip_tos(ConnId id, uint8_t tos);
  bool set_ip_ttl(ConnId id, uint8_t ttl);
  std::optional<uint8_t> ip_tos(ConnId id) const;
  std::optional<uint8_t> ip_ttl(ConnId id) const;
  // The TOS byte (DSCP and ECN bits) of the last segment received on the
  // connection, for the application (RFC 9293 §3.9.1.9 MAY-9); 0 before any.
  std::optional<uint8_t> received_tos(ConnId id) const;
  Expected<size_t, tcp::Error> send(Instant now, ConnId id, base::Bytes data) { return send(now, id, data, false); }
  // `more`: MSG_MORE (tcp::Connection::send).
  Expected<size_t, tcp::Error> send(Instant now, ConnId id, base::Bytes data, bool more);
  Expected<size_t, tcp::Error> send_more(Instant now, ConnId id, base::Bytes data) { return send(now, id, data, true); }
  // SEND with the URGENT flag (RFC 9293 §3.8.5): see tcp::Connection::send_urgent.
  Expected<size_t, tcp::Error> send_urgent(Instant now, ConnId id, base::Bytes data);
  Expected<size_t, tcp::Error> recv(Instant now, ConnId id, base::MutBytes out);
  // RECEIVE with the application's buffer queued: in-order text lands in it
  // straight from the packet (see tcp::Connection::post_recv). take_posted()
  // ends the posting and returns how many bytes landed.
  Expected<size_t, tcp::Error> post_recv(Instant now, ConnId id, base::MutBytes buf);
  Expected<size_t, tcp::Error> take_posted(ConnId id);
  Expected<void, tcp::Error> shutdown(Instant now, ConnId id);  // half-close (FIN)
  // The application is done with the connection: close it (RST if unread data,
  // SHLD-3) and give up the handle; the stack finishes the close.
  void close(Instant now, ConnId id);
  void abort(Instant now, ConnId id);  // RST and give up the handle
  std::optional<StackEvent> poll_event() { return events_.pop(); }

  // ---- Inspection ----
  const tcp::Connection* connection(ConnId id) const;
  tcp::Connection* connection(ConnId id);
  // Run `f(conn)` on a connection and then flush what it wants to send (for
  // calls the stack does not wrap, such as set_nagle).
  template <class F>
  void with_connection(Instant now, ConnId id, F&& f) {
    if (auto* c = connection(id)) {
      f(*c);
      after_conn(id.index, now);
    }
  }
  const StackConfig& config() const { return cfg_; }
  const StackCounters& counters() const { return counters_; }
  size_t connection_count() const { return conns_.size(); }
  size_t time_wait_count() const { return tw_.size(); }
  size_t time_wait_memory() const { return tw_.memory_bytes(); }
  void set_observer(Observer* o) {
    observer_ = o;
    env_.state_events = o || cfg_.state_events;  // connections emit state changes only if wanted
  }
  // The state of a 4-tuple as the stack knows it (for conformance runners):
  // a full connection, a compact TIME-WAIT record, or nothing (CLOSED).
  tcp::State state_of(const FourTuple& t) const;
  std::optional<ConnId> find(const FourTuple& t) const;

 private:
  struct Slot {
    std::optional<tcp::Connection> conn;
    uint32_t gen = 0;
    uint16_t listener_port = 0;  // a child of this listener (0: none)
    bool app_owned = false;      // the application holds a ConnId for it
    bool in_syn_queue = false;
    bool in_accept_queue = false;
    bool dirty = false;           // has output or reaping pending (in dirty_)
    // The IPv4 header's TOS and TTL for this connection's segments (ConnOptions).
    // Two bytes of what was padding: a Slot stays at 192 bytes.
    uint8_t ip_tos = 0;
    uint8_t ip_ttl = 0;  // 0: cfg_.tcp.ttl
    uint8_t rx_tos = 0;  // the TOS byte of the last segment received (MAY-9)
    uint32_t child_prev = 0xffffffffu;  // the listener's list of children
    uint32_t child_next = 0xffffffffu;
  };
  static_assert(sizeof(Slot) <= 192, "a Slot is three cache lines (Stack::prefetch, bench memory)");
  
  struct Listener {
    uint16_t port = 0;
    uint32_t backlog = 0;
    uint32_t syn_count = 0;
    uint32_t accept_count = 0;
    base::RingQueue<ConnId> accept_queue;
    uint32_t children = 0xffffffffu;
    ConnOptions child_opts;
  };
  struct PacketBuf {
    std::vector<uint8_t> data;
    size_t off = 0;
    size_t len = 0;
  };

  // input (stack_input.cc)
  // `packet` is the whole IPv4 packet, for the observer.
  void tcp_input(Instant now, Ipv4Addr src, Ipv4Addr dst, base::Bytes segment, base::Bytes packet);
  void icmp_input(Instant now, Ipv4Addr src, base::Bytes message, base::Bytes packet);
  void icmp_error_input(Instant now, base::Bytes message);
  bool time_wait_input(Instant now, const FourTuple& t, const tcp::Segment& seg);
  void listener_input(Instant now, Listener& l, const FourTuple& t, const tcp::Segment& seg);
  void no_connection(Instant now, const FourTuple& t, const tcp::Segment& seg);

  // connections (stack.cc)
  bool at_connection_limit() const {
    return cfg_.max_connections != 0 && conns_.size() >= cfg_.max_connections;
  }
  uint32_t alloc_slot();
  void free_slot(uint32_t idx);
  // Inline: several lookups per segment (input, events, flush).
  static constexpr uint32_t kChunk = 1024;  // slots per slab chunk (stable addresses)
  Slot& slot(uint32_t idx) { return chunks_[idx / kChunk][idx % kChunk]; }
  const Slot& slot(uint32_t idx) const { return chunks_[idx / kChunk][idx % kChunk]; }
  Slot* live(ConnId id);
  const Slot* live(ConnId id) const;
  Slot* owned(ConnId id);  // live and held by the application
  const Slot* owned(ConnId id) const;
  void flush_dirty();
  // The next connection marked dirty that still exists, off dirty_;
  // kNotFlushing when none is left. Inline: once per flushed connection.
  uint32_t next_dirty() {
    while (!dirty_.empty()) {
      uint32_t idx = dirty_.front();
      dirty_.drop_front();
      Slot& s = slot(idx);
      s.dirty = false;
      if (s.conn) return idx;  // skip a slot freed since it was marked
    }
    return kNotFlushing;
  }
  // A user call (RFC 9293 §3.10) on a connection the application owns, then
  // the flush of what it wants to send; "connection does not exist" otherwise.
  template <class F>
  auto user_call(Instant now, ConnId id, F&& call) -> decltype(call(std::declval<tcp::Connection&>()));
  void after_conn(uint32_t idx, Instant now);
  // Both take the slot of `idx`, which the caller has already looked up.
  void handle_event(Slot& s, uint32_t idx, Instant now, const tcp::Event& e);
  void maybe_reap(Slot& s, uint32_t idx, Instant now);
  void compact_time_wait(uint32_t idx, Instant now);
  void unlink_child(uint32_t idx);
  void expire_time_wait(Instant now);
  static void apply(Instant now, tcp::Connection& c, const ConnOptions& opts);

  // output (stack_output.cc)
  // The free buffer the next packet goes into (still in packet_free_: the
  // caller pops it when it uses it).
  PacketBuf& next_packet();
  PacketBuf& take_packet();  // next_packet(), out of the pool
  // The packet poll_transmit returned last goes back to the pool.
  void release_last_out();
  // The head of out_, copied into `buf` and freed, if it fits.
  std::optional<base::Bytes> copy_out_head(base::MutBytes buf);
  // Most payload one segment carries: the MTU less minimal IPv4 and TCP
  // headers (the connection takes its options out of it).
  size_t max_payload() const { return static_cast<size_t>(cfg_.mtu) - 40; }
  void flush_conn(uint32_t idx, Instant now);
  // After a connection's output: sending arms timers; its state may let it go.
  void after_flush(uint32_t idx, Instant now);
  // The IPv4 + TCP headers in front of the payload at `payload_at`, and the
  // counters and observer of a segment sent; returns where the packet starts.
  uint8_t* write_segment(Instant now, const FourTuple& t, const tcp::Segment& seg, uint8_t* payload_at,
                         uint8_t tos, uint8_t ttl);
  // `tos` and `ttl` for the IPv4 header (ttl 0: cfg_.tcp.ttl).
  void emit_segment(Instant now, const FourTuple& t, const tcp::Segment& seg, PacketBuf& pb,
                    size_t payload_off, uint8_t tos = 0, uint8_t ttl = 0);
  void send_control(Instant now, const FourTuple& t, const tcp::Segment& seg, uint8_t tos = 0);

  StackConfig cfg_;
  tcp::Env env_;
  EphemeralPorts ports_;
  struct SlotTuple {
    const Stack* stack;
    FourTuple operator()(uint32_t idx) const { return stack->slot(idx).conn->tuple(); }
  };
  IndexTable<SlotTuple> conns_{SlotTuple{this}};  // demux: 4-tuple -> slot, 8 bytes per entry
  TimeWaitTable tw_;
  FlatMap<PortKey, Listener*> listeners_;
  std::vector<std::unique_ptr<Listener>> listener_store_;
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  std::vector<uint32_t> free_slots_;
  uint32_t slot_count_ = 0;
  TimerWheel wheel_;
  std::vector<uint32_t> fired_;
  base::RingQueue<uint32_t> dirty_;  // connections to flush in poll_transmit
  Instant last_now_;                 // the time of the latest call, for lazy output
  base::RingQueue<StackEvent> events_;
  base::RingQueue<PacketBuf*> out_;
  std::vector<std::unique_ptr<PacketBuf>> packet_store_;
  std::vector<PacketBuf*> packet_free_;
  PacketBuf* last_out_ = nullptr;
  // The connection poll_transmit_into is sending from, one segment per call
  // (no longer in dirty_); kNotFlushing when none.
  static constexpr uint32_t kNotFlushing = 0xffffffffu;
  uint32_t flushing_ = kNotFlushing;
  tcp::Segment tx_seg_;  // flush_conn's: poll_transmit refills it for every segment
  StackCounters counters_;
  Observer* observer_ = nullptr;
  uint16_t ip_id_ = 0;
};

}  // namespace synack::stack
