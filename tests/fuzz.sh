#!/usr/bin/env bash
# Fuzzes the plugin through tshark, two ways taken in turn:
#  (a) a corpus capture with random bytes changed (editcap -E, seeded);
#  (b) a random but structured SMQP session (tools/smqp-scriptgen fuzz SEED,
#      turned into a pcap by smqp-pcapgen): every command form in any
#      spelling, random headers, parts, Content-Lengths, binary data, replies,
#      callback connections, TCP splits, loss, reordering, retransmission.
# Each case runs tshark -n -2 -V under the checks of tests/smqp-tshark (dissector
# bugs abort, strict wmem, and the sanitizers when SMQP_SANITIZER_RUNTIME is
# set) with a time limit and a peak-memory limit. A crash, abort, sanitizer
# report, time-out, memory over the limit, dissector bug, glib warning or an
# exception inside SMQP ("Malformed Packet: SMQP") is a finding: the run
# fails and the case is kept in the output folder as FINDING-SEED.pcap
# (+ .smqp script for (b), + .log).
#
#   tests/fuzz.sh [--seconds N] [--first-seed S] [--out DIR] [--jobs J]
#   needs SMQP_PLUGIN, SMQP_PCAPGEN, SMQP_SCRIPTGEN (paths of the built tools)
#
# Same seeds, same cases: rerun one with --first-seed S --seconds 1 --jobs 1.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
seconds=60 seed=1 jobs=$(nproc) out=$PWD/fuzz-findings
while (($#)); do
    case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --first-seed) seed=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) echo "usage: $0 [--seconds N] [--first-seed S] [--out DIR] [--jobs J]" >&2; exit 2 ;;
    esac
done
: "${SMQP_PLUGIN:?}" "${SMQP_PCAPGEN:?}" "${SMQP_SCRIPTGEN:?}"
time_limit=60                      # seconds per case; cases are a few kB
mem_limit_mb=${SMQP_FUZZ_MEM_MB:-1500}   # peak RSS per case (ASan doubles it)
mkdir -p "$out"
work=$(mktemp -d)
SMQP_HOME=$(mktemp -d /tmp/smqp-home.XXXXXX)   # tshark's unprivileged id must enter it
export SMQP_HOME
trap 'rm -rf "$work" "$SMQP_HOME"' EXIT
corpus=("$top"/captures/*.pcap)
# set up the private home once (parallel cases share it), and make sure the
# plugin under test is the one tshark loads
"$here/smqp-tshark" --check-loaded || exit 1

# One case: seed -> verdict line "ok" or "FINDING kind"; keeps the reproducer.
run_case() {
    local s=$1 d=$work/case.$1 kind=
    mkdir -p "$d"
    if ((s % 2)); then
        local src=${corpus[$(((s / 2) % ${#corpus[@]}))]}
        local rate=0.0$((1 + s % 9))
        editcap -E "$rate" --seed "$s" "$src" "$d/in.pcap" >/dev/null 2>&1 || { echo "ok"; return; }
        echo "editcap -E $rate --seed $s captures/$(basename "$src")" >"$d/how"
    else
        "$SMQP_SCRIPTGEN" fuzz "$s" >"$d/in.smqp"
        "$SMQP_PCAPGEN" "$d/in.smqp" "$d/in.pcap" 2>"$d/gen.err" || {
            echo "FINDING generator"; cp "$d/in.smqp" "$out/generator-$s.smqp"; return; }
        echo "smqp-scriptgen fuzz $s" >"$d/how"
        # every fourth structured case is cut again, 1 to 9 bytes per
        # segment, so the fuzzer also sees reassembly across many segments
        if ((s % 4 == 0)) && "$top/tools/smqp-resegment" "within:$((1 + s / 4 % 9))" "$d/in.pcap" "$d/reseg.pcap" \
            2>/dev/null; then
            mv "$d/reseg.pcap" "$d/in.pcap"
            echo "then tools/smqp-resegment within:$((1 + s / 4 % 9))" >>"$d/how"
        fi
    fi
    /usr/bin/time -f '%M %e' -o "$d/usage" timeout -s KILL "$time_limit" \
        "$here/smqp-tshark" -n -2 -V -r "$d/in.pcap" \
        -o tcp.desegment_tcp_streams:TRUE -o tcp.reassemble_out_of_order:TRUE >"$d/out" 2>"$d/err"
    local rc=$?
    local rss_kb
    rss_kb=$(awk '/^[0-9]+ [0-9.]+$/ { v = $1 } END { print v }' "$d/usage")
    if ((rc == 99)); then kind=sanitizer
    elif ((rc == 137)); then kind=timeout
    elif ((rc > 128)); then kind=signal$((rc - 128))
    elif ((rc != 0)); then kind=exit$rc
    elif [[ -n $rss_kb ]] && ((rss_kb > mem_limit_mb * 1024)); then kind=memory
    elif grep -q 'Dissector bug' "$d/out" "$d/err"; then kind=dissector-bug
    elif grep -q 'Malformed Packet: SMQP' "$d/out"; then kind=malformed
    elif grep -qE 'CRITICAL|WARNING \*\*' "$d/err"; then kind=glib-warning
    fi
    if [[ -n $kind ]]; then
        echo "FINDING $kind"
        cp "$d/in.pcap" "$out/$kind-$s.pcap"
        [[ -f $d/in.smqp ]] && cp "$d/in.smqp" "$out/$kind-$s.smqp"
        { cat "$d/how"; echo "exit $rc, peak RSS ${rss_kb:-?} kB"; cat "$d/err"; } >"$out/$kind-$s.log"
    else
        echo "ok"
    fi
    rm -rf "$d"
}

end=$((SECONDS + seconds))
cases=0 findings=0
declare -A running=()
while ((SECONDS < end)) || ((${#running[@]})); do
    while ((${#running[@]} < jobs)) && ((SECONDS < end)); do
        run_case "$seed" >"$work/verdict.$seed" &
        running[$!]=$seed
        seed=$((seed + 1))
    done
    wait -n
    for pid in "${!running[@]}"; do
        kill -0 "$pid" 2>/dev/null && continue
        s=${running[$pid]}
        unset "running[$pid]"
        cases=$((cases + 1))
        v=$(cat "$work/verdict.$s")
        if [[ $v != ok ]]; then
            findings=$((findings + 1))
            echo "seed $s: $v (kept in $out)"
        fi
    done
done
echo "$cases cases in $seconds s (seeds up to $((seed - 1))), $findings findings"
((findings == 0))
