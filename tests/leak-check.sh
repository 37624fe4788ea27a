#!/usr/bin/env bash
# Leak and memory-error check of the plugin under valgrind memcheck: one
# tshark -2 -V run over the whole capture corpus, concatenated. Valgrind
# unwinds with the libraries' own unwind tables, so a block lost through
# glib or wmem still shows who allocated it; any loss record or memcheck
# error whose stack passes through smqp.so fails the check. Leaks of tshark
# itself at exit are reported by count only.
#
#   SMQP_PLUGIN=build/smqp.so tests/leak-check.sh [CAPTURE...]
# (AddressSanitizer cannot do this part: with an uninstrumented tshark its
# fast unwinder loses the caller of g_malloc, and its slow one makes tshark's
# start-up take minutes.)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
command -v valgrind >/dev/null || { echo "FAIL: valgrind is not installed"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(($#)) || set -- "$top"/captures/*.pcap
mergecap -a -w "$tmp/corpus.pcap" "$@" || exit 1
log=$tmp/valgrind.log
SMQP_VALGRIND=$log "$here/smqp-tshark" -n -2 -V -r "$tmp/corpus.pcap" >"$tmp/out.txt" 2>"$tmp/err.txt"
rc=$?
if ((rc)); then
    echo "FAIL: tshark exited $rc under valgrind"; cat "$tmp/err.txt"; exit 1
fi
smqp=$(grep -c '^Simple Message Queue Protocol' "$tmp/out.txt")
if ((smqp == 0)); then
    echo "FAIL: no SMQP decoded; is the plugin loaded?"; exit 1
fi
# records are separated by "==PID== " lines; keep those naming smqp.so
ours=$(awk '/^==[0-9]+== *$/ { if (rec ~ /smqp\.so/) printf "%s", rec; rec = ""; next }
            { rec = rec $0 "\n" }
            END { if (rec ~ /smqp\.so/) printf "%s", rec }' "$log")
foreign=$(grep -c 'definitely lost in loss record' "$log")
echo "$smqp SMQP PDUs decoded from $# captures; $foreign loss records of tshark itself (not ours)"
if [[ -n $ours ]]; then
    echo "FAIL: valgrind reports involving smqp.so:"
    echo "$ours"
    exit 1
fi
echo "ok: no leak or memory error in smqp.so"
