/* fuzz-grammar.c
 * libFuzzer target for the pure-C grammar: framing, the message walker and
 * every line and value parser, on arbitrary bytes. The input is copied into
 * a buffer of exactly its size so AddressSanitizer sees any read past the
 * end. The first byte chooses the framing context (what the conversation
 * expects next); the rest is the TCP stream of one direction.
 *
 * Besides memory safety it checks the framer's promises, which the
 * dissector's PDU loop relies on to terminate: a complete PDU is never
 * empty and never longer than the bytes given, and the message walker
 * never moves back and never stalls (an empty data part is an event that
 * does not advance, but the one after it must).
 *
 *   cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DSMQP_LIBFUZZER=ON
 *   build-fuzz/fuzz-grammar -max_total_time=60 captures/fuzz-seeds
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "smqp-frame.h"
#include "smqp-message.h"
#include "smqp-dslab-rules.h"

#include <stdlib.h>
#include <string.h>

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static void count_item(void *ctx, smqp_span item)
{
    (void)item;
    ++*(unsigned *)ctx;
}

/* Every value parser on one span: none may read outside it. */
static void values(const uint8_t *buf, smqp_span s)
{
    smqp_time t;
    uint32_t u;
    int32_t i;
    uint16_t port;
    smqp_span a, b;
    smqp_uid_parts uid;
    unsigned n = 0;
    smqp_parse_datetime(buf, s, &t);
    smqp_parse_timeout(buf, s, &t);
    smqp_parse_uint(buf, s, &u);
    smqp_parse_int(buf, s, &i);
    smqp_parse_yesno(buf, s);
    smqp_parse_address_port(buf, s, &a, &port);
    smqp_parse_cmuid(buf, s, &uid);
    smqp_parse_smuid(buf, s, &uid);
    char key[40];
    for (int kind = SMQP_KEY_SMUID; kind <= SMQP_KEY_CLIENT_UID; kind++)
        CHECK(smqp_uid_key(buf, s, (smqp_uid_key_kind)kind, key, sizeof key) < sizeof key &&
              strlen(key) < sizeof key);
    smqp_dslab_command dc;
    smqp_dslab_parse_command(buf, s, &dc);
    bool dok;
    smqp_dslab_parse_reply(buf, s, &dok, &a);
    smqp_split_account(buf, s, &a, &b);
    smqp_split_list(buf, s, count_item, &n, 1000);
    smqp_lookup_attr(buf, s);
    smqp_lookup_verb(buf, s);
}

/* Every line parser on one line, and the value parsers on its words. */
static void line(const uint8_t *buf, smqp_line l)
{
    smqp_span s = { l.off, l.len }, name, value, v, st, id;
    smqp_reply_line r;
    smqp_command cmd;
    smqp_parse_banner(buf, l, &v, &st, &id);
    if (smqp_parse_reply_line(buf, l, &r)) {
        smqp_items it;
        for (int rd = SMQP_RD_NONE; rd <= SMQP_RD_MESSAGE; rd++)
            smqp_parse_reply_data(buf, (smqp_reply_data)rd, r.code, r.text, &it);
        smqp_reply_text_is_status(buf, r.code, r.text);
    }
    smqp_parse_command(buf, s, &cmd);
    if (smqp_parse_header_line(buf, s, &name, &value))
        values(buf, value);
    size_t pos = l.off, end = l.off + l.len;
    smqp_span w;
    while (smqp_next_word(buf, end, &pos, &w)) {
        values(buf, w);
        smqp_rest(buf, pos, end);
    }
}

static void walk_message(const uint8_t *buf, size_t len, size_t start, unsigned how)
{
    smqp_msg_walker w;
    smqp_msg_walk_init(&w, start, 1u << 20, how);
    size_t last = start;
    unsigned still = 0;
    for (;;) {
        smqp_msg_event ev;
        smqp_msg_walk_next(&w, buf, len, &ev);
        if (ev.kind == SMQP_ME_TERMINATOR || ev.kind == SMQP_ME_UNTERMINATED || ev.kind == SMQP_ME_NEED_MORE)
            return;
        CHECK(ev.next >= last && ev.next <= len);
        CHECK(ev.span.off + ev.span.len <= len);
        still = ev.next == last ? still + 1 : 0;
        CHECK(still < 2);
        last = ev.next;
    }
}

/* The framer's promise (smqp-frame.h): a PDU's end depends on the bytes
 * alone, so with fewer bytes at hand it is either not decided yet or
 * decided the same. This is what makes decoding independent of TCP's
 * segmentation. ("need" may point past the end: a declared part is asked
 * for at once up to its last 64 KiB.) */
static void check_prefixes(const uint8_t *buf, size_t len, const smqp_frame_ctx *ctx, const smqp_frame *whole)
{
    size_t cuts[] = { 1, whole->len / 2, whole->len - 1, whole->len, whole->len + 1 };
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        size_t k = cuts[i];
        if (k == 0 || k > len)
            continue;
        smqp_frame f;
        smqp_frame_pdu(buf, k, ctx, &f);
        if (f.complete)
            CHECK(f.len == whole->len && f.kind == whole->kind);
        else
            CHECK(k < whole->len + SMQP_MAX_LINE);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    smqp_frame_ctx ctx = {
        .expect_message = data[0] & 1,
        .auth_active = data[0] & 2,
        .expect_suid = data[0] & 4,
        .max_body = (data[0] & 8) ? 64 : 16u << 20,
        .sender_known = data[0] & 32,
        .sender_is_server = data[0] & 16,
    };
    size_t len = size - 1;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return 0;
    memcpy(buf, data + 1, len);

    smqp_judge_line(buf, len, 0, true);
    size_t sync;
    if (smqp_find_sync(buf, len, &ctx, &sync))
        CHECK(sync <= len);
    smqp_may_begin_smqp(buf, len);
    smqp_dslab_judge_greeting(buf, len);
    /* the routing rules on NUL-terminated keys made of the input */
    char *key = malloc(len + 1);
    if (key) {
        memcpy(key, buf, len);
        key[len] = 0;
        size_t half = strlen(key) / 2;
        char *other = key + half;
        for (int t = SMQP_DSLAB_X_DEFAULT; t <= SMQP_DSLAB_X_UNKNOWN; t++)
            smqp_dslab_routes((smqp_dslab_exchange_type)t, other, key);
        free(key);
    }
    size_t off = 0;
    while (off < len) {
        smqp_frame f;
        smqp_frame_pdu(buf + off, len - off, &ctx, &f);
        if (!f.complete) {
            CHECK(f.need == 0 || f.need > len - off);
            break;
        }
        CHECK(f.len > 0 && f.len <= len - off);
        check_prefixes(buf + off, len - off, &ctx, &f);
        /* as the dissector walks a PDU already cut */
        walk_message(buf + off, f.len, 0, SMQP_WALK_WHOLE);
        off += f.len;
    }
    smqp_line l;
    for (size_t q = 0; smqp_next_line(buf, len, q, &l); q = l.off + l.len + l.eol_len) {
        CHECK(l.off + l.len + l.eol_len > q && l.off + l.len + l.eol_len <= len);
        line(buf, l);
    }
    walk_message(buf, len, 0, 0);
    free(buf);
    return 0;
}
