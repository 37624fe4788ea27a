/* smqp-message.c
 * The SMQP message walker (see smqp-message.h). Where Content-Length and
 * the bytes disagree, the reference's decision 2 applies: the length is
 * trusted when the message goes on right after the declared data, else
 * the CRLF "." CRLF terminator ends the data (see walk_data).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "smqp-message.h"
#include "smqp-tables.h"

#include <string.h>

enum {
    W_HEADERS,        /* message header lines */
    W_PART_HEADERS,   /* a part's header lines */
    W_DATA,           /* a part's data comes next */
    W_AFTER_DATA,     /* after data: "." , empty line or next part */
    W_DONE
};

void smqp_msg_walk_init(smqp_msg_walker *w, size_t start, size_t max_body, unsigned how)
{
    memset(w, 0, sizeof *w);
    w->pos = start;
    w->how = how;
    w->state = W_HEADERS;
    w->max_body = max_body;
    w->known_end = start;
}

static void finish(smqp_msg_walker *w, smqp_msg_event *ev, smqp_msg_event_kind kind)
{
    ev->kind = kind;
    w->state = W_DONE;
}

static bool is_dot_line(const uint8_t *buf, smqp_line l)
{
    return l.len == 1 && buf[l.off] == '.';
}

/* A line that can follow data when the Content-Length was right. */
static bool continues_message(const uint8_t *buf, smqp_line l)
{
    smqp_span name, value;
    smqp_span s = { l.off, l.len };
    return l.len == 0 || is_dot_line(buf, l) || smqp_parse_header_line(buf, s, &name, &value);
}

/* Finds "LF . EOL" at or after from; returns the LF's offset or len. */
static size_t find_terminator(const uint8_t *buf, size_t len, size_t from)
{
    size_t p = from;
    while (p < len) {
        const uint8_t *lf = memchr(buf + p, '\n', len - p);
        if (!lf)
            return len;
        size_t i = (size_t)(lf - buf);
        if (i + 2 < len && buf[i + 1] == '.' &&
            (buf[i + 2] == '\n' || (buf[i + 2] == '\r' && i + 3 < len && buf[i + 3] == '\n')))
            return i;
        p = i + 1;
    }
    return len;
}

/* Data from d up to the terminator whose LF is at t. */
static void data_until(smqp_msg_walker *w, const uint8_t *buf, size_t d, size_t t, smqp_msg_event *ev)
{
    size_t end = t;
    if (end > d && buf[end - 1] == '\r')
        end--;
    if (end < d)
        end = d;
    ev->kind = SMQP_ME_DATA;
    ev->span.off = d;
    ev->span.len = end - d;
    ev->next = t + 1;
    w->pos = t + 1;
    w->state = W_AFTER_DATA;
}

/* Data that only the terminator ends. A terminator is looked for within
 * SMQP_MAX_UNDELIMITED bytes of base (the last known end, or the declared
 * end of data whose length proved wrong); past that the data is cut there,
 * so the cut never depends on where TCP split the bytes. */
static void data_to_terminator(smqp_msg_walker *w, const uint8_t *buf, size_t len, size_t base, smqp_msg_event *ev)
{
    size_t d = w->pos;
    size_t t = find_terminator(buf, len, d > 0 ? d - 1 : 0);
    size_t limit = base + SMQP_MAX_UNDELIMITED;
    if (t < len && t <= limit) {
        data_until(w, buf, d, t, ev);
        return;
    }
    /* "LF . CR LF" takes 4 bytes: with them all, none starts by limit */
    if (len < limit + 4) {
        finish(w, ev, SMQP_ME_NEED_MORE);
        return;
    }
    size_t cut = limit > d ? limit : d;
    ev->span.off = d;
    ev->span.len = cut - d;
    ev->next = cut;
    ev->flags |= SMQP_MF_OVERLONG;
    ev->kind = SMQP_ME_DATA;
    w->pos = cut;
    w->state = W_DONE;
}

/* Data [d, end) as its Content-Length declared, the message going on at q. */
static void trusted_data(smqp_msg_walker *w, size_t d, size_t q, size_t end, smqp_msg_event *ev)
{
    ev->kind = SMQP_ME_DATA;
    ev->span.off = d;
    ev->span.len = end - d;
    ev->next = q;
    if (q == end + 1)
        ev->flags |= SMQP_MF_BARE_LF;
    w->pos = q;
    w->known_end = q;
    w->state = W_AFTER_DATA;
}

/* A part's data (the reference's decision 2). A usable Content-Length is
 * authoritative when the bytes right after the declared data continue the
 * message: a line end, then a header line, an empty line or ".". What the
 * data holds is not looked at, so "CRLF.CRLF" and lines that read as
 * commands inside it stay data, as real senders mean them (SMQP has no
 * dot-stuffing). Only when those bytes do not continue the message is the
 * length wrong, and the first terminator after the data's start ends it.
 * The decision needs the declared bytes and one line after them, never
 * more, so any prefix of the stream either waits or decides the same.
 * Where the declared data runs past what there is and what there is
 * cannot grow (SMQP_WALK_WHOLE), the length was wrong. */
static void walk_data(smqp_msg_walker *w, const uint8_t *buf, size_t len, smqp_msg_event *ev)
{
    size_t d = w->pos;
    if (!w->have_cl) {
        ev->flags |= SMQP_MF_NO_CL;
        data_to_terminator(w, buf, len, w->known_end, ev);
        return;
    }
    if (w->cl > w->max_body) {
        ev->flags |= SMQP_MF_CL_TOO_BIG;
        data_to_terminator(w, buf, len, w->known_end, ev);
        return;
    }
    size_t end = d + w->cl;
    if (len < end + 2 && !(len > end && buf[end] == '\n')) {
        if (w->how & SMQP_WALK_WHOLE) {
            ev->flags |= SMQP_MF_CL_MISMATCH;
            data_to_terminator(w, buf, len, w->known_end, ev);
            return;
        }
        /* up to the window, at once; in it, a segment at a time (see
         * SMQP_REQUEST_WINDOW) */
        if (end + 2 > len + SMQP_REQUEST_WINDOW)
            ev->need = end + 2 - SMQP_REQUEST_WINDOW;
        finish(w, ev, SMQP_ME_NEED_MORE);
        return;
    }
    size_t q = 0;
    if (buf[end] == '\n')
        q = end + 1;
    else if (buf[end] == '\r' && buf[end + 1] == '\n')
        q = end + 2;
    if (q) {
        smqp_line l;
        if (!smqp_next_line(buf, len, q, &l)) {
            if (len - q < SMQP_MAX_LINE) {
                finish(w, ev, SMQP_ME_NEED_MORE);
                return;
            }
        } else if (continues_message(buf, l)) {
            trusted_data(w, d, q, end, ev);
            return;
        }
    }
    ev->flags |= SMQP_MF_CL_MISMATCH;
    data_to_terminator(w, buf, len, end > w->known_end ? end : w->known_end, ev);
}

static void start_part(smqp_msg_walker *w)
{
    w->part++;
    w->part_started = true;
    w->have_cl = false;
    w->cl = 0;
}

void smqp_msg_walk_next(smqp_msg_walker *w, const uint8_t *buf, size_t len, smqp_msg_event *ev)
{
    memset(ev, 0, sizeof *ev);
    if (w->state == W_DONE) {
        ev->span.off = w->pos;
        ev->kind = SMQP_ME_UNTERMINATED;
        return;
    }
    if (w->state == W_DATA) {
        ev->part = w->part;
        walk_data(w, buf, len, ev);
        return;
    }
    smqp_line l;
    ev->span.off = w->pos;
    /* header lines without end: the message stops at a line start, before
     * the line that went past the bound, however the bytes came */
    if (w->pos - w->known_end > SMQP_MAX_UNDELIMITED) {
        ev->flags |= SMQP_MF_OVERLONG;
        finish(w, ev, SMQP_ME_UNTERMINATED);
        return;
    }
    if (!smqp_next_line(buf, len, w->pos, &l)) {
        if (len - w->pos >= SMQP_MAX_LINE) {
            ev->flags |= SMQP_MF_OVERLONG;
            finish(w, ev, SMQP_ME_UNTERMINATED);
        } else {
            finish(w, ev, SMQP_ME_NEED_MORE);
        }
        return;
    }
    ev->span.off = l.off;
    ev->span.len = l.len;
    ev->next = l.off + l.len + l.eol_len;
    ev->part = w->part;
    if (l.eol_len == 1)
        ev->flags |= SMQP_MF_BARE_LF;

    if (is_dot_line(buf, l)) {
        w->pos = ev->next;
        finish(w, ev, SMQP_ME_TERMINATOR);
        return;
    }
    if (l.len == 0) {
        ev->kind = SMQP_ME_BLANK;
        w->pos = ev->next;
        if (w->state == W_PART_HEADERS && w->part_started) {
            w->state = W_DATA;
        } else {
            w->state = W_PART_HEADERS;
            w->part_started = false;
        }
        return;
    }
    smqp_span name, value;
    smqp_span s = { l.off, l.len };
    if (!smqp_parse_header_line(buf, s, &name, &value)) {
        /* a line that is no header ends a message sent without "." */
        ev->next = l.off;
        ev->span.len = 0;
        finish(w, ev, SMQP_ME_UNTERMINATED);
        return;
    }
    const smqp_attr_def *a = smqp_lookup_attr(buf, name);
    bool part_attr = (a && a->part) ||
        (name.len > 8 && smqp_span_eq(buf, (smqp_span){ name.off, 8 }, "Content-"));
    w->pos = ev->next;
    if (w->state == W_HEADERS && !part_attr) {
        ev->kind = SMQP_ME_HEADER;
        return;
    }
    /* a part starts at its first attribute, with or without an empty
     * line before it (reference decision 4) */
    if (w->state != W_PART_HEADERS || !w->part_started)
        start_part(w);
    w->state = W_PART_HEADERS;
    ev->part = w->part;
    ev->kind = SMQP_ME_PART_HEADER;
    if (a && a->attr == SMQP_ATTR_CONTENT_LENGTH)
        w->have_cl = smqp_parse_uint(buf, value, &w->cl);
}

size_t smqp_msg_length(const uint8_t *buf, size_t len, size_t start, size_t max_body, unsigned how, size_t *need)
{
    smqp_msg_walker w;
    smqp_msg_event ev;
    smqp_msg_walk_init(&w, start, max_body, how);
    *need = 0;
    for (;;) {
        smqp_msg_walk_next(&w, buf, len, &ev);
        switch (ev.kind) {
        case SMQP_ME_TERMINATOR:
            return ev.next;
        case SMQP_ME_UNTERMINATED:
            /* past the first line, so never 0 */
            return ev.span.off;
        case SMQP_ME_NEED_MORE:
            *need = ev.need;
            return 0;
        default:
            break;
        }
    }
}
