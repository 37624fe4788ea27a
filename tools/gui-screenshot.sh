#!/usr/bin/env bash
# Screenshot of Wireshark (Qt) with the freshly built plugin, headless:
#   SMQP_PLUGIN=build/smqp.so tools/gui-screenshot.sh CAPTURE OUT.png [X,Y...]
# Opens CAPTURE as an unprivileged user with a private home holding the
# plugin, in a 1280x900 window, then clicks at each X,Y given in turn (menu
# items: find them on a first screenshot), and takes a picture of the whole
# screen. Needs xvfb, xdotool and imagemagick (Debian packages).
set -euo pipefail
cap=$(realpath "$1") out=$(realpath -m "$2")
shift 2
home=$(mktemp -d /tmp/smqp-gui.XXXXXX)
ver=$(tshark -v | sed -n '1s/.* \([0-9]*\.[0-9]*\)\..*/\1/p')
mkdir -p "$home/.local/lib/wireshark/plugins/$ver/epan"
cp "$SMQP_PLUGIN" "$home/.local/lib/wireshark/plugins/$ver/epan/"
cp "$cap" "$home/capture.pcap"
chown -R 65534:65534 "$home"
cat >"$home/run.sh" <<'INNER'
#!/bin/bash
wireshark -o gui.ask_unsaved:FALSE -r "$HOME/capture.pcap" >/dev/null 2>&1 &
for _ in $(seq 60); do xdotool search --name "capture.pcap" >/dev/null 2>&1 && break; sleep 0.5; done
win=$(xdotool search --name "capture.pcap" | head -1)
xdotool windowsize "$win" 1280 900 windowmove "$win" 0 0
sleep 2
for at in "$@"; do
    xdotool mousemove ${at/,/ } click 1
    sleep 1.5
done
sleep 3
import -window root "$HOME/shot.png"
INNER
chmod +x "$home/run.sh"
setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$home" XDG_CONFIG_HOME="$home/.config" \
    xvfb-run -a -s "-screen 0 1280x900x24" "$home/run.sh" "$@"
cp "$home/shot.png" "$out"
rm -rf "$home"
echo "wrote $out"
