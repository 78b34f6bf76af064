#!/usr/bin/env python3
"""Interop tests: synack on a Linux TUN device, the Linux kernel as its peer.

    interop.py --synack PATH CASE...    (as root; CTest runs one case per test)
    interop.py --list

Each case runs in its own network namespace (interop_env.Env): synack is
10.77.0.2/24 on TUN device sk0, the kernel is 10.77.0.1.
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import time

from interop_env import (CIDR, KERNEL_ADDR, SYNACK_ADDR, TEN_MB, Env, Fail, check, need_tool,
                         pattern_sha256)

CASES = {}
# Kernel-side servers listen on the wildcard address of the test namespace:
# the kernel's address appears only when synack has brought its device up.
ANY = "0.0.0.0"


def case(fn):
    CASES[fn.__name__] = fn
    return fn


# ---------------------------------------------------------------------------
# Kernel client -> synack server.

@case
def curl_http(env):
    """curl GETs / and /bytes/10000000 (SHA-256), and two requests on one connection."""
    need_tool("curl")
    srv = env.serve("http", 80, "--stats")
    curl = ["curl", "-sS", "--max-time", "60"]
    r = env.run(env.ns_argv(curl + ["-w", "%{http_code}", f"http://{SYNACK_ADDR}/"]))
    out = r.stdout.decode(errors="replace")
    check(out.endswith("200") and "hello from synack" in out, f"GET / gave {out!r}")
    r = env.run(env.ns_argv(curl + ["-o", env.path("body"), "-w", "%{http_code}",
                                    f"http://{SYNACK_ADDR}/bytes/{TEN_MB}"]), timeout=90)
    check(r.stdout.decode(errors="replace") == "200", f"GET /bytes: status {r.stdout!r}")
    got = subprocess.run(["sha256sum", env.path("body")], capture_output=True).stdout.split()[0].decode()
    check(got == pattern_sha256(TEN_MB), f"/bytes/{TEN_MB}: SHA-256 {got} is not the pattern's")
    # Keep-alive: curl reuses the connection for the second URL.
    r = env.run(env.ns_argv(curl + ["-v", f"http://{SYNACK_ADDR}/bytes/5", f"http://{SYNACK_ADDR}/"]))
    check(b"Re-using existing connection" in r.stderr or b"Reusing existing connection" in r.stderr,
          "curl did not reuse the keep-alive connection:\n" + r.stderr.decode(errors="replace"))
    check(r.stdout == bytes(range(5)) + b"hello from synack, a userspace TCP/IP stack\n", f"got {r.stdout!r}")
    r = env.run(env.ns_argv(curl + ["-w", "%{http_code}", "-o", "/dev/null", f"http://{SYNACK_ADDR}/nope"]))
    check(r.stdout.decode(errors="replace") == "404", f"GET /nope: {r.stdout!r}")
    srv.stop()


@case
def echo_10mb(env):
    """A Python socket client sends 10 MB to echo and reads it back byte-exact."""
    env.serve("echo", 7)
    out = env.run_helper("echo_client", SYNACK_ADDR, 7, TEN_MB)
    check(out == f"ok {TEN_MB}", out)


@case
def urgent_inline(env):
    """The kernel sends urgent data (MSG_OOB): synack sees URG with Linux's
    pointer, announces it and keeps the byte inline (RFC 9293 §3.8.5, RFC 6093);
    the echo returns every byte in order."""
    srv = env.serve("echo", 7, "--trace")
    out = env.run_helper("urgent_echo_client", SYNACK_ADDR, 7)
    check(out == "ok urgent", out)
    srv.stop()
    trace = srv.text()
    urg = [ln for ln in trace.splitlines() if "URG" in ln and " len=1 " in ln]
    check(urg, "no URG segment in synack's trace:\n" + trace[-3000:])


@case
def urgent_to_kernel(env):
    """synack sends 1000 bytes, the last 3 urgent: the Linux receiver's
    out-of-band byte is the last urgent one, so Linux reads synack's pointer as
    pointing just past the urgent data (RFC 9293 §3.8.5, RFC 6093 §4)."""
    srv = env.helper("oob_sink_server", ANY, 9500)
    srv.wait_for("listening")
    r = env.connect(f"{KERNEL_ADDR}:9500", "--send", 1000, "--urgent", 3)
    check(r.returncode == 0, f"connect failed: {r.stderr.decode(errors='replace')[-2000:]}")
    srv.wait(30)
    want = f"ok oob={999 % 251} inline=999"
    check(want in srv.text(), f"kernel reported {srv.text()!r}, expected {want!r}")


@case
def concurrent_100(env):
    """100 connections at once, each one HTTP request/response."""
    env.serve("http", 80)
    out = env.run_helper("concurrent", SYNACK_ADDR, 80, 100)
    check(out == "ok 100", out)


@case
def conn_limit(env):
    """serve --conn-limit 3: a fourth connection's SYN is dropped (no RST) until one closes."""
    env.serve("echo", 7, "--conn-limit", 3)
    out = env.run_helper("limited_clients", SYNACK_ADDR, 7, 3)
    check(out == "ok limited", out)


# ---------------------------------------------------------------------------
# synack client -> kernel server.

def download(env, *extra):
    root = env.path("www")
    os.makedirs(root)
    with open(os.path.join(root, "ten_mb"), "wb") as f:
        block = bytes(range(251)) * 4000
        left = TEN_MB
        while left:
            chunk = block[(TEN_MB - left) % 251:][:min(left, 900_000)]
            f.write(chunk)
            left -= len(chunk)
    srv = env.start(env.ns_argv([sys.executable, "-u", "-m", "http.server", "8000", "--bind", "0.0.0.0",
                                 "--directory", root]), "http_server")
    srv.wait_for("Serving HTTP")
    r = env.connect(f"{KERNEL_ADDR}:8000", "--http-get", "/ten_mb", "--sha256", *extra, timeout=120)
    check(r.returncode == 0, f"connect failed ({r.returncode}): {r.stderr.decode(errors='replace')}")
    got = r.stdout.decode(errors="replace").split()[0]
    check(got == pattern_sha256(TEN_MB), f"download SHA-256 {got} is not the pattern's")


def upload(env, *extra):
    sink = env.helper("sink_server", ANY, 9000)
    sink.wait_for("listening")
    r = env.connect(f"{KERNEL_ADDR}:9000", "--send", TEN_MB, *extra, timeout=120)
    check(r.returncode == 0, f"connect failed ({r.returncode}): {r.stderr.decode(errors='replace')}")
    sink.wait(30)
    want = f"ok {TEN_MB} {pattern_sha256(TEN_MB)}"
    check(want in sink.text(), f"kernel received {sink.text()!r}, want {want!r}")


@case
def download_chunked(env):
    """synack's `connect --http-get` decodes a chunked body from a kernel server (RFC 9112 §7.1)."""
    srv = env.helper("chunked_http_server", ANY, 8001)
    srv.wait_for("listening")
    r = env.connect(f"{KERNEL_ADDR}:8001", "--http-get", "/chunked", "--sha256", timeout=60)
    check(r.returncode == 0, f"connect failed ({r.returncode}): {r.stderr.decode(errors='replace')}")
    srv.wait(30)
    said = srv.text().strip().splitlines()[-1].split()
    check(len(said) == 3 and said[0] == "ok", f"server said {srv.text()!r}")
    got = r.stdout.decode(errors="replace").split()[0]
    check(got == said[2], f"body SHA-256 {got}, the server sent {said[2]} ({said[1]} bytes)")


@case
def download_10mb(env):
    """synack downloads 10 MB from python3 -m http.server, SHA-256 checked."""
    download(env)


@case
def upload_10mb(env):
    """synack uploads 10 MB to a kernel socket server, SHA-256 checked there."""
    upload(env)


# ---------------------------------------------------------------------------
# Teardown, half-close, refusal, ping.

@case
def kernel_closes_first(env):
    """The kernel closes first: its socket sits in TIME-WAIT afterwards."""
    need_tool("ss")
    srv = env.helper("close_first_server", ANY, 9100)
    srv.wait_for("listening")
    r = env.connect(f"{KERNEL_ADDR}:9100", "--trace")
    check(r.returncode == 0, f"connect failed: {r.stderr.decode(errors='replace')}")
    check(b"bye from the kernel" in r.stdout, f"got {r.stdout!r}")
    check(b"CLOSE_WAIT" in r.stderr and b"LAST_ACK" in r.stderr, "synack's trace lacks CLOSE_WAIT -> LAST_ACK")
    tw = env.ss("state", "time-wait")
    check(f"{KERNEL_ADDR}:9100" in tw and SYNACK_ADDR in tw, f"no kernel socket in TIME-WAIT:\n{tw!r}")


@case
def synack_closes_first(env):
    """synack closes first: its trace shows TIME_WAIT; the kernel socket goes
    CLOSE-WAIT -> LAST-ACK -> closed (synack is paused to catch LAST-ACK)."""
    need_tool("ss")
    srv = env.helper("hold_server", ANY, 9200, stdin=True)
    srv.wait_for("listening")
    cli = env.start(env.synack_argv("connect", f"{KERNEL_ADDR}:9200", "--send", 1000, "--trace"), "connect")
    srv.wait_for("eof 1000")
    states = lambda: env.ss("sport", "= :9200")  # noqa: E731
    check("CLOSE-WAIT" in states(), f"kernel socket not in CLOSE-WAIT:\n{states()}")
    cli.signal(signal.SIGSTOP)  # hold synack so the kernel's FIN waits for its ACK
    try:
        srv.send_line("close")
        srv.wait_for("closed")
        end = time.time() + 5
        while "LAST-ACK" not in states() and time.time() < end:
            time.sleep(0.02)
        check("LAST-ACK" in states(), f"kernel socket not in LAST-ACK:\n{states()}")
    finally:
        cli.signal(signal.SIGCONT)
    check(cli.wait(30) == 0, f"synack connect failed:\n{cli.text()}")
    end = time.time() + 5
    while states().strip() and time.time() < end:
        time.sleep(0.02)
    check(not states().strip(), f"kernel socket not closed:\n{states()}")
    trace = cli.text()
    for s in ("FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"):
        check(s in trace, f"synack's trace lacks {s}:\n{trace[-3000:]}")


@case
def half_close_kernel(env):
    """The kernel half-closes after sending; synack's echo keeps sending."""
    env.serve("echo", 7)
    out = env.run_helper("echo_client_half_close", SYNACK_ADDR, 7, 200_000)
    check(out == "ok 200000", out)


@case
def half_close_synack(env):
    """synack half-closes after sending; the kernel's echo still reaches it."""
    srv = env.helper("echo_server", ANY, 9300)
    srv.wait_for("listening")
    r = env.connect(f"{KERNEL_ADDR}:9300", "--send", 200_000, "--trace")
    check(r.returncode == 0, f"connect failed: {r.stderr.decode(errors='replace')}")
    check(b"echo verified" in r.stderr, r.stderr.decode(errors="replace"))
    out = r.stderr.decode(errors="replace")
    # Data arrived after our FIN: FIN_WAIT_* states while receiving.
    check("FIN_WAIT_2" in out or "FIN_WAIT_1" in out, "no FIN_WAIT state in synack's trace")


@case
def zero_window(env):
    """The kernel stops reading: synack probes the zero window (backing off)
    and resumes when the kernel's window opens; every byte arrives."""
    sink = env.helper("stalled_sink_server", ANY, 9400, 1.5)
    sink.wait_for("listening")
    r = env.connect(f"{KERNEL_ADDR}:9400", "--send", 2_000_000, "--trace")
    check(r.returncode == 0, f"connect failed: {r.stderr.decode(errors='replace')[-2000:]}")
    sink.wait(30)
    want = f"ok 2000000 {pattern_sha256(2_000_000)}"
    check(want in sink.text(), f"kernel received {sink.text()!r}")
    trace = r.stderr.decode(errors="replace")
    lines = trace.splitlines()
    zero = [i for i, ln in enumerate(lines) if " < " in ln and re.search(r" win=0( |$)", ln)]
    check(zero, "the kernel never advertised a zero window")
    # Probes: bare segments synack sends while the window is closed.
    probes = [ln for ln in lines[zero[0]:] if " > " in ln and " ACK seq=" in ln and " len=0 " in ln]
    check(len(probes) >= 2, f"expected zero-window probes, saw {len(probes)}")


@case
def refused(env):
    """Kernel -> synack port without listener: ECONNREFUSED (synack's RST);
    synack -> closed kernel port: 'connection refused', exit 1."""
    env.serve("echo", 7)
    out = env.run_helper("refused_client", SYNACK_ADDR, 81)
    check(out == "ok refused", out)
    env2_argv = [env.synack, "connect", "10.78.0.1:9", "--tun", "sk1", "--addr", "10.78.0.2/24",
                 "--netns", env.ns]
    r = env.run(env2_argv, timeout=30, ok=None)
    check(r.returncode == 1, f"exit code {r.returncode}, want 1")
    check(b"connection refused" in r.stderr, r.stderr.decode(errors="replace"))


@case
def ping(env):
    """ICMP echo requests to synack's address get replies."""
    env.serve("echo", 7)
    out = env.run_helper("ping", SYNACK_ADDR, 3)
    check(out == "ok 3", out)
    if any(os.path.exists(os.path.join(d, "ping")) for d in os.environ.get("PATH", "").split(":") + ["/bin"]):
        env.run(env.ns_argv(["ping", "-c", "2", "-W", "2", SYNACK_ADDR]))


# ---------------------------------------------------------------------------
# Loss, pcap, set-up errors.

LOSS = ("--loss", "0.05", "--seed", "7")


@case
def loss_echo_10mb(env):
    """5% loss each way on synack's link: the 10 MB echo is still byte-exact."""
    srv = env.serve("echo", 7, *LOSS, "--stats")
    out = env.run_helper("echo_client", SYNACK_ADDR, 7, TEN_MB, timeout=150)
    check(out == f"ok {TEN_MB}", out)
    srv.stop()
    check("impairment dropped" in srv.text(), "no impairment counters in the summary")


@case
def loss_download_10mb(env):
    """5% loss: synack's 10 MB download is byte-exact."""
    download(env, *LOSS)


@case
def loss_upload_10mb(env):
    """5% loss: synack's 10 MB upload is byte-exact."""
    upload(env, *LOSS)


@case
def loss_upload_10mb_cubic(env):
    """5% loss with CUBIC (RFC 9438, --cc cubic) on synack's side, the sender: the 10 MB
    upload is byte-exact."""
    upload(env, *LOSS, "--cc", "cubic")


@case
def impaired_echo(env):
    """2% loss, 2% duplication and 2% bit flips each way: a 2 MB echo is
    byte-exact (checksums catch the flips on both sides)."""
    srv = env.serve("echo", 7, "--loss", "0.02", "--duplicate", "0.02", "--corrupt", "0.02", "--seed", "5",
                    "--stats")
    out = env.run_helper("echo_client", SYNACK_ADDR, 7, 2_000_000, timeout=120)
    check(out == "ok 2000000", out)
    srv.stop()
    text = srv.text()
    check("drops bad checksum" in text, f"no corrupted packet reached synack's checksum check:\n{text}")


@case
def pcap_tshark(env):
    """A session's pcap opens in tshark: no malformed packets, checksums good."""
    need_tool("tshark")
    need_tool("curl")
    pcap = env.path("session.pcap")
    srv = env.serve("http", 80, "--pcap", pcap)
    env.run(env.ns_argv(["curl", "-sS", "--max-time", "30", "-o", "/dev/null",
                         f"http://{SYNACK_ADDR}/bytes/300000", f"http://{SYNACK_ADDR}/"]))
    env.run_helper("ping", SYNACK_ADDR, 1)
    srv.stop()
    base = ["tshark", "-r", pcap, "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE"]
    r = env.run(base + ["-T", "fields", "-e", "frame.number"], timeout=60)
    frames = len(r.stdout.split())
    check(frames > 200, f"only {frames} packets in the pcap")
    bad = env.run(base + ["-Y", "_ws.malformed || _ws.expert.severity >= \"error\" || "
                                "tcp.checksum.status == \"Bad\" || ip.checksum.status == \"Bad\""],
                  timeout=60).stdout.decode(errors="replace")
    check(not bad.strip(), f"tshark flags packets:\n{bad[:3000]}")
    n_syn = env.run(base + ["-Y", "tcp.flags.syn == 1", "-T", "fields", "-e", "frame.number"]).stdout.split()
    check(len(n_syn) == 2, f"want SYN and SYN-ACK, got {len(n_syn)} SYN packets")


def pcap_counter(env, pcap):
    """A function counting the frames of `pcap` that match a tshark display filter."""
    def frames(flt):
        r = env.run(["tshark", "-r", pcap, "-Y", flt, "-T", "fields", "-e", "frame.number"], timeout=60)
        return len(r.stdout.split())
    return frames


@case
def tos_ttl(env):
    """serve --tos 0xb8 --ttl 9: every packet of synack's connection carries DSCP EF and TTL 9
    (RFC 9293 MUST-48, MUST-49), seen by tshark in the pcap; the kernel's keep its own."""
    need_tool("tshark")
    pcap = env.path("tos.pcap")
    srv = env.serve("echo", 7, "--tos", "0xb8", "--ttl", 9, "--pcap", pcap)
    out = env.run_helper("echo_client", SYNACK_ADDR, 7, 100_000)
    check(out.startswith("ok"), out)
    srv.stop()
    frames = pcap_counter(env, pcap)
    ours = frames(f"ip.src == {SYNACK_ADDR} && tcp")
    check(ours > 10, f"only {ours} TCP packets from synack in the pcap")
    right = frames(f"ip.src == {SYNACK_ADDR} && tcp && ip.dsfield == 0xb8 && ip.ttl == 9")
    check(right == ours, f"{ours - right} of synack's {ours} packets lack TOS 0xb8 / TTL 9")
    theirs = frames(f"ip.src == {KERNEL_ADDR} && tcp && ip.dsfield == 0 && ip.ttl == 64")
    check(theirs > 10, f"the kernel's packets changed too? {theirs} with TOS 0 / TTL 64")


def check_ecn_setup(frames, offerer, acceptor):
    """One ECN-setup SYN (ECE+CWR) from `offerer`, one ECN-setup SYN,ACK (ECE alone) from
    `acceptor` (RFC 3168 §6.1.1); each a (name, address) pair."""
    syn = frames(f"ip.src == {offerer[1]} && tcp.flags.syn == 1 && tcp.flags.ack == 0 && "
                 "tcp.flags.ece == 1 && tcp.flags.cwr == 1")
    check(syn == 1, f"{syn} ECN-setup SYNs from {offerer[0]} (want 1)")
    synack = frames(f"ip.src == {acceptor[1]} && tcp.flags.syn == 1 && tcp.flags.ack == 1 && "
                    "tcp.flags.ece == 1 && tcp.flags.cwr == 0")
    check(synack == 1, f"{synack} ECN-setup SYN,ACKs from {acceptor[0]} (want 1)")


def check_ect_data(frames, sender, at_least):
    """Every new data packet from `sender` (name, address) is ECT(0) (RFC 3168 §6.1.4)."""
    new_data = f"ip.src == {sender[1]} && tcp.len > 0 && !tcp.analysis.retransmission"
    n, ect = frames(new_data), frames(new_data + " && ip.dsfield.ecn == 2")
    check(n >= at_least and ect == n, f"{sender[0]}: {ect} of {n} new data packets are ECT(0)")


SYNACK = ("synack", SYNACK_ADDR)
KERNEL = ("the kernel", KERNEL_ADDR)


@case
def ecn(env):
    """ECN with the kernel (net.ipv4.tcp_ecn=1 in the namespace) and serve --ecn: the kernel's
    SYN offers it (ECE+CWR), synack's SYN,ACK accepts (ECE alone), both sides' new data goes
    ECT(0) and synack's pure ACKs do not (RFC 3168 §6.1.1, §6.1.4), seen by tshark."""
    need_tool("tshark")
    env.run(env.ns_argv(["sysctl", "-qw", "net.ipv4.tcp_ecn=1"]))
    pcap = env.path("ecn.pcap")
    srv = env.serve("echo", 7, "--ecn", "--pcap", pcap)
    out = env.run_helper("echo_client", SYNACK_ADDR, 7, 100_000)
    check(out.startswith("ok"), out)
    srv.stop()
    frames = pcap_counter(env, pcap)
    check_ecn_setup(frames, KERNEL, SYNACK)
    check_ect_data(frames, SYNACK, 10)
    check_ect_data(frames, KERNEL, 10)
    acks = frames(f"ip.src == {SYNACK_ADDR} && tcp.len == 0 && ip.dsfield.ecn != 0")
    check(acks == 0, f"{acks} packets without data from synack are ECN-capable")


@case
def ecn_client(env):
    """connect --ecn to a kernel with its default net.ipv4.tcp_ecn=2 (accept, do not offer): synack's
    SYN offers ECN, the kernel's SYN,ACK accepts, and synack's 10 MB upload goes ECT(0)
    (RFC 3168 §6.1.1, §6.1.4), seen by tshark."""
    need_tool("tshark")
    r = env.run(env.ns_argv(["sysctl", "-n", "net.ipv4.tcp_ecn"]))
    check(r.stdout.strip() == b"2", f"net.ipv4.tcp_ecn is {r.stdout.strip()!r} in a new namespace, not 2")
    pcap = env.path("ecn_client.pcap")
    upload(env, "--ecn", "--pcap", pcap)
    frames = pcap_counter(env, pcap)
    check_ecn_setup(frames, SYNACK, KERNEL)
    check_ect_data(frames, SYNACK, 100)


@case
def setup_errors(env):
    """Clear messages and exit codes when the device cannot be had."""
    first = env.serve("echo", 7)
    r = env.run(env.synack_argv("serve", "--app", "echo", "--port", 8), ok=None)
    check(r.returncode == 1 and b"taken" in r.stderr, f"name taken: {r.returncode} {r.stderr!r}")
    argv = [env.synack, "serve", "--tun", "sk2", "--addr", "10.79.0.2/24", "--port", "7"]
    if os.path.exists("/usr/bin/setpriv"):
        r = env.run(env.ns_argv(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + argv), ok=None)
        check(r.returncode == 1 and b"root" in r.stderr, f"not root: {r.returncode} {r.stderr!r}")
    if os.path.exists("/usr/bin/unshare"):
        hide = ["unshare", "-m", "--", "sh", "-c", 'mount -t tmpfs none /dev/net && exec "$0" "$@"'] + argv
        r = env.run(env.ns_argv(hide), ok=None)
        check(r.returncode == 1 and b"modprobe tun" in r.stderr, f"no device: {r.returncode} {r.stderr!r}")
    r = env.run(argv[:-4] + ["--addr", "10.79.0.0/24", "--port", "7"], ok=None)
    check(r.returncode == 2, f"bad address: exit {r.returncode}")
    first.stop()


@case
def netns_lifecycle(env):
    """--netns with a new name creates the namespace and removes it on SIGTERM."""
    ns = env.ns + "-own"
    env.extra_ns.append(ns)
    p = env.start([env.synack, "serve", "--tun", "sk0", "--addr", CIDR, "--port", "7", "--netns", ns], "own")
    p.wait_for("synack: serving")
    check(os.path.exists(f"/run/netns/{ns}"), "namespace not created")
    links = env.run(["ip", "netns", "exec", ns, "ip", "-o", "addr", "show", "dev", "sk0"]).stdout.decode(errors="replace")
    check(f"{KERNEL_ADDR}/24" in links, f"kernel address missing: {links}")
    p.signal(signal.SIGTERM)
    check(p.wait(10) == 0, f"exit code {p.p.returncode}")
    check(not os.path.exists(f"/run/netns/{ns}"), "namespace left behind")


@case
def example_echo_server(env):
    """examples/echo_server echoes 1 MB and honours the kernel's half-close."""
    check(EXAMPLE and os.access(EXAMPLE, os.X_OK), f"examples/echo_server not found: {EXAMPLE}")
    p = env.start(env.ns_argv([EXAMPLE, "sk0", CIDR, "7"]), "example")
    end = time.time() + 10
    while b"10.77.0.1" not in env.run(env.ns_argv(["ip", "-o", "addr"])).stdout and time.time() < end:
        time.sleep(0.02)
    check(env.run_helper("echo_client", SYNACK_ADDR, 7, 1_000_000) == "ok 1000000", "echo failed")
    check(env.run_helper("echo_client_half_close", SYNACK_ADDR, 7, 100_000) == "ok 100000", "half-close failed")
    p.stop()


EXAMPLE = None


def main():
    global EXAMPLE
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--synack", help="path to the synack binary")
    ap.add_argument("--example", help="path to examples/echo_server")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    if a.list:
        for name, fn in CASES.items():
            print(f"{name:22} {fn.__doc__.splitlines()[0]}")
        return 0
    if not a.synack or not a.cases:
        ap.error("--synack and at least one case are required")
    EXAMPLE = a.example and os.path.abspath(a.example)
    failed = 0
    for name in a.cases:
        if name not in CASES:
            print(f"unknown case {name}", file=sys.stderr)
            return 2
        t0 = time.time()
        try:
            with Env(os.path.abspath(a.synack), name) as env:
                CASES[name](env)
            print(f"PASS {name} ({time.time() - t0:.1f}s)")
        except Exception as e:  # noqa: BLE001 - every failure is reported, then the next case
            failed += 1
            print(f"FAIL {name} ({time.time() - t0:.1f}s): {e}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
