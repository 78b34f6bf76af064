# Independent check of the demo client's ephemeral port (RFC 6056 Algorithm 3
# as src/stack/ports.cc implements it, SipHash-2-4 as libsodium's crypto_shorthash).
M = (1 << 64) - 1
def rotl(x, b): return ((x << b) | (x >> (64 - b))) & M
def siphash24(k, m):
    k0 = int.from_bytes(k[:8], 'little'); k1 = int.from_bytes(k[8:], 'little')
    v0 = k0 ^ 0x736f6d6570736575; v1 = k1 ^ 0x646f72616e646f6d
    v2 = k0 ^ 0x6c7967656e657261; v3 = k1 ^ 0x7465646279746573
    def rnd():
        nonlocal v0, v1, v2, v3
        v0 = (v0 + v1) & M; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
        v2 = (v2 + v3) & M; v3 = rotl(v3, 16); v3 ^= v2
        v0 = (v0 + v3) & M; v3 = rotl(v3, 21); v3 ^= v0
        v2 = (v2 + v1) & M; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
    b = len(m) << 56
    n = len(m) - len(m) % 8
    for i in range(0, n, 8):
        mi = int.from_bytes(m[i:i+8], 'little'); v3 ^= mi; rnd(); rnd(); v0 ^= mi
    b |= int.from_bytes(m[n:], 'little')
    v3 ^= b; rnd(); rnd(); v0 ^= b
    v2 ^= 0xff
    for _ in range(4): rnd()
    return (v0 ^ v1 ^ v2 ^ v3).to_bytes(8, 'little')
def mix(seed, salt):
    z = (seed + 0x9e3779b97f4a7c15 * (salt + 1)) & M
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M
    return z ^ (z >> 31)
secret = mix(1, 0x2000 + 0)
key = bytes((secret >> (8 * i)) & 0xff for i in range(8)) + \
      bytes((((secret * 0x9e3779b97f4a7c15) & M) >> (8 * (i - 8))) & 0xff for i in range(8, 16))
msg = bytes([10, 0, 0, 1, 10, 0, 0, 2, 0, 80])
off = int.from_bytes(siphash24(key, msg)[:4], 'big')
print(49152 + off % 16384)
