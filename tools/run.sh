#!/usr/bin/env bash
# One entry point for a fresh Debian machine:
#   tools/run.sh demo   install what is missing, build, decode the sample capture
#   tools/run.sh test   install what is missing, build twice (plain, and with
#                       AddressSanitizer + UBSan) and run the whole test suite
#                       on both builds
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SMQP_BUILD_DIR:-$top/build}
packages=(cmake make gcc pkg-config wireshark-dev tshark libpcap-dev libglib2.0-dev util-linux diffutils
          valgrind)

install_missing() {
    local missing=()
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    echo "Installing: ${missing[*]}"
    local sudo=()
    [[ $(id -u) == 0 ]] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build_plugin() {   # build dir, extra cmake options
    local dir=$1
    shift
    cmake -S "$top" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMQP_WERROR=ON "$@" >/dev/null
    cmake --build "$dir" -j"$(nproc)"
}

case ${1:-} in
demo)
    install_missing
    build_plugin "$build"
    SMQP_PLUGIN=$build/smqp.so "$top/tests/smqp-tshark" -n -2 -r "$top/captures/callback-notify.pcap" -Y smqp
    ;;
test)
    install_missing
    build_plugin "$build"
    build_plugin "$build-sanitize" -DSMQP_SANITIZE=ON
    status=0
    for dir in "$build" "$build-sanitize"; do
        echo "== tests of $dir"
        ctest --test-dir "$dir" --output-on-failure -j"$(nproc)" || status=1
    done
    exit $status
    ;;
*)
    echo "usage: $0 demo|test" >&2
    exit 2
    ;;
esac
