#!/usr/bin/env bash
# The release matrix: the plugin built, tested and packaged against each
# Debian suite's Wireshark, each in a chroot made with mmdebstrap from the
# mirror apt already uses.
#
#   tools/matrix.sh [SUITE...]     default: bookworm trixie sid (4.0 4.4 4.6)
#
# Chroots are kept in SMQP_MATRIX_DIR (default /var/cache/smqp-matrix):
# reused while made for the same package list and mirror (brought up to
# date with apt first), made anew otherwise. Each leg runs
# tools/matrix-leg.sh inside its chroot. Needs root (chroot, mount).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${SMQP_MATRIX_DIR:-/var/cache/smqp-matrix}
suites=("$@")
((${#suites[@]})) || suites=(bookworm trixie sid)
packages=(wireshark-dev tshark cmake make gcc pkgconf libpcap-dev libglib2.0-dev diffutils util-linux mawk)

[[ $(id -u) == 0 ]] || { echo "matrix: needs root (chroot, mount)" >&2; exit 2; }
if ! command -v mmdebstrap >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null
fi

# the Debian mirror the host's apt uses
mirror=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\/\{0,1\}\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
[[ -n $mirror ]] || mirror=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
[[ -n $mirror ]] || mirror=http://deb.debian.org/debian
# the mirror may be a snapshot whose Release files are past their date
aptopt='Acquire::Check-Valid-Until "false";'

ensure_chroot() {   # suite
    local suite=$1 dir=$cache/$1
    local want="suite=$suite mirror=$mirror packages=${packages[*]}"
    if [[ -f $dir/.smqp-chroot && $(<"$dir/.smqp-chroot") == "$want" ]]; then
        if chroot "$dir" apt-get update -qq >/dev/null 2>&1 &&
           DEBIAN_FRONTEND=noninteractive chroot "$dir" apt-get dist-upgrade -y -qq >/dev/null 2>&1; then
            echo "matrix: $suite chroot reused, up to date"
            return
        fi
        echo "matrix: $suite chroot could not be updated: making it anew"
    fi
    echo "matrix: making the $suite chroot from $mirror"
    # never delete through a mounted /proc
    umount "$dir/proc" "$dir.tmp/proc" 2>/dev/null || true
    rm -rf --one-file-system "$dir.tmp"
    mkdir -p "$cache"
    local include
    include=$(IFS=,; echo "${packages[*]}")
    mmdebstrap --quiet --variant=apt --aptopt="$aptopt" --include="$include" \
        "$suite" "$dir.tmp" "$mirror"
    echo "$want" >"$dir.tmp/.smqp-chroot"
    rm -rf --one-file-system "$dir"
    mv "$dir.tmp" "$dir"
}

mounted=()
cleanup() { local m; for m in "${mounted[@]}"; do umount "$m" 2>/dev/null || true; done; }
trap cleanup EXIT

status=0
summary=()
for suite in "${suites[@]}"; do
    start=$SECONDS
    echo "== matrix: $suite"
    ensure_chroot "$suite"
    dir=$cache/$suite
    mountpoint -q "$dir/proc" || { mount -t proc proc "$dir/proc"; mounted+=("$dir/proc"); }
    # the source as committed plus uncommitted changes, without build trees
    rm -rf --one-file-system "$dir/src"
    mkdir -p "$dir/src"
    if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
        git -C "$top" ls-files -z --cached --others --exclude-standard |
            (cd "$top" && tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -C "$dir/src" -xf -
    else
        tar -C "$top" --exclude='./build*' -cf - . | tar -C "$dir/src" -xf -
    fi
    if chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
        bash /src/tools/matrix-leg.sh; then
        summary+=("ok   $suite ($((SECONDS - start)) s)")
    else
        summary+=("FAIL $suite ($((SECONDS - start)) s)")
        status=1
    fi
done
printf 'matrix: %s\n' "${summary[@]}"
exit $status
