/* smqp-tables.h
 * The SMQP vocabulary as tables: verbs, command forms (verb + resource
 * words, with every abbreviation), reply codes and message header
 * attributes. The tables drive parsing, naming and the Info column.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SMQP_TABLES_H
#define SMQP_TABLES_H

#include "smqp-grammar.h"

typedef enum {
    SMQP_VERB_LOGIN,
    SMQP_VERB_PASSWORD,
    SMQP_VERB_CONNECTTO,
    SMQP_VERB_COUNT,
    SMQP_VERB_LIST,
    SMQP_VERB_CREATE,
    SMQP_VERB_REMOVE,
    SMQP_VERB_MOVE,
    SMQP_VERB_SET,
    SMQP_VERB_FIND,
    SMQP_VERB_PUBLISH,
    SMQP_VERB_REPUBLISH,
    SMQP_VERB_SUBSCRIBE,
    SMQP_VERB_UNSUBSCRIBE,
    SMQP_VERB_NOTIFY,
    SMQP_VERB_GET,
    SMQP_VERB_NOOP,
    SMQP_VERB_QUIT,
    SMQP_VERB_ACK
} smqp_verb;

/* A keyword: its canonical spelling and "|"-separated alternatives. */
typedef struct {
    const char *name;
    const char *alts;
} smqp_word;

typedef struct {
    smqp_verb verb;
    smqp_word word;
} smqp_verb_def;

/* How the arguments after the resource words are laid out. */
typedef enum {
    SMQP_ARGS_NONE,
    SMQP_ARGS_LOGIN,            /* user[:channel] method/version */
    SMQP_ARGS_PASSWORD,         /* account password */
    SMQP_ARGS_CONNECTTO,        /* account:channel [address:]port */
    SMQP_ARGS_NOTIFY_PORT,      /* [address] port (drafts -00..-07) */
    SMQP_ARGS_TOPIC,
    SMQP_ARGS_TOPIC_OPT,
    SMQP_ARGS_CREATE,           /* topic [(kw,...)] [> url] */
    SMQP_ARGS_FIND,             /* topic [(kw,...)] [depth] */
    SMQP_ARGS_TOPIC_SMUID,      /* topic smuid-or-set */
    SMQP_ARGS_MOVE,             /* from-topic smuid to-topic */
    SMQP_ARGS_TOPIC_TARGET,     /* topic new-topic */
    SMQP_ARGS_TOPIC_KEYWORDS,   /* topic (kw,...) */
    SMQP_ARGS_TOPIC_DELIVERY,   /* topic NONE|ALL|ONE */
    SMQP_ARGS_AUTH,             /* method/version */
    SMQP_ARGS_MIME,             /* mime [account] */
    SMQP_ARGS_PUBLISH,          /* [mode] topic-or-recipient cmuid */
    SMQP_ARGS_SUB_MESSAGE,      /* [changes] topic [SINCE dt] [UNTIL dt] [TAGS t,...] */
    SMQP_ARGS_SUB_TOPIC,        /* [changes] topic */
    SMQP_ARGS_NOTIFY_MESSAGE,   /* topic [change] */
    SMQP_ARGS_NOTIFY_TOPIC,     /* topic change [value] */
    SMQP_ARGS_NOTIFY_SUBSCRIBERS, /* topic count */
    SMQP_ARGS_TIMEOUT,
    SMQP_ARGS_TIMEOUT_OPT,
    SMQP_ARGS_TEXT,             /* free text value */
    SMQP_ARGS_ACK               /* cmuid smuid (draft -00) */
} smqp_args;

/* What follows the command line. */
typedef enum {
    SMQP_BODY_NONE,
    SMQP_BODY_MESSAGE,          /* headers, parts, "." */
    SMQP_BODY_CONTACT           /* data lines up to an empty line */
} smqp_body;

/* How the lines of the reply to this command carry data. */
typedef enum {
    SMQP_RD_NONE,
    SMQP_RD_LOGIN,              /* Topic/Timeout/Time/Suid attributes */
    SMQP_RD_COUNT,
    SMQP_RD_TOPICS,             /* one topic per line, "> target" allowed */
    SMQP_RD_SMUIDS,
    SMQP_RD_PUBLISH_ACK,        /* CMUID line, SMUID line */
    SMQP_RD_FIND,               /* topic (kw,...) */
    SMQP_RD_KEYWORDS,
    SMQP_RD_CHANNEL,
    SMQP_RD_DELIVERY,
    SMQP_RD_CONTACT,
    SMQP_RD_UNSUB_ALL,          /* RESOURCE topic */
    SMQP_RD_MESSAGE             /* a message follows a 2xx reply */
} smqp_reply_data;

/* A set of draft revisions, bit n for draft -0n (-00 … -10); 0 stands
 * for "any", where nothing narrows it. */
typedef uint16_t smqp_drafts;
#define SMQP_ANY_DRAFT ((smqp_drafts)0)
#define SMQP_LAST_DRAFT 10
#define SMQP_DRAFTS(first, last) \
    ((smqp_drafts)(((1u << ((last) + 1)) - 1) & ~((1u << (first)) - 1)))

/* The narrower of two sets; where they have nothing in common (traffic
 * mixing revisions) the earlier evidence stands. */
smqp_drafts smqp_drafts_narrow(smqp_drafts known, smqp_drafts seen);

typedef struct {
    smqp_verb verb;
    smqp_word res1;             /* name NULL: no resource word */
    smqp_word res2;
    const char *resource;       /* canonical resource words, or NULL */
    smqp_args args;
    smqp_body body;
    smqp_reply_data reply_data;
    bool expects_reply;         /* a final reply answers it */
    bool from_server;           /* normally sent by the SMQP server */
    smqp_drafts drafts;         /* the revisions that define it; 0: all */
    const char *implied_mode;   /* the PUBLISH mode its resource names */
} smqp_form;

/* Every command form, one row per verb + resource words (generators of
 * test traffic walk it too). */
extern const smqp_form smqp_forms[];
extern const size_t smqp_form_count;

const smqp_verb_def *smqp_lookup_verb(const uint8_t *buf, smqp_span word);
const char *smqp_verb_name(smqp_verb verb);
/* Whether the word could be the start of a verb (abbreviations are
 * prefixes of the verbs they stand for). */
bool smqp_verb_prefix(const uint8_t *buf, smqp_span word);

typedef struct {
    uint16_t code;
    const char *name;
} smqp_reply_code;

/* NULL when the code is not one of the drafts'. */
const smqp_reply_code *smqp_lookup_reply_code(uint16_t code);
extern const smqp_reply_code smqp_reply_codes[];
extern const size_t smqp_reply_code_count;

typedef enum {
    SMQP_ATTR_NAME,
    SMQP_ATTR_PRIORITY,
    SMQP_ATTR_CREATED,
    SMQP_ATTR_RECEIPT,
    SMQP_ATTR_REPLY,
    SMQP_ATTR_TIMEOUT,
    SMQP_ATTR_DEPTH,
    SMQP_ATTR_SEQUENCE,
    SMQP_ATTR_GUARANTEE,
    SMQP_ATTR_DELIVERY,
    SMQP_ATTR_HOPS,
    SMQP_ATTR_TAGS,
    SMQP_ATTR_MIME_VERSION,
    SMQP_ATTR_SMUID,
    SMQP_ATTR_CMUID,
    SMQP_ATTR_TOPIC,
    SMQP_ATTR_CONTENT_TYPE,
    SMQP_ATTR_CONTENT_LENGTH,
    SMQP_ATTR_CONTENT_DESCRIPTION,
    SMQP_ATTR_CONTENT_ID,
    SMQP_ATTR_CONTENT_ENCODING,
    SMQP_ATTR_CONTENT_ENCRYPTION,
    SMQP_ATTR_ENCRYPTION,       /* drafts -00..-06 */
    SMQP_ATTR_COUNT_
} smqp_attr;

/* How an attribute's value is typed. */
typedef enum {
    SMQP_VT_STRING,
    SMQP_VT_UINT,
    SMQP_VT_INT,
    SMQP_VT_DATETIME,
    SMQP_VT_TIMEOUT,
    SMQP_VT_YESNO,
    SMQP_VT_LIST,
    SMQP_VT_CMUID,
    SMQP_VT_SMUID
} smqp_value_type;

typedef struct {
    smqp_attr attr;
    smqp_word word;
    smqp_value_type type;
    bool part;                  /* belongs to a data part's header */
} smqp_attr_def;

extern const smqp_attr_def smqp_attrs[];
extern const size_t smqp_attr_count;

/* NULL for unknown names (X- extensions included). */
const smqp_attr_def *smqp_lookup_attr(const uint8_t *buf, smqp_span name);

/* ---- parsed command lines and reply lines ---------------------------- */

typedef enum {
    SMQP_I_MODE,
    SMQP_I_CHANGE,
    SMQP_I_TOPIC,
    SMQP_I_TARGET,
    SMQP_I_RECIPIENT,
    SMQP_I_ACCOUNT,
    SMQP_I_CHANNEL,
    SMQP_I_AUTH_METHOD,
    SMQP_I_AUTH_VERSION,
    SMQP_I_PASSWORD,
    SMQP_I_ADDRESS,
    SMQP_I_PORT,
    SMQP_I_CMUID,
    SMQP_I_SMUID,
    SMQP_I_SUID,
    SMQP_I_KEYWORD,
    SMQP_I_TAG,
    SMQP_I_COUNT,
    SMQP_I_SINCE,
    SMQP_I_UNTIL,
    SMQP_I_TIMEOUT,
    SMQP_I_LOGIN_TIME,
    SMQP_I_MIME,
    SMQP_I_DEPTH,
    SMQP_I_DELIVERY,
    SMQP_I_VALUE,
    SMQP_I_ATTR_NAME,
    SMQP_I_ATTR_VALUE,
    SMQP_I_CONTACT,
    SMQP_I_RESOURCE_WORD,
    SMQP_I_COUNT_
} smqp_item_kind;

typedef struct {
    smqp_item_kind kind;
    smqp_span span;
    const char *canon;          /* canonical spelling, when the table has one */
} smqp_item;

#define SMQP_MAX_ITEMS 40

enum {
    SMQP_P_MISSING_ARG   = 1u << 0,
    SMQP_P_EXTRA_ARGS    = 1u << 1,
    SMQP_P_BAD_RESOURCE  = 1u << 2,
    SMQP_P_TOO_MANY      = 1u << 3,
    SMQP_P_BAD_VALUE     = 1u << 4
};

typedef struct {
    smqp_item items[SMQP_MAX_ITEMS];
    unsigned n_items;
    unsigned problems;
    smqp_span bad;              /* the first invalid value (SMQP_P_BAD_VALUE) */
    smqp_drafts drafts;         /* revisions whose syntax the values follow; 0: any */
} smqp_items;

typedef struct {
    const smqp_verb_def *verb;  /* NULL: not a command line */
    const smqp_form *form;      /* NULL: verb known, resource not */
    smqp_span verb_span;
    smqp_span resource_span;    /* resource words as sent */
    smqp_span args_span;        /* everything after them */
    smqp_items it;
} smqp_command;

/* The first item of a kind, or NULL. */
const smqp_item *smqp_find_item(const smqp_items *it, smqp_item_kind kind);

/* Parses a command line. False when its first word is no SMQP verb. */
bool smqp_parse_command(const uint8_t *buf, smqp_span line, smqp_command *cmd);

/* A draft -00 notification attribute line after NOTIFY TOPIC ("Action:
 * RENAME /new") or NOTIFY SUBSCRIBERS ("Count: 34"). False when the line
 * is no such attribute. */
bool smqp_parse_notify_attr(const uint8_t *buf, smqp_span line, smqp_items *it);

/* Splits the text of one reply line into items, by what the command
 * answered carries and by the reply code. */
void smqp_parse_reply_data(const uint8_t *buf, smqp_reply_data rd, uint16_t code,
                           smqp_span text, smqp_items *it);

/* True when the reply text is only the code's status word ("OK", "ACK"). */
bool smqp_reply_text_is_status(const uint8_t *buf, uint16_t code, smqp_span text);

#endif
