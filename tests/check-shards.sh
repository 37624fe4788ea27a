#!/usr/bin/env bash
# tools/smqp-shard-decode is exact: on a bench capture whose clients each
# have a callback connection, the rows of the whole capture decoded at once
# are the rows decoded in K = 2 and 4 shards, and the rows of a ring-buffer
# split (editcap -i) decoded with warm-up; and editcap -c pieces decoded one
# by one are not (the numbers show why the tool exists).
#   SMQP_PLUGIN=build/smqp.so tests/check-shards.sh SCRIPTGEN PCAPGEN
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
scriptgen=$1 pcapgen=$2
work=$(mktemp -d /tmp/smqp-shards-test.XXXXXX)
chmod 755 "$work"
SMQP_HOME=$(mktemp -d /tmp/smqp-home.XXXXXX)
export SMQP_HOME SMQP_TSHARK="$here/smqp-tshark"
trap 'rm -rf "$work" "$SMQP_HOME"' EXIT
"$here/smqp-tshark" --check-loaded || exit 1
decode() { "$top/tools/smqp-shard-decode" "$@"; }

# 4 MB over 60 clients, each with its callback connection
"$scriptgen" bench sessions 4 60 11 >"$work/s.smqp" && "$pcapgen" "$work/s.smqp" "$work/s.pcap" || exit 1
chmod 644 "$work/s.pcap"
decode -k 1 -j 1 -o "$work/whole.tsv" "$work/s.pcap" || exit 1
rows=$(wc -l <"$work/whole.tsv")
callback=$(awk -F '\t' '$4 == 721 || $7 == 721' "$work/whole.tsv" | wc -l)
fail=0
if ((rows < 1000 || callback < 100)); then
    echo "FAIL: the whole capture gives $rows rows, $callback on callback connections (too few to test)"
    exit 1
fi

same() {   # label file
    if cmp -s "$work/whole.tsv" "$2"; then
        echo "ok: $1: the same $rows rows as the whole capture"
    else
        echo "FAIL: $1 differs from the whole capture:"
        diff "$work/whole.tsv" "$2" | head -6
        fail=1
    fi
}
for k in 2 4; do
    decode -k "$k" -j 2 -o "$work/k$k.tsv" "$work/s.pcap" || exit 1
    same "K = $k shards" "$work/k$k.tsv"
done

# a ring buffer of five-second files, decoded with two seconds of warm-up
# (the capture's server answers up to a second late); without warm-up the
# replies whose command is in the file before lose their pairing
mkdir "$work/ring"
editcap -F pcap -i 5 "$work/s.pcap" "$work/ring/r.pcap" >/dev/null || exit 1
chmod 644 "$work"/ring/*.pcap
files=$(ls "$work"/ring/*.pcap | wc -l)
decode -k 2 -j 2 -w 2 -o "$work/ring.tsv" "$work"/ring/*.pcap || exit 1
same "ring buffer of $files files, 2 s warm-up, K = 2" "$work/ring.tsv"
decode -k 2 -j 2 -o "$work/ring0.tsv" "$work"/ring/*.pcap || exit 1
unpaired=$(diff "$work/whole.tsv" "$work/ring0.tsv" | grep -c '^<')
if ((unpaired > 0)); then
    echo "ok: the same ring without warm-up: $unpaired of $rows rows lost or changed"
else
    echo "FAIL: the ring without warm-up decodes exactly too; the capture no longer tests the warm-up"
    fail=1
fi

# editcap -c pieces, each decoded on its own: not exact (a PDU cut at a
# piece's edge is lost or changed; how many depends on where the cuts fall)
frames=$(capinfos -c -M "$work/s.pcap" | awk '/Number of packets/ { print $NF }')
inexact=0
for k in 2 4 8; do
    mkdir "$work/c$k"
    editcap -F pcap -c $(((frames + k - 1) / k)) "$work/s.pcap" "$work/c$k/p.pcap" >/dev/null || exit 1
    chmod 644 "$work"/c$k/*.pcap
    decode -k 1 -j 2 -o "$work/c$k.tsv" "$work"/c$k/*.pcap || exit 1
    lost=$(diff "$work/whole.tsv" "$work/c$k.tsv" | grep -c '^<')
    added=$(diff "$work/whole.tsv" "$work/c$k.tsv" | grep -c '^>')
    echo "   editcap -c into $k pieces: $lost of $rows rows lost or changed, $added new or changed"
    ((lost + added > 0)) && inexact=1
done
if ((inexact)); then
    echo "ok: editcap -c pieces are not exact"
else
    echo "FAIL: editcap -c pieces gave the same rows; the test capture no longer shows the problem"
    fail=1
fi
exit $fail
