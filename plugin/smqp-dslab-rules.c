/* smqp-dslab-rules.c
 * DSLab broker lines and routing; see smqp-dslab-rules.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "smqp-dslab-rules.h"

#include <string.h>

/* The greetings of the lab's servers, whole lines. */
static const struct {
    const char *line;
    smqp_dslab_greeting what;
} greetings[] = {
    { "ok SMQP", SMQP_DSLAB_BROKER },
    { "ok SDP", SMQP_DSLAB_NEIGHBOUR },
    { "ok LEP", SMQP_DSLAB_NEIGHBOUR },
};

smqp_dslab_greeting smqp_dslab_judge_greeting(const uint8_t *buf, size_t len)
{
    /* the line's content: up to LF, without a CR before it */
    size_t n = 0;
    while (n < len && buf[n] != '\n')
        n++;
    bool ended = n < len;
    if (ended && n > 0 && buf[n - 1] == '\r')
        n--;
    bool may_grow = false;
    for (size_t i = 0; i < sizeof greetings / sizeof greetings[0]; i++) {
        size_t g = strlen(greetings[i].line);
        if (ended && n == g && memcmp(buf, greetings[i].line, g) == 0)
            return greetings[i].what;
        /* an unfinished line that is still a prefix of a greeting (a CR
         * may follow the greeting's last byte) */
        if (!ended && n <= g + 1 && memcmp(buf, greetings[i].line, n < g ? n : g) == 0 &&
            (n <= g || buf[g] == '\r'))
            may_grow = true;
    }
    return may_grow ? SMQP_DSLAB_MORE : SMQP_DSLAB_NOT;
}

/* What each verb takes: how many words, and whether the last runs to the
 * end of the line (a publish's message may hold spaces). */
static const struct {
    const char *name;
    smqp_dslab_verb verb;
    unsigned words;
    bool rest;
} verbs[] = {
    { "exchange", SMQP_DSLAB_EXCHANGE, 2, false },
    { "queue", SMQP_DSLAB_QUEUE, 1, false },
    { "bind", SMQP_DSLAB_BIND, 1, false },
    { "publish", SMQP_DSLAB_PUBLISH, 2, true },
    { "subscribe", SMQP_DSLAB_SUBSCRIBE, 0, false },
    { "stop", SMQP_DSLAB_STOP, 0, false },
    { "exit", SMQP_DSLAB_EXIT, 0, false },
};

const char *smqp_dslab_verb_name(smqp_dslab_verb verb)
{
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (verbs[i].verb == verb)
            return verbs[i].name;
    return NULL;
}

void smqp_dslab_parse_command(const uint8_t *buf, smqp_span line, smqp_dslab_command *c)
{
    memset(c, 0, sizeof *c);
    c->verb = SMQP_DSLAB_UNKNOWN;
    size_t end = line.off + line.len, pos = line.off;
    if (!smqp_next_word(buf, end, &pos, &c->verb_span))
        return;
    c->args = smqp_rest(buf, pos, end);
    size_t v;
    for (v = 0; v < sizeof verbs / sizeof verbs[0]; v++)
        if (smqp_span_eq(buf, c->verb_span, verbs[v].name))
            break;
    if (v == sizeof verbs / sizeof verbs[0])
        return;
    c->verb = verbs[v].verb;
    smqp_span w[2] = { { pos, 0 }, { pos, 0 } };
    unsigned got = 0;
    while (got < verbs[v].words) {
        if (verbs[v].rest && got + 1 == verbs[v].words) {
            w[got] = smqp_rest(buf, pos, end);
            pos = end;
            if (w[got].len)
                got++;
            break;
        }
        if (!smqp_next_word(buf, end, &pos, &w[got]))
            break;
        got++;
    }
    c->missing = got < verbs[v].words;
    c->extra = smqp_rest(buf, pos, end).len > 0;
    switch (c->verb) {
    case SMQP_DSLAB_EXCHANGE:
        c->exchange_type = w[0];
        c->exchange_name = w[1];
        break;
    case SMQP_DSLAB_QUEUE:
        c->queue = w[0];
        break;
    case SMQP_DSLAB_BIND:
        c->binding_key = w[0];
        break;
    case SMQP_DSLAB_PUBLISH:
        c->routing_key = w[0];
        c->message = w[1];
        break;
    default:
        break;
    }
}

smqp_dslab_exchange_type smqp_dslab_exchange_type_of(const uint8_t *buf, smqp_span s)
{
    static const char *const names[] = { "default", "direct", "fanout", "topic" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (smqp_span_eq(buf, s, names[i]))
            return (smqp_dslab_exchange_type)i;
    return SMQP_DSLAB_X_UNKNOWN;
}

bool smqp_dslab_parse_reply(const uint8_t *buf, smqp_span line, bool *ok, smqp_span *text)
{
    size_t end = line.off + line.len, pos = line.off;
    smqp_span w;
    if (!smqp_next_word(buf, end, &pos, &w) || w.off != line.off)
        return false;
    if (w.len == 2 && memcmp(buf + w.off, "ok", 2) == 0)
        *ok = true;
    else if (w.len == 5 && memcmp(buf + w.off, "error", 5) == 0)
        *ok = false;
    else
        return false;
    *text = smqp_rest(buf, pos, end);
    return true;
}

/* Splits a dot-separated key into at most max words; false when it has more. */
static bool split_words(const char *key, const char **word, size_t *len, size_t max, size_t *n)
{
    *n = 0;
    const char *p = key;
    for (;;) {
        if (*n == max)
            return false;
        const char *dot = strchr(p, '.');
        word[*n] = p;
        len[*n] = dot ? (size_t)(dot - p) : strlen(p);
        (*n)++;
        if (!dot)
            return true;
        p = dot + 1;
    }
}

static bool topic_match(const char *pattern, const char *key)
{
    const char *pw[SMQP_DSLAB_MAX_WORDS], *kw[SMQP_DSLAB_MAX_WORDS];
    size_t pl[SMQP_DSLAB_MAX_WORDS], kl[SMQP_DSLAB_MAX_WORDS], np, nk;
    if (!split_words(pattern, pw, pl, SMQP_DSLAB_MAX_WORDS, &np) ||
        !split_words(key, kw, kl, SMQP_DSLAB_MAX_WORDS, &nk))
        return false;
    /* m[i][j]: the first i pattern words match the first j key words */
    bool m[SMQP_DSLAB_MAX_WORDS + 1][SMQP_DSLAB_MAX_WORDS + 1];
    memset(m, 0, sizeof m);
    m[0][0] = true;
    for (size_t i = 1; i <= np; i++) {
        bool hash = pl[i - 1] == 1 && pw[i - 1][0] == '#';
        bool star = pl[i - 1] == 1 && pw[i - 1][0] == '*';
        m[i][0] = hash && m[i - 1][0];
        for (size_t j = 1; j <= nk; j++) {
            if (hash)
                m[i][j] = m[i - 1][j] || m[i][j - 1];
            else if (star || (pl[i - 1] == kl[j - 1] && memcmp(pw[i - 1], kw[j - 1], kl[j - 1]) == 0))
                m[i][j] = m[i - 1][j - 1];
        }
    }
    return m[np][nk];
}

bool smqp_dslab_routes(smqp_dslab_exchange_type type, const char *binding_key, const char *routing_key)
{
    switch (type) {
    case SMQP_DSLAB_X_FANOUT:
        return true;
    case SMQP_DSLAB_X_TOPIC:
        return topic_match(binding_key, routing_key);
    default:
        /* direct, and the default exchange (bound by queue name) */
        return strcmp(binding_key, routing_key) == 0;
    }
}
