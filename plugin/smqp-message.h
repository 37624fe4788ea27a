/* smqp-message.h
 * Walks an SMQP message (header lines, data parts, "." terminator) one
 * element at a time. The framer uses it to find where a message ends and
 * the dissector uses it again to show each element, so both agree on the
 * structure by construction.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SMQP_MESSAGE_H
#define SMQP_MESSAGE_H

#include "smqp-grammar.h"

/* Most bytes waited for while nothing says how many are coming (header
 * lines, data without a usable Content-Length, reply or contact lines).
 * Until the end shows up, every new TCP segment means scanning again what
 * came before, so the cost of waiting grows with the square of the wait;
 * past this bound the PDU is taken as it is and flagged overlong. */
#define SMQP_MAX_UNDELIMITED (256u * 1024)

/* The declared data of a part is asked for from TCP at once up to its last
 * SMQP_REQUEST_WINDOW bytes, then a segment at a time: TCP reassembles a
 * large part in one go, and the segment that holds the data's end arrives
 * whole, with the line after it (asked for exactly, TCP would hand over
 * the data alone and the line after it only with the next segment). The
 * window is larger than any one IPv4 segment, offloaded ones included. */
#define SMQP_REQUEST_WINDOW (64u * 1024)

typedef enum {
    SMQP_ME_HEADER,        /* a message header line */
    SMQP_ME_PART_HEADER,   /* a data part's header line */
    SMQP_ME_BLANK,         /* an empty separator line */
    SMQP_ME_DATA,          /* a part's data bytes */
    SMQP_ME_TERMINATOR,    /* the "." line: the message is complete */
    SMQP_ME_UNTERMINATED,  /* the message ends at span.off with no "." */
    SMQP_ME_NEED_MORE      /* the buffer ends first */
} smqp_msg_event_kind;

enum {
    SMQP_MF_BARE_LF     = 1u << 0,  /* line ended in LF alone */
    SMQP_MF_CL_MISMATCH = 1u << 1,  /* data did not end where Content-Length said */
    SMQP_MF_NO_CL       = 1u << 2,  /* part had no usable Content-Length */
    SMQP_MF_CL_TOO_BIG  = 1u << 3,  /* Content-Length over the limit; not waited for */
    SMQP_MF_OVERLONG    = 1u << 4   /* a line had no end within SMQP_MAX_LINE */
};

typedef struct {
    smqp_msg_event_kind kind;
    smqp_span span;        /* line content, or data */
    size_t next;           /* where the next element starts */
    size_t need;           /* NEED_MORE: no decision before the buffer is
                              this long (0: any byte more may do) */
    unsigned part;         /* 1-based data part, 0 in the message header */
    unsigned flags;
} smqp_msg_event;

/* What a walk knows besides the bytes (smqp_msg_walker.how). */
enum {
    SMQP_WALK_WHOLE    = 1u << 0    /* the buffer ends where the message does
                                       (a PDU already cut): data declared
                                       past its end was declared wrong */
};

typedef struct {
    size_t pos;
    int state;
    unsigned how;          /* SMQP_WALK_* */
    unsigned part;
    bool part_started;
    bool have_cl;
    uint32_t cl;
    size_t max_body;
    size_t known_end;      /* end of the last data whose length was known */
} smqp_msg_walker;

/* The message ids a message header names: Smuid and Cmuid lines, which
 * repeat in a reply (the ids of the messages it answers come along). */
#define SMQP_MSG_MAX_IDS 8
typedef struct {
    smqp_span smuid[SMQP_MSG_MAX_IDS];
    unsigned n_smuid;
    smqp_span cmuid[SMQP_MSG_MAX_IDS];
    unsigned n_cmuid;
} smqp_msg_ids;

/* Starts a walk at start (the first header line); Content-Length values
 * over max_body are not trusted to be waited for; how: SMQP_WALK_*. */
void smqp_msg_walk_init(smqp_msg_walker *w, size_t start, size_t max_body, unsigned how);

/* The next element of the message in buf[0, len). After TERMINATOR,
 * UNTERMINATED or NEED_MORE the walk is over. */
void smqp_msg_walk_next(smqp_msg_walker *w, const uint8_t *buf, size_t len, smqp_msg_event *ev);

/* Walks to the end: the message's total length from 0, or 0 when the
 * buffer ends first (*need as in smqp_msg_event). The end depends on no byte after it but those of
 * the next line (a message sent without "." ends before a line that is no
 * header), so a prefix of the buffer gives either 0 or the same length. */
size_t smqp_msg_length(const uint8_t *buf, size_t len, size_t start, size_t max_body, unsigned how, size_t *need);

#endif
