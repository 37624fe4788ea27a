#!/usr/bin/env bash
# Records the negative corpus: real servers and clients from Debian's
# packages speaking other protocols over loopback, each on its own port and
# on SMQP's ports 720 and 721. The SMQP plugin must decode none of it
# (tests/check-negative.sh). Run once, as root, on a scratch machine; the
# pcaps are committed, so the tests need none of these packages.
#
#   captures/negative/record.sh [OUTDIR]      (default: this folder)
#
# Packages: lighttpd exim4-daemon-light vsftpd dovecot-imapd dovecot-pop3d
#   redis-server redis-tools memcached libmemcached-tools curl tshark
# The servers listen on 127.0.0.2 only, and dumpcap records that address
# only, so nothing else on the machine ends up in the captures.
set -euo pipefail
export CURL_HOME=/nonexistent   # no personal curl settings
out=$(cd "${1:-$(dirname "$0")}" && pwd)
[[ $(id -u) == 0 ]] || { echo "run as root (servers on ports < 1024, dumpcap)"; exit 1; }
ip=127.0.0.2
tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=()
# every protocol needs ports 720 and 721 to itself: stop the servers of the
# previous one first
stop_servers() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    pids=()
}
cleanup() {
    stop_servers
    rm -rf "$tmp"
}
trap cleanup EXIT

wait_port() {
    for _ in $(seq 50); do
        (exec 3<>"/dev/tcp/$ip/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on $ip:$1" >&2
    return 1
}

# record NAME CLIENT_FUNCTION PORT...: once every server answers, starts
# dumpcap, runs the client against each port, stops dumpcap
record() {
    local name=$1 client=$2
    shift 2
    for port in "$@"; do wait_port "$port"; done
    dumpcap -q -i lo -f "host $ip and tcp" -w "$tmp/$name.pcapng" &
    local cap=$!
    sleep 1
    for port in "$@"; do "$client" "$port"; done
    sleep 1
    kill -INT "$cap"
    wait "$cap" || true
    # pcap, not pcapng: no interface or OS description of this machine inside
    editcap -F pcap "$tmp/$name.pcapng" "$out/$name.pcap"
    echo "$name: $(capinfos -c -M "$out/$name.pcap" | awk '/Number of packets/ { print $NF }') packets"
}

# ---- HTTP: lighttpd, curl -------------------------------------------------
mkdir -p "$tmp/www"
echo "hello from lighttpd" >"$tmp/www/index.html"
cat >"$tmp/lighttpd.conf" <<EOF
server.document-root = "$tmp/www"
server.bind = "$ip"
server.port = 80
\$SERVER["socket"] == "$ip:720" { }
\$SERVER["socket"] == "$ip:721" { }
server.modules = ( "mod_access" )
index-file.names = ( "index.html" )
server.errorlog = "$tmp/lighttpd.log"
server.pid-file = "$tmp/lighttpd.pid"
EOF
lighttpd -D -f "$tmp/lighttpd.conf" &
pids+=($!)
http_client() {
    curl -s -m 20 -o /dev/null "http://$ip:$1/"
    curl -s -m 20 -o /dev/null "http://$ip:$1/missing"
    curl -s -m 20 -o /dev/null -X POST --data 'PUBLISH MESSAGE /x A1' "http://$ip:$1/"
}
record http http_client 80 720 721
stop_servers

# ---- SMTP: exim4, curl ----------------------------------------------------
smtp_client() {
    printf 'Subject: test\r\n\r\nLOGIN jtegen CLEAR/1.0\r\n.. dotted\r\n' >"$tmp/mail.txt"
    curl -s -m 20 --url "smtp://$ip:$1" --mail-from root@localhost --mail-rcpt root@localhost \
        --upload-file "$tmp/mail.txt" || true
}
# one daemon on the three ports (it daemonizes; its pid file says where)
exim4 -bd -oX "<; $ip.25; $ip.720; $ip.721" -oP "$tmp/exim.pid"
record smtp smtp_client 25 720 721
kill "$(cat "$tmp/exim.pid")"

# ---- FTP: vsftpd, curl ----------------------------------------------------
mkdir -p "$tmp/ftp" "$tmp/empty"
echo "hello from vsftpd" >"$tmp/ftp/file.txt"
chmod -R a+rX "$tmp/ftp"
for port in 21 720 721; do
    cat >"$tmp/vsftpd-$port.conf" <<EOF
listen=YES
listen_address=$ip
listen_port=$port
anonymous_enable=YES
anon_root=$tmp/ftp
local_enable=NO
write_enable=NO
secure_chroot_dir=$tmp/empty
pasv_enable=YES
pasv_address=$ip
pasv_min_port=40100
pasv_max_port=40200
seccomp_sandbox=NO
background=NO
EOF
    vsftpd "$tmp/vsftpd-$port.conf" &
    pids+=($!)
done
ftp_client() {
    curl -s -m 20 -o /dev/null "ftp://$ip:$1/file.txt"
    curl -s -m 20 -o /dev/null "ftp://$ip:$1/" --list-only
}
record ftp ftp_client 21 720 721
stop_servers

# ---- POP3 and IMAP: dovecot, curl -----------------------------------------
mkdir -p "$tmp/dovecot/run" "$tmp/mail/jtegen/Maildir/new" "$tmp/mail/jtegen/Maildir/cur" "$tmp/mail/jtegen/Maildir/tmp"
printf 'From: a@b\r\nSubject: hi\r\n\r\nNOTIFY MESSAGE /x ADD\r\n' >"$tmp/mail/jtegen/Maildir/new/1.eml"
chown -R nobody:nogroup "$tmp/mail"
echo "jtegen:{PLAIN}rowe7kuy" >"$tmp/dovecot/users"
cat >"$tmp/dovecot/dovecot.conf" <<EOF
protocols = imap pop3
listen = $ip
base_dir = $tmp/dovecot/run
log_path = $tmp/dovecot/log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = nobody
default_login_user = nobody
passdb {
  driver = passwd-file
  args = $tmp/dovecot/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$tmp/mail/%u
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    port = 143
  }
  inet_listener imap720 {
    port = 720
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 110
  }
  inet_listener pop3721 {
    port = 721
  }
}
EOF
dovecot -F -c "$tmp/dovecot/dovecot.conf" &
pids+=($!)
mail_client() {
    case $1 in
    143 | 720) curl -s -m 20 -o /dev/null -u jtegen:rowe7kuy "imap://$ip:$1/INBOX;UID=1" ;;
    *) curl -s -m 20 -o /dev/null -u jtegen:rowe7kuy "pop3://$ip:$1/1" ;;
    esac
}
record imap-pop3 mail_client 143 110 720 721
stop_servers

# ---- Redis: redis-server, redis-cli ---------------------------------------
for port in 6379 720 721; do
    redis-server --bind "$ip" --port "$port" --save '' --appendonly no --dir "$tmp" \
        --logfile "$tmp/redis-$port.log" &
    pids+=($!)
done
redis_client() {
    redis-cli -h "$ip" -p "$1" SET topic "PUBLISH MESSAGE /stocks A005" >/dev/null
    redis-cli -h "$ip" -p "$1" GET topic >/dev/null
    redis-cli -h "$ip" -p "$1" PING >/dev/null
}
record redis redis_client 6379 720 721
stop_servers

# ---- memcached: memcached, libmemcached tools ------------------------------
for port in 11211 720 721; do
    # as root: it would bind 720 and 721 after dropping to another user
    memcached -u root -l "$ip" -p "$port" -U 0 &
    pids+=($!)
done
echo "QUIT" >"$tmp/memc-key"
memcached_client() {
    (cd "$tmp" && memccp --servers="$ip:$1" memc-key)
    memccat --servers="$ip:$1" memc-key >/dev/null
    memcstat --servers="$ip:$1" >/dev/null
}
record memcached memcached_client 11211 720 721
