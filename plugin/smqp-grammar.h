/* smqp-grammar.h
 * SMQP (draft-tegen-smqp) lines, words and values, in pure C over byte
 * slices: no Wireshark types, so the grammar can be unit-tested and fuzzed
 * on its own. Every function takes a buffer and its length and never reads
 * outside it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SMQP_GRAMMAR_H
#define SMQP_GRAMMAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A run of bytes, as an offset into the buffer it was parsed from. */
typedef struct {
    size_t off;
    size_t len;
} smqp_span;

/* One line: content [off, off+len), then eol_len bytes of CRLF (2) or LF (1). */
typedef struct {
    size_t off;
    size_t len;
    unsigned eol_len;
} smqp_line;

/* Longest line accepted before the framer gives up waiting for its end. */
#define SMQP_MAX_LINE 65536

/* Finds the line starting at off. False when no LF lies in [off, buflen)
 * within SMQP_MAX_LINE bytes of off. */
bool smqp_next_line(const uint8_t *buf, size_t buflen, size_t off, smqp_line *line);

/* Next space-separated word in [*pos, end); advances *pos past it. */
bool smqp_next_word(const uint8_t *buf, size_t end, size_t *pos, smqp_span *word);

/* Span [*pos, end) with leading and trailing blanks removed. */
smqp_span smqp_rest(const uint8_t *buf, size_t pos, size_t end);

/* Case-insensitive comparison of a span with a literal. */
bool smqp_span_eq(const uint8_t *buf, smqp_span s, const char *lit);

/* Index of the span among "|"-separated alternatives ("MESSAGE|MESS"), or -1. */
int smqp_match_alt(const uint8_t *buf, smqp_span s, const char *alts);

/* Position of the first byte c in span s, or s.off + s.len when absent. */
size_t smqp_find(const uint8_t *buf, smqp_span s, uint8_t c);

/* ---- values ---------------------------------------------------------- */

typedef struct {
    int64_t secs;   /* seconds since the Unix epoch, or a duration */
    int32_t nsecs;
} smqp_time;

typedef enum {
    SMQP_DT_INVALID = 0,
    SMQP_DT_OK,           /* D<yyyy><mm><dd>T<hh><mm><ss>[frac]Z */
    SMQP_DT_NO_ZONE,      /* valid, but the trailing Z is missing */
    SMQP_DT_LEGACY_DMY,   /* draft -00 grammar's order D<dd><mm><yyyy>... */
    SMQP_DT_LEGACY_MDY,   /* draft -00 examples' order D<mm><dd><yyyy>... */
    SMQP_DT_LEGACY_AMBIGUOUS  /* year last, both orders valid: read day-first,
                                 as the grammar says */
} smqp_dt_result;

smqp_dt_result smqp_parse_datetime(const uint8_t *buf, smqp_span s, smqp_time *t);

typedef enum {
    SMQP_TIMEOUT_INVALID = 0,
    SMQP_TIMEOUT_VALUE,
    SMQP_TIMEOUT_INFINITE
} smqp_timeout_result;

/* 3 fields hh:mm:ss, 4 days:hh:mm:ss, 5 days:hh:mm:ss:ff; INFINITE/INF. */
smqp_timeout_result smqp_parse_timeout(const uint8_t *buf, smqp_span s, smqp_time *t);

bool smqp_parse_uint(const uint8_t *buf, smqp_span s, uint32_t *v);
bool smqp_parse_int(const uint8_t *buf, smqp_span s, int32_t *v);
/* YES/NO (any case): 1 or 0; anything else -1. */
int smqp_parse_yesno(const uint8_t *buf, smqp_span s);

/* [address ":"] port; the address may be a bracketed IPv6 literal. */
bool smqp_parse_address_port(const uint8_t *buf, smqp_span s, smqp_span *address, uint16_t *port);

/* CMUID account[:channel]@host/uid[(date-time)], SMUID host/uid[(date-time)].
 * Parts that are absent have length 0. */
typedef struct {
    smqp_span account;
    smqp_span channel;
    smqp_span host;
    smqp_span uid;
    smqp_span created;
} smqp_uid_parts;

bool smqp_parse_cmuid(const uint8_t *buf, smqp_span s, smqp_uid_parts *p);
bool smqp_parse_smuid(const uint8_t *buf, smqp_span s, smqp_uid_parts *p);

/* The identity of a message id for matching one sighting with another:
 * SMUID "host/uid", CMUID "account[:channel]@host/uid", or the client's
 * own uid alone (how a PUBLISH line names it; from a CMUID, its uid part).
 * The creation date is left out (the draft's own examples write the same
 * id with and without it) and blanks around each part are dropped. */
typedef enum {
    SMQP_KEY_SMUID,
    SMQP_KEY_CMUID,
    SMQP_KEY_CLIENT_UID
} smqp_uid_key_kind;

/* Writes the key of s, NUL-terminated, to out[0, size) and returns its
 * length; 0 when s is not such an id or its key does not fit. */
size_t smqp_uid_key(const uint8_t *buf, smqp_span s, smqp_uid_key_kind kind, char *out, size_t size);

/* user[:channel] or (drafts -08) user/channel; also user[:channel]@domain. */
void smqp_split_account(const uint8_t *buf, smqp_span s, smqp_span *account, smqp_span *channel);

/* A header line "Name: value". False when the line is not one. */
bool smqp_parse_header_line(const uint8_t *buf, smqp_span line, smqp_span *name, smqp_span *value);

/* Calls fn for each non-empty comma-separated item of s (blanks trimmed,
 * surrounding quotes and parentheses removed). Stops after max items and
 * returns how many it found in all. */
typedef void (*smqp_item_fn)(void *ctx, smqp_span item);
unsigned smqp_split_list(const uint8_t *buf, smqp_span s, smqp_item_fn fn, void *ctx, unsigned max);

/* ---- replies --------------------------------------------------------- */

typedef struct {
    uint16_t code;
    bool final;         /* "NNN text" or "NNN"; false for "NNN-text" */
    smqp_span text;
} smqp_reply_line;

bool smqp_parse_reply_line(const uint8_t *buf, smqp_line line, smqp_reply_line *r);

/* True when a banner "SMQP/<d>.<d>..."; fills version and status spans. */
bool smqp_parse_banner(const uint8_t *buf, smqp_line line, smqp_span *version, smqp_span *status, smqp_span *ident);

#endif
