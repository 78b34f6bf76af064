// The script level of the grammar (dialect §1.1, §1.2): option lines, the init and cleanup
// commands, events and their times, and the checks that span events.
#include <cctype>
#include <fstream>
#include <sstream>

#include "script/parse.h"
#include "script/parse_context.h"
#include "script/printer.h"

namespace synack::script {
namespace detail {

bool Ctx::fail(int line, int column, std::string msg) {
  if (!error_) error_ = ParseError{file_, line, column, std::move(msg)};
  return false;
}

bool Ctx::fail_at(const Token& t, std::string msg) {
  if (t.kind == TokKind::Error) msg = t.text;
  return fail(t.line, t.column, std::move(msg));
}

bool Ctx::accept(char p) {
  if (!sc.peek().is(p)) return false;
  sc.next();
  return true;
}

bool Ctx::expect(char p, std::string_view context) {
  if (accept(p)) return true;
  return fail_at(sc.peek(), std::string("expected '") + p + "' " + std::string(context) + ", got " +
                                describe(sc.peek()));
}

bool Ctx::expect_word(std::string_view w, std::string_view context) {
  if (sc.peek().is_word(w)) {
    sc.next();
    return true;
  }
  return fail_at(sc.peek(), "expected '" + std::string(w) + "' " + std::string(context) + ", got " +
                                describe(sc.peek()));
}

std::optional<uint64_t> Ctx::expect_uint(std::string_view what, uint64_t max) {
  const Token& t = sc.peek();
  if (t.kind != TokKind::Int) {
    fail_at(t, "expected " + std::string(what) + " (an integer), got " + describe(t));
    return std::nullopt;
  }
  if (t.value > max) {
    fail_at(
        t, std::string(what) + " " + t.text + " is out of range (max " + std::to_string(max) + ")");
    return std::nullopt;
  }
  return sc.next().value;
}

std::string describe(const Token& t) {
  switch (t.kind) {
    case TokKind::End: return "end of file";
    case TokKind::Error: return t.text;
    case TokKind::String: return "string \"" + t.text + "\"";
    case TokKind::Command: return "`command`";
    case TokKind::Code: return "%{ code }%";
    case TokKind::Int:
    case TokKind::Float:
    case TokKind::Word:
    case TokKind::Ellipsis:
    case TokKind::Punct: return "'" + t.text + "'";
  }
  return "?";
}

namespace {

bool is_word(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char ch : s) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') return false;
  }
  return true;
}

bool is_option_name(std::string_view s) {
  if (s.empty()) return false;
  for (char ch : s) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-') return false;
  }
  return true;
}

class ScriptParser {
 public:
  ScriptParser(std::string_view text, std::string file, const ParseOptions& options)
      : defines_(options.defines.begin(), options.defines.end()), c_(text, file, &defines_) {
    script_.file = std::move(file);
  }

  base::Expected<Script, ParseError> run() {
    parse_option_lines();
    if (c_.ok()) parse_body();
    if (!c_.ok()) return base::Unexpected(c_.take_error());
    return std::move(script_);
  }

 private:
  bool at_option_line() {
    std::string_view head = c_.sc.peek_chars(2);
    return head == "--" || head == "-D";
  }

  void parse_option_lines() {
    while (c_.ok() && at_option_line()) parse_option_line();
  }

  void parse_option_line() {
    Loc at = c_.sc.here();
    std::string raw = c_.sc.raw_word();
    if (raw == "-D") raw += c_.sc.raw_word();
    if (raw.rfind("-D", 0) == 0) {
      define(at, raw.substr(2));
      return;
    }
    std::string body = raw.substr(2);
    size_t eq = body.find('=');
    OptionLine o{body.substr(0, eq), eq == std::string::npos ? "" : body.substr(eq + 1), at.line};
    if (!is_option_name(o.name)) {
      c_.fail(at, "malformed option line '" + raw + "': expected --name or --name=value");
      return;
    }
    if (o.name == "define") {
      define(at, o.value);
      return;
    }
    script_.options.push_back(std::move(o));
  }

  // `-D SYM=val`, `-DSYM=val` or `--define=SYM=val`.
  void define(Loc at, const std::string& def) {
    size_t eq = def.find('=');
    if (eq == std::string::npos || !is_word(def.substr(0, eq))) {
      c_.fail(at, "malformed definition '" + def + "': expected -D SYMBOL=value");
      return;
    }
    defines_[def.substr(0, eq)] = def.substr(eq + 1);
    script_.options.push_back(OptionLine{"define", def, at.line});
  }

  void parse_body() {
    if (c_.sc.peek().kind == TokKind::Command) script_.init_command = take_command();
    while (c_.ok()) {
      Token t = c_.sc.peek();
      if (t.kind == TokKind::End) break;
      if (t.kind == TokKind::Command) {
        parse_cleanup();
      } else if (t.is('-') && at_option_line()) {
        c_.fail_at(t, "option lines (--name=value, -D SYM=val) must come before the first event");
      } else {
        parse_event();
      }
    }
    if (c_.ok() && script_.events.empty()) c_.fail(c_.sc.here(), "the script has no events");
  }

  Command take_command() {
    Token t = c_.sc.next();
    return Command{t.text, t.line};
  }

  void parse_cleanup() {
    Token t = c_.sc.peek();
    Command cmd = take_command();
    if (c_.sc.peek().kind != TokKind::End) {
      c_.fail_at(t,
                 "a `command` without a time must be the init command (before the first event) "
                 "or the cleanup command (after the last event)");
      return;
    }
    script_.cleanup_command = std::move(cmd);
  }

  void parse_event() {
    Token first = c_.sc.peek();
    Event ev;
    ev.line = first.line;
    ev.column = first.column;
    ev.time = parse_time();
    if (!c_.ok()) return;
    Token t = c_.sc.peek();
    if (t.is('<') || t.is('>')) {
      ev.body = parse_packet(c_);
    } else if (t.kind == TokKind::Command) {
      ev.body = take_command();
    } else if (t.kind == TokKind::Code) {
      ev.body = Code{c_.sc.next().text};
    } else if (t.kind == TokKind::Word && c_.sc.peek(1).is('(')) {
      Syscall s = parse_syscall(c_);
      if (ev.time.end == TimeEnd::Blocking) s.end_usecs = ev.time.end_usecs;
      ev.body = std::move(s);
    } else {
      c_.fail_at(t,
                 "expected a packet (< or >), a system call, a `command` or a %{ code }% "
                 "block after the event time, got " +
                     describe(t));
    }
    if (c_.ok()) check_event(ev);
    if (c_.ok()) script_.events.push_back(std::move(ev));
  }

  TimeSpec parse_time() {
    TimeSpec ts;
    if (c_.accept('*')) {
      ts.kind = TimeKind::Any;
      return ts;
    }
    ts.kind = c_.accept('+') ? TimeKind::Relative : TimeKind::Absolute;
    ts.start_usecs = parse_seconds();
    if (c_.sc.peek().is('~')) {
      Token tilde = c_.sc.next();
      ts.end = TimeEnd::Range;
      ts.end_relative = c_.accept('+');
      ts.end_usecs = parse_seconds();
      if (c_.ok() && ts.end_relative != (ts.kind == TimeKind::Relative)) {
        c_.fail_at(tilde,
                   "both ends of a time range must be relative (+a~+b) or both absolute (a~b)");
      }
    } else if (c_.sc.peek().kind == TokKind::Ellipsis) {
      c_.sc.next();
      ts.end = TimeEnd::Blocking;
      ts.end_relative = ts.kind == TimeKind::Relative;
      ts.end_usecs = parse_seconds();
    }
    return ts;
  }

  // Seconds with up to microsecond resolution: `2`, `0.100`, `.1`.
  int64_t parse_seconds() {
    Token t = c_.sc.peek();
    bool number = (t.kind == TokKind::Int && !t.hex) || t.kind == TokKind::Float;
    if (!number) {
      c_.fail_at(t, "expected an event time (e.g. 0, 0.100, +0.1 or *), got " + describe(t));
      return 0;
    }
    Token tok = c_.sc.next();
    size_t dot = tok.text.find('.');
    std::string whole = tok.text.substr(0, dot);
    std::string frac = dot == std::string::npos ? "" : tok.text.substr(dot + 1);
    if (whole.size() > 9) {
      c_.fail_at(tok, "event time " + tok.text + " is too large");
      return 0;
    }
    int64_t us = whole.empty() ? 0 : std::stoll(whole) * 1000000;
    frac.resize(7, '0');
    us += std::stoll(frac.substr(0, 6)) + (frac[6] >= '5' ? 1 : 0);
    return us;
  }

  void check_event(const Event& ev) {
    const Packet* p = ev.packet();
    bool outbound_packet = p != nullptr && p->direction == Direction::Outbound;
    if (script_.events.empty() && (ev.time.kind == TimeKind::Any || ev.time.start_usecs != 0)) {
      fail(ev, "the first event must be at time 0");
    } else if (ev.time.kind == TimeKind::Any && !outbound_packet) {
      fail(ev, "'*' (any time) is only allowed on outbound packets");
    } else if (ev.time.end == TimeEnd::Range && !outbound_packet) {
      fail(ev, "a time range (~) is only allowed on outbound packets");
    } else if (ev.time.end == TimeEnd::Blocking && ev.syscall() == nullptr) {
      fail(ev, "a blocking end time (...) is only allowed on system calls");
    } else if (ev.time.end != TimeEnd::None && ev.time.end_usecs < ev.time.start_usecs) {
      fail(ev, "the end time " + format_seconds(ev.time.end_usecs) + " is before the start time " +
                   format_seconds(ev.time.start_usecs));
    }
    check_time_order(ev);
  }

  // Script times only: absolute times must not go back. `*` events don't move the clock.
  void check_time_order(const Event& ev) {
    if (ev.time.kind == TimeKind::Absolute && ev.time.start_usecs < script_time_) {
      fail(ev, "time goes backward: this event is at " + format_seconds(ev.time.start_usecs) +
                   " s but the previous one is at " + format_seconds(script_time_) + " s");
    }
    if (ev.time.kind == TimeKind::Absolute) script_time_ = ev.time.start_usecs;
    if (ev.time.kind == TimeKind::Relative) script_time_ += ev.time.start_usecs;
  }

  void fail(const Event& ev, std::string msg) { c_.fail(ev.line, ev.column, std::move(msg)); }

  Defines defines_;
  Ctx c_;
  Script script_;
  int64_t script_time_ = 0;
};

}  // namespace
}  // namespace detail

std::string ParseError::to_string() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

std::ostream& operator<<(std::ostream& os, const ParseError& e) { return os << e.to_string(); }

base::Expected<Script, ParseError> parse_script(std::string_view text, std::string_view file_name,
                                                const ParseOptions& options) {
  try {  // the parser itself doesn't throw; this keeps e.g. std::bad_alloc inside the API too
    return detail::ScriptParser(text, std::string(file_name), options).run();
  } catch (const std::exception& e) {
    return base::Unexpected(ParseError{std::string(file_name), 0, 0,
                                       std::string("internal parser error: ") + e.what()});
  }
}

base::Expected<Script, ParseError> parse_script_file(const std::string& path,
                                                     const ParseOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::Unexpected(ParseError{path, 0, 0, "cannot open the script file"});
  std::ostringstream text;
  text << in.rdbuf();
  return parse_script(text.str(), path, options);
}

}  // namespace synack::script
