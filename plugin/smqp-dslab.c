/* smqp-dslab.c
 * The DSLab broker dialect of "SMQP": recognition, line dissection,
 * request/response links, and the routing model (exchanges, queues and
 * bindings of each broker, shared by all its connections) that links a
 * delivery to the publish it carries.
 *
 * Nothing in the dialect describes itself after the greeting (a delivery is
 * a bare line of any text), so the connection's state decides what a line
 * is: a server line is a reply until a "subscribe" is answered "ok", a
 * delivery from then on, and the reply to "stop" is the first "ok" after it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/to_str.h>
#include <epan/dissectors/packet-tcp.h>
#include <wsutil/str_util.h>

#include "smqp-compat.h"
#include "smqp-conversation.h"
#include "smqp-dslab.h"
#include "smqp-dslab-rules.h"

static int proto_smqp = -1;
static dissector_handle_t dslab_handle;

static int hf_dslab = -1;
static int hf_dslab_greeting = -1;
static int hf_dslab_command = -1;
static int hf_dslab_args = -1;
static int hf_dslab_exchange_type = -1;
static int hf_dslab_exchange_name = -1;
static int hf_dslab_queue = -1;
static int hf_dslab_binding_key = -1;
static int hf_dslab_routing_key = -1;
static int hf_dslab_message = -1;
static int hf_dslab_reply = -1;
static int hf_dslab_reply_status = -1;
static int hf_dslab_error = -1;
static int hf_dslab_delivery = -1;
static int hf_dslab_current_exchange = -1;
static int hf_dslab_current_queue = -1;
static int hf_dslab_delivery_publish_in = -1;
static int hf_dslab_delivery_latency = -1;
static int hf_dslab_delivery_queue = -1;
static int hf_dslab_publish_delivered_in = -1;

static int ett_dslab = -1;

static expert_field ei_dslab_error = EI_INIT;
static expert_field ei_dslab_malformed = EI_INIT;
static expert_field ei_dslab_unmatched = EI_INIT;
static expert_field ei_dslab_twice = EI_INIT;
static expert_field ei_dslab_undelivered = EI_INIT;

/* Longest line waited for; past it the line is taken as it is. */
#define DSLAB_MAX_LINE 65536

/* PDUs are numbered per frame under this key, apart from the draft's. */
#define DSLAB_PDU_KEY 0x20000000u

/* ---- the routing model ------------------------------------------------- */

typedef struct dslab_publish dslab_publish;

/* A message routed to a queue, waiting for its delivery. */
typedef struct {
    dslab_publish *publish;
    const char *queue;
    guint32 delivered_in;       /* frame, 0 while undelivered */
} dslab_entry;

struct dslab_publish {
    guint32 frame;
    nstime_t time;
    const char *message;
    bool failed;                /* the broker answered "error" */
    wmem_list_t *entries;       /* dslab_entry, one per queue it reaches */
    wmem_array_t *delivered_in; /* guint32 frames, one per delivery (twice ones too) */
};

typedef struct {
    const char *exchange;
    const char *queue;
    const char *key;
} dslab_binding;

/* One broker (server address and port): what all its connections share. */
typedef struct {
    wmem_map_t *exchanges;      /* name -> GINT_TO_POINTER(type + 1) */
    wmem_list_t *bindings;      /* dslab_binding */
    wmem_map_t *queues;         /* name -> wmem_list_t of dslab_entry */
} dslab_broker;

static wmem_map_t *brokers;     /* "address port" -> dslab_broker */
static wmem_map_t *connections; /* conversation_t -> dslab_conv */

/* ---- per connection and per PDU ---------------------------------------- */

typedef enum { PDU_GREETING, PDU_COMMAND, PDU_REPLY, PDU_DELIVERY } dslab_kind;

typedef struct {
    dslab_kind kind;
    bool from_server;
    smqp_trans *opens;          /* a client command's transaction */
    smqp_trans *answers;        /* the command a reply answers */
    const char *cur_exchange;   /* bind, publish, subscribe: the current ones */
    const char *cur_queue;
    dslab_publish *publish;     /* a publish command's routing */
    const dslab_entry *delivers;    /* a delivery's entry */
    bool twice;                 /* ... delivered to that queue already */
    const char *queue;          /* a delivery's queue */
} dslab_pdu;

/* A command waiting for its reply, with what to undo if it fails. */
typedef struct {
    smqp_trans t;
    smqp_dslab_verb verb;
    const char *prev_exchange;
    smqp_dslab_exchange_type prev_type;
    const char *prev_queue;
    dslab_binding *binding;
    dslab_publish *publish;
} dslab_pending;

typedef struct {
    address server_addr;
    guint32 server_port;
    bool greeted;
    dslab_broker *broker;
    wmem_list_t *pending;       /* dslab_pending, oldest first */
    bool subscribing;           /* "subscribe" sent, not answered yet */
    bool subscribed;            /* deliveries flow */
    bool stopping;              /* "stop" sent while subscribed */
    const char *exchange;
    smqp_dslab_exchange_type exchange_type;
    const char *queue;
} dslab_conv;

static dslab_broker *broker_of(packet_info *pinfo)
{
    char *name = wmem_strdup_printf(pinfo->pool, "%s %u", address_to_str(pinfo->pool, &pinfo->src), pinfo->srcport);
    dslab_broker *b = wmem_map_lookup(brokers, name);
    if (!b) {
        b = wmem_new0(wmem_file_scope(), dslab_broker);
        b->exchanges = wmem_map_new(wmem_file_scope(), g_str_hash, g_str_equal);
        b->bindings = wmem_list_new(wmem_file_scope());
        b->queues = wmem_map_new(wmem_file_scope(), g_str_hash, g_str_equal);
        wmem_map_insert(brokers, wmem_strdup(wmem_file_scope(), name), b);
    }
    return b;
}

static wmem_list_t *queue_entries(dslab_broker *b, const char *queue)
{
    wmem_list_t *l = wmem_map_lookup(b->queues, queue);
    if (!l) {
        l = wmem_list_new(wmem_file_scope());
        wmem_map_insert(b->queues, queue, l);
    }
    return l;
}

static char *span_str(const uint8_t *buf, smqp_span s)
{
    return wmem_strndup(wmem_file_scope(), (const char *)buf + s.off, s.len);
}

/* A queue is declared and, as the lab's brokers do, bound to the default
 * exchange by its name. */
static void declare_queue(dslab_conv *c, const char *queue)
{
    if (!wmem_map_contains(c->broker->queues, queue)) {
        queue_entries(c->broker, queue);
        dslab_binding *bd = wmem_new(wmem_file_scope(), dslab_binding);
        bd->exchange = "";      /* the default exchange has no name */
        bd->queue = queue;
        bd->key = queue;
        wmem_list_append(c->broker->bindings, bd);
    }
}

/* Routes a publish: one entry per queue that one of its bindings reaches
 * (a queue bound twice by matching keys gets the message once; a broker
 * that sends it twice shows as a delivery made twice). */
static void route(dslab_conv *c, packet_info *pinfo, dslab_publish *p, const char *routing_key)
{
    p->entries = wmem_list_new(wmem_file_scope());
    /* the default exchange, whatever its name, is the one that binds each
     * queue by its name */
    bool dflt = !c->exchange || c->exchange_type == SMQP_DSLAB_X_DEFAULT;
    const char *exchange = dflt ? "" : c->exchange;
    smqp_dslab_exchange_type type = dflt ? SMQP_DSLAB_X_DEFAULT : c->exchange_type;
    wmem_map_t *reached = wmem_map_new(pinfo->pool, g_str_hash, g_str_equal);
    for (wmem_list_frame_t *f = wmem_list_head(c->broker->bindings); f; f = wmem_list_frame_next(f)) {
        const dslab_binding *bd = wmem_list_frame_data(f);
        if (strcmp(bd->exchange, exchange) != 0 || wmem_map_contains(reached, bd->queue) ||
            !smqp_dslab_routes(type, bd->key, routing_key))
            continue;
        wmem_map_insert(reached, bd->queue, GINT_TO_POINTER(1));
        dslab_entry *e = wmem_new0(wmem_file_scope(), dslab_entry);
        e->publish = p;
        e->queue = bd->queue;
        wmem_list_append(p->entries, e);
        wmem_list_append(queue_entries(c->broker, bd->queue), e);
    }
}

/* The entry a delivery of text on queue carries: the oldest undelivered
 * one with that message, else (*twice) one already delivered. */
static dslab_entry *match_delivery(dslab_conv *c, const char *queue, const char *text, bool *twice)
{
    wmem_list_t *l = queue ? wmem_map_lookup(c->broker->queues, queue) : NULL;
    dslab_entry *again = NULL;
    *twice = false;
    if (!l)
        return NULL;
    for (wmem_list_frame_t *f = wmem_list_head(l); f; f = wmem_list_frame_next(f)) {
        dslab_entry *e = wmem_list_frame_data(f);
        if (e->publish->failed || strcmp(e->publish->message, text) != 0)
            continue;
        if (!e->delivered_in)
            return e;
        if (!again)
            again = e;
    }
    *twice = again != NULL;
    return again;
}

/* ---- first pass: what each line is -------------------------------------- */

/* One line, parsed once for what the first pass learns and what is shown:
 * a client's as a command, a server's as a reply. */
typedef struct {
    smqp_span content;          /* without the line end */
    smqp_dslab_command cmd;
    bool is_reply;              /* "ok ..." or "error ..." */
    bool ok;
    smqp_span text;             /* after "ok" or "error" */
} dslab_line;

static void learn_command(dslab_conv *c, packet_info *pinfo, const uint8_t *buf, const dslab_line *dl, dslab_pdu *pi)
{
    const smqp_dslab_command *cmd = &dl->cmd;
    pi->kind = PDU_COMMAND;
    if (c->subscribed && cmd->verb != SMQP_DSLAB_STOP)
        return;                 /* a subscribed broker ignores it */
    dslab_pending *pd = wmem_new0(wmem_file_scope(), dslab_pending);
    pd->t.req_frame = pinfo->num;
    pd->t.req_time = pinfo->abs_ts;
    pd->t.opener = SMQP_T_UNKNOWN;
    pd->verb = cmd->verb;
    pd->prev_exchange = c->exchange;
    pd->prev_type = c->exchange_type;
    pd->prev_queue = c->queue;
    pi->opens = &pd->t;
    wmem_list_append(c->pending, pd);
    if (cmd->missing)
        return;
    switch (cmd->verb) {
    case SMQP_DSLAB_EXCHANGE: {
        const char *name = span_str(buf, cmd->exchange_name);
        smqp_dslab_exchange_type type = smqp_dslab_exchange_type_of(buf, cmd->exchange_type);
        c->exchange = name;
        c->exchange_type = type;
        if (!wmem_map_contains(c->broker->exchanges, name))
            wmem_map_insert(c->broker->exchanges, name, GINT_TO_POINTER((int)type + 1));
        break;
    }
    case SMQP_DSLAB_QUEUE:
        c->queue = span_str(buf, cmd->queue);
        declare_queue(c, c->queue);
        break;
    case SMQP_DSLAB_BIND:
        pi->cur_exchange = c->exchange;
        pi->cur_queue = c->queue;
        if (c->exchange && c->queue) {
            dslab_binding *bd = wmem_new(wmem_file_scope(), dslab_binding);
            bd->exchange = c->exchange;
            bd->queue = c->queue;
            bd->key = span_str(buf, cmd->binding_key);
            wmem_list_append(c->broker->bindings, bd);
            pd->binding = bd;
        }
        break;
    case SMQP_DSLAB_PUBLISH: {
        pi->cur_exchange = c->exchange;
        pi->cur_queue = c->queue;
        dslab_publish *p = wmem_new0(wmem_file_scope(), dslab_publish);
        p->frame = pinfo->num;
        p->time = pinfo->abs_ts;
        p->message = span_str(buf, cmd->message);
        p->delivered_in = wmem_array_new(wmem_file_scope(), sizeof(guint32));
        route(c, pinfo, p, span_str(buf, cmd->routing_key));
        pi->publish = pd->publish = p;
        break;
    }
    case SMQP_DSLAB_SUBSCRIBE:
        pi->cur_exchange = c->exchange;
        pi->cur_queue = c->queue;
        c->subscribing = true;
        break;
    case SMQP_DSLAB_STOP:
        c->stopping = c->subscribed;
        break;
    default:
        break;
    }
}

/* A failed command leaves the broker as it was. */
static void undo(dslab_conv *c, dslab_pending *pd)
{
    c->exchange = pd->prev_exchange;
    c->exchange_type = pd->prev_type;
    c->queue = pd->prev_queue;
    if (pd->binding)
        wmem_list_remove(c->broker->bindings, pd->binding);
    if (pd->publish)
        pd->publish->failed = true;
    if (pd->verb == SMQP_DSLAB_SUBSCRIBE)
        c->subscribing = false;
}

static void learn_server_line(dslab_conv *c, packet_info *pinfo, const uint8_t *buf, const dslab_line *dl,
                              dslab_pdu *pi)
{
    smqp_span line = dl->content;
    bool is_reply = dl->is_reply, ok = dl->ok;
    smqp_span text = dl->text;
    if (!c->greeted) {
        c->greeted = true;
        pi->kind = PDU_GREETING;
        return;
    }
    /* while subscribed every line is a delivery, but for the "ok" that
     * answers a "stop" */
    if (c->subscribed && !(c->stopping && is_reply && ok && text.len == 0)) {
        pi->kind = PDU_DELIVERY;
        pi->queue = c->queue;
        char *msg = wmem_strndup(pinfo->pool, (const char *)buf + line.off, line.len);
        dslab_entry *e = match_delivery(c, c->queue, msg, &pi->twice);
        if (e) {
            if (!e->delivered_in)
                e->delivered_in = pinfo->num;
            wmem_array_append_one(e->publish->delivered_in, pinfo->num);
        }
        pi->delivers = e;
        return;
    }
    pi->kind = PDU_REPLY;
    wmem_list_frame_t *head = wmem_list_head(c->pending);
    if (!head)
        return;
    dslab_pending *pd = wmem_list_frame_data(head);
    wmem_list_remove_frame(c->pending, head);
    pd->t.rsp_frame = pinfo->num;
    pi->answers = &pd->t;
    if (is_reply && !ok)
        undo(c, pd);
    if (pd->verb == SMQP_DSLAB_SUBSCRIBE && is_reply && ok) {
        c->subscribing = false;
        c->subscribed = true;
    }
    if (pd->verb == SMQP_DSLAB_STOP) {
        c->subscribed = false;
        c->stopping = false;
    }
}

/* ---- display ------------------------------------------------------------- */

static void add_str(proto_tree *tree, int hf, tvbuff_t *tvb, smqp_span s)
{
    if (s.len)
        proto_tree_add_item(tree, hf, tvb, (int)s.off, (int)s.len, ENC_UTF_8);
}

static void add_generated_str(proto_tree *tree, int hf, tvbuff_t *tvb, const char *value)
{
    if (!value)
        return;
    proto_item *gi = proto_tree_add_string(tree, hf, tvb, 0, 0, value);
    proto_item_set_generated(gi);
}

static void show_command(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const uint8_t *buf,
                         const smqp_dslab_command *cmd, const dslab_pdu *pi, proto_item *item)
{
    /* the verb as a lower-case word, unknown ones too ("hello") */
    char *verb = wmem_ascii_strdown(pinfo->pool, (const char *)buf + cmd->verb_span.off, (gssize)cmd->verb_span.len);
    proto_tree_add_string(tree, hf_dslab_command, tvb, (int)cmd->verb_span.off, (int)cmd->verb_span.len, verb);
    add_str(tree, hf_dslab_args, tvb, cmd->args);
    add_str(tree, hf_dslab_exchange_type, tvb, cmd->exchange_type);
    add_str(tree, hf_dslab_exchange_name, tvb, cmd->exchange_name);
    add_str(tree, hf_dslab_queue, tvb, cmd->queue);
    add_str(tree, hf_dslab_binding_key, tvb, cmd->binding_key);
    add_str(tree, hf_dslab_routing_key, tvb, cmd->routing_key);
    add_str(tree, hf_dslab_message, tvb, cmd->message);
    if (cmd->verb == SMQP_DSLAB_BIND || cmd->verb == SMQP_DSLAB_PUBLISH || cmd->verb == SMQP_DSLAB_SUBSCRIBE) {
        add_generated_str(tree, hf_dslab_current_exchange, tvb, pi->cur_exchange);
        add_generated_str(tree, hf_dslab_current_queue, tvb, pi->cur_queue);
    }
    if (cmd->verb != SMQP_DSLAB_UNKNOWN && (cmd->missing || cmd->extra))
        expert_add_info_format(pinfo, item, &ei_dslab_malformed, "%s with %s arguments", verb,
                               cmd->missing ? "missing" : "unexpected");
    if (pi->publish) {
        for (guint k = 0; k < wmem_array_get_count(pi->publish->delivered_in); k++) {
            guint32 frame = *(guint32 *)wmem_array_index(pi->publish->delivered_in, k);
            proto_item *gi = proto_tree_add_uint(tree, hf_dslab_publish_delivered_in, tvb, 0, 0, frame);
            proto_item_set_generated(gi);
        }
        for (wmem_list_frame_t *f = wmem_list_head(pi->publish->entries); f; f = wmem_list_frame_next(f)) {
            const dslab_entry *e = wmem_list_frame_data(f);
            if (!e->delivered_in && PINFO_FD_VISITED(pinfo) && !pi->publish->failed) {
                /* only a later pass has seen the end of the capture */
                expert_add_info_format(pinfo, item, &ei_dslab_undelivered,
                                       "Routed to queue %s, not delivered by the end of the capture", e->queue);
            }
        }
    }
}

static void show_reply(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const dslab_line *dl, proto_item *item)
{
    smqp_span text = dl->text;
    add_str(tree, hf_dslab_reply, tvb, dl->content);
    if (!dl->is_reply)
        return;
    proto_tree_add_string(tree, hf_dslab_reply_status, tvb, (int)dl->content.off, dl->ok ? 2 : 5,
                          dl->ok ? "ok" : "error");
    if (!dl->ok) {
        add_str(tree, hf_dslab_error, tvb, text);
        expert_add_info_format(pinfo, item, &ei_dslab_error, "Broker error: %s",
                               tvb_format_text(pinfo->pool, tvb, (int)text.off, (int)text.len));
    }
}

static void show_delivery(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, smqp_span line, const dslab_pdu *pi,
                          proto_item *item)
{
    proto_tree_add_item(tree, hf_dslab_delivery, tvb, (int)line.off, (int)line.len, ENC_UTF_8);
    add_generated_str(tree, hf_dslab_delivery_queue, tvb, pi->queue);
    if (!pi->delivers) {
        expert_add_info_format(pinfo, item, &ei_dslab_unmatched, "Delivery on queue %s matches no publish",
                               pi->queue ? pi->queue : "(none declared)");
        return;
    }
    proto_item *gi = proto_tree_add_uint(tree, hf_dslab_delivery_publish_in, tvb, 0, 0, pi->delivers->publish->frame);
    proto_item_set_generated(gi);
    nstime_t latency;
    nstime_delta(&latency, &pinfo->abs_ts, &pi->delivers->publish->time);
    gi = proto_tree_add_time(tree, hf_dslab_delivery_latency, tvb, 0, 0, &latency);
    proto_item_set_generated(gi);
    if (pi->twice)
        expert_add_info_format(pinfo, item, &ei_dslab_twice,
                               "Message of frame %u delivered to queue %s a second time",
                               pi->delivers->publish->frame, pi->queue);
}

/* ---- the dissector --------------------------------------------------------- */

static dslab_conv *conv_of(packet_info *pinfo)
{
    return wmem_map_lookup(connections, find_or_create_conversation(pinfo));
}

/* A line of the tvb, content_len bytes before its line end (if any). */
static void dissect_line(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, dslab_conv *c, guint key, bool first,
                         size_t content_len)
{
    int len = (int)tvb_captured_length(tvb);
    const uint8_t *buf = tvb_get_ptr(tvb, 0, len);
    smqp_span line = { 0, content_len };
    dslab_pdu *pi = p_get_proto_data(wmem_file_scope(), pinfo, proto_smqp, DSLAB_PDU_KEY | key);
    bool from_server = pi ? pi->from_server
                          : addresses_equal(&pinfo->src, &c->server_addr) && pinfo->srcport == c->server_port;
    dslab_line dl;
    memset(&dl, 0, sizeof dl);
    dl.content = line;
    if (from_server)
        dl.is_reply = smqp_dslab_parse_reply(buf, line, &dl.ok, &dl.text);
    else
        smqp_dslab_parse_command(buf, line, &dl.cmd);
    if (!pi) {
        pi = wmem_new0(wmem_file_scope(), dslab_pdu);
        pi->from_server = from_server;
        if (from_server)
            learn_server_line(c, pinfo, buf, &dl, pi);
        else
            learn_command(c, pinfo, buf, &dl, pi);
        p_add_proto_data(wmem_file_scope(), pinfo, proto_smqp, DSLAB_PDU_KEY | key, pi);
    }

    proto_item *item = proto_tree_add_item(tree, proto_smqp, tvb, 0, -1, ENC_NA);
    proto_item_append_text(item, ", DSLab broker dialect");
    proto_tree *t = proto_item_add_subtree(item, ett_dslab);
    proto_item *mi = proto_tree_add_item(t, hf_dslab, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(mi);
    smqp_conv_show_from_server(t, tvb, pi->from_server);

    const char *info;
    char *text = tvb_format_text(pinfo->pool, tvb, (int)line.off, (int)line.len);
    switch (pi->kind) {
    case PDU_GREETING:
        /* "ok SMQP": the claim saw it */
        if (line.len > 3)
            proto_tree_add_item(t, hf_dslab_greeting, tvb, 3, (int)line.len - 3, ENC_ASCII);
        info = text;
        break;
    case PDU_COMMAND:
        show_command(t, tvb, pinfo, buf, &dl.cmd, pi, item);
        info = text;
        break;
    case PDU_REPLY:
        show_reply(t, tvb, pinfo, &dl, item);
        info = text;
        break;
    default:
        show_delivery(t, tvb, pinfo, line, pi, item);
        info = wmem_strdup_printf(pinfo->pool, "delivery: %s", text);
        break;
    }
    if (pi->answers)
        smqp_conv_show_request(t, tvb, pinfo, pi->answers);
    if (pi->opens && pi->opens->rsp_frame)
        smqp_conv_show_response(t, tvb, pi->opens);
    if (first)
        col_add_str(pinfo->cinfo, COL_INFO, info);
    else
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", info);
}

static int dissect_dslab(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    dslab_conv *c = conv_of(pinfo);
    if (!c)
        return 0;
    int total = (int)tvb_captured_length(tvb);
    int offset = 0;
    guint *count = p_get_proto_data(pinfo->pool, pinfo, proto_smqp, DSLAB_PDU_KEY);
    if (!count) {
        count = wmem_new0(pinfo->pool, guint);
        p_add_proto_data(pinfo->pool, pinfo, proto_smqp, DSLAB_PDU_KEY, count);
        col_set_str(pinfo->cinfo, COL_PROTOCOL, "SMQP");
    }
    while (offset < total) {
        int remaining = total - offset;
        const uint8_t *buf = tvb_get_ptr(tvb, offset, remaining);
        smqp_line l;
        int used;
        size_t content;
        if (smqp_next_line(buf, (size_t)remaining, 0, &l)) {
            used = (int)(l.len + l.eol_len);
            content = l.len;
        } else if (remaining < DSLAB_MAX_LINE && pinfo->can_desegment) {
            /* every PDU is a line: wait for its end */
            pinfo->desegment_offset = offset;
            pinfo->desegment_len = DESEGMENT_ONE_MORE_SEGMENT;
            return total;
        } else {
            used = remaining < DSLAB_MAX_LINE ? remaining : DSLAB_MAX_LINE;
            content = (size_t)used;
        }
        (*count)++;
        dissect_line(tvb_new_subset_length(tvb, offset, used), pinfo, tree, c, *count, *count == 1, content);
        offset += used;
    }
    return total;
}

int smqp_dslab_claim(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    const struct tcpinfo *ti = data;
    conversation_t *cv = find_or_create_conversation(pinfo);
    if (wmem_map_contains(connections, cv))
        return dissect_dslab(tvb, pinfo, tree, data);
    if (!smqp_conv_start_seen(cv, pinfo) || !smqp_conv_first_payload(pinfo, ti))
        return 0;
    uint8_t head[16];
    size_t n = MIN(tvb_captured_length(tvb), sizeof head);
    tvb_memcpy(tvb, head, 0, n);
    switch (smqp_dslab_judge_greeting(head, n)) {
    case SMQP_DSLAB_BROKER:
        break;
    case SMQP_DSLAB_MORE:
        if (n < sizeof head && pinfo->can_desegment) {
            pinfo->desegment_offset = 0;
            pinfo->desegment_len = DESEGMENT_ONE_MORE_SEGMENT;
            return (int)tvb_captured_length(tvb);
        }
        return 0;
    default:
        return 0;
    }
    dslab_conv *c = wmem_new0(wmem_file_scope(), dslab_conv);
    copy_address_wmem(wmem_file_scope(), &c->server_addr, &pinfo->src);
    c->server_port = pinfo->srcport;
    c->broker = broker_of(pinfo);
    c->pending = wmem_list_new(wmem_file_scope());
    wmem_map_insert(connections, cv, c);
    conversation_set_dissector(cv, dslab_handle);
    return dissect_dslab(tvb, pinfo, tree, data);
}

static smqp_ws_bool dissect_dslab_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    return smqp_dslab_claim(tvb, pinfo, tree, data) > 0;
}

void smqp_dslab_register(int proto)
{
    proto_smqp = proto;
    static hf_register_info hf[] = {
        { &hf_dslab, { "DSLab broker dialect", "smqp.dslab", FT_NONE, BASE_NONE, NULL, 0x0,
          "The connection speaks the TU Wien DSLab broker protocol (greeting \"ok SMQP\"), not the draft's SMQP",
          HFILL } },
        { &hf_dslab_greeting, { "Greeting", "smqp.dslab.greeting", FT_STRING, BASE_NONE, NULL, 0x0,
          "The word after \"ok\" in the broker's first line: SMQP", HFILL } },
        { &hf_dslab_command, { "Client command", "smqp.dslab.command", FT_STRING, BASE_NONE, NULL, 0x0,
          "The client's verb, lower case, unknown verbs included", HFILL } },
        { &hf_dslab_args, { "Command arguments", "smqp.dslab.args", FT_STRING, BASE_NONE, NULL, 0x0,
          "Everything after the verb", HFILL } },
        { &hf_dslab_exchange_type, { "Exchange type", "smqp.dslab.exchange.type", FT_STRING, BASE_NONE, NULL, 0x0,
          "Type an exchange command declares: default, direct, fanout or topic", HFILL } },
        { &hf_dslab_exchange_name, { "Exchange name", "smqp.dslab.exchange.name", FT_STRING, BASE_NONE, NULL, 0x0,
          "Name of the exchange declared or selected", HFILL } },
        { &hf_dslab_queue, { "Queue", "smqp.dslab.queue", FT_STRING, BASE_NONE, NULL, 0x0,
          "Name of the queue declared or selected", HFILL } },
        { &hf_dslab_binding_key, { "Binding key", "smqp.dslab.binding_key", FT_STRING, BASE_NONE, NULL, 0x0,
          "Key binding the current queue to the current exchange", HFILL } },
        { &hf_dslab_routing_key, { "Routing key", "smqp.dslab.routing_key", FT_STRING, BASE_NONE, NULL, 0x0,
          "Routing key of a published message", HFILL } },
        { &hf_dslab_message, { "Message", "smqp.dslab.message", FT_STRING, BASE_NONE, NULL, 0x0,
          "Text of a published message", HFILL } },
        { &hf_dslab_reply, { "Broker reply", "smqp.dslab.reply", FT_STRING, BASE_NONE, NULL, 0x0,
          "A broker's reply line, whole", HFILL } },
        { &hf_dslab_reply_status, { "Broker reply status", "smqp.dslab.reply.status", FT_STRING, BASE_NONE, NULL, 0x0,
          "ok or error", HFILL } },
        { &hf_dslab_error, { "Error", "smqp.dslab.error", FT_STRING, BASE_NONE, NULL, 0x0,
          "Text of an error reply", HFILL } },
        { &hf_dslab_delivery, { "Delivery", "smqp.dslab.delivery", FT_STRING, BASE_NONE, NULL, 0x0,
          "A message the broker pushes to a subscribed connection", HFILL } },
        { &hf_dslab_current_exchange, { "Current exchange", "smqp.dslab.current_exchange", FT_STRING, BASE_NONE,
          NULL, 0x0, "The exchange the connection last selected, which this command acts on", HFILL } },
        { &hf_dslab_current_queue, { "Current queue", "smqp.dslab.current_queue", FT_STRING, BASE_NONE,
          NULL, 0x0, "The queue the connection last selected, which this command acts on", HFILL } },
        { &hf_dslab_delivery_queue, { "Delivered from queue", "smqp.dslab.delivery.queue", FT_STRING, BASE_NONE,
          NULL, 0x0, "The queue the subscription reads", HFILL } },
        { &hf_dslab_delivery_publish_in, { "Delivery published in", "smqp.dslab.delivery.publish_in", FT_FRAMENUM,
          BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
          "The publish whose message this delivery carries, by the broker's routing", HFILL } },
        { &hf_dslab_delivery_latency, { "Delivery latency", "smqp.dslab.delivery.latency", FT_RELATIVE_TIME,
          BASE_NONE, NULL, 0x0, "Time from the publish to this delivery", HFILL } },
        { &hf_dslab_publish_delivered_in, { "Publish delivered in", "smqp.dslab.publish.delivered_in", FT_FRAMENUM,
          BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
          "A delivery of this message, one per delivery (all of them with two passes)", HFILL } },
    };
    static int *ett[] = { &ett_dslab };
    static ei_register_info ei[] = {
        { &ei_dslab_error, { "smqp.dslab.error_reply", PI_RESPONSE_CODE, PI_NOTE,
          "Broker error reply", EXPFILL } },
        { &ei_dslab_malformed, { "smqp.dslab.malformed", PI_MALFORMED, PI_WARN,
          "Command with missing or unexpected arguments", EXPFILL } },
        { &ei_dslab_unmatched, { "smqp.dslab.delivery.unmatched", PI_SEQUENCE, PI_WARN,
          "Delivery that matches no publish routed to its queue", EXPFILL } },
        { &ei_dslab_twice, { "smqp.dslab.delivery.twice", PI_SEQUENCE, PI_WARN,
          "Message delivered to one queue a second time", EXPFILL } },
        { &ei_dslab_undelivered, { "smqp.dslab.publish.undelivered", PI_SEQUENCE, PI_NOTE,
          "Message routed to a queue but not delivered by the end of the capture", EXPFILL } },
    };
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *em = expert_register_protocol(proto);
    expert_register_field_array(em, ei, array_length(ei));
    dslab_handle = create_dissector_handle(dissect_dslab, proto);
    brokers = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
    connections = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
}

void smqp_dslab_handoff(void)
{
    heur_dissector_add("tcp", dissect_dslab_heur, "DSLab broker \"SMQP\" over TCP", "smqp_dslab_tcp", proto_smqp,
                       HEURISTIC_ENABLE);
}
