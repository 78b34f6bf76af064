#!/usr/bin/env bash
# bench/tun_compare.sh: synack on a TUN device, talking to the kernel, next to
# the kernel talking to itself across a veth pair between two namespaces, in
# the same run. Figures for the issue-4 note, not assertions.
#
#   bulk k->s   the kernel sends BYTES to synack (`synack connect`, output discarded)
#   bulk s->k   synack sends BYTES to the kernel (`synack connect --send`)
#   bulk veth   the kernel sends BYTES to the kernel across veth (MTU 1500, GSO/GRO on)
#   conn rate   sequential HTTP/1.1 GET / on a new connection each, SECS seconds:
#               kernel client -> `synack serve --app http`, and kernel -> kernel (veth)
# The kernel side is always bench/tun/tcpperf.c. Throughput is measured at the
# receiver (first byte accepted to end of stream). CPU columns: see the
# comment above bulk_row below. Medians of ROUNDS runs. With --profile: syscall counts per
# packet (strace -c) and the hottest functions (perf) of a synack transfer.
#
# Usage: sudo bench/tun_compare.sh [--synack PATH] [--bytes N] [--secs S] [--rounds R]
#                                  [--mtus "1500 65535"] [--profile]
set -Eeuo pipefail
trap 'echo "tun_compare.sh: line $LINENO: \`$BASH_COMMAND\` failed" >&2' ERR

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SYNACK=${SYNACK_BIN:-$ROOT/build/synack}
BYTES=500000000
SECS=3
ROUNDS=3
MTUS="1500 65535"
PROFILE=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --synack) SYNACK=$2; shift 2 ;;
    --bytes) BYTES=$2; shift 2 ;;
    --secs) SECS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --mtus) MTUS=$2; shift 2 ;;
    --profile) PROFILE=1; shift ;;
    *) echo "usage: $0 [--synack PATH] [--bytes N] [--secs S] [--rounds R] [--mtus LIST] [--profile]" >&2; exit 2 ;;
  esac
done
[[ $(id -u) == 0 ]] || { echo "tun_compare.sh: run as root (namespaces, TUN)" >&2; exit 1; }
[[ -x $SYNACK ]] || { echo "tun_compare.sh: no synack binary at $SYNACK (--synack PATH)" >&2; exit 1; }

TMP=$(mktemp -d /tmp/tun_compare.XXXXXX)
NS_TUN=sktc-tun-$$ NS_A=sktc-a-$$ NS_B=sktc-b-$$
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  for ns in $NS_TUN $NS_A $NS_B; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cc -O2 -o "$TMP/tcpperf" "$ROOT/bench/tun/tcpperf.c"
PERF=$TMP/tcpperf

# Namespaces: one for synack's TUN device; two joined by veth for the baseline.
for ns in $NS_TUN $NS_A $NS_B; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip link add skva$$ type veth peer name skvb$$
ip link set skva$$ netns "$NS_A"; ip link set skvb$$ netns "$NS_B"
ip -n "$NS_A" addr add 10.88.0.1/24 dev skva$$; ip -n "$NS_A" link set skva$$ up
ip -n "$NS_B" addr add 10.88.0.2/24 dev skvb$$; ip -n "$NS_B" link set skvb$$ up

busy() {  # machine-wide busy jiffies
  awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat
}
HZ=$(getconf CLK_TCK)
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$2" | head -1; }
median() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

# start_bg NAME NS CMD...: run in the background, wait for "listening".
start_bg() {
  local name=$1 ns=$2; shift 2
  : > "$TMP/$name.out"  # not the last round's "listening"
  ip netns exec "$ns" "$@" >> "$TMP/$name.out" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 200); do grep -q listening "$TMP/$name.out" && return; sleep 0.02; done
  echo "tun_compare.sh: $name did not start: $(cat "$TMP/$name.out")" >&2; exit 1
}
wait_bg() { wait "${PIDS[-1]}" || true; unset 'PIDS[-1]'; }

SYNACK_NET=(--tun sk0 --addr 10.77.0.2/24 --netns "$NS_TUN")

# Each measurement prints four columns:
#   bulk:  MB/s, endpoints' CPU s/GB, synack's CPU s/GB, machine busy s/GB
#   rate:  req/s, endpoints' CPU us/req, synack's CPU us/req, machine busy us/req
# "Endpoints" = both programs' own CPU time (rusage: user + system, so the
# kernel's TCP work done inside their system calls counts; softirq work the
# kernel defers to ksoftirqd does not). "Machine" = /proc/stat busy time of
# all CPUs: everything, but also whatever else the host runs meanwhile.
proc_cpu() {  # seconds of CPU used so far by PID
  awk -v hz="$HZ" '{print ($14 + $15) / hz}' "/proc/$1/stat"
}
bulk_row() {  # bytes secs endpoint_cpu synack_cpu busy_jiffies
  awk -v n="$1" -v s="$2" -v e="$3" -v p="$4" -v c="$5" -v hz="$HZ" 'BEGIN{g=n/1e9;
    printf "%.0f %.3f %s %.3f\n", n/s/1e6, e/g, (p == "-" ? "-" : sprintf("%.3f", p/g)), c/hz/g}'
}
rate_row() {  # requests secs endpoint_cpu synack_cpu busy_jiffies
  awk -v n="$1" -v s="$2" -v e="$3" -v p="$4" -v c="$5" -v hz="$HZ" 'BEGIN{
    printf "%.0f %.1f %s %.1f\n", n/s, e/n*1e6, (p == "-" ? "-" : sprintf("%.1f", p/n*1e6)), c/hz/n*1e6}'
}
synack_cpu() { awk '/summary: cpu/{print $4+$7}' "$1"; }

bulk_veth() {
  start_bg sink "$NS_A" "$PERF" sink-server 9000
  local b0; b0=$(busy)
  ip netns exec "$NS_B" "$PERF" source-client 10.88.0.1 9000 "$BYTES" > "$TMP/src.out"
  wait_bg
  local b1; b1=$(busy)
  bulk_row "$(field bytes "$TMP/sink.out")" "$(field secs "$TMP/sink.out")" \
    "$(awk -v a="$(field cpu "$TMP/sink.out")" -v b="$(field cpu "$TMP/src.out")" 'BEGIN{print a+b}')" - $(( b1 - b0 ))
}
bulk_k2s() {  # $1 = mtu
  start_bg src "$NS_TUN" "$PERF" source-server 9000 "$BYTES"
  local b0; b0=$(busy)
  "$SYNACK" connect 10.77.0.1:9000 "${SYNACK_NET[@]}" --mtu "$1" --stats > /dev/null 2> "$TMP/synack.err"
  wait_bg
  local b1; b1=$(busy)
  local secs; secs=$(sed -n 's/.*done in \([0-9.]*\) s.*/\1/p' "$TMP/synack.err")
  local p; p=$(synack_cpu "$TMP/synack.err")
  bulk_row "$BYTES" "$secs" "$(awk -v a="$p" -v b="$(field cpu "$TMP/src.out")" 'BEGIN{print a+b}')" "$p" $(( b1 - b0 ))
}
bulk_s2k() {  # $1 = mtu
  start_bg sink "$NS_TUN" "$PERF" sink-server 9000
  local b0; b0=$(busy)
  "$SYNACK" connect 10.77.0.1:9000 "${SYNACK_NET[@]}" --mtu "$1" --send "$BYTES" --stats > /dev/null 2> "$TMP/synack.err"
  wait_bg
  local b1; b1=$(busy)
  local p; p=$(synack_cpu "$TMP/synack.err")
  bulk_row "$(field bytes "$TMP/sink.out")" "$(field secs "$TMP/sink.out")" \
    "$(awk -v a="$p" -v b="$(field cpu "$TMP/sink.out")" 'BEGIN{print a+b}')" "$p" $(( b1 - b0 ))
}
rate_veth() {
  start_bg rr "$NS_A" "$PERF" rr-server 8080
  local b0; b0=$(busy)
  ip netns exec "$NS_B" "$PERF" rr-client 10.88.0.1 8080 "$SECS" > "$TMP/rr.out"
  local b1; b1=$(busy)
  local server_cpu; server_cpu=$(proc_cpu "${PIDS[-1]}")
  kill "${PIDS[-1]}"; wait_bg
  rate_row "$(field requests "$TMP/rr.out")" "$(field secs "$TMP/rr.out")" \
    "$(awk -v a="$server_cpu" -v b="$(field cpu "$TMP/rr.out")" 'BEGIN{print a+b}')" - $(( b1 - b0 ))
}
rate_synack() {
  : > "$TMP/serve.out"
  "$SYNACK" serve --app http --port 80 "${SYNACK_NET[@]}" --stats >> "$TMP/serve.out" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 250); do grep -q "synack: serving" "$TMP/serve.out" && break; sleep 0.02; done
  grep -q "synack: serving" "$TMP/serve.out" || { echo "synack serve did not start: $(cat "$TMP/serve.out")" >&2; exit 1; }
  local b0; b0=$(busy)
  ip netns exec "$NS_TUN" "$PERF" rr-client 10.77.0.2 80 "$SECS" > "$TMP/rr.out"
  local b1; b1=$(busy)
  kill -TERM "${PIDS[-1]}"; wait_bg
  local p; p=$(synack_cpu "$TMP/serve.out")
  rate_row "$(field requests "$TMP/rr.out")" "$(field secs "$TMP/rr.out")" \
    "$(awk -v a="$p" -v b="$(field cpu "$TMP/rr.out")" 'BEGIN{print a+b}')" "$p" $(( b1 - b0 ))
}

# rounds NAME FUNC ARGS: ROUNDS runs, median of each column.
declare -A RESULT
rounds() {
  local name=$1; shift
  : > "$TMP/rounds"
  for _ in $(seq "$ROUNDS"); do "$@" >> "$TMP/rounds"; done
  local cols=()
  for i in 1 2 3 4; do cols+=("$(awk -v i=$i '{print $i}' "$TMP/rounds" | median)"); done
  RESULT[$name]="${cols[*]}"
}

echo "tun_compare: $ROUNDS rounds, bulk $BYTES bytes, conn rate ${SECS}s, $(nproc) CPUs, kernel $(uname -r)"
rounds veth bulk_veth
for m in $MTUS; do rounds "k2s_$m" bulk_k2s "$m"; rounds "s2k_$m" bulk_s2k "$m"; done
rounds rate_veth rate_veth
rounds rate_synack rate_synack

row() { printf '%-32s %9s %8s %13s %13s %13s\n' "$@"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
read -r vt ve _ vm <<< "${RESULT[veth]}"
echo; row "bulk" "MB/s" "vs veth" "endpts s/GB" "synack s/GB" "machine s/GB"
row "kernel -> kernel (veth)" "$vt" "1.00" "$ve" "-" "$vm"
for m in $MTUS; do
  for d in k2s s2k; do
    read -r t e p b <<< "${RESULT[${d}_$m]}"
    label="kernel -> synack (TUN mtu $m)"; [[ $d == s2k ]] && label="synack -> kernel (TUN mtu $m)"
    row "$label" "$t" "$(ratio "$t" "$vt")" "$e" "$p" "$b"
  done
done
read -r rt re _ rm <<< "${RESULT[rate_veth]}"
read -r st se sp sm <<< "${RESULT[rate_synack]}"
echo; row "new connection per request" "req/s" "vs veth" "endpts us/req" "synack us/req" "machine us/req"
row "kernel -> kernel (veth)" "$rt" "1.00" "$re" "-" "$rm"
row "kernel -> synack http (TUN)" "$st" "$(ratio "$st" "$rt")" "$se" "$sp" "$sm"

if [[ $PROFILE == 1 ]]; then
  N=$(( BYTES < 100000000 ? BYTES : 100000000 ))
  for d in k2s s2k; do
    echo; echo "== where synack's time goes: $d, $N bytes, mtu 1500 (strace -c, then perf) =="
    for tool in strace perf; do
      if [[ $d == k2s ]]; then start_bg src "$NS_TUN" "$PERF" source-server 9000 "$N"; args=()
      else start_bg sink "$NS_TUN" "$PERF" sink-server 9000; args=(--send "$N"); fi
      if [[ $tool == strace ]]; then
        strace -c -o "$TMP/strace.txt" "$SYNACK" connect 10.77.0.1:9000 "${SYNACK_NET[@]}" "${args[@]}" --stats \
          > /dev/null 2> "$TMP/synack.err"
        grep -E "summary: (tun|loop)" "$TMP/synack.err"
        head -12 "$TMP/strace.txt" || true
      elif command -v perf > /dev/null; then
        perf record -o "$TMP/perf.data" -g "$SYNACK" connect 10.77.0.1:9000 "${SYNACK_NET[@]}" "${args[@]}" \
          > /dev/null 2>&1 || true
        perf report -i "$TMP/perf.data" --stdio --no-children --sort symbol > "$TMP/perf.txt" 2>/dev/null || true
        grep -E "^ +[0-9]" "$TMP/perf.txt" | sed 's/ *- *- *$//' | head -15 || true
      fi
      wait_bg
    done
  done
fi
