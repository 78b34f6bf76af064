// libFuzzer target: arbitrary bytes as a TCP segment and as a TCP option list.
// Build with clang (tests/fuzz/CMakeLists.txt); run e.g. `fuzz_tcp -max_len=128`.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz/wire_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string broken = synack::wire::fuzz::check_tcp_input({data, size});
  if (!broken.empty()) {
    std::fprintf(stderr, "wire invariant broken: %s\n", broken.c_str());
    std::abort();
  }
  return 0;
}
