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

static void incomplete(smqp_frame *f, size_t need)
{
    f->complete = false;
    f->need = need;
}

/* Whether to stop waiting for the end of lines begun at q: the last line,
 * or all of them together, has grown past what is worth waiting for. */
static bool waited_enough(size_t len, size_t q)
{
    return len - q > SMQP_MAX_LINE || len > SMQP_MAX_UNDELIMITED;
}

static size_t line_end(smqp_line l)
{
    return l.off + l.len + l.eol_len;
}

/* All lines of a reply: continuation lines "NNN-" up to the final "NNN ".
 * A challenge line ("NNN-+ data") also ends the PDU, since the peer must
 * answer before the server goes on. */
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
        smqp_line n;
        if (!smqp_next_line(buf, len, q, &n)) {
            if (waited_enough(len, q))
                complete(f, q);
            else
                incomplete(f, 0);
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
    }
    if (waited_enough(len, q)) {
        f->overlong = true;
        complete(f, len);
    } else {
        incomplete(f, 0);
    }
}

static void frame_message(const uint8_t *buf, size_t len, size_t start, const smqp_frame_ctx *ctx, smqp_frame *f)
{
    size_t need;
    size_t n = smqp_msg_length(buf, len, start, ctx->max_body, &need);
    if (n)
        complete(f, n);
    else
        incomplete(f, need);
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
        if (len <= SMQP_MAX_LINE) {
            incomplete(f, 0);
            return;
        }
        /* no line end in sight: take what there is as one overlong line */
        f->overlong = true;
        f->first.off = 0;
        f->first.len = len;
        f->first.eol_len = 0;
        complete(f, len);
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
    } else if (smqp_parse_command(buf, s, &f->cmd)) {
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
    } else if (ctx->auth_active) {
        f->kind = SMQP_PDU_AUTH_DATA;
    } else if (ctx->expect_suid) {
        f->kind = SMQP_PDU_SUID;
    }
    complete(f, line_end(l));
}

bool smqp_looks_like_smqp(const uint8_t *buf, size_t len)
{
    smqp_line l;
    if (!smqp_next_line(buf, len, 0, &l)) {
        /* the first segment may end mid-line; judge what there is */
        l.off = 0;
        l.len = len;
        l.eol_len = 0;
    }
    smqp_span s = { l.off, l.len }, version, status, ident;
    if (smqp_parse_banner(buf, l, &version, &status, &ident))
        return true;
    smqp_command cmd;
    return smqp_parse_command(buf, s, &cmd) && cmd.form && cmd.form->res1.name &&
           !(cmd.it.problems & (SMQP_P_MISSING_ARG | SMQP_P_EXTRA_ARGS));
}
