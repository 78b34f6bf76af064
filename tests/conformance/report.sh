#!/bin/sh
# Regenerate docs/conformance.md: runs every shared conformance suite against synack
# (virtual clock, a few seconds). Usage: tests/conformance/report.sh [BUILD_DIR]
# The scripts are found via $SYNACK_CONFORMANCE_DIR, else ../shared/conformance next to
# the source tree, else /work/shared/conformance. `make conformance` does the same.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
exec "$build/synack" conformance \
  --expected "$here/expected.json" \
  --causes "$here/failure-causes.json" \
  --out "$root/docs/conformance.md"
