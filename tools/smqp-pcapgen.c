/* smqp-pcapgen.c
 * Writes a pcap of real-looking TCP connections from a plain-text
 * conversation script: Ethernet, IPv4 or IPv6, three-way handshake,
 * sequence and acknowledgement numbers, checksums, ACK-only segments,
 * FIN or RST teardown. The same script always gives the same bytes.
 *
 * Script lines (see tests/README.md for the full reference):
 *   C: text        SMQP client sends text + CRLF     S: text  server sends
 *   C| text        sends text with no CRLF added     (also S|)
 *   C< file        sends the bytes of a file, path relative to the script
 *   \r \n \t \\ \xHH  escapes in text
 *   @open NAME ADDR:PORT ADDR:PORT [callback]   TCP connect from the first
 *                  endpoint to the second; "callback": the connecting side is
 *                  the SMQP server (CONNECTTO), else it is the client
 *   @use NAME      @flush      @wait SECONDS     @mss N
 *   @split N N ... the next segment(s) sent get these sizes
 *   @bytewise      the next data is sent one byte per segment
 *   @retransmit    send the last data segment again
 *   @reorder       swap the first two segments of the next data
 *   @drop K        lose segment K (1-based) of the next data from the capture
 *   @capture off|on   packets are not written while off
 *   @close [C|S] [rst]   orderly FIN exchange started by that side, or RST
 *   @repeat N      the next C:/S: line is sent N times
 *   @udp ADDR:PORT ADDR:PORT text   one IPv4 UDP datagram holding text
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONNS 4096         /* the benchmark keeps 1 000+ open at once */
#define CONN_SLOTS 8192        /* hash index by name, a power of two > MAX_CONNS */
#define MAX_SPLIT 64
#define MAX_PKT 65535

typedef struct {
    int family;             /* 4 or 6 */
    uint8_t addr[16];
    uint16_t port;
    uint8_t mac[6];
    uint32_t seq;           /* next sequence number to send */
} endpoint;

typedef struct {
    char name[32];
    endpoint ep[2];         /* [0] SMQP client, [1] SMQP server */
    int initiator;          /* index of the side that sent SYN */
    bool open;
} conn;

typedef struct {
    const char *script;     /* for error messages */
    int lineno;
    pcap_dumper_t *dumper;
    uint64_t now_us;
    bool capture;
    int mss;
    conn conns[MAX_CONNS];
    int nconns;
    int slot[CONN_SLOTS];   /* 1 + index into conns, 0 empty */
    conn *cur;
    /* pending data, per side of the current connection */
    uint8_t *pend;
    size_t pend_len, pend_cap;
    int pend_side;
    /* segmentation of the next flush */
    size_t split[MAX_SPLIT];
    int nsplit;
    bool bytewise;
    bool reorder;
    int drop;
    int repeat;
    /* last data segment, for @retransmit */
    uint8_t last[MAX_PKT];
    size_t last_len;
    int last_side;
    uint32_t last_seq;
    conn *last_conn;
} gen;

static void die(gen *g, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: ", g->script, g->lineno);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s)
        h = (h ^ (uint8_t)*s++) * 16777619u;
    return h;
}

/* ---- packet building ------------------------------------------------- */

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        acc += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        acc += (uint32_t)(p[n - 1] << 8);
    return acc;
}

static uint16_t fold(uint32_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)~acc;
}

enum { F_FIN = 0x01, F_SYN = 0x02, F_RST = 0x04, F_PSH = 0x08, F_ACK = 0x10 };

static void emit(gen *g, conn *c, int from, uint8_t flags, uint32_t seq, const uint8_t *data, size_t len,
                 bool written)
{
    endpoint *s = &c->ep[from], *d = &c->ep[!from];
    uint8_t pkt[MAX_PKT + 128];
    size_t l2 = 14;
    size_t l3 = s->family == 4 ? 20 : 40;
    size_t opt = (flags & F_SYN) ? 4 : 0;
    size_t l4 = 20 + opt;
    size_t total = l2 + l3 + l4 + len;
    if (total > sizeof pkt)
        die(g, "segment too large");
    memset(pkt, 0, l2 + l3 + l4);
    memcpy(pkt, d->mac, 6);
    memcpy(pkt + 6, s->mac, 6);
    pkt[12] = s->family == 4 ? 0x08 : 0x86;
    pkt[13] = s->family == 4 ? 0x00 : 0xdd;
    uint8_t *ip = pkt + l2;
    uint8_t *tcp = ip + l3;
    if (s->family == 4) {
        ip[0] = 0x45;
        uint16_t tl = (uint16_t)(l3 + l4 + len);
        ip[2] = tl >> 8; ip[3] = tl & 0xff;
        ip[4] = 0; ip[5] = 0;
        ip[6] = 0x40;            /* DF */
        ip[8] = 64;
        ip[9] = 6;
        memcpy(ip + 12, s->addr, 4);
        memcpy(ip + 16, d->addr, 4);
        uint16_t ck = fold(sum16(ip, 20, 0));
        ip[10] = ck >> 8; ip[11] = ck & 0xff;
    } else {
        ip[0] = 0x60;
        uint16_t pl = (uint16_t)(l4 + len);
        ip[4] = pl >> 8; ip[5] = pl & 0xff;
        ip[6] = 6;
        ip[7] = 64;
        memcpy(ip + 8, s->addr, 16);
        memcpy(ip + 24, d->addr, 16);
    }
    tcp[0] = s->port >> 8; tcp[1] = s->port & 0xff;
    tcp[2] = d->port >> 8; tcp[3] = d->port & 0xff;
    uint32_t ack = d->seq;
    tcp[4] = seq >> 24; tcp[5] = seq >> 16; tcp[6] = seq >> 8; tcp[7] = (uint8_t)seq;
    if (flags & F_ACK) {
        tcp[8] = ack >> 24; tcp[9] = ack >> 16; tcp[10] = ack >> 8; tcp[11] = (uint8_t)ack;
    }
    tcp[12] = (uint8_t)((l4 / 4) << 4);
    tcp[13] = flags;
    tcp[14] = 0xfa; tcp[15] = 0xf0;   /* window 64240 */
    if (opt) {
        tcp[20] = 2; tcp[21] = 4;
        tcp[22] = (uint8_t)(g->mss >> 8); tcp[23] = (uint8_t)g->mss;
    }
    if (len)
        memcpy(tcp + l4, data, len);
    /* pseudo-header checksum */
    uint32_t acc = 0;
    size_t alen = s->family == 4 ? 4 : 16;
    acc = sum16(s->addr, alen, acc);
    acc = sum16(d->addr, alen, acc);
    acc += 6;
    acc += (uint32_t)(l4 + len);
    acc = sum16(tcp, l4 + len, acc);
    uint16_t ck = fold(acc);
    tcp[16] = ck >> 8; tcp[17] = ck & 0xff;

    g->now_us += 100;
    if (written && g->capture) {
        struct pcap_pkthdr h;
        h.ts.tv_sec = (time_t)(g->now_us / 1000000);
        h.ts.tv_usec = (suseconds_t)(g->now_us % 1000000);
        h.caplen = h.len = (bpf_u_int32)total;
        pcap_dump((u_char *)g->dumper, &h, pkt);
    }
}

/* ---- script parsing -------------------------------------------------- */

static void parse_endpoint(gen *g, const char *text, endpoint *ep, int which)
{
    char host[128];
    const char *colon;
    memset(ep, 0, sizeof *ep);
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (!close || close[1] != ':')
            die(g, "bad endpoint %s", text);
        size_t n = (size_t)(close - text - 1);
        if (n >= sizeof host)
            die(g, "bad endpoint %s", text);
        memcpy(host, text + 1, n);
        host[n] = 0;
        colon = close + 1;
        ep->family = 6;
        if (inet_pton(AF_INET6, host, ep->addr) != 1)
            die(g, "bad IPv6 address %s", host);
    } else {
        colon = strrchr(text, ':');
        if (!colon || (size_t)(colon - text) >= sizeof host)
            die(g, "bad endpoint %s", text);
        memcpy(host, text, (size_t)(colon - text));
        host[colon - text] = 0;
        ep->family = 4;
        if (inet_pton(AF_INET, host, ep->addr) != 1)
            die(g, "bad IPv4 address %s", host);
    }
    ep->port = (uint16_t)atoi(colon + 1);
    uint32_t h = fnv1a(text);
    uint8_t mac[6] = { 0x02, 0x00, (uint8_t)(h >> 24), (uint8_t)(h >> 16), (uint8_t)(h >> 8), (uint8_t)which };
    memcpy(ep->mac, mac, 6);
}

/* The slot of a name: where it is, or the empty slot where it would go. */
static int *conn_slot(gen *g, const char *name)
{
    for (uint32_t h = fnv1a(name);; h++) {
        int *slot = &g->slot[h & (CONN_SLOTS - 1)];
        if (!*slot || strcmp(g->conns[*slot - 1].name, name) == 0)
            return slot;
    }
}

static conn *find_conn(gen *g, const char *name)
{
    int slot = *conn_slot(g, name);
    return slot ? &g->conns[slot - 1] : NULL;
}

static void pend_add(gen *g, const uint8_t *p, size_t n)
{
    if (g->pend_len + n > g->pend_cap) {
        size_t cap = g->pend_cap ? g->pend_cap : 4096;
        while (cap < g->pend_len + n)
            cap *= 2;
        g->pend = realloc(g->pend, cap);
        if (!g->pend)
            die(g, "out of memory");
        g->pend_cap = cap;
    }
    memcpy(g->pend + g->pend_len, p, n);
    g->pend_len += n;
}

typedef struct {
    uint32_t seq;
    size_t off, len;
} segment;

/* Sends what is pending as data segments, then an ACK from the peer. */
static void flush(gen *g)
{
    if (!g->pend_len)
        return;
    conn *c = g->cur;
    int from = g->pend_side;
    size_t nseg = 0, cap = 16;
    segment *segs = malloc(cap * sizeof *segs);
    size_t off = 0;
    int si = 0;
    while (off < g->pend_len) {
        size_t n;
        if (g->bytewise)
            n = 1;
        else if (si < g->nsplit)
            n = g->split[si++];
        else
            n = (size_t)g->mss;
        if (n == 0)
            n = 1;
        if (n > g->pend_len - off)
            n = g->pend_len - off;
        if (n > (size_t)g->mss)
            n = (size_t)g->mss;
        if (nseg == cap) {
            cap *= 2;
            segs = realloc(segs, cap * sizeof *segs);
        }
        segs[nseg].seq = c->ep[from].seq + (uint32_t)off;
        segs[nseg].off = off;
        segs[nseg].len = n;
        nseg++;
        off += n;
    }
    if (g->reorder && nseg >= 2) {
        segment t = segs[0];
        segs[0] = segs[1];
        segs[1] = t;
    }
    uint32_t base_seq = c->ep[from].seq;
    /* acknowledgement numbers advance as data is sent, in send order */
    for (size_t i = 0; i < nseg; i++) {
        emit(g, c, from, F_ACK | F_PSH, segs[i].seq, g->pend + segs[i].off, segs[i].len,
             (int)i + 1 != g->drop);
        memcpy(g->last, g->pend + segs[i].off, segs[i].len);
        g->last_len = segs[i].len;
        g->last_seq = segs[i].seq;
        g->last_side = from;
        g->last_conn = c;
    }
    c->ep[from].seq = base_seq + (uint32_t)g->pend_len;
    emit(g, c, !from, F_ACK, c->ep[!from].seq, NULL, 0, true);
    free(segs);
    g->pend_len = 0;
    g->nsplit = 0;
    g->bytewise = false;
    g->reorder = false;
    g->drop = 0;
}

static int unhex(gen *g, char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    die(g, "bad hex digit '%c'", c);
    return 0;
}

/* Decodes escapes of text into out; returns the length. */
static size_t unescape(gen *g, const char *text, uint8_t *out)
{
    size_t n = 0;
    for (const char *p = text; *p; p++) {
        if (*p != '\\') {
            out[n++] = (uint8_t)*p;
            continue;
        }
        p++;
        switch (*p) {
        case 'r': out[n++] = '\r'; break;
        case 'n': out[n++] = '\n'; break;
        case 't': out[n++] = '\t'; break;
        case '\\': out[n++] = '\\'; break;
        case 'x':
            if (!p[1] || !p[2])
                die(g, "short \\x escape");
            out[n++] = (uint8_t)(unhex(g, p[1]) << 4 | unhex(g, p[2]));
            p += 2;
            break;
        default:
            die(g, "unknown escape \\%c", *p ? *p : '0');
        }
    }
    return n;
}

static void send_side(gen *g, int side, const uint8_t *p, size_t n)
{
    if (!g->cur || !g->cur->open)
        die(g, "data with no open connection");
    if (g->pend_len && g->pend_side != side)
        flush(g);
    g->pend_side = side;
    pend_add(g, p, n);
}

static void do_open(gen *g, char *args)
{
    char name[32], a[128], b[128], mode[32] = "";
    if (sscanf(args, "%31s %127s %127s %31s", name, a, b, mode) < 3)
        die(g, "@open NAME ADDR:PORT ADDR:PORT [callback]");
    flush(g);
    int *slot = conn_slot(g, name);
    if (!*slot) {
        if (g->nconns == MAX_CONNS)
            die(g, "too many connections");
        *slot = ++g->nconns;
    }
    conn *c = &g->conns[*slot - 1];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    bool callback = strcmp(mode, "callback") == 0;
    /* the connecting side is the SMQP client unless this is a callback */
    int init = callback ? 1 : 0;
    parse_endpoint(g, a, &c->ep[init], 1);
    parse_endpoint(g, b, &c->ep[!init], 2);
    if (c->ep[0].family != c->ep[1].family)
        die(g, "mixed address families");
    c->initiator = init;
    c->ep[0].seq = fnv1a(name) ^ 0x5a5a0000u;
    c->ep[1].seq = fnv1a(name) * 31u + 0x1000u;
    endpoint *s = &c->ep[init], *d = &c->ep[!init];
    emit(g, c, init, F_SYN, s->seq, NULL, 0, true);
    s->seq++;
    emit(g, c, !init, F_SYN | F_ACK, d->seq, NULL, 0, true);
    d->seq++;
    emit(g, c, init, F_ACK, s->seq, NULL, 0, true);
    c->open = true;
    g->cur = c;
}

/* @udp ADDR:PORT ADDR:PORT text: one IPv4 datagram (the DSLab broker's
 * monitoring messages); the text is unescaped, no line end added. */
static void do_udp(gen *g, char *args)
{
    char a[128], b[128];
    int skip = 0;
    if (sscanf(args, "%127s %127s %n", a, b, &skip) < 2 || !skip)
        die(g, "@udp ADDR:PORT ADDR:PORT text");
    flush(g);
    endpoint s, d;
    parse_endpoint(g, a, &s, 1);
    parse_endpoint(g, b, &d, 2);
    if (s.family != 4 || d.family != 4)
        die(g, "@udp: IPv4 only");
    uint8_t data[2048];
    if (strlen(args + skip) >= sizeof data)
        die(g, "@udp: datagram too long");
    size_t len = unescape(g, args + skip, data);
    uint8_t pkt[14 + 20 + 8 + sizeof data];
    size_t total = 14 + 20 + 8 + len;
    memset(pkt, 0, 14 + 20 + 8);
    memcpy(pkt, d.mac, 6);
    memcpy(pkt + 6, s.mac, 6);
    pkt[12] = 0x08;
    uint8_t *ip = pkt + 14, *udp = ip + 20;
    ip[0] = 0x45;
    ip[2] = (uint8_t)((20 + 8 + len) >> 8); ip[3] = (uint8_t)(20 + 8 + len);
    ip[6] = 0x40;
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, s.addr, 4);
    memcpy(ip + 16, d.addr, 4);
    uint16_t ck = fold(sum16(ip, 20, 0));
    ip[10] = ck >> 8; ip[11] = ck & 0xff;
    udp[0] = s.port >> 8; udp[1] = s.port & 0xff;
    udp[2] = d.port >> 8; udp[3] = d.port & 0xff;
    udp[4] = (uint8_t)((8 + len) >> 8); udp[5] = (uint8_t)(8 + len);
    memcpy(udp + 8, data, len);
    uint32_t acc = sum16(s.addr, 4, 0);
    acc = sum16(d.addr, 4, acc);
    acc += 17;
    acc += (uint32_t)(8 + len);
    acc = sum16(udp, 8 + len, acc);
    ck = fold(acc);
    if (!ck)
        ck = 0xffff;
    udp[6] = ck >> 8; udp[7] = ck & 0xff;
    g->now_us += 100;
    if (g->capture) {
        struct pcap_pkthdr h;
        h.ts.tv_sec = (time_t)(g->now_us / 1000000);
        h.ts.tv_usec = (suseconds_t)(g->now_us % 1000000);
        h.caplen = h.len = (bpf_u_int32)total;
        pcap_dump((u_char *)g->dumper, &h, pkt);
    }
}

static void do_close(gen *g, char *args)
{
    char who[8] = "C", how[8] = "";
    sscanf(args, "%7s %7s", who, how);
    flush(g);
    conn *c = g->cur;
    if (!c || !c->open)
        die(g, "@close with no open connection");
    int side = who[0] == 'S' ? 1 : 0;
    if (strcmp(how, "rst") == 0) {
        emit(g, c, side, F_RST | F_ACK, c->ep[side].seq, NULL, 0, true);
    } else {
        emit(g, c, side, F_FIN | F_ACK, c->ep[side].seq, NULL, 0, true);
        c->ep[side].seq++;
        emit(g, c, !side, F_FIN | F_ACK, c->ep[!side].seq, NULL, 0, true);
        c->ep[!side].seq++;
        emit(g, c, side, F_ACK, c->ep[side].seq, NULL, 0, true);
    }
    c->open = false;
}

static void directive(gen *g, char *line)
{
    char *args = line;
    while (*args && !isspace((unsigned char)*args))
        args++;
    if (*args)
        *args++ = 0;
    if (strcmp(line, "@open") == 0) {
        do_open(g, args);
    } else if (strcmp(line, "@udp") == 0) {
        do_udp(g, args);
    } else if (strcmp(line, "@use") == 0) {
        flush(g);
        char name[32];
        if (sscanf(args, "%31s", name) != 1 || !(g->cur = find_conn(g, name)))
            die(g, "@use: no connection %s", args);
    } else if (strcmp(line, "@flush") == 0) {
        flush(g);
    } else if (strcmp(line, "@wait") == 0) {
        flush(g);
        g->now_us += (uint64_t)(atof(args) * 1e6 + 0.5);
    } else if (strcmp(line, "@mss") == 0) {
        g->mss = atoi(args);
        if (g->mss < 1 || g->mss > 9000)
            die(g, "@mss out of range");
    } else if (strcmp(line, "@split") == 0) {
        flush(g);
        char *p = args, *end;
        g->nsplit = 0;
        for (long v = strtol(p, &end, 10); end != p && g->nsplit < MAX_SPLIT; v = strtol(p, &end, 10)) {
            g->split[g->nsplit++] = (size_t)v;
            p = end;
        }
    } else if (strcmp(line, "@bytewise") == 0) {
        flush(g);
        g->bytewise = true;
    } else if (strcmp(line, "@reorder") == 0) {
        flush(g);
        g->reorder = true;
    } else if (strcmp(line, "@drop") == 0) {
        flush(g);
        g->drop = atoi(args);
    } else if (strcmp(line, "@retransmit") == 0) {
        flush(g);
        if (!g->last_conn)
            die(g, "@retransmit before any data");
        g->now_us += 200000;
        emit(g, g->last_conn, g->last_side, F_ACK | F_PSH, g->last_seq, g->last, g->last_len, true);
    } else if (strcmp(line, "@capture") == 0) {
        flush(g);
        g->capture = strncmp(args, "off", 3) != 0;
    } else if (strcmp(line, "@close") == 0) {
        do_close(g, args);
    } else if (strcmp(line, "@repeat") == 0) {
        g->repeat = atoi(args);
        if (g->repeat < 1)
            die(g, "@repeat needs a positive count");
    } else {
        die(g, "unknown directive %s", line);
    }
}

static void read_file_into(gen *g, int side, const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        die(g, "cannot open %s: %s", path, strerror(errno));
    uint8_t buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        send_side(g, side, buf, n);
    fclose(f);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s SCRIPT OUTPUT.pcap\n", argv[0]);
        return 2;
    }
    gen *g = calloc(1, sizeof *g);
    g->script = argv[1];
    g->mss = 1460;
    g->capture = true;
    g->now_us = 998563512ull * 1000000ull;   /* 2001-08-23 10:45:12 UTC */
    FILE *in = fopen(argv[1], "r");
    if (!in) {
        perror(argv[1]);
        return 2;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", argv[1]);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    else
        strcpy(dir, ".");

    pcap_t *dead = pcap_open_dead(DLT_EN10MB, MAX_PKT);
    g->dumper = pcap_dump_open(dead, argv[2]);
    if (!g->dumper) {
        fprintf(stderr, "%s\n", pcap_geterr(dead));
        return 2;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    uint8_t *data = NULL;
    while ((n = getline(&line, &cap, in)) >= 0) {
        g->lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (n == 0 || line[0] == '#')
            continue;
        if (line[0] == '@') {
            directive(g, line);
            continue;
        }
        if ((line[0] != 'C' && line[0] != 'S') || (line[1] != ':' && line[1] != '|' && line[1] != '<'))
            die(g, "expected C:, S:, C|, S|, C<, S< or @directive");
        int side = line[0] == 'S';
        const char *text = line + 2;
        if (*text == ' ')
            text++;
        if (line[1] == '<') {
            read_file_into(g, side, dir, text);
            continue;
        }
        data = realloc(data, (size_t)n + 3);
        size_t len = unescape(g, text, data);
        if (line[1] == ':') {
            data[len++] = '\r';
            data[len++] = '\n';
        }
        int times = g->repeat ? g->repeat : 1;
        g->repeat = 0;
        for (int i = 0; i < times; i++)
            send_side(g, side, data, len);
    }
    flush(g);
    pcap_dump_close(g->dumper);
    pcap_close(dead);
    fclose(in);
    free(line);
    free(data);
    free(g->pend);
    free(g);
    return 0;
}
