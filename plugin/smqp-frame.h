/* smqp-frame.h
 * Where one SMQP PDU ends: banner, command (with its message or contact
 * body), multi-line reply, standalone message, authentication data line,
 * callback SUID line, empty line. Pure C; the dissector feeds it the bytes
 * TCP has so far and asks for more when it says so.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SMQP_FRAME_H
#define SMQP_FRAME_H

#include "smqp-tables.h"

typedef enum {
    SMQP_PDU_EMPTY,
    SMQP_PDU_BANNER,
    SMQP_PDU_COMMAND,
    SMQP_PDU_REPLY,
    SMQP_PDU_MESSAGE,      /* a message on its own (answer to GET MESSAGE) */
    SMQP_PDU_AUTH_DATA,    /* one line of a non-CLEAR authentication */
    SMQP_PDU_SUID,         /* server's greeting on the callback connection */
    SMQP_PDU_CONTINUATION, /* bytes before the first PDU boundary of a capture
                              that starts mid-session (set by the dissector) */
    SMQP_PDU_UNKNOWN
} smqp_pdu_kind;

/* What the conversation expects next from this sender. */
typedef struct {
    bool expect_message;   /* a 2xx answer to GET MESSAGE was sent */
    bool auth_active;      /* inside a non-CLEAR authentication exchange */
    bool expect_suid;      /* callback connection, server not yet greeted */
    size_t max_body;       /* largest Content-Length waited for */
    bool sender_known;     /* the connection's roles are settled, and */
    bool sender_is_server; /* this sender is the SMQP server: a command
                              only the other side sends is no command */
} smqp_frame_ctx;

typedef struct {
    smqp_pdu_kind kind;
    bool complete;
    size_t len;            /* complete: the PDU's length */
    size_t need;           /* incomplete: no decision before the buffer is
                              this long, so these bytes are asked for at
                              once (0: any byte more may do); set inside a
                              part with a usable Content-Length, before its
                              last SMQP_REQUEST_WINDOW bytes */
    bool overlong;         /* a line had no end within SMQP_MAX_LINE */
    smqp_line first;       /* the first line */
    smqp_command cmd;      /* COMMAND: the parsed command line */
} smqp_frame;

/* Where the PDU at the start of buf ends. Incomplete means more bytes are
 * needed: the end is decided by the bytes alone, never by how many there
 * are, so any prefix of buf gives either "incomplete" or the same PDU
 * (lines over SMQP_MAX_LINE and waits over SMQP_MAX_UNDELIMITED aside). */
void smqp_frame_pdu(const uint8_t *buf, size_t len, const smqp_frame_ctx *ctx, smqp_frame *f);

/* Whether a line that is no SMQP command starts like one (a word of
 * letters, as long as a verb could be): a client sending it expects an
 * answer (501), where binary garbage gets none. */
bool smqp_is_verb_like(const uint8_t *buf, smqp_line l);

/* A PDU cut before (by smqp_frame_pdu, with its kind) set up again from its
 * own len bytes, without walking it: the first line, and the command when
 * it is one. Later passes use it. */
void smqp_frame_replay(const uint8_t *buf, size_t len, smqp_pdu_kind kind, smqp_frame *f);

/* How much a line says that a connection speaks SMQP. */
typedef enum {
    SMQP_FIRST_STRONG,     /* a banner, or a command whose verb and resource
                              words are SMQP's, with sound arguments */
    SMQP_FIRST_WEAK,       /* a command of a known form without resource
                              words (NOOP, QUIT), sound */
    SMQP_FIRST_UNSURE,     /* a reply with one of SMQP's codes: FTP and SMTP
                              send such lines too */
    SMQP_FIRST_NOT,        /* anything else */
    SMQP_FIRST_MORE        /* no whole line yet (partial false) */
} smqp_first;

/* Judges the line at off; with partial, a line without its end is judged
 * as it is (a first segment may end mid-line). */
smqp_first smqp_judge_line(const uint8_t *buf, size_t len, size_t off, bool partial);

/* Whether a line of buf (its start, or after a LF) is a banner or a
 * command (SMQP_FIRST_STRONG or _WEAK). False with *tail where the last,
 * unfinished line starts. */
bool smqp_find_command_line(const uint8_t *buf, size_t len, size_t *tail);

/* Longest first segment without a line end that is waited on. */
#define SMQP_MAX_PARTIAL_FIRST 512

/* Whether a first segment that ends before its first line does (no LF in
 * buf) can still begin a banner or a command: what there is spells the
 * start of "SMQP/" or of a verb, or a whole verb and a space. */
bool smqp_may_begin_smqp(const uint8_t *buf, size_t len);

/* Where a stream joined in mid-session can be decoded from: the line
 * after the first "." line (which ends a message, so lines before it that
 * read like commands were its data), unless a command that opens a
 * message comes first; else the first line that is a banner, a reply or a
 * command (not SMQP_FIRST_NOT). Once the roles are known (ctx), lines
 * this sender never sends (a client's command from the server, NOTIFY
 * from the client) are data: neither candidates, nor, right after a ".",
 * proof that the "." ended a message. False when no whole line in buf
 * qualifies; *off is then where the last, unfinished line starts. */
bool smqp_find_sync(const uint8_t *buf, size_t len, const smqp_frame_ctx *ctx, size_t *off);

#endif
