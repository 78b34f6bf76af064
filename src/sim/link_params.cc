#include "sim/link_params.h"

namespace synack::sim {

std::string_view to_string(SimError e) {
  switch (e) {
    case SimError::BadProbability: return "probability outside [0, 1]";
    case SimError::BadDelay: return "delay, jitter or hold outside [0, 1 h]";
    case SimError::BadMtu: return "MTU below 68 bytes";
    case SimError::UnknownHost: return "unknown host";
    case SimError::SameHost: return "a link needs two different hosts";
    case SimError::DuplicateAddress: return "address already in use by another host";
    case SimError::LinkExists: return "the hosts are already linked";
  }
  return "?";
}

std::optional<SimError> validate(const LinkParams& p) {
  // Written so that NaN fails too.
  auto probability = [](double x) { return x >= 0.0 && x <= 1.0; };
  if (!probability(p.loss) || !probability(p.duplicate) || !probability(p.reorder) ||
      !probability(p.corrupt) || !probability(p.ce_mark)) {
    return SimError::BadProbability;
  }
  auto duration = [](Duration d) { return d >= Duration::zero() && d <= Duration::seconds(3600); };
  if (!duration(p.delay) || !duration(p.jitter) || !duration(p.reorder_hold)) return SimError::BadDelay;
  if (p.mtu < 68) return SimError::BadMtu;
  return std::nullopt;
}

}  // namespace synack::sim
