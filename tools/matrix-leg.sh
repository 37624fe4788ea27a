#!/usr/bin/env bash
# One leg of the release matrix, run inside a Debian chroot by
# tools/matrix.sh with the source in /src: a -Werror build against this
# suite's Wireshark, the tests that need no tools beyond it (label
# "release"), a .deb installed with apt, a capture decoded with plain
# tshark by an ordinary user, and the installed smqp-regress over the
# corpus.
set -euo pipefail
build=/build
rm -rf "$build"
ws=$(tshark --version 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p')
echo "-- Wireshark $ws, $(gcc --version | head -1), $(cmake --version | head -1)"
cmake -S /src -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMQP_WERROR=ON -DSMQP_INSTALL_SYSTEM=ON >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
ctest --test-dir "$build" -L release --output-on-failure -j"$(nproc)" | grep -v "^ *Start \|Test *#"

(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/wireshark-smqp_*.deb)
echo "-- $(basename "$deb"): $(dpkg-deb -f "$deb" Depends)"
apt() { DEBIAN_FRONTEND=noninteractive apt-get -o Dpkg::Use-Pty=0 -y -qq "$@" >/dev/null; }
apt install --no-install-recommends "$deb"
trap 'apt purge wireshark-smqp || true' EXIT

# plain tshark, an ordinary user with an empty home, no personal plugin
home=$(mktemp -d)
cp /src/captures/callback-notify.pcap "$home/"
chown -R 65534:65534 "$home"
as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups env -i HOME="$home" TZ=UTC PATH=/usr/bin:/bin "$@"; }
as_user tshark -G plugins | grep -q "smqp.so.*/usr/lib/.*/plugins/" ||
    { echo "FAIL: tshark does not list the packaged smqp.so"; exit 1; }
frames=$(as_user tshark -n -r "$home/callback-notify.pcap" -Y smqp | grep -c ' SMQP ')
echo "-- callback-notify.pcap as an ordinary user: $frames SMQP frames"
((frames > 0)) || { echo "FAIL: no SMQP frame decoded with the packaged plugin"; exit 1; }
rm -rf "$home"

smqp-regress --quiet --jobs "$(nproc)" /src/captures
