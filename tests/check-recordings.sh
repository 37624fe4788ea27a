#!/usr/bin/env bash
# Records every scenario of tools/smqp-record afresh (real sockets in a
# private network namespace; needs root, unshare, tcpdump, nft, ethtool)
# and checks each recording against what its programs sent:
#   SMQP_PLUGIN=build/smqp.so tests/check-recordings.sh OUTDIR [--loss-default] [SCENARIO...]
# Recordings are made here, not stored: timing and ports differ at every
# run, and the truth, not a golden, is the reference. Exit 77 (skipped)
# where no network namespace can be made.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${1:?usage: check-recordings.sh OUTDIR [--loss-default] [SCENARIO...]}
shift
opts=()
if [[ ${1:-} == --loss-default ]]; then
    opts=(--loss-default)
    shift
fi
if [[ $(id -u) != 0 ]] || ! unshare -n true 2>/dev/null; then
    echo "SKIP: recording needs root and network namespaces (unshare -n)"
    exit 77
fi
scenarios=("$@")
((${#scenarios[@]})) || mapfile -t scenarios < <("$top/tools/smqp-record" --list)
rm -rf "$out"
mkdir -p "$out"
"$top/tools/smqp-record" --out "$out" "${scenarios[@]}" || exit 1
# tshark may run as another id (tests/smqp-tshark)
chmod 755 "$out"
chmod 644 "$out"/*
pcaps=()
for s in "${scenarios[@]}"; do pcaps+=("$out/$s.pcap"); done
exec python3 "$here/check-recording.py" "${opts[@]}" "${pcaps[@]}"
