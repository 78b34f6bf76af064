#pragma once
// Addressing of a TUN device between synack and the kernel: synack owns
// `addr/prefix`; the kernel's end of the device gets `kernel_addr/prefix`, so
// the kernel routes the subnet (and so synack's address) through the device.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/expected.h"
#include "wire/ipv4_addr.h"

namespace synack::link {

struct Cidr {
  wire::Ipv4Addr addr;
  uint8_t prefix = 32;
};

// "10.77.0.2/24" (a missing "/NN" means /32).
std::optional<Cidr> parse_cidr(std::string_view s);

struct TunAddressing {
  wire::Ipv4Addr addr;         // synack's address
  uint8_t prefix = 24;
  wire::Ipv4Addr kernel_addr;  // the kernel's end of the device
};

// Checks the pair and fills in the kernel's address when not given: the
// subnet's first host address, or its second if synack took the first
// (10.77.0.2/24 -> 10.77.0.1; 10.77.0.1/24 -> 10.77.0.2).
base::Expected<TunAddressing, std::string> make_addressing(const Cidr& synack,
                                                           std::optional<wire::Ipv4Addr> kernel);

// Bring device `dev` up with `mtu` and give the kernel's end its address
// (iproute2, in the calling thread's namespace). IPv6 is switched off on the
// device so the kernel does not chatter router solicitations at synack.
base::Expected<void, std::string> configure_tun(const std::string& dev, const TunAddressing& a,
                                                uint32_t mtu);

}  // namespace synack::link
