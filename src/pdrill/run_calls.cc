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

// A tcpi_ field of the SUT connection, as Linux's TCP_INFO reports it (units
// included: microseconds, segments). nullopt if there is no connection to ask
// (a listener, a compact TIME-WAIT record, nothing).
std::optional<int64_t> Run::tcpi(std::string_view field) const {
  auto id = driver_.stack().find(sut_tuple());
  const tcp::Connection* c = id ? driver_.stack().connection(*id) : nullptr;
  if (!c) return std::nullopt;
  tcp::Connection::Info i = c->info();
  uint32_t mss = std::max<uint32_t>(i.snd_mss, 1);
  auto segments = [&](uint32_t bytes) -> int64_t {
    return bytes == 0xffffffffu ? 0x7fffffff : bytes / mss;  // TCP_INFINITE_SSTHRESH
  };
  if (field == "tcpi_snd_mss") return i.snd_mss;
  if (field == "tcpi_advmss") return i.adv_mss;
  if (field == "tcpi_rtt") return i.rtt_us;
  if (field == "tcpi_rttvar") return i.rttvar_us;
  if (field == "tcpi_rto") return i.rto_us;
  if (field == "tcpi_snd_cwnd") return segments(i.snd_cwnd);
  if (field == "tcpi_snd_ssthresh") return segments(i.snd_ssthresh);
  if (field == "tcpi_retransmits") return i.retransmits;
  if (field == "tcpi_backoff") return std::max(i.retransmits, i.backoff);
  if (field == "tcpi_probes") return std::max(i.probes, i.backoff);
  if (field == "tcpi_total_retrans") return i.total_retrans;
  if (field == "tcpi_snd_wscale") return i.snd_wscale;
  if (field == "tcpi_rcv_wscale") return i.rcv_wscale;
  if (field.ends_with("_time") || field.ends_with("_limited")) {
    tcp::Connection::Chronos ch = c->chronos(driver_.now());  // microseconds
    if (field == "tcpi_busy_time") return static_cast<int64_t>(ch.busy_us);
    if (field == "tcpi_rwnd_limited") return static_cast<int64_t>(ch.rwnd_limited_us);
    if (field == "tcpi_sndbuf_limited") return static_cast<int64_t>(ch.sndbuf_limited_us);
  }
  if (field == "tcpi_options") {
    namespace opt = script::tcpi_opt;
    return (i.timestamps ? opt::kTimestamps : 0) | (i.sack ? opt::kSack : 0) |
           (i.window_scaling ? opt::kWscale : 0) | (i.ecn ? opt::kEcn : 0);
  }
  return std::nullopt;
}

bool Run::do_code(const script::Event& e, const script::Code& c) {
  auto asserts = script::parse_assertions(c.text);
  if (!asserts) return unsupported(e, asserts.error());
  tcp::State have_state = sut_state();
  std::string have_name(linux_state_name(have_state));
  for (const script::Assertion& a : *asserts) {
    // Each operand's value; states as their tcp::State.
    std::vector<int64_t> v;
    std::string shown;
    for (const script::Operand& o : a.operands) {
      int64_t x = o.number;
      if (o.kind == script::Operand::Kind::State) {
        auto s = linux_state(o.name);
        if (!s) return unsupported(e, "unknown state " + o.name);
        x = static_cast<int64_t>(*s);
      } else if (o.name == "tcpi_state") {
        x = static_cast<int64_t>(have_state);
        shown += " tcpi_state is " + have_name + ";";
      } else if (o.kind == script::Operand::Kind::Field) {
        auto f = tcpi(o.name);
        if (!f) return fail(e, "no connection to read " + o.name + " from (tcpi_state is " + have_name + ")", o.name, have_name);
        x = *f;
        shown += " " + o.name + " is " + std::to_string(x) + ";";
      }
      v.push_back(x);
    }
    if (!shown.empty()) shown.pop_back();
    driver_.log().add(driver_.now(), LogKind::Note, shown.empty() ? "assert on constants" : shown.substr(1));
    for (size_t k = 0; k < a.ops.size(); ++k) {
      int64_t l = v[k], r = v[k + 1];
      bool ok = false;
      switch (a.ops[k]) {
        case script::AssertOp::Equal: ok = l == r; break;
        case script::AssertOp::NotEqual: ok = l != r; break;
        case script::AssertOp::Less: ok = l < r; break;
        case script::AssertOp::LessEqual: ok = l <= r; break;
        case script::AssertOp::Greater: ok = l > r; break;
        case script::AssertOp::GreaterEqual: ok = l >= r; break;
      }
      if (!ok) {
        std::string want = script::to_string(a.operands[k]) + " " + std::string(script::to_string(a.ops[k])) + " " +
                           script::to_string(a.operands[k + 1]);
        return fail(e, shown.empty() ? want + " is false" : shown.substr(1), want, shown.substr(1));
      }
    }
  }
  return true;
}

}  // namespace synack::pdrill
