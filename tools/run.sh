#!/usr/bin/env bash
# One entry point for a fresh Debian machine:
#   tools/run.sh demo   install what is missing, build, decode the sample capture
#   tools/run.sh test   install what is missing, build, run the whole test suite
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SMQP_BUILD_DIR:-$top/build}
packages=(cmake make gcc pkg-config wireshark-dev tshark libpcap-dev libglib2.0-dev util-linux diffutils)

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

build_plugin() {
    cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMQP_WERROR=ON >/dev/null
    cmake --build "$build" -j"$(nproc)"
}

case ${1:-} in
demo)
    install_missing
    build_plugin
    SMQP_PLUGIN=$build/smqp.so "$top/tests/smqp-tshark" -n -2 -r "$top/captures/callback-notify.pcap" -Y smqp
    ;;
test)
    install_missing
    build_plugin
    ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
    ;;
*)
    echo "usage: $0 demo|test" >&2
    exit 2
    ;;
esac
