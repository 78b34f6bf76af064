#pragma once
// api::Runtime — drives a stack::Stack over a link::Link with epoll and the
// real clock, and hands the application socket-like handles (Listener,
// Socket). One thread; the runtime owns neither the stack nor the link.
//
// Each turn of the loop: send what the stack queued, deliver the stack's
// events to the handles' callbacks, sleep in epoll until the link is readable
// or the stack's next deadline (a timerfd armed to the microsecond), then feed
// every queued packet to the stack and fire its timers.
//
// Two styles, freely mixed:
//   callbacks  register on_accept / on_readable / on_writable / on_closed and
//              call run(); callbacks use the non-blocking try_* calls.
//   blocking   call accept / connect / recv / send with an optional timeout:
//              they run the loop until their condition holds. Blocking calls
//              made from inside a callback fail with Error::WouldBlock.
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <vector>

#include "api/error.h"
#include "base/expected.h"
#include "base/time.h"
#include "link/link.h"
#include "stack/stack.h"

namespace synack::api {

using base::Duration;
using base::Expected;
using base::Instant;

class Listener;
class Socket;

using Callback = std::function<void()>;
using ClosedCallback = std::function<void(std::optional<Error>)>;

struct RuntimeCounters {
  uint64_t wakeups = 0;       // epoll_wait returns
  uint64_t packets_in = 0;    // packets handed to the stack
  uint64_t packets_out = 0;   // packets handed to the link
  uint64_t timer_runs = 0;    // Stack::on_timeout calls
  uint64_t timer_arms = 0;    // timerfd_settime calls
};

class Runtime {
 public:
  // `stack` and `link` must outlive the runtime.
  Runtime(stack::Stack& stack, link::Link& link);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  Instant now() const;
  stack::Stack& stack() { return *stack_; }
  const RuntimeCounters& counters() const { return counters_; }

  // ---- Handles ----
  Expected<Listener, Error> listen(uint16_t port, uint32_t backlog = 128);
  // Start a connection and return at once (SYN-SENT); on_connected or on_closed
  // tells the outcome.
  // `opts` sets the buffer sizes before the SYN goes out (the receive buffer
  // chooses the window scale offered, RFC 7323 §2.2); Error::InvalidArgument
  // if one is out of range.
  Expected<Socket, Error> open(const wire::Endpoint& remote, uint16_t local_port = 0,
                               const stack::ConnOptions& opts = {});
  // Connect and wait for the handshake: refused, timed out (TCP's own limit),
  // or Error::Deadline when `timeout` passes first (the attempt is aborted).
  // `opts` as for open().
  Expected<Socket, Error> connect(const wire::Endpoint& remote,
                                  std::optional<Duration> timeout = std::nullopt,
                                  const stack::ConnOptions& opts = {});

  // ---- The loop ----
  void run();  // until stop()
  // Run until done() holds (true), or stop()/timeout (false).
  bool run_until(const std::function<bool()>& done, std::optional<Duration> timeout = std::nullopt);
  void run_for(Duration d);
  // Make run(), run_until() and blocking calls return; sticky until resume().
  // The one call that is safe from another thread (or a signal handler).
  void stop();
  void resume() { stopped_ = false; }
  bool stopped() const { return stopped_; }
  bool in_callback() const { return callback_depth_ > 0; }

  // Run `cb` from the loop soon (after the current callback returns): for work
  // a callback must not do itself, such as destroying its own socket.
  void defer(Callback cb) { deferred_.push_back(std::move(cb)); }

  // Call `on_readable` whenever `fd` is readable (a signalfd, a pipe...).
  void watch(int fd, Callback on_readable);
  void unwatch(int fd);

  // Send whatever the stack has queued (the handles call this after each call).
  void flush();

 private:
  friend class Listener;
  friend class Socket;

  struct ConnRecord {
    uint32_t gen = 0;
    Callback on_connected, on_readable, on_writable, on_urgent;
    ClosedCallback on_closed;
    bool closed = false;           // the Closed event arrived
    bool closed_reported = false;  // on_closed ran (at most once)
    bool connected_reported = false;
    std::optional<Error> error;
  };
  struct ListenRecord {
    Callback on_accept;
    bool acceptable = false;  // an Acceptable event since the last empty accept
  };
  enum class Notify : uint8_t { Connected, Readable, Closed, Accept };
  struct Pending {
    Notify what;
    stack::ConnId id;
    uint16_t port;
  };

  // handles (used by Socket / Listener)
  ConnRecord* record(stack::ConnId id);
  ListenRecord* listen_record(uint16_t port);
  void adopt(stack::ConnId id);
  void forget(stack::ConnId id) { conns_.erase(id.index); }
  void forget_listener(uint16_t port) { listeners_.erase(port); }
  void notify_later(Notify what, stack::ConnId id, uint16_t port = 0);

  // the loop
  void turn(Instant wake_at);
  void service();
  bool dispatch();
  void deliver(const stack::StackEvent& ev);
  void deliver_pending(const Pending& p);
  void invoke(const Callback& cb);
  void report_connected(ConnRecord& rec);
  void report_closed(ConnRecord& rec);
  void receive_batch();
  void arm_timer(Instant deadline);

  stack::Stack* stack_;
  link::Link* link_;
  int epoll_fd_ = -1;
  int timer_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: stop() from elsewhere interrupts epoll_wait
  Instant armed_ = Instant::never();
  std::atomic<bool> stopped_{false};
  int callback_depth_ = 0;
  std::unordered_map<uint32_t, ConnRecord> conns_;
  std::unordered_map<uint16_t, ListenRecord> listeners_;
  std::unordered_map<int, Callback> watched_;
  std::vector<Pending> pending_;
  std::vector<Callback> deferred_;
  std::vector<uint8_t> rx_buf_;
  RuntimeCounters counters_;
};

}  // namespace synack::api
