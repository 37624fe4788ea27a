#!/usr/bin/env bash
# Runs the libFuzzer grammar target for SECONDS, seeded with the client and
# server streams of every corpus script and with tests/fuzz-regressions/
# (inputs that once failed; they run first, so a regression fails at once).
# A crash leaves its input in WORKDIR/artifacts and fails the run.
#   tests/fuzz-grammar.sh FUZZ_GRAMMAR SECONDS WORKDIR
set -euo pipefail
fuzzer=$1 seconds=$2 work=$3
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work/seeds" "$work/corpus" "$work/artifacts"
for script in "$top"/captures/*.smqp; do
    name=$(basename "$script" .smqp)
    # first byte: framing context (0 = plain; 1 = a message is expected)
    for side in C S; do
        { printf '\0'; sed -n "s/^$side: \\{0,1\\}//p" "$script" | sed 's/$/\r/'; } >"$work/seeds/$name-$side"
    done
done
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" "$work/seeds" "$top/tests/fuzz-regressions"
