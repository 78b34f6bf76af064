#!/usr/bin/env python3
"""Programs the interop tests run inside a test namespace (via `ip netns exec`):
kernel-side clients and servers that talk to synack over its TUN device.

Each prints one result line on stdout ("ok ...", "listening", ...) and exits
non-zero with a message on stderr when something is wrong. Every socket
operation has a timeout.
"""
import hashlib
import os
import socket
import struct
import sys
import threading
import time

TIMEOUT = 60.0


def pattern(n, offset=0):
    """The synack pattern: byte i of the stream is i % 251."""
    block = bytes(range(251)) * (65536 // 251 + 2)
    out = bytearray()
    while len(out) < n:
        start = (offset + len(out)) % 251
        out += block[start:start + min(n - len(out), 65536)]
    return bytes(out)


def die(msg):
    print(msg, file=sys.stderr, flush=True)
    sys.exit(1)


def say(msg):
    print(msg, flush=True)


def connect(addr, port):
    s = socket.create_connection((addr, port), timeout=TIMEOUT)
    s.settimeout(TIMEOUT)
    return s


def listen(addr, port, rcvbuf=None):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf:
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)  # inherited by the accepted socket
    ls.bind((addr, port))
    ls.listen(16)
    ls.settimeout(TIMEOUT)
    say("listening")
    c, _ = ls.accept()
    c.settimeout(TIMEOUT)
    ls.close()
    return c


def recv_all(s):
    chunks = []
    while True:
        b = s.recv(1 << 16)
        if not b:
            return b"".join(chunks)
        chunks.append(b)


def echo_client(addr, port, n, half_close_first=False):
    """Send n pattern bytes while reading the echo; byte-exact check.

    half_close_first: send everything and shut down the write side before
    reading anything (the kernel half-closes; synack keeps sending)."""
    s = connect(addr, int(port))
    n = int(n)
    data = pattern(n)
    err = []

    def sender():
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except OSError as e:
            err.append(e)

    t = threading.Thread(target=sender)
    t.start()
    if half_close_first:
        t.join(TIMEOUT)
    got = recv_all(s)
    t.join(TIMEOUT)
    s.close()
    if err:
        die(f"send failed: {err[0]}")
    if got != data:
        first = next((i for i in range(min(len(got), n)) if got[i] != data[i]), min(len(got), n))
        die(f"echo mismatch: got {len(got)} of {n} bytes, first difference at {first}")
    say(f"ok {n}")


def urgent_echo_client(addr, port):
    """Send "hello", then "!" as urgent data (MSG_OOB), then "world"; the echo
    must hold all eleven bytes in order: synack keeps urgent data inline."""
    s = connect(addr, int(port))
    s.sendall(b"hello")
    time.sleep(0.05)  # separate segments, so the URG one stands alone
    s.send(b"!", socket.MSG_OOB)
    time.sleep(0.05)
    s.sendall(b"world")
    s.shutdown(socket.SHUT_WR)
    got = recv_all(s)
    s.close()
    if got != b"hello!world":
        die(f"echo of urgent data: got {got!r}")
    say("ok urgent")


def http_get(addr, port, path):
    s = connect(addr, port)
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n".encode())
    resp = recv_all(s)
    s.close()
    head, _, body = resp.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, head, body


def concurrent(addr, port, count):
    """count connections at once, each a GET /bytes/N with its own N."""
    count = int(count)
    barrier = threading.Barrier(count, timeout=TIMEOUT)
    errors = []

    def one(i):
        try:
            n = 1000 + 37 * i
            s = connect(addr, int(port))
            barrier.wait()  # all connected before anyone asks
            s.sendall(f"GET /bytes/{n} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n".encode())
            resp = recv_all(s)
            s.close()
            head, _, body = resp.partition(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200") or body != pattern(n):
                errors.append(f"connection {i}: bad response ({len(body)} body bytes)")
        except Exception as e:  # noqa: BLE001 - report every failure
            errors.append(f"connection {i}: {e!r}")

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    if errors:
        die(f"{len(errors)} of {count} failed: " + "; ".join(errors[:5]))
    say(f"ok {count}")


def oob_sink_server(addr, port):
    """Accept one connection; Linux (without SO_OOBINLINE) takes the byte just
    before the urgent pointer out of the stream as the out-of-band byte. Print
    'ok oob=<byte> inline=<bytes read normally>'."""
    c = listen(addr, int(port))
    oob = None
    deadline = time.time() + TIMEOUT
    while oob is None and time.time() < deadline:
        try:
            oob = c.recv(1, socket.MSG_OOB)[0]
        except (BlockingIOError, OSError):  # EINVAL/EAGAIN: no urgent data yet
            time.sleep(0.01)
    c.settimeout(TIMEOUT)
    n = len(recv_all(c))
    c.close()
    if oob is None:
        die("no urgent data arrived")
    say(f"ok oob={oob} inline={n}")


def say_length_and_sha256(c):
    """Read c to the end, close it, print 'ok <bytes> <sha256>'."""
    h = hashlib.sha256()
    n = 0
    while True:
        b = c.recv(1 << 16)
        if not b:
            break
        h.update(b)
        n += len(b)
    c.close()
    say(f"ok {n} {h.hexdigest()}")


def sink_server(addr, port):
    """Accept one connection, read to the end, print 'ok <bytes> <sha256>'."""
    c = listen(addr, int(port))
    say_length_and_sha256(c)


def stalled_sink_server(addr, port, stall):
    """Like sink_server, but with a small receive buffer and no reading for
    `stall` seconds after accepting: the sender meets a zero window."""
    c = listen(addr, int(port), rcvbuf=32768)
    time.sleep(float(stall))
    say_length_and_sha256(c)


def echo_server(addr, port):
    """Accept one connection, echo until the peer's FIN, then close."""
    c = listen(addr, int(port))
    n = 0
    while True:
        b = c.recv(1 << 16)
        if not b:
            break
        c.sendall(b)
        n += len(b)
    c.close()
    say(f"ok {n}")


def close_first_server(addr, port):
    """Accept, send a line, close at once: the kernel closes first."""
    c = listen(addr, int(port))
    c.sendall(b"bye from the kernel\n")
    c.close()
    say("ok closed")


# The body chunked_http_server sends, and its framing (RFC 9112 §7.1): chunks
# of several sizes in separate writes, hex in both cases, an extension, and a
# trailer field.
CHUNKED_BODY = [b"hello, ", pattern(5000), b"", pattern(300, 5000)]


def chunked_http_server(addr, port):
    """Accept one connection, read the request head, answer 200 with a chunked
    body (CHUNKED_BODY), close; print 'ok <body bytes> <sha256 of the body>'."""
    c = listen(addr, int(port))
    head = b""
    while b"\r\n\r\n" not in head:
        b = c.recv(4096)
        if not b:
            die("no request")
        head += b
    c.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    body = b""
    for i, part in enumerate(CHUNKED_BODY):
        if not part:
            continue
        size = f"{len(part):x}" if i % 2 else f"{len(part):X}"
        ext = ";note=x" if i == 1 else ""
        c.sendall(f"{size}{ext}\r\n".encode() + part + b"\r\n")
        body += part
        time.sleep(0.05)
    c.sendall(b"0\r\nX-Trailer: done\r\n\r\n")
    c.close()
    say(f"ok {len(body)} {hashlib.sha256(body).hexdigest()}")


def hold_server(addr, port):
    """Accept, read to the peer's FIN (say 'eof'), close only when told
    ('close' on stdin), then say 'closed'."""
    c = listen(addr, int(port))
    n = len(recv_all(c))
    say(f"eof {n}")
    line = sys.stdin.readline()
    if line.strip() != "close":
        die("expected 'close' on stdin")
    c.close()
    say("closed")


def refused_client(addr, port):
    try:
        s = connect(addr, int(port))
    except ConnectionRefusedError:
        say("ok refused")
        return
    s.close()
    die("connected to a port that should have no listener")


def limited_clients(addr, port, limit):
    # `limit` connections are accepted and echo; one more is not answered
    # (its SYN is dropped without RST) until one of them closes.
    limit = int(limit)
    held = [connect(addr, int(port)) for _ in range(limit)]
    for i, s in enumerate(held):
        s.sendall(b"%d" % i)
        if s.recv(16) != b"%d" % i:
            die(f"connection {i} did not echo")
    extra = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    extra.settimeout(2)
    try:
        extra.connect((addr, int(port)))
        die(f"connection {limit + 1} was accepted beyond --conn-limit {limit}")
    except ConnectionRefusedError:
        die("the stack refused with RST; a full stack should drop the SYN")
    except (socket.timeout, TimeoutError):
        pass
    extra.close()
    held.pop().close()
    time.sleep(0.5)  # the closed connection leaves the stack
    s = connect(addr, int(port))  # the kernel's SYN retransmission gets through now
    s.sendall(b"late")
    if s.recv(16) != b"late":
        die("the connection after a close did not echo")
    say("ok limited")


def icmp_checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def ping(addr, count):
    """ICMP echo with a raw socket (no ping binary needed)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.settimeout(2.0)
    ident = os.getpid() & 0xFFFF
    replies = 0
    for seq in range(int(count)):
        payload = b"synack-ping-%d" % seq
        hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
        pkt = struct.pack("!BBHHH", 8, 0, icmp_checksum(hdr + payload), ident, seq) + payload
        s.sendto(pkt, (addr, 0))
        deadline = time.time() + 2.0
        while time.time() < deadline:
            try:
                data, src = s.recvfrom(2048)
            except socket.timeout:
                break
            ihl = (data[0] & 0x0F) * 4
            typ, _, _, rid, rseq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
            if src[0] == addr and typ == 0 and rid == ident and rseq == seq and data[ihl + 8:] == payload:
                replies += 1
                break
    if replies != int(count):
        die(f"{replies} of {count} echo replies")
    say(f"ok {replies}")


COMMANDS = {
    "limited_clients": limited_clients,
    "echo_client": echo_client,
    "urgent_echo_client": urgent_echo_client,
    "echo_client_half_close": lambda a, p, n: echo_client(a, p, n, half_close_first=True),
    "concurrent": concurrent,
    "sink_server": sink_server,
    "oob_sink_server": oob_sink_server,
    "stalled_sink_server": stalled_sink_server,
    "echo_server": echo_server,
    "close_first_server": close_first_server,
    "hold_server": hold_server,
    "chunked_http_server": chunked_http_server,
    "refused_client": refused_client,
    "ping": ping,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        die(f"usage: helpers.py {'|'.join(COMMANDS)} ARGS...")
    COMMANDS[sys.argv[1]](*sys.argv[2:])
