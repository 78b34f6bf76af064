// The event loop: options and support checks, then each event in order.
#include "pdrill/runner.h"

#include "pdrill/run.h"
#include "pdrill/support.h"
#include "script/parse.h"
#include "script/printer.h"

namespace synack::pdrill {

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::Pass: return "PASS";
    case Verdict::Fail: return "FAIL";
    case Verdict::Unsupported: return "UNSUPPORTED";
  }
  return "?";
}

Run::Run(const script::Script& s, const RunConfig& cfg)
    : script_(s), cfg_(cfg), driver_(cfg.stack_config(), cfg.seed), sockets_(driver_, cfg.env, sut_, map_) {
  out_.file = s.file;
  driver_.set_step_hook([this] { on_step(); });
}

Outcome Run::execute() {
  for (const script::Event& e : script_.events) {
    EventTiming t = resolve_timing(e.time, base_, cfg_.tolerance);
    if (!do_event(e, t)) break;
  }
  // A blocking call still in flight when the script ends must still return
  // within its window: run the clock to the end of it (packetdrill does not
  // let a script end with its system call thread blocked either).
  if (!stopped_ && pending_ && !pending_->result) (void)advance(at(pending_->timing.hi()) + base::Duration::micros(1));
  if (!stopped_ && settle_pending()) end_of_script();
  out_.virtual_usecs = driver_.now().us();
  out_.ladder = driver_.ladder();
  out_.log = driver_.log().render();
  return std::move(out_);
}

bool Run::do_event(const script::Event& e, const EventTiming& t) {
  if (const auto* p = e.packet()) {
    return p->direction == script::Direction::Inbound ? do_inbound(e, *p, t) : do_outbound(e, *p, t);
  }
  if (const auto* c = e.syscall()) return do_syscall(e, *c, t);
  if (const auto* c = e.code()) {
    if (!advance(at(t.start))) return false;
    base_ = t.start;
    return do_code(e, *c);
  }
  // A timed shell command: check_support let it through only if it is a no-op.
  if (!advance(at(t.start))) return false;
  base_ = t.start;
  return true;
}

bool Run::fail(const script::Event& e, std::string message, std::string expected, std::string actual) {
  if (stopped_) return false;
  stopped_ = true;
  out_.verdict = Verdict::Fail;
  out_.line = e.line;
  out_.event = script::to_source(e);
  out_.message = std::move(message);
  out_.expected = std::move(expected);
  out_.actual = std::move(actual);
  driver_.log().add(driver_.now(), LogKind::Note, "FAIL at line " + std::to_string(e.line) + ": " + out_.message);
  return false;
}

bool Run::unsupported(const script::Event& e, std::string what) {
  if (stopped_) return false;
  stopped_ = true;
  out_.verdict = Verdict::Unsupported;
  out_.line = e.line;
  out_.event = script::to_source(e);
  out_.message = std::move(what);
  return false;
}

Outcome run_script(const script::Script& s, const RunnerOptions& opts) {
  Outcome o;
  o.file = s.file;
  auto cfg = make_config(s, opts);
  if (!cfg) {
    o.verdict = Verdict::Unsupported;
    o.message = cfg.error();
    return o;
  }
  std::vector<std::string> notes;
  std::vector<Unsupported> unsup = check_support(s, notes);
  if (!unsup.empty()) {
    o.verdict = Verdict::Unsupported;
    o.line = unsup.front().line;
    for (const Unsupported& u : unsup) {
      o.message += (o.message.empty() ? "" : "; ") + ("line " + std::to_string(u.line) + ": " + u.what);
    }
    o.notes = std::move(notes);
    return o;
  }
  Run run(s, *cfg);
  Outcome r = run.execute();
  r.notes.insert(r.notes.begin(), notes.begin(), notes.end());
  return r;
}

Outcome run_file(const std::string& path, const RunnerOptions& opts) {
  script::ParseOptions po;
  po.defines = opts.defines;
  auto s = script::parse_script_file(path, po);
  if (!s) {
    Outcome o;
    o.file = path;
    o.verdict = Verdict::Fail;
    o.line = s.error().line;
    o.message = "parse error: " + s.error().to_string();
    return o;
  }
  return run_script(*s, opts);
}

}  // namespace synack::pdrill
