#!/usr/bin/env bash
# Resource bounds on hostile input. Each case is generated at a quarter of
# its size and at full size; tshark -n -2 -V runs on both (normal allocator,
# as users run it) and its peak memory and time are recorded. A case fails
# when, above tshark's own start-up cost (a run on an empty SMQP session),
# time or memory grows more than 1.5 x faster than the input (x4 input,
# over x6 cost), or when the full-size run exceeds the stated bounds:
# TIME_BOUND seconds, RSS_BOUND_MB of peak resident memory.
#
#   cl-1gb        a message part claiming Content-Length: 1000000000,
#                 followed by 8 MB of data and the connection's end
#   line-10mb     a 10 MB line with no CRLF
#   headers-100k  a message with 100 000 header lines
#   tiny-100k     100 000 NOOP commands and 100 000 "200 OK" replies,
#                 pipelined, in one connection
#
#   SMQP_PLUGIN=build/smqp.so tests/resource-bounds.sh GENERATOR [OUT.md]
# OUT.md (optional) receives the table of measurements.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
gen=$1 report=${2:-}
TIME_BOUND=60 RSS_BOUND_MB=1024
tmp=$(mktemp -d)
SMQP_HOME=$(mktemp -d /tmp/smqp-home.XXXXXX)
export SMQP_HOME SMQP_STRICT=0
trap 'rm -rf "$tmp" "$SMQP_HOME"' EXIT

open_session() {
    echo "@open main 192.168.0.10:40001 192.168.0.1:720"
    echo "S: SMQP/1.0 Ready."
}

# script CASE SCALE(1 or 4): writes the case's script at SCALE quarters
script() {
    local q=$2 chunk
    chunk=$(printf '%0999d' 0 | tr 0 x)
    open_session
    case $1 in
    baseline) echo "C: NOOP"; echo "S: 200 OK" ;;
    cl-1gb)
        printf 'C: PUBLISH MESSAGE /t A1\nC:\nC: Content-Type: text/plain\nC: Content-Length: 1000000000\nC:\n'
        echo "@repeat $((2000 * q))"; echo "C: $chunk" ;;
    line-10mb)
        echo "@repeat $((2500 * q))"; echo "C| $chunk" ;;
    headers-100k)
        echo "C: PUBLISH MESSAGE /t A1"
        echo "@repeat $((25000 * q))"; echo "C: X-Header: value"
        echo "C: ." ;;
    tiny-100k)
        echo "@repeat $((25000 * q))"; echo "C: NOOP"
        echo "@repeat $((25000 * q))"; echo "S: 200 OK" ;;
    esac
    echo "@close C"
}

# measure PCAP -> "seconds peak_rss_kb", the least of two runs (less noise)
measure() {
    local best=
    for _ in 1 2; do
        /usr/bin/time -f '%e %M' -o "$tmp/usage" "$here/smqp-tshark" -n -2 -V -r "$1" \
            -o tcp.desegment_tcp_streams:TRUE >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; echo "FAILED"; return; }
        best=$(printf '%s\n%s\n' "$best" "$(tail -1 "$tmp/usage")" | awk 'NF == 2 {
            if (t == "" || $1 < t) t = $1; if (m == "" || $2 < m) m = $2 } END { print t, m }')
    done
    echo "$best"
}

"$here/smqp-tshark" --check-loaded || exit 1
script baseline 1 >"$tmp/baseline.smqp"
"$gen" "$tmp/baseline.smqp" "$tmp/baseline.pcap"
read -r t0 m0 < <(measure "$tmp/baseline.pcap")
table="| case | input (MB) | time (s) | peak RSS (MB) | time growth x4 input | memory growth x4 input |
|---|---|---|---|---|---|
| baseline (empty session) | 0 | $t0 | $((m0 / 1024)) | | |"
fail=0
for c in cl-1gb line-10mb headers-100k tiny-100k; do
    declare -A t=() m=() size=()
    for q in 1 4; do
        script "$c" "$q" >"$tmp/$c.$q.smqp"
        "$gen" "$tmp/$c.$q.smqp" "$tmp/$c.$q.pcap"
        size[$q]=$(stat -c %s "$tmp/$c.$q.pcap")
        read -r t[$q] m[$q] < <(measure "$tmp/$c.$q.pcap")
        if [[ ${t[$q]} == FAILED ]]; then echo "FAIL $c: tshark failed"; fail=1; continue 2; fi
    done
    # growth of the cost above start-up, for 4 x the input; small costs
    # (under 0.5 s, 16 MB at full size) count as bounded, and the quarter's
    # cost is taken as at least 0.2 s and 8 MB so noise cannot make a ratio
    verdict=$(awk -v t1="${t[1]}" -v t4="${t[4]}" -v m1="${m[1]}" -v m4="${m[4]}" -v t0="$t0" -v m0="$m0" \
        -v tb="$TIME_BOUND" -v mb="$RSS_BOUND_MB" 'BEGIN {
        dt1 = t1 - t0; dt4 = t4 - t0; dm1 = m1 - m0; dm4 = m4 - m0
        gt = (dt4 < 0.5) ? 0 : dt4 / (dt1 > 0.2 ? dt1 : 0.2)
        gm = (dm4 < 16384) ? 0 : dm4 / (dm1 > 8192 ? dm1 : 8192)
        bad = ""
        if (gt > 6) bad = bad " time grows superlinearly"
        if (gm > 6) bad = bad " memory grows superlinearly"
        if (t4 > tb) bad = bad " over " tb " s"
        if (m4 / 1024 > mb) bad = bad " over " mb " MB"
        printf "%s|%s|%s\n", (gt ? sprintf("%.1f", gt) : "bounded"), (gm ? sprintf("%.1f", gm) : "bounded"), bad }')
    IFS='|' read -r gt gm bad <<<"$verdict"
    table+="
| $c | $(awk -v s="${size[4]}" 'BEGIN { printf "%.1f", s / 1e6 }') | ${t[4]} (quarter: ${t[1]}) | $((m[4] / 1024)) (quarter: $((m[1] / 1024))) | $gt | $gm |"
    if [[ -n $bad ]]; then
        echo "FAIL $c:$bad"
        fail=1
    else
        echo "ok $c: ${t[4]} s, $((m[4] / 1024)) MB peak; growth for x4 input: time $gt, memory $gm"
    fi
done
echo "$table"
[[ -n $report ]] && printf '%s\n\nBounds: %s s and %s MB at full size; growth over x6 for x4 input fails.\n' \
    "$table" "$TIME_BOUND" "$RSS_BOUND_MB" >"$report"
exit $fail
