// TunSession: options, set-up and tear-down of synack on a TUN device.
#include "cli/tun_session.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli/cc_option.h"
#include "cli/live_trace.h"
#include "link/impairment.h"
#include "link/netns.h"
#include "link/pcap_recorder.h"
#include "link/tun_link.h"
#include "tcp/isn.h"

namespace synack::cli {

void add_tun_options(CLI::App& cmd, TunOptions& o) {
  cmd.add_option("--tun", o.tun, "TUN device name (created if missing)")->required();
  cmd.add_option("--addr", o.addr, "synack's own address, A.B.C.D/NN")->required();
  cmd.add_option("--kernel-addr", o.kernel_addr,
                 "the kernel's address on the device (default: first host of the subnet, or the "
                 "second if synack has the first)");
  cmd.add_option("--netns", o.netns, "create/use this network namespace; deleted on exit if created");
  cmd.add_option("--mtu", o.mtu, "device and stack MTU")->check(CLI::Range(576u, 65535u));
  cmd.add_option("--pcap", o.pcap, "record the packets on the device to this pcap file");
  cmd.add_option("--loss", o.loss, "drop packets with this probability, each direction")
      ->check(CLI::Range(0.0, 1.0));
  cmd.add_option("--duplicate", o.duplicate, "deliver packets twice with this probability, each direction")
      ->check(CLI::Range(0.0, 1.0));
  cmd.add_option("--corrupt", o.corrupt, "flip one bit of packets with this probability, each direction")
      ->check(CLI::Range(0.0, 1.0));
  cmd.add_option("--seed", o.seed, "seed for --loss, --duplicate and --corrupt");
  cmd.add_option("--conn-limit", o.conn_limit,
                 "at most this many connections at once (0: no limit); SYNs beyond it are dropped "
                 "without RST, so clients retry");
  cmd.add_option("--tos", o.tos,
                 "IPv4 TOS byte of synack's connections, 0-255 (the DSCP in its top six bits, e.g. 0xb8 "
                 "for EF; the two ECN bits are ignored)")
      ->check(CLI::Range(0u, 255u));
  cmd.add_option("--ttl", o.ttl, "IPv4 TTL of the packets synack sends, 1-255 (default 64)")
      ->check(CLI::Range(1u, 255u));
  cmd.add_flag("--ecn", o.ecn,
               "offer and accept ECN (RFC 3168): new data goes ECT(0), congestion marks are echoed and "
               "answered like losses");
  add_cc_option(cmd, o.cc, "congestion control of synack's connections");
  cmd.add_flag("--trace", o.trace, "print segments and state changes live, and counters at exit");
  cmd.add_flag("--stats", o.stats, "print counters at exit");
}

struct TunSession::Parts {
  std::unique_ptr<link::Netns> netns;
  std::unique_ptr<link::TunLink> tun;
  std::unique_ptr<link::PcapRecorder> pcap;
  std::unique_ptr<link::Impairment> impairment;
  link::Link* top = nullptr;  // what the runtime drives
  std::unique_ptr<tcp::Rfc6528Isn> isn;
  std::unique_ptr<LiveTrace> trace;
  int signal_fd = -1;
  sigset_t old_mask{};
  ~Parts() {
    if (signal_fd >= 0) {
      close(signal_fd);
      sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    }
  }
};

TunSession::TunSession(const TunOptions& o, std::FILE* log)
    : opts_(o), log_(log), p_(std::make_unique<Parts>()) {}

TunSession::~TunSession() {
  rt_.reset();
  stack_.reset();
  p_.reset();  // impairment, pcap, device, then the namespace
}

namespace {

base::Expected<link::TunAddressing, SetupError> addressing_from(const TunOptions& o) {
  auto cidr = link::parse_cidr(o.addr);
  if (!cidr) return base::Unexpected(SetupError{2, "--addr '" + o.addr + "' is not A.B.C.D/NN"});
  std::optional<wire::Ipv4Addr> kernel;
  if (!o.kernel_addr.empty()) {
    kernel = wire::Ipv4Addr::parse(o.kernel_addr);
    if (!kernel) return base::Unexpected(SetupError{2, "--kernel-addr '" + o.kernel_addr + "' is not A.B.C.D"});
  }
  auto a = link::make_addressing(*cidr, kernel);
  if (!a) return base::Unexpected(SetupError{2, a.error()});
  return *a;
}

}  // namespace

base::Expected<std::unique_ptr<TunSession>, SetupError> TunSession::open(const TunOptions& o, std::FILE* log) {
  std::unique_ptr<TunSession> s(new TunSession(o, log));
  if (auto r = s->setup(); !r) return base::Unexpected(r.error());
  return s;
}

base::Expected<void, SetupError> TunSession::setup() {
  auto a = addressing_from(opts_);
  if (!a) return base::Unexpected(a.error());
  addressing_ = *a;
  // Signals first: from here on Ctrl-C must lead to a clean tear-down.
  sigset_t mask;
  sigemptyset(&mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&mask, sig);
  sigprocmask(SIG_BLOCK, &mask, &p_->old_mask);
  p_->signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  // A closed stdout (`synack connect ... | head`) is an error to report, not
  // a signal that kills us before the namespace is cleaned up.
  signal(SIGPIPE, SIG_IGN);
  if (!opts_.netns.empty()) {
    auto ns = link::Netns::enter(opts_.netns);
    if (!ns) return base::Unexpected(SetupError{1, ns.error()});
    p_->netns = std::move(*ns);
  }
  auto tun = link::TunLink::open(opts_.tun);
  if (!tun) return base::Unexpected(SetupError{tun.error().kind == link::TunError::Kind::InvalidName ? 2 : 1,
                                               tun.error().message});
  p_->tun = std::move(*tun);
  if (auto r = link::configure_tun(p_->tun->name(), addressing_, opts_.mtu); !r)
    return base::Unexpected(SetupError{1, r.error()});
  p_->top = p_->tun.get();
  if (!opts_.pcap.empty()) {
    auto rec = link::PcapRecorder::wrap(*p_->top, opts_.pcap);
    if (!rec) return base::Unexpected(SetupError{2, rec.error().message()});
    p_->pcap = std::move(*rec);
    p_->top = p_->pcap.get();
  }
  if (opts_.loss > 0 || opts_.duplicate > 0 || opts_.corrupt > 0) {
    link::ImpairmentConfig ic;
    ic.loss = opts_.loss;
    ic.duplicate = opts_.duplicate;
    ic.corrupt = opts_.corrupt;
    ic.seed = opts_.seed;
    p_->impairment = std::make_unique<link::Impairment>(*p_->top, ic);
    p_->top = p_->impairment.get();
  }
  stack::StackConfig sc;
  sc.addr = addressing_.addr;
  sc.mtu = static_cast<uint16_t>(opts_.mtu);
  sc.tcp.mss = static_cast<uint16_t>(opts_.mtu - 40);
  sc.max_connections = opts_.conn_limit;
  if (opts_.ttl) sc.tcp.ttl = static_cast<uint8_t>(opts_.ttl);
  sc.tcp.ecn = opts_.ecn;
  sc.tcp.congestion_control = cc_algorithm(opts_.cc);
  auto key = tcp::Rfc6528Isn::random_key();
  for (size_t i = 0; i < 8; ++i) sc.port_secret = (sc.port_secret << 8) | key[i + 8];
  p_->isn = std::make_unique<tcp::Rfc6528Isn>(key);
  stack_ = std::make_unique<stack::Stack>(sc, *p_->isn);
  rt_ = std::make_unique<api::Runtime>(*stack_, *p_->top);
  if (opts_.trace) {
    p_->trace = std::make_unique<LiveTrace>(log_, rt_->now());
    stack_->set_observer(p_->trace.get());
  }
  if (p_->signal_fd >= 0) {
    rt_->watch(p_->signal_fd, [this] {
      signalfd_siginfo si;
      while (read(p_->signal_fd, &si, sizeof si) == sizeof si) interrupted_ = true;
      if (interrupted_) rt_->stop();
    });
  }
  return {};
}

std::string TunSession::describe() const {
  std::string s = "tun " + p_->tun->name() + ", synack " + addressing_.addr.to_string() + "/" +
                  std::to_string(addressing_.prefix) + ", kernel " + addressing_.kernel_addr.to_string();
  if (p_->netns) s += ", netns " + p_->netns->name();
  if (opts_.mtu != 1500) s += ", mtu " + std::to_string(opts_.mtu);
  if (p_->impairment) {
    s += ", impairment loss " + std::to_string(opts_.loss) + " duplicate " + std::to_string(opts_.duplicate) +
         " corrupt " + std::to_string(opts_.corrupt) + " seed " + std::to_string(opts_.seed);
  }
  return s;
}

base::Expected<void, std::string> TunSession::close_pcap() {
  if (!p_->pcap) return {};
  if (auto r = p_->pcap->close(); !r) return base::Unexpected(r.error().message());
  return {};
}

void TunSession::print_summary(std::FILE* out) const {
  const stack::StackCounters& c = stack_->counters();
  std::fprintf(out, "summary: ip in %lu out %lu; tcp in %lu out %lu; rst out %lu; icmp echo replies %lu\n",
               c.ip_in, c.ip_out, c.tcp_in, c.tcp_out, c.rst_out, c.icmp_echo_replies);
  std::fprintf(out, "summary: opens active %lu passive %lu; time-wait compacted %lu reused %lu\n",
               c.active_opens, c.passive_opens, c.time_wait_compacted, c.time_wait_reused);
  std::fprintf(out,
               "summary: retransmitted %lu segments: %lu timeouts, %lu fast retransmits, %lu loss probes (%lu "
               "repaired a loss), %lu lost retransmissions sent again\n",
               c.retransmits, c.timeouts, c.fast_retransmits, c.loss_probes, c.loss_probe_recoveries,
               c.lost_retransmits);
  std::fprintf(out, "summary: ecn: %lu segments arrived marked CE, %lu window cuts for an ECN-Echo\n",
               c.ecn_ce_received, c.ecn_reductions);
  for (int i = 1; i < tcp::kNumDropReasons; ++i) {
    if (c.drops[static_cast<size_t>(i)] == 0) continue;
    std::fprintf(out, "summary: drops %s %lu\n",
                 std::string(to_string(static_cast<tcp::DropReason>(i))).c_str(), c.drops[static_cast<size_t>(i)]);
  }
  const link::TunCounters& t = p_->tun->counters();
  std::fprintf(out, "summary: tun rx %lu packets %lu bytes (%lu reads, %lu not IPv4); tx %lu packets %lu bytes (%lu errors)\n",
               t.rx_packets, t.rx_bytes, t.rx_reads, t.rx_skipped, t.tx_packets, t.tx_bytes, t.tx_errors);
  const api::RuntimeCounters& r = rt_->counters();
  std::fprintf(out, "summary: loop %lu wakeups, %.2f packets in per wakeup, %lu timer runs, %lu timer arms\n",
               r.wakeups, r.wakeups ? static_cast<double>(r.packets_in) / static_cast<double>(r.wakeups) : 0.0,
               r.timer_runs, r.timer_arms);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::fprintf(out, "summary: cpu user %.3f s sys %.3f s\n",
               static_cast<double>(ru.ru_utime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec) / 1e6,
               static_cast<double>(ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_stime.tv_usec) / 1e6);
  if (p_->impairment) {
    const link::ImpairmentCounters& i = p_->impairment->counters();
    std::fprintf(out, "summary: impairment dropped out %lu in %lu; duplicated out %lu in %lu; corrupted out %lu in %lu\n",
                 i.out_dropped, i.in_dropped, i.out_duplicated, i.in_duplicated, i.out_corrupted, i.in_corrupted);
  }
  if (p_->pcap) std::fprintf(out, "summary: pcap %s (%lu packets)\n", p_->pcap->path().c_str(), p_->pcap->packets());
}

}  // namespace synack::cli
