#include "pdrill/report.h"

#include <array>
#include <map>

#include <fmt/format.h>

namespace synack::pdrill {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kStates = {{
    {"closed", "CLOSED"},
    {"listen", "LISTEN"},
    {"syn-sent", "SYN-SENT"},
    {"syn-rcvd", "SYN-RCVD"},
    {"established", "ESTABLISHED"},
    {"fin-wait-1", "FIN-WAIT-1"},
    {"fin-wait-2", "FIN-WAIT-2"},
    {"close-wait", "CLOSE-WAIT"},
    {"closing", "CLOSING"},
    {"last-ack", "LAST-ACK"},
    {"time-wait", "TIME-WAIT"},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kSegments = {{
    {"syn", "SYN"},
    {"syn-ack", "SYN-ACK"},
    {"syn-fin", "SYN-FIN"},
    {"ack", "ACK"},
    {"fin", "FIN"},
    {"fin-ack", "FIN-ACK"},
    {"rst", "RST"},
    {"rst-ack", "RST-ACK"},
}};

// The directory right below the suite: "freebsd/.../rcv-syn-closed/x.pkt" -> "rcv-syn-closed".
std::string cell_dir_of(const std::string& key) {
  size_t slash = key.rfind('/');
  if (slash == std::string::npos) return "";
  size_t prev = key.rfind('/', slash - 1);
  return key.substr(prev == std::string::npos ? 0 : prev + 1, slash - (prev == std::string::npos ? 0 : prev + 1));
}

std::string cell_text(const Counts& c) {
  if (c.total() == 0) return ".";
  std::string s = fmt::format("{}/{}", c.pass, c.total());
  std::string more;
  if (c.fail) more += fmt::format(" F{}", c.fail);
  if (c.xfail) more += fmt::format(" X{}", c.xfail);
  if (c.xpass) more += fmt::format(" XP{}", c.xpass);
  if (c.unsupported) more += fmt::format(" U{}", c.unsupported);
  return more.empty() ? s : s + " (" + more.substr(1) + ")";
}

void count(Counts& c, Status s) {
  switch (s) {
    case Status::Pass: ++c.pass; break;
    case Status::Fail: ++c.fail; break;
    case Status::XFail: ++c.xfail; break;
    case Status::XPass: ++c.xpass; break;
    case Status::Unsupported: ++c.unsupported; break;
  }
}

std::string escape_cell(const std::string& s) {
  std::string o;
  for (char ch : s) {
    if (ch == '|') o += "\\|";
    else if (ch == '\n') o += ' ';
    else o += ch;
  }
  return o;
}

std::string summary_table(const ReportInput& in) {
  std::string t = "| suite | scripts | pass | fail | xfail | xpass | unsupported |\n|---|---|---|---|---|---|---|\n";
  Counts all;
  for (const SuiteResult& s : in.suites) {
    Counts c = s.counts();
    t += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} |\n", s.name, c.total(), c.pass, c.fail, c.xfail, c.xpass,
                     c.unsupported);
    all.pass += c.pass, all.fail += c.fail, all.xfail += c.xfail, all.xpass += c.xpass, all.unsupported += c.unsupported;
  }
  t += fmt::format("| **all** | {} | {} | {} | {} | {} | {} |\n", all.total(), all.pass, all.fail, all.xfail,
                   all.xpass, all.unsupported);
  return t;
}

std::string failures_by_cause(const ReportInput& in) {
  // Group FAILs by the first annotated cause that covers them.
  std::map<const Expectation*, std::vector<const ScriptResult*>> groups;
  std::vector<const ScriptResult*> unclassified;
  std::vector<const Expectation*> order;
  for (const SuiteResult& s : in.suites) {
    for (const ScriptResult& r : s.scripts) {
      if (r.status != Status::Fail) continue;
      const Expectation* c = in.causes ? in.causes->find(r.key) : nullptr;
      if (c && classify(r.outcome, c) == Status::XFail) {
        if (!groups.count(c)) order.push_back(c);
        groups[c].push_back(&r);
      } else {
        unclassified.push_back(&r);
      }
    }
  }
  std::string t;
  for (const Expectation* c : order) {
    t += fmt::format("### {} ({} scripts)\n\n{}\n\n*{}*\n\n", c->reason.substr(0, c->reason.find(':')),
                     groups[c].size(), c->reason, c->rfc);
    for (const ScriptResult* r : groups[c]) {
      t += fmt::format("- `{}` line {}: {}\n", r->key, r->outcome.line, r->outcome.message);
    }
    t += "\n";
  }
  if (!unclassified.empty()) {
    t += fmt::format("### Not yet analysed ({} scripts)\n\n", unclassified.size());
    for (const ScriptResult* r : unclassified) {
      t += fmt::format("- `{}` line {}: {}\n", r->key, r->outcome.line, r->outcome.message);
    }
    t += "\n";
  }
  return t.empty() ? "None.\n\n" : t;
}

std::string deliberate_differences(const ReportInput& in) {
  if (!in.expected || in.expected->entries().empty()) return "None.\n\n";
  std::map<const Expectation*, std::vector<const ScriptResult*>> hits;
  for (const SuiteResult& s : in.suites) {
    for (const ScriptResult& r : s.scripts) {
      if (r.expectation) hits[r.expectation].push_back(&r);
    }
  }
  std::string t;
  int n = 0;
  for (const Expectation& x : in.expected->entries()) {
    const auto& h = hits[&x];
    t += fmt::format("### D{}. {}\n\n{}\n\n> {}\n\n", ++n, x.reason.substr(0, x.reason.find(':')), x.reason, x.rfc);
    t += fmt::format("Scripts ({}):\n\n", h.size());
    for (const ScriptResult* r : h) t += fmt::format("- {} `{}`\n", to_string(r->status), r->key);
    t += "\n";
  }
  return t;
}

std::string unsupported_list(const ReportInput& in) {
  std::string t;
  for (const SuiteResult& s : in.suites) {
    for (const ScriptResult& r : s.scripts) {
      if (r.status != Status::Unsupported) continue;
      t += fmt::format("- `{}`: {}\n", r.key, escape_cell(r.outcome.message.substr(0, 300)));
    }
  }
  return t.empty() ? "None.\n" : t;
}

std::string full_listing(const SuiteResult& s) {
  std::string t = fmt::format("<details><summary>All {} scripts of <code>{}</code></summary>\n\n", s.scripts.size(), s.name);
  t += "| result | script | detail |\n|---|---|---|\n";
  for (const ScriptResult& r : s.scripts) {
    std::string detail = r.status == Status::XFail ? r.expectation->reason.substr(0, r.expectation->reason.find(':'))
                                                   : r.outcome.message;
    t += fmt::format("| {} | `{}` | {} |\n", to_string(r.status), r.key.substr(s.name.size() + 1),
                     escape_cell(detail.substr(0, 200)));
  }
  return t + "\n</details>\n\n";
}

}  // namespace

std::optional<std::pair<std::string, std::string>> parse_cell_dir(std::string_view dir) {
  if (dir.substr(0, 4) != "rcv-") return std::nullopt;
  std::string_view rest = dir.substr(4);
  for (const auto& [state, label] : kStates) {
    if (rest.size() > state.size() + 1 && rest.substr(rest.size() - state.size()) == state &&
        rest[rest.size() - state.size() - 1] == '-') {
      std::string_view seg = rest.substr(0, rest.size() - state.size() - 1);
      for (const auto& [s, l] : kSegments) {
        if (s == seg) return std::make_pair(std::string(seg), std::string(state));
      }
    }
  }
  return std::nullopt;
}

std::string render_matrix(const SuiteResult& s) {
  std::map<std::pair<std::string, std::string>, Counts> cells;
  for (const ScriptResult& r : s.scripts) {
    if (auto c = parse_cell_dir(cell_dir_of(r.key))) count(cells[*c], r.status);
  }
  std::string t = "| state \\ segment |";
  for (const auto& [seg, label] : kSegments) t += fmt::format(" {} |", label);
  t += "\n|---|";
  for (size_t i = 0; i < kSegments.size(); ++i) t += "---|";
  t += "\n";
  for (const auto& [state, slabel] : kStates) {
    t += fmt::format("| **{}** |", slabel);
    for (const auto& [seg, label] : kSegments) {
      auto it = cells.find({std::string(seg), std::string(state)});
      t += " " + cell_text(it == cells.end() ? Counts{} : it->second) + " |";
    }
    t += "\n";
  }
  return t;
}

std::string render_report(const ReportInput& in) {
  std::string t = "# synack conformance report\n\n";
  t += "Generated by `" + in.command + "` (`make conformance`); do not edit by hand. Each script runs against a "
       "fresh synack stack on a virtual clock (src/pdrill). **pass**: as the script expects; **fail**: synack "
       "differs and the difference is not (yet) accepted; **xfail**: a deliberate difference, listed below with "
       "the RFC text that justifies it; **xpass**: listed as a difference but passes (the list is stale); "
       "**unsupported**: the script needs something synack or the runner does not have (never counted as pass).\n\n";
  t += "## Summary\n\n" + summary_table(in) + "\nRunner settings per suite:\n\n";
  for (const SuiteSpec& sp : in.specs) t += "- `" + sp.name + "`: " + sp.settings + "\n";
  t += "\n";
  for (size_t i = 0; i < in.specs.size() && i < in.suites.size(); ++i) {
    if (!in.specs[i].matrix) continue;
    t += "## State × segment matrix (`" + in.specs[i].name + "`)\n\n";
    t += "Rows: the state the connection is in; columns: the segment that arrives (directory "
         "`rcv-<segment>-<state>`). A cell is passing/scripts, then F fail, X xfail (deliberate), U "
         "unsupported, XP xpass; `.` = no script.\n\n";
    t += render_matrix(in.suites[i]) + "\n";
  }
  t += "## Failures, grouped by cause\n\nEach group is one behaviour of synack's TCP core (src/tcp, src/stack) "
       "that differs from what the scripts expect; the analysis comes from tests/conformance/failure-causes.json.\n\n";
  t += failures_by_cause(in);
  t += "## Deliberate differences\n\nFrom tests/conformance/expected.json: synack behaves differently on purpose, "
       "as the RFC allows or requires.\n\n";
  t += deliberate_differences(in);
  t += "## Unsupported\n\n" + unsupported_list(in) + "\n";
  t += "## All results\n\n";
  for (const SuiteResult& s : in.suites) t += full_listing(s);
  return t;
}

}  // namespace synack::pdrill
