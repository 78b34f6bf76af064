#pragma once
// base::prefetch: start loading the cache line holding `p` (into every level),
// without waiting for it.
//
// Why not __builtin_prefetch alone: GCC 12 drops it outright when the address
// comes from a hash of loaded values (IndexTable's home bucket, for one): the
// call compiles to nothing at -O1 and above. On x86-64 the instruction is
// written out here, where no optimizer can remove it; prefetching never faults,
// whatever the address.
namespace synack::base {

inline void prefetch(const void* p) {
#if defined(__x86_64__) && defined(__GNUC__)
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#else
  __builtin_prefetch(p);
#endif
}

}  // namespace synack::base
