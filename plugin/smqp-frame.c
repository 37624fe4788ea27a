/* smqp-frame.c
 * PDU boundaries (see smqp-frame.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "smqp-frame.h"
#include "smqp-message.h"

#include <string.h>

static void complete(smqp_frame *f, size_t len)
{
    f->complete = true;
    f->len = len;
}

static void incomplete(smqp_frame *f)
{
    f->complete = false;
}


/* Whether the line at q, still without its end, is longer than any
 * worth waiting for. */
static bool line_overlong(size_t len, size_t q)
{
    return len - q >= SMQP_MAX_LINE;
}

static size_t line_end(smqp_line l)
{
    return l.off + l.len + l.eol_len;
}

/* Whether the bytes at q can still begin a reply line "NNN-", "NNN " or
 * "NNN": 1 maybe, 0 no, -1 too few bytes to tell. */
static int may_start_reply(const uint8_t *buf, size_t len, size_t q)
{
    for (size_t i = 0; i < 4; i++) {
        if (q + i >= len)
            return -1;
        uint8_t c = buf[q + i];
        if (i < 3 ? (c < '0' || c > '9') : (c != ' ' && c != '-' && c != '\r' && c != '\n'))
            return 0;
    }
    return 1;
}

/* All lines of a reply: continuation lines "NNN-" up to the final "NNN ".
 * A challenge line ("NNN-+ data") also ends the PDU, since the peer must
 * answer before the server goes on. A line that is no reply line ends a
 * reply cut short; its first bytes are enough to tell, so the reply's end
 * is known as soon as they arrive. */
static void frame_reply(const uint8_t *buf, size_t len, smqp_frame *f)
{
    smqp_line l = f->first;
    for (;;) {
        smqp_reply_line r;
        smqp_parse_reply_line(buf, l, &r);
        size_t q = line_end(l);
        bool challenge = r.text.len > 0 && buf[r.text.off] == '+';
        if (r.final || challenge) {
            complete(f, q);
            return;
        }
        if (q > SMQP_MAX_UNDELIMITED) {
            /* no final line in any sane size: stop at a line end past it */
            f->overlong = true;
            complete(f, q);
            return;
        }
        smqp_line n;
        if (!smqp_next_line(buf, len, q, &n)) {
            if (may_start_reply(buf, len, q) == 0 || line_overlong(len, q))
                complete(f, q);
            else
                incomplete(f);
            return;
        }
        if (!smqp_parse_reply_line(buf, n, &r)) {
            /* a multi-line reply cut short: it ends where the next PDU starts */
            complete(f, q);
            return;
        }
        l = n;
    }
}

/* Contact data: lines up to and including an empty line. */
static void frame_contact(const uint8_t *buf, size_t len, smqp_frame *f)
{
    size_t q = line_end(f->first);
    smqp_line l;
    while (smqp_next_line(buf, len, q, &l)) {
        q = line_end(l);
        if (l.len == 0) {
            complete(f, q);
            return;
        }
        if (q > SMQP_MAX_UNDELIMITED)
            break;
    }
    /* past the bound, or before a line with no end in sight: the data
     * stops at a line end, wherever TCP cut the bytes */
    if (q > SMQP_MAX_UNDELIMITED || line_overlong(len, q)) {
        f->overlong = true;
        complete(f, q);
    } else {
        incomplete(f);
    }
}

static void frame_message(const uint8_t *buf, size_t len, size_t start, const smqp_frame_ctx *ctx, smqp_frame *f)
{
    size_t n = smqp_msg_length(buf, len, start, ctx->max_body, 0, &f->need);
    if (n)
        complete(f, n);
    else
        incomplete(f);
}

static bool is_header(const uint8_t *buf, smqp_line l)
{
    smqp_span s = { l.off, l.len }, name, value;
    return smqp_parse_header_line(buf, s, &name, &value);
}

void smqp_frame_pdu(const uint8_t *buf, size_t len, const smqp_frame_ctx *ctx, smqp_frame *f)
{
    memset(f, 0, sizeof *f);
    f->kind = SMQP_PDU_UNKNOWN;
    if (!smqp_next_line(buf, len, 0, &f->first)) {
        if (len < SMQP_MAX_LINE) {
            incomplete(f);
            return;
        }
        /* no line end in sight: cut one overlong line, SMQP_MAX_LINE long
         * however the bytes came */
        f->overlong = true;
        f->first.off = 0;
        f->first.len = SMQP_MAX_LINE;
        f->first.eol_len = 0;
        complete(f, SMQP_MAX_LINE);
        return;
    }
    smqp_line l = f->first;
    smqp_span s = { l.off, l.len }, version, status, ident;
    smqp_reply_line r;

    if (l.len == 0) {
        f->kind = SMQP_PDU_EMPTY;
    } else if (smqp_parse_banner(buf, l, &version, &status, &ident)) {
        f->kind = SMQP_PDU_BANNER;
    } else if (smqp_parse_reply_line(buf, l, &r)) {
        f->kind = SMQP_PDU_REPLY;
        frame_reply(buf, len, f);
        return;
    } else if (ctx->auth_active) {
        /* base64 may spell a verb ("NOOP"): inside the exchange every line
         * that is no reply is authentication data */
        f->kind = SMQP_PDU_AUTH_DATA;
    } else if (smqp_parse_command(buf, s, &f->cmd) &&
               !(ctx->sender_known && f->cmd.form && f->cmd.form->from_server != ctx->sender_is_server)) {
        f->kind = SMQP_PDU_COMMAND;
        smqp_body body = f->cmd.form ? f->cmd.form->body : SMQP_BODY_NONE;
        if (body == SMQP_BODY_MESSAGE) {
            frame_message(buf, len, line_end(l), ctx, f);
            return;
        }
        if (body == SMQP_BODY_CONTACT) {
            frame_contact(buf, len, f);
            return;
        }
    } else if (ctx->expect_message && is_header(buf, l)) {
        f->kind = SMQP_PDU_MESSAGE;
        frame_message(buf, len, 0, ctx, f);
        return;
    } else if (ctx->expect_suid) {
        f->kind = SMQP_PDU_SUID;
    }
    complete(f, line_end(l));
}

/* Longer than any verb of any draft (UNSUBSCRIBE) with room to spare. */
#define SMQP_MAX_VERB 24

bool smqp_is_verb_like(const uint8_t *buf, smqp_line l)
{
    size_t n = 0;
    while (n < l.len && n <= SMQP_MAX_VERB) {
        uint8_t c = buf[l.off + n];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
            break;
        n++;
    }
    return n > 0 && n <= SMQP_MAX_VERB && (n == l.len || buf[l.off + n] == ' ');
}

void smqp_frame_replay(const uint8_t *buf, size_t len, smqp_pdu_kind kind, smqp_frame *f)
{
    f->kind = kind;
    f->complete = true;
    f->len = len;
    f->need = 0;
    f->overlong = false;
    if (!smqp_next_line(buf, len, 0, &f->first)) {
        f->first.off = 0;
        f->first.len = len < SMQP_MAX_LINE ? len : SMQP_MAX_LINE;
        f->first.eol_len = 0;
    }
    if (kind == SMQP_PDU_COMMAND) {
        smqp_span s = { f->first.off, f->first.len };
        smqp_parse_command(buf, s, &f->cmd);
    }
}

/* smqp_judge_line, also giving the form of a command line (else NULL). */
static smqp_first judge(const uint8_t *buf, size_t len, size_t off, bool partial, const smqp_form **form)
{
    *form = NULL;
    smqp_line l;
    if (!smqp_next_line(buf, len, off, &l)) {
        if (!partial)
            return SMQP_FIRST_MORE;
        /* the first segment may end mid-line; judge what there is */
        l.off = off;
        l.len = len - off;
        l.eol_len = 0;
    }
    smqp_span s = { l.off, l.len }, version, status, ident;
    if (smqp_parse_banner(buf, l, &version, &status, &ident))
        return SMQP_FIRST_STRONG;
    smqp_reply_line r;
    if (smqp_parse_reply_line(buf, l, &r))
        return smqp_lookup_reply_code(r.code) ? SMQP_FIRST_UNSURE : SMQP_FIRST_NOT;
    smqp_command cmd;
    if (!smqp_parse_command(buf, s, &cmd) || !cmd.form)
        return SMQP_FIRST_NOT;
    *form = cmd.form;
    if (cmd.form->res1.name && !(cmd.it.problems & (SMQP_P_MISSING_ARG | SMQP_P_EXTRA_ARGS)))
        return SMQP_FIRST_STRONG;
    return cmd.it.problems == 0 ? SMQP_FIRST_WEAK : SMQP_FIRST_NOT;
}

smqp_first smqp_judge_line(const uint8_t *buf, size_t len, size_t off, bool partial)
{
    const smqp_form *form;
    return judge(buf, len, off, partial, &form);
}

bool smqp_may_begin_smqp(const uint8_t *buf, size_t len)
{
    static const char banner[] = "SMQP/";
    if (len == 0 || len > SMQP_MAX_PARTIAL_FIRST || memchr(buf, '\n', len))
        return false;
    if (memcmp(buf, banner, len < 5 ? len : 5) == 0)
        return true;
    size_t w = 0;
    while (w < len && buf[w] != ' ')
        w++;
    smqp_span word = { 0, w };
    return w == len ? smqp_verb_prefix(buf, word) : smqp_lookup_verb(buf, word) != NULL;
}

bool smqp_find_command_line(const uint8_t *buf, size_t len, size_t *tail)
{
    size_t q = 0;
    smqp_line l;
    while (smqp_next_line(buf, len, q, &l)) {
        smqp_first j = smqp_judge_line(buf, len, q, false);
        if (j == SMQP_FIRST_STRONG || j == SMQP_FIRST_WEAK)
            return true;
        q = l.off + l.len + l.eol_len;
    }
    *tail = q;
    return false;
}

/* Whether the whole line at q can start a PDU from this sender: a banner, a
 * reply with an SMQP code, or a command of a form that side sends (only a
 * server sends NOTIFY), once the roles are known; *opens: a command
 * followed by a message. */
static bool may_start(const uint8_t *buf, size_t len, size_t q, const smqp_frame_ctx *ctx, bool *opens)
{
    const smqp_form *form;
    *opens = false;
    if (judge(buf, len, q, false, &form) == SMQP_FIRST_NOT)
        return false;
    if (!form)
        return true;
    *opens = form->body == SMQP_BODY_MESSAGE;
    return !ctx->sender_known || form->from_server == ctx->sender_is_server;
}

bool smqp_find_sync(const uint8_t *buf, size_t len, const smqp_frame_ctx *ctx, size_t *off)
{
    size_t q = 0;
    bool have = false, opens;
    smqp_line l;
    while (smqp_next_line(buf, len, q, &l)) {
        size_t next = l.off + l.len + l.eol_len;
        /* a "." line ends a message: whatever came before it was the
         * message's tail, even lines that read like commands; unless the
         * line after it is one this sender never sends, and the "." too
         * was data */
        if (l.len == 1 && buf[l.off] == '.') {
            smqp_line n;
            if (!smqp_next_line(buf, len, next, &n) || n.len == 0 || may_start(buf, len, next, ctx, &opens)) {
                *off = next;
                return true;
            }
            have = false;
        } else if (!have && l.len > 0 && may_start(buf, len, q, ctx, &opens)) {
            *off = q;
            have = true;
            /* a message starts here: a "." after it is its own */
            if (opens)
                return true;
        }
        q = next;
    }
    if (!have)
        *off = q;
    return have;
}
