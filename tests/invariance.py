#!/usr/bin/env python3
"""SMQP's decoding must not depend on how TCP cut the bytes.

    tests/invariance.py [--jobs N] [--schemes S,S,...] [--cuts N,N,...] CAPTURE.pcap...

For each capture, tools/smqp-resegment rewrites every TCP stream with each
segmentation scheme, and tshark (through tests/smqp-tshark, SMQP_PLUGIN set)
decodes original and rewrite in one pass and with -2. Checked:

  same PDUs      the ordered list of PDUs, each with its bytes and every
                 smqp.* field value in tree order, is the same as the
                 original's; request/response links are compared as PDU
                 indexes, not frame numbers (smqp.time and smqp.notify.delay
                 only where the scheme keeps every byte's timestamp)
  once, on time  each PDU is shown once, in the frame that holds its last
                 byte, and the PDUs of a direction tile its byte stream
                 (also checked on the original capture); a message whose
                 Content-Length proved wrong may be shown later, in the
                 frame holding the bytes after its declared data, which
                 decided it (decision 2)
  damaged        (--damage) with one data segment lost or two exchanged,
                 TCP reordering on and off: tshark ends cleanly, nothing is
                 malformed, and every command decoded is one the full capture
                 has (no fake commands from the rest of a message)
  mid-session    (--cuts) with each stream's first N bytes removed, every
                 PDU that starts at or after the first PDU boundary the
                 dissector resynchronised on decodes as in the full stream
                 (fields that depend on earlier traffic, such as links, are
                 left out), and nothing before it is decoded as a command

Captures whose streams have gaps or retransmissions are skipped (the tool
refuses them); tools/smqp-regress covers them. Exit status 1 on any
difference, with the first differences printed.
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TOP, "tools"))
import importlib.machinery  # noqa: E402
import importlib.util  # noqa: E402

_loader = importlib.machinery.SourceFileLoader("resegment", os.path.join(TOP, "tools", "smqp-resegment"))
_spec = importlib.util.spec_from_loader("resegment", _loader)
reseg = importlib.util.module_from_spec(_spec)
_loader.exec_module(reseg)

# A rewrite into more segments than this is skipped: TCP reassembly copies
# a PDU again for every segment, so a 70 kB line cut byte by byte costs
# minutes (tshark's cost, not the dissector's)
MAX_SEGMENTS = 4000
SCHEMES_KEEPING_TIME = ("within", "boundaries", "terminator")
DEFAULT_SCHEMES = ["within:1", "within:2", "within:3", "within:7", "fixed:64", "fixed:536", "fixed:1460",
                   "coalesce", "boundaries", "terminator:-1", "terminator:0", "terminator:1",
                   "terminator:2", "terminator:3", "terminator:4"]
LINKS = {"smqp.request_in": "smqp.response_in", "smqp.response_in": "smqp.request_in",
         "smqp.notify.publish_in": "smqp.publish.notify_in", "smqp.publish.notify_in": "smqp.notify.publish_in",
         "smqp.dslab.delivery.publish_in": "smqp.dslab.publish.delivered_in",
         "smqp.dslab.publish.delivered_in": "smqp.dslab.delivery.publish_in"}
# links from one PDU to several (a publish delivered many times): compared as
# the set of linked PDUs, however TCP grouped them into frames
MANY_LINKS = {"smqp.dslab.delivery.publish_in", "smqp.dslab.publish.delivered_in",
              "smqp.notify.publish_in", "smqp.publish.notify_in"}
# times between PDUs: compared only where the scheme keeps every byte's time
TIME_FIELDS = {"smqp.time", "smqp.notify.delay", "smqp.dslab.delivery.latency"}
# what announces a connection (CONNECTTO, SET NOTIFY PORT, 311): its frame
# is the connection's smqp.setup_frame
ANNOUNCEMENTS = {("smqp.command", "CONNECTTO"), ("smqp.resource", "NOTIFY PORT"), ("smqp.reply.code", "311")}
CONTEXT_FIELDS = {"smqp.request_in", "smqp.response_in", "smqp.time", "smqp.reply.command",
                  "smqp.session", "smqp.setup_frame", "smqp.setup_method",
                  "smqp.no_reply", "smqp.reply.no_request", "smqp.notify.unacknowledged",
                  "smqp.notify.publish_in", "smqp.notify.delay", "smqp.notify.matched_by",
                  "smqp.publish.notify_in", "smqp.delivery.refused", "smqp.delivery.incomplete",
                  "smqp.draft", "smqp.draft.first", "smqp.draft.last", "smqp.notify.attr_of",
                  "smqp.dslab.current_exchange", "smqp.dslab.current_queue", "smqp.dslab.delivery.queue",
                  "smqp.dslab.delivery.publish_in", "smqp.dslab.delivery.latency", "smqp.dslab.publish.delivered_in",
                  "smqp.dslab.delivery.unmatched", "smqp.dslab.delivery.twice", "smqp.dslab.publish.undelivered"}


def tshark_options(pcap):
    expect = os.path.splitext(pcap)[0] + ".expect"
    opts = ["-n", "-o", "tcp.desegment_tcp_streams:TRUE", "-o", "tcp.reassemble_out_of_order:TRUE",
            "-o", "tcp.check_checksum:FALSE", "-o", "tcp.try_heuristic_first:FALSE"]
    if os.path.exists(expect):
        with open(expect) as f:
            for line in f:
                if line.startswith("@option "):
                    opts += ["-o", line.split(None, 1)[1].strip()]
    return opts


def decode(pcap, opts, two_pass, home):
    args = [os.path.join(HERE, "smqp-tshark"), "-r", pcap] + opts + ["-T", "json", "-x"]
    if two_pass:
        args.append("-2")
    env = dict(os.environ, SMQP_HOME=home)
    out = subprocess.run(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if out.returncode != 0:
        raise RuntimeError("tshark failed on %s: %s" % (pcap, out.stderr.decode(errors="replace")[-2000:]))
    return json.loads(out.stdout or b"[]", object_pairs_hook=lambda kv: kv)


def get(pairs, key):
    for k, v in pairs:
        if k == key:
            return v
    return None


def flatten(pairs, into):
    for k, v in pairs:
        if k.endswith("_raw"):
            continue
        if k.startswith("smqp.") and not isinstance(v, list):
            into.append((k, v))
        elif isinstance(v, list) and v and isinstance(v[0], tuple):
            if k.startswith("smqp.") and not k.endswith("_tree"):
                into.append((k, ""))
            flatten(v, into)
        elif isinstance(v, list):
            for item in v:
                if isinstance(item, list):
                    flatten(item, into)
                else:
                    into.append((k, item))


def pdus_of(packets):
    """[{frame, dir, data, fields}] in the order tshark shows them."""
    pdus = []
    for number, pkt in enumerate(packets, 1):
        layers = get(get(pkt, "_source"), "layers")
        tcp = get(layers, "tcp") or []
        ip = get(layers, "ip") or get(layers, "ipv6") or []
        src = get(ip, "ip.src") or get(ip, "ipv6.src")
        d = (src, get(tcp, "tcp.srcport"), get(tcp, "tcp.stream"))
        raws = [v for k, v in layers if k == "smqp_raw"]
        trees = [v for k, v in layers if k == "smqp"]
        for raw, tree in zip(raws, trees):
            fields = []
            flatten(tree, fields)
            pdus.append({"frame": number, "dir": d, "data": bytes.fromhex(raw[0]), "fields": fields})
    return pdus


def link_pdus(pdus, reference=None):
    """Replaces frame numbers in links by the linked PDU's index: the PDU in
    that frame that links back. One pass shows no response_in, so there the
    -2 decode of the same file (reference) says which PDU links back."""
    # numbered without continuation data, which no link points to and
    # whose cut into PDUs is not compared
    by_frame = {}
    number = {}
    for i, p in enumerate(pdus):
        by_frame.setdefault(p["frame"], []).append(i)
        if not is_continuation(p):
            number[i] = len(number)
    if reference is None or [p["frame"] for p in reference] != [p["frame"] for p in pdus]:
        reference = pdus
    original = [list(p["fields"]) for p in reference]
    for i, p in enumerate(pdus):
        linked = []
        many = {}
        for k, v in p["fields"]:
            if k in MANY_LINKS:
                back = [j for j in by_frame.get(int(v), []) if (LINKS[k], str(p["frame"])) in original[j]]
                if k not in many:
                    many[k] = set()
                    linked.append((k, many[k]))
                many[k].update(number.get(j, "?") for j in back) if back else many[k].add("?%s" % v)
                continue
            if k in LINKS:
                targets = by_frame.get(int(v), [])
                back = [j for j in targets if (LINKS[k], str(p["frame"])) in original[j]]
                # several commands in one frame answered in one frame: in order
                peers = [j for j in by_frame[p["frame"]] if (k, v) in original[j]]
                if len(back) == len(peers) and i in peers:
                    v = "pdu %s" % number.get(back[peers.index(i)], "?")
                else:
                    v = "pdu ?%s" % targets
            elif k == "smqp.setup_frame":
                announcers = [j for j in by_frame.get(int(v), []) if ANNOUNCEMENTS & set(original[j])]
                v = "pdu %s" % number.get(announcers[0], "?") if announcers else "pdu ?"
            linked.append((k, v))
        p["fields"] = [(k, "pdu %s" % ",".join(str(x) for x in sorted(v, key=str)) if isinstance(v, set) else v)
                       for k, v in linked]


def comparable(p, keep_time, context=True):
    return (p["dir"], p["data"],
            [(k, v) for k, v in p["fields"]
             if (keep_time or k not in TIME_FIELDS) and (context or k not in CONTEXT_FIELDS)])


def is_continuation(p):
    return any(k == "smqp.continuation" for k, _ in p["fields"])


def normalized(pdus, keep_time):
    """Comparable PDUs, each direction's run of continuation data merged
    into one (how much of it each segment held is TCP's business)."""
    out = []
    last = {}
    for p in pdus:
        c = comparable(p, keep_time)
        if is_continuation(p):
            i = last.get(p["dir"])
            if i is not None and out[i][2] == [("smqp.continuation", "*")]:
                out[i] = (p["dir"], out[i][1] + p["data"], out[i][2])
                continue
            c = (p["dir"], p["data"], [("smqp.continuation", "*")])
        last[p["dir"]] = len(out)
        out.append(c)
    return out


def frame_ranges(pcap):
    """frame number -> (tcp direction, stream offset range) of its data."""
    _, _, packets = reseg.read_pcap(pcap)
    offsets = reseg.stream_offsets(packets)
    return {i + 1: (d, off, off + len(packets[i].payload)) for i, (d, off) in offsets.items()}


def check_on_time(pcap, pdus, limit=5):
    """Each PDU in the frame holding its last byte; PDUs tile each stream."""
    problems = []
    ranges = frame_ranges(pcap)
    pos = {}
    for i, p in enumerate(pdus):
        r = ranges.get(p["frame"])
        if not r:
            problems.append("PDU %d shown in frame %d, which carries no data" % (i, p["frame"]))
            continue
        d = r[0]
        start = pos.setdefault(d, 0)
        end = start + len(p["data"])
        pos[d] = end
        if not p["data"]:
            continue
        decided_later = any(k == "smqp.content_length.mismatch" for k, _ in p["fields"])
        if not (r[1] < end <= r[2] or decided_later and end <= r[2]):
            problems.append("PDU %d (%s...) ends at stream byte %d but is shown in frame %d, bytes %d-%d"
                            % (i, p["data"][:30], end, p["frame"], r[1], r[2]))
        if len(problems) >= limit:
            break
    return problems


def describe(p):
    fields = ", ".join("%s=%s" % kv for kv in p[2][:8])
    return "%r | %s" % (p[1][:60], fields)


def diff(a, b, limit=3):
    out = []
    if len(a) != len(b):
        out.append("%d PDUs instead of %d" % (len(b), len(a)))
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            out.append("PDU %d:\n      original: %s\n      rewrite:  %s" % (i, describe(x), describe(y)))
            if x[1] == y[1]:
                fx, fy = x[2], y[2]
                for j in range(max(len(fx), len(fy))):
                    if j >= len(fx) or j >= len(fy) or fx[j] != fy[j]:
                        out.append("      first field difference: %s vs %s"
                                   % (fx[j] if j < len(fx) else "-", fy[j] if j < len(fy) else "-"))
                        break
            if len(out) > limit:
                break
    if not out and len(a) != len(b):
        extra = b[len(a):] or a[len(b):]
        out.append("first extra PDU: %s" % describe(extra[0]))
    return out


def run_capture(pcap, schemes, cuts, damages, tmp):
    name = os.path.basename(pcap)[:-5]
    home = tempfile.mkdtemp(prefix="home-", dir=tmp)
    opts = tshark_options(pcap)
    failures = []
    notes = []
    try:
        reseg.stream_offsets(reseg.read_pcap(pcap)[2])
    except reseg.Refused as e:
        return name, ["skipped: %s" % e], [], 0, True
    base = decode_both(pcap, opts, home, "original", failures)
    midway = any(is_continuation(p) for p in base[True])
    runs = 0
    for scheme in schemes:
        out = os.path.join(tmp, "%s.%s.pcap" % (name, scheme.replace(":", "_")))
        header, endian, packets = reseg.read_pcap(pcap)
        records = reseg.resegment(packets, scheme)
        if len(records) > MAX_SEGMENTS:
            notes.append("%s skipped (%d packets)" % (scheme, len(records)))
            continue
        reseg.write_pcap(out, header, endian, records)
        keep_time = scheme.split(":")[0] in SCHEMES_KEEPING_TIME
        runs += 2
        got = decode_both(out, opts, home, scheme, failures)
        for two in (False, True):
            # joined midway: where the boundary is found depends on how
            # much one pass sees at once; -2 knows what the "." showed
            if not two and midway:
                continue
            mode = "%s, %s" % (scheme, "-2" if two else "one pass")
            d = diff(normalized(base[two], keep_time), normalized(got[two], keep_time))
            if d:
                failures.append("%s:\n    %s" % (mode, "\n    ".join(d)))
        os.unlink(out)
    for scheme in damages:
        header, endian, packets = reseg.read_pcap(pcap)
        try:
            records = reseg.damage(packets, scheme)
        except reseg.Refused:
            continue
        out = os.path.join(tmp, "%s.%s.pcap" % (name, scheme.replace(":", "_")))
        reseg.write_pcap(out, header, endian, records)
        commands = {p["data"] for p in base[True] if any(k == "smqp.command" for k, _ in p["fields"])}
        for ooo in ("TRUE", "FALSE"):
            runs += 1
            o = list(opts) + ["-o", "tcp.reassemble_out_of_order:" + ooo]
            try:
                packets = decode(out, o, True, home)
            except RuntimeError as e:
                failures.append("%s, reordering %s: %s" % (scheme, ooo, e))
                continue
            for number, pkt in enumerate(packets, 1):
                if get(get(get(pkt, "_source"), "layers"), "_ws.malformed") is not None:
                    failures.append("%s, reordering %s: malformed packet in frame %d" % (scheme, ooo, number))
            for p in pdus_of(packets):
                names = {k for k, _ in p["fields"]}
                if "smqp.command" in names and p["data"] not in commands:
                    failures.append("%s, reordering %s: fake command %r in frame %d"
                                    % (scheme, ooo, p["data"][:50], p["frame"]))
        os.unlink(out)
    for n in cuts:
        out = os.path.join(tmp, "%s.cut%d.pcap" % (name, n))
        header, endian, packets = reseg.read_pcap(pcap)
        reseg.write_pcap(out, header, endian, reseg.cut_start(packets, n))
        runs += 1
        failures += ["cut:%d: %s" % (n, p) for p in check_cut(pcap, out, n, base[True], opts, home)]
        os.unlink(out)
    return name, failures, notes, runs, False


def decode_both(pcap, opts, home, what, failures):
    """PDUs of one pass and of -2, links resolved, timing checked. (One pass
    cannot show what a connection sent before it was recognised, such as a
    reply with an SMQP code before a command on 720: where it shows fewer
    PDUs than -2, only -2 is checked for tiling.)"""
    got = {}
    for two in (True, False):
        pdus = pdus_of(decode(pcap, opts, two, home))
        if two or len(pdus) == len(got[True]):
            for problem in check_on_time(pcap, pdus):
                failures.append("%s, %s: %s" % (what, "-2" if two else "one pass", problem))
        got[two] = pdus
    reference = [dict(p, fields=list(p["fields"])) for p in got[True]]
    link_pdus(got[True])
    link_pdus(got[False], reference)
    return got


REPLY_LINE_FIELDS = {"smqp.from_server", "smqp.reply", "smqp.reply.code", "smqp.reply.class",
                     "smqp.reply.continuation", "smqp.reply.text", "smqp.auth.data"}


def context_free(full, cut):
    """What the two decodes of a PDU say on its own. The data in a reply is
    typed by the command it answers, and a line inside an authentication
    exchange is known as such, only from earlier traffic a cut may have
    removed: of those, only the reply lines, or the bytes, are compared."""
    names = {k for k, _ in full["fields"]}
    if "smqp.reply.code" in names:
        keep = REPLY_LINE_FIELDS
    elif names & {"smqp.auth.data", "smqp.unknown_verb"}:
        keep = set()
    else:
        return full, cut
    return tuple(dict(p, fields=[(k, v) for k, v in p["fields"] if k in keep]) for p in (full, cut))


def check_cut(full_pcap, cut_pcap, n, full_pdus, opts, home):
    """PDUs after the resynchronisation point decode as in the full stream."""
    pdus = pdus_of(decode(cut_pcap, opts, True, home))
    link_pdus(pdus)
    full_ranges = frame_ranges(full_pcap)
    starts = {}
    pos = {}
    for p in full_pdus:
        d = full_ranges.get(p["frame"], (None,))[0]
        pos.setdefault(d, 0)
        starts[(p["dir"], pos[d])] = p
        pos[d] += len(p["data"])
    decoded = {d for d, _ in starts}
    problems = []
    cut_ranges = frame_ranges(cut_pcap)
    pos = {}
    synced = {}
    for p in pdus:
        r = cut_ranges.get(p["frame"])
        if not r:
            continue
        d = r[0]
        pos.setdefault(d, n)
        start = pos[d]
        pos[d] += len(p["data"])
        full = starts.get((p["dir"], start))
        if p["dir"] not in decoded:
            continue   # not SMQP in the full capture: judged at its start there
        names = [k for k, _ in p["fields"]]
        if full is None or not synced.get(d):
            if full is not None and "smqp.continuation" not in names:
                synced[d] = True
            elif "smqp.command" in names and full is None:
                problems.append("bytes %d+ of %s decoded as a command before resynchronising: %r"
                                % (start, d, p["data"][:40]))
                continue
            else:
                continue
        if full is not None:
            full, p = context_free(full, p)
        if full is None:
            problems.append("PDU at stream byte %d (%r) is not a PDU of the full stream" % (start, p["data"][:40]))
        elif comparable(full, False, False) != comparable(p, False, False):
            problems.append("PDU at stream byte %d differs:\n      full: %s\n      cut:  %s"
                            % (start, describe(comparable(full, False, False)),
                               describe(comparable(p, False, False))))
        if len(problems) >= 3:
            break
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--schemes", default=",".join(DEFAULT_SCHEMES))
    ap.add_argument("--cuts", default="")
    ap.add_argument("--damage", default="")
    ap.add_argument("captures", nargs="+")
    a = ap.parse_args()
    schemes = [s for s in a.schemes.split(",") if s]
    cuts = [int(c) for c in a.cuts.split(",") if c]
    damages = [d for d in a.damage.split(",") if d]
    status = 0
    with tempfile.TemporaryDirectory(prefix="smqp-invariance-") as tmp:
        os.chmod(tmp, 0o755)
        # the plugin must be the one just built, and loaded (else every
        # capture decodes as Data, the same under any segmentation)
        home = tempfile.mkdtemp(prefix="home-", dir=tmp)
        loaded = subprocess.run([os.path.join(HERE, "smqp-tshark"), "--check-loaded"],
                                env=dict(os.environ, SMQP_HOME=home), check=False)
        if loaded.returncode != 0:
            print("FAIL: tshark did not load the freshly built smqp.so")
            return 1
        with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
            jobs = [pool.submit(run_capture, c, schemes, cuts, damages, tmp) for c in a.captures]
            for job in jobs:
                name, failures, notes, runs, skipped = job.result()
                note = " (%s)" % "; ".join(notes) if notes else ""
                if skipped:
                    print("skip %s (%s)" % (name, failures[0]))
                elif failures:
                    status = 1
                    print("FAIL %s (%d of %d runs)%s" % (name, len(failures), runs, note))
                    for f in failures[:6]:
                        print("  " + f)
                else:
                    print("ok %s (%d runs)%s" % (name, runs, note))
    return status


if __name__ == "__main__":
    sys.exit(main())
