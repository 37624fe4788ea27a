#!/usr/bin/env bash
# Checks one capture against its golden files and its expectations.
#
#   tests/check-capture.sh [--bless] CAPTURE.pcap GOLDEN_DIR EXPECT_FILE
#
# (a) the one-line-per-packet summary and (b) the SMQP detail (-V -O smqp)
# are compared with GOLDEN_DIR/NAME.summary and NAME.detail; a mismatch
# prints a unified diff. --bless rewrites them instead (review the diff in
# git before committing). Every line "COUNT FILTER" of EXPECT_FILE must
# match exactly COUNT frames; it is never regenerated. Unless the file says
# otherwise, no frame may fall to the generic Data dissector. A line
# "@option NAME:VALUE" adds a tshark -o setting for this capture.
#
# Needs SMQP_PLUGIN (the smqp.so to test); SMQP_HOME may name a private
# home shared between calls.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bless=0
if [[ ${1:-} == --bless ]]; then bless=1; shift; fi
pcap=$1 golden=$2 expect=$3
name=$(basename "$pcap" .pcap)
if [[ -z ${SMQP_HOME:-} ]]; then
    SMQP_HOME=$(mktemp -d /tmp/smqp-home.XXXXXX)
    trap 'rm -rf "$SMQP_HOME"' EXIT
fi
export SMQP_HOME

# TCP settings that change how SMQP is cut, stated so a user's own
# preferences cannot change the result.
opts=(-n -2 -o tcp.desegment_tcp_streams:TRUE -o tcp.reassemble_out_of_order:TRUE
      -o tcp.analyze_sequence_numbers:TRUE -o tcp.check_checksum:FALSE
      -o tcp.try_heuristic_first:FALSE)
if [[ -f $expect ]]; then
    while read -r kw value; do
        [[ $kw == @option ]] && opts+=(-o "$value")
    done <"$expect"
fi
ts() { "$here/smqp-tshark" -r "$pcap" "${opts[@]}" "$@" 2>&1; }

fail=0
# the plugin must be the one just built, and loaded
"$here/smqp-tshark" --check-loaded || { echo "FAIL $name: tshark did not load the freshly built smqp.so"; exit 1; }

check() {   # what, actual text
    local file=$golden/$name.$1
    if ((bless)); then
        printf '%s\n' "$2" >"$file"
        return
    fi
    if [[ ! -f $file ]]; then
        echo "FAIL $name: no golden $file (run with --bless after review)"
        fail=1
    elif ! diff -u --label "golden/$name.$1" --label "actual" "$file" <(printf '%s\n' "$2"); then
        echo "FAIL $name: $1 differs from golden"
        fail=1
    fi
}
check summary "$(ts)"
check detail "$(ts -V -O smqp)"

if [[ ! -f $expect ]]; then
    echo "FAIL $name: no expectations file $expect"
    exit 1
fi
count() { ts -Y "$1" -T fields -e frame.number | grep -c '^[0-9]'; }
has_data_line=0
while IFS= read -r line; do
    [[ -z ${line// } || $line == \#* || $line == @* ]] && continue
    want=${line%% *}
    filter=${line#* }
    [[ $filter == data ]] && has_data_line=1
    got=$(count "$filter")
    if [[ $got != "$want" ]]; then
        echo "FAIL $name: expected $want frame(s) for [$filter], got $got"
        fail=1
    fi
done <"$expect"
if ((!has_data_line)); then
    got=$(count data)
    if [[ $got != 0 ]]; then
        echo "FAIL $name: $got frame(s) fell to the Data dissector"
        fail=1
    fi
fi
((fail)) || echo "ok $name"
exit $fail
