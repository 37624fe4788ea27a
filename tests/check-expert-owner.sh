#!/usr/bin/env bash
# SMQP's expert items are filed under SMQP, even after a data part's media
# dissector threw (it leaves its name as the current protocol):
#   SMQP_PLUGIN=build/smqp.so tests/check-expert-owner.sh CAPTURE.pcap
# Fails when -z expert lists a message of SMQP's own (its texts name SMQP,
# Content-Length, CMUID/SMUID, a verb, a reply...) under another protocol,
# or lists none under SMQP.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pcap=$1
SMQP_HOME=$(mktemp -d /tmp/smqp-home.XXXXXX)
export SMQP_HOME
trap 'rm -rf "$SMQP_HOME"' EXIT
"$here/smqp-tshark" --check-loaded || exit 1
out=$("$here/smqp-tshark" -r "$pcap" -n -q -z expert 2>&1)
# rows: count, group, protocol, summary
smqp=$(awk '$3 == "SMQP"' <<<"$out" | wc -l)
stray=$(awk 'NF >= 4 && $3 != "SMQP" && /SMQP/' <<<"$out")
if ((smqp == 0)) || [[ -n $stray ]]; then
    echo "FAIL $(basename "$pcap"): SMQP expert items under another protocol, or none under SMQP:"
    printf '%s\n' "$out"
    exit 1
fi
echo "ok $(basename "$pcap"): $smqp SMQP expert rows, none under another protocol"
