#!/usr/bin/env bash
# The statistics of a capture against numbers worked out by hand:
#   SMQP_PLUGIN=build/smqp.so tests/check-stats.sh CAPTURE.pcap EXPECT
# EXPECT lists "tree NAME COUNT" (a node of -z smqp,tree: depth as leading
# dots, spaces as _), "srt COMMAND CALLS MIN MAX" (a row of -z smqp,srt)
# "credential FRAME USERNAME INFO" (a record of -z credentials, spaces
# as _) and "delivery.PASS TOPIC PUBLISHED NOTIFIED MATCHED ACKNOWLEDGED
# REFUSED MIN AVG MAX" (a row of -z smqp,delivery; PASS 1 or 2, since a
# second pass matches notifications sent before the PUBLISH was
# acknowledged). For each kind the file names, the statistic must show
# exactly those lines, with one pass and with two (-2). Only names and
# numbers are compared, so the layout of each Wireshark release does not
# matter.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pcap=$1 expect=$2
name=$(basename "$pcap" .pcap)
SMQP_HOME=$(mktemp -d /tmp/smqp-home.XXXXXX)
export SMQP_HOME
trap 'rm -rf "$SMQP_HOME"' EXIT
"$here/smqp-tshark" --check-loaded || exit 1

# the statistics' lines in the expectation file's form
observed() {   # pass number, extra tshark options
    local pass=$1
    shift
    "$here/smqp-tshark" -r "$pcap" -n -q "$@" -z smqp,tree -z smqp,srt -z credentials -z smqp,delivery 2>&1 |
    awk -v pass="$pass" '
        /^SMQP:$/ { tree = 1; srt = 0; cred = 0; delivery = 0; next }
        /^SMQP SRT Statistics:/ { tree = 0; srt = 1; cred = 0; delivery = 0; next }
        /^Packet +Protocol +Username/ { tree = 0; srt = 0; cred = 1; delivery = 0; next }
        /^SMQP delivery by topic$/ { tree = 0; srt = 0; cred = 0; delivery = 1; next }
        delivery && /\|/ {
            n = split($0, w, /\|/)
            out = "delivery." pass
            for (i = 1; i < n; i++) {
                gsub(/^ +| +$/, "", w[i])
                if (i == 1) gsub(/ /, "_", w[i])
                out = out " " w[i]
            }
            print out
            next
        }
        cred && /^[0-9]+ +SMQP / {
            line = $0
            n = split(line, w, / +/)
            info = w[4]
            for (i = 5; i <= n; i++) info = info "_" w[i]
            printf "credential %s %s %s\n", w[1], w[3], info
        }
        /^[-=]+$/ { next }
        tree && match($0, /^ *[^ ].*[^ ]  +[0-9]+ /) {
            line = $0
            depth = match(line, /[^ ]/) - 1
            sub(/^ +/, "", line)
            n = split(line, w, /  +/)
            label = w[1]; gsub(/ /, "_", label)
            printf "tree %s%s %s\n", substr("..........", 1, depth), label, w[2]
        }
        srt && /^ *[0-9]+  / {
            line = $0
            sub(/^ *[0-9]+ +/, "", line)
            n = split(line, w, /  +/)
            label = w[1]; gsub(/ /, "_", label)
            if (n < 4) next
            printf "srt %s %s %s %s\n", label, w[2], w[3], w[4]
        }' | sort
}
want=$(grep -v '^#' "$expect" | grep -v '^ *$' | sort)
kinds=$(cut -d' ' -f1 <<<"$want" | sort -u | paste -sd'|')
fail=0
for pass in 1 2; do
    opts=()
    ((pass == 2)) && opts=(-2)
    got=$(observed $pass "${opts[@]}" | grep -E "^($kinds) ")
    # the other pass's delivery rows are not this pass's to show
    want_pass=$(grep -v "^delivery\.$((3 - pass)) " <<<"$want")
    if ! diff -u --label "$expect" --label "$name, pass $pass" <(printf '%s\n' "$want_pass") <(printf '%s\n' "$got"); then
        echo "FAIL $name: statistics differ (pass $pass)"
        fail=1
    fi
done
((fail)) || echo "ok $name: statistics as worked out by hand, one pass and two"
exit $fail
