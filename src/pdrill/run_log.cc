#include "pdrill/run_log.h"

#include <fmt/format.h>

namespace synack::pdrill {
namespace {
const char* column(LogKind k) {
  switch (k) {
    case LogKind::Inbound: return "script -> synack  ";
    case LogKind::Outbound: return "script <- synack  ";
    case LogKind::State: return "          synack  ";
    case LogKind::Drop: return "          synack  ";
    case LogKind::Syscall: return "app    -> synack  ";
    case LogKind::Note: return "runner            ";
  }
  return "";
}
}  // namespace

std::vector<std::string> RunLog::render() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const LogEntry& e : entries_) {
    out.push_back(fmt::format("{:>11.6f}  {}{}", static_cast<double>(e.at.us()) / 1e6, column(e.kind), e.text));
  }
  return out;
}

}  // namespace synack::pdrill
