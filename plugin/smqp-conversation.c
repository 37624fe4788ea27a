/* smqp-conversation.c
 * Per-connection SMQP state (see smqp-conversation.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/conversation.h>

#include "smqp-fields.h"
#include "smqp-conversation.h"

/* Commands kept waiting for a reply; older ones are given up, so a
 * one-sided capture cannot grow the list without end. */
#define SMQP_MAX_PENDING 256

/* PDUs after a resynchronisation that a later "." line can still turn
 * into continuation data; past this many the boundary is taken as sound. */
#define SMQP_MAX_TENTATIVE 32

/* One direction of the TCP connection, as the first pass walks it. */
typedef struct {
    bool synced;                /* decoded from a PDU boundary */
    bool tracked;               /* next_seq is known */
    guint32 next_seq;           /* where the next payload should start */
    bool held;                  /* TCP holds the bytes from hold_seq for a PDU */
    guint32 hold_seq;
    guint32 hold_len;           /* how many of them were seen then */
    smqp_trans *held_trans;     /* opened for the command whose message TCP
                                   holds: a reply sent before the message's
                                   end is decided (a wrong Content-Length
                                   waits for the declared bytes) answers it */
    /* PDUs decoded since the direction resynchronised, while nothing has
     * confirmed the boundary it chose: a "." line then shows they were
     * the tail of a message */
    unsigned n_tentative;
    smqp_pdu_info *tentative[SMQP_MAX_TENTATIVE];
} smqp_stream;

struct smqp_conv {
    address listen_addr;        /* the TCP listener's endpoint */
    guint32 listen_port;
    bool listener_is_server;    /* false on the callback connection */
    bool roles_settled;         /* the first PDU has confirmed the roles */
    bool suid_seen;
    bool expect_message;        /* server side: GET MESSAGE answered 2xx */
    bool auth_pending;          /* non-CLEAR LOGIN / SET LOGIN PASSWORD sent */
    bool auth_active;           /* its base64 exchange is under way */
    wmem_list_t *pending[2];    /* waiting transactions, by sender: [0] client, [1] server */
    smqp_stream stream[2];      /* by TCP sender: [0] connecting side, [1] listener */
    bool midway;                /* the capture joined the connection midway */
    bool opened[2];             /* a transaction was opened, by sender */
    guint32 session;            /* shared with the connections it announced */
    guint32 setup_frame;        /* the frame that announced this connection, or 0 */
    const char *setup_method;   /* how: "CONNECTTO", "SET NOTIFY PORT", "311 redirect" */
    smqp_drafts drafts;         /* revisions its syntax so far allows; 0: any */
    /* Draft -00 followed "200 OK" with bare data lines, and NOTIFY TOPIC /
     * SUBSCRIBERS with attribute lines, up to an empty line: what the
     * server's bare lines continue now, or NULL. */
    const smqp_form *bare_form;
    bool bare_notify;
};

/* Sessions, numbered in capture order; a connection announced by another
 * (callback, redirect) continues its session. */
static guint32 smqp_session_count;

static int hf_smqp_from_server = -1;
static int hf_smqp_request_in = -1;
static int hf_smqp_response_in = -1;
static int hf_smqp_time = -1;
static int hf_smqp_session = -1;
static int hf_smqp_setup_frame = -1;
static int hf_smqp_setup_method = -1;

static void sessions_init(void)
{
    smqp_session_count = 0;
}

void smqp_conv_register(void)
{
    static hf_register_info hf[] = {
        { &hf_smqp_from_server, { "From SMQP server", "smqp.from_server", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "SMQP role of the sender, which on the callback connection is not its TCP role", HFILL } },
        { &hf_smqp_request_in, { "Request in", "smqp.request_in", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "The command or notification this answers", HFILL } },
        { &hf_smqp_response_in, { "Response in", "smqp.response_in", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, "The final reply or acknowledgement", HFILL } },
        { &hf_smqp_time, { "Time", "smqp.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "Time from the command to its final reply", HFILL } },
        { &hf_smqp_session, { "Session", "smqp.session", FT_UINT32, BASE_DEC, NULL, 0x0,
            "SMQP session, numbered in capture order: a main connection and the callback and "
            "redirected connections it announced share the number", HFILL } },
        { &hf_smqp_setup_frame, { "Set up in", "smqp.setup_frame", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
            "The frame that announced this connection (CONNECTTO, SET NOTIFY PORT, 311)", HFILL } },
        { &hf_smqp_setup_method, { "Set up by", "smqp.setup_method", FT_STRING, BASE_NONE, NULL, 0x0,
            "How this connection was announced: CONNECTTO, SET NOTIFY PORT or 311 redirect", HFILL } },
    };
    proto_register_field_array(proto_smqp, hf, array_length(hf));
    register_init_routine(sessions_init);
}

void smqp_conv_show_from_server(proto_tree *tree, tvbuff_t *tvb, bool from_server)
{
    proto_item *gi = proto_tree_add_boolean(tree, hf_smqp_from_server, tvb, 0, 0, from_server);
    proto_item_set_generated(gi);
}

void smqp_conv_show_request(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const smqp_trans *answers)
{
    proto_item *gi = proto_tree_add_uint(tree, hf_smqp_request_in, tvb, 0, 0, answers->req_frame);
    proto_item_set_generated(gi);
    /* a command shown after its reply (its message held for bytes a
     * wrong Content-Length declared) has no time to show */
    if (nstime_cmp(&pinfo->abs_ts, &answers->req_time) < 0)
        return;
    nstime_t delta;
    nstime_delta(&delta, &pinfo->abs_ts, &answers->req_time);
    gi = proto_tree_add_time(tree, hf_smqp_time, tvb, 0, 0, &delta);
    proto_item_set_generated(gi);
}

void smqp_conv_show_response(proto_tree *tree, tvbuff_t *tvb, const smqp_trans *opens)
{
    proto_item *gi = proto_tree_add_uint(tree, hf_smqp_response_in, tvb, 0, 0, opens->rsp_frame);
    proto_item_set_generated(gi);
}

smqp_drafts smqp_conv_narrow_drafts(smqp_conv *conv, smqp_drafts seen)
{
    conv->drafts = smqp_drafts_narrow(conv->drafts, seen);
    return conv->drafts;
}

void smqp_conv_add_session(const smqp_conv *c, proto_tree *tree, tvbuff_t *tvb)
{
    proto_item *gi = proto_tree_add_uint(tree, hf_smqp_session, tvb, 0, 0, c->session);
    proto_item_set_generated(gi);
    if (!c->setup_frame)
        return;
    gi = proto_tree_add_uint(tree, hf_smqp_setup_frame, tvb, 0, 0, c->setup_frame);
    proto_item_set_generated(gi);
    gi = proto_tree_add_string(tree, hf_smqp_setup_method, tvb, 0, 0, c->setup_method);
    proto_item_set_generated(gi);
}

static smqp_conv *conv_new(void)
{
    smqp_conv *c = wmem_new0(wmem_file_scope(), smqp_conv);
    c->pending[0] = wmem_list_new(wmem_file_scope());
    c->pending[1] = wmem_list_new(wmem_file_scope());
    clear_address(&c->listen_addr);
    c->stream[0].synced = true;
    c->stream[1].synced = true;
    return c;
}

/* Before any PDU says otherwise: the well-known ports name the listener's
 * role, else the lower port is taken for the server's. */
static void guess_roles(smqp_conv *c, packet_info *pinfo)
{
    bool src_listens;
    if (pinfo->srcport == SMQP_SERVER_PORT || pinfo->destport == SMQP_SERVER_PORT) {
        src_listens = pinfo->srcport == SMQP_SERVER_PORT;
        c->listener_is_server = true;
    } else if (pinfo->srcport == SMQP_CALLBACK_PORT || pinfo->destport == SMQP_CALLBACK_PORT) {
        src_listens = pinfo->srcport == SMQP_CALLBACK_PORT;
        c->listener_is_server = false;
    } else {
        src_listens = pinfo->srcport < pinfo->destport;
        c->listener_is_server = true;
    }
    copy_address_wmem(wmem_file_scope(), &c->listen_addr, src_listens ? &pinfo->src : &pinfo->dst);
    c->listen_port = src_listens ? pinfo->srcport : pinfo->destport;
}

/* Its address, as the conversation's SMQP data, marks a conversation
 * judged not to be SMQP. */
static int not_smqp;

void smqp_conv_reject(conversation_t *conv)
{
    if (!conversation_get_proto_data(conv, proto_smqp))
        conversation_add_proto_data(conv, proto_smqp, &not_smqp);
}

bool smqp_conv_rejected(conversation_t *conv)
{
    return conversation_get_proto_data(conv, proto_smqp) == &not_smqp;
}

smqp_conv *smqp_conv_find(conversation_t *conv, packet_info *pinfo, bool create)
{
    smqp_conv *c = conversation_get_proto_data(conv, proto_smqp);
    if (c == (void *)&not_smqp)
        return NULL;
    if (!c && create) {
        c = conv_new();
        c->session = ++smqp_session_count;
        guess_roles(c, pinfo);
        conversation_add_proto_data(conv, proto_smqp, c);
    }
    return c;
}

static bool sent_by_listener(const smqp_conv *c, packet_info *pinfo)
{
    return pinfo->srcport == c->listen_port && addresses_equal(&pinfo->src, &c->listen_addr);
}

smqp_conv *smqp_conv_create_midway(conversation_t *conv, packet_info *pinfo)
{
    smqp_conv *c = smqp_conv_find(conv, pinfo, true);
    if (c) {
        c->stream[0].synced = false;
        c->stream[1].synced = false;
        c->midway = true;
    }
    return c;
}

bool smqp_conv_midway(const smqp_conv *c)
{
    return c->midway;
}

/* TCP's "SYN seen" bit of its conversation completeness. */
#define SMQP_TCP_SAW_SYN 0x01

bool smqp_conv_start_seen(conversation_t *conv, packet_info *pinfo)
{
    struct tcp_analysis *tcpd = get_tcp_conversation_data(conv, pinfo);
    return tcpd && (tcpd->conversation_completeness & SMQP_TCP_SAW_SYN);
}

bool smqp_conv_first_payload(packet_info *pinfo, const struct tcpinfo *ti)
{
    if (!ti)
        return false;
    /* TCP numbers each direction from the byte after its SYN or, without
     * one, from the first byte the capture holds: relative sequence
     * numbers start at 1, absolute ones at base_seq + 1 */
    if (ti->seq == 1)
        return true;
    struct tcp_analysis *tcpd = get_tcp_conversation_data(NULL, pinfo);
    return tcpd && ti->seq == tcpd->fwd->base_seq + 1;
}

static smqp_stream *stream_of(smqp_conv *c, packet_info *pinfo)
{
    return &c->stream[sent_by_listener(c, pinfo)];
}

guint32 smqp_conv_arrive(smqp_conv *c, packet_info *pinfo, const struct tcpinfo *ti, bool *synced)
{
    smqp_stream *s = stream_of(c, pinfo);
    *synced = s->synced;
    if (!ti)
        return 0;
    guint32 seen = 0;
    if (s->held && ti->seq == s->hold_seq)
        seen = s->hold_len;
    else if (s->held || (s->tracked && ti->seq != s->next_seq)) {
        s->synced = false;   /* lost or reordered bytes: find a boundary again */
        /* the held command is lost with its bytes */
        if (s->held_trans)
            wmem_list_remove(c->pending[smqp_conv_from_server(c, pinfo)], s->held_trans);
        s->held_trans = NULL;
    }
    s->held = false;
    *synced = s->synced;
    return seen;
}

void smqp_conv_set_synced(smqp_conv *c, packet_info *pinfo)
{
    smqp_stream *s = stream_of(c, pinfo);
    s->synced = true;
    s->n_tentative = 0;
    s->tentative[s->n_tentative++] = NULL;   /* open: no PDU yet */
}

void smqp_conv_leave(smqp_conv *c, packet_info *pinfo, const struct tcpinfo *ti, guint32 offset, guint32 total,
                     bool held)
{
    if (!ti)
        return;
    smqp_stream *s = stream_of(c, pinfo);
    s->tracked = true;
    s->next_seq = ti->seq + total;
    s->held = held;
    s->hold_seq = ti->seq + offset;
    s->hold_len = total - offset;
}

bool smqp_conv_from_server(smqp_conv *c, packet_info *pinfo)
{
    return sent_by_listener(c, pinfo) == c->listener_is_server;
}

smqp_frame_ctx smqp_conv_ctx(const smqp_conv *c, bool from_server, size_t max_body)
{
    smqp_frame_ctx ctx;
    ctx.expect_message = from_server && c->expect_message;
    ctx.auth_active = c->auth_active;
    ctx.expect_suid = from_server && !c->listener_is_server && !c->suid_seen;
    ctx.max_body = max_body;
    ctx.sender_known = c->roles_settled;
    ctx.sender_is_server = from_server;
    return ctx;
}

/* The first PDU decides who is who where the ports guessed wrong: only a
 * client sends most commands, only a server sends NOTIFY. */
static void settle_roles(smqp_conv *c, packet_info *pinfo, const smqp_frame *f)
{
    if (c->roles_settled)
        return;
    c->roles_settled = true;
    if (f->kind != SMQP_PDU_COMMAND || !f->cmd.form)
        return;
    bool sender_is_server = f->cmd.form->from_server;
    c->listener_is_server = sent_by_listener(c, pinfo) == sender_is_server;
}

static smqp_trans *open_trans(smqp_conv *c, packet_info *pinfo, bool from_server, smqp_trans_opener opener,
                              const smqp_form *form)
{
    wmem_list_t *l = c->pending[from_server];
    if (wmem_list_count(l) >= SMQP_MAX_PENDING)
        wmem_list_remove_frame(l, wmem_list_head(l));
    c->opened[from_server] = true;
    smqp_trans *t = wmem_new0(wmem_file_scope(), smqp_trans);
    t->req_frame = pinfo->num;
    t->req_time = pinfo->abs_ts;
    t->opener = opener;
    t->form = form;
    wmem_list_append(l, t);
    return t;
}

static smqp_trans *close_trans(smqp_conv *c, packet_info *pinfo, bool replier_is_server)
{
    wmem_list_t *l = c->pending[!replier_is_server];
    wmem_list_frame_t *head = wmem_list_head(l);
    if (!head)
        return NULL;
    smqp_trans *t = wmem_list_frame_data(head);
    wmem_list_remove_frame(l, head);
    t->rsp_frame = pinfo->num;
    return t;
}

/* LOGIN and SET LOGIN PASSWORD with a method other than CLEAR start a
 * base64 exchange. */
static bool starts_auth_exchange(const uint8_t *buf, const smqp_command *cmd)
{
    if (!cmd->form || (cmd->form->args != SMQP_ARGS_LOGIN && cmd->form->args != SMQP_ARGS_AUTH))
        return false;
    const smqp_item *method = smqp_find_item(&cmd->it, SMQP_I_AUTH_METHOD);
    return method && !smqp_span_eq(buf, method->span, "CLEAR");
}

static bool is_dot_line(const uint8_t *buf, const smqp_frame *f)
{
    return f->kind == SMQP_PDU_UNKNOWN && f->first.len == 1 && buf[f->first.off] == '.';
}

/* The "." line ends a message whose tail the PDUs since the boundary were:
 * they become continuation data (shown so by later passes), and the
 * transactions they opened are forgotten. */
static void retract_tentative(smqp_conv *c, smqp_stream *s, smqp_pdu_info *dot)
{
    for (unsigned k = 0; k < s->n_tentative; k++) {
        smqp_pdu_info *p = s->tentative[k];
        if (!p)
            continue;
        p->continuation = true;
        if (p->opens) {
            wmem_list_remove(c->pending[p->from_server], p->opens);
            p->opens = NULL;
        }
    }
    dot->continuation = true;
    s->n_tentative = 0;
    /* everything the direction sent since it joined was that tail */
    c->opened[dot->from_server] = false;
}

/* Follows the PDUs after a resynchronisation until the boundary is
 * confirmed (a command that opens a message, an answer from the peer, or
 * enough PDUs) or retracted (a "." line). */
static void track_tentative(smqp_conv *c, bool by_listener, const smqp_frame *f, const uint8_t *buf,
                            smqp_pdu_info *pi)
{
    smqp_stream *s = &c->stream[by_listener];
    if (f->kind == SMQP_PDU_REPLY)
        c->stream[!by_listener].n_tentative = 0;
    if (!s->n_tentative)
        return;
    if (is_dot_line(buf, f)) {
        retract_tentative(c, s, pi);
        return;
    }
    bool opens_message = f->kind == SMQP_PDU_COMMAND && f->cmd.form && f->cmd.form->body == SMQP_BODY_MESSAGE;
    if (opens_message || s->n_tentative == SMQP_MAX_TENTATIVE)
        s->n_tentative = 0;
    else
        s->tentative[s->n_tentative++] = pi;
}

static bool is_notify_attr(const uint8_t *buf, smqp_line l)
{
    smqp_items it;
    smqp_span s = { l.off, l.len };
    it.n_items = 0;
    it.problems = 0;
    return smqp_parse_notify_attr(buf, s, &it);
}

void smqp_conv_hold_command(smqp_conv *c, packet_info *pinfo, const smqp_frame *f)
{
    smqp_stream *s = stream_of(c, pinfo);
    if (s->held_trans || f->kind != SMQP_PDU_COMMAND || !f->cmd.form || !f->cmd.form->expects_reply ||
        f->cmd.form->body != SMQP_BODY_MESSAGE)
        return;
    s->held_trans = open_trans(c, pinfo, smqp_conv_from_server(c, pinfo), SMQP_T_COMMAND, f->cmd.form);
}

void smqp_conv_learn(smqp_conv *c, packet_info *pinfo, const smqp_frame *f, const uint8_t *buf,
                     const smqp_reply_summary *reply, smqp_pdu_info *pi)
{
    settle_roles(c, pinfo, f);
    bool by_listener = sent_by_listener(c, pinfo);
    bool srv = pi->from_server = by_listener == c->listener_is_server;

    if (srv && f->kind != SMQP_PDU_MESSAGE && f->kind != SMQP_PDU_EMPTY)
        c->expect_message = false;
    /* anything but a bare line (an empty one included) ends a run of them */
    if (srv && f->kind != SMQP_PDU_UNKNOWN)
        c->bare_form = NULL;

    smqp_stream *s = &c->stream[by_listener];
    smqp_trans *held = s->held_trans;
    s->held_trans = NULL;
    switch (f->kind) {
    case SMQP_PDU_COMMAND:
        if (held && held->form == f->cmd.form) {
            /* the command held for its message: shown here */
            held->req_frame = pinfo->num;
            held->req_time = pinfo->abs_ts;
            pi->opens = held;
        } else if (!f->cmd.form || f->cmd.form->expects_reply) {
            /* a command of no known form is still answered (400, 501) */
            pi->opens = open_trans(c, pinfo, srv, f->cmd.form ? SMQP_T_COMMAND : SMQP_T_UNKNOWN, f->cmd.form);
        }
        if (starts_auth_exchange(buf, &f->cmd))
            c->auth_pending = true;
        if (srv && f->cmd.form && (f->cmd.form->args == SMQP_ARGS_NOTIFY_TOPIC ||
                                   f->cmd.form->args == SMQP_ARGS_NOTIFY_SUBSCRIBERS) &&
            !smqp_find_item(&f->cmd.it, SMQP_I_CHANGE) && !smqp_find_item(&f->cmd.it, SMQP_I_COUNT)) {
            c->bare_form = f->cmd.form;
            c->bare_notify = true;
        }
        break;
    case SMQP_PDU_UNKNOWN:
        if (srv && c->bare_form) {
            pi->continues = c->bare_form;
            pi->continues_notify = c->bare_notify;
            break;
        }
        /* an "Action:" or "Count:" line says what it is even where the
         * NOTIFY before it is not in the capture */
        if (srv && is_notify_attr(buf, f->first)) {
            pi->continues_notify = true;
            break;
        }
        /* an unknown verb from the client is answered too (501) */
        if (!srv && smqp_is_verb_like(buf, f->first))
            pi->opens = open_trans(c, pinfo, srv, SMQP_T_UNKNOWN, NULL);
        break;
    case SMQP_PDU_SUID:
        /* the callback greeting is answered like a command */
        c->suid_seen = true;
        pi->opens = open_trans(c, pinfo, srv, SMQP_T_GREETING, NULL);
        break;
    case SMQP_PDU_REPLY:
        if (reply->challenge) {
            c->auth_active = c->auth_pending;
            break;
        }
        if (!reply->final)
            break;
        pi->answers = close_trans(c, pinfo, srv);
        pi->before_capture = !pi->answers && c->midway && !c->opened[!srv];
        if (srv) {
            c->auth_pending = false;
            c->auth_active = false;
        }
        if (pi->answers && pi->answers->form) {
            const smqp_form *form = pi->answers->form;
            /* two-phase acknowledgement: the client's 310/312 is itself
             * confirmed by the server's 310 */
            if (form->verb == SMQP_VERB_NOTIFY && (reply->code == 310 || reply->code == 312))
                pi->opens = open_trans(c, pinfo, srv, SMQP_T_ACK, NULL);
            if (form->reply_data == SMQP_RD_MESSAGE && reply->code / 100 == 2)
                c->expect_message = true;
            else if (srv && reply->code / 100 == 2) {
                c->bare_form = form;
                c->bare_notify = false;
            }
        }
        break;
    default:
        break;
    }
    /* the greeting of a callback connection is the server's first line;
     * after anything else none is expected (drafts before -08 had none) */
    if (srv)
        c->suid_seen = true;
    track_tentative(c, by_listener, f, buf, pi);
}

void smqp_conv_expect(const smqp_conv *announcer, packet_info *pinfo, const char *method,
                      const address *listen_addr, guint16 port, const address *peer_addr,
                      bool smqp_client_listens, dissector_handle_t handle)
{
    conversation_t *conv = find_conversation(pinfo->num, listen_addr, peer_addr, CONVERSATION_TCP,
                                             port, 0, NO_PORT_B);
    if (!conv || conversation_get_proto_data(conv, proto_smqp))
        conv = conversation_new(pinfo->num, listen_addr, peer_addr, CONVERSATION_TCP, port, 0, NO_PORT2);
    conversation_set_dissector(conv, handle);
    smqp_conv *c = conv_new();
    copy_address_wmem(wmem_file_scope(), &c->listen_addr, listen_addr);
    c->listen_port = port;
    c->listener_is_server = !smqp_client_listens;
    c->roles_settled = true;
    c->session = announcer->session;
    c->setup_frame = pinfo->num;
    c->setup_method = method;
    conversation_add_proto_data(conv, proto_smqp, c);
}
