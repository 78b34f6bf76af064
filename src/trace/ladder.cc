#include "trace/ladder.h"

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdio>
#include <vector>

namespace synack::trace {

namespace {

using link::LinkEventKind;

// One row of the diagram: a segment (sender side 0 = left, 1 = right) or, with
// side -1, states only.
struct Line {
  base::Instant t;
  int side = -1;
  int32_t send = -1;  // the Send event
  std::array<std::vector<std::string>, 2> states;
  std::vector<tcp::DropReason> drops;  // at the receiver
  int reached = 0;                     // copies that reached the receiver's TCP
};

struct Pending {
  base::Instant t;
  std::string text;
  int head = -1;  // the line whose arrival caused it (same instant), or -1
};

// Builds the lines from the trace's events (see ladder.h for the rules).
class LineBuilder {
 public:
  LineBuilder(const Trace& t, const LadderOptions& o) : trace_(t), opt_(o) {}

  std::vector<Line> build() {
    const auto& ev = trace_.events();
    line_of_send_.assign(ev.size(), -1);
    for (size_t i = 0; i < ev.size(); ++i) add(static_cast<int32_t>(i), ev[i]);
    place(0);
    place(1);
    return std::move(lines_);
  }

 private:
  int side_of(uint8_t host) const {
    if (host == opt_.left) return 0;
    if (host == opt_.right) return 1;
    return -1;
  }

  void add(int32_t i, const TraceEvent& e) {
    int side = side_of(e.host);
    if (side < 0) return;
    // A state from an earlier instant can no longer ride on a segment sent now.
    for (int s = 0; s < 2; ++s) {
      if (!pending_[s].empty() && pending_[s].front().t < e.t) place(s);
    }
    switch (e.kind) {
      case TraceKind::Send: add_send(i, e, side); break;
      case TraceKind::Recv:
      case TraceKind::Drop: add_arrival(e, side); break;
      case TraceKind::State: add_state(e, side); break;
    }
  }

  void add_send(int32_t i, const TraceEvent& e, int side) {
    Line l;
    l.t = e.t;
    l.side = side;
    l.send = i;
    for (auto& p : pending_[side]) l.states[side].push_back(std::move(p.text));
    pending_[side].clear();
    line_of_send_[i] = static_cast<int32_t>(lines_.size());
    lines_.push_back(std::move(l));
  }

  void add_arrival(const TraceEvent& e, int side) {
    place(side);  // the host did not answer what came before
    int32_t li = find_line(e, side);
    if (li < 0) {
      if (e.kind == TraceKind::Drop) {
        state_line(e.t, side, "(dropped: " + std::string(to_string(e.reason)) + ")");
      }
      return;
    }
    Line& l = lines_[li];
    bool packet_level = e.kind == TraceKind::Drop && !e.seg.has_value();
    bool bad_packet = e.reason == tcp::DropReason::BadChecksum || e.reason == tcp::DropReason::Malformed;
    if (!(packet_level || bad_packet)) ++l.reached;
    if (e.kind == TraceKind::Drop && std::find(l.drops.begin(), l.drops.end(), e.reason) == l.drops.end()) {
      l.drops.push_back(e.reason);
    }
    last_arrival_[side] = li;
    last_arrival_t_[side] = e.t;
  }

  // The line of the segment this arrival is a copy of.
  int32_t find_line(const TraceEvent& e, int side) const {
    if (e.match >= 0 && static_cast<size_t>(e.match) < line_of_send_.size() && line_of_send_[e.match] >= 0) {
      return line_of_send_[e.match];
    }
    if (!e.seg) return -1;
    // Without link reports: the first unanswered line with the same segment
    // from the other side, else the last such line (a duplicate).
    int32_t last = -1;
    for (size_t i = 0; i < lines_.size(); ++i) {
      const Line& l = lines_[i];
      if (l.side != 1 - side || !trace_.events()[l.send].seg->same_wire(*e.seg)) continue;
      if (l.reached == 0 && l.drops.empty()) return static_cast<int32_t>(i);
      last = static_cast<int32_t>(i);
    }
    return last;
  }

  void add_state(const TraceEvent& e, int side) {
    std::string text(tcp::to_cli_string(e.to));
    if (e.cause == tcp::Cause::TimeWaitExpired) {
      place(side);
      state_line(e.t, side, text + "  (after 2MSL)");
      return;
    }
    int head = last_arrival_t_[side] == e.t ? last_arrival_[side] : -1;
    pending_[side].push_back(Pending{e.t, std::move(text), head});
  }

  // Put states that met no segment of their own where they belong.
  void place(int side) {
    for (auto& p : pending_[side]) {
      if (p.head >= 0) {
        lines_[p.head].states[side].push_back(std::move(p.text));
      } else {
        state_line(p.t, side, std::move(p.text));
      }
    }
    pending_[side].clear();
  }

  void state_line(base::Instant t, int side, std::string text) {
    // Share the previous states-only line of the same instant if that side is free.
    if (!lines_.empty()) {
      Line& prev = lines_.back();
      if (prev.side < 0 && prev.t == t && prev.states[side].empty()) {
        prev.states[side].push_back(std::move(text));
        return;
      }
    }
    Line l;
    l.t = t;
    l.states[side].push_back(std::move(text));
    lines_.push_back(std::move(l));
  }

  const Trace& trace_;
  const LadderOptions& opt_;
  std::vector<Line> lines_;
  std::vector<int32_t> line_of_send_;
  std::array<std::vector<Pending>, 2> pending_;
  std::array<int32_t, 2> last_arrival_{-1, -1};
  std::array<base::Instant, 2> last_arrival_t_{base::Instant::never(), base::Instant::never()};
};

// ---------------------------------------------------------------------------
// Drawing.

constexpr const char* kReset = "\x1b[0m";
constexpr const char* kBold = "\x1b[1m";
constexpr const char* kDim = "\x1b[2m";
constexpr const char* kRed = "\x1b[31m";
constexpr const char* kYellow = "\x1b[33m";
constexpr const char* kCyan = "\x1b[36m";
constexpr const char* kMagenta = "\x1b[35m";

std::string millis(base::Instant t) {
  char buf[48];
  int64_t us = t.us();
  const char* sign = us < 0 ? "-" : "";
  if (us < 0) us = -us;
  std::snprintf(buf, sizeof buf, "%s%" PRId64 ".%03" PRId64, sign, us / 1000, us % 1000);
  return buf;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::string pad(std::string s, size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

std::string left_pad(std::string s, size_t w) {
  return s.size() < w ? std::string(w - s.size(), ' ') + s : s;
}

struct Mark {
  std::string text;
  bool bad;
};

class Painter {
 public:
  Painter(const Trace& t, const LadderOptions& o, const std::vector<Line>& lines)
      : trace_(t), opt_(o), lines_(lines) {
    measure();
  }

  std::string draw() const {
    std::string out = header();
    for (const Line& l : lines_) out += l.side < 0 ? states_only(l) : segment(l);
    return out;
  }

 private:
  std::string paint(std::string_view text, const char* code) const {
    if (!opt_.color || text.empty()) return std::string(text);
    return std::string(code) + std::string(text) + kReset;
  }

  const TraceEvent& send_of(const Line& l) const { return trace_.events()[l.send]; }

  std::vector<Mark> marks(const Line& l) const {
    const TraceEvent& e = send_of(l);
    std::vector<Mark> m;
    if (e.seg->retransmission) m.push_back({"[retransmission]", false});
    if (e.seg->loss_probe) m.push_back({"[loss probe]", false});
    if (e.marked(LinkEventKind::Reordered)) m.push_back({"[reordered]", false});
    if (e.marked(LinkEventKind::Duplicated)) m.push_back({"[duplicated]", false});
    if (e.marked(LinkEventKind::Corrupted)) m.push_back({"[corrupted]", true});
    if (e.marked(LinkEventKind::CeMarked)) m.push_back({"[CE marked]", false});
    if (e.marked(LinkEventKind::Lost)) m.push_back({"[lost]", true});
    if (e.marked(LinkEventKind::TooBig)) m.push_back({"[too big for MTU]", true});
    for (tcp::DropReason r : l.drops) m.push_back({"[dropped: " + std::string(to_string(r)) + "]", true});
    return m;
  }

  std::string label(const Line& l) const {
    std::string s = send_of(l).seg->describe();
    for (const auto& m : marks(l)) s += " " + m.text;
    return s;
  }

  bool never_arrived(const Line& l) const {
    const TraceEvent& e = send_of(l);
    return e.marked(LinkEventKind::Lost) || e.marked(LinkEventKind::TooBig) ||
           (e.marked(LinkEventKind::Corrupted) && l.reached == 0);
  }

  void measure() {
    time_w_ = 6;  // "t (ms)"
    state_w_ = 6;
    size_t label_w = 20;
    for (const Line& l : lines_) {
      time_w_ = std::max(time_w_, millis(l.t).size());
      if (l.side >= 0) {
        state_w_ = std::max(state_w_, join(l.states[0]).size());
        label_w = std::max(label_w, label(l).size());
      }
    }
    state_w_ += 2;
    arrow_w_ = label_w + 10;
  }

  std::string host_title(uint8_t h) const {
    if (h >= trace_.hosts().size()) return "?";
    std::string s = trace_.hosts()[h];
    if (auto ep = trace_.endpoint(h)) s += " " + ep->to_string();
    return s;
  }

  // The state a host is in before the first change the trace shows.
  std::string initial_state(uint8_t h) const {
    for (const TraceEvent& e : trace_.events()) {
      if (e.kind == TraceKind::State && e.host == h) return std::string(tcp::to_cli_string(e.from));
    }
    return std::string(tcp::to_cli_string(tcp::State::Closed));
  }

  std::string row(const std::string& time, const std::string& left, const std::string& middle,
                  const std::string& right) const {
    // `left` and `right` are painted by the caller; widths use their plain forms.
    std::string s = paint(left_pad(time, time_w_), kDim) + "  " + left + middle;
    if (!right.empty()) s += "  " + right;
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s + "\n";
  }

  std::string header() const {
    std::string lt = host_title(opt_.left), rt = host_title(opt_.right);
    std::string l1 = pad(lt, state_w_ + arrow_w_);
    std::string l2 = pad(initial_state(opt_.left), state_w_ + arrow_w_);
    return row("t (ms)", paint(l1, kBold), "", paint(rt, kBold)) +
           row("", paint(l2, kBold), "", paint(initial_state(opt_.right), kBold));
  }

  std::string segment(const Line& l) const {
    const char* color = l.side == 0 ? kCyan : kMagenta;
    std::string desc = send_of(l).seg->describe();
    std::string marks_plain;
    std::string marks_painted;
    for (const auto& m : marks(l)) {
      marks_plain += " " + m.text;
      marks_painted += " " + paint(m.text, m.bad ? kRed : kYellow);
    }
    size_t body = 5 + desc.size() + marks_plain.size() + 1;  // "---- " + label + " "
    size_t dashes = arrow_w_ > body + 1 ? arrow_w_ - body - 1 : 3;
    bool lost = never_arrived(l);
    std::string head, tail;
    if (l.side == 0) {
      head = "---- ";
      tail = " " + std::string(dashes, '-') + (lost ? "X" : ">");
    } else {
      head = lost ? "X--- " : "<--- ";
      tail = " " + std::string(dashes + 1, '-');
    }
    std::string arrow = paint(head + desc, color) + marks_painted + paint(tail, color);
    std::string left = paint(pad(join(l.states[0]), state_w_), kBold);
    return row(millis(l.t), left, arrow, paint(join(l.states[1]), kBold));
  }

  std::string states_only(const Line& l) const {
    std::string left = join(l.states[0]);
    std::string right = join(l.states[1]);
    if (right.empty()) return row(millis(l.t), paint(left, kBold), "", "");
    return row(millis(l.t), paint(pad(left, state_w_ + arrow_w_), kBold), "", paint(right, kBold));
  }

  const Trace& trace_;
  const LadderOptions& opt_;
  const std::vector<Line>& lines_;
  size_t time_w_ = 0, state_w_ = 0, arrow_w_ = 0;
};

}  // namespace

std::string render_ladder(const Trace& trace, const LadderOptions& options) {
  std::vector<Line> lines = LineBuilder(trace, options).build();
  return Painter(trace, options, lines).draw();
}

}  // namespace synack::trace
