#!/usr/bin/env bash
# Regenerates every captures/*.pcap from its captures/*.smqp script.
#   tests/regen-captures.sh GENERATOR            rewrite the pcaps
#   tests/regen-captures.sh --check GENERATOR    fail if any committed pcap
#        differs from its script's output, or if two runs differ
set -uo pipefail
check=0
if [[ ${1:-} == --check ]]; then check=1; shift; fi
gen=$1
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for script in "$top"/captures/*.smqp; do
    name=$(basename "$script" .smqp)
    n=$((n + 1))
    "$gen" "$script" "$tmp/$name.1.pcap" || { echo "FAIL $name: generator error"; fail=1; continue; }
    if ((check)); then
        "$gen" "$script" "$tmp/$name.2.pcap"
        cmp -s "$tmp/$name.1.pcap" "$tmp/$name.2.pcap" || { echo "FAIL $name: two runs differ"; fail=1; }
        cmp -s "$tmp/$name.1.pcap" "$top/captures/$name.pcap" ||
            { echo "FAIL $name: captures/$name.pcap is not what $name.smqp generates"; fail=1; }
    else
        cp "$tmp/$name.1.pcap" "$top/captures/$name.pcap"
    fi
done
echo "$n scripts, $( ((fail)) && echo FAILED || echo ok)"
exit $fail
