/* smqp-stats.c
 * SMQP's taps: the "smqp" tap, the statistics tree, service response
 * times, and the records of Wireshark's "credentials" tap.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/stats_tree.h>
#include <epan/srt_table.h>
#include <epan/export_object.h>

#include "smqp-stats.h"

static int smqp_tap = -1;
static int credentials_tap = -1;
static int export_tap = -1;

/* A record of the credentials tap. Wireshark does not install its header
 * (ui/tap-credentials.h); the layout is the same from 4.0 to 4.6. */
typedef struct {
    unsigned num;               /* frame of the password */
    unsigned username_num;      /* frame that names the account */
    unsigned password_hf_id;    /* field holding the password, or 0 */
    char *username;
    const char *proto;
    char *info;
} smqp_credential;

bool smqp_stats_credentials_listening(void)
{
    return have_tap_listener(credentials_tap);
}

void smqp_stats_credential(packet_info *pinfo, const char *account, bool password_here, const char *how)
{
    smqp_credential *c = wmem_new0(pinfo->pool, smqp_credential);
    c->num = pinfo->num;
    c->username_num = pinfo->num;
    if (password_here) {
        int hf = proto_registrar_get_id_byname("smqp.password");
        c->password_hf_id = hf > 0 ? (unsigned)hf : 0;
    }
    /* Wireshark's own placeholder for an unknown user name */
    c->username = wmem_strdup(pinfo->pool, account ? account : "n.a.");
    c->proto = "SMQP";
    c->info = wmem_strdup(pinfo->pool, how);
    tap_queue_packet(credentials_tap, pinfo, c);
}

bool smqp_stats_listening(void)
{
    return have_tap_listener(smqp_tap);
}

void smqp_stats_queue(packet_info *pinfo, const smqp_tap_info *ti)
{
    smqp_tap_info *copy = wmem_new(pinfo->pool, smqp_tap_info);
    *copy = *ti;
    tap_queue_packet(smqp_tap, pinfo, copy);
}

/* A command's name in the statistics: its verb, and the resource words
 * of its form (several forms share a verb). */
static const char *resource_name(const smqp_tap_info *ti)
{
    return ti->form && ti->form->resource ? ti->form->resource : NULL;
}

/* --export-objects smqp: one object per message data part */

typedef struct {
    const char *topic;
    const char *content_type;
    const char *filename;
    const uint8_t *data;
    size_t len;
} smqp_export;

bool smqp_stats_exporting(void)
{
    return have_tap_listener(export_tap);
}

/* Appends text to a file name, keeping letters, digits, '-' and '_' and
 * writing anything else (path separators, dots, spaces) as '_', so no
 * name can climb out of the export folder or hide itself. */
static void name_append(wmem_strbuf_t *name, const char *text)
{
    for (const char *c = text; *c; c++)
        wmem_strbuf_append_c(name, g_ascii_isalnum(*c) || *c == '-' || *c == '_' ? *c : '_');
}

/* Bound on a file name, well under the 255 bytes file systems allow. */
#define SMQP_EXPORT_NAME_MAX 120

void smqp_stats_export(packet_info *pinfo, tvbuff_t *tvb, int off, int len, const char *content_type,
                       const char *topic, const char *id, unsigned part)
{
    wmem_strbuf_t *name = wmem_strbuf_new(pinfo->pool, "");
    name_append(name, topic ? topic : "message");
    wmem_strbuf_append_c(name, '-');
    if (id)
        name_append(name, id);
    else
        wmem_strbuf_append_printf(name, "frame%u", pinfo->num);
    char tail[32];
    snprintf(tail, sizeof tail, "-part%u", part);
    /* the part number survives the cut */
    if (wmem_strbuf_get_len(name) > SMQP_EXPORT_NAME_MAX - strlen(tail))
        wmem_strbuf_truncate(name, SMQP_EXPORT_NAME_MAX - strlen(tail));
    wmem_strbuf_append(name, tail);

    smqp_export *e = wmem_new(pinfo->pool, smqp_export);
    e->topic = topic ? topic : "";
    e->content_type = content_type ? content_type : "application/octet-stream";
    e->filename = wmem_strbuf_get_str(name);
    e->len = len > 0 ? (size_t)len : 0;
    e->data = e->len ? tvb_memdup(pinfo->pool, tvb, off, len) : NULL;
    tap_queue_packet(export_tap, pinfo, e);
}

static tap_packet_status export_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                       const void *data, tap_flags_t flags _U_)
{
    export_object_list_t *list = (export_object_list_t *)tapdata;
    const smqp_export *e = data;
    export_object_entry_t *entry = g_new0(export_object_entry_t, 1);
    entry->pkt_num = pinfo->num;
    entry->hostname = g_strdup(e->topic);
    entry->content_type = g_strdup(e->content_type);
    entry->filename = g_strdup(e->filename);
    entry->payload_len = e->len;
    entry->payload_data = e->len ? g_memdup2(e->data, (gsize)e->len) : NULL;
    list->add_entry(list->gui_data, entry);
    return TAP_PACKET_REDRAW;
}

/* -z smqp,tree */

static const char st_commands[] = "Commands";
static const char st_replies[] = "Replies";
static const char st_notifications[] = "Notifications";
static const char st_acks[] = "Notification acknowledgements";
static int st_node_commands = -1;
static int st_node_replies = -1;
static int st_node_notifications = -1;
static int st_node_acks = -1;

static void smqp_tree_init(stats_tree *st)
{
    st_node_commands = stats_tree_create_node(st, st_commands, 0, STAT_DT_INT, true);
    st_node_replies = stats_tree_create_node(st, st_replies, 0, STAT_DT_INT, true);
    st_node_notifications = stats_tree_create_node(st, st_notifications, 0, STAT_DT_INT, true);
    st_node_acks = stats_tree_create_node(st, st_acks, 0, STAT_DT_INT, true);
}

static tap_packet_status smqp_tree_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                          const void *data, tap_flags_t flags _U_)
{
    const smqp_tap_info *ti = data;
    char name[64];

    if (ti->kind == SMQP_PDU_COMMAND) {
        const char *verb = smqp_verb_name(ti->verb);
        const char *resource = resource_name(ti);
        tick_stat_node(st, st_commands, 0, true);
        int verb_node = tick_stat_node(st, verb, st_node_commands, true);
        if (resource)
            tick_stat_node(st, resource, verb_node, false);
        if (ti->verb == SMQP_VERB_NOTIFY) {
            tick_stat_node(st, st_notifications, 0, true);
            int res_node = tick_stat_node(st, resource ? resource : "(unknown resource)", st_node_notifications, true);
            if (ti->change)
                tick_stat_node(st, ti->change, res_node, false);
        }
        return TAP_PACKET_REDRAW;
    }
    if (ti->kind != SMQP_PDU_REPLY || !ti->reply_code)
        return TAP_PACKET_DONT_REDRAW;

    const smqp_reply_code *rc = smqp_lookup_reply_code(ti->reply_code);
    char code_name[80];
    snprintf(code_name, sizeof code_name, "%u %s", ti->reply_code, rc ? rc->name : "(unknown code)");
    snprintf(name, sizeof name, "%uxx", ti->reply_code / 100);
    tick_stat_node(st, st_replies, 0, true);
    int class_node = tick_stat_node(st, name, st_node_replies, true);
    tick_stat_node(st, code_name, class_node, false);
    if (ti->answers && ti->answers->opener == SMQP_T_COMMAND && ti->answers->form->verb == SMQP_VERB_NOTIFY) {
        tick_stat_node(st, st_acks, 0, true);
        tick_stat_node(st, code_name, st_node_acks, false);
    }
    return TAP_PACKET_REDRAW;
}

/* -z smqp,srt: one row per command form, in the forms table's order (a
 * NOTIFY's time is its first-phase acknowledgement's), then the rows of
 * the other transactions */

enum {
    SRT_ROW_UNKNOWN,            /* after the forms' rows */
    SRT_ROW_GREETING,
    SRT_ROW_ACK,
    SRT_EXTRA_ROWS
};

static void smqp_srt_init(struct register_srt *srt _U_, GArray *srt_array)
{
    srt_stat_table *table = init_srt_table("SMQP Commands", NULL, srt_array,
                                           (int)(smqp_form_count + SRT_EXTRA_ROWS), "Command",
                                           "smqp.reply.command", NULL);
    for (size_t i = 0; i < smqp_form_count; i++) {
        const smqp_form *f = &smqp_forms[i];
        const char *verb = smqp_verb_name(f->verb);
        init_srt_table_row(table, (int)i, f->resource ? wmem_strdup_printf(wmem_epan_scope(), "%s %s", verb, f->resource)
                                                      : verb);
    }
    init_srt_table_row(table, (int)smqp_form_count + SRT_ROW_UNKNOWN, "(command of no known form)");
    init_srt_table_row(table, (int)smqp_form_count + SRT_ROW_GREETING, "SUID greeting (callback)");
    init_srt_table_row(table, (int)smqp_form_count + SRT_ROW_ACK, "310/312 ACK, confirmed");
}

static tap_packet_status smqp_srt_packet(void *pss, packet_info *pinfo, epan_dissect_t *edt _U_,
                                         const void *data, tap_flags_t flags _U_)
{
    const smqp_tap_info *ti = data;
    srt_data_t *srt = (srt_data_t *)pss;
    if (ti->kind != SMQP_PDU_REPLY || !ti->answers || ti->reply_challenge)
        return TAP_PACKET_DONT_REDRAW;
    const smqp_trans *t = ti->answers;
    int row = (int)smqp_form_count;
    switch (t->opener) {
    case SMQP_T_COMMAND:
        row = (int)(t->form - smqp_forms);
        break;
    case SMQP_T_UNKNOWN:
        row += SRT_ROW_UNKNOWN;
        break;
    case SMQP_T_GREETING:
        row += SRT_ROW_GREETING;
        break;
    case SMQP_T_ACK:
        row += SRT_ROW_ACK;
        break;
    }
    srt_stat_table *table = g_array_index(srt->srt_array, srt_stat_table *, 0);
    add_srt_table_data(table, row, &t->req_time, pinfo);
    return TAP_PACKET_REDRAW;
}

void smqp_stats_register(int proto)
{
    smqp_tap = register_tap("smqp");
    credentials_tap = register_tap("credentials");
    export_tap = register_export_object(proto, export_packet, NULL);
    stats_tree_register_plugin("smqp", "smqp", "SMQP", 0, smqp_tree_packet, smqp_tree_init, NULL);
    register_srt_table(proto, NULL, 1, smqp_srt_packet, smqp_srt_init, NULL);
}
