// System calls (with blocking calls in flight), state assertions, and the clock.
#include <cerrno>

#include "pdrill/run.h"
#include "pdrill/symbols.h"
#include "script/code.h"
#include "script/printer.h"

namespace synack::pdrill {

namespace {
std::string result_text(int64_t ret, int err) {
  std::string s = "= " + std::to_string(ret);
  if (err) s += " " + errno_name(err);
  return s;
}

std::string expected_text(const script::Syscall& c) {
  std::string s = "= " + std::to_string(c.ret);
  if (c.errno_name) s += " " + *c.errno_name;
  return s;
}
}  // namespace

void Run::on_step() {
  if (!pending_ || pending_->result) return;
  CallOutcome o = sockets_.retry(*pending_->event->syscall());
  if (o.state == CallState::Blocked) return;
  if (o.state == CallState::Unsupported) o.result = SysResult{-1, EIO, "unsupported: " + o.why};
  pending_->result = o.result;
  pending_->returned_at = driver_.now();
}

bool Run::advance(base::Instant t) {
  // A blocking call in flight must return within its window; stop there to check.
  while (pending_ && !pending_->result && at(pending_->timing.hi()) < t) {
    driver_.advance_to(at(pending_->timing.hi()));
    if (!pending_->result) {
      return fail(*pending_->event, "blocking call did not return",
                  "return at " + script::format_seconds(pending_->timing.end) + " (±" +
                      script::format_seconds(pending_->timing.tolerance) + ")",
                  "still blocked at " + script::format_seconds(pending_->timing.hi()));
    }
  }
  driver_.advance_to(t);
  return settle_pending();
}

bool Run::settle_pending() {
  if (!pending_ || !pending_->result) return !stopped_;
  Pending p = *pending_;
  pending_.reset();
  const script::Syscall& c = *p.event->syscall();
  driver_.log().add(p.returned_at, LogKind::Syscall,
                    script::to_string(c).substr(0, script::to_string(c).find(" = ")) + " returns " +
                        result_text(p.result->ret, p.result->err));
  int64_t when = p.returned_at.us();
  if (when < p.timing.end_lo() || when > p.timing.hi()) {
    return fail(*p.event, "blocking call returned at the wrong time",
                "return at " + script::format_seconds(p.timing.end) + " (±" +
                    script::format_seconds(p.timing.tolerance) + ")",
                "returned at " + script::format_seconds(when));
  }
  return check_result(*p.event, c, *p.result);
}

bool Run::check_result(const script::Event& e, const script::Syscall& c, const SysResult& r) {
  bool fd_call = c.name == "socket" || c.name == "accept";
  bool ret_ok = (fd_call && c.ret >= 0) ? r.ret >= 0 : r.ret == c.ret;
  bool err_ok = !c.errno_name || errno_value(*c.errno_name) == r.err;
  if (!ret_ok || !err_ok) {
    return fail(e, c.name + "() returned " + result_text(r.ret, r.err), expected_text(c), result_text(r.ret, r.err));
  }
  if (!r.mismatch.empty()) return fail(e, r.mismatch, script::to_string(c), r.mismatch);
  return true;
}

bool Run::wait_inline(const script::Event& e, const script::Syscall& c, const EventTiming& t) {
  // packetdrill's main thread would block here: only timers can unblock the call.
  while (driver_.step(at(t.hi()))) {
    CallOutcome o = sockets_.retry(c);
    if (o.state == CallState::Unsupported) return unsupported(e, o.why);
    if (o.state == CallState::Done) return check_result(e, c, o.result);
  }
  return fail(e, c.name + "() blocked", expected_text(c) + " at once", "still blocked at " + script::format_seconds(t.hi()));
}

bool Run::do_syscall(const script::Event& e, const script::Syscall& c, const EventTiming& t) {
  if (!advance(at(t.start))) return false;
  base_ = t.start;
  bool blocking_form = e.time.end == script::TimeEnd::Blocking;
  if (blocking_form && pending_) return unsupported(e, "two blocking calls in flight at once");
  size_t mark = driver_.log().size();
  CallOutcome o = sockets_.call(c);
  std::string call_text = script::to_string(c).substr(0, script::to_string(c).find(" = "));
  switch (o.state) {
    case CallState::Unsupported:
      return unsupported(e, o.why);
    case CallState::Blocked:
      driver_.log().insert(mark, driver_.now(), LogKind::Syscall, call_text + " blocks");
      if (blocking_form) {
        pending_ = Pending{&e, t, std::nullopt, {}};
        return true;
      }
      return wait_inline(e, c, t);
    case CallState::Done:
      break;
  }
  driver_.log().insert(mark, driver_.now(), LogKind::Syscall, call_text + " " + result_text(o.result.ret, o.result.err));
  if (blocking_form && driver_.now().us() < t.end_lo()) {
    return fail(e, "blocking call returned at once",
                "return at " + script::format_seconds(t.end) + " (±" + script::format_seconds(t.tolerance) + ")",
                "returned at " + script::format_seconds(driver_.now().us()) + " " + result_text(o.result.ret, o.result.err));
  }
  return check_result(e, c, o.result);
}

wire::FourTuple Run::sut_tuple() const {
  return wire::FourTuple{{cfg_.env.local_ip, sut_.local_port}, {cfg_.env.remote_ip, sut_.remote_port}};
}

tcp::State Run::sut_state() const {
  switch (sut_.kind) {
    case Sut::Kind::None:
    case Sut::Kind::Bound:
      return tcp::State::Closed;
    case Sut::Kind::Listener:
      return sockets_.listener_open(sut_.local_port) ? tcp::State::Listen : tcp::State::Closed;
    case Sut::Kind::Active:
    case Sut::Kind::Passive:
      return driver_.stack().state_of(sut_tuple());
  }
  return tcp::State::Closed;
}

bool Run::do_code(const script::Event& e, const script::Code& c) {
  auto a = script::parse_state_assert(c.text);
  if (!a) return unsupported(e, a.error());
  auto want = linux_state(a->state);
  if (!want) return unsupported(e, "unknown state " + a->state);
  tcp::State have = sut_state();
  bool equal = have == *want;
  std::string have_name(linux_state_name(have));
  driver_.log().add(driver_.now(), LogKind::Note, "tcpi_state is " + have_name);
  if (equal != (a->op == script::AssertOp::Equal)) {
    return fail(e, "tcpi_state is " + have_name,
                "tcpi_state " + std::string(script::to_string(a->op)) + " " + a->state, have_name);
  }
  return true;
}

}  // namespace synack::pdrill
