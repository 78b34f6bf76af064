#pragma once
// Print the AST back in the script language, for failure messages
// ("line 42: > S. 0:0(0) ack 1 <...>") and round-trip tests. The output parses back to an
// equal AST; it is canonical (flag order, spacing, decimal times), not the original text.
#include <cstdint>
#include <string>

#include "script/script.h"

namespace synack::script {

// Seconds with up to 6 decimals and no trailing zeros: 0, 0.1, 2.35, 0.000001.
std::string format_seconds(int64_t usecs);

std::string to_string(const TimeSpec& t);   // "+0.1", "*", "+0.3~+0.4", "+0...0.2"
std::string to_string(const TcpFlags& f);   // "S.", "F.", "-", "SEW", "1." (ACE digit)
std::string to_string(const TcpOption& o);  // "mss 1460", "TS val 1 ecr 0", "FO 0a0b"
std::string to_string(const Packet& p);     // "> S. 0:0(0) ack 1 <...>"
std::string to_string(const Expr& e);       // "O_RDWR|O_NONBLOCK", "{fd=3, events=POLLIN}"
std::string to_string(const Syscall& s);    // "connect(3, ..., ...) = -1 EINPROGRESS (...)"
std::string to_string(const EventBody& b);  // any body, without the time

// "line 42: > S. 0:0(0) ack 1 <...>": the event's body with its line, for failure messages.
std::string to_string(const Event& e);
// "+0 > S. 0:0(0) ack 1 <...>": the event as a script line (time and body).
std::string to_source(const Event& e);
// The whole script as text that parses back to the same options, commands and events.
std::string to_source(const Script& s);

inline std::ostream& operator<<(std::ostream& os, const Event& e) { return os << to_string(e); }

}  // namespace synack::script
