#pragma once
// sim::SimLink — one direction of a simulated link, as a link::Link.
//
// send() decides the packet's fate at once, with the link's own seeded Rng:
// dropped (too big for the MTU, or lost), or scheduled to arrive after the
// serialization time (bandwidth), the delay and a jitter, perhaps corrupted,
// duplicated or held back (reordered). Packets that are not reordered keep
// their order even with jitter. receive(now) hands out, in arrival order, the
// packets that have arrived by `now`; next_arrival() says when the next one
// does. Every fate is reported to a link::LinkObserver.
#include <cstdint>
#include <string>
#include <vector>

#include "base/rng.h"
#include "link/link.h"
#include "link/link_event.h"
#include "sim/link_params.h"

namespace synack::sim {

struct LinkCounters {
  uint64_t sent = 0;        // packets handed to send()
  uint64_t delivered = 0;   // copies handed out by receive()
  uint64_t lost = 0;
  uint64_t too_big = 0;     // dropped: larger than the MTU
  uint64_t duplicated = 0;
  uint64_t reordered = 0;
  uint64_t corrupted = 0;
  uint64_t ce_marked = 0;
  uint64_t truncated = 0;   // receive() buffer too small (the rest is cut off)
};

class SimLink final : public link::Link {
 public:
  // `params` must be valid (see validate()); `from`/`to` name the hosts in events.
  SimLink(std::string from, std::string to, const LinkParams& params, uint64_t seed);

  void set_observer(link::LinkObserver* o) { observer_ = o; }

  void send(base::Instant now, base::Bytes packet) override;
  std::optional<size_t> receive(base::Instant now, base::MutBytes buf) override;
  base::Instant next_arrival() const override;

  const LinkParams& params() const { return params_; }
  const LinkCounters& counters() const { return counters_; }
  const std::string& from() const { return from_; }
  const std::string& to() const { return to_; }
  size_t in_flight() const { return queue_.size(); }

 private:
  struct InFlight {
    base::Instant at;
    uint64_t order = 0;  // ties at one instant keep send order
    uint64_t packet = 0; // the packet's number (a duplicate shares it)
    std::vector<uint8_t> bytes;
  };
  static bool later(const InFlight& a, const InFlight& b);
  void schedule(base::Instant at, std::vector<uint8_t> bytes);
  // With probability ce_mark, mark an ECN-capable IPv4 packet CE; true if marked.
  bool mark_ce(std::vector<uint8_t>& ip);
  void report(base::Instant now, link::LinkEventKind k, base::Bytes packet, uint64_t number);
  base::Duration serialization(size_t bytes) const;

  std::string from_, to_;
  LinkParams params_;
  base::Rng rng_;
  link::LinkObserver* observer_ = nullptr;
  std::vector<InFlight> queue_;  // a min-heap on (at, order)
  base::Instant tx_free_ = base::Instant::zero();   // when the transmitter is free again
  base::Instant last_fifo_ = base::Instant::zero(); // arrival of the last in-order packet
  uint64_t order_ = 0;
  LinkCounters counters_;
};

}  // namespace synack::sim
