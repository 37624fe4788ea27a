#!/usr/bin/env bash
# The plugin must leave other protocols alone. For every capture of real
# foreign traffic in captures/negative/ (HTTP, SMTP, FTP, IMAP/POP3, Redis,
# memcached, each on its own port and on SMQP's 720 and 721):
#  - not one frame may carry SMQP;
#  - tshark -V must print exactly the same with the plugin as without it.
#
#   SMQP_PLUGIN=build/smqp.so tests/check-negative.sh [CAPTURE...]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
(($#)) || set -- "$top"/captures/negative/*.pcap
with=$(mktemp -d /tmp/smqp-home.XXXXXX) without=$(mktemp -d /tmp/smqp-home.XXXXXX)
trap 'rm -rf "$with" "$without"' EXIT
# the same TCP settings as the goldens, and the heuristic tried as usual
opts=(-n -2 -o tcp.desegment_tcp_streams:TRUE -o tcp.reassemble_out_of_order:TRUE -o tcp.check_checksum:FALSE)
SMQP_HOME=$with "$here/smqp-tshark" --check-loaded || exit 1
fail=0
for pcap in "$@"; do
    name=$(basename "$pcap" .pcap)
    frames=$(SMQP_HOME=$with "$here/smqp-tshark" -r "$pcap" "${opts[@]}" -Y smqp 2>&1 | wc -l)
    total=$(SMQP_HOME=$with "$here/smqp-tshark" -r "$pcap" "${opts[@]}" 2>&1 | wc -l)
    if ((frames != 0)); then
        echo "FAIL $name: $frames of $total frames decoded as SMQP"
        SMQP_HOME=$with "$here/smqp-tshark" -r "$pcap" "${opts[@]}" -Y smqp | head -5
        fail=1
        continue
    fi
    if ! diff -u --label "$name without plugin" --label "$name with plugin" \
        <(SMQP_HOME=$without SMQP_PLUGIN=none "$here/smqp-tshark" -r "$pcap" "${opts[@]}" -V 2>&1) \
        <(SMQP_HOME=$with "$here/smqp-tshark" -r "$pcap" "${opts[@]}" -V 2>&1) | head -40; then
        echo "FAIL $name: dissection differs with the plugin loaded"
        fail=1
        continue
    fi
    echo "ok $name: 0 of $total frames SMQP, -V identical with and without the plugin"
done
exit $fail
