#!/usr/bin/env python3
# Derives the golden ladders of tests/demo/golden_test.cc without running
# synack: the segments are written out by hand from RFC 9293 (the reasoning is
# in golden_test.cc) and laid out by the ladder's documented rules
# (src/trace/ladder.h). Usage: derive_ladders.py seed|simultaneous_open|
# simultaneous_close CLIENT_PORT. The client's port in the seed run is RFC 6056
# Algorithm 3 over the simulator's port secret for seed 1: 56356.
# After the handshake the window field is the receive buffer (256 KiB rounded
# up to whole 1460-byte segments: 262800, as BSD sizes it) >> window scale 3
# (32850), or 32725 while 1000 bytes wait to be read.
import sys
C_OFF = 3450571044  # client TS offset: ISS 100 * 0x9E3779B1 mod 2^32
S_OFF = 1761778540  # server TS offset: ISS 300 * 0x9E3779B1 mod 2^32

def ts(off, ms, ecr): return f"ts {off + ms} {ecr}"
def syn_opts(t): return f"<mss 1460,ws 3,sack_ok,{t}>"

def layout(left_title, right_title, init_l, init_r, lines, summary):
    # lines: (t_ms, side('L'/'R'/None), label, left_state, right_state)
    def millis(t): return f"{t:.3f}"
    time_w = max([6] + [len(millis(l[0])) for l in lines])
    state_w = max([6] + [len(l[3]) for l in lines if l[1]]) + 2
    label_w = max([20] + [len(l[2]) for l in lines if l[1]])
    arrow_w = label_w + 10
    out = []
    def row(time, left, middle, right):
        s = time.rjust(time_w) + "  " + left + middle
        if right: s += "  " + right
        return s.rstrip(" ")
    out.append(row("t (ms)", left_title.ljust(state_w + arrow_w), "", right_title))
    out.append(row("", init_l.ljust(state_w + arrow_w), "", init_r))
    for t, side, label, ls, rs in lines:
        if side is None:
            if rs: out.append(row(millis(t), ls.ljust(state_w + arrow_w), "", rs))
            else: out.append(row(millis(t), ls, "", ""))
            continue
        body = 5 + len(label) + 1
        dashes = arrow_w - body - 1
        if side == 'L': arrow = "---- " + label + " " + "-" * dashes + ">"
        else: arrow = "<--- " + label + " " + "-" * (dashes + 1)
        out.append(row(millis(t), ls.ljust(state_w), arrow, rs))
    return "\n".join(out) + "\n\n" + summary

def summary(c_sent, s_sent):
    return ("data: 1000 bytes client -> server, 1000 bytes server -> client (of 1000), byte-exact\n"
            f"segments: client sent {c_sent}, server sent {s_sent}; link: 0 lost, 0 duplicated, 0 reordered, 0 corrupted; dropped at the hosts: 0\n"
            "end: both hosts CLOSED at 60.060 s of virtual time (TIME-WAIT lasts 2*MSL = 60 s)\n")

# The rows the three runs share. A normal open: SYN, SYN,ACK, ACK.
def active_open():
    return [
      (0,  'L', f"SYN seq=100 len=0 win=65535 {syn_opts(ts(C_OFF, 0, 0))}", "SYN_SENT", ""),
      (10, 'R', f"SYN,ACK seq=300 ack=101 len=0 win=65535 {syn_opts(ts(S_OFF, 10, C_OFF))}", "", "SYN_RECEIVED"),
      (20, 'L', f"ACK seq=101 ack=301 len=0 win=32850 <{ts(C_OFF, 20, S_OFF + 10)}>", "ESTABLISHED", "ESTABLISHED"),
    ]

# From ESTABLISHED at 20 ms: 1000 bytes each way, then the client's FIN.
def echo_then_client_fin():
    return [
      (20, 'L', f"PSH,ACK seq=101 ack=301 len=1000 win=32850 <{ts(C_OFF, 20, S_OFF + 10)}>", "", ""),
      (30, 'R', f"ACK seq=301 ack=1101 len=0 win=32725 <{ts(S_OFF, 30, C_OFF + 20)}>", "", ""),
      (30, 'R', f"PSH,ACK seq=301 ack=1101 len=1000 win=32850 <{ts(S_OFF, 30, C_OFF + 20)}>", "", ""),
      (40, 'L', f"ACK seq=1101 ack=1301 len=0 win=32725 <{ts(C_OFF, 40, S_OFF + 30)}>", "", ""),
      (40, 'L', f"FIN,ACK seq=1101 ack=1301 len=0 win=32850 <{ts(C_OFF, 40, S_OFF + 30)}>", "FIN_WAIT_1", ""),
    ]

# The server closes after reading end of stream: ACK, FIN, the last ACK, 2*MSL.
def server_closes_after_eof():
    return [
      (50, 'R', f"ACK seq=1301 ack=1102 len=0 win=32850 <{ts(S_OFF, 50, C_OFF + 40)}>", "FIN_WAIT_2", "CLOSE_WAIT"),
      (50, 'R', f"FIN,ACK seq=1301 ack=1102 len=0 win=32850 <{ts(S_OFF, 50, C_OFF + 40)}>", "", "LAST_ACK"),
      (60, 'L', f"ACK seq=1102 ack=1302 len=0 win=32850 <{ts(C_OFF, 60, S_OFF + 50)}>", "TIME_WAIT", "CLOSED"),
      (60060, None, "", "CLOSED  (after 2MSL)", ""),
    ]

def seed(port):
    L = active_open() + echo_then_client_fin() + server_closes_after_eof()
    return layout(f"client 10.0.0.1:{port}", "server 10.0.0.2:80", "CLOSED", "LISTEN", L, summary(6, 5))

def simultaneous_open():
    L = [
      (0,  'L', f"SYN seq=100 len=0 win=65535 {syn_opts(ts(C_OFF, 0, 0))}", "SYN_SENT", ""),
      (0,  'R', f"SYN seq=300 len=0 win=65535 {syn_opts(ts(S_OFF, 0, 0))}", "", "SYN_SENT"),
      (10, 'R', f"SYN,ACK seq=300 ack=101 len=0 win=65535 {syn_opts(ts(S_OFF, 10, C_OFF))} [retransmission]", "", "SYN_RECEIVED"),
      (10, 'L', f"SYN,ACK seq=100 ack=301 len=0 win=65535 {syn_opts(ts(C_OFF, 10, S_OFF))} [retransmission]", "SYN_RECEIVED", ""),
      (20, 'R', f"ACK seq=301 ack=101 len=0 win=32850 <{ts(S_OFF, 20, C_OFF + 10)}>", "", "ESTABLISHED"),
      (20, 'L', f"ACK seq=101 ack=301 len=0 win=32850 <{ts(C_OFF, 20, S_OFF + 10)}>", "ESTABLISHED", ""),
    ] + echo_then_client_fin() + server_closes_after_eof()
    return layout("client 10.0.0.1:40000", "server 10.0.0.2:80", "CLOSED", "CLOSED", L, summary(7, 7))

def simultaneous_close(port):
    L = active_open() + echo_then_client_fin() + [
      (40, 'R', f"FIN,ACK seq=1301 ack=1101 len=0 win=32850 <{ts(S_OFF, 40, C_OFF + 20)}>", "", "FIN_WAIT_1"),
      (50, 'R', f"ACK seq=1302 ack=1102 len=0 win=32850 <{ts(S_OFF, 50, C_OFF + 40)}>", "TIME_WAIT", "CLOSING"),
      (50, 'L', f"ACK seq=1102 ack=1302 len=0 win=32850 <{ts(C_OFF, 50, S_OFF + 40)}>", "CLOSING", "TIME_WAIT"),
      (60060, None, "", "CLOSED  (after 2MSL)", "CLOSED  (after 2MSL)"),
    ]
    return layout(f"client 10.0.0.1:{port}", "server 10.0.0.2:80", "CLOSED", "LISTEN", L, summary(6, 5))

port = sys.argv[2]
{"seed": lambda: sys.stdout.write(seed(port)),
 "simultaneous_open": lambda: sys.stdout.write(simultaneous_open()),
 "simultaneous_close": lambda: sys.stdout.write(simultaneous_close(port))}[sys.argv[1]]()
