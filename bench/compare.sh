#!/usr/bin/env bash
# bench/compare.sh: synack next to its two anchors, in one run.
#
#   lwip   Debian's packaged lwIP 2.1.3, raw API, one thread, in-memory link
#          (bench/anchors/lwip_anchor.c; method in shared/docs/lwip-notes.md)
#   linux  the kernel's TCP over 127.0.0.1 (bench/anchors/linux_anchor.c)
#   synack `synack bench lifecycle|bulk|memory` (src/cli/bench.cc): two synack
#          stacks, one thread, in-memory link (see "synack" below); also a
#          64 KiB-packet bulk row (--mss 65495) next to the kernel's loopback
#
# Workloads (the same for every implementation; all count both endpoints):
#   lifecycle  handshake, 1-byte request, 1-byte response, client closes
#              first, server closes, final ACK. Reported: conn/s, CPU us/conn.
#   bulk       one connection, N bytes, receiver copies into a 32 KiB buffer
#              and verifies a pattern. Reported: Gbit/s, CPU s/GiB.
# The runs alternate implementation by implementation for R rounds after one
# discarded warm-up round, and the table shows medians (min-max). Single-
# threaded programs are pinned with `taskset -c 0`; the kernel bulk anchor has
# a sender and a receiver thread and runs unpinned (an extra row shows it
# pinned to one CPU as well). After the table, one memory run each (heap per
# connection, lwIP --mem vs synack bench memory). Rates are per wall second and suffer when other
# work shares the CPUs; the CPU-per-unit rows are the robust ones.
# Each kernel lifecycle run leaves N client sockets in TIME_WAIT for 60 s; the
# script waits (up to 75 s) until the next run's N fit under
# net.ipv4.tcp_max_tw_buckets, so a default run takes about 7-8 minutes.
#
# Usage: bench/compare.sh [--rounds R] [--conns N] [--bytes N] [--purge-every M]
#                         [--no-warmup] [--no-build] [--callgrind] [--quick]
# Environment: BUILD_DIR (default build), SYNACK_BIN (path to the synack binary).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-build}
[[ $BUILD_DIR = /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
ROUNDS=5
CONNS=100000
BYTES=1073741824          # 1 GiB
PURGE_EVERY=100           # lwIP: fast-forward TIME_WAIT every 100 conns (see lwip-notes)
WARMUP=1
BUILD=1
CALLGRIND=0
CG_CONNS=5000             # smaller N under callgrind
CG_BYTES=67108864         # 64 MiB under callgrind
PORT_BASE=23400           # linux_anchor server ports (127.0.0.1 only), moved each run

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 2; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --conns) CONNS=$2; shift 2 ;;
    --bytes) BYTES=$2; shift 2 ;;
    --purge-every) PURGE_EVERY=$2; shift 2 ;;
    --no-warmup) WARMUP=0; shift ;;
    --no-build) BUILD=0; shift ;;
    --callgrind) CALLGRIND=1; shift ;;
    --quick) ROUNDS=3; CONNS=20000; BYTES=268435456; CG_CONNS=1000; CG_BYTES=16777216; shift ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done

ANCHORS=$BUILD_DIR/bench/anchors
LWIP=$ANCHORS/lwip_anchor
LINUX=$ANCHORS/linux_anchor
OUT=$(mktemp -d /tmp/synack-compare.XXXXXX)
RESULTS=$OUT/results.txt   # one line per run: impl bench key=value...
: >"$RESULTS"

log() { printf '%s\n' "$*" >&2; }

# ---- build -------------------------------------------------------------------

build() {
  local cache=$BUILD_DIR/CMakeCache.txt
  if [[ ! -f $cache ]] || ! grep -q '^SYNACK_BENCH:BOOL=ON' "$cache" \
      || [[ ! -f $BUILD_DIR/bench/anchors/Makefile && ! -f $BUILD_DIR/build.ninja ]]; then
    log "configuring $BUILD_DIR (Release, SYNACK_BENCH=ON)"
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DSYNACK_BENCH=ON >"$OUT/configure.log" \
      || { cat "$OUT/configure.log" >&2; exit 1; }
  fi
  local type
  type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD_DIR/CMakeCache.txt")
  [[ $type == Release ]] || log "warning: $BUILD_DIR is configured as '${type:-<none>}', not Release"
  cmake --build "$BUILD_DIR" -j2 --target linux_anchor >"$OUT/build.log" 2>&1 \
    || { cat "$OUT/build.log" >&2; exit 1; }
  if ! cmake --build "$BUILD_DIR" -j2 --target lwip_anchor >>"$OUT/build.log" 2>&1; then
    log "lwip_anchor not built (is liblwip-dev installed?); the lwip column stays empty"
  fi
  build_synack || true
}

# ---- synack ------------------------------------------------------------------
# `synack bench lifecycle|bulk|memory` (src/cli/bench.cc) runs the same
# workloads on two synack stacks in one process (in-memory wire with a copy of
# every packet, virtual clock; TIME-WAIT records accumulate, nothing is
# purged), and prints the same RESULT line with impl=synack. Its timed region
# toggles callgrind collection like the anchors. The binary is the `synack`
# executable ($BUILD_DIR/synack); SYNACK_BIN overrides it.

build_synack() {
  cmake --build "$BUILD_DIR" -j2 --target synack >>"$OUT/build.log" 2>&1 \
    || { log "synack not built: see $OUT/build.log"; return 1; }
}

synack_bin() {
  local c
  for c in "${SYNACK_BIN:-}" "$BUILD_DIR/synack" "$BUILD_DIR/src/synack"; do
    [[ -n $c && -x $c ]] && "$c" bench --help >/dev/null 2>&1 && { echo "$c"; return 0; }
  done
  return 1
}

SYNACK_NOTED=0
# run_synack lifecycle|bulk|memory ARGS...: prints synack's output; returns 3
# when there is no synack binary, and synack's own status when it fails.
run_synack() {
  local bin
  if ! bin=$(synack_bin); then
    if [[ $SYNACK_NOTED == 0 ]]; then log "synack bench not built: skipping synack"; SYNACK_NOTED=1; fi
    return 3
  fi
  taskset -c 0 "$bin" bench "$@"
}

# synack_case OUTFILE ARGS...: a synack run for run_case; absent binary: no
# record (returns 1); a failing run stops the script like a failing anchor.
synack_case() {
  local f=$1 rc=0; shift
  run_synack "$@" >"$f" || rc=$?
  [[ $rc == 0 ]] && return 0
  [[ $rc == 3 ]] && return 1
  log "synack bench $* failed (exit $rc):"; cat "$f" >&2; exit 1
}

# ---- running one case ----------------------------------------------------------

# record IMPL BENCH OUTPUT_FILE: keeps the RESULT line (the last line).
record() {
  local line
  line=$(tail -n 1 "$3")
  if [[ $line != RESULT* ]]; then log "$1 $2: no RESULT line"; return 1; fi
  echo "$line" >>"$OUT/raw.txt"
  [[ ${RECORDING:-1} == 1 ]] && echo "$1 $2 ${line#RESULT }" >>"$RESULTS"
  return 0
}

# run_case IMPL BENCH: one run; a failing run stops the script (an anchor
# exits non-zero on any error).
RUN=0
run_case() {
  local impl=$1 bench=$2 f=$OUT/run.$RUN.txt
  RUN=$((RUN + 1))
  case $impl/$bench in
    lwip/lifecycle) taskset -c 0 "$LWIP" --mode lifecycle --conns "$CONNS" --request-bytes 1 --purge-every "$PURGE_EVERY" >"$f" ;;
    lwip/bulk) taskset -c 0 "$LWIP" --mode bulk --bytes "$BYTES" >"$f" ;;
    linux/lifecycle)
      wait_time_wait
      taskset -c 0 "$LINUX" --mode lifecycle --conns "$CONNS" --request-bytes 1 --port $((PORT_BASE + (RUN % 32) * 16)) >"$f" ;;
    linux/bulk) "$LINUX" --mode bulk --bytes "$BYTES" --port $((PORT_BASE + 600)) >"$f" ;;
    linux1/bulk) taskset -c 0 "$LINUX" --mode bulk --bytes "$BYTES" --port $((PORT_BASE + 601)) >"$f" ;;
    synack/lifecycle) synack_case "$f" lifecycle --conns "$CONNS" --request-bytes 1 || return 0 ;;
    synack/bulk) synack_case "$f" bulk --bytes "$BYTES" || return 0 ;;
    synack64/bulk) synack_case "$f" bulk --bytes "$BYTES" --mss 65495 || return 0 ;;
  esac
  record "$impl" "$bench" "$f"
  log "  $impl $bench: $(tail -n 1 "$f" | cut -c 8-130)"
}

# The kernel keeps at most net.ipv4.tcp_max_tw_buckets TIME_WAIT sockets and
# skips TIME_WAIT beyond that (less work). Before a kernel lifecycle run, wait
# until this run's TIME_WAIT sockets fit, so every round does the same work.
wait_time_wait() {
  local max tw waited=0
  max=$(cat /proc/sys/net/ipv4/tcp_max_tw_buckets 2>/dev/null || echo 0)
  [[ $max -gt 0 ]] || return 0
  while tw=$(awk '/^TCP:/ { for (i = 1; i < NF; i++) if ($i == "tw") print $(i + 1) }' /proc/net/sockstat) \
      && [[ $((tw + CONNS)) -gt $max && $waited -lt 75 ]]; do
    [[ $waited == 0 ]] && log "  (waiting for old TIME_WAIT sockets to expire: $tw + $CONNS > $max)"
    sleep 1
    waited=$((waited + 1))
  done
}

IMPLS=(lwip linux synack)
run_round() {
  local b i
  for b in lifecycle bulk; do
    for i in "${IMPLS[@]}"; do
      if [[ $i == lwip && ! -x $LWIP ]]; then continue; fi
      run_case "$i" "$b"
    done
    if [[ $b == bulk ]]; then run_case linux1 bulk; run_case synack64 bulk; fi
  done
}

# ---- statistics ----------------------------------------------------------------

# values IMPL BENCH KEY: the recorded values, one per line.
values() {
  awk -v impl="$1" -v bench="$2" -v key="$3" '$1 == impl && $2 == bench {
    for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) print kv[2] } }' "$RESULTS"
}

# stats IMPL BENCH KEY: "median min max" or nothing.
stats() {
  values "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) exit
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%s %s %s\n", m, v[1], v[NR] }'
}

fmt_cell() { # fmt_cell "median min max" -> "median (min-max)"
  [[ -n $1 ]] || { echo "-"; return; }
  awk -v s="$1" 'function f(x) { return x >= 1000 ? sprintf("%.0f", x) : x >= 10 ? sprintf("%.1f", x) : sprintf("%.3g", x) }
    BEGIN { split(s, a, " "); printf "%s (%s-%s)", f(a[1]), f(a[2]), f(a[3]) }'
}

ratio() { # ratio "stats-a" "stats-b" -> a/b of medians
  [[ -n $1 && -n $2 ]] || { echo "-"; return; }
  awk -v a="${1%% *}" -v b="${2%% *}" 'BEGIN { if (b == 0) print "-"; else printf "%.3f", a / b }'
}

print_table() {
  local rows=(
    "lifecycle conns_per_s conn/s"
    "lifecycle cpu_us_per_conn CPU_us/conn"
    "bulk gbit_per_s Gbit/s"
    "bulk cpu_s_per_gib CPU_s/GiB"
  )
  printf '\n%-10s %-12s %-28s %-28s %-28s %-12s %-12s\n' bench metric lwip linux synack synack/lwip synack/linux
  local r bench key label lw lx sy
  for r in "${rows[@]}"; do
    read -r bench key label <<<"$r"
    lw=$(stats lwip "$bench" "$key")
    lx=$(stats linux "$bench" "$key")
    sy=$(stats synack "$bench" "$key")
    printf '%-10s %-12s %-28s %-28s %-28s %-12s %-12s\n' "$bench" "$label" "$(fmt_cell "$lw")" "$(fmt_cell "$lx")" \
      "$(fmt_cell "$sy")" "$(ratio "$sy" "$lw")" "$(ratio "$sy" "$lx")"
  done
  local label
  for key in gbit_per_s cpu_s_per_gib; do
    label=$([[ $key == gbit_per_s ]] && echo Gbit/s || echo CPU_s/GiB)
    lx=$(stats linux1 bulk "$key")
    printf '%-10s %-12s %-28s %-28s\n' "bulk*" "$label" "-" "$(fmt_cell "$lx")"
  done
  for key in gbit_per_s cpu_s_per_gib; do
    label=$([[ $key == gbit_per_s ]] && echo Gbit/s || echo CPU_s/GiB)
    lx=$(stats linux bulk "$key")
    sy=$(stats synack64 bulk "$key")
    printf '%-10s %-12s %-28s %-28s %-28s %-12s %-12s\n' "bulk64K" "$label" "-" "$(fmt_cell "$lx")" \
      "$(fmt_cell "$sy")" "-" "$(ratio "$sy" "$lx")"
  done
  echo "bulk*: the kernel's two-thread bulk pinned to one CPU (taskset -c 0), like the single-threaded stacks."
  echo "bulk64K: synack with 64 KiB packets (--mss 65495, MTU 65535) next to the kernel's loopback (MTU 65536)."
}

# ---- callgrind -------------------------------------------------------------------

# cg_totals PREFIX: the instruction count summed over the callgrind output
# files PREFIX.<pid>.out (one per traced process, so wrapper scripts work).
cg_totals() {
  local f total=0 n
  for f in "$1".*.out; do
    [[ -f $f ]] || continue
    n=$(awk '/^(summary|totals):/ { n = $2 } END { print n + 0 }' "$f")
    total=$((total + n))
  done
  echo "$total"
}

# cg_run NAME ARGS...: runs ARGS under callgrind with collection off until the
# program's timed region turns it on (the anchors toggle it around their
# timer); prints the instruction count of that region.
cg_run() {
  local name=$1; shift
  local prefix=$OUT/callgrind.$name
  valgrind --tool=callgrind --trace-children=yes --collect-atstart=no --callgrind-out-file="$prefix.%p.out" "$@" \
    >"$OUT/cg.$name.log" 2>&1 || { log "callgrind $name failed: see $OUT/cg.$name.log"; echo 0; return; }
  cg_totals "$prefix"
}

# cg_whole NAME ARGS...: full-program count (for a program without toggles).
cg_whole() {
  local name=$1; shift
  local prefix=$OUT/callgrind.$name.whole
  valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$prefix.%p.out" "$@" \
    >"$OUT/cg.$name.whole.log" 2>&1 || { echo 0; return; }
  cg_totals "$prefix"
}

# run_callgrind: per-unit instructions for each case; for synack it falls back
# to differencing two whole-program runs (N and 2N) when the program has no
# callgrind toggles. Used by the synack hook.
run_callgrind() {
  command -v valgrind >/dev/null || { log "valgrind not installed"; return; }
  local mib=$((CG_BYTES / 1048576)) n
  echo
  echo "callgrind (instructions in the timed region; lifecycle N=$CG_CONNS, bulk $mib MiB):"
  if [[ -x $LWIP ]]; then
    n=$(cg_run lwip.lifecycle "$LWIP" --mode lifecycle --conns "$CG_CONNS" --request-bytes 1 --purge-every "$PURGE_EVERY")
    awk -v n="$n" -v c="$CG_CONNS" 'BEGIN { printf "  lwip   lifecycle: %.1f k instr/conn\n", n / c / 1000 }'
    n=$(cg_run lwip.bulk "$LWIP" --mode bulk --bytes "$CG_BYTES")
    awk -v n="$n" -v m="$mib" 'BEGIN { printf "  lwip   bulk:      %.2f M instr/MiB\n", n / m / 1e6 }'
  fi
  echo "  linux  skipped: the kernel's work is invisible to callgrind (it only sees the syscall wrappers)"
  local bin
  if bin=$(synack_bin); then
    local kind args units
    for kind in lifecycle bulk bulk64; do
      case $kind in
        lifecycle) args=(lifecycle --conns "$CG_CONNS" --request-bytes 1); units=$CG_CONNS ;;
        bulk) args=(bulk --bytes "$CG_BYTES"); units=$mib ;;
        bulk64) args=(bulk --bytes "$CG_BYTES" --mss 65495); units=$mib ;;
      esac
      n=$(cg_run "synack.$kind" "$bin" bench "${args[@]}")
      awk -v n="$n" -v u="$units" -v k="$kind" 'BEGIN {
        if (k == "lifecycle") printf "  synack lifecycle: %.1f k instr/conn\n", n / u / 1000
        else if (k == "bulk") printf "  synack bulk:      %.2f M instr/MiB\n", n / u / 1e6
        else printf "  synack bulk 64K:  %.2f M instr/MiB (--mss 65495)\n", n / u / 1e6 }'
    done
  else
    echo "  synack bench not built: skipped"
  fi
}

# run_memory: heap per connection, one run each (mallinfo2; not a timing).
MEM_CONNS=10000
run_memory() {
  echo
  echo "memory (heap per connection, $MEM_CONNS idle ESTABLISHED pairs, then closed by the client):"
  local f=$OUT/mem.lwip.txt
  if [[ -x $LWIP ]] && "$LWIP" --mem --conns "$MEM_CONNS" >"$f" 2>&1; then
    awk '/^RESULT/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      printf "  lwip   established %s B/conn, TIME-WAIT %s B/conn\n", v["bytes_per_conn_established"],
        v["bytes_per_conn_time_wait"] }' "$f"
  fi
  f=$OUT/mem.synack.txt
  if run_synack memory --conns "$MEM_CONNS" >"$f" 2>&1; then
    awk '/^RESULT/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      printf "  synack established %s B/conn (client %s, server %s), TIME-WAIT entry %s B, client held after close %s B/conn; sizeof(tcp::Connection) %s B\n",
        v["bytes_per_conn_established"], v["client_bytes_established"], v["server_bytes_established"],
        v["bytes_per_conn_time_wait"], v["client_bytes_time_wait_held"], v["sizeof_connection"] }' "$f"
  fi
}

# ---- main -------------------------------------------------------------------------

[[ $BUILD == 1 ]] && build
[[ -x $LINUX ]] || { log "missing $LINUX (run without --no-build)"; exit 1; }

log "synack compare: rounds=$ROUNDS conns=$CONNS bytes=$BYTES lwip_purge_every=$PURGE_EVERY build=$BUILD_DIR"
log "machine: $(nproc) CPUs, $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
if [[ $WARMUP == 1 ]]; then
  log "warm-up round (discarded)"
  RECORDING=0 run_round
fi
for ((round = 1; round <= ROUNDS; round++)); do
  log "round $round/$ROUNDS"
  run_round
done

print_table
echo "lifecycle: 1-byte request/response, concurrency 1, $CONNS conns; lwIP TIME_WAIT purged every $PURGE_EVERY conns"
echo "bulk: $BYTES bytes, receiver copies into 32 KiB and verifies; raw RESULT lines: $OUT/raw.txt"
echo "synack: TIME-WAIT records accumulate over the lifecycle run (60 s on a virtual clock; nothing purged)"
run_memory
[[ $CALLGRIND == 1 ]] && run_callgrind
exit 0
