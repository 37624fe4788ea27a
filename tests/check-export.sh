#!/usr/bin/env bash
# Exported message data parts against the capture's own script:
#   SMQP_PLUGIN=build/smqp.so tests/check-export.sh CAPTURE.pcap EXPECT
# EXPECT lists "object NAME text CONTENT" (the file NAME holds exactly
# CONTENT, no line end) and "object NAME file PATH" (it holds exactly the
# bytes of PATH, relative to the top of the source tree). tshark
# --export-objects smqp must write exactly those files, with one pass and
# with two (-2).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
pcap=$1 expect=$2
name=$(basename "$pcap" .pcap)
SMQP_HOME=$(mktemp -d /tmp/smqp-home.XXXXXX)
export SMQP_HOME
out=$(mktemp -d /tmp/smqp-export.XXXXXX)
chmod 755 "$out"   # tshark may run as another id (tests/smqp-tshark)
trap 'rm -rf "$SMQP_HOME" "$out"' EXIT
"$here/smqp-tshark" --check-loaded || exit 1
want=$(awk '$1 == "object" { print $2 }' "$expect" | sort)
fail=0
for pass in one two; do
    opts=()
    [[ $pass == two ]] && opts=(-2)
    rm -rf "$out/files"
    mkdir -p "$out/files"
    chmod 777 "$out/files"
    "$here/smqp-tshark" -r "$pcap" -n -q "${opts[@]}" --export-objects "smqp,$out/files" >/dev/null 2>&1
    got=$(ls -A "$out/files" | sort)
    if [[ $got != "$want" ]]; then
        echo "FAIL $name ($pass pass): exported files differ"
        diff <(printf '%s\n' "$want") <(printf '%s\n' "$got")
        fail=1
        continue
    fi
    while read -r kw file how rest; do
        [[ $kw == object ]] || continue
        case $how in
        text) cmp -s "$out/files/$file" <(printf '%s' "$rest") ;;
        file) cmp -s "$out/files/$file" "$top/$rest" ;;
        *) false ;;
        esac || { echo "FAIL $name ($pass pass): $file does not hold the expected bytes"; fail=1; }
    done <"$expect"
done
((fail)) || echo "ok $name: exported objects as the script sent them, one pass and two"
exit $fail
