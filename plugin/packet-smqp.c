/* packet-smqp.c
 * Routines for SMQP (Simple Message Queue Protocol, draft-tegen-smqp)
 * dissection: registration, the PDU loop over TCP, and the banner,
 * command and reply PDUs. Messages and contact data are in smqp-body.c,
 * connection state in smqp-conversation.c, the grammar in smqp-*.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/expert.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/dissectors/packet-tcp.h>
#include <wsutil/inet_addr.h>

#include "smqp-compat.h"
#include "packet-smqp.h"
#include "smqp-body.h"
#include "smqp-fields.h"
#include "smqp-conversation.h"
#include "smqp-delivery.h"
#include "smqp-dslab.h"
#include "smqp-frame.h"
#include "smqp-stats.h"

#define SMQP_TCP_PORTS "720-721"

static dissector_handle_t smqp_handle;

static smqp_ws_bool smqp_pref_desegment = TRUE;
static guint smqp_pref_max_body = 16 * 1024 * 1024;

static int hf_smqp_banner = -1;
static int hf_smqp_banner_version = -1;
static int hf_smqp_banner_status = -1;
static int hf_smqp_banner_ident = -1;
static int hf_smqp_command_line = -1;
static int hf_smqp_command = -1;
static int hf_smqp_resource = -1;
static int hf_smqp_args = -1;
static int hf_smqp_reply_line = -1;
static int hf_smqp_reply_code = -1;
static int hf_smqp_reply_status = -1;
static int hf_smqp_reply_class = -1;
static int hf_smqp_reply_continuation = -1;
static int hf_smqp_reply_text = -1;
static int hf_smqp_reply_command = -1;
static int hf_smqp_auth_data = -1;
static int hf_smqp_continuation = -1;
static int hf_smqp_draft = -1;
static int hf_smqp_reply_data = -1;
static int hf_smqp_notify_attr = -1;
static int hf_smqp_notify_attr_of = -1;
static int hf_smqp_draft_first = -1;
static int hf_smqp_draft_last = -1;

static expert_field ei_smqp_unknown_verb = EI_INIT;
static expert_field ei_smqp_unknown_resource = EI_INIT;
static expert_field ei_smqp_malformed_command = EI_INIT;
static expert_field ei_smqp_unknown_reply_code = EI_INIT;
static expert_field ei_smqp_unfinished_reply = EI_INIT;
static expert_field ei_smqp_no_request = EI_INIT;
static expert_field ei_smqp_no_reply = EI_INIT;
static expert_field ei_smqp_notify_unacked = EI_INIT;
static expert_field ei_smqp_clear_password = EI_INIT;
static expert_field ei_smqp_continuation = EI_INIT;

static const value_string reply_class_vals[] = {
    { 1, "Positive preliminary" },
    { 2, "Positive completion" },
    { 3, "Positive intermediate" },
    { 4, "Transient negative" },
    { 5, "Permanent negative" },
    { 0, NULL }
};

/* "PUBLISH MESSAGE", "NOOP": the canonical name of a command form. */
static const char *form_name(wmem_allocator_t *pool, const smqp_form *form)
{
    const char *verb = smqp_verb_name(form->verb);
    return form->resource ? wmem_strdup_printf(pool, "%s %s", verb, form->resource) : verb;
}

static void add_info(packet_info *pinfo, bool first, const char *text)
{
    if (first)
        col_add_str(pinfo->cinfo, COL_INFO, text);
    else
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", text);
    col_set_fence(pinfo->cinfo, COL_INFO);
}

static char *span_text(packet_info *pinfo, tvbuff_t *tvb, smqp_span s)
{
    return tvb_format_text(pinfo->pool, tvb, (int)s.off, (int)s.len);
}

/* ---- expected connections ------------------------------------------------ */

/* An address as written in SMQP text; false when it is a host name. */
static bool text_to_address(const uint8_t *buf, smqp_span s, address *addr, wmem_allocator_t *pool)
{
    char text[64];
    ws_in4_addr v4;
    ws_in6_addr v6;
    if (s.len == 0 || s.len >= sizeof text)
        return false;
    memcpy(text, buf + s.off, s.len);
    text[s.len] = '\0';
    if (ws_inet_pton4(text, &v4)) {
        alloc_address_wmem(pool, addr, AT_IPv4, 4, &v4);
        return true;
    }
    if (ws_inet_pton6(text, &v6)) {
        alloc_address_wmem(pool, addr, AT_IPv6, 16, &v6);
        return true;
    }
    return false;
}

/* CONNECTTO / SET NOTIFY PORT (the listener is the SMQP client, by
 * default at the client's own address) and 311 redirect (the listener is
 * a server, by default the replying server's address). */
static void expect_connection(const smqp_conv *conv, packet_info *pinfo, const char *method,
                              const uint8_t *buf, const smqp_items *it,
                              bool callback, const address *default_addr, const address *peer)
{
    smqp_span addr_span = { 0, 0 };
    uint32_t port = 0;
    bool have_port = false;
    for (unsigned k = 0; k < it->n_items; k++) {
        const smqp_item *item = &it->items[k];
        if (item->kind == SMQP_I_ADDRESS)
            addr_span = item->span;
        else if (item->kind == SMQP_I_PORT)
            have_port = smqp_parse_uint(buf, item->span, &port) && port > 0 && port <= 65535;
    }
    if (!have_port)
        return;
    address addr;
    if (!text_to_address(buf, addr_span, &addr, pinfo->pool))
        copy_address_shallow(&addr, default_addr);
    smqp_conv_expect(conv, pinfo, method, &addr, (guint16)port, peer, callback, smqp_handle);
}

/* ---- PDUs ---------------------------------------------------------------- */

typedef struct {
    tvbuff_t *tvb;
    packet_info *pinfo;
    proto_tree *tree;       /* the PDU's subtree */
    proto_item *item;       /* the PDU's item */
    const uint8_t *buf;     /* the PDU's bytes: buf[0] is offset 0 of tvb */
    const smqp_frame *f;
    smqp_pdu_info *pi;
    bool first_in_frame;
    smqp_conv *conv;
    smqp_drafts seen;       /* revisions the PDU's own syntax allows; 0: any */
} smqp_pdu;

static void dissect_banner(smqp_pdu *p)
{
    smqp_span version, status, ident;
    smqp_line l = p->f->first;
    smqp_parse_banner(p->buf, l, &version, &status, &ident);
    proto_item *bi = proto_tree_add_item(p->tree, hf_smqp_banner, p->tvb, (int)l.off, (int)l.len, ENC_UTF_8);
    smqp_note_eol(bi, p->pinfo, l.eol_len);
    proto_tree *bt = proto_item_add_subtree(bi, ett_smqp_line);
    proto_tree_add_item(bt, hf_smqp_banner_version, p->tvb, (int)version.off, (int)version.len, ENC_ASCII);
    if (status.len)
        proto_tree_add_item(bt, hf_smqp_banner_status, p->tvb, (int)status.off, (int)status.len, ENC_UTF_8);
    if (ident.len)
        proto_tree_add_item(bt, hf_smqp_banner_ident, p->tvb, (int)ident.off, (int)ident.len, ENC_UTF_8);
    smqp_span whole = { l.off, l.len };
    add_info(p->pinfo, p->first_in_frame, span_text(p->pinfo, p->tvb, whole));
}

/* The credentials tap: a password sent in clear (a PASSWORD line that
 * carries one), and the account and method of a login by any other
 * method. */
static void report_credential(smqp_pdu *p, const smqp_form *form, const smqp_items *it, bool clear_password)
{
    const smqp_item *account = smqp_find_item(it, SMQP_I_ACCOUNT);
    const char *name = account ? span_text(p->pinfo, p->tvb, account->span) : NULL;
    if (form->verb == SMQP_VERB_PASSWORD) {
        if (clear_password)
            smqp_stats_credential(p->pinfo, name, true, "PASSWORD in clear");
        return;
    }
    if (form->args != SMQP_ARGS_LOGIN && form->args != SMQP_ARGS_AUTH)
        return;
    const smqp_item *method = smqp_find_item(it, SMQP_I_AUTH_METHOD);
    if (!method || smqp_span_eq(p->buf, method->span, "CLEAR"))
        return;
    smqp_stats_credential(p->pinfo, name, false,
                          wmem_strdup_printf(p->pinfo->pool, "%s %s (no password in clear)", form_name(p->pinfo->pool, form),
                                             span_text(p->pinfo, p->tvb, method->span)));
}

/* First pass: a PUBLISH (any mode but RECALL, which publishes nothing) or
 * a NOTIFY MESSAGE that carries its message (ADD, REPLACE), for delivery
 * tracking. */
static void learn_delivery(smqp_pdu *p, const smqp_msg_ids *ids)
{
    const smqp_command *cmd = &p->f->cmd;
    const smqp_item *topic = smqp_find_item(&cmd->it, SMQP_I_TOPIC);
    if (!topic)
        topic = smqp_find_item(&cmd->it, SMQP_I_RECIPIENT);
    if (!topic)
        return;
    const char *name = span_text(p->pinfo, p->tvb, topic->span);
    if (cmd->form->reply_data == SMQP_RD_PUBLISH_ACK) {
        const smqp_item *mode = smqp_find_item(&cmd->it, SMQP_I_MODE);
        const smqp_item *uid = smqp_find_item(&cmd->it, SMQP_I_CMUID);
        if (uid && !(mode && mode->canon && strcmp(mode->canon, "RECALL") == 0))
            smqp_delivery_publish(p->pinfo, p->pi->opens, name, p->buf, uid->span);
    } else if (cmd->form->args == SMQP_ARGS_NOTIFY_MESSAGE) {
        const smqp_item *change = smqp_find_item(&cmd->it, SMQP_I_CHANGE);
        /* DELETE and MOVE send the header of a message already delivered */
        if (!change || !change->canon || strcmp(change->canon, "ADD") == 0 || strcmp(change->canon, "REPLACE") == 0)
            smqp_delivery_notify(p->pinfo, p->pi->opens, name, p->buf, ids);
    }
}

static void dissect_command(smqp_pdu *p)
{
    const smqp_command *cmd = &p->f->cmd;
    const smqp_form *form = cmd->form;
    smqp_line l = p->f->first;
    proto_item *li = proto_tree_add_item(p->tree, hf_smqp_command_line, p->tvb, (int)l.off, (int)l.len, ENC_UTF_8);
    smqp_note_eol(li, p->pinfo, l.eol_len);
    proto_tree *lt = proto_item_add_subtree(li, ett_smqp_line);
    const char *verb = smqp_verb_name(cmd->verb->verb);
    proto_tree_add_string(lt, hf_smqp_command, p->tvb, (int)cmd->verb_span.off, (int)cmd->verb_span.len, verb);
    if (form && form->resource)
        proto_tree_add_string(lt, hf_smqp_resource, p->tvb, (int)cmd->resource_span.off,
                              (int)cmd->resource_span.len, form->resource);
    if (cmd->args_span.len)
        proto_tree_add_item(lt, hf_smqp_args, p->tvb, (int)cmd->args_span.off, (int)cmd->args_span.len, ENC_UTF_8);
    smqp_add_items(lt, p->tvb, p->pinfo, p->buf, &cmd->it);
    p->seen = cmd->it.drafts;

    if (!form)
        expert_add_info_format(p->pinfo, li, &ei_smqp_unknown_resource, "%s with a resource SMQP does not define", verb);
    if (cmd->it.problems & (SMQP_P_MISSING_ARG | SMQP_P_EXTRA_ARGS))
        expert_add_info_format(p->pinfo, li, &ei_smqp_malformed_command, "Malformed %s: %s", verb,
                               (cmd->it.problems & SMQP_P_MISSING_ARG) ? "argument missing" : "unexpected arguments");
    if (cmd->it.problems & SMQP_P_BAD_VALUE)
        expert_add_info_format(p->pinfo, li, &ei_smqp_bad_value, "Invalid value in %s: %s", verb,
                               span_text(p->pinfo, p->tvb, cmd->it.bad));
    bool clear_password = form && form->verb == SMQP_VERB_PASSWORD && smqp_find_item(&cmd->it, SMQP_I_PASSWORD);
    if (clear_password)
        expert_add_info(p->pinfo, li, &ei_smqp_clear_password);
    if (form && smqp_stats_credentials_listening())
        report_credential(p, form, &cmd->it, clear_password);

    if (form && !PINFO_FD_VISITED(p->pinfo)) {
        if (form->args == SMQP_ARGS_CONNECTTO || form->args == SMQP_ARGS_NOTIFY_PORT)
            expect_connection(p->conv, p->pinfo, form->args == SMQP_ARGS_CONNECTTO ? "CONNECTTO" : "SET NOTIFY PORT",
                              p->buf, &cmd->it, true, &p->pinfo->src, &p->pinfo->dst);
    }

    size_t body_start = l.off + l.len + l.eol_len;
    if (form && form->body == SMQP_BODY_MESSAGE) {
        smqp_msg_ids ids;
        ids.n_smuid = ids.n_cmuid = 0;
        bool learn = !PINFO_FD_VISITED(p->pinfo) && p->pi->opens;
        smqp_msg_origin origin = { NULL, NULL, learn ? &ids : NULL };
        if (smqp_stats_exporting()) {
            const smqp_item *topic = smqp_find_item(&cmd->it, SMQP_I_TOPIC);
            const smqp_item *id = smqp_find_item(&cmd->it, SMQP_I_CMUID);
            origin.topic = topic ? span_text(p->pinfo, p->tvb, topic->span) : NULL;
            origin.id = id ? span_text(p->pinfo, p->tvb, id->span) : NULL;
        }
        smqp_dissect_message(p->tvb, p->pinfo, p->tree, p->buf, body_start, p->f->len, smqp_pref_max_body, &origin);
        if (learn)
            learn_delivery(p, &ids);
    } else if (form && form->body == SMQP_BODY_CONTACT) {
        const smqp_item *m = smqp_find_item(&cmd->it, SMQP_I_MIME);
        const char *mime = m ? (const char *)tvb_get_string_enc(p->pinfo->pool, p->tvb, (int)m->span.off,
                                                                (int)m->span.len, ENC_ASCII)
                             : NULL;
        smqp_dissect_contact(p->tvb, p->pinfo, p->tree, p->buf, body_start, p->f->len, mime);
    }

    const char *name = form ? form_name(p->pinfo->pool, form) : verb;
    add_info(p->pinfo, p->first_in_frame,
             cmd->args_span.len ? wmem_strdup_printf(p->pinfo->pool, "%s %s", name,
                                                     span_text(p->pinfo, p->tvb, cmd->args_span))
                                : name);
}

/* Code, finality and challenge of a reply PDU, from its last line. */
static void summarize_reply(const uint8_t *buf, size_t len, smqp_reply_summary *rs)
{
    smqp_line l;
    size_t q = 0;
    memset(rs, 0, sizeof *rs);
    while (smqp_next_line(buf, len, q, &l)) {
        smqp_reply_line r;
        if (smqp_parse_reply_line(buf, l, &r)) {
            rs->code = r.code;
            rs->challenge = r.text.len > 0 && buf[r.text.off] == '+';
            rs->final = r.final && !rs->challenge;
        }
        q = l.off + l.len + l.eol_len;
    }
}

static void dissect_reply(smqp_pdu *p, const smqp_reply_summary *rs)
{
    const smqp_trans *answers = p->pi->answers;
    smqp_reply_data rd = (answers && answers->form) ? answers->form->reply_data : SMQP_RD_NONE;
    smqp_line l;
    size_t q = 0;
    unsigned lines = 0;
    bool unknown_noted = false;
    smqp_reply_line first = { 0, false, { 0, 0 } };
    smqp_span ack_cmuid = { 0, 0 }, ack_smuid = { 0, 0 };

    while (q < p->f->len && smqp_next_line(p->buf, p->f->len, q, &l)) {
        smqp_reply_line r;
        q = l.off + l.len + l.eol_len;
        if (!smqp_parse_reply_line(p->buf, l, &r))
            break;
        if (lines++ == 0)
            first = r;
        proto_item *li = proto_tree_add_item(p->tree, hf_smqp_reply_line, p->tvb, (int)l.off, (int)l.len, ENC_UTF_8);
        smqp_note_eol(li, p->pinfo, l.eol_len);
        proto_tree *lt = proto_item_add_subtree(li, ett_smqp_line);
        proto_item *ci = proto_tree_add_uint(lt, hf_smqp_reply_code, p->tvb, (int)l.off, 3, r.code);
        proto_item *gi = proto_tree_add_uint(lt, hf_smqp_reply_class, p->tvb, (int)l.off, 1, r.code / 100);
        proto_item_set_generated(gi);
        gi = proto_tree_add_boolean(lt, hf_smqp_reply_continuation, p->tvb, (int)l.off + 3,
                                    l.len > 3 ? 1 : 0, !r.final);
        proto_item_set_generated(gi);
        /* once per reply, so that counting the field counts replies */
        if (r.final) {
            gi = proto_tree_add_uint(lt, hf_smqp_reply_status, p->tvb, (int)l.off, 3, r.code);
            proto_item_set_generated(gi);
        }
        if (!smqp_lookup_reply_code(r.code) && !unknown_noted) {
            expert_add_info_format(p->pinfo, ci, &ei_smqp_unknown_reply_code,
                                   "Reply code %u is not defined by the drafts", r.code);
            unknown_noted = true;
        }
        if (r.text.len)
            proto_tree_add_item(lt, hf_smqp_reply_text, p->tvb, (int)r.text.off, (int)r.text.len, ENC_UTF_8);
        if (r.text.len && p->buf[r.text.off] == '+') {
            smqp_span data = smqp_rest(p->buf, r.text.off + 1, r.text.off + r.text.len);
            if (data.len)
                proto_tree_add_item(lt, hf_smqp_auth_data, p->tvb, (int)data.off, (int)data.len, ENC_ASCII);
            continue;
        }
        smqp_items it;
        it.n_items = 0;
        it.problems = 0;
        it.drafts = SMQP_ANY_DRAFT;
        smqp_parse_reply_data(p->buf, rd, r.code, r.text, &it);
        smqp_add_items(lt, p->tvb, p->pinfo, p->buf, &it);
        p->seen = smqp_drafts_narrow(p->seen, it.drafts);
        if (rd == SMQP_RD_PUBLISH_ACK) {
            const smqp_item *id = smqp_find_item(&it, SMQP_I_CMUID);
            if (id)
                ack_cmuid = id->span;
            if ((id = smqp_find_item(&it, SMQP_I_SMUID)) != NULL)
                ack_smuid = id->span;
        }
        if (r.code == 311 && it.n_items && !PINFO_FD_VISITED(p->pinfo))
            expect_connection(p->conv, p->pinfo, "311 redirect", p->buf, &it, false, &p->pinfo->src,
                              &p->pinfo->dst);
    }
    if (lines && !rs->final && !rs->challenge && p->f->complete)
        expert_add_info(p->pinfo, p->item, &ei_smqp_unfinished_reply);
    if (answers && rs->final && !PINFO_FD_VISITED(p->pinfo)) {
        if (rs->code / 100 == 2)
            smqp_delivery_publish_ack(answers, p->buf, ack_cmuid.len ? &ack_cmuid : NULL,
                                      ack_smuid.len ? &ack_smuid : NULL);
        smqp_delivery_answer(answers, rs->code);
    }
    if (answers && answers->form) {
        proto_item *gi = proto_tree_add_string(p->tree, hf_smqp_reply_command, p->tvb, 0, 0,
                                               form_name(p->pinfo->pool, answers->form));
        proto_item_set_generated(gi);
    }

    const smqp_reply_code *rc = smqp_lookup_reply_code(first.code);
    const char *text = first.text.len ? span_text(p->pinfo, p->tvb, first.text) : (rc ? rc->name : "");
    add_info(p->pinfo, p->first_in_frame,
             lines > 1 ? wmem_strdup_printf(p->pinfo->pool, "%u %s (%u lines)", first.code, text, lines)
                       : wmem_strdup_printf(p->pinfo->pool, "%u %s", first.code, text));
}

static void dissect_auth_data(smqp_pdu *p)
{
    smqp_line l = p->f->first;
    /* a server's "+ data" challenge: the data alone, as in a reply line */
    smqp_span data = { l.off, l.len };
    if (l.len && p->buf[l.off] == '+')
        data = smqp_rest(p->buf, l.off + 1, l.off + l.len);
    proto_item *li = proto_tree_add_item(p->tree, hf_smqp_auth_data, p->tvb, (int)data.off, (int)data.len, ENC_ASCII);
    smqp_note_eol(li, p->pinfo, l.eol_len);
    add_info(p->pinfo, p->first_in_frame, "Authentication data");
}

static void dissect_suid(smqp_pdu *p)
{
    smqp_line l = p->f->first;
    smqp_item item = { SMQP_I_SUID, { l.off, l.len }, NULL };
    smqp_add_item(p->tree, p->tvb, p->pinfo, p->buf, &item);
    smqp_note_eol(p->item, p->pinfo, l.eol_len);
    add_info(p->pinfo, p->first_in_frame,
             wmem_strdup_printf(p->pinfo->pool, "SUID %s", span_text(p->pinfo, p->tvb, item.span)));
}

static void dissect_unknown(smqp_pdu *p)
{
    smqp_line l = p->f->first;
    smqp_span whole = { l.off, l.len };
    proto_item *li = proto_tree_add_item(p->tree, hf_smqp_line, p->tvb, (int)l.off, (int)l.len, ENC_UTF_8);
    smqp_note_eol(li, p->pinfo, l.eol_len);
    smqp_span word;
    size_t pos = l.off;
    if (smqp_next_word(p->buf, l.off + l.len, &pos, &word)) {
        /* a client line that reads as a verb is a command all the same
         * (it is answered, 501): its verb as sent, as FTP keeps one */
        if (!p->pi->from_server && smqp_is_verb_like(p->buf, l))
            proto_tree_add_item(proto_item_add_subtree(li, ett_smqp_line), hf_smqp_command, p->tvb, (int)word.off,
                                (int)word.len, ENC_ASCII);
        /* enough of the word to recognise it; a line can be 64 kB of it */
        bool cut = word.len > 32;
        if (cut)
            word.len = 32;
        expert_add_info_format(p->pinfo, li, &ei_smqp_unknown_verb, "No SMQP verb: %s%s",
                               span_text(p->pinfo, p->tvb, word), cut ? "…" : "");
    } else
        expert_add_info(p->pinfo, li, &ei_smqp_unknown_verb);
    add_info(p->pinfo, p->first_in_frame,
             wmem_strdup_printf(p->pinfo->pool, "Unknown: %s", span_text(p->pinfo, p->tvb, whole)));
}

/* A draft -00 server line after "200 OK" (the reply's data: a count, a
 * topic, a login attribute) or after NOTIFY TOPIC / SUBSCRIBERS (an
 * "Action:" or "Count:" attribute), up to an empty line. */
static void dissect_bare_line(smqp_pdu *p)
{
    smqp_line l = p->f->first;
    smqp_span whole = { l.off, l.len };
    bool notify = p->pi->continues_notify;
    const smqp_form *form = p->pi->continues;
    proto_item *li = proto_tree_add_item(p->tree, notify ? hf_smqp_notify_attr : hf_smqp_reply_data, p->tvb,
                                         (int)l.off, (int)l.len, ENC_UTF_8);
    smqp_note_eol(li, p->pinfo, l.eol_len);
    proto_tree *lt = proto_item_add_subtree(li, ett_smqp_line);
    smqp_items it;
    it.n_items = 0;
    it.problems = 0;
    if (notify)
        smqp_parse_notify_attr(p->buf, whole, &it);
    else
        smqp_parse_reply_data(p->buf, form->reply_data, 200, whole, &it);
    smqp_add_items(lt, p->tvb, p->pinfo, p->buf, &it);
    if (form) {
        proto_item *gi = proto_tree_add_string(p->tree, notify ? hf_smqp_notify_attr_of : hf_smqp_reply_command,
                                               p->tvb, 0, 0, form_name(p->pinfo->pool, form));
        proto_item_set_generated(gi);
    }
    p->seen = SMQP_DRAFTS(0, 2);
    add_info(p->pinfo, p->first_in_frame,
             wmem_strdup_printf(p->pinfo->pool, "%s: %s", notify ? "Notification attribute" : "Reply data",
                                span_text(p->pinfo, p->tvb, whole)));
}

/* Bytes of a PDU whose start the capture does not hold. */
static void dissect_continuation(smqp_pdu *p)
{
    proto_item *ci = proto_tree_add_item(p->tree, hf_smqp_continuation, p->tvb, 0, (int)p->f->len, ENC_NA);
    expert_add_info(p->pinfo, ci, &ei_smqp_continuation);
    add_info(p->pinfo, p->first_in_frame, "Continuation");
}

static void add_tracking(smqp_pdu *p, const smqp_reply_summary *rs)
{
    const smqp_pdu_info *pi = p->pi;
    if (pi->answers) {
        smqp_conv_show_request(p->tree, p->tvb, p->pinfo, pi->answers);
    } else if (p->f->kind == SMQP_PDU_REPLY && rs->final && !pi->before_capture) {
        expert_add_info(p->pinfo, p->item, &ei_smqp_no_request);
    }
    if (pi->opens) {
        if (pi->opens->rsp_frame) {
            smqp_conv_show_response(p->tree, p->tvb, pi->opens);
        } else if (PINFO_FD_VISITED(p->pinfo)) {
            /* only a later pass knows that no answer ever came */
            bool notify = pi->opens->form && pi->opens->form->verb == SMQP_VERB_NOTIFY;
            expert_add_info(p->pinfo, p->item, notify ? &ei_smqp_notify_unacked : &ei_smqp_no_reply);
        }
    }
    smqp_delivery_show(p->tree, p->tvb, p->pinfo, p->item, pi,
                       p->f->kind == SMQP_PDU_REPLY && rs->final ? rs->code : 0);
}

/* The revisions the connection's syntax allows, once it has shown one
 * older than -10's (so that -10 traffic reads as it always did). */
static void add_draft(smqp_pdu *p)
{
    smqp_drafts d = p->pi->drafts;
    if (!d || (d & SMQP_DRAFTS(SMQP_LAST_DRAFT, SMQP_LAST_DRAFT)))
        return;
    int first = 0, last = SMQP_LAST_DRAFT;
    while (!(d & (1u << first)))
        first++;
    while (!(d & (1u << last)))
        last--;
    const char *text = first == last ? wmem_strdup_printf(p->pinfo->pool, "-%02d", first)
                                     : wmem_strdup_printf(p->pinfo->pool, "-%02d to -%02d", first, last);
    proto_item *gi = proto_tree_add_string(p->tree, hf_smqp_draft, p->tvb, 0, 0, text);
    proto_item_set_generated(gi);
    proto_tree *dt = proto_item_add_subtree(gi, ett_smqp_line);
    gi = proto_tree_add_uint(dt, hf_smqp_draft_first, p->tvb, 0, 0, (guint32)first);
    proto_item_set_generated(gi);
    gi = proto_tree_add_uint(dt, hf_smqp_draft_last, p->tvb, 0, 0, (guint32)last);
    proto_item_set_generated(gi);
}

static void queue_tap(smqp_pdu *p, const smqp_reply_summary *rs)
{
    if (!smqp_stats_listening())
        return;
    smqp_tap_info ti;
    memset(&ti, 0, sizeof ti);
    ti.kind = p->f->kind;
    ti.from_server = p->pi->from_server;
    if (ti.kind == SMQP_PDU_COMMAND) {
        const smqp_command *cmd = &p->f->cmd;
        ti.verb = cmd->verb->verb;
        ti.form = cmd->form;
        const smqp_item *change = smqp_find_item(&cmd->it, SMQP_I_CHANGE);
        if (change)
            ti.change = span_text(p->pinfo, p->tvb, change->span);
        if (p->pi->opens) {
            ti.published = p->pi->opens->published;
            ti.delivery = p->pi->opens->delivery;
        }
    } else if (ti.kind == SMQP_PDU_REPLY) {
        ti.reply_code = rs->code;
        ti.reply_challenge = rs->challenge;
        ti.answers = p->pi->answers;
    }
    smqp_stats_queue(p->pinfo, &ti);
}

static void dissect_pdu(smqp_pdu *p, const smqp_reply_summary *rs, bool cut)
{
    const smqp_frame *f = p->f;
    smqp_conv_show_from_server(p->tree, p->tvb, p->pi->from_server);
    smqp_conv_add_session(p->conv, p->tree, p->tvb);

    switch (f->kind) {
    case SMQP_PDU_BANNER:
        dissect_banner(p);
        break;
    case SMQP_PDU_COMMAND:
        dissect_command(p);
        break;
    case SMQP_PDU_REPLY:
        dissect_reply(p, rs);
        break;
    case SMQP_PDU_MESSAGE: {
        static const smqp_msg_origin unnamed = { NULL, NULL, NULL };
        unsigned parts = smqp_dissect_message(p->tvb, p->pinfo, p->tree, p->buf, 0, f->len, smqp_pref_max_body, &unnamed);
        add_info(p->pinfo, p->first_in_frame, wmem_strdup_printf(p->pinfo->pool, "Message (%u part%s)", parts,
                                                                 parts == 1 ? "" : "s"));
        break;
    }
    case SMQP_PDU_AUTH_DATA:
        dissect_auth_data(p);
        break;
    case SMQP_PDU_SUID:
        dissect_suid(p);
        break;
    case SMQP_PDU_EMPTY:
        proto_item_append_text(p->item, ", empty line");
        smqp_note_eol(p->item, p->pinfo, f->first.eol_len);
        if (p->first_in_frame)
            add_info(p->pinfo, true, "Empty line");
        break;
    case SMQP_PDU_CONTINUATION:
        dissect_continuation(p);
        break;
    case SMQP_PDU_UNKNOWN:
        if (p->pi->continues || p->pi->continues_notify)
            dissect_bare_line(p);
        else
            dissect_unknown(p);
        break;
    }
    if (f->overlong)
        expert_add_info(p->pinfo, p->item, &ei_smqp_line_too_long);
    if (cut)
        expert_add_info(p->pinfo, p->item, &ei_smqp_incomplete);
    if (!PINFO_FD_VISITED(p->pinfo))
        p->pi->drafts = smqp_conv_narrow_drafts(p->conv, p->seen);
    add_draft(p);
    add_tracking(p, rs);
    queue_tap(p, rs);
}

/* Whether the PDUs after the first, from offset on, are all complete, as
 * far as the framer can tell without learning from the first. */
static bool rest_complete(const uint8_t *buf, size_t len, size_t offset, const smqp_frame_ctx *ctx)
{
    while (offset < len) {
        smqp_frame f;
        smqp_frame_pdu(buf + offset, len - offset, ctx, &f);
        if (!f.complete)
            return false;
        offset += f.len;
    }
    return true;
}

/* The PDU at the start of buf, as the first pass cuts it: continuation
 * bytes while the direction waits for a PDU boundary, else what the framer
 * says. False when more bytes are needed. */
static bool cut_first_pass(smqp_conv *conv, packet_info *pinfo, const uint8_t *buf, size_t len,
                           const smqp_frame_ctx *ctx, smqp_frame *f, bool *synced, bool *continuation)
{
    *continuation = false;
    if (!*synced) {
        size_t sync;
        bool found = smqp_find_sync(buf, len, ctx, &sync);
        if (found && sync == 0) {
            smqp_conv_set_synced(conv, pinfo);
            *synced = true;
        } else {
            /* up to the boundary, or to the line still unfinished */
            memset(f, 0, sizeof *f);
            f->kind = SMQP_PDU_CONTINUATION;
            f->complete = sync > 0 || len >= SMQP_MAX_LINE;
            f->len = sync > 0 ? sync : len;
            *continuation = true;
            return f->complete;
        }
    }
    smqp_frame_pdu(buf, len, ctx, f);
    return f->complete;
}

/* Marks, among the keys of a frame's PDUs, the place where the first pass
 * held the rest of the payload for a later frame. */
#define SMQP_HELD_KEY 0x40000000u

/* Notes, in the first pass, that the payload from offset is held for a
 * later frame, where the frame's PDU numbered key would have started. */
static void note_held(packet_info *pinfo, guint key, int offset)
{
    p_add_proto_data(wmem_file_scope(), pinfo, proto_smqp, SMQP_HELD_KEY | key, GUINT_TO_POINTER(offset + 1));
}

/* Where the first pass held the payload, if it did at key; else -1. */
static int held_at(packet_info *pinfo, guint key)
{
    return (int)GPOINTER_TO_UINT(p_get_proto_data(wmem_file_scope(), pinfo, proto_smqp, SMQP_HELD_KEY | key)) - 1;
}

/* Asks TCP for one more segment (or, need > 0, for the bytes up to need
 * from offset), keeping the bytes from offset. */
static int hold(packet_info *pinfo, smqp_conv *conv, const struct tcpinfo *ti, guint key, int offset, int total,
                size_t need)
{
    pinfo->desegment_offset = offset;
    pinfo->desegment_len = need > (size_t)(total - offset) ? (guint32)(need - (size_t)(total - offset))
                                                           : DESEGMENT_ONE_MORE_SEGMENT;
    if (conv) {
        smqp_conv_leave(conv, pinfo, ti, (guint32)offset, (guint32)total, true);
        note_held(pinfo, key, offset);
    }
    return total;
}

/* Cuts the TCP payload into PDUs and dissects each on a tvb of its own.
 *
 * The first pass decides where each PDU ends from the bytes alone and,
 * when they run out, asks TCP for one more segment: a PDU is shown in the
 * frame that holds its last byte, once. Later passes replay the first
 * pass's cuts, so bytes it held for reassembly are never dissected again
 * with what the end of the capture knows. */
static int dissect_smqp_pdus(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, smqp_conv *conv,
                             const struct tcpinfo *ti)
{
    int total = (int)tvb_captured_length(tvb);
    int offset = 0;
    bool visited = PINFO_FD_VISITED(pinfo);
    bool can_hold = smqp_pref_desegment && pinfo->can_desegment;
    /* PDUs are numbered per frame, across the calls TCP makes for it, so
     * later passes find what the first pass learnt about each one */
    guint *pdu_count = p_get_proto_data(pinfo->pool, pinfo, proto_smqp, 0);
    if (!pdu_count) {
        pdu_count = wmem_new0(pinfo->pool, guint);
        p_add_proto_data(pinfo->pool, pinfo, proto_smqp, 0, pdu_count);
    }
    bool synced = true;
    int passed_to = -1;
    guint32 seen = visited ? 0 : smqp_conv_arrive(conv, pinfo, ti, &synced);
    /* roles settle at a connection's first PDU; smqp_conv_learn says */
    bool from_server = !visited && smqp_conv_from_server(conv, pinfo);
    /* once per frame: TCP may call again for the rest of the segment, and
     * a data part's protocol may have added itself ("SMQP/JSON") */
    if (*pdu_count == 0)
        col_set_str(pinfo->cinfo, COL_PROTOCOL, "SMQP");

    while (offset < total) {
        int remaining = total - offset;
        const uint8_t *buf = tvb_get_ptr(tvb, offset, remaining);
        guint key = *pdu_count + 1;
        smqp_pdu_info *pi = p_get_proto_data(wmem_file_scope(), pinfo, proto_smqp, key);
        smqp_frame f;
        bool continuation = false;

        int held = -1;
        if (visited && !pi)
            held = offset == passed_to ? offset : held_at(pinfo, key);
        if (held > offset) {
            /* bytes the first pass went past, before it recognised the
             * connection, up to where it held the rest */
            pi = wmem_new0(pinfo->pool, smqp_pdu_info);
            pi->from_server = smqp_conv_from_server(conv, pinfo);
            pi->continuation = true;
            pi->len = (guint32)(held - offset);
            passed_to = held;
        } else if (visited && !pi && held < 0) {
            /* bytes the first pass never saw as SMQP (sent before the
             * connection was recognised): decoded, but nothing learnt;
             * in a connection joined midway they precede any boundary */
            pi = wmem_new0(pinfo->pool, smqp_pdu_info);
            pi->from_server = smqp_conv_from_server(conv, pinfo);
            pi->ctx = smqp_conv_ctx(conv, pi->from_server, smqp_pref_max_body);
            pi->continuation = smqp_conv_midway(conv);
            smqp_frame_pdu(buf, (size_t)remaining, &pi->ctx, &f);
            pi->len = (guint32)(f.complete && !pi->continuation ? f.len : (size_t)remaining);
            pi->cut = !f.complete && !pi->continuation;
            pi->kind = f.kind;
            pi->overlong = f.overlong;
        }
        if (visited) {
            /* the first pass held these bytes for a later frame */
            if (!pi || pi->len > (guint32)remaining)
                return can_hold ? hold(pinfo, NULL, ti, key, offset, total, 0) : total;
            continuation = pi->continuation;
            /* what the first pass cut stands (TCP may hand back exactly the
             * PDU, without the bytes after it that decided its end) */
            smqp_frame_replay(buf, pi->len, continuation ? SMQP_PDU_CONTINUATION : pi->kind, &f);
            f.overlong = pi->overlong;
            f.complete = !pi->cut;
        } else {
            smqp_pdu_info fresh;
            memset(&fresh, 0, sizeof fresh);
            fresh.from_server = from_server;
            fresh.ctx = smqp_conv_ctx(conv, fresh.from_server, smqp_pref_max_body);
            if (!cut_first_pass(conv, pinfo, buf, (size_t)remaining, &fresh.ctx, &f, &synced, &continuation)) {
                if (can_hold) {
                    if (!continuation)
                        smqp_conv_hold_command(conv, pinfo, &f);
                    return hold(pinfo, conv, ti, key, offset, total, f.need);
                }
                f.len = (size_t)remaining;
                fresh.cut = true;
            }
            /* A PDU that ends in bytes TCP already held for it (its end
             * was decided by the start of the next line) must not be shown
             * now if a PDU after it is held: TCP would hand all of them
             * back, and it would be shown twice. Hold everything instead. */
            if (offset == 0 && seen && f.len <= seen && can_hold &&
                !rest_complete(buf, (size_t)remaining, f.len, &fresh.ctx))
                return hold(pinfo, conv, ti, key, 0, total, 0);
            fresh.len = (guint32)f.len;
            fresh.continuation = continuation;
            fresh.kind = f.kind;
            fresh.overlong = f.overlong;
            pi = wmem_new(wmem_file_scope(), smqp_pdu_info);
            *pi = fresh;
        }
        smqp_reply_summary rs = { 0, false, false };
        if (f.kind == SMQP_PDU_REPLY)
            summarize_reply(buf, f.len, &rs);
        if (!visited) {
            if (!continuation) {
                smqp_conv_learn(conv, pinfo, &f, buf, f.kind == SMQP_PDU_REPLY ? &rs : NULL, pi);
                from_server = pi->from_server;
            }
            p_add_proto_data(wmem_file_scope(), pinfo, proto_smqp, key, pi);
        }
        (*pdu_count)++;

        /* most PDUs fill the payload (or the reassembled bytes) alone */
        tvbuff_t *pdu_tvb = offset == 0 && (int)f.len == total ? tvb : tvb_new_subset_length(tvb, offset, (gint)f.len);
        proto_item *ti_pdu = proto_tree_add_item(tree, proto_smqp, pdu_tvb, 0, -1, ENC_NA);
        smqp_pdu p = {
            pdu_tvb, pinfo, proto_item_add_subtree(ti_pdu, ett_smqp), ti_pdu, buf, &f, pi, key == 1, conv, SMQP_ANY_DRAFT,
        };
        dissect_pdu(&p, &rs, pi->cut);
        offset += (int)f.len;
    }
    if (!visited)
        smqp_conv_leave(conv, pinfo, ti, (guint32)total, (guint32)total, false);
    return total;
}

/* The start of the payload, copied out for the grammar, which wants bytes
 * in memory; judging the first line needs no more. */
static size_t payload_head(tvbuff_t *tvb, uint8_t *head, size_t size)
{
    size_t n = MIN(tvb_captured_length(tvb), size);
    tvb_memcpy(tvb, head, 0, n);
    return n;
}

/* On the registered ports (and under Decode As). A connection whose start
 * the capture holds is judged once, by its first payload: a banner or a
 * command claims it, a reply with an SMQP code waits for the next payload
 * (FTP and SMTP send such lines), anything else rejects it for good. A
 * connection the capture joins midway is taken, and decoded from the first
 * PDU boundary of each direction. */
static int dissect_smqp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    const struct tcpinfo *ti = data;
    conversation_t *cv = find_or_create_conversation(pinfo);
    smqp_conv *conv = smqp_conv_find(cv, pinfo, false);
    if (!conv) {
        if (smqp_conv_rejected(cv))
            return 0;
        if (smqp_conv_start_seen(cv, pinfo)) {
            /* the other "SMQP" (the DSLab broker) greets with "ok SMQP" */
            int taken = smqp_dslab_claim(tvb, pinfo, tree, data);
            if (taken)
                return taken;
            uint8_t head[SMQP_MAX_PARTIAL_FIRST];
            size_t n = payload_head(tvb, head, sizeof head);
            switch (smqp_judge_line(head, n, 0, !pinfo->can_desegment || n == sizeof head)) {
            case SMQP_FIRST_STRONG:
            case SMQP_FIRST_WEAK:
                break;
            case SMQP_FIRST_MORE:
                /* a first segment that ends mid-line: judge the whole line */
                pinfo->desegment_offset = 0;
                pinfo->desegment_len = DESEGMENT_ONE_MORE_SEGMENT;
                return (int)tvb_captured_length(tvb);
            case SMQP_FIRST_UNSURE:
                return 0;
            case SMQP_FIRST_NOT:
                smqp_conv_reject(cv);
                return 0;
            }
            conv = smqp_conv_find(cv, pinfo, true);
        } else {
            /* joined midway: taken from the first payload that holds a
             * banner or a command line, and decoded from the first PDU
             * boundary of each direction; until then the last, unfinished
             * line is kept for the next segment, since it may be that one */
            int len = (int)tvb_captured_length(tvb);
            size_t tail;
            if (!smqp_find_command_line(tvb_get_ptr(tvb, 0, len), (size_t)len, &tail)) {
                if (!smqp_pref_desegment || !pinfo->can_desegment || tail >= (size_t)len ||
                    (size_t)len - tail >= SMQP_MAX_LINE)
                    return 0;
                if (tail > 0 && !PINFO_FD_VISITED(pinfo))
                    note_held(pinfo, 1, (int)tail);
                pinfo->desegment_offset = (int)tail;
                pinfo->desegment_len = DESEGMENT_ONE_MORE_SEGMENT;
                return len;
            }
            conv = smqp_conv_create_midway(cv, pinfo);
        }
    }
    return dissect_smqp_pdus(tvb, pinfo, tree, conv, ti);
}

/* On other ports: only from the first payload of either side that the
 * capture holds, so a connection of another protocol is never taken
 * midway because one of its lines reads like SMQP. */
static smqp_ws_bool dissect_smqp_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    const struct tcpinfo *ti = data;
    uint8_t head[SMQP_MAX_PARTIAL_FIRST];
    size_t n = payload_head(tvb, head, sizeof head);
    smqp_first first = smqp_judge_line(head, n, 0, false);
    if (first == SMQP_FIRST_MORE && n < sizeof head && pinfo->can_desegment && smqp_may_begin_smqp(head, n)) {
        if (!smqp_conv_first_payload(pinfo, ti) || smqp_conv_rejected(find_or_create_conversation(pinfo)))
            return FALSE;
        /* a first segment cut inside what may be an SMQP line: judge the
         * whole line once TCP has it (the connection is not taken yet) */
        pinfo->desegment_offset = 0;
        pinfo->desegment_len = DESEGMENT_ONE_MORE_SEGMENT;
        return TRUE;
    }
    if (first == SMQP_FIRST_MORE)
        first = smqp_judge_line(head, n, 0, true);
    if (first != SMQP_FIRST_STRONG || !smqp_conv_first_payload(pinfo, ti))
        return FALSE;
    conversation_t *cv = find_or_create_conversation(pinfo);
    if (smqp_conv_rejected(cv))
        return FALSE;
    conversation_set_dissector(cv, smqp_handle);
    dissect_smqp_pdus(tvb, pinfo, tree, smqp_conv_find(cv, pinfo, true), ti);
    return TRUE;
}

/* Reply code names for the field, built from the grammar's table at
 * registration and freed when Wireshark shuts down. */
static value_string *reply_code_vals;

static void free_reply_code_vals(void)
{
    g_free(reply_code_vals);
    reply_code_vals = NULL;
}

void proto_register_smqp(void)
{
    value_string *codes = g_new0(value_string, smqp_reply_code_count + 1);
    reply_code_vals = codes;
    register_shutdown_routine(free_reply_code_vals);
    for (size_t i = 0; i < smqp_reply_code_count; i++) {
        codes[i].value = smqp_reply_codes[i].code;
        codes[i].strptr = smqp_reply_codes[i].name;
    }

    static hf_register_info hf[] = {
        { &hf_smqp_banner, { "Banner", "smqp.banner", FT_STRING, BASE_NONE, NULL, 0x0, "The server's greeting line (or the client's, on a callback connection)", HFILL } },
        { &hf_smqp_banner_version, { "Version", "smqp.banner.version", FT_STRING, BASE_NONE, NULL, 0x0, "Protocol version the banner announces, as SMQP/d.d", HFILL } },
        { &hf_smqp_banner_status, { "Banner status", "smqp.banner.status", FT_STRING, BASE_NONE, NULL, 0x0, "Word after the version, such as Ready", HFILL } },
        { &hf_smqp_banner_ident, { "Implementation", "smqp.banner.ident", FT_STRING, BASE_NONE, NULL, 0x0,
          "Server (or client) identification after the status", HFILL } },
        { &hf_smqp_command_line, { "Command", "smqp.command.line", FT_STRING, BASE_NONE, NULL, 0x0, "A whole command line as sent", HFILL } },
        { &hf_smqp_command, { "Verb", "smqp.command", FT_STRING, BASE_NONE, NULL, 0x0,
          "Canonical verb, abbreviations expanded", HFILL } },
        { &hf_smqp_resource, { "Resource", "smqp.resource", FT_STRING, BASE_NONE, NULL, 0x0,
          "Canonical resource words after the verb", HFILL } },
        { &hf_smqp_args, { "Arguments", "smqp.command.args", FT_STRING, BASE_NONE, NULL, 0x0, "Everything after the verb and resource words, as sent", HFILL } },
        { &hf_smqp_reply_line, { "Reply", "smqp.reply", FT_STRING, BASE_NONE, NULL, 0x0, "One line of a reply, NNN text or NNN-text", HFILL } },
        { &hf_smqp_reply_code, { "Code", "smqp.reply.code", FT_UINT16, BASE_DEC, NULL, 0x0, "Three-digit reply code of a reply line", HFILL } },
        { &hf_smqp_reply_status, { "Reply status", "smqp.reply.status", FT_UINT16, BASE_DEC, NULL, 0x0,
          "The reply's code, on its final line only: one per reply, however many lines it has", HFILL } },
        { &hf_smqp_reply_class, { "Class", "smqp.reply.class", FT_UINT8, BASE_DEC, VALS(reply_class_vals), 0x0,
          "First digit of the code", HFILL } },
        { &hf_smqp_reply_continuation, { "Continuation", "smqp.reply.continuation", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "NNN-text: more lines follow", HFILL } },
        { &hf_smqp_reply_text, { "Text", "smqp.reply.text", FT_STRING, BASE_NONE, NULL, 0x0, "Text after the reply code", HFILL } },
        { &hf_smqp_reply_command, { "Answers", "smqp.reply.command", FT_STRING, BASE_NONE, NULL, 0x0,
          "The command this reply answers", HFILL } },
        { &hf_smqp_auth_data, { "Authentication data", "smqp.auth.data", FT_STRING, BASE_NONE, NULL, 0x0,
          "Base64 line of a non-CLEAR authentication", HFILL } },
        { &hf_smqp_draft, { "Draft revisions", "smqp.draft", FT_STRING, BASE_NONE, NULL, 0x0,
          "The draft-tegen-smqp revisions whose syntax this connection's traffic so far follows; shown "
          "once it has used a form -10 no longer has", HFILL } },
        { &hf_smqp_reply_data, { "Reply data line", "smqp.reply.data", FT_STRING, BASE_NONE, NULL, 0x0,
          "A bare line after a 2xx reply, up to an empty line: how draft -00 sent a reply's data", HFILL } },
        { &hf_smqp_notify_attr, { "Notification attribute", "smqp.notify.attr", FT_STRING, BASE_NONE, NULL, 0x0,
          "An Action: or Count: line after NOTIFY TOPIC or SUBSCRIBERS, as draft -00 sent them", HFILL } },
        { &hf_smqp_notify_attr_of, { "Attribute of", "smqp.notify.attr_of", FT_STRING, BASE_NONE, NULL, 0x0,
          "The notification this attribute line belongs to", HFILL } },
        { &hf_smqp_draft_first, { "Earliest draft", "smqp.draft.first", FT_UINT8, BASE_DEC, NULL, 0x0,
          "Earliest draft revision (0 to 10) the connection's syntax allows", HFILL } },
        { &hf_smqp_draft_last, { "Latest draft", "smqp.draft.last", FT_UINT8, BASE_DEC, NULL, 0x0,
          "Latest draft revision (0 to 10) the connection's syntax allows", HFILL } },
        { &hf_smqp_continuation, { "Continuation data", "smqp.continuation", FT_BYTES, BASE_NONE, NULL, 0x0,
          "Bytes of a PDU that began before the capture (or before lost segments)", HFILL } },
    };

    static ei_register_info ei[] = {
        { &ei_smqp_unknown_verb, { "smqp.unknown_verb", PI_UNDECODED, PI_NOTE,
          "Line with no SMQP verb where a command or reply was expected", EXPFILL } },
        { &ei_smqp_unknown_resource, { "smqp.unknown_resource", PI_MALFORMED, PI_WARN,
          "Resource not defined for this verb", EXPFILL } },
        { &ei_smqp_malformed_command, { "smqp.malformed_command", PI_MALFORMED, PI_WARN,
          "Malformed command", EXPFILL } },
        { &ei_smqp_unknown_reply_code, { "smqp.reply.code.unknown", PI_PROTOCOL, PI_NOTE,
          "Reply code not defined by the drafts", EXPFILL } },
        { &ei_smqp_unfinished_reply, { "smqp.reply.unfinished", PI_PROTOCOL, PI_WARN,
          "Multi-line reply without its final line", EXPFILL } },
        { &ei_smqp_no_request, { "smqp.reply.no_request", PI_SEQUENCE, PI_NOTE,
          "Final reply with no command waiting for it", EXPFILL } },
        { &ei_smqp_no_reply, { "smqp.no_reply", PI_SEQUENCE, PI_NOTE,
          "No final reply to this command in the capture", EXPFILL } },
        { &ei_smqp_notify_unacked, { "smqp.notify.unacknowledged", PI_SEQUENCE, PI_WARN,
          "Notification never acknowledged", EXPFILL } },
        { &ei_smqp_clear_password, { "smqp.password.clear", PI_SECURITY, PI_CHAT,
          "Password sent in clear", EXPFILL } },
        { &ei_smqp_continuation, { "smqp.resync", PI_SEQUENCE, PI_NOTE,
          "Continuation of a PDU whose start is not in the capture; decoding resumes at the next PDU boundary",
          EXPFILL } },
    };

    for (size_t i = 0; i < array_length(hf); i++) {
        if (hf[i].p_id == &hf_smqp_reply_code || hf[i].p_id == &hf_smqp_reply_status)
            hf[i].hfinfo.strings = VALS(codes);
    }

    proto_smqp = proto_register_protocol("Simple Message Queue Protocol", "SMQP", "smqp");
    proto_register_field_array(proto_smqp, hf, array_length(hf));
    expert_module_t *em = expert_register_protocol(proto_smqp);
    expert_register_field_array(em, ei, array_length(ei));
    smqp_register_fields();
    smqp_stats_register(proto_smqp);
    smqp_conv_register();
    smqp_delivery_register(proto_smqp);
    smqp_dslab_register(proto_smqp);

    module_t *m = prefs_register_protocol(proto_smqp, NULL);
    prefs_register_bool_preference(m, "desegment",
        "Reassemble SMQP PDUs spanning multiple TCP segments",
        "Whether the SMQP dissector should reassemble commands, replies and messages spanning "
        "multiple TCP segments. To use this option, you must also enable \"Allow subdissectors "
        "to reassemble TCP streams\" in the TCP protocol settings.",
        &smqp_pref_desegment);
    smqp_body_register(proto_smqp, m);
    prefs_register_uint_preference(m, "max_body",
        "Largest Content-Length to reassemble (bytes)",
        "A data part declaring more than this is not waited for; the message then ends at its "
        "\".\" terminator, with an expert warning.",
        10, &smqp_pref_max_body);

    smqp_handle = register_dissector("smqp", dissect_smqp, proto_smqp);
}

void proto_reg_handoff_smqp(void)
{
    dissector_add_uint_range_with_preference("tcp.port", SMQP_TCP_PORTS, smqp_handle);
    heur_dissector_add("tcp", dissect_smqp_heur, "SMQP over TCP", "smqp_tcp", proto_smqp, HEURISTIC_ENABLE);
    smqp_dslab_handoff();
    smqp_body_handoff();
}
