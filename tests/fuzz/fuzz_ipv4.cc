// libFuzzer target: arbitrary bytes as an IPv4 packet (and its TCP payload).
// Build with clang (tests/fuzz/CMakeLists.txt); run e.g. `fuzz_ipv4 -max_len=256`.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz/wire_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string broken = synack::wire::fuzz::check_ipv4_input({data, size});
  if (!broken.empty()) {
    std::fprintf(stderr, "wire invariant broken: %s\n", broken.c_str());
    std::abort();
  }
  return 0;
}
