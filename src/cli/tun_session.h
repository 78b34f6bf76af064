#pragma once
// TunSession: what `synack serve` and `synack connect` share — the options
// that put synack on a TUN device (--tun, --addr, --kernel-addr, --netns,
// --mtu, --pcap, --loss/--duplicate/--corrupt/--seed, --trace, --stats) and the set-up behind them:
// enter or create the namespace, open and address the device, stack the link
// decorators (impairment over pcap over TUN), build the stack and its runtime,
// and turn SIGINT/SIGTERM/SIGHUP into Runtime::stop(). Destruction undoes it
// all: the device goes with its descriptor, the namespace if we created it.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "api/runtime.h"
#include "base/expected.h"
#include "link/tun_config.h"
#include "stack/stack.h"

namespace synack::cli {

struct TunOptions {
  std::string tun;
  std::string addr;         // synack's address, CIDR
  std::string kernel_addr;  // the kernel's end (default: derived from addr)
  std::string netns;
  std::string pcap;
  uint32_t mtu = 1500;
  double loss = 0;
  double duplicate = 0;
  double corrupt = 0;
  uint64_t seed = 1;
  uint32_t conn_limit = 0;  // StackConfig::max_connections (0: none)
  uint32_t tos = 0;         // IPv4 TOS of synack's connections (DSCP; RFC 9293 MUST-48)
  uint32_t ttl = 0;         // IPv4 TTL of everything synack sends (0: tcp::Config's 64; MUST-49)
  bool ecn = false;         // tcp::Config::ecn (RFC 3168)
  std::string cc = "newreno";  // tcp::Config::congestion_control: newreno or cubic (RFC 9438)
  bool trace = false;
  bool stats = false;
};

void add_tun_options(CLI::App& cmd, TunOptions& o);

// A set-up failure: exit code 2 for unusable arguments, 1 for the system
// refusing (no TUN device, not root...).
struct SetupError {
  int exit_code = 1;
  std::string message;
};

class TunSession {
 public:
  // `log` receives the live trace (serve: stdout; connect: stderr, its stdout
  // carries the data).
  static base::Expected<std::unique_ptr<TunSession>, SetupError> open(const TunOptions& o, std::FILE* log);
  ~TunSession();
  TunSession(const TunSession&) = delete;
  TunSession& operator=(const TunSession&) = delete;

  api::Runtime& runtime() { return *rt_; }
  stack::Stack& stack() { return *stack_; }
  const link::TunAddressing& addressing() const { return addressing_; }
  bool interrupted() const { return interrupted_; }
  // "tun synack0, synack 10.77.0.2/24, kernel 10.77.0.1, netns t1"
  std::string describe() const;
  // Stack, device and loop counters (with --trace or --stats).
  void print_summary(std::FILE* out) const;
  bool wants_summary() const { return opts_.trace || opts_.stats; }
  // Flush and close the pcap file (reports a write error).
  base::Expected<void, std::string> close_pcap();

 private:
  struct Parts;
  TunSession(const TunOptions& o, std::FILE* log);
  base::Expected<void, SetupError> setup();

  TunOptions opts_;
  std::FILE* log_;
  link::TunAddressing addressing_;
  std::unique_ptr<Parts> p_;
  std::unique_ptr<stack::Stack> stack_;
  std::unique_ptr<api::Runtime> rt_;
  bool interrupted_ = false;
};

}  // namespace synack::cli
