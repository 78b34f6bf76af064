#pragma once
// What happened during a run, in time order: segments injected by the script and sent
// by synack, state changes, drops, system calls. Printed on failure (or with
// --verbose) as a simple ladder:
//
//     0.100000  script -> synack   S 0:0(0) win 32767 <mss 1460,sackOK,eol,eol>
//     0.100000  script <- synack   S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 3>
//     0.100000            synack   LISTEN -> SYN-RECEIVED (RecvSyn)
#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "base/time.h"

namespace synack::pdrill {

enum class LogKind : uint8_t { Inbound, Outbound, State, Drop, Syscall, Note };

struct LogEntry {
  base::Instant at;
  LogKind kind = LogKind::Note;
  std::string text;
};

class RunLog {
 public:
  void add(base::Instant at, LogKind kind, std::string text) {
    entries_.push_back({at, kind, std::move(text)});
  }
  // Insert before what was logged since size() returned `mark` (a system call is
  // shown before the segments and state changes it caused).
  void insert(size_t mark, base::Instant at, LogKind kind, std::string text) {
    entries_.insert(entries_.begin() + static_cast<std::ptrdiff_t>(std::min(mark, entries_.size())),
                    LogEntry{at, kind, std::move(text)});
  }
  size_t size() const { return entries_.size(); }
  const std::vector<LogEntry>& entries() const { return entries_; }
  // One line per entry, times in seconds since the script start.
  std::vector<std::string> render() const;

 private:
  std::vector<LogEntry> entries_;
};

}  // namespace synack::pdrill
