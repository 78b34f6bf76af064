// Runtime: the epoll loop, the timerfd, and delivery of stack events to handles.
#include "api/runtime.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "api/clock.h"
#include "api/listener.h"
#include "api/socket.h"

namespace synack::api {

namespace {
constexpr size_t kRxBufSize = 65536;   // the largest IPv4 packet
constexpr int kMaxRxBatch = 512;       // packets per wakeup before timers get a turn
constexpr int kMaxServiceRounds = 64;  // callbacks feeding callbacks: bounded

[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string("runtime: ") + what + ": " + std::strerror(errno));
}
}  // namespace

Runtime::Runtime(stack::Stack& stack, link::Link& link)
    : stack_(&stack), link_(&link), rx_buf_(kRxBufSize) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) fail("epoll_create1");
  timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timer_fd_ < 0) fail("timerfd_create");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = timer_fd_;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, timer_fd_, &ev) != 0) fail("epoll_ctl(timerfd)");
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) fail("eventfd");
  ev.data.fd = wake_fd_;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) fail("epoll_ctl(eventfd)");
  if (link.fd() >= 0) {
    ev.data.fd = link.fd();
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, link.fd(), &ev) != 0) fail("epoll_ctl(link)");
  }
}

Runtime::~Runtime() {
  close(wake_fd_);
  close(timer_fd_);
  close(epoll_fd_);
}

Instant Runtime::now() const { return monotonic_now(); }

void Runtime::stop() {
  stopped_ = true;
  uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof one);
}

// ---------------------------------------------------------------------------
// Handles.

Expected<Listener, Error> Runtime::listen(uint16_t port, uint32_t backlog) {
  auto r = stack_->listen(port, backlog);
  if (!r) return base::Unexpected(from_stack(r.error()));
  listeners_[port] = ListenRecord{};
  return Listener(*this, port);
}

Expected<Socket, Error> Runtime::open(const wire::Endpoint& remote, uint16_t local_port,
                                     const stack::ConnOptions& opts) {
  auto id = stack_->connect(now(), remote, local_port, opts);
  if (!id) return base::Unexpected(from_stack(id.error()));
  adopt(*id);
  flush();
  return Socket(*this, *id, stack_->connection(*id)->tuple());
}

Expected<Socket, Error> Runtime::connect(const wire::Endpoint& remote, std::optional<Duration> timeout,
                                         const stack::ConnOptions& opts) {
  auto s = open(remote, 0, opts);
  if (!s) return s;
  if (auto r = s->wait_connected(timeout); !r) {
    s->abort();
    return base::Unexpected(r.error());
  }
  return s;
}

void Runtime::adopt(stack::ConnId id) {
  ConnRecord rec;
  rec.gen = id.gen;
  conns_[id.index] = std::move(rec);
}

Runtime::ConnRecord* Runtime::record(stack::ConnId id) {
  auto it = conns_.find(id.index);
  return (it == conns_.end() || it->second.gen != id.gen) ? nullptr : &it->second;
}

Runtime::ListenRecord* Runtime::listen_record(uint16_t port) {
  auto it = listeners_.find(port);
  return it == listeners_.end() ? nullptr : &it->second;
}

void Runtime::notify_later(Notify what, stack::ConnId id, uint16_t port) {
  pending_.push_back(Pending{what, id, port});
}

void Runtime::watch(int fd, Callback on_readable) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) fail("epoll_ctl(watch)");
  watched_[fd] = std::move(on_readable);
}

void Runtime::unwatch(int fd) {
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  watched_.erase(fd);
}

// ---------------------------------------------------------------------------
// The loop.

void Runtime::run() {
  while (!stopped_) turn(Instant::never());
  service();
}

bool Runtime::run_until(const std::function<bool()>& done, std::optional<Duration> timeout) {
  Instant end = timeout ? now() + *timeout : Instant::never();
  service();
  while (!done()) {
    if (stopped_ || now() >= end) return false;
    turn(end);
  }
  return true;
}

void Runtime::run_for(Duration d) {
  (void)run_until([] { return false; }, d);
}

void Runtime::flush() {
  Instant t = now();
  while (auto p = stack_->poll_transmit()) {
    link_->send(t, *p);
    ++counters_.packets_out;
  }
}

void Runtime::service() {
  for (int i = 0; i < kMaxServiceRounds; ++i) {
    flush();
    if (!dispatch()) return;
  }
  flush();
}

bool Runtime::dispatch() {
  bool any = false;
  while (!pending_.empty()) {
    std::vector<Pending> batch;
    batch.swap(pending_);
    for (const Pending& p : batch) deliver_pending(p);
    any = true;
  }
  while (auto ev = stack_->poll_event()) {
    deliver(*ev);
    any = true;
  }
  while (!deferred_.empty()) {
    std::vector<Callback> batch;
    batch.swap(deferred_);
    for (const Callback& cb : batch) invoke(cb);
    any = true;
  }
  return any;
}

void Runtime::invoke(const Callback& cb) {
  if (!cb) return;
  Callback copy = cb;  // the callback may close its socket and so free `cb`
  ++callback_depth_;
  copy();
  --callback_depth_;
}

void Runtime::report_connected(ConnRecord& rec) {
  if (rec.connected_reported || !rec.on_connected) return;
  rec.connected_reported = true;
  invoke(rec.on_connected);
}

void Runtime::report_closed(ConnRecord& rec) {
  if (rec.closed_reported || !rec.on_closed) return;
  rec.closed_reported = true;
  ClosedCallback cb = rec.on_closed;  // copied: the callback may forget the record
  std::optional<Error> err = rec.error;
  ++callback_depth_;
  cb(err);
  --callback_depth_;
}

void Runtime::deliver(const stack::StackEvent& ev) {
  if (ev.kind == stack::StackEvent::Kind::Acceptable) {
    if (ListenRecord* l = listen_record(ev.port)) {
      l->acceptable = true;
      invoke(l->on_accept);
    }
    return;
  }
  ConnRecord* rec = record(ev.conn);
  if (!rec) return;
  switch (ev.event.kind) {
    case tcp::EventKind::Connected: report_connected(*rec); return;
    case tcp::EventKind::Readable: invoke(rec->on_readable); return;
    case tcp::EventKind::Writable: invoke(rec->on_writable); return;
    case tcp::EventKind::Closed:
      rec->closed = true;
      if (ev.event.error) rec->error = from_tcp(*ev.event.error);
      report_closed(*rec);
      return;
    case tcp::EventKind::StateChanged:
    case tcp::EventKind::PeerClosed:
    case tcp::EventKind::DeliveryTrouble:
    case tcp::EventKind::SoftError:
      return;
    case tcp::EventKind::Urgent: invoke(rec->on_urgent); return;
  }
}

void Runtime::deliver_pending(const Pending& p) {
  if (p.what == Notify::Accept) {
    if (ListenRecord* l = listen_record(p.port)) invoke(l->on_accept);
    return;
  }
  ConnRecord* rec = record(p.id);
  if (!rec) return;
  switch (p.what) {
    case Notify::Connected: report_connected(*rec); return;
    case Notify::Readable: invoke(rec->on_readable); return;
    case Notify::Closed: report_closed(*rec); return;
    case Notify::Accept: return;
  }
}

void Runtime::receive_batch() {
  for (int i = 0; i < kMaxRxBatch; ++i) {
    Instant t = now();
    auto n = link_->receive(t, rx_buf_);
    if (!n) return;
    ++counters_.packets_in;
    stack_->on_packet(t, base::Bytes(rx_buf_.data(), *n));
  }
}

void Runtime::arm_timer(Instant deadline) {
  if (deadline == armed_) return;
  armed_ = deadline;
  itimerspec its{};
  if (!deadline.is_never()) {
    int64_t us = std::max<int64_t>(deadline.us(), 1);
    its.it_value.tv_sec = us / 1'000'000;
    its.it_value.tv_nsec = (us % 1'000'000) * 1000;
  }
  ++counters_.timer_arms;
  timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &its, nullptr);
}

void Runtime::turn(Instant wake_at) {
  service();
  Instant deadline = std::min({stack_->next_deadline(), link_->next_arrival(), wake_at});
  Instant t = now();
  int wait_ms = -1;
  if (deadline <= t) {
    wait_ms = 0;  // already due: just poll
  } else {
    arm_timer(deadline);
  }
  epoll_event evs[16];
  int n = epoll_wait(epoll_fd_, evs, 16, wait_ms);
  ++counters_.wakeups;
  // Links without a descriptor are polled, as are decorators holding a packet
  // back (an Impairment's duplicate) when a batch ended before it.
  bool link_ready = link_->fd() < 0 || link_->next_arrival() <= t;
  for (int i = 0; i < n; ++i) {
    int fd = evs[i].data.fd;
    if (fd == link_->fd()) {
      link_ready = true;
    } else if (fd == timer_fd_) {
      uint64_t expirations;
      (void)!read(timer_fd_, &expirations, sizeof expirations);
      armed_ = Instant::never();  // a fired one-shot timer is disarmed
    } else if (fd == wake_fd_) {
      uint64_t count;
      (void)!read(wake_fd_, &count, sizeof count);
    } else {
      auto it = watched_.find(fd);
      if (it != watched_.end()) invoke(it->second);
    }
  }
  if (link_ready) receive_batch();
  t = now();
  if (stack_->next_deadline() <= t) {
    ++counters_.timer_runs;
    stack_->on_timeout(t);
  }
  service();
}

}  // namespace synack::api
