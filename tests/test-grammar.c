/* test-grammar.c
 * Unit tests of the pure-C SMQP grammar: every command form and
 * abbreviation, values, identifiers, reply lines, the message walker and
 * the framer. Each check names what it expects; the run fails on any miss.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smqp-frame.h"
#include "smqp-message.h"
#include "smqp-dslab-rules.h"

static int failures, checks;

#define CHECK(cond, ...) do { \
    checks++; \
    if (!(cond)) { failures++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } \
} while (0)

static const uint8_t *B(const char *s) { return (const uint8_t *)s; }
static smqp_span S(const char *s) { smqp_span sp = { 0, strlen(s) }; return sp; }

/* the text of the first item of a kind, or "" */
static const char *item_text(const char *line, const smqp_items *it, smqp_item_kind kind, char *out)
{
    out[0] = 0;
    for (unsigned k = 0; k < it->n_items; k++) {
        if (it->items[k].kind == kind) {
            if (it->items[k].canon)
                return strcpy(out, it->items[k].canon);
            memcpy(out, line + it->items[k].span.off, it->items[k].span.len);
            out[it->items[k].span.len] = 0;
            return out;
        }
    }
    return out;
}

static void command(const char *line, const char *verb, const char *resource,
                    smqp_item_kind kind, const char *value)
{
    smqp_command c;
    char buf[256];
    bool ok = smqp_parse_command(B(line), S(line), &c);
    CHECK(ok && c.form, "[%s] parses as a known form", line);
    if (!ok || !c.form)
        return;
    CHECK(strcmp(smqp_verb_name(c.form->verb), verb) == 0, "[%s] verb %s", line, verb);
    CHECK((resource == NULL && c.form->resource == NULL) ||
          (resource && c.form->resource && strcmp(c.form->resource, resource) == 0),
          "[%s] resource %s, got %s", line, resource ? resource : "-", c.form->resource ? c.form->resource : "-");
    CHECK(!(c.it.problems & (SMQP_P_MISSING_ARG | SMQP_P_EXTRA_ARGS)), "[%s] arguments complete", line);
    if (value)
        CHECK(strcmp(item_text(line, &c.it, kind, buf), value) == 0, "[%s] item %d = %s, got %s", line, kind, value, buf);
}

/* The revisions a line's syntax allows: first..last, or 0,10 for any. */
static void drafts(const char *line, unsigned first, unsigned last)
{
    smqp_command c;
    bool ok = smqp_parse_command(B(line), S(line), &c);
    smqp_drafts want = (first == 0 && last == SMQP_LAST_DRAFT) ? SMQP_ANY_DRAFT : SMQP_DRAFTS(first, last);
    CHECK(ok && c.it.drafts == want, "[%s] drafts -%02u to -%02u, got mask 0x%x", line, first, last,
          ok ? c.it.drafts : 0);
}

/* Older drafts' forms, each decoded as its draft meant it, and the
 * revisions each reading records. */
static void test_older_drafts(void)
{
    char buf[256];
    smqp_command c;
    /* SET NOTIFY PORT: port alone (-00), port then address (-03..-06),
     * address then port: the values decide */
    command("SET NOTIFY PORT 721", "SET", "NOTIFY PORT", SMQP_I_PORT, "721");
    command("SET NOTIFY PORT 721 192.168.0.10", "SET", "NOTIFY PORT", SMQP_I_ADDRESS, "192.168.0.10");
    command("SET NOTIFY PORT 721 192.168.0.10", "SET", "NOTIFY PORT", SMQP_I_PORT, "721");
    command("SET NOTIFY PORT 192.168.0.5 721", "SET", "NOTIFY PORT", SMQP_I_ADDRESS, "192.168.0.5");
    drafts("SET NOTIFY PORT 721 192.168.0.10", 3, 6);
    drafts("SET NOTIFY PORT 721", 0, 7);
    /* FIND TOPIC: (keywords) and a depth, or the bare keyword list of -00..-03 */
    command("FIND TOPIC /stocks BLUE,BIG BLUE", "FIND", "TOPIC", SMQP_I_KEYWORD, "BLUE");
    const char *find = "FIND TOPIC /stocks BLUE,BIG BLUE";
    CHECK(smqp_parse_command(B(find), S(find), &c) && !smqp_find_item(&c.it, SMQP_I_DEPTH) &&
              !(c.it.problems & SMQP_P_BAD_VALUE),
          "bare keywords are no depth");
    drafts(find, 0, 3);
    command("FIND TOPIC /stocks 2", "FIND", "TOPIC", SMQP_I_DEPTH, "2");
    drafts("FIND TOPIC /stocks 2", 0, 10);
    /* PUBLISH REPLY (to -08) has the mode PUBLISH MESSAGE REPLY has */
    command("PUB REPLY /stocks/quotes/ibm CF0456", "PUBLISH", "REPLY", SMQP_I_MODE, "REPLY");
    command("PUB REPLY /stocks/quotes/ibm CF0456", "PUBLISH", "REPLY", SMQP_I_CMUID, "CF0456");
    drafts("PUB REPLY /stocks/quotes/ibm CF0456", 0, 8);
    /* REPUBLISH MESSAGE topic smuid (-00/-01), REPUB; no message follows */
    command("REPUB MESS /stocks/quotes/ibm 1809", "REPUBLISH", "MESSAGE", SMQP_I_SMUID, "1809");
    const char *repub = "REPUBLISH MESSAGE /stocks/quotes/ibm 1809";
    CHECK(smqp_parse_command(B(repub), S(repub), &c) && c.form->body == SMQP_BODY_NONE, "REPUBLISH has no body");
    drafts(repub, 0, 1);
    /* LOGIN's account form dates the client */
    drafts("LOGIN jtegen CLEAR/1.0", 0, 7);
    drafts("LOGIN jtegen/orange CLEAR/1.0", 8, 8);
    drafts("LOGIN jtegen:orange CLEAR/1.0", 9, 10);
    drafts("CONNECTTO jtegen:orange 721", 8, 10);
    drafts("ACK A004 1809", 0, 2);
    /* -00 NOTIFY TOPIC / SUB without change or count: attribute lines follow */
    command("NOTIFY TOPIC /stocks/quotes/ibm", "NOTIFY", "TOPIC", SMQP_I_TOPIC, "/stocks/quotes/ibm");
    command("NOTIFY SUB /stocks/quotes/ibm", "NOTIFY", "SUBSCRIBERS", SMQP_I_TOPIC, "/stocks/quotes/ibm");
    drafts("NOTIFY SUB /stocks/quotes/ibm", 0, 2);
    drafts("NOTIFY SUB /stocks/quotes/ibm 34", 0, 10);
    static const struct {
        const char *line;
        smqp_item_kind kind;
        const char *value;
    } attrs[] = {
        { "ACTION: RENAME /stocks/quotes/big_blue", SMQP_I_CHANGE, "RENAME" },
        { "ACTION: RENAME /stocks/quotes/big_blue", SMQP_I_TARGET, "/stocks/quotes/big_blue" },
        { "Action: DELETED", SMQP_I_CHANGE, "DELETE" },
        { "ACTION: KEYWORDS BLUE", SMQP_I_KEYWORD, "BLUE" },
        { "COUNT: 34", SMQP_I_COUNT, "34" },
    };
    for (size_t k = 0; k < sizeof attrs / sizeof attrs[0]; k++) {
        smqp_items it;
        it.n_items = 0;
        it.problems = 0;
        CHECK(smqp_parse_notify_attr(B(attrs[k].line), S(attrs[k].line), &it) &&
                  strcmp(item_text(attrs[k].line, &it, attrs[k].kind, buf), attrs[k].value) == 0,
              "notification attribute [%s]: %s", attrs[k].line, attrs[k].value);
    }
    smqp_items none;
    none.n_items = 0;
    none.problems = 0;
    CHECK(!smqp_parse_notify_attr(B("Topic: /a"), S("Topic: /a"), &none), "Topic: is no notification attribute");
    /* reply data: the one-line publish ack (-03..-07); -00's "MESSAGE /a" */
    struct {
        smqp_reply_data rd;
        const char *text;
        smqp_item_kind kind;
        const char *value;
        unsigned first, last;
    } replies[] = {
        { SMQP_RD_PUBLISH_ACK, "jtegen@smqp.net/A004 www.host.com/1809", SMQP_I_SMUID, "www.host.com/1809", 3, 7 },
        { SMQP_RD_PUBLISH_ACK, "jtegen@smqp.net/A004 www.host.com/1809", SMQP_I_CMUID, "jtegen@smqp.net/A004", 3, 7 },
        { SMQP_RD_PUBLISH_ACK, "www.host.com/1809", SMQP_I_SMUID, "www.host.com/1809", 0, 10 },
        { SMQP_RD_TOPICS, "MESSAGE /stocks/quotes/ibm", SMQP_I_TOPIC, "/stocks/quotes/ibm", 0, 10 },
        { SMQP_RD_TOPICS, "MESSAGE /stocks/quotes/ibm", SMQP_I_RESOURCE_WORD, "MESSAGE", 0, 10 },
        { SMQP_RD_TOPICS, "/news > /info/news/cnn", SMQP_I_TARGET, "/info/news/cnn", 0, 10 },
    };
    for (size_t k = 0; k < sizeof replies / sizeof replies[0]; k++) {
        smqp_items it;
        it.n_items = 0;
        it.problems = 0;
        it.drafts = SMQP_ANY_DRAFT;
        smqp_parse_reply_data(B(replies[k].text), replies[k].rd, 200, S(replies[k].text), &it);
        smqp_drafts want = replies[k].first == 0 && replies[k].last == SMQP_LAST_DRAFT
                               ? SMQP_ANY_DRAFT
                               : SMQP_DRAFTS(replies[k].first, replies[k].last);
        CHECK(strcmp(item_text(replies[k].text, &it, replies[k].kind, buf), replies[k].value) == 0 &&
                  it.drafts == want,
              "reply data [%s]: %s", replies[k].text, replies[k].value);
    }
}

/* The DSLab broker dialect: greetings, lines, routing. */
static void test_dslab(void)
{
    static const struct {
        const char *bytes;
        smqp_dslab_greeting want;
    } greets[] = {
        { "ok SMQP\n", SMQP_DSLAB_BROKER },
        { "ok SMQP\r\n", SMQP_DSLAB_BROKER },
        { "ok SDP\n", SMQP_DSLAB_NEIGHBOUR },
        { "ok LEP\r\n", SMQP_DSLAB_NEIGHBOUR },
        { "ok SM", SMQP_DSLAB_MORE },
        { "ok SMQP\r", SMQP_DSLAB_MORE },
        { "ok SMQPX\n", SMQP_DSLAB_NOT },
        { "ok\n", SMQP_DSLAB_NOT },
        { "SMQP/1.0 Ready.\r\n", SMQP_DSLAB_NOT },
        { "ok smqp\n", SMQP_DSLAB_NOT },
    };
    for (size_t k = 0; k < sizeof greets / sizeof greets[0]; k++)
        CHECK(smqp_dslab_judge_greeting(B(greets[k].bytes), strlen(greets[k].bytes)) == greets[k].want,
              "greeting [%s]", greets[k].bytes);

    smqp_dslab_command c;
    const char *pub = "publish animals.dogs.big rex the dog";
    smqp_dslab_parse_command(B(pub), S(pub), &c);
    CHECK(c.verb == SMQP_DSLAB_PUBLISH && c.routing_key.len == 16 && c.message.len == 11 && !c.missing && !c.extra,
          "publish: routing key, and the rest of the line as the message");
    const char *ex = "EXCHANGE topic news";
    smqp_dslab_parse_command(B(ex), S(ex), &c);
    CHECK(c.verb == SMQP_DSLAB_EXCHANGE && c.exchange_type.len == 5 && c.exchange_name.len == 4 &&
              smqp_dslab_exchange_type_of(B(ex), c.exchange_type) == SMQP_DSLAB_X_TOPIC,
          "exchange in upper case");
    const char *q = "queue";
    smqp_dslab_parse_command(B(q), S(q), &c);
    CHECK(c.verb == SMQP_DSLAB_QUEUE && c.missing, "queue without a name");
    const char *st = "stop now";
    smqp_dslab_parse_command(B(st), S(st), &c);
    CHECK(c.verb == SMQP_DSLAB_STOP && c.extra, "stop with an argument");
    const char *hello = "hello there";
    smqp_dslab_parse_command(B(hello), S(hello), &c);
    CHECK(c.verb == SMQP_DSLAB_UNKNOWN && c.verb_span.len == 5 && c.args.len == 5, "unknown verb kept");

    bool ok;
    smqp_span text;
    CHECK(smqp_dslab_parse_reply(B("ok"), S("ok"), &ok, &text) && ok && text.len == 0, "ok");
    CHECK(smqp_dslab_parse_reply(B("ok bye"), S("ok bye"), &ok, &text) && ok && text.len == 3, "ok bye");
    CHECK(smqp_dslab_parse_reply(B("error no queue declared"), S("error no queue declared"), &ok, &text) && !ok &&
              text.len == 17,
          "error text");
    CHECK(!smqp_dslab_parse_reply(B("okay"), S("okay"), &ok, &text), "okay is no reply");

    static const struct {
        smqp_dslab_exchange_type type;
        const char *binding, *routing;
        bool want;
    } routes[] = {
        { SMQP_DSLAB_X_DIRECT, "dogs", "dogs", true },
        { SMQP_DSLAB_X_DIRECT, "dogs", "cats", false },
        { SMQP_DSLAB_X_FANOUT, "x", "anything", true },
        { SMQP_DSLAB_X_DEFAULT, "dogsq", "dogsq", true },
        { SMQP_DSLAB_X_TOPIC, "sport.#", "sport.football.goal", true },
        { SMQP_DSLAB_X_TOPIC, "sport.#", "sport", true },
        { SMQP_DSLAB_X_TOPIC, "*.football.*", "sport.football.goal", true },
        { SMQP_DSLAB_X_TOPIC, "*.football.*", "football.goal", false },
        { SMQP_DSLAB_X_TOPIC, "#.goal", "goal", true },
        { SMQP_DSLAB_X_TOPIC, "#", "a.b.c", true },
        { SMQP_DSLAB_X_TOPIC, "a.*.c", "a.b.b.c", false },
        { SMQP_DSLAB_X_TOPIC, "a.#.c", "a.b.b.c", true },
        { SMQP_DSLAB_X_TOPIC, "animals.dogs.big", "animals.dogs.big", true },
        { SMQP_DSLAB_X_TOPIC, "animals.*", "animals", false },
    };
    for (size_t k = 0; k < sizeof routes / sizeof routes[0]; k++)
        CHECK(smqp_dslab_routes(routes[k].type, routes[k].binding, routes[k].routing) == routes[k].want,
              "route %s -> %s", routes[k].routing, routes[k].binding);
    /* a key of more words than the bound matches nothing, without overrun */
    char big[2 * SMQP_DSLAB_MAX_WORDS + 8];
    size_t n = 0;
    for (int w = 0; w <= SMQP_DSLAB_MAX_WORDS; w++) {
        big[n++] = 'a';
        big[n++] = '.';
    }
    big[n - 1] = 0;
    CHECK(!smqp_dslab_routes(SMQP_DSLAB_X_TOPIC, "#", big), "over-long topic key");
}

static void test_commands(void)
{
    command("LOGIN jtegen:orange CLEAR/1.0", "LOGIN", NULL, SMQP_I_CHANNEL, "orange");
    command("LOGIN jtegen CLEAR/1.0", "LOGIN", NULL, SMQP_I_ACCOUNT, "jtegen");
    command("LOGIN jtegen/orange KERBEROS/5.0", "LOGIN", NULL, SMQP_I_AUTH_METHOD, "KERBEROS");
    command("PASS jtegen mypasswd", "PASSWORD", NULL, SMQP_I_PASSWORD, "mypasswd");
    command("PASSWORD guest", "PASSWORD", NULL, SMQP_I_ACCOUNT, "guest");
    command("CONNECTTO jtegen:orange 721", "CONNECTTO", NULL, SMQP_I_PORT, "721");
    command("CONNECTTO jtegen:orange 10.0.0.5:7021", "CONNECTTO", NULL, SMQP_I_ADDRESS, "10.0.0.5");
    command("COUNT TOPIC /news", "COUNT", "TOPIC", SMQP_I_TOPIC, "/news");
    command("COUNT MESS /stock/quote/ibm", "COUNT", "MESSAGE", SMQP_I_TOPIC, "/stock/quote/ibm");
    command("COUNT SUB /stock/quote/ibm", "COUNT", "SUBSCRIBERS", SMQP_I_TOPIC, "/stock/quote/ibm");
    command("LIST TOPIC /", "LIST", "TOPIC", SMQP_I_TOPIC, "/");
    command("LIST MESSAGES /stocks/quotes/ibm", "LIST", "MESSAGE", SMQP_I_TOPIC, "/stocks/quotes/ibm");
    command("LIST SUB", "LIST", "SUBSCRIPTIONS", SMQP_I_TOPIC, NULL);
    command("CREATE TOPIC /stocks/ibm (IBM,STOCKS,QUOTE,BIG BLUE)", "CREATE", "TOPIC", SMQP_I_KEYWORD, "IBM");
    command("CREATE TOPIC /stocks/ibm (BIG BLUE) > /stocks/quotes/ibm", "CREATE", "TOPIC", SMQP_I_TARGET, "/stocks/quotes/ibm");
    command("REM TOPIC /stocks/quotes/ibm", "REMOVE", "TOPIC", SMQP_I_TOPIC, "/stocks/quotes/ibm");
    command("REMOVE MESS /a www.smqp.net/00202-127", "REMOVE", "MESSAGE", SMQP_I_SMUID, "www.smqp.net/00202-127");
    command("MOVE MESS /chat/news/ www.smqp.net/202-128 /chat/news/old", "MOVE", "MESSAGE", SMQP_I_TARGET, "/chat/news/old");
    command("SET TOPIC NAME /a /b", "SET", "TOPIC NAME", SMQP_I_TARGET, "/b");
    command("SET TOPIC KEYWORDS /stocks/ibm (BLUE,IBM,STOCKS)", "SET", "TOPIC KEYWORDS", SMQP_I_KEYWORD, "BLUE");
    command("SET TOPIC DELIVERY /a ONE", "SET", "TOPIC DELIVERY", SMQP_I_DELIVERY, "ONE");
    command("SET LOGIN PASS KERBEROS/4.0", "SET", "LOGIN PASSWORD", SMQP_I_AUTH_VERSION, "4.0");
    command("SET LOGIN CONTACT text/x-vcard", "SET", "LOGIN CONTACT", SMQP_I_MIME, "text/x-vcard");
    command("SET LOGIN EMAIL jayne@smqp.net", "SET", "LOGIN EMAIL", SMQP_I_VALUE, "jayne@smqp.net");
    command("SET NOTIFY SUS /news", "SET", "NOTIFY SUSPEND", SMQP_I_TOPIC, "/news");
    command("SET NOTIFY RES", "SET", "NOTIFY RESUME", SMQP_I_TOPIC, NULL);
    command("SET NOTIFY PORT 192.168.0.5 721", "SET", "NOTIFY PORT", SMQP_I_PORT, "721");
    command("FIND TOPICS /stocks/* (BLUE) 4", "FIND", "TOPIC", SMQP_I_DEPTH, "4");
    command("PUB MESSAGE /stocks/quotes/ibm A004", "PUBLISH", "MESSAGE", SMQP_I_CMUID, "A004");
    command("PUBLISH MESS reply /x CF0456", "PUBLISH", "MESSAGE", SMQP_I_MODE, "REPLY");
    command("PUBLISH MESSAGE jtegen:orange@smqp.com B1735", "PUBLISH", "MESSAGE", SMQP_I_RECIPIENT, "jtegen:orange@smqp.com");
    command("REPUBLISH MESSAGE /x 1809", "REPUBLISH", "MESSAGE", SMQP_I_TOPIC, "/x");
    command("SUB MESS ALL /stocks/news TAGS ibm,\"big blue\",chip*", "SUBSCRIBE", "MESSAGE", SMQP_I_TAG, "ibm");
    command("SUBSCRIBE MESSAGE DELETE,REPLACE /news", "SUBSCRIBE", "MESSAGE", SMQP_I_CHANGE, "DELETE");
    command("SUB MESSAGE /a SINCE D20010915T080000 UNTIL D20010916T080000Z", "SUBSCRIBE", "MESSAGE", SMQP_I_UNTIL, "D20010916T080000Z");
    command("SUBSCRIBE TOPIC RENAME,DELETE /news", "SUBSCRIBE", "TOPIC", SMQP_I_TOPIC, "/news");
    command("SUB SUB /stocks/quotes/ibm", "SUBSCRIBE", "SUBSCRIBER", SMQP_I_TOPIC, "/stocks/quotes/ibm");
    command("SUB SERVER TIMEOUT", "SUBSCRIBE", "SERVER TIMEOUT", SMQP_I_TOPIC, NULL);
    command("SUBSCRIBE SERVER BYE", "SUBSCRIBE", "SERVER BYE", SMQP_I_TOPIC, NULL);
    command("UNSUB MESSAGE *", "UNSUBSCRIBE", "MESSAGE", SMQP_I_TOPIC, "*");
    command("UNSUBSCRIBE TOPIC /a", "UNSUBSCRIBE", "TOPIC", SMQP_I_TOPIC, "/a");
    command("UNSUB SUB /a", "UNSUBSCRIBE", "SUBSCRIBER", SMQP_I_TOPIC, "/a");
    command("UNSUB SERVER TIMEOUT", "UNSUBSCRIBE", "SERVER TIMEOUT", SMQP_I_TOPIC, NULL);
    command("UNSUB *", "UNSUBSCRIBE", "*", SMQP_I_TOPIC, NULL);
    command("NOTIFY MESSAGE /stocks/quotes/ibm ADD", "NOTIFY", "MESSAGE", SMQP_I_CHANGE, "ADD");
    command("NOTIFY MESS /x DEL", "NOTIFY", "MESSAGE", SMQP_I_CHANGE, "DELETE");
    command("NOTIFY RECEIPT /x", "NOTIFY", "RECEIPT", SMQP_I_TOPIC, "/x");
    command("NOTIFY TOPIC /a REN /b", "NOTIFY", "TOPIC", SMQP_I_CHANGE, "RENAME");
    command("NOTIFY TOPIC /a KEY (BIG BLUE)", "NOTIFY", "TOPIC", SMQP_I_KEYWORD, "BIG BLUE");
    command("NOTIFY SUB /stocks/quotes/ibm 34", "NOTIFY", "SUBSCRIBERS", SMQP_I_COUNT, "34");
    command("NOTIFY SERV TIMEOUT 00:10:00", "NOTIFY", "SERVER TIMEOUT", SMQP_I_TIMEOUT, "00:10:00");
    command("NOTIFY SERVER BYE", "NOTIFY", "SERVER BYE", SMQP_I_TIMEOUT, NULL);
    command("GET MESS /stocks/quotes/ibm 1845-1890,1905", "GET", "MESSAGE", SMQP_I_SMUID, "1845-1890,1905");
    command("GET TOPIC KEY /a", "GET", "TOPIC KEYWORDS", SMQP_I_TOPIC, "/a");
    command("GET TOPIC DELIVERY /a", "GET", "TOPIC DELIVERY", SMQP_I_TOPIC, "/a");
    command("GET LOGIN CHANNEL", "GET", "LOGIN CHANNEL", SMQP_I_TOPIC, NULL);
    command("GET LOGIN CONTACT text/x-vcard jayne", "GET", "LOGIN CONTACT", SMQP_I_ACCOUNT, "jayne");
    command("noop", "NOOP", NULL, SMQP_I_TOPIC, NULL);
    command("QUIT", "QUIT", NULL, SMQP_I_TOPIC, NULL);
    command("ACK a:b@h/A1 h/17", "ACK", NULL, SMQP_I_SMUID, "h/17");

    smqp_command c;
    CHECK(!smqp_parse_command(B("HELO there"), S("HELO there"), &c), "HELO is no SMQP verb");
    CHECK(smqp_parse_command(B("GET / HTTP/1.1"), S("GET / HTTP/1.1"), &c) && !c.form &&
          (c.it.problems & SMQP_P_BAD_RESOURCE), "HTTP GET: SMQP verb, unknown resource");
    CHECK(smqp_parse_command(B("COUNT TOPIC"), S("COUNT TOPIC"), &c) && (c.it.problems & SMQP_P_MISSING_ARG),
          "COUNT TOPIC without a topic is malformed");
    CHECK(smqp_judge_line(B("GET / HTTP/1.1\r\n"), 16, 0, false) == SMQP_FIRST_NOT, "HTTP is not SMQP");
    CHECK(smqp_judge_line(B("QUIT\r\n"), 6, 0, false) == SMQP_FIRST_WEAK, "a bare QUIT is too weak for the heuristic");
    CHECK(smqp_judge_line(B("SMQP/1.0 Ready.\r\n"), 17, 0, false) == SMQP_FIRST_STRONG, "banner is SMQP");
    CHECK(smqp_judge_line(B("SUB MESSAGE /x\r\n"), 16, 0, false) == SMQP_FIRST_STRONG, "SUB MESSAGE /x is SMQP");
    CHECK(smqp_judge_line(B("SUB MESSAGE /x"), 14, 0, true) == SMQP_FIRST_STRONG, "a first segment cut mid-line");
    CHECK(smqp_judge_line(B("SUB MESS"), 8, 0, false) == SMQP_FIRST_MORE, "no whole line yet");
    CHECK(smqp_judge_line(B("200 OK\r\n"), 8, 0, false) == SMQP_FIRST_UNSURE, "a reply could be FTP's");
    CHECK(smqp_judge_line(B("226 Done\r\n"), 10, 0, false) == SMQP_FIRST_NOT, "a code SMQP does not use");
}

static void test_values(void)
{
    smqp_time t;
    CHECK(smqp_parse_datetime(B("D20010823T14451246Z"), S("D20010823T14451246Z"), &t) == SMQP_DT_OK &&
          t.secs == 998577912 && t.nsecs == 460000000, "date-time with fraction");
    CHECK(smqp_parse_datetime(B("D20010915T080000"), S("D20010915T080000"), &t) == SMQP_DT_NO_ZONE, "no Z");
    CHECK(smqp_parse_datetime(B("D15082001T083412Z"), S("D15082001T083412Z"), &t) == SMQP_DT_LEGACY_DMY,
          "draft -00 day-month-year");
    /* draft -00's own examples write the month first; the values decide */
    smqp_time t2;
    CHECK(smqp_parse_datetime(B("D08152001T08341245Z"), S("D08152001T08341245Z"), &t) == SMQP_DT_LEGACY_MDY &&
              smqp_parse_datetime(B("D20010815T08341245Z"), S("D20010815T08341245Z"), &t2) == SMQP_DT_OK &&
              t.secs == t2.secs && t.nsecs == t2.nsecs,
          "draft -00 month-day-year (its examples): the same instant as the -10 form");
    CHECK(smqp_parse_datetime(B("D03042001T000000Z"), S("D03042001T000000Z"), &t) == SMQP_DT_LEGACY_AMBIGUOUS &&
              smqp_parse_datetime(B("D20010403T000000Z"), S("D20010403T000000Z"), &t2) == SMQP_DT_OK &&
              t.secs == t2.secs,
          "year last, both orders valid: ambiguous, read day-first (3 April)");
    CHECK(smqp_parse_datetime(B("D05052001T000000Z"), S("D05052001T000000Z"), &t) == SMQP_DT_LEGACY_DMY,
          "day and month equal: no ambiguity");
    CHECK(smqp_parse_datetime(B("D13142001T000000Z"), S("D13142001T000000Z"), &t) == SMQP_DT_INVALID,
          "year last, neither order valid");
    CHECK(smqp_parse_datetime(B("D20011332T000000Z"), S("D20011332T000000Z"), &t) == SMQP_DT_INVALID, "month 13");
    CHECK(smqp_parse_datetime(B("yesterday"), S("yesterday"), &t) == SMQP_DT_INVALID, "not a date");
    CHECK(smqp_parse_timeout(B("00:01:00"), S("00:01:00"), &t) == SMQP_TIMEOUT_VALUE && t.secs == 60, "hh:mm:ss");
    CHECK(smqp_parse_timeout(B("00:24:00:00"), S("00:24:00:00"), &t) == SMQP_TIMEOUT_VALUE && t.secs == 86400,
          "days:hh:mm:ss");
    CHECK(smqp_parse_timeout(B("1:00:00:00:50"), S("1:00:00:00:50"), &t) == SMQP_TIMEOUT_VALUE &&
          t.secs == 86400 && t.nsecs == 500000000, "5 fields");
    CHECK(smqp_parse_timeout(B("INF"), S("INF"), &t) == SMQP_TIMEOUT_INFINITE, "INF");
    CHECK(smqp_parse_timeout(B("00:61:00"), S("00:61:00"), &t) == SMQP_TIMEOUT_INVALID, "61 minutes");
    CHECK(smqp_parse_timeout(B("1:2"), S("1:2"), &t) == SMQP_TIMEOUT_INVALID, "2 fields");
    uint32_t u;
    CHECK(!smqp_parse_uint(B("99999999999"), S("99999999999"), &u), "uint overflow");
    int32_t i;
    CHECK(smqp_parse_int(B("-1"), S("-1"), &i) && i == -1, "depth -1");

    smqp_uid_parts p;
    const char *cm = "jtegen:orange@smqp.net/A004(D20020815T075900Z)";
    CHECK(smqp_parse_cmuid(B(cm), S(cm), &p) && p.account.len == 6 && p.channel.len == 6 && p.uid.len == 4 &&
          p.created.len == 17, "CMUID parts");
    const char *sm = "www.host.com/8342156-1835";
    CHECK(smqp_parse_smuid(B(sm), S(sm), &p) && p.host.len == 12 && p.created.len == 0, "SMUID parts");
    /* message-id keys: the same message matched whatever the date or blanks */
    static const struct {
        const char *id;
        smqp_uid_key_kind kind;
        const char *key;        /* "" when it has none */
        const char *what;
    } keys[] = {
        { "jtegen:orange@smqp.net/A004(D20020815T075900Z)", SMQP_KEY_CMUID, "jtegen:orange@smqp.net/A004",
          "CMUID key drops the date" },
        { "jtegen:orange@host.com /A004", SMQP_KEY_CMUID, "jtegen:orange@host.com/A004",
          "CMUID key drops blanks around parts (the draft's NOTIFY example)" },
        { "jsmith@smqp.net/CF1", SMQP_KEY_CMUID, "jsmith@smqp.net/CF1", "CMUID key without a channel" },
        { "jtegen:orange@smqp.net/A004(D20020815T075900Z)", SMQP_KEY_CLIENT_UID, "A004", "client uid of a CMUID" },
        { "A004", SMQP_KEY_CLIENT_UID, "A004", "client uid as a PUBLISH line writes it" },
        { "x/y/z", SMQP_KEY_CLIENT_UID, "", "a path is no client uid" },
        { "www.host.com/8342156-1835(D20020815T075900Z)", SMQP_KEY_SMUID, "www.host.com/8342156-1835",
          "SMUID key drops the date" },
        { "www.host.com/8342156-1835", SMQP_KEY_SMUID, "www.host.com/8342156-1835",
          "SMUID key without a date is the same" },
        { "www.host.com/", SMQP_KEY_SMUID, "", "SMUID without uid has no key" },
    };
    char key[64];
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        CHECK(smqp_uid_key(B(keys[k].id), S(keys[k].id), keys[k].kind, key, sizeof key) == strlen(keys[k].key) &&
                  strcmp(key, keys[k].key) == 0,
              "%s", keys[k].what);
    const char *smd = "www.host.com/8342156-1835(D20020815T075900Z)";
    CHECK(smqp_uid_key(B(smd), S(smd), SMQP_KEY_SMUID, key, 10) == 0 && key[0] == '\0',
          "a key that does not fit is refused, not cut");
    CHECK(smqp_uid_key(B(smd), S(smd), SMQP_KEY_SMUID, key, 0) == 0, "no room at all");
    smqp_span a;
    uint16_t port;
    CHECK(smqp_parse_address_port(B("192.168.0.100:721"), S("192.168.0.100:721"), &a, &port) && port == 721 &&
          a.len == 13, "address:port");
    CHECK(smqp_parse_address_port(B("[2001:db8::1]:721"), S("[2001:db8::1]:721"), &a, &port) && port == 721 &&
          a.len == 11, "[v6]:port");
    CHECK(!smqp_parse_address_port(B("host:99999"), S("host:99999"), &a, &port), "port range");

    smqp_line l = { 0, 7, 2 };
    smqp_reply_line r;
    CHECK(smqp_parse_reply_line(B("200-OK\r\n"), (smqp_line){ 0, 6, 2 }, &r) && r.code == 200 && !r.final,
          "continuation line");
    CHECK(smqp_parse_reply_line(B("310 ACK\r\n"), l, &r) && r.final, "final line");
    CHECK(!smqp_parse_reply_line(B("2000 x\r\n"), l, &r), "four digits");
}

static size_t msg_len(const char *m)
{
    size_t need;
    return smqp_msg_length(B(m), strlen(m), 0, 1 << 20, 0, &need);
}

static unsigned msg_flags(const char *m)
{
    smqp_msg_walker w;
    smqp_msg_event ev;
    unsigned flags = 0;
    smqp_msg_walk_init(&w, 0, 1 << 20, 0);
    do {
        smqp_msg_walk_next(&w, B(m), strlen(m), &ev);
        flags |= ev.flags;
    } while (ev.kind != SMQP_ME_TERMINATOR && ev.kind != SMQP_ME_UNTERMINATED && ev.kind != SMQP_ME_NEED_MORE);
    return flags;
}

/* Header lines with no end in sight: waited for up to SMQP_MAX_UNDELIMITED
 * bytes, then taken as they are (each wait rescans them). */
static void test_undelimited_bound(void)
{
    static const char hdr[] = "X-Header: value\r\n";
    static const char cmd[] = "PUB MESS /t A1\r\n";
    size_t lines = SMQP_MAX_UNDELIMITED / (sizeof hdr - 1) + 2;
    size_t cap = sizeof cmd - 1 + lines * (sizeof hdr - 1);
    uint8_t *buf = malloc(cap);
    memcpy(buf, cmd, sizeof cmd - 1);
    for (size_t i = 0; i < lines; i++)
        memcpy(buf + sizeof cmd - 1 + i * (sizeof hdr - 1), hdr, sizeof hdr - 1);
    smqp_frame_ctx ctx = { .max_body = 16u << 20 };
    smqp_frame f;
    size_t below = sizeof cmd - 1 + (lines / 2) * (sizeof hdr - 1);
    smqp_frame_pdu(buf, below, &ctx, &f);
    CHECK(!f.complete, "128 KiB of header lines: waits for the message's end");
    smqp_frame_pdu(buf, cap, &ctx, &f);
    CHECK(f.complete && f.len > SMQP_MAX_UNDELIMITED && f.len < cap && f.len % (sizeof hdr - 1) == (sizeof cmd - 1),
          "over 256 KiB of header lines: cut at a line end past the bound, not waited for");
    size_t cut = f.len;
    smqp_frame_pdu(buf, cap - 5, &ctx, &f);
    CHECK(f.complete && f.len == cut, "the same cut with fewer bytes at hand");
    free(buf);
}

static void test_messages(void)
{
    size_t need;
    const char *good = "Created: D20010815T08341245Z\r\n\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\n"
                       "24.567\r\n.\r\nQUIT\r\n";
    CHECK(msg_len(good) == strlen(good) - 6, "message ends after the terminator");
    CHECK(msg_flags(good) == 0, "no flags on a well-formed message");
    const char *wrong = "Created: D20010815T08341245Z\r\n\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n"
                        "24.567\r\n.\r\n";
    CHECK(msg_len(wrong) == strlen(wrong), "wrong Content-Length falls back to the terminator");
    CHECK(msg_flags(wrong) & SMQP_MF_CL_MISMATCH, "mismatch flagged");
    const char *binary = "Content-Type: image/gif\r\nContent-Length: 5\r\n\r\n\r\n.\r\n\r\n.\r\n";
    CHECK(msg_len(binary) == strlen(binary) && !(msg_flags(binary) & SMQP_MF_CL_MISMATCH),
          "a '.' line inside the declared data is data when the message goes on after it (decision 2)");
    static const uint8_t gif[] = "Content-Type: image/gif\r\nContent-Length: 27\r\n\r\n"
                                 "GIF89a\x01\x00\r\n.\r\n\x00\x2c\x00\r\n.\r\nQUIT\r\n"
                                 "\r\n.\r\n";
    CHECK(smqp_msg_length(gif, sizeof gif - 1, 0, 1 << 20, 0, &need) == sizeof gif - 1,
          "a binary part holding CRLF.CRLF and a command line is exactly its Content-Length");
    const char *lookalike = "Content-Type: text/plain\r\nContent-Length: 40\r\n\r\n"
                            ".\r\nQUIT\r\n200 OK\r\nSUBSCRIBE TOPIC /y\r\n.\r\n\r\n.\r\n";
    CHECK(msg_len(lookalike) == strlen(lookalike) && msg_flags(lookalike) == 0,
          "a text part of terminator and command look-alike lines is data");
    const char *dotlast = "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nab\r\n.\r\n\r\n"
                          "Content-Type: text/plain\r\nContent-Length: 1\r\n\r\nx\r\n.\r\n";
    CHECK(msg_len(dotlast) == strlen(dotlast) && !(msg_flags(dotlast) & SMQP_MF_CL_MISMATCH),
          "a '.' line that is the declared data's last line, the message going on: the length is right");
    CHECK(smqp_msg_length(B(dotlast), 54, 0, 1 << 20, 0, &need) == 0, "which takes the line after it to tell");
    const char *toolong = "Content-Type: text/plain\r\nContent-Length: 30\r\n\r\n24.567\r\n.\r\nQUIT\r\n";
    CHECK(msg_len(toolong) == 0, "a Content-Length past the terminator waits for the declared bytes");
    const char *toolong_then = "Content-Type: text/plain\r\nContent-Length: 30\r\n\r\n24.567\r\n.\r\n"
                               "QUIT\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\n";
    CHECK(msg_len(toolong_then) == strlen(toolong_then) - 30 && (msg_flags(toolong_then) & SMQP_MF_CL_MISMATCH),
          "and, the bytes after them not continuing the message, ends at the terminator");
    smqp_msg_walker w;
    smqp_msg_walk_init(&w, 0, 1 << 20, SMQP_WALK_WHOLE);
    size_t cut_at = strlen(toolong) - 6;
    smqp_msg_event ev;
    do
        smqp_msg_walk_next(&w, B(toolong), cut_at, &ev);
    while (ev.kind != SMQP_ME_DATA && ev.kind != SMQP_ME_NEED_MORE && ev.kind != SMQP_ME_UNTERMINATED);
    CHECK(ev.kind == SMQP_ME_DATA && ev.span.len == 6 && (ev.flags & SMQP_MF_CL_MISMATCH),
          "walking a message already cut, data declared past its end is the data up to its terminator");
    const char *inside = "Content-Type: text/plain\r\nContent-Length: 8\r\n\r\n24.567\r\n.\r\n";
    CHECK(msg_len(inside) == strlen(inside) && (msg_flags(inside) & SMQP_MF_CL_MISMATCH),
          "a Content-Length ending inside the terminator");
    const char *two = "Name: x\r\n\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\n24.567\r\n\r\n"
                      "Content-Type: text/html\r\nContent-Length: 3\r\n\r\n<b>\r\n.\r\n";
    CHECK(msg_len(two) == strlen(two), "two parts");
    const char *noblank = "Created: D20010815T08032445Z\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\n"
                          "abc\r\n.\r\n";
    CHECK(msg_len(noblank) == strlen(noblank), "part starts at Content-Type without an empty line");
    const char *partial = "Content-Type: text/plain\r\nContent-Length: 100\r\n\r\nabc";
    CHECK(msg_len(partial) == 0, "waits for the declared data");
    const char *large = "Content-Type: text/plain\r\nContent-Length: 200000\r\n\r\nabc";
    CHECK(smqp_msg_length(B(large), strlen(large), 0, 1 << 20, 0, &need) == 0 &&
          need == strlen(large) - 3 + 200000 + 2 - SMQP_REQUEST_WINDOW,
          "a large part is asked for at once up to its last 64 KiB");
    CHECK(smqp_msg_length(B(partial), strlen(partial), 0, 1 << 20, 0, &need) == 0 && need == 0,
          "a small one a segment at a time, so the segment holding its end arrives whole");
    const char *unterminated = "Created: D20010815T08035345Z\r\nPriority: 1\r\n\r\nQUIT\r\n";
    CHECK(msg_len(unterminated) == strlen(unterminated) - 6, "a command ends a message sent without '.'");
    const char *bare = "Name: x\n.\n";
    CHECK(msg_len(bare) == strlen(bare) && (msg_flags(bare) & SMQP_MF_BARE_LF), "bare LF");

    smqp_frame f;
    smqp_frame_ctx ctx = { false, false, false, 1 << 20, false, false };
    const char *reply = "200-OK\r\n200-/stocks\r\n200 /weather\r\nNOOP\r\n";
    smqp_frame_pdu(B(reply), strlen(reply), &ctx, &f);
    CHECK(f.complete && f.kind == SMQP_PDU_REPLY && f.len == strlen(reply) - 6, "multi-line reply is one PDU");
    const char *challenge = "200-OK\r\n200-+ AmFYig==\r\n";
    smqp_frame_pdu(B(challenge), strlen(challenge), &ctx, &f);
    CHECK(f.complete && f.len == strlen(challenge), "a challenge line ends the reply");
    smqp_frame_pdu(B("200-OK\r\n"), 8, &ctx, &f);
    CHECK(!f.complete, "an open multi-line reply waits for more");
    ctx.auth_active = true;
    smqp_frame_pdu(B("BAcAQU5EUkVX==\r\n"), 16, &ctx, &f);
    CHECK(f.complete && f.kind == SMQP_PDU_AUTH_DATA, "base64 line during authentication");
    smqp_frame_pdu(B("NOOP\r\n"), 6, &ctx, &f);
    CHECK(f.complete && f.kind == SMQP_PDU_AUTH_DATA, "base64 that spells a verb is authentication data");
    ctx.auth_active = false;
    smqp_frame_pdu(B("200-OK\r\nQU"), 10, &ctx, &f);
    CHECK(f.complete && f.len == 8, "a reply cut short ends as soon as the next line cannot be a reply line");
    smqp_frame_pdu(B("200-OK\r\n20"), 10, &ctx, &f);
    CHECK(!f.complete, "the next line may still be a reply line");
    smqp_frame_ctx server = { false, false, false, 1 << 20, true, true };
    smqp_frame_pdu(B("LIST TOPIC /x\r\n"), 15, &server, &f);
    CHECK(f.complete && f.kind == SMQP_PDU_UNKNOWN, "a client's command from the server is no command");
    smqp_frame_pdu(B("NOTIFY TOPIC /x ADD\r\n"), 21, &server, &f);
    CHECK(f.complete && f.kind == SMQP_PDU_COMMAND, "NOTIFY from the server is one");
    server.sender_known = false;
    smqp_frame_pdu(B("LIST TOPIC /x\r\n"), 15, &server, &f);
    CHECK(f.complete && f.kind == SMQP_PDU_COMMAND, "before the roles are settled, any command is one");
    size_t sync;
    const char *tail = "0815T08341245Z\r\n\r\nSUBSCRIBE TOPIC /x\r\n.\r\nCOUNT TOPIC /y\r\n";
    CHECK(smqp_find_sync(B(tail), strlen(tail), &ctx, &sync) && sync == strlen(tail) - 16,
          "joined inside a message: decoding resumes after its '.' line");
    const char *cmds = "ic: /x\r\nCOUNT TOPIC /y\r\nPUB MESS /z A1\r\n";
    CHECK(smqp_find_sync(B(cmds), strlen(cmds), &ctx, &sync) && sync == 8, "joined mid-line: resumes at the next command");
    CHECK(!smqp_find_sync(B("xyz\r\nabc"), 8, &ctx, &sync) && sync == 5, "no boundary yet: the unfinished line is where to wait");
    const char *server_tail = "a\r\n.\r\nLIST TOPIC /a\r\n.\r\n200-x\r\n";
    server.sender_known = true;
    CHECK(smqp_find_sync(B(server_tail), strlen(server_tail), &server, &sync) && sync == strlen(server_tail) - 7,
          "from the server, a client's command after a '.' line shows that '.' was data too");
    server.sender_known = false;
    CHECK(smqp_find_sync(B(server_tail), strlen(server_tail), &server, &sync) && sync == 6,
          "roles not known yet: the same line is a boundary");
    smqp_frame_ctx client = { false, false, false, 1 << 20, true, false };
    CHECK(smqp_find_sync(B(server_tail), strlen(server_tail), &client, &sync) && sync == 6,
          "from the client it is one");
    const char *client_tail = "NOTIFY MESSAGE /x ADD\r\nQUIT\r\n";
    CHECK(smqp_find_sync(B(client_tail), strlen(client_tail), &client, &sync) && sync == 23,
          "a client never sends NOTIFY: not where its direction resumes");
    CHECK(smqp_may_begin_smqp(B("SU"), 2) && smqp_may_begin_smqp(B("SMQ"), 3) && smqp_may_begin_smqp(B("SUB MESS"), 8),
          "first segments that may begin SMQP");
    CHECK(!smqp_may_begin_smqp(B("HTTP/"), 5) && !smqp_may_begin_smqp(B("EHLO x"), 6), "ones that cannot");
    const char *contact = "SET LOGIN CONTACT text/x-vcard\r\nbegin:vcard\r\nend:vcard\r\n\r\nNOOP\r\n";
    smqp_frame_pdu(B(contact), strlen(contact), &ctx, &f);
    CHECK(f.complete && f.len == strlen(contact) - 6, "contact data runs to the empty line");
    static uint8_t big[SMQP_MAX_LINE + 10];
    memset(big, 'A', sizeof big);
    smqp_frame_pdu(big, sizeof big, &ctx, &f);
    CHECK(f.complete && f.overlong && f.len == SMQP_MAX_LINE, "an endless line is cut at SMQP_MAX_LINE, not waited for");
    smqp_frame_pdu(big, SMQP_MAX_LINE, &ctx, &f);
    CHECK(f.complete && f.len == SMQP_MAX_LINE, "the cut needs no byte after it (no PDU end at a segment edge waits)");
    smqp_frame_pdu(big, SMQP_MAX_LINE - 1, &ctx, &f);
    CHECK(!f.complete, "one byte short of the bound: waits");
    test_undelimited_bound();
}

int main(void)
{
    test_commands();
    test_older_drafts();
    test_dslab();
    test_values();
    test_messages();
    printf("%d checks, %d failures\n", checks, failures);
    return failures != 0;
}
