#!/usr/bin/env bash
# One entry point for a fresh Debian machine:
#   tools/run.sh demo   install what is missing, build, decode the sample capture
#   tools/run.sh test   install what is missing, build twice (plain, and with
#                       AddressSanitizer + UBSan) and run the whole test suite
#                       on both builds (the sanitized one adds a short fuzz
#                       run), then the grammar's libFuzzer target (clang),
#                       then the release matrix
#   tools/run.sh matrix only the release matrix (tools/matrix.sh): build,
#                       test, package and install against Wireshark 4.0, 4.4
#                       and 4.6 in Debian bookworm, trixie and sid chroots
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SMQP_BUILD_DIR:-$top/build}
packages=(cmake make gcc pkg-config wireshark-dev tshark libpcap-dev libglib2.0-dev util-linux diffutils
          valgrind time clang libclang-rt-14-dev python3 mmdebstrap parallel tcpdump nftables ethtool iproute2
          clickhouse-server clickhouse-client)

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

build_fuzzer() {
    CC=clang cmake -S "$top" -B "$build-libfuzzer" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMQP_WERROR=ON \
        -DSMQP_LIBFUZZER=ON >/dev/null
    cmake --build "$build-libfuzzer" -j"$(nproc)" --target fuzz-grammar
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
    build_fuzzer
    status=0
    # the plain build's capture:* checks are the matrix's bookworm leg
    # (same release, same goldens, through the installed package)
    echo "== tests of $build"
    ctest --test-dir "$build" --output-on-failure -j"$(nproc)" -E '^capture:' || status=1
    echo "== tests of $build-sanitize"
    ctest --test-dir "$build-sanitize" --output-on-failure -j"$(nproc)" || status=1
    echo "== libFuzzer"
    ctest --test-dir "$build-libfuzzer" --output-on-failure -L libfuzzer || status=1
    echo "== release matrix"
    bash "$top/tools/matrix.sh" || status=1
    exit $status
    ;;
matrix)
    install_missing
    exec bash "$top/tools/matrix.sh"
    ;;
*)
    echo "usage: $0 demo|test|matrix" >&2
    exit 2
    ;;
esac
