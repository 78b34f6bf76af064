#include "sim/sim_link.h"

#include <algorithm>
#include <cstring>

#include "base/bytes.h"
#include "wire/checksum.h"

namespace synack::sim {

using base::Duration;
using base::Instant;
using link::LinkEventKind;

SimLink::SimLink(std::string from, std::string to, const LinkParams& params, uint64_t seed)
    : from_(std::move(from)), to_(std::move(to)), params_(params), rng_(seed) {}

bool SimLink::later(const InFlight& a, const InFlight& b) {
  return a.at != b.at ? a.at > b.at : a.order > b.order;
}

Duration SimLink::serialization(size_t bytes) const {
  if (params_.bandwidth_bps == 0) return Duration::zero();
  uint64_t bits = uint64_t{bytes} * 8;
  // Rounded up to whole microseconds, so a busy link never sends for free.
  return Duration::micros(static_cast<int64_t>((bits * 1'000'000 + params_.bandwidth_bps - 1) /
                                               params_.bandwidth_bps));
}

void SimLink::report(Instant now, LinkEventKind k, base::Bytes packet, uint64_t number) {
  if (observer_) observer_->on_link_event(link::LinkEvent{now, k, from_, to_, number, packet});
}

void SimLink::schedule(Instant at, std::vector<uint8_t> bytes) {
  queue_.push_back(InFlight{at, order_++, counters_.sent, std::move(bytes)});
  std::push_heap(queue_.begin(), queue_.end(), later);
}

bool SimLink::mark_ce(std::vector<uint8_t>& ip) {
  // An IPv4 header whose ECN field is ECT(0) or ECT(1) (RFC 3168 §5); the
  // header checksum follows the change of its second byte (RFC 1624 eqn. 3).
  if (ip.size() < 20 || (ip[0] >> 4) != 4) return false;
  const uint8_t ecn = ip[1] & 3;
  if (ecn == 0 || ecn == 3 || !rng_.chance(params_.ce_mark)) return false;
  const uint16_t old_word = base::load_be16(ip.data());
  ip[1] |= 3;
  base::store_be16(ip.data() + 10, wire::checksum_update16(base::load_be16(ip.data() + 10), old_word,
                                                           base::load_be16(ip.data())));
  return true;
}

void SimLink::send(Instant now, base::Bytes packet) {
  const uint64_t number = ++counters_.sent;
  report(now, LinkEventKind::Sent, packet, number);
  if (packet.size() > params_.mtu) {
    ++counters_.too_big;
    report(now, LinkEventKind::TooBig, packet, number);
    return;
  }
  // The transmitter sends one packet after the other at the link's rate.
  tx_free_ = std::max(tx_free_, now) + serialization(packet.size());
  if (rng_.chance(params_.loss)) {
    ++counters_.lost;
    report(now, LinkEventKind::Lost, packet, number);
    return;
  }
  Duration jitter = params_.jitter > Duration::zero()
                        ? Duration::micros(static_cast<int64_t>(rng_.below(static_cast<uint64_t>(params_.jitter.us()) + 1)))
                        : Duration::zero();
  Instant at = tx_free_ + params_.delay + jitter;
  if (rng_.chance(params_.reorder)) {
    // Held back and exempt from FIFO order: packets sent after it may pass it.
    ++counters_.reordered;
    report(now, LinkEventKind::Reordered, packet, number);
    uint64_t hold = static_cast<uint64_t>(std::max<int64_t>(params_.reorder_hold.us(), 1));
    at += Duration::micros(static_cast<int64_t>(1 + rng_.below(hold)));
  } else {
    at = std::max(at, last_fifo_);  // jitter alone does not reorder
    last_fifo_ = at;
  }
  std::vector<uint8_t> copy(packet.begin(), packet.end());
  if (params_.ce_mark > 0 && mark_ce(copy)) {
    ++counters_.ce_marked;
    report(now, LinkEventKind::CeMarked, packet, number);
  }
  if (rng_.chance(params_.duplicate)) {
    ++counters_.duplicated;
    report(now, LinkEventKind::Duplicated, packet, number);
    schedule(at, copy);  // the intact copy; the original may still be corrupted
  }
  if (rng_.chance(params_.corrupt) && !copy.empty()) {
    // Change one byte to another value: a single changed byte always changes
    // the one's-complement sum, so the IPv4 or TCP checksum catches it.
    ++counters_.corrupted;
    report(now, LinkEventKind::Corrupted, packet, number);
    size_t pos = static_cast<size_t>(rng_.below(copy.size()));
    copy[pos] = static_cast<uint8_t>(copy[pos] ^ static_cast<uint8_t>(1 + rng_.below(255)));
  }
  schedule(at, std::move(copy));
}

std::optional<size_t> SimLink::receive(Instant now, base::MutBytes buf) {
  if (queue_.empty() || queue_.front().at > now) return std::nullopt;
  std::pop_heap(queue_.begin(), queue_.end(), later);
  InFlight p = std::move(queue_.back());
  queue_.pop_back();
  size_t n = std::min(p.bytes.size(), buf.size());
  if (n < p.bytes.size()) ++counters_.truncated;
  if (n > 0) std::memcpy(buf.data(), p.bytes.data(), n);
  ++counters_.delivered;
  report(now, LinkEventKind::Delivered, base::Bytes(p.bytes.data(), p.bytes.size()), p.packet);
  return n;
}

Instant SimLink::next_arrival() const { return queue_.empty() ? Instant::never() : queue_.front().at; }

}  // namespace synack::sim
