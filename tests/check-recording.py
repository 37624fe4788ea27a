#!/usr/bin/env python3
"""A recording of real sockets (tools/smqp-record) against its truth.

    SMQP_PLUGIN=build/smqp.so tests/check-recording.py [--loss-default] DIR/SCENARIO.pcap...

Each capture is decoded in one pass and with -2. Per connection and
direction, compared with DIR/SCENARIO.truth.json (what each side sent):
  sequence   the banner, SUID greeting, commands (verb) and replies (code on
             the final line) decoded are exactly those sent, in order:
             nothing lost, nothing invented, no data taken for commands
  links      every reply links (smqp.request_in) to a frame holding what it
             answers, from the other side: the command, the SUID greeting,
             or the acknowledgement a 310 confirms
  parts      the sha256 of every data part, in order, computed here from
             smqp.part.data, equals the sender's; smqp.part.sha256 (the
             dissector's own digest) says the same
  export     --export-objects smqp writes files whose sha256 multiset is
             that of every part sent
  clean      no malformed frame, no continuation data
A recording with loss (its truth says so) is decoded with
tcp.reassemble_out_of_order on, which puts retransmitted segments back in
order, and checked as exactly; --loss-default decodes it with Wireshark's
default instead, where what follows a gap up to a PDU boundary is lost, and
checks that what is decoded is still what was sent, in order, with right
links or none, and exports no part that was not sent.
Prints per scenario PDUs sent / decoded and parts sent / exact; exit 1 on
any difference.
"""
import collections
import hashlib
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import invariance  # noqa: E402

TSHARK = os.path.join(HERE, "smqp-tshark")
BASE_OPTS = ["-n", "-o", "tcp.check_checksum:FALSE", "-o", "tcp.try_heuristic_first:FALSE"]
OOO = ["-o", "tcp.reassemble_out_of_order:TRUE"]


def tokens_of(p):
    """What a decoded PDU says was sent: a token, or None (empty line,
    message that follows a reply), and its parts' digests."""
    f = collections.OrderedDict()
    for k, v in p["fields"]:
        f.setdefault(k, []).append(v)
    parts = [hashlib.sha256(bytes.fromhex(v.replace(":", ""))).hexdigest() for v in f.get("smqp.part.data", [])]
    own = f.get("smqp.part.sha256", [])
    if own and own != parts:
        parts = ["sha256 field %s != data %s" % (own, parts)]
    if "smqp.continuation" in f:
        return "continuation", parts
    if "smqp.banner" in f:
        return "banner", parts
    if "smqp.command" in f:
        return "command %s" % f["smqp.command"][0], parts
    if "smqp.reply.status" in f:
        return "reply %s" % f["smqp.reply.status"][0], parts
    if "smqp.reply.code" in f:
        return "unfinished reply", parts
    if "smqp.suid" in f:
        return "suid", parts
    if not p["data"].strip() or "smqp.part.data" in f or "smqp.msg.header.name" in f:
        return None, parts
    return "other %r" % p["data"][:40], parts


def truth_tokens(items):
    out = []
    for it in items:
        if "banner" in it:
            out.append("banner")
        elif "suid" in it:
            out.append("suid")
        elif "command" in it:
            out.append("command %s" % it["command"])
        else:
            out.append("reply %d" % it["reply"])
    return out


def answers_token(it):
    a = it["answers"]
    return {"SUID": "suid", "310": "reply 310"}.get(a, "command %s" % a)


def decode(pcap, opts, two, home):
    packets = invariance.decode(pcap, opts, two, home)
    malformed = []
    ports = {}
    for number, pkt in enumerate(packets, 1):
        layers = invariance.get(invariance.get(pkt, "_source"), "layers")
        if any(k == "_ws.malformed" for k, _ in layers):
            malformed.append(number)
        tcp = invariance.get(layers, "tcp") or []
        ports[number] = (int(invariance.get(tcp, "tcp.srcport")), int(invariance.get(tcp, "tcp.dstport")))
    return invariance.pdus_of(packets), ports, malformed


def align(want, have):
    """Index in want of each item of have, matched in order (have a
    subsequence of want), skipping continuation data; None if it is not."""
    out, i = [], 0
    for h in have:
        if h == "continuation":
            out.append(None)
            continue
        while i < len(want) and want[i] != h:
            i += 1
        if i == len(want):
            return None
        out.append(i)
        i += 1
    return out


def check(pcap, truth, opts, two, home, exact):
    problems = []
    pdus, ports, malformed = decode(pcap, opts, two, home)
    if malformed:
        problems.append("malformed frames %s" % malformed[:10])
    conns = {c["client_port"]: c for c in truth["connections"]}
    got = collections.defaultdict(list)     # (client port, side) -> [(token, frame, pdu)]
    parts = collections.defaultdict(list)
    for p in pdus:
        sport, dport = ports[p["frame"]]
        if sport in conns:
            conn, tcp_client = conns[sport], True
        elif dport in conns:
            conn, tcp_client = conns[dport], False
        else:
            problems.append("frame %d: SMQP on a connection the truth does not know" % p["frame"])
            continue
        # on a callback connection the SMQP server is the TCP client
        side = "client" if tcp_client == (conn["role"] == "main") else "server"
        token, digests = tokens_of(p)
        parts[(conn["client_port"], side)] += digests
        if token:
            got[(conn["client_port"], side)].append((token, p))
    frames = collections.defaultdict(list)
    for key, seq in got.items():
        for token, p in seq:
            frames[p["frame"]].append((key, token))
    sent = decoded = sent_parts = exact_parts = 0
    for port, conn in sorted(conns.items()):
        for side in ("client", "server"):
            key = (port, side)
            want = truth_tokens(conn[side])
            seq = got.get(key, [])
            have = [t for t, _ in seq]
            sent += len(want)
            decoded += sum(1 for t in have if t != "continuation")
            at = list(range(len(want))) if want == have else None if exact else align(want, have)
            if at is None:
                i = first_diff(want, have)
                problems.append("%s port %d %s: sent %d, decoded %d%s; first difference at %d: sent %s, decoded %s"
                                % (truth["scenario"], port, side, len(want), len(have),
                                   "" if exact else " (not in the order sent, or not sent)", i,
                                   want[i:][:2], have[i:][:2]))
                continue
            want_parts = [d for it in conn[side] for d in it.get("parts", [])]
            got_parts = parts.get(key, [])
            sent_parts += len(want_parts)
            exact_parts += len(set(want_parts) & set(got_parts)) if not exact else \
                sum(1 for a, b in zip(want_parts, got_parts) if a == b)
            if exact and want_parts != got_parts or not exact and not set(got_parts) <= set(want_parts):
                problems.append("%s port %d %s: parts differ (%d sent, %d decoded, %d exact)"
                                % (truth["scenario"], port, side, len(want_parts), len(got_parts),
                                   len(set(want_parts) & set(got_parts))))
            other = "server" if side == "client" else "client"
            for i, (token, p) in zip(at, seq):
                if i is None or "reply" not in conn[side][i]:
                    continue
                it = conn[side][i]
                links = [v for k, v in p["fields"] if k == "smqp.request_in"]
                if not links and not exact:
                    continue    # after a gap a reply may stand unlinked, never linked wrongly
                target = [t for k, t in frames.get(int(links[0]), []) if k == (port, other)] if links else []
                if answers_token(it) not in target:
                    problems.append("%s port %d %s: %s in frame %d links to %s, not to the %s it answers"
                                    % (truth["scenario"], port, side, token, p["frame"],
                                       "frame %s %s" % (links[0], target) if links else "nothing",
                                       answers_token(it)))
    return problems, (sent, decoded, sent_parts, exact_parts)


def first_diff(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def check_export(pcap, truth, opts, home, exact):
    want = collections.Counter(d for c in truth["connections"] for side in ("client", "server")
                               for it in c[side] for d in it.get("parts", []))
    with tempfile.TemporaryDirectory() as out:
        os.chmod(out, 0o777)
        env = dict(os.environ, SMQP_HOME=home)
        subprocess.run([TSHARK, "-r", pcap, "-q", "--export-objects", "smqp," + out] + opts, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        have = collections.Counter()
        for name in os.listdir(out):
            with open(os.path.join(out, name), "rb") as f:
                have[hashlib.sha256(f.read()).hexdigest()] += 1
    if have != want if exact else have - want:
        return ["export: %d files, %d of the %d parts sent byte-exact, %d files match no part"
                % (sum(have.values()), sum((have & want).values()), sum(want.values()), sum((have - want).values()))]
    return []


def main():
    args = sys.argv[1:]
    loss_default = "--loss-default" in args
    args = [a for a in args if a != "--loss-default"]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    home = tempfile.mkdtemp(prefix="smqp-home.")
    env_home = dict(os.environ, SMQP_HOME=home)
    if subprocess.run([TSHARK, "--check-loaded"], env=env_home).returncode != 0:
        return 1
    status = 0
    for pcap in args:
        with open(os.path.splitext(pcap)[0] + ".truth.json") as f:
            truth = json.load(f)
        problems = []
        figures = []
        # With loss, Wireshark puts a retransmitted segment back in order
        # only with tcp.reassemble_out_of_order: with it the decode must be
        # exact; without it (the default) a gap costs what follows it up to
        # the next PDU boundary, and what is decoded must still be what was
        # sent, in order, with right links or none.
        runs = [("", BASE_OPTS, True)]
        if truth.get("loss"):
            runs = [("default, ", BASE_OPTS, False) if loss_default
                    else ("out-of-order reassembly, ", BASE_OPTS + OOO, True)]
        for label, opts, exact in runs:
            for two in (False, True):
                p, (sent, decoded, sent_parts, exact_parts) = check(pcap, truth, opts, two, home, exact)
                run = "%s%s" % (label, "-2" if two else "one pass")
                problems += ["%s: %s" % (run, x) for x in p]
                figures.append("%s: PDUs sent %d, decoded %d; parts sent %d, byte-exact %d"
                               % (run, sent, decoded, sent_parts, exact_parts))
            problems += ["%s%s" % (label, x) for x in check_export(pcap, truth, opts, home, exact)]
        name = os.path.basename(pcap)
        print("%s %s: %s" % ("FAIL" if problems else "ok", name, "; ".join(figures)))
        for x in problems[:12]:
            print("   ", x)
        status |= bool(problems)
    subprocess.run(["rm", "-rf", home])
    return status


if __name__ == "__main__":
    sys.exit(main())
