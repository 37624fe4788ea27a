/* smqp-tables.c
 * The SMQP vocabulary (drafts -00 to -10) and the parsing it drives.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "smqp-tables.h"

#include <string.h>

#define W(n, a) { n, a }
#define NOWORD { NULL, NULL }

static const smqp_verb_def verbs[] = {
    { SMQP_VERB_LOGIN,       W("LOGIN", NULL) },
    { SMQP_VERB_PASSWORD,    W("PASSWORD", "PASS") },
    { SMQP_VERB_CONNECTTO,   W("CONNECTTO", NULL) },
    { SMQP_VERB_COUNT,       W("COUNT", NULL) },
    { SMQP_VERB_LIST,        W("LIST", NULL) },
    { SMQP_VERB_CREATE,      W("CREATE", NULL) },
    { SMQP_VERB_REMOVE,      W("REMOVE", "REM") },
    { SMQP_VERB_MOVE,        W("MOVE", NULL) },
    { SMQP_VERB_SET,         W("SET", NULL) },
    { SMQP_VERB_FIND,        W("FIND", NULL) },
    { SMQP_VERB_PUBLISH,     W("PUBLISH", "PUB") },
    { SMQP_VERB_REPUBLISH,   W("REPUBLISH", "REPUB") },
    { SMQP_VERB_SUBSCRIBE,   W("SUBSCRIBE", "SUB") },
    { SMQP_VERB_UNSUBSCRIBE, W("UNSUBSCRIBE", "UNSUB") },
    { SMQP_VERB_NOTIFY,      W("NOTIFY", NULL) },
    { SMQP_VERB_GET,         W("GET", NULL) },
    { SMQP_VERB_NOOP,        W("NOOP", NULL) },
    { SMQP_VERB_QUIT,        W("QUIT", NULL) },
    { SMQP_VERB_ACK,         W("ACK", NULL) },
};

#define MESSAGE_W   W("MESSAGE", "MESS|MESSAGES")
#define TOPIC_W     W("TOPIC", "TOPICS")
#define SUBSCR_W    W("SUBSCRIBERS", "SUB|SUBSCRIBER")
#define SUBSCRIBER_W W("SUBSCRIBER", "SUB|SUBSCRIBERS")
#define SERVER_W    W("SERVER", "SERV")

/* Order matters only where two forms of one verb share a first word; the
 * more specific form comes first. */
const smqp_form smqp_forms[] = {
    /* verb, res1, res2, resource, args, body, reply data, expects reply, from server
     * [, drafts, implied mode] */
    { SMQP_VERB_LOGIN, NOWORD, NOWORD, NULL, SMQP_ARGS_LOGIN, SMQP_BODY_NONE, SMQP_RD_LOGIN, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_PASSWORD, NOWORD, NOWORD, NULL, SMQP_ARGS_PASSWORD, SMQP_BODY_NONE, SMQP_RD_LOGIN, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_CONNECTTO, NOWORD, NOWORD, NULL, SMQP_ARGS_CONNECTTO, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_DRAFTS(8, 10), NULL },
    { SMQP_VERB_COUNT, TOPIC_W, NOWORD, "TOPIC", SMQP_ARGS_TOPIC, SMQP_BODY_NONE, SMQP_RD_COUNT, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_COUNT, MESSAGE_W, NOWORD, "MESSAGE", SMQP_ARGS_TOPIC, SMQP_BODY_NONE, SMQP_RD_COUNT, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_COUNT, SUBSCR_W, NOWORD, "SUBSCRIBERS", SMQP_ARGS_TOPIC, SMQP_BODY_NONE, SMQP_RD_COUNT, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_LIST, TOPIC_W, NOWORD, "TOPIC", SMQP_ARGS_TOPIC, SMQP_BODY_NONE, SMQP_RD_TOPICS, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_LIST, MESSAGE_W, NOWORD, "MESSAGE", SMQP_ARGS_TOPIC, SMQP_BODY_NONE, SMQP_RD_SMUIDS, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_LIST, W("SUBSCRIPTIONS", "SUB|SUBSCRIPTION"), NOWORD, "SUBSCRIPTIONS", SMQP_ARGS_NONE, SMQP_BODY_NONE, SMQP_RD_TOPICS, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_CREATE, TOPIC_W, NOWORD, "TOPIC", SMQP_ARGS_CREATE, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_REMOVE, TOPIC_W, NOWORD, "TOPIC", SMQP_ARGS_TOPIC, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_REMOVE, MESSAGE_W, NOWORD, "MESSAGE", SMQP_ARGS_TOPIC_SMUID, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_MOVE, MESSAGE_W, NOWORD, "MESSAGE", SMQP_ARGS_MOVE, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_SET, TOPIC_W, W("NAME", NULL), "TOPIC NAME", SMQP_ARGS_TOPIC_TARGET, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_SET, TOPIC_W, W("KEYWORDS", "KEY|KEYWORD"), "TOPIC KEYWORDS", SMQP_ARGS_TOPIC_KEYWORDS, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_SET, TOPIC_W, W("DELIVERY", NULL), "TOPIC DELIVERY", SMQP_ARGS_TOPIC_DELIVERY, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_SET, W("LOGIN", NULL), W("PASSWORD", "PASS"), "LOGIN PASSWORD", SMQP_ARGS_AUTH, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_SET, W("LOGIN", NULL), W("CONTACT", NULL), "LOGIN CONTACT", SMQP_ARGS_MIME, SMQP_BODY_CONTACT, SMQP_RD_NONE, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_SET, W("LOGIN", NULL), W("NAME", NULL), "LOGIN NAME", SMQP_ARGS_TEXT, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_DRAFTS(0, 8), NULL },
    { SMQP_VERB_SET, W("LOGIN", NULL), W("EMAIL", NULL), "LOGIN EMAIL", SMQP_ARGS_TEXT, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_DRAFTS(0, 8), NULL },
    { SMQP_VERB_SET, W("LOGIN", NULL), W("ADDRESS", NULL), "LOGIN ADDRESS", SMQP_ARGS_TEXT, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_DRAFTS(0, 8), NULL },
    { SMQP_VERB_SET, W("LOGIN", NULL), W("PHONE", NULL), "LOGIN PHONE", SMQP_ARGS_TEXT, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_DRAFTS(0, 8), NULL },
    { SMQP_VERB_SET, W("LOGIN", NULL), W("CHANNEL", NULL), "LOGIN CHANNEL", SMQP_ARGS_TEXT, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_DRAFTS(8, 8), NULL },
    { SMQP_VERB_SET, W("NOTIFY", NULL), W("SUSPEND", "SUS"), "NOTIFY SUSPEND", SMQP_ARGS_TOPIC_OPT, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_SET, W("NOTIFY", NULL), W("RESUME", "RES"), "NOTIFY RESUME", SMQP_ARGS_TOPIC_OPT, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_SET, W("NOTIFY", NULL), W("PORT", NULL), "NOTIFY PORT", SMQP_ARGS_NOTIFY_PORT, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_DRAFTS(0, 7), NULL },
    { SMQP_VERB_FIND, TOPIC_W, NOWORD, "TOPIC", SMQP_ARGS_FIND, SMQP_BODY_NONE, SMQP_RD_FIND, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_PUBLISH, MESSAGE_W, NOWORD, "MESSAGE", SMQP_ARGS_PUBLISH, SMQP_BODY_MESSAGE, SMQP_RD_PUBLISH_ACK, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_PUBLISH, W("REPLY", NULL), NOWORD, "REPLY", SMQP_ARGS_PUBLISH, SMQP_BODY_MESSAGE, SMQP_RD_PUBLISH_ACK, true, false, SMQP_DRAFTS(0, 8), "REPLY" },
    /* draft -00/-01: sends a message already on the server again, by its SMUID */
    { SMQP_VERB_REPUBLISH, MESSAGE_W, NOWORD, "MESSAGE", SMQP_ARGS_TOPIC_SMUID, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_DRAFTS(0, 1), NULL },
    { SMQP_VERB_SUBSCRIBE, MESSAGE_W, NOWORD, "MESSAGE", SMQP_ARGS_SUB_MESSAGE, SMQP_BODY_NONE, SMQP_RD_TOPICS, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_SUBSCRIBE, TOPIC_W, NOWORD, "TOPIC", SMQP_ARGS_SUB_TOPIC, SMQP_BODY_NONE, SMQP_RD_TOPICS, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_SUBSCRIBE, SUBSCRIBER_W, NOWORD, "SUBSCRIBER", SMQP_ARGS_TOPIC, SMQP_BODY_NONE, SMQP_RD_TOPICS, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_SUBSCRIBE, SERVER_W, W("TIMEOUT", NULL), "SERVER TIMEOUT", SMQP_ARGS_NONE, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_SUBSCRIBE, SERVER_W, W("BYE", NULL), "SERVER BYE", SMQP_ARGS_NONE, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_UNSUBSCRIBE, MESSAGE_W, NOWORD, "MESSAGE", SMQP_ARGS_TOPIC, SMQP_BODY_NONE, SMQP_RD_TOPICS, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_UNSUBSCRIBE, TOPIC_W, NOWORD, "TOPIC", SMQP_ARGS_TOPIC, SMQP_BODY_NONE, SMQP_RD_TOPICS, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_UNSUBSCRIBE, SUBSCRIBER_W, NOWORD, "SUBSCRIBER", SMQP_ARGS_TOPIC, SMQP_BODY_NONE, SMQP_RD_TOPICS, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_UNSUBSCRIBE, SERVER_W, W("TIMEOUT", NULL), "SERVER TIMEOUT", SMQP_ARGS_NONE, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_UNSUBSCRIBE, W("*", NULL), NOWORD, "*", SMQP_ARGS_NONE, SMQP_BODY_NONE, SMQP_RD_UNSUB_ALL, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_NOTIFY, MESSAGE_W, NOWORD, "MESSAGE", SMQP_ARGS_NOTIFY_MESSAGE, SMQP_BODY_MESSAGE, SMQP_RD_NONE, true, true, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_NOTIFY, W("RECEIPT", NULL), NOWORD, "RECEIPT", SMQP_ARGS_TOPIC, SMQP_BODY_MESSAGE, SMQP_RD_NONE, true, true, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_NOTIFY, TOPIC_W, NOWORD, "TOPIC", SMQP_ARGS_NOTIFY_TOPIC, SMQP_BODY_NONE, SMQP_RD_NONE, false, true, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_NOTIFY, SUBSCR_W, NOWORD, "SUBSCRIBERS", SMQP_ARGS_NOTIFY_SUBSCRIBERS, SMQP_BODY_NONE, SMQP_RD_NONE, false, true, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_NOTIFY, SERVER_W, W("TIMEOUT", NULL), "SERVER TIMEOUT", SMQP_ARGS_TIMEOUT, SMQP_BODY_NONE, SMQP_RD_NONE, false, true, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_NOTIFY, SERVER_W, W("BYE", NULL), "SERVER BYE", SMQP_ARGS_TIMEOUT_OPT, SMQP_BODY_NONE, SMQP_RD_NONE, false, true, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_GET, MESSAGE_W, NOWORD, "MESSAGE", SMQP_ARGS_TOPIC_SMUID, SMQP_BODY_NONE, SMQP_RD_MESSAGE, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_GET, TOPIC_W, W("KEYWORDS", "KEY|KEYWORD"), "TOPIC KEYWORDS", SMQP_ARGS_TOPIC, SMQP_BODY_NONE, SMQP_RD_KEYWORDS, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_GET, TOPIC_W, W("DELIVERY", NULL), "TOPIC DELIVERY", SMQP_ARGS_TOPIC, SMQP_BODY_NONE, SMQP_RD_DELIVERY, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_GET, W("LOGIN", NULL), W("CHANNEL", NULL), "LOGIN CHANNEL", SMQP_ARGS_NONE, SMQP_BODY_NONE, SMQP_RD_CHANNEL, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_GET, W("LOGIN", NULL), W("CONTACT", NULL), "LOGIN CONTACT", SMQP_ARGS_MIME, SMQP_BODY_NONE, SMQP_RD_CONTACT, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_NOOP, NOWORD, NOWORD, NULL, SMQP_ARGS_NONE, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_ANY_DRAFT, NULL },
    { SMQP_VERB_QUIT, NOWORD, NOWORD, NULL, SMQP_ARGS_NONE, SMQP_BODY_NONE, SMQP_RD_NONE, true, false, SMQP_ANY_DRAFT, NULL },
    /* the line after a publish's "200 OK" before -03 gave it one reply line */
    { SMQP_VERB_ACK, NOWORD, NOWORD, NULL, SMQP_ARGS_ACK, SMQP_BODY_NONE, SMQP_RD_NONE, false, true, SMQP_DRAFTS(0, 2), NULL },
};

const size_t smqp_form_count = sizeof smqp_forms / sizeof smqp_forms[0];

smqp_drafts smqp_drafts_narrow(smqp_drafts known, smqp_drafts seen)
{
    if (!known)
        return seen;
    if (!seen || !(known & seen))
        return known;
    return known & seen;
}

const smqp_reply_code smqp_reply_codes[] = {
    { 200, "OK" },
    { 310, "Acknowledgement receipt" },
    { 311, "Redirect request" },
    { 312, "Wait" },
    { 400, "Bad request" },
    { 401, "Unauthorized" },
    { 402, "Topic too long" },
    { 403, "Forbidden" },
    { 404, "Not found" },
    { 405, "Not allowed" },
    { 406, "Not acceptable (draft -00)" },
    { 407, "Proxy authentication required" },
    { 408, "Request timeout" },
    { 409, "Conflict" },
    { 410, "Length required" },
    { 413, "Entity too large" },
    { 414, "Resource too large" },
    { 415, "Unsupported media type" },
    { 416, "Not Available" },
    { 500, "Internal server error" },
    { 501, "Not implemented" },
    { 502, "Bad gateway" },
    { 503, "Service unavailable" },
    { 505, "SMQP version not supported" },
};
const size_t smqp_reply_code_count = sizeof smqp_reply_codes / sizeof smqp_reply_codes[0];

const smqp_attr_def smqp_attrs[] = {
    { SMQP_ATTR_NAME,           W("Name", NULL),                SMQP_VT_STRING,   false },
    { SMQP_ATTR_PRIORITY,       W("Priority", "Pri"),           SMQP_VT_UINT,     false },
    { SMQP_ATTR_CREATED,        W("Created", NULL),             SMQP_VT_DATETIME, false },
    { SMQP_ATTR_RECEIPT,        W("Receipt", NULL),             SMQP_VT_STRING,   false },
    { SMQP_ATTR_REPLY,          W("Reply", NULL),               SMQP_VT_YESNO,    false },
    { SMQP_ATTR_TIMEOUT,        W("Timeout", NULL),             SMQP_VT_TIMEOUT,  false },
    { SMQP_ATTR_DEPTH,          W("Depth", NULL),               SMQP_VT_INT,      false },
    { SMQP_ATTR_SEQUENCE,       W("Sequence", "Seq"),           SMQP_VT_UINT,     false },
    { SMQP_ATTR_GUARANTEE,      W("Guarantee", "Guar"),         SMQP_VT_YESNO,    false },
    { SMQP_ATTR_DELIVERY,       W("Delivery", NULL),            SMQP_VT_STRING,   false },
    { SMQP_ATTR_HOPS,           W("Hops", NULL),                SMQP_VT_LIST,     false },
    { SMQP_ATTR_TAGS,           W("Tags", NULL),                SMQP_VT_LIST,     false },
    { SMQP_ATTR_MIME_VERSION,   W("MIME-Version", NULL),        SMQP_VT_STRING,   false },
    { SMQP_ATTR_SMUID,          W("Smuid", NULL),               SMQP_VT_SMUID,    false },
    { SMQP_ATTR_CMUID,          W("Cmuid", NULL),               SMQP_VT_CMUID,    false },
    { SMQP_ATTR_TOPIC,          W("Topic", NULL),               SMQP_VT_STRING,   false },
    { SMQP_ATTR_CONTENT_TYPE,   W("Content-Type", NULL),        SMQP_VT_STRING,   true },
    { SMQP_ATTR_CONTENT_LENGTH, W("Content-Length", NULL),      SMQP_VT_UINT,     true },
    { SMQP_ATTR_CONTENT_DESCRIPTION, W("Content-Description", NULL), SMQP_VT_STRING, true },
    { SMQP_ATTR_CONTENT_ID,     W("Content-ID", NULL),          SMQP_VT_STRING,   true },
    { SMQP_ATTR_CONTENT_ENCODING, W("Content-Encoding", NULL),  SMQP_VT_STRING,   true },
    { SMQP_ATTR_CONTENT_ENCRYPTION, W("Content-Encryption", NULL), SMQP_VT_STRING, true },
    { SMQP_ATTR_ENCRYPTION,     W("Encryption", NULL),          SMQP_VT_STRING,   true },
};
const size_t smqp_attr_count = sizeof smqp_attrs / sizeof smqp_attrs[0];

static bool word_matches(const uint8_t *buf, smqp_span s, const smqp_word *w)
{
    return smqp_span_eq(buf, s, w->name) || smqp_match_alt(buf, s, w->alts) >= 0;
}

const smqp_verb_def *smqp_lookup_verb(const uint8_t *buf, smqp_span word)
{
    if (word.len < 3 || word.len > 11)
        return NULL;
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        if (word_matches(buf, word, &verbs[i].word))
            return &verbs[i];
    }
    return NULL;
}

bool smqp_verb_prefix(const uint8_t *buf, smqp_span s)
{
    for (size_t i = 0; s.len > 0 && i < sizeof verbs / sizeof verbs[0]; i++) {
        const char *name = verbs[i].word.name;
        size_t k = 0;
        while (k < s.len && name[k] && (buf[s.off + k] & ~0x20) == (uint8_t)name[k])
            k++;
        if (k == s.len)
            return true;
    }
    return false;
}

const char *smqp_verb_name(smqp_verb verb)
{
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        if (verbs[i].verb == verb)
            return verbs[i].word.name;
    }
    return "?";
}

const smqp_reply_code *smqp_lookup_reply_code(uint16_t code)
{
    for (size_t i = 0; i < smqp_reply_code_count; i++) {
        if (smqp_reply_codes[i].code == code)
            return &smqp_reply_codes[i];
    }
    return NULL;
}

const smqp_attr_def *smqp_lookup_attr(const uint8_t *buf, smqp_span name)
{
    for (size_t i = 0; i < smqp_attr_count; i++) {
        if (word_matches(buf, name, &smqp_attrs[i].word))
            return &smqp_attrs[i];
    }
    return NULL;
}

/* ---- items ------------------------------------------------------------ */

static void add(smqp_items *it, smqp_item_kind kind, smqp_span span, const char *canon)
{
    if (it->n_items >= SMQP_MAX_ITEMS) {
        it->problems |= SMQP_P_TOO_MANY;
        return;
    }
    smqp_item *item = &it->items[it->n_items++];
    item->kind = kind;
    item->span = span;
    item->canon = canon;
}

/* Notes an invalid value; the first one is named in the expert item. */
static void note_bad(smqp_items *it, smqp_span s)
{
    if (!(it->problems & SMQP_P_BAD_VALUE))
        it->bad = s;
    it->problems |= SMQP_P_BAD_VALUE;
}

typedef struct {
    smqp_items *it;
    smqp_item_kind kind;
} list_ctx;

static void add_list_item(void *ctx, smqp_span item)
{
    list_ctx *lc = ctx;
    add(lc->it, lc->kind, item, NULL);
}

static void add_list(const uint8_t *buf, smqp_items *it, smqp_item_kind kind, smqp_span s)
{
    list_ctx lc = { it, kind };
    unsigned room = SMQP_MAX_ITEMS - it->n_items;
    if (smqp_split_list(buf, s, add_list_item, &lc, room) > room)
        it->problems |= SMQP_P_TOO_MANY;
}

const smqp_item *smqp_find_item(const smqp_items *it, smqp_item_kind kind)
{
    for (unsigned k = 0; k < it->n_items; k++) {
        if (it->items[k].kind == kind)
            return &it->items[k];
    }
    return NULL;
}

/* Arguments are read word by word from a cursor over the line. */
typedef struct {
    const uint8_t *buf;
    size_t pos;
    size_t end;
    smqp_items *it;
} args_cursor;

static bool next(args_cursor *c, smqp_span *w)
{
    return smqp_next_word(c->buf, c->end, &c->pos, w);
}

static void need(args_cursor *c, smqp_item_kind kind)
{
    smqp_span w;
    if (next(c, &w))
        add(c->it, kind, w, NULL);
    else
        c->it->problems |= SMQP_P_MISSING_ARG;
}

static void optional(args_cursor *c, smqp_item_kind kind)
{
    smqp_span w;
    if (next(c, &w))
        add(c->it, kind, w, NULL);
}

static void no_more(args_cursor *c)
{
    smqp_span w;
    size_t save = c->pos;
    if (next(c, &w))
        c->it->problems |= SMQP_P_EXTRA_ARGS;
    c->pos = save;
}

/* Returns the byte that ends the account (':', '/'), or 0 when none does. */
static uint8_t account_channel(args_cursor *c, smqp_span w)
{
    smqp_span account, channel;
    smqp_split_account(c->buf, w, &account, &channel);
    add(c->it, SMQP_I_ACCOUNT, account, NULL);
    if (channel.len)
        add(c->it, SMQP_I_CHANNEL, channel, NULL);
    size_t sep = account.off + account.len;
    return sep < w.off + w.len ? c->buf[sep] : 0;
}

static void method_version(args_cursor *c, smqp_span w)
{
    size_t slash = smqp_find(c->buf, w, '/');
    smqp_span method = { w.off, slash - w.off };
    add(c->it, SMQP_I_AUTH_METHOD, method, NULL);
    if (slash < w.off + w.len) {
        smqp_span version = { slash + 1, w.off + w.len - slash - 1 };
        add(c->it, SMQP_I_AUTH_VERSION, version, NULL);
    }
}

static void address_port(args_cursor *c, smqp_span w)
{
    smqp_span address;
    uint16_t port;
    if (!smqp_parse_address_port(c->buf, w, &address, &port)) {
        note_bad(c->it, w);
        add(c->it, SMQP_I_PORT, w, NULL);
        return;
    }
    if (address.len)
        add(c->it, SMQP_I_ADDRESS, address, NULL);
    /* the port is what follows the last colon */
    size_t p = w.off + w.len;
    while (p > w.off && c->buf[p - 1] != ':')
        p--;
    smqp_span ps = { p, w.off + w.len - p };
    add(c->it, SMQP_I_PORT, ps, NULL);
}

/* A parenthesised keyword list starting at the cursor, if any. */
static bool keywords(args_cursor *c)
{
    size_t p = c->pos;
    while (p < c->end && (c->buf[p] == ' ' || c->buf[p] == '\t'))
        p++;
    if (p >= c->end || c->buf[p] != '(')
        return false;
    smqp_span from = { p, c->end - p };
    size_t close = smqp_find(c->buf, from, ')');
    if (close == c->end) {
        note_bad(c->it, from);
        close = c->end - 1;
    }
    smqp_span list = { p, close + 1 - p };
    add_list(c->buf, c->it, SMQP_I_KEYWORD, list);
    c->pos = close + 1;
    return true;
}

/* Canonical spelling of a change word, or NULL. */
static const char *change_word(const uint8_t *buf, smqp_span w)
{
    static const smqp_word changes[] = {
        W("ALL", NULL), W("ADD", "ADDED"), W("MOVE", NULL), W("DELETE", "DEL|DELETED"),
        W("REPLACE", NULL), W("RENAME", "REN"), W("KEYWORDS", "KEY|KEYWORD"),
    };
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
        if (word_matches(buf, w, &changes[i]))
            return changes[i].name;
    }
    return NULL;
}

/* A comma list of change words ("DELETE,REPLACE"); false, adding nothing,
 * when any item is not one. */
/* The change a topic notification reports, and what it names: the new
 * name or added topic, or the keywords. */
static void topic_change(args_cursor *c, smqp_span w)
{
    const char *canon = change_word(c->buf, w);
    if (!canon)
        note_bad(c->it, w);
    add(c->it, SMQP_I_CHANGE, w, canon);
    if (canon && strcmp(canon, "KEYWORDS") == 0) {
        /* (kw,...) since -01; draft -00 wrote the keyword bare */
        smqp_span rest = smqp_rest(c->buf, c->pos, c->end);
        if (!keywords(c) && rest.len) {
            add_list(c->buf, c->it, SMQP_I_KEYWORD, rest);
            c->pos = c->end;
        }
    } else {
        optional(c, SMQP_I_TARGET);
    }
}

static bool change_list(args_cursor *c, smqp_span w)
{
    size_t i = w.off, end = w.off + w.len;
    unsigned before = c->it->n_items;
    while (i < end) {
        size_t start = i;
        while (i < end && c->buf[i] != ',')
            i++;
        smqp_span item = { start, i - start };
        const char *canon = item.len ? change_word(c->buf, item) : NULL;
        if (item.len && !canon) {
            c->it->n_items = before;
            return false;
        }
        if (canon)
            add(c->it, SMQP_I_CHANGE, item, canon);
        i++;
    }
    return c->it->n_items > before;
}

static void topic_or_recipient(args_cursor *c, smqp_span w)
{
    bool recipient = smqp_find(c->buf, w, '@') < w.off + w.len;
    add(c->it, recipient ? SMQP_I_RECIPIENT : SMQP_I_TOPIC, w, NULL);
}

static void parse_args(args_cursor *c, smqp_args args)
{
    const uint8_t *buf = c->buf;
    smqp_span w;
    switch (args) {
    case SMQP_ARGS_NONE:
        break;
    case SMQP_ARGS_LOGIN:
        if (next(c, &w)) {
            /* the account's form dates the client: no channel before -08,
             * account/channel in -08, account:channel after */
            uint8_t sep = account_channel(c, w);
            c->it->drafts = sep == ':' ? SMQP_DRAFTS(9, 10) : sep == '/' ? SMQP_DRAFTS(8, 8) : SMQP_DRAFTS(0, 7);
        } else {
            c->it->problems |= SMQP_P_MISSING_ARG;
        }
        if (next(c, &w))
            method_version(c, w);
        else
            c->it->problems |= SMQP_P_MISSING_ARG;
        break;
    case SMQP_ARGS_PASSWORD:
        need(c, SMQP_I_ACCOUNT);
        /* a guest logs in with an empty password */
        optional(c, SMQP_I_PASSWORD);
        break;
    case SMQP_ARGS_CONNECTTO:
        if (next(c, &w))
            account_channel(c, w);
        else
            c->it->problems |= SMQP_P_MISSING_ARG;
        if (next(c, &w))
            address_port(c, w);
        else
            c->it->problems |= SMQP_P_MISSING_ARG;
        break;
    case SMQP_ARGS_NOTIFY_PORT: {
        smqp_span w2;
        if (!next(c, &w)) {
            c->it->problems |= SMQP_P_MISSING_ARG;
            break;
        }
        uint32_t port;
        if (!next(c, &w2)) {
            address_port(c, w);         /* port alone (-00), or address:port */
        } else if (smqp_parse_uint(c->buf, w, &port) && port > 0 && port <= 65535) {
            add(c->it, SMQP_I_PORT, w, NULL);   /* -03 … -06: port, then address */
            add(c->it, SMQP_I_ADDRESS, w2, NULL);
            c->it->drafts = SMQP_DRAFTS(3, 6);
        } else {
            add(c->it, SMQP_I_ADDRESS, w, NULL);
            address_port(c, w2);
        }
        break;
    }
    case SMQP_ARGS_TOPIC:
        need(c, SMQP_I_TOPIC);
        break;
    case SMQP_ARGS_TOPIC_OPT:
    case SMQP_ARGS_TIMEOUT_OPT:
        optional(c, args == SMQP_ARGS_TOPIC_OPT ? SMQP_I_TOPIC : SMQP_I_TIMEOUT);
        break;
    case SMQP_ARGS_TIMEOUT:
        need(c, SMQP_I_TIMEOUT);
        break;
    case SMQP_ARGS_CREATE:
        need(c, SMQP_I_TOPIC);
        keywords(c);
        if (next(c, &w)) {
            if (smqp_span_eq(buf, w, ">"))
                need(c, SMQP_I_TARGET);
            else
                c->it->problems |= SMQP_P_EXTRA_ARGS;
        }
        break;
    case SMQP_ARGS_FIND: {
        need(c, SMQP_I_TOPIC);
        if (keywords(c)) {
            optional(c, SMQP_I_DEPTH);
            break;
        }
        /* a depth (-10), else the bare keyword list of drafts -00 … -03 */
        size_t at = c->pos;
        int32_t depth;
        if (!next(c, &w))
            break;
        if (smqp_parse_int(buf, w, &depth)) {
            add(c->it, SMQP_I_DEPTH, w, NULL);
            break;
        }
        add_list(buf, c->it, SMQP_I_KEYWORD, smqp_rest(buf, at, c->end));
        c->it->drafts = SMQP_DRAFTS(0, 3);
        c->pos = c->end;
        break;
    }
    case SMQP_ARGS_TOPIC_SMUID:
        need(c, SMQP_I_TOPIC);
        need(c, SMQP_I_SMUID);
        break;
    case SMQP_ARGS_MOVE:
        need(c, SMQP_I_TOPIC);
        need(c, SMQP_I_SMUID);
        need(c, SMQP_I_TARGET);
        break;
    case SMQP_ARGS_TOPIC_TARGET:
        need(c, SMQP_I_TOPIC);
        need(c, SMQP_I_TARGET);
        break;
    case SMQP_ARGS_TOPIC_KEYWORDS:
        need(c, SMQP_I_TOPIC);
        if (!keywords(c))
            c->it->problems |= SMQP_P_MISSING_ARG;
        break;
    case SMQP_ARGS_TOPIC_DELIVERY:
        need(c, SMQP_I_TOPIC);
        need(c, SMQP_I_DELIVERY);
        break;
    case SMQP_ARGS_AUTH:
        if (next(c, &w))
            method_version(c, w);
        else
            c->it->problems |= SMQP_P_MISSING_ARG;
        break;
    case SMQP_ARGS_MIME:
        need(c, SMQP_I_MIME);
        optional(c, SMQP_I_ACCOUNT);
        break;
    case SMQP_ARGS_PUBLISH: {
        static const char *const modes = "NEW|REPLY|REPLACE|RECALL";
        static const char *const mode_names[] = { "NEW", "REPLY", "REPLACE", "RECALL" };
        if (!next(c, &w)) {
            c->it->problems |= SMQP_P_MISSING_ARG;
            break;
        }
        int mode = smqp_match_alt(buf, w, modes);
        if (mode >= 0) {
            add(c->it, SMQP_I_MODE, w, mode_names[mode]);
            if (!next(c, &w)) {
                c->it->problems |= SMQP_P_MISSING_ARG;
                break;
            }
        }
        topic_or_recipient(c, w);
        need(c, SMQP_I_CMUID);
        break;
    }
    case SMQP_ARGS_SUB_MESSAGE:
    case SMQP_ARGS_SUB_TOPIC:
        if (!next(c, &w)) {
            c->it->problems |= SMQP_P_MISSING_ARG;
            break;
        }
        if (change_list(c, w))
            need(c, SMQP_I_TOPIC);
        else
            add(c->it, SMQP_I_TOPIC, w, NULL);
        if (args == SMQP_ARGS_SUB_TOPIC)
            break;
        while (next(c, &w)) {
            if (smqp_span_eq(buf, w, "SINCE")) {
                need(c, SMQP_I_SINCE);
            } else if (smqp_span_eq(buf, w, "UNTIL")) {
                need(c, SMQP_I_UNTIL);
            } else if (smqp_span_eq(buf, w, "TAGS")) {
                add_list(buf, c->it, SMQP_I_TAG, smqp_rest(buf, c->pos, c->end));
                c->pos = c->end;
            } else {
                c->it->problems |= SMQP_P_EXTRA_ARGS;
                c->pos = c->end;
            }
        }
        break;
    case SMQP_ARGS_NOTIFY_MESSAGE:
        need(c, SMQP_I_TOPIC);
        if (next(c, &w)) {
            const char *canon = change_word(buf, w);
            if (!canon)
                note_bad(c->it, w);
            add(c->it, SMQP_I_CHANGE, w, canon);
        }
        break;
    case SMQP_ARGS_NOTIFY_TOPIC:
        need(c, SMQP_I_TOPIC);
        /* draft -00 sent the change as an "Action:" line after this one */
        if (!next(c, &w))
            c->it->drafts = SMQP_DRAFTS(0, 2);
        else
            topic_change(c, w);
        break;
    case SMQP_ARGS_NOTIFY_SUBSCRIBERS:
        need(c, SMQP_I_TOPIC);
        /* and the count as a "Count:" line */
        if (c->pos < c->end && smqp_rest(buf, c->pos, c->end).len)
            need(c, SMQP_I_COUNT);
        else
            c->it->drafts = SMQP_DRAFTS(0, 2);
        break;
    case SMQP_ARGS_TEXT: {
        smqp_span v = smqp_rest(buf, c->pos, c->end);
        if (v.len)
            add(c->it, SMQP_I_VALUE, v, NULL);
        else
            c->it->problems |= SMQP_P_MISSING_ARG;
        c->pos = c->end;
        break;
    }
    case SMQP_ARGS_ACK:
        need(c, SMQP_I_CMUID);
        need(c, SMQP_I_SMUID);
        break;
    }
    no_more(c);
}

bool smqp_parse_command(const uint8_t *buf, smqp_span line, smqp_command *cmd)
{
    size_t end = line.off + line.len;
    size_t pos = line.off;
    smqp_span w0;
    memset(cmd, 0, sizeof *cmd);
    if (!smqp_next_word(buf, end, &pos, &w0) || w0.off != line.off)
        return false;
    cmd->verb = smqp_lookup_verb(buf, w0);
    if (!cmd->verb)
        return false;
    cmd->verb_span = w0;

    size_t after_verb = pos;
    smqp_span w1 = { pos, 0 }, w2 = { pos, 0 };
    size_t after1 = pos, after2 = pos;
    bool have1 = smqp_next_word(buf, end, &after1, &w1);
    after2 = after1;
    bool have2 = have1 && smqp_next_word(buf, end, &after2, &w2);

    for (size_t i = 0; i < smqp_form_count; i++) {
        const smqp_form *f = &smqp_forms[i];
        if (f->verb != cmd->verb->verb)
            continue;
        size_t args_at;
        if (!f->res1.name) {
            args_at = after_verb;
        } else if (!have1 || !word_matches(buf, w1, &f->res1)) {
            continue;
        } else if (!f->res2.name) {
            args_at = after1;
            cmd->resource_span = w1;
        } else if (!have2 || !word_matches(buf, w2, &f->res2)) {
            continue;
        } else {
            args_at = after2;
            cmd->resource_span.off = w1.off;
            cmd->resource_span.len = w2.off + w2.len - w1.off;
        }
        cmd->form = f;
        cmd->args_span = smqp_rest(buf, args_at, end);
        if (f->implied_mode)
            add(&cmd->it, SMQP_I_MODE, cmd->resource_span, f->implied_mode);
        args_cursor c = { buf, args_at, end, &cmd->it };
        parse_args(&c, f->args);
        cmd->it.drafts = smqp_drafts_narrow(f->drafts, cmd->it.drafts);
        return true;
    }
    cmd->it.problems |= SMQP_P_BAD_RESOURCE;
    cmd->args_span = smqp_rest(buf, after_verb, end);
    return true;
}

/* ---- reply data -------------------------------------------------------- */

bool smqp_reply_text_is_status(const uint8_t *buf, uint16_t code, smqp_span text)
{
    if (text.len == 0 || smqp_span_eq(buf, text, "OK") || smqp_span_eq(buf, text, "ACK"))
        return true;
    const smqp_reply_code *rc = smqp_lookup_reply_code(code);
    return rc && smqp_span_eq(buf, text, rc->name);
}

/* "topic [> target]" or "topic (kw,...)"; draft -00 put the resource
 * word before the topic in UNSUBSCRIBE answers ("MESSAGE /a/b"). */
static void topic_line(const uint8_t *buf, smqp_span text, smqp_items *it, bool with_keywords)
{
    args_cursor c = { buf, text.off, text.off + text.len, it };
    smqp_span w;
    if (!next(&c, &w))
        return;
    size_t after = c.pos;
    smqp_span w2;
    if (buf[w.off] != '/' && buf[w.off] != '*' && next(&c, &w2) && (buf[w2.off] == '/' || buf[w2.off] == '*')) {
        add(it, SMQP_I_RESOURCE_WORD, w, NULL);
        w = w2;
    } else {
        c.pos = after;
    }
    add(it, SMQP_I_TOPIC, w, NULL);
    if (with_keywords && keywords(&c))
        return;
    if (next(&c, &w) && smqp_span_eq(buf, w, ">"))
        optional(&c, SMQP_I_TARGET);
}

static void login_attr(const uint8_t *buf, smqp_span text, smqp_items *it)
{
    static const struct {
        smqp_word word;
        smqp_item_kind kind;
    } login_attrs[] = {
        { W("Topic", NULL), SMQP_I_TOPIC },
        { W("Timeout", NULL), SMQP_I_TIMEOUT },
        { W("Time", NULL), SMQP_I_LOGIN_TIME },
        { W("Suid", "Guid"), SMQP_I_SUID },
    };
    smqp_span name, value;
    if (!smqp_parse_header_line(buf, text, &name, &value))
        return;
    for (size_t i = 0; i < sizeof login_attrs / sizeof login_attrs[0]; i++) {
        if (word_matches(buf, name, &login_attrs[i].word)) {
            add(it, login_attrs[i].kind, value, NULL);
            return;
        }
    }
    add(it, SMQP_I_ATTR_NAME, name, NULL);
    add(it, SMQP_I_ATTR_VALUE, value, NULL);
}

bool smqp_parse_notify_attr(const uint8_t *buf, smqp_span line, smqp_items *it)
{
    static const struct {
        smqp_word word;
        smqp_item_kind kind;
    } notify_attrs[] = {
        { W("Action", NULL), SMQP_I_CHANGE },
        { W("Count", NULL), SMQP_I_COUNT },
    };
    smqp_span name, value;
    if (!smqp_parse_header_line(buf, line, &name, &value))
        return false;
    for (size_t i = 0; i < sizeof notify_attrs / sizeof notify_attrs[0]; i++) {
        if (!word_matches(buf, name, &notify_attrs[i].word))
            continue;
        args_cursor c = { buf, value.off, value.off + value.len, it };
        smqp_span w;
        if (notify_attrs[i].kind == SMQP_I_COUNT)
            need(&c, SMQP_I_COUNT);
        else if (next(&c, &w))
            topic_change(&c, w);
        return true;
    }
    return false;
}

void smqp_parse_reply_data(const uint8_t *buf, smqp_reply_data rd, uint16_t code,
                           smqp_span text, smqp_items *it)
{
    if (smqp_reply_text_is_status(buf, code, text))
        return;
    if (code == 311) {
        smqp_span address;
        uint16_t port;
        if (smqp_parse_address_port(buf, text, &address, &port)) {
            args_cursor c = { buf, text.off, text.off + text.len, it };
            address_port(&c, text);
        }
        return;
    }
    if (code / 100 != 2)
        return;
    switch (rd) {
    case SMQP_RD_NONE:
    case SMQP_RD_MESSAGE:
        break;
    case SMQP_RD_LOGIN:
        login_attr(buf, text, it);
        break;
    case SMQP_RD_COUNT: {
        uint32_t v;
        if (smqp_parse_uint(buf, text, &v))
            add(it, SMQP_I_COUNT, text, NULL);
        break;
    }
    case SMQP_RD_TOPICS:
        topic_line(buf, text, it, false);
        break;
    case SMQP_RD_FIND:
        topic_line(buf, text, it, true);
        break;
    case SMQP_RD_SMUIDS:
        add(it, SMQP_I_SMUID, text, NULL);
        break;
    case SMQP_RD_PUBLISH_ACK: {
        /* "cmuid smuid" on one line before -08, a line for each after */
        args_cursor c = { buf, text.off, text.off + text.len, it };
        smqp_span w, w2;
        next(&c, &w);
        if (next(&c, &w2)) {
            add(it, SMQP_I_CMUID, w, NULL);
            add(it, SMQP_I_SMUID, w2, NULL);
            it->drafts = SMQP_DRAFTS(3, 7);
        } else {
            add(it, smqp_find(buf, text, '@') < text.off + text.len ? SMQP_I_CMUID : SMQP_I_SMUID, text, NULL);
        }
        break;
    }
    case SMQP_RD_KEYWORDS:
        add_list(buf, it, SMQP_I_KEYWORD, text);
        break;
    case SMQP_RD_CHANNEL:
        add(it, SMQP_I_CHANNEL, text, NULL);
        break;
    case SMQP_RD_DELIVERY:
        add(it, SMQP_I_DELIVERY, text, NULL);
        break;
    case SMQP_RD_CONTACT:
        add(it, SMQP_I_CONTACT, text, NULL);
        break;
    case SMQP_RD_UNSUB_ALL: {
        args_cursor c = { buf, text.off, text.off + text.len, it };
        smqp_span w;
        if (next(&c, &w))
            add(it, SMQP_I_RESOURCE_WORD, w, NULL);
        optional(&c, SMQP_I_TOPIC);
        break;
    }
    }
}
