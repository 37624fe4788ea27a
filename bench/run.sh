#!/usr/bin/env bash
# Benchmark: what SMQP dissection costs over tshark's TCP floor, against
# what Wireshark's own HTTP dissector costs over its floor, on captures of
# the same size and message-size mix; the heuristic's cost on foreign
# traffic; and growth with capture size. Writes bench/RESULTS.md.
#
#   bench/run.sh [MEGABYTES] [RUNS] [JOBS]   (defaults: 200 MB, 3 runs, 2 jobs)
#
# Captures (made by tools/smqp-scriptgen bench + smqp-pcapgen, seed 1, in
# bench/work/, not committed):
#   smqp-N   SMQP on 720, 1 000 concurrent connections: banner, login,
#            subscribe, then PUBLISH (1-3 parts of 50 B - 64 kB) and NOTIFY
#            with two-phase ACK, MSS 1460
#   http     HTTP/1.1 on 80, 1 000 connections, same body sizes: POST with
#            Content-Length bodies, GET answered by Content-Length bodies
#   text     a line protocol on port 4344 (no dissector), same sizes, half
#            the bytes (it only serves the with/without-plugin comparison)
# tshark runs as in tests/ (private home, unprivileged id) but with the
# normal allocator (SMQP_STRICT=0); each configuration RUNS times, the runs
# interleaved round-robin so drift of the machine hits all alike; medians.
# JOBS tshark processes run at once (one per core: tshark is single-threaded),
# each round in a rotated order so no two configurations always share the
# machine.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mb=${1:-200} runs=${2:-3} parallel=${3:-2}
build=${SMQP_BUILD_DIR:-$top/build}
work=$top/bench/work
mkdir -p "$work"
if [[ ! -x $build/smqp-scriptgen || ! -f $build/smqp.so ]]; then
    cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$build" -j"$(nproc)" >/dev/null
fi
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (package time)"; exit 1; }

gen() {   # name kind megabytes
    [[ -f $work/$1.pcap ]] && return
    echo "generating $1 ($3 MB of $2)"
    "$build/smqp-scriptgen" bench "$2" "$3" 1000 1 >"$work/$1.smqp"
    "$build/smqp-pcapgen" "$work/$1.smqp" "$work/$1.pcap"
    # PDUs: SMQP banner/command/reply/ACK lines; HTTP requests and responses
    grep -cE '^[CS]: (SMQP/|[A-Z]+ [A-Z/]|(LOGIN|PASS|QUIT)( |$)|[0-9]{3} |HTTP/1.1 [0-9])' "$work/$1.smqp" >"$work/$1.pdus" || true
    rm -f "$work/$1.smqp"
}
gen "smqp-$mb" smqp "$mb"
gen "smqp-$((mb / 2))" smqp "$((mb / 2))"
gen "smqp-$((mb / 4))" smqp "$((mb / 4))"
gen http http "$mb"
gen text text "$((mb / 2))"

with=$(mktemp -d /tmp/smqp-home.XXXXXX) without=$(mktemp -d /tmp/smqp-home.XXXXXX)
trap 'rm -rf "$with" "$without"' EXIT
export SMQP_STRICT=0 SMQP_PLUGIN=$build/smqp.so
SMQP_HOME=$with "$top/tests/smqp-tshark" -G plugins | grep -q "smqp.so.*$with" ||
    { echo "tshark did not load $SMQP_PLUGIN"; exit 1; }

V=(-n -2 -V)
FS=(-n -2 -T fields -e frame.number -e smqp.command -e smqp.topic -Y smqp.command)
FH=(-n -2 -T fields -e frame.number -e http.request.method -e http.request.uri -Y http.request)
# name | home | capture | tshark arguments
configs=(
    "smqp-V|$with|smqp-$mb|${V[*]}"
    "smqp-V-floor|$with|smqp-$mb|${V[*]} --disable-protocol smqp"
    "http-V|$with|http|${V[*]}"
    "http-V-floor|$with|http|${V[*]} --disable-protocol http"
    "smqp-F|$with|smqp-$mb|${FS[*]}"
    "smqp-F-floor|$with|smqp-$mb|${FS[*]} --disable-protocol smqp"
    "http-F|$with|http|${FH[*]}"
    "http-F-floor|$with|http|${FH[*]} --disable-protocol http"
    "text-V-plugin|$with|text|${V[*]}"
    "text-V-noplugin|$without|text|${V[*]}"
    "smqp-V-$((mb / 4))|$with|smqp-$((mb / 4))|${V[*]}"
    "smqp-V-$((mb / 2))|$with|smqp-$((mb / 2))|${V[*]}"
)
run_one() {   # round index-in-configs
    IFS='|' read -r name home cap args <<<"${configs[$2]}"
    local plugin=$SMQP_PLUGIN out=$work/result.$1.$2
    [[ $home == "$without" ]] && plugin=none
    # shellcheck disable=SC2086  # args is a word list
    SMQP_HOME=$home SMQP_PLUGIN=$plugin /usr/bin/time -f '%e %M' -o "$out" \
        "$top/tests/smqp-tshark" -r "$work/$cap.pcap" $args >/dev/null 2>"$out.err" ||
        { echo "FAILED: $name"; cat "$out.err"; echo "FAILED" >"$out"; }
}
declare -A times=() rss=()
n=${#configs[@]}
for ((r = 1; r <= runs; r++)); do
    for ((k = 0; k < n; k++)); do
        i=$(((k + (r - 1) * 5) % n))
        while (($(jobs -rp | wc -l) >= parallel)); do wait -n; done
        run_one "$r" "$i" &
    done
    wait
    for ((i = 0; i < n; i++)); do
        IFS='|' read -r name _ <<<"${configs[$i]}"
        read -r t m < <(tail -1 "$work/result.$r.$i")
        [[ $t == FAILED ]] && exit 1
        times[$name]+="$t " rss[$name]+="$m "
        echo "run $r $name: $t s, $((m / 1024)) MB"
    done
done
rm -f "$work"/result.*

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
T() { median <<<"${times[$1]}"; }
M() { echo $(($(median <<<"${rss[$1]}" | cut -d. -f1) / 1024)); }
size() { awk -v s="$(stat -c %s "$work/$1.pcap")" 'BEGIN { printf "%.1f", s / 1e6 }'; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

smqp_pdus=$(cat "$work/smqp-$mb.pdus") http_pdus=$(cat "$work/http.pdus")
s_over=$(calc %.3f "$(T smqp-V) / $(T smqp-V-floor)")
h_over=$(calc %.3f "$(T http-V) / $(T http-V-floor)")
sf_over=$(calc %.3f "$(T smqp-F) / $(T smqp-F-floor)")
hf_over=$(calc %.3f "$(T http-F) / $(T http-F-floor)")
heur=$(calc %.1f "($(T text-V-plugin) / $(T text-V-noplugin) - 1) * 100")
lin_t=$(calc %.2f "$(T smqp-V) / (4 * $(T "smqp-V-$((mb / 4))"))")
lin_m=$(calc %.2f "$(M smqp-V) / (4 * $(M "smqp-V-$((mb / 4))"))")

{
    echo "# Benchmark results"
    echo
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo),"
    echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(tshark --version | head -1);"
    echo "date $(date -u +%Y-%m-%d). Command: \`bench/run.sh $mb $runs $parallel\` (medians of $runs interleaved runs, $parallel at a time)."
    echo
    echo "| configuration | capture (MB) | median time (s) | MB/s | peak RSS (MB) |"
    echo "|---|---|---|---|---|"
    for c in "${configs[@]}"; do
        IFS='|' read -r name _ cap _ <<<"$c"
        echo "| $name | $(size "$cap") | $(T "$name") | $(calc %.1f "$(size "$cap") / $(T "$name")") | $(M "$name") |"
    done
    echo
    echo "## Ratios"
    echo
    echo "| what | value | target |"
    echo "|---|---|---|"
    echo "| SMQP -V time over its TCP floor | $s_over | at most HTTP's: $h_over |"
    echo "| HTTP -V time over its TCP floor | $h_over | |"
    echo "| SMQP fields+filter time over its floor | $sf_over | at most HTTP's: $hf_over |"
    echo "| HTTP fields+filter time over its floor | $hf_over | |"
    echo "| SMQP cost per PDU, -V ($smqp_pdus PDUs) | $(calc %.2f "($(T smqp-V) - $(T smqp-V-floor)) * 1e6 / $smqp_pdus") µs | |"
    echo "| HTTP cost per PDU, -V ($http_pdus PDUs) | $(calc %.2f "($(T http-V) - $(T http-V-floor)) * 1e6 / $http_pdus") µs | |"
    echo "| heuristic overhead on foreign text traffic ($(size text) MB) | $heur % | under 2 % |"
    echo "| time at $mb MB / (4 x time at $((mb / 4)) MB) | $lin_t | within 10 % of 1 |"
    echo "| peak RSS at $mb MB / (4 x at $((mb / 4)) MB) | $lin_m | (RSS includes tshark's fixed ~150 MB) |"
} >"$top/bench/RESULTS.md"
cat "$top/bench/RESULTS.md"
