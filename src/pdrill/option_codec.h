#pragma once
// TCP options between the script's notation and wire bytes.
//
// encode_options writes a script option list byte for byte in the order written
// (packetdrill does not reorder or pad: the parser already checked the padding).
// describe_options renders live option bytes in script notation for messages.
// compare_options applies packetdrill's outbound rule (dialect §1.5): same kinds in
// the same order with the same lengths and values, except the timestamp option's
// TSval (not checked without --tcp_ts_tick_usecs) and TSecr (never checked).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/expected.h"
#include "script/script.h"

namespace synack::pdrill {

// `sack_offset` is added to SACK block edges (inbound SACKs acknowledge our data, so
// they are in local sequence space). Errors name an option that cannot be built
// (md5 needs a key; unknown options have no known layout).
base::Expected<std::vector<uint8_t>, std::string> encode_options(
    const std::vector<script::TcpOption>& opts, uint32_t sack_offset);

// "<mss 1460,nop,wscale 3>", "" for no option bytes.
std::string describe_options(std::span<const uint8_t> bytes);

// The timestamp option's (TSval, TSecr) in raw option bytes, if there is one.
std::optional<std::pair<uint32_t, uint32_t>> find_timestamp(std::span<const uint8_t> bytes);

// nullopt if equal under the outbound rule, else what differs.
std::optional<std::string> compare_options(std::span<const uint8_t> expected,
                                           std::span<const uint8_t> live);

}  // namespace synack::pdrill
