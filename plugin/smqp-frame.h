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
    SMQP_PDU_UNKNOWN
} smqp_pdu_kind;

/* What the conversation expects next from this sender. */
typedef struct {
    bool expect_message;   /* a 2xx answer to GET MESSAGE was sent */
    bool auth_active;      /* inside a non-CLEAR authentication exchange */
    bool expect_suid;      /* callback connection, server not yet greeted */
    size_t max_body;       /* largest Content-Length waited for */
} smqp_frame_ctx;

typedef struct {
    smqp_pdu_kind kind;
    bool complete;
    size_t len;            /* complete: the PDU's length */
    size_t need;           /* incomplete: total length wanted, 0 unknown */
    bool overlong;         /* a line had no end within SMQP_MAX_LINE */
    smqp_line first;       /* the first line */
    smqp_command cmd;      /* COMMAND: the parsed command line */
} smqp_frame;

void smqp_frame_pdu(const uint8_t *buf, size_t len, const smqp_frame_ctx *ctx, smqp_frame *f);

/* Whether the first line of a payload is SMQP beyond reasonable doubt: a
 * banner, or a command whose verb and resource words are both SMQP's. */
bool smqp_looks_like_smqp(const uint8_t *buf, size_t len);

#endif
