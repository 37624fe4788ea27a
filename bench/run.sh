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
# machine. Time is tshark's CPU time (user + system), which a neighbour on
# the other core disturbs far less than wall-clock time; "empty" (an SMQP
# session of one command) measures tshark's fixed start-up cost, which the
# growth ratios subtract.
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

calc() { awk "BEGIN { printf \"$1\", $2 }"; }

gen() {   # name kind megabytes [connections]
    [[ -f $work/$1.pcap ]] && return
    echo "generating $1 ($3 MB of $2)"
    "$build/smqp-scriptgen" bench "$2" "$3" "${4:-1000}" 1 >"$work/$1.smqp"
    "$build/smqp-pcapgen" "$work/$1.smqp" "$work/$1.pcap"
    # PDUs: SMQP banner/command/reply/ACK lines; HTTP requests and responses
    grep -cE '^[CS]: (SMQP/|[A-Z]+ [A-Z/]|(LOGIN|PASS|QUIT)( |$)|[0-9]{3} |HTTP/1.1 [0-9])' "$work/$1.smqp" >"$work/$1.pdus" || true
    rm -f "$work/$1.smqp"
}
gen "smqp-$mb" smqp "$mb"
gen "smqp-$((mb / 2))" smqp "$((mb / 2))"
gen "smqp-$((mb / 4))" smqp "$((mb / 4))"
gen "http-$mb" http "$mb"
gen "text-$((mb / 2))" text "$((mb / 2))"
gen empty smqp 0 1

with=$(mktemp -d /tmp/smqp-home.XXXXXX) without=$(mktemp -d /tmp/smqp-home.XXXXXX)
trap 'rm -rf "$with" "$without"' EXIT
export SMQP_STRICT=0 SMQP_PLUGIN=$build/smqp.so
SMQP_HOME=$with "$top/tests/smqp-tshark" --check-loaded || exit 1

V=(-n -2 -V)
FS=(-n -2 -T fields -e frame.number -e smqp.command -e smqp.topic -Y smqp.command)
FH=(-n -2 -T fields -e frame.number -e http.request.method -e http.request.uri -Y http.request)
# name | home | capture | tshark arguments
configs=(
    "smqp-V|$with|smqp-$mb|${V[*]}"
    "smqp-V-floor|$with|smqp-$mb|${V[*]} --disable-protocol smqp"
    "http-V|$with|http-$mb|${V[*]}"
    "http-V-floor|$with|http-$mb|${V[*]} --disable-protocol http"
    "smqp-F|$with|smqp-$mb|${FS[*]}"
    "smqp-F-floor|$with|smqp-$mb|${FS[*]} --disable-protocol smqp"
    "http-F|$with|http-$mb|${FH[*]}"
    "http-F-floor|$with|http-$mb|${FH[*]} --disable-protocol http"
    "text-V-plugin|$with|text-$((mb / 2))|${V[*]}"
    "text-V-noplugin|$without|text-$((mb / 2))|${V[*]}"
    "smqp-V-$((mb / 4))|$with|smqp-$((mb / 4))|${V[*]}"
    "smqp-V-$((mb / 2))|$with|smqp-$((mb / 2))|${V[*]}"
    "empty-V|$with|empty|${V[*]}"
)
run_one() {   # round index-in-configs
    IFS='|' read -r name home cap args <<<"${configs[$2]}"
    local plugin=$SMQP_PLUGIN out=$work/result.$1.$2
    [[ $home == "$without" ]] && plugin=none
    # shellcheck disable=SC2086  # args is a word list
    SMQP_HOME=$home SMQP_PLUGIN=$plugin /usr/bin/time -f '%U %S %M' -o "$out" \
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
        read -r u sy m < <(tail -1 "$work/result.$r.$i")
        [[ $u == FAILED ]] && exit 1
        t=$(calc %.2f "$u + $sy")
        times[$name]+="$t " rss[$name]+="$m "
        echo "run $r $name: $t s, $((m / 1024)) MB"
    done
done
rm -f "$work"/result.*

# On a shared virtual machine CPU time varies by 10 % from run to run, more
# than the differences measured here; instructions executed vary far less
# (under one percentage point between runs).
# So the ratios are also measured with callgrind, on slices: the first
# SLICE packets of each capture (the same slice with and without the
# dissector), and 10 000 packets of the foreign capture for the heuristic;
# tshark's start-up (a run on an empty session) is subtracted.
slice=${SMQP_BENCH_SLICE:-4000}
editcap -r "$work/smqp-$mb.pcap" "$work/smqp-slice.pcap" "1-$slice"
editcap -r "$work/http-$mb.pcap" "$work/http-slice.pcap" "1-$slice"
editcap -r "$work/text-$((mb / 2)).pcap" "$work/text-slice.pcap" 1-10000
icount() {   # name home capture mode(V|FS|FH) [protocol to disable]
    local name=$1 home=$2 cap=$3 plugin=$SMQP_PLUGIN args
    [[ $home == "$without" ]] && plugin=none
    case $4 in V) args=("${V[@]}") ;; FS) args=("${FS[@]}") ;; FH) args=("${FH[@]}") ;; esac
    [[ -n ${5:-} ]] && args+=(--disable-protocol "$5")
    SMQP_HOME=$home SMQP_PLUGIN=$plugin SMQP_CALLGRIND=$work/ir.$name \
        "$top/tests/smqp-tshark" -r "$work/$cap.pcap" "${args[@]}" >/dev/null 2>&1
}
for m in "smqp-V smqp-slice V smqp" "http-V http-slice V http" "smqp-F smqp-slice FS smqp" \
         "http-F http-slice FH http"; do
    read -r name cap mode proto <<<"$m"
    icount "$name" "$with" "$cap" "$mode" &
    icount "$name-floor" "$with" "$cap" "$mode" "$proto" &
    wait
done
icount text-plugin "$with" text-slice V &
icount text-noplugin "$without" text-slice V &
wait
icount empty "$with" empty V
# The dissector's own instructions: the inclusive cost of its entry point on
# the SMQP slice, with data parts not handed to media dissectors (-V -2).
# SMQP_BENCH_BASELINE=other/smqp.so measures that plugin the same way.
own() {   # plugin name
    SMQP_HOME=$(mktemp -d "$work/home-own.XXXXXX") SMQP_PLUGIN=$1 SMQP_CALLGRIND=$work/ir.$2 \
        SMQP_CALLGRIND_OUT=$work/cg.$2 "$top/tests/smqp-tshark" -r "$work/smqp-slice.pcap" "${V[@]}" \
        -o smqp.media:FALSE >/dev/null 2>&1
    callgrind_annotate --inclusive=yes "$work/cg.$2" |
        awk '/packet-smqp\.c:dissect_smqp(_heur)?( |$)/ { gsub(",", "", $1); s += $1 } END { print s + 0 }'
}
own_cost=$(own "$SMQP_PLUGIN" own)
base_cost=
[[ -z ${SMQP_BENCH_BASELINE:-} ]] || base_cost=$(own "$SMQP_BENCH_BASELINE" own-baseline)
I() { cat "$work/ir.$1"; }
ipct() { calc %.2f "($(I "$1") - $(I "$2")) / ($(I "$2") - $(I empty)) * 100"; }

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
T() { median <<<"${times[$1]}"; }
M() { echo $(($(median <<<"${rss[$1]}" | cut -d. -f1) / 1024)); }
size() { awk -v s="$(stat -c %s "$work/$1.pcap")" 'BEGIN { printf "%.1f", s / 1e6 }'; }

smqp_pdus=$(cat "$work/smqp-$mb.pdus") http_pdus=$(cat "$work/http-$mb.pdus")
s_over=$(calc %.3f "$(T smqp-V) / $(T smqp-V-floor)")
h_over=$(calc %.3f "$(T http-V) / $(T http-V-floor)")
sf_over=$(calc %.3f "$(T smqp-F) / $(T smqp-F-floor)")
hf_over=$(calc %.3f "$(T http-F) / $(T http-F-floor)")
heur=$(calc %.1f "($(T text-V-plugin) / $(T text-V-noplugin) - 1) * 100")
lin_t=$(calc %.2f "($(T smqp-V) - $(T empty-V)) / (4 * ($(T "smqp-V-$((mb / 4))") - $(T empty-V)))")
lin_m=$(calc %.2f "($(M smqp-V) - $(M empty-V)) / (4 * ($(M "smqp-V-$((mb / 4))") - $(M empty-V)))")
lin_t_raw=$(calc %.2f "$(T smqp-V) / (4 * $(T "smqp-V-$((mb / 4))"))")
lin_m_raw=$(calc %.2f "$(M smqp-V) / (4 * $(M "smqp-V-$((mb / 4))"))")

{
    echo "# Benchmark results"
    echo
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo),"
    echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(tshark --version | head -1);"
    echo "date $(date -u +%Y-%m-%d). Command: \`bench/run.sh $mb $runs $parallel\` (medians of $runs interleaved runs, $parallel at a time)."
    echo
    echo "| configuration | capture (MB) | median CPU time (s) | MB/s | peak RSS (MB) |"
    echo "|---|---|---|---|---|"
    for c in "${configs[@]}"; do
        IFS='|' read -r name _ cap _ <<<"$c"
        echo "| $name | $(size "$cap") | $(T "$name") | $(calc %.1f "$(size "$cap") / $(T "$name")") | $(M "$name") |"
    done
    echo
    echo "## Ratios"
    echo
    echo "Overhead = time with the dissector / time with it disabled (\`--disable-protocol\`), minus 1."
    echo
    echo "| what | CPU time | instructions (callgrind, first $slice packets) | target |"
    echo "|---|---|---|---|"
    echo "| SMQP overhead, -V | $(calc %.1f "($s_over - 1) * 100") % | $(ipct smqp-V smqp-V-floor) % | at most HTTP's |"
    echo "| HTTP overhead, -V | $(calc %.1f "($h_over - 1) * 100") % | $(ipct http-V http-V-floor) % | |"
    echo "| SMQP overhead, fields + filter | $(calc %.1f "($sf_over - 1) * 100") % | $(ipct smqp-F smqp-F-floor) % | at most HTTP's |"
    echo "| HTTP overhead, fields + filter | $(calc %.1f "($hf_over - 1) * 100") % | $(ipct http-F http-F-floor) % | |"
    echo "| heuristic overhead on foreign text ($(size "text-$((mb / 2))") MB; callgrind: first 10 000 packets) | $heur % | $(ipct text-plugin text-noplugin) % | under 2 % |"
    echo
    echo "| what | value | target |"
    echo "|---|---|---|"
    echo "| SMQP cost per PDU, -V, CPU time ($smqp_pdus PDUs) | $(calc %.2f "($(T smqp-V) - $(T smqp-V-floor)) * 1e6 / $smqp_pdus") µs | |"
    echo "| HTTP cost per PDU, -V, CPU time ($http_pdus PDUs) | $(calc %.2f "($(T http-V) - $(T http-V-floor)) * 1e6 / $http_pdus") µs | |"
    echo "| time at $mb MB / (4 x time at $((mb / 4)) MB), start-up cost subtracted | $lin_t | within 10 % of 1 |"
    echo "| peak RSS at $mb MB / (4 x at $((mb / 4)) MB), start-up RSS subtracted | $lin_m | within 10 % of 1 |"
    echo "| the same two, raw (start-up included) | $lin_t_raw, $lin_m_raw | |"
    echo "| the dissector's own instructions (inclusive cost of its entry, first $slice packets, -V -2, no media hand-off) | $own_cost | |"
    [[ -z $base_cost ]] || echo "| the same for the baseline plugin $SMQP_BENCH_BASELINE | $base_cost | not below this build's |"
    echo
    echo "Reading the table: with a dissector disabled, TCP offers every payload"
    echo "segment to each TCP heuristic dissector before it falls to Data, and -V"
    echo "prints one Data item per segment; that can cost more than dissecting"
    echo "the reassembled PDUs, so an overhead can be negative, for HTTP as for"
    echo "SMQP. CPU-time ratios move by several per cent between runs on this"
    echo "machine; instruction counts moved by under one percentage point between runs."
} >"$top/bench/RESULTS.md"
cat "$top/bench/RESULTS.md"
