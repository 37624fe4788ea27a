/* smqp-dslab-rules.h
 * The DSLab message-broker protocol (TU Wien Distributed Systems lab),
 * the second protocol called SMQP: its lines and its routing rules, in
 * pure C over byte slices like the draft's grammar, so both can be
 * unit-tested and fuzzed on their own.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SMQP_DSLAB_RULES_H
#define SMQP_DSLAB_RULES_H

#include "smqp-grammar.h"

/* What a server's first line says it is. */
typedef enum {
    SMQP_DSLAB_NOT,             /* no greeting of the lab's servers */
    SMQP_DSLAB_BROKER,          /* "ok SMQP": the broker */
    SMQP_DSLAB_NEIGHBOUR,       /* "ok SDP", "ok LEP": never SMQP */
    SMQP_DSLAB_MORE             /* the line may still become one */
} smqp_dslab_greeting;

/* Judges the first bytes a server sent (buf[0, len)). */
smqp_dslab_greeting smqp_dslab_judge_greeting(const uint8_t *buf, size_t len);

typedef enum {
    SMQP_DSLAB_EXCHANGE,
    SMQP_DSLAB_QUEUE,
    SMQP_DSLAB_BIND,
    SMQP_DSLAB_PUBLISH,
    SMQP_DSLAB_SUBSCRIBE,
    SMQP_DSLAB_STOP,
    SMQP_DSLAB_EXIT,
    SMQP_DSLAB_UNKNOWN
} smqp_dslab_verb;

typedef enum {
    SMQP_DSLAB_X_DEFAULT,
    SMQP_DSLAB_X_DIRECT,
    SMQP_DSLAB_X_FANOUT,
    SMQP_DSLAB_X_TOPIC,
    SMQP_DSLAB_X_UNKNOWN
} smqp_dslab_exchange_type;

/* A client line. Spans of absent arguments have length 0. */
typedef struct {
    smqp_dslab_verb verb;
    smqp_span verb_span;
    smqp_span args;             /* everything after the verb */
    smqp_span exchange_type;
    smqp_span exchange_name;
    smqp_span queue;
    smqp_span binding_key;
    smqp_span routing_key;
    smqp_span message;          /* the rest of a publish line */
    bool missing;               /* fewer arguments than the verb takes */
    bool extra;                 /* more than it takes */
} smqp_dslab_command;

/* Parses a client line (its content, without the line end). */
void smqp_dslab_parse_command(const uint8_t *buf, smqp_span line, smqp_dslab_command *c);

/* The canonical (lower-case) name of a verb; NULL for an unknown one. */
const char *smqp_dslab_verb_name(smqp_dslab_verb verb);

smqp_dslab_exchange_type smqp_dslab_exchange_type_of(const uint8_t *buf, smqp_span s);

/* A reply line "ok[ text]" or "error text": *ok and the text after the
 * first word; false when the line is neither. */
bool smqp_dslab_parse_reply(const uint8_t *buf, smqp_span line, bool *ok, smqp_span *text);

/* Whether a message published with routing_key reaches a queue bound to
 * an exchange of this type with binding_key (NUL-terminated). Topic keys
 * are dot-separated words, '*' one word, '#' zero or more; keys of more
 * than SMQP_DSLAB_MAX_WORDS words match nothing. */
#define SMQP_DSLAB_MAX_WORDS 64
bool smqp_dslab_routes(smqp_dslab_exchange_type type, const char *binding_key, const char *routing_key);

#endif
