#!/usr/bin/env python3
"""The interop tests' environment (see interop.py for the cases).

Every case creates its own network namespace (named after the case and this
process's PID), in which synack's TUN device and both addresses live; all
traffic stays inside it. Everything started is stopped by PID and the
namespace is deleted when the case ends, also when it fails. Every wait is
bounded. A missing tool or privilege is a failure with a message, never a skip.
"""
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HELPERS = os.path.join(HERE, "helpers.py")
SYNACK_ADDR = "10.77.0.2"
KERNEL_ADDR = "10.77.0.1"
CIDR = SYNACK_ADDR + "/24"
TEN_MB = 10_000_000


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def pattern_sha256(n):
    block = bytes(range(251)) * (65536 // 251 + 2)
    h = hashlib.sha256()
    off = 0
    while off < n:
        start = off % 251
        chunk = block[start:start + min(n - off, 65536)]
        h.update(chunk)
        off += len(chunk)
    return h.hexdigest()


def need_tool(name):
    check(shutil.which(name) or os.path.exists("/usr/sbin/" + name) or os.path.exists("/sbin/" + name),
          f"required tool '{name}' is not installed")


class Proc:
    """A background process, its output in a file, stopped by PID."""

    def __init__(self, argv, log, stdin=None):
        self.argv = argv
        self.log = log
        self.out = open(log, "wb")
        self.p = subprocess.Popen(argv, stdout=self.out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.PIPE if stdin else subprocess.DEVNULL)

    def text(self):
        with open(self.log, "rb") as f:
            return f.read().decode(errors="replace")

    def wait_for(self, needle, timeout=10.0):
        end = time.time() + timeout
        while time.time() < end:
            if needle in self.text():
                return
            if self.p.poll() is not None:
                time.sleep(0.05)
                if needle in self.text():
                    return
                raise Fail(f"{self.argv[0]}... exited ({self.p.returncode}) before '{needle}':\n{self.text()}")
            time.sleep(0.02)
        raise Fail(f"no '{needle}' within {timeout}s from {' '.join(self.argv)}:\n{self.text()}")

    def send_line(self, line):
        self.p.stdin.write((line + "\n").encode())
        self.p.stdin.flush()

    def wait(self, timeout):
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            raise Fail(f"still running after {timeout}s: {' '.join(self.argv)}\n{self.text()}")

    def signal(self, sig):
        if self.p.poll() is None:
            os.kill(self.p.pid, sig)

    def stop(self):
        if self.p.poll() is None:
            os.kill(self.p.pid, signal.SIGTERM)
            try:
                self.p.wait(3)
            except subprocess.TimeoutExpired:
                os.kill(self.p.pid, signal.SIGKILL)
                self.p.wait(3)
        self.out.close()


class Env:
    """One case's namespace, temp folder and processes."""

    def __init__(self, synack, case):
        self.synack = synack
        self.ns = f"skio-{case[:20]}-{os.getpid()}"
        self.tmp = tempfile.mkdtemp(prefix=f"synack-interop-{case}-")
        self.procs = []
        self.extra_ns = []

    def __enter__(self):
        check(os.geteuid() == 0, "interop tests must run as root (network namespaces, TUN devices)")
        check(os.path.exists("/dev/net/tun"), "/dev/net/tun is missing (modprobe tun)")
        check(os.access(self.synack, os.X_OK), f"synack binary not found: {self.synack}")
        need_tool("ip")
        self.run(["ip", "netns", "add", self.ns])
        self.run(self.ns_argv(["ip", "link", "set", "dev", "lo", "up"]))
        return self

    def __exit__(self, *exc):
        for p in reversed(self.procs):
            p.stop()
        for ns in [self.ns] + self.extra_ns:
            subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL, timeout=10)
        if exc[0] is None:
            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            print(f"(logs kept in {self.tmp})", file=sys.stderr)
        return False

    def path(self, name):
        return os.path.join(self.tmp, name)

    def ns_argv(self, argv):
        return ["ip", "netns", "exec", self.ns] + argv

    def run(self, argv, timeout=30, ok=(0,)):
        try:
            r = subprocess.run(argv, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Fail(f"timed out after {timeout}s: {' '.join(argv)}")
        if ok is not None and r.returncode not in ok:
            raise Fail(f"`{' '.join(argv)}` exited {r.returncode}:\n{r.stdout.decode(errors='replace')}"
                       f"{r.stderr.decode(errors='replace')}")
        return r

    def start(self, argv, name, stdin=False):
        p = Proc(argv, self.path(name + ".log"), stdin)
        self.procs.append(p)
        return p

    def helper(self, *args, name=None, stdin=False):
        """Start a helper program inside the namespace."""
        return self.start(self.ns_argv([sys.executable, HELPERS] + [str(a) for a in args]),
                          name or args[0], stdin)

    def run_helper(self, *args, timeout=90):
        r = self.run(self.ns_argv([sys.executable, HELPERS] + [str(a) for a in args]), timeout, ok=None)
        check(r.returncode == 0, f"helper {args[0]} failed: {r.stderr.decode(errors='replace')}")
        return r.stdout.decode(errors="replace").strip()

    def synack_argv(self, sub, *args):
        return [self.synack, sub, *[str(a) for a in args], "--tun", "sk0", "--addr", CIDR, "--netns", self.ns]

    def serve(self, app, port=80, *extra, name="serve"):
        p = self.start(self.synack_argv("serve", "--app", app, "--port", port, *extra), name)
        p.wait_for("synack: serving")
        return p

    def connect(self, target, *extra, timeout=90):
        return self.run(self.synack_argv("connect", target, *extra), timeout=timeout, ok=None)

    def ss(self, *filters):
        return self.run(self.ns_argv(["ss", "-tanH", *filters])).stdout.decode(errors="replace")
