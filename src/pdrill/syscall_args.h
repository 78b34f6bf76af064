#pragma once
// Evaluating system-call argument expressions (dialect §1.6): integers, symbols,
// `A|B`, `htons(N)`, `[N]` pointers to one integer, sockaddr_in structs.
#include <cstdint>
#include <optional>
#include <string>

#include "base/expected.h"
#include "script/script.h"
#include "wire/ipv4_addr.h"

namespace synack::pdrill {

// An integer value; errors say what could not be evaluated.
base::Expected<int64_t, std::string> eval_int(const script::Expr& e);

// `[N]` or `[SYMBOL]`: the pointed-to integer.
base::Expected<int64_t, std::string> eval_pointed_int(const script::Expr& e);

// `...` (the tool supplies the address) gives nullopt; a sockaddr_in struct gives its
// address and port (fields left out keep `fallback`'s).
base::Expected<std::optional<wire::Endpoint>, std::string> eval_sockaddr(const script::Expr& e,
                                                                         const wire::Endpoint& fallback);

bool is_ellipsis(const script::Expr& e);

}  // namespace synack::pdrill
