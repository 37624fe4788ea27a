/* smqp-scriptgen.c
 * Writes conversation scripts for smqp-pcapgen (see its header for the
 * script language), driven by a seed so every output can be made again:
 *
 *   smqp-scriptgen fuzz SEED
 *       one random but structured SMQP session: commands of every form from
 *       the grammar's own table, in any spelling, with random arguments;
 *       messages with random headers, parts, right and wrong Content-Lengths
 *       and binary data; replies of every code; callback connections; and
 *       random TCP segmentation, loss, reordering and retransmission.
 *
 *   smqp-scriptgen bench smqp|http|text|sessions MEGABYTES CONNECTIONS SEED
 *       benchmark traffic of about MEGABYTES of payload over CONNECTIONS
 *       concurrent connections: SMQP (logins, subscriptions, PUBLISH with
 *       1-3 parts of 50 B - 64 kB, NOTIFY with two-phase ACK), HTTP/1.1
 *       with the same message-size mix, or a line-based text protocol that
 *       is neither, on ports no dissector claims; "sessions" is SMQP whose
 *       clients each have a callback connection, on which other clients'
 *       publishes are notified with the SMUID the publisher was given.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "smqp-tables.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- deterministic randomness ---------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* xorshift64*: fast, and the same sequence on every machine */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

static unsigned below(unsigned n)
{
    return n ? (unsigned)(rnd() % n) : 0;
}

static bool chance(unsigned percent)
{
    return below(100) < percent;
}

/* Sizes spread evenly on a log scale between lo and hi. */
static unsigned log_size(unsigned lo, unsigned hi)
{
    double f = (double)(rnd() >> 11) / (double)(1ULL << 53);
    double v = lo * pow((double)hi / lo, f);
    return (unsigned)v;
}

#define PICK(array) (array[below(sizeof array / sizeof array[0])])

/* ---- script output ----------------------------------------------------- */

static bool sent_any;   /* @retransmit needs data sent before it */

/* One script line sending bytes from side 'C' or 'S', with the bytes
 * escaped so any value survives; crlf adds the line end. */
static void send_bytes(char side, const uint8_t *p, size_t n, bool crlf)
{
    sent_any = true;
    putchar(side);
    fputs(crlf ? ": " : "| ", stdout);
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (c == '\\')
            fputs("\\\\", stdout);
        else if (c >= 0x20 && c < 0x7f)
            putchar(c);
        else
            printf("\\x%02x", c);
    }
    putchar('\n');
}

static void send_line(char side, const char *text)
{
    send_bytes(side, (const uint8_t *)text, strlen(text), true);
}

static void sendf(char side, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sendf(char side, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    send_line(side, buf);
}

/* ---- random SMQP pieces ------------------------------------------------ */

static const char *const tokens[] = {
    "/stocks/quotes/ibm", "/accounts/jtegen/orange", "/", "/a/b/c/d/e/f/g", "*",
    "A005", "jtegen:orange", "jtegen", "orange", "rowe7kuy", "CLEAR/1.0", "KERBEROS_V4/1.0",
    "smqp.net/745/Z65e5y", "www.host.com/8342156-1835(D20020815T075900Z)",
    "jtegen:orange@host.com/A004(D20020815T075900Z)", "(news,smqp)", "(a,b,c",
    "D20010815T08341245Z", "D20011332T25616199Z", "D2001", "00:24:00:00", "99:99", "00:01:00",
    "721", "65536", "0", "-1", "99999999999999999999", "192.168.0.1:721", "[::1]:721", "::1",
    "ALL", "NONE", "ONE", "ADD", "DELETE", "MOVE", "REPLACE", "CHANGES", "SINCE", "UNTIL", "TAGS",
    "text/x-vcard", "> http://x/y", ">", "1", "2", "YES", "NO", "\"quoted string\"", ",", ":", "",
};

static const char *const mimes[] = {
    "text/plain", "text/html", "image/gif", "application/octet-stream", "text/x-vcard",
    "application/json", "application/xml", "message/rfc822", "text/plain; charset=\"utf-8\"",
    "multipart/mixed; boundary=x", "", "x/y/z",
};

/* A word from the table: its canonical name or one of its alternatives. */
static void spell(const smqp_word *w, char *out, size_t cap)
{
    const char *alts = w->alts;
    unsigned n = 0;
    for (const char *p = alts; p && *p; p++)
        n += *p == '|';
    unsigned k = alts ? below(n + 2) : 0;
    if (k == 0 || !alts) {
        snprintf(out, cap, "%s", w->name);
        return;
    }
    const char *p = alts;
    while (--k && (p = strchr(p, '|')))
        p++;
    if (!p)
        p = alts;
    size_t len = strcspn(p, "|");
    snprintf(out, cap, "%.*s", (int)len, p);
    if (chance(20)) /* case should not matter */
        for (char *c = out; *c; c++)
            *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
}

static void random_token(char *out, size_t cap)
{
    unsigned r = below(100);
    if (r < 80) {
        snprintf(out, cap, "%s", PICK(tokens));
    } else if (r < 90) {
        unsigned n = log_size(1, 3000);
        if (n >= cap)
            n = (unsigned)cap - 1;
        for (unsigned i = 0; i < n; i++)
            out[i] = (char)('a' + below(26));
        out[n] = 0;
    } else {
        unsigned n = 1 + below(12);
        for (unsigned i = 0; i < n; i++)
            out[i] = (char)(1 + below(255));
        out[n] = 0;
    }
}

static void command_line(char side, const smqp_form *f)
{
    char line[8192], word[3072];
    size_t len = 0;
    const char *verb = smqp_verb_name(f->verb);
    const smqp_verb_def *v = smqp_lookup_verb((const uint8_t *)verb, (smqp_span){ 0, strlen(verb) });
    spell(&v->word, word, sizeof word);
    len += (size_t)snprintf(line + len, sizeof line - len, "%s", word);
    const smqp_word *res[2] = { &f->res1, &f->res2 };
    for (int i = 0; i < 2; i++) {
        if (res[i]->name && !chance(3)) {
            spell(res[i], word, sizeof word);
            len += (size_t)snprintf(line + len, sizeof line - len, " %s", word);
        }
    }
    unsigned nargs = below(6);
    for (unsigned i = 0; i < nargs && len < sizeof line - 1; i++) {
        random_token(word, sizeof word);
        len += (size_t)snprintf(line + len, sizeof line - len, "%s%s", chance(5) ? "  " : " ", word);
    }
    if (len >= sizeof line)
        len = sizeof line - 1;
    send_bytes(side, (const uint8_t *)line, len, !chance(3));
}

/* Binary bytes, or text sprinkled with the characters that end lines and
 * messages. */
static void random_data(uint8_t *p, size_t n, bool binary)
{
    static const uint8_t enders[] = { '\r', '\n', '.' };
    for (size_t i = 0; i < n; i++) {
        if (binary)
            p[i] = (uint8_t)below(256);
        else
            p[i] = chance(3) ? enders[below(3)] : (uint8_t)(' ' + below(95));
    }
}

/* Headers, then 0-3 data parts, then "." (usually). */
static void message_body(char side)
{
    unsigned nh = below(12);
    for (unsigned i = 0; i < nh; i++) {
        const smqp_attr_def *a = &smqp_attrs[below((unsigned)smqp_attr_count)];
        char tok[3072], name[64];
        random_token(tok, sizeof tok);
        spell(&a->word, name, sizeof name);
        if (chance(5))
            sendf(side, "X-%s: %s", name, tok);
        else
            sendf(side, "%s:%s%s", name, chance(90) ? " " : "", tok);
    }
    unsigned parts = below(4);
    static uint8_t data[70000];
    for (unsigned k = 0; k < parts; k++) {
        send_line(side, "");
        size_t n = chance(70) ? log_size(1, 2000) : log_size(1, sizeof data - 1);
        random_data(data, n, chance(30));
        sendf(side, "Content-Type: %s", PICK(mimes));
        switch (below(8)) {
        case 0: break;                                              /* missing */
        case 1: sendf(side, "Content-Length: %zu", n + below(50)); break;  /* too long */
        case 2: sendf(side, "Content-Length: %zu", n / 2); break;   /* too short */
        case 3: send_line(side, PICK(((const char *const[]){ "Content-Length: 1000000000",
                    "Content-Length: -5", "Content-Length: 99999999999999999999", "Content-Length:",
                    "Content-Length: 12abc" }))); break;
        default: sendf(side, "Content-Length: %zu", n); break;
        }
        if (chance(30))
            sendf(side, "Content-ID: part%u", k);
        send_line(side, "");
        send_bytes(side, data, n, chance(90));
    }
    if (chance(85))
        send_line(side, ".");
}

static void reply(char side, bool final_only)
{
    const smqp_reply_code *rc = &smqp_reply_codes[below((unsigned)smqp_reply_code_count)];
    unsigned code = chance(5) ? 100 + below(900) : rc->code;
    unsigned lines = final_only ? 0 : (chance(70) ? 0 : below(6));
    char tok[3072];
    for (unsigned i = 0; i < lines; i++) {
        random_token(tok, sizeof tok);
        sendf(side, "%u-%s%s", code, chance(10) ? "+" : "", tok);
    }
    sendf(side, "%u %s", code, rc->name);
}

static void tcp_shape(void)
{
    switch (below(14)) {
    case 0: printf("@split %u %u %u\n", 1 + below(40), 1 + below(200), 1 + below(9)); break;
    case 1: printf("@drop %u\n", 1 + below(3)); break;
    case 2: puts("@reorder"); break;
    case 3: if (sent_any) puts("@retransmit"); break;
    case 4: printf("@mss %u\n", 1 + log_size(1, 1460)); break;
    case 5: printf("@wait %u\n", below(3)); break;
    default: break;
    }
}

static void fuzz_session(void)
{
    static const char *const ports[] = { "720", "720", "720", "721", "5720" };
    bool v6 = chance(15);
    const char *srv = v6 ? "[2001:db8::1]" : "192.168.0.1", *cli = v6 ? "[2001:db8::10]" : "192.168.0.10";
    printf("@open main %s:%u %s:%s\n", cli, 40000 + below(20000), srv, PICK(ports));
    if (chance(90))
        send_line('S', "SMQP/1.0 Ready. Fuzz Server/1.0");
    bool callback = false;
    unsigned steps = 1 + below(30);
    for (unsigned s = 0; s < steps; s++) {
        if (chance(40))
            tcp_shape();
        unsigned r = below(100);
        if (r < 50) {
            const smqp_form *f = &smqp_forms[below((unsigned)smqp_form_count)];
            char side = f->from_server ? 'S' : 'C';
            command_line(side, f);
            if (f->body == SMQP_BODY_MESSAGE)
                message_body(side);
            else if (f->body == SMQP_BODY_CONTACT) {
                for (unsigned i = below(4); i; i--)
                    send_line(side, "BEGIN:VCARD");
                if (chance(85))
                    send_line(side, "");
            }
            if (chance(80))
                reply(side == 'C' ? 'S' : 'C', f->from_server);
            if (f->reply_data == SMQP_RD_MESSAGE && chance(70))
                message_body('S');
        } else if (r < 60) {
            reply(chance(50) ? 'S' : 'C', false);
        } else if (r < 70) {
            uint8_t junk[600];
            size_t n = 1 + below(sizeof junk);
            random_data(junk, n, true);
            send_bytes(chance(50) ? 'S' : 'C', junk, n, chance(50));
        } else if (r < 75) {
            send_line(chance(50) ? 'S' : 'C', "");
        } else if (r < 80) {
            send_bytes('C', (const uint8_t *)"NOOP\n", 5, false);
        } else if (r < 85 && !callback) {
            /* a callback connection for the notifications */
            callback = true;
            printf("@open cb %s:%u %s:721 callback\n", srv, 50000 + below(10000), cli);
            send_line('C', "SMQP/1.0 Ready.");
            send_line('S', "smqp.net/745/Z65e5y");
            reply('C', true);
        } else if (callback) {
            printf("@use %s\n", chance(50) ? "cb" : "main");
        }
    }
    if (chance(70)) {
        puts("@use main");
        printf("@close %c%s\n", chance(50) ? 'C' : 'S', chance(20) ? " rst" : "");
    }
}

/* ---- benchmark traffic ------------------------------------------------- */

static char text_pool[1 << 17];

static void init_text_pool(void)
{
    static const char *const words[] = {
        "quote", "ibm", "price", "24.567", "market", "open", "close", "volume", "the", "of",
        "order", "filled", "news", "update", "smqp", "topic", "desk", "equities", "bid", "ask",
    };
    size_t n = 0;
    while (n < sizeof text_pool - 16) {
        const char *w = PICK(words);
        size_t l = strlen(w);
        memcpy(text_pool + n, w, l);
        n += l;
        text_pool[n++] = ' ';
    }
    text_pool[n] = 0;
}

/* Body text of exactly n bytes: lines of 76 characters, each with its
 * CRLF counted in n, and a last line of at most 78 whose CRLF is not (it
 * ends the data). */
static void body_text(char side, size_t n)
{
    for (;;) {
        size_t l = n <= 78 ? n : 76;
        send_bytes(side, (const uint8_t *)text_pool + below((unsigned)(sizeof text_pool - 100)), l, true);
        if (l == n)
            return;
        n -= l + 2;
    }
}

static size_t part_size(void)
{
    return log_size(50, 65536);
}

/* 1-3 data parts of a message and its "." line; returns the data bytes. */
static size_t smqp_parts(char side)
{
    size_t total = 0;
    for (unsigned k = 0, parts = 1 + below(3); k < parts; k++) {
        size_t n = part_size();
        printf("%c:\n%c: Content-Type: %s\n", side, side, k & 1 ? "text/html" : "text/plain");
        printf("%c: Content-Length: %zu\n%c:\n", side, n, side);
        body_text(side, n);
        total += n;
    }
    printf("%c: .\n", side);
    return total;
}

static size_t bench_smqp_publish(unsigned c)
{
    printf("@use c%u\n", c);
    printf("C: PUBLISH MESSAGE /stocks/quotes/s%u A%u\n", c % 97, below(100000));
    puts("C: Priority: 1");
    puts("C: Created: D20010815T08341245Z");
    puts("C: Guarantee: YES");
    puts("C: Tags: news,smqp,publish");
    size_t total = smqp_parts('C');
    puts("S: 200-OK");
    printf("S: 200-jtegen:c%u@smqp.net/A%u(D20020820T09000000Z)\n", c, below(100000));
    printf("S: 200 www.smqp.net/%u-%u(D20020820T09000000Z)\n", below(1000000000), c);
    return total + 400;
}

static size_t bench_smqp_notify(unsigned c)
{
    printf("@use c%u\n", c);
    printf("S: NOTIFY MESSAGE /stocks/quotes/s%u ADD\n", c % 97);
    puts("S: Created: D20010815T08032445Z");
    printf("S: Smuid: www.host.com/%u-%u(D20020815T075900Z)\n", below(1000000000), c);
    puts("S: Priority: 1");
    size_t total = smqp_parts('S');
    /* two-phase acknowledgement */
    puts("C: 310 ACK");
    puts("S: 310 ACK");
    return total + 200;
}

/* Total body of one exchange: 1-3 parts' worth, as SMQP messages carry. */
static size_t parts_total(void)
{
    size_t n = 0;
    for (unsigned k = 1 + below(3); k; k--)
        n += part_size();
    return n;
}

/* An HTTP/1.1 message: start line, a few headers, then a body of n bytes
 * with its Content-Length, or no body at all. */
static void http_message(char side, const char *start, bool body, size_t n)
{
    printf("%c: %s\n", side, start);
    printf("%c: %s\n", side, side == 'C' ? "Host: www.example.com" : "Server: bench/1.0");
    if (body) {
        printf("%c: Content-Type: text/plain\n%c: Content-Length: %zu\n%c:\n", side, side, n, side);
        body_text(side, n);
    } else {
        printf("%c:\n", side);
    }
}

static size_t bench_http_request(unsigned c)
{
    char start[64];
    size_t n = parts_total();
    printf("@use c%u\n", c);
    snprintf(start, sizeof start, "POST /stocks/quotes/s%u HTTP/1.1", c % 97);
    http_message('C', start, true, n);
    http_message('S', "HTTP/1.1 200 OK", true, 2);
    return n + 250;
}

static size_t bench_http_response(unsigned c)
{
    char start[64];
    size_t n = parts_total();
    printf("@use c%u\n", c);
    snprintf(start, sizeof start, "GET /stocks/quotes/s%u HTTP/1.1", c % 97);
    http_message('C', start, false, 0);
    http_message('S', "HTTP/1.1 200 OK", true, n);
    return n + 200;
}

static size_t bench_text(unsigned c)
{
    size_t n = parts_total();
    printf("@use c%u\n", c);
    printf("C: post s%u %zu\n", c % 97, n);
    body_text('C', n);
    puts("S: ok");
    return n + 20;
}

/* sessions: each client has a callback connection, and a message one client
 * publishes is notified to another on its callback, with the SMUID the
 * server gave the publisher (so deliveries can be matched across clients). */
static size_t bench_sessions_round(unsigned conns)
{
    unsigned c = below(conns);
    unsigned smuid = below(1000000000);
    printf("@use c%u\n", c);
    printf("C: PUBLISH MESSAGE /stocks/quotes/s%u A%u\n", c % 97, smuid % 100000);
    puts("C: Created: D20010815T08341245Z");
    size_t total = smqp_parts('C');
    /* a slow server now and then: a reply that comes up to a second later */
    if (chance(30))
        printf("@wait 0.%03u\n", below(1000));
    puts("S: 200-OK");
    printf("S: 200-u%u:ch1@smqp.net/A%u(D20020820T09000000Z)\n", c, smuid % 100000);
    printf("S: 200 www.smqp.net/%u-%u(D20020820T09000000Z)\n", smuid, c);
    if (conns > 1 && chance(70)) {
        unsigned d = (c + 1 + below(conns - 1)) % conns;
        printf("@wait 0.%03u\n", below(1000));
        printf("@use cb%u\n", d);
        printf("S: NOTIFY MESSAGE /stocks/quotes/s%u ADD\n", c % 97);
        puts("S: Created: D20010815T08341245Z");
        printf("S: Smuid: www.smqp.net/%u-%u(D20020820T09000000Z)\n", smuid, c);
        printf("S: Cmuid: u%u:ch1@smqp.net/A%u(D20020820T09000000Z)\n", c, smuid % 100000);
        total += smqp_parts('S');
        puts(chance(90) ? "C: 310 ACK\nS: 310 ACK" : "C: 416 Not Available");
    }
    return total + 600;
}

static int bench_sessions(unsigned megabytes, unsigned conns)
{
    init_text_pool();
    puts("@mss 1460");
    for (unsigned c = 0; c < conns; c++) {
        printf("@open c%u 10.%u.%u.%u:%u 10.255.0.1:720\n", c, 1 + c / 65536, (c / 256) % 256, c % 256,
               20000 + c % 40000);
        puts("S: SMQP/1.0 Ready. Bench Server/1.0");
        printf("C: LOGIN u%u:ch1 CLEAR/1.0\nS: 200 OK\nC: PASS u%u secret\n", c, c);
        puts("S: 200-OK\nS: 200-Timeout: 00:24:00:00\nS: 200 Suid: smqp.net/745/Z65e5y");
        printf("C: SUBSCRIBE MESSAGE /stocks/quotes/s%u\nS: 200 OK\n", c % 97);
        printf("C: CONNECTTO u%u:ch1 721\n", c);
        printf("@open cb%u 10.255.0.1:%u 10.%u.%u.%u:721 callback\n", c, 50000 + c % 10000, 1 + c / 65536,
               (c / 256) % 256, c % 256);
        puts("C: SMQP/1.0 Ready.\nS: smqp.net/745/Z65e5y\nC: 200 OK");
        printf("@use c%u\nS: 200 OK\n", c);
    }
    unsigned long long budget = (unsigned long long)megabytes * 1000000ULL, spent = 0;
    while (spent < budget)
        spent += bench_sessions_round(conns);
    for (unsigned c = 0; c < conns; c++) {
        printf("@use cb%u\n@close S\n@use c%u\nC: QUIT\nS: 200 OK\n@close C\n", c, c);
    }
    return 0;
}

static int bench(const char *kind, unsigned megabytes, unsigned conns)
{
    if (strcmp(kind, "sessions") == 0)
        return bench_sessions(megabytes, conns);
    init_text_pool();
    bool smqp = strcmp(kind, "smqp") == 0, http = strcmp(kind, "http") == 0;
    if (!smqp && !http && strcmp(kind, "text") != 0) {
        fprintf(stderr, "bench: kind is smqp, http or text\n");
        return 2;
    }
    /* 4344 is unassigned in Wireshark 4.0's TCP port table */
    unsigned port = smqp ? 720 : http ? 80 : 4344;
    puts("@mss 1460");
    for (unsigned c = 0; c < conns; c++) {
        printf("@open c%u 10.%u.%u.%u:%u 10.255.0.1:%u\n", c, 1 + c / 65536, (c / 256) % 256, c % 256,
               20000 + c % 40000, port);
        if (smqp) {
            puts("S: SMQP/1.0 Ready. Bench Server/1.0");
            printf("C: LOGIN u%u:ch1 CLEAR/1.0\nS: 200 OK\nC: PASS u%u secret\n", c, c);
            puts("S: 200-OK\nS: 200-Timeout: 00:24:00:00\nS: 200 Suid: smqp.net/745/Z65e5y");
            printf("C: SUBSCRIBE MESSAGE /stocks/quotes/s%u\nS: 200 OK\n", c % 97);
        }
    }
    /* payload bytes, counted roughly for the headers and exactly for bodies */
    unsigned long long budget = (unsigned long long)megabytes * 1000000ULL, spent = 0;
    while (spent < budget) {
        unsigned c = below(conns);
        if (smqp)
            spent += (chance(50) ? bench_smqp_publish : bench_smqp_notify)(c);
        else if (http)
            spent += (chance(50) ? bench_http_request : bench_http_response)(c);
        else
            spent += bench_text(c);
    }
    for (unsigned c = 0; c < conns; c++) {
        printf("@use c%u\n", c);
        if (smqp)
            puts("C: QUIT\nS: 200 OK");
        puts("@close C");
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "fuzz") == 0) {
        rng_state = strtoull(argv[2], NULL, 0) * 2654435761ULL + 1;
        printf("# smqp-scriptgen fuzz %s\n", argv[2]);
        fuzz_session();
        return 0;
    }
    if (argc == 6 && strcmp(argv[1], "bench") == 0) {
        rng_state = strtoull(argv[5], NULL, 0) * 2654435761ULL + 1;
        printf("# smqp-scriptgen bench %s %s %s %s\n", argv[2], argv[3], argv[4], argv[5]);
        return bench(argv[2], (unsigned)atoi(argv[3]), (unsigned)atoi(argv[4]));
    }
    fprintf(stderr, "usage: smqp-scriptgen fuzz SEED\n"
                    "       smqp-scriptgen bench smqp|http|text MEGABYTES CONNECTIONS SEED\n");
    return 2;
}
