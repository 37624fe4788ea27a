/* smqp-delivery.c
 * PUBLISH -> NOTIFY delivery tracking and the -z smqp,delivery table.
 *
 * The server names a message by its SMUID in the acknowledgement of the
 * PUBLISH and in the Smuid header of every NOTIFY that carries it; the
 * publisher's CMUID comes back the same way. The first pass indexes each
 * PUBLISH by those ids, capture-wide (publisher and subscribers are on
 * different connections), and matches each NOTIFY MESSAGE ADD/REPLACE to
 * the PUBLISH it delivers. Later passes only show what the first learnt.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>

#include "smqp-delivery.h"
#include "smqp-stats.h"

static int hf_smqp_notify_publish_in = -1;
static int hf_smqp_notify_delay = -1;
static int hf_smqp_notify_matched_by = -1;
static int hf_smqp_publish_notify_in = -1;

static expert_field ei_smqp_delivery_refused = EI_INIT;
static expert_field ei_smqp_delivery_incomplete = EI_INIT;

/* Capture-wide indexes of PUBLISH MESSAGEs, emptied for each capture. */
static wmem_map_t *by_smuid;        /* SMUID key -> smqp_published */
static wmem_map_t *by_cmuid;        /* CMUID key -> smqp_published */
static wmem_map_t *by_client_uid;   /* client uid -> smqp_published, or &ambiguous */
static wmem_map_t *waiting;         /* SMUID key -> wmem_list_t of unmatched smqp_delivery */

/* Two PUBLISHes with one client uid (different publishers may choose the
 * same): that uid alone matches neither. */
static smqp_published ambiguous;

/* Keys longer than this are not indexed (no real id comes near it). */
#define SMQP_KEY_MAX 256

static const char *file_key(const uint8_t *buf, smqp_span s, smqp_uid_key_kind kind)
{
    char key[SMQP_KEY_MAX];
    return smqp_uid_key(buf, s, kind, key, sizeof key) ? wmem_strdup(wmem_file_scope(), key) : NULL;
}

void smqp_delivery_publish(packet_info *pinfo, smqp_trans *t, const char *topic, const uint8_t *buf,
                           smqp_span client_uid)
{
    smqp_published *p = wmem_new0(wmem_file_scope(), smqp_published);
    p->frame = pinfo->num;
    p->time = t->req_time;
    p->topic = wmem_strdup(wmem_file_scope(), topic);
    t->published = p;
    const char *key = file_key(buf, client_uid, SMQP_KEY_CLIENT_UID);
    if (key)
        wmem_map_insert(by_client_uid, key, wmem_map_contains(by_client_uid, key) ? &ambiguous : p);
}

static gint by_frame(gconstpointer a, gconstpointer b)
{
    guint32 fa = ((const smqp_delivery *)a)->frame, fb = ((const smqp_delivery *)b)->frame;
    return fa < fb ? -1 : fa > fb;
}

static void link_delivery(smqp_delivery *d, smqp_published *p, const char *how)
{
    d->publish = p;
    d->matched_by = how;
    if (!p->deliveries)
        p->deliveries = wmem_list_new(wmem_file_scope());
    wmem_list_insert_sorted(p->deliveries, d, by_frame);
}

void smqp_delivery_publish_ack(const smqp_trans *t, const uint8_t *buf, const smqp_span *cmuid,
                               const smqp_span *smuid)
{
    smqp_published *p = t->published;
    if (!p)
        return;
    const char *key = cmuid ? file_key(buf, *cmuid, SMQP_KEY_CMUID) : NULL;
    if (key)
        wmem_map_insert(by_cmuid, key, p);
    key = smuid ? file_key(buf, *smuid, SMQP_KEY_SMUID) : NULL;
    if (!key)
        return;
    p->smuid_known = true;
    wmem_map_insert(by_smuid, key, p);
    /* notifications the server sent before it acknowledged the PUBLISH */
    wmem_list_t *early = wmem_map_remove(waiting, key);
    if (!early)
        return;
    for (wmem_list_frame_t *f = wmem_list_head(early); f; f = wmem_list_frame_next(f)) {
        smqp_delivery *d = wmem_list_frame_data(f);
        if (!d->publish && d->frame > p->frame)
            link_delivery(d, p, "Smuid");
    }
}

/* The most recent PUBLISH, before the NOTIFY, that one of its ids names:
 * a reply carries the ids of the messages it answers too, and it was
 * published after them. With a Smuid in the NOTIFY, a PUBLISH whose own
 * SMUID is known can only match by it. */
static smqp_published *latest(wmem_map_t *map, smqp_uid_key_kind kind, const uint8_t *buf,
                              const smqp_span *ids, unsigned n, guint32 before, bool notify_has_smuid)
{
    smqp_published *best = NULL;
    for (unsigned k = 0; k < n; k++) {
        char key[SMQP_KEY_MAX];
        if (!smqp_uid_key(buf, ids[k], kind, key, sizeof key))
            continue;
        smqp_published *p = wmem_map_lookup(map, key);
        if (!p || p == &ambiguous || p->frame >= before)
            continue;
        if (kind != SMQP_KEY_SMUID && notify_has_smuid && p->smuid_known)
            continue;
        if (!best || p->frame > best->frame)
            best = p;
    }
    return best;
}

void smqp_delivery_notify(packet_info *pinfo, smqp_trans *t, const char *topic, const uint8_t *buf,
                          const smqp_msg_ids *ids)
{
    smqp_delivery *d = wmem_new0(wmem_file_scope(), smqp_delivery);
    d->frame = pinfo->num;
    d->time = t->req_time;
    d->topic = wmem_strdup(wmem_file_scope(), topic);
    t->delivery = d;

    bool has_smuid = ids->n_smuid > 0;
    smqp_published *p = latest(by_smuid, SMQP_KEY_SMUID, buf, ids->smuid, ids->n_smuid, d->frame, has_smuid);
    const char *how = "Smuid";
    if (!p) {
        p = latest(by_cmuid, SMQP_KEY_CMUID, buf, ids->cmuid, ids->n_cmuid, d->frame, has_smuid);
        how = "Cmuid";
    }
    if (!p) {
        p = latest(by_client_uid, SMQP_KEY_CLIENT_UID, buf, ids->cmuid, ids->n_cmuid, d->frame, has_smuid);
        how = "Cmuid client uid";
    }
    if (p) {
        link_delivery(d, p, how);
        return;
    }
    /* the server may notify before it acknowledges the PUBLISH */
    for (unsigned k = 0; k < ids->n_smuid; k++) {
        const char *key = file_key(buf, ids->smuid[k], SMQP_KEY_SMUID);
        if (!key)
            continue;
        wmem_list_t *l = wmem_map_lookup(waiting, key);
        if (!l) {
            l = wmem_list_new(wmem_file_scope());
            wmem_map_insert(waiting, key, l);
        }
        wmem_list_append(l, d);
    }
}

void smqp_delivery_answer(const smqp_trans *t, uint16_t code)
{
    if (t->delivery && !t->delivery->answer)
        t->delivery->answer = code;
}

static bool acknowledged(uint16_t code)
{
    /* 312 (wait) acknowledges the message too, and suspends the topic */
    return code == 310 || code == 312;
}

static void show_publish(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, proto_item *pdu_item,
                         const smqp_published *p)
{
    unsigned delivered = 0, refused = 0, unanswered = 0;
    if (p->deliveries) {
        for (wmem_list_frame_t *f = wmem_list_head(p->deliveries); f; f = wmem_list_frame_next(f)) {
            const smqp_delivery *d = wmem_list_frame_data(f);
            proto_item *gi = proto_tree_add_uint(tree, hf_smqp_publish_notify_in, tvb, 0, 0, d->frame);
            proto_item_set_generated(gi);
            delivered++;
            if (d->answer == 416)
                refused++;
            else if (!acknowledged(d->answer))
                unanswered++;
        }
    }
    /* only a later pass knows every delivery and its answer */
    if (PINFO_FD_VISITED(pinfo) && (refused || unanswered))
        expert_add_info_format(pinfo, pdu_item, &ei_smqp_delivery_incomplete,
                               "Message delivered %u time%s: %u refused (416), %u not acknowledged", delivered,
                               delivered == 1 ? "" : "s", refused, unanswered);
}

static void show_notify(proto_tree *tree, tvbuff_t *tvb, const smqp_delivery *d)
{
    if (!d->publish)
        return;
    proto_item *gi = proto_tree_add_uint(tree, hf_smqp_notify_publish_in, tvb, 0, 0, d->publish->frame);
    proto_item_set_generated(gi);
    nstime_t delay;
    nstime_delta(&delay, &d->time, &d->publish->time);
    gi = proto_tree_add_time(tree, hf_smqp_notify_delay, tvb, 0, 0, &delay);
    proto_item_set_generated(gi);
    gi = proto_tree_add_string(tree, hf_smqp_notify_matched_by, tvb, 0, 0, d->matched_by);
    proto_item_set_generated(gi);
}

void smqp_delivery_show(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, proto_item *pdu_item,
                        const smqp_pdu_info *pi, uint16_t reply_code)
{
    if (pi->opens && pi->opens->published)
        show_publish(tree, tvb, pinfo, pdu_item, pi->opens->published);
    if (pi->opens && pi->opens->delivery)
        show_notify(tree, tvb, pi->opens->delivery);
    if (reply_code == 416 && pi->answers && pi->answers->delivery) {
        const smqp_delivery *d = pi->answers->delivery;
        if (d->publish)
            expert_add_info_format(pinfo, pdu_item, &ei_smqp_delivery_refused,
                                   "Subscriber refused (416) the message published in frame %u", d->publish->frame);
        else
            expert_add_info_format(pinfo, pdu_item, &ei_smqp_delivery_refused,
                                   "Subscriber refused (416) a message of %s published before the capture", d->topic);
    }
}

/* ---- -z smqp,delivery ------------------------------------------------- */

enum {
    COL_TOPIC,
    COL_PUBLISHED,
    COL_NOTIFIED,
    COL_MATCHED,
    COL_ACKNOWLEDGED,
    COL_REFUSED,
    COL_DELAY_MIN,
    COL_DELAY_AVG,
    COL_DELAY_MAX,
    COL_COUNT_
};

static stat_tap_table_item delivery_fields[COL_COUNT_] = {
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Topic", "%-30s" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Published", "%9u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Notified", "%8u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Matched", "%7u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Acknowledged", "%12u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Refused", "%7u" },
    { TABLE_ITEM_FLOAT, TAP_ALIGN_RIGHT, "Min delay (s)", "%13.6f" },
    { TABLE_ITEM_FLOAT, TAP_ALIGN_RIGHT, "Avg delay (s)", "%13.6f" },
    { TABLE_ITEM_FLOAT, TAP_ALIGN_RIGHT, "Max delay (s)", "%13.6f" },
};

static const char delivery_table_name[] = "SMQP delivery by topic";

static void delivery_init(stat_tap_table_ui *ui)
{
    stat_tap_table *table = stat_tap_find_table(ui, delivery_table_name);
    if (table) {
        if (ui->stat_tap_reset_table_cb)
            ui->stat_tap_reset_table_cb(table);
        return;
    }
    table = stat_tap_init_table(delivery_table_name, COL_COUNT_, 0, NULL);
    stat_tap_add_table(ui, table);
}

/* The topic's row, added at the end when new. Rows are looked for one by
 * one: a capture has few topics, and the table is only kept when asked for. */
static guint topic_row(stat_tap_table *table, const char *topic)
{
    for (guint row = 0; row < table->num_elements; row++) {
        const stat_tap_table_item_type *item = stat_tap_get_field_data(table, row, COL_TOPIC);
        if (strcmp(item->value.string_value, topic) == 0)
            return row;
    }
    stat_tap_table_item_type items[COL_COUNT_];
    memset(items, 0, sizeof items);
    for (int col = 0; col < COL_COUNT_; col++)
        items[col].type = delivery_fields[col].type;
    items[COL_TOPIC].value.string_value = g_strdup(topic);
    stat_tap_init_table_row(table, table->num_elements, COL_COUNT_, items);
    return table->num_elements - 1;
}

static void count(stat_tap_table *table, guint row, int col)
{
    stat_tap_table_item_type *item = stat_tap_get_field_data(table, row, col);
    item->value.uint_value++;
}

static void add_delay(stat_tap_table *table, guint row, const smqp_delivery *d)
{
    nstime_t delta;
    nstime_delta(&delta, &d->time, &d->publish->time);
    double s = nstime_to_sec(&delta);
    guint n = stat_tap_get_field_data(table, row, COL_MATCHED)->value.uint_value;
    stat_tap_table_item_type *min = stat_tap_get_field_data(table, row, COL_DELAY_MIN);
    stat_tap_table_item_type *avg = stat_tap_get_field_data(table, row, COL_DELAY_AVG);
    stat_tap_table_item_type *max = stat_tap_get_field_data(table, row, COL_DELAY_MAX);
    if (n == 1 || s < min->value.float_value)
        min->value.float_value = s;
    if (n == 1 || s > max->value.float_value)
        max->value.float_value = s;
    /* the sum is kept beside the average, which is shown */
    avg->user_data.float_value += s;
    avg->value.float_value = avg->user_data.float_value / n;
}

static tap_packet_status delivery_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                         const void *data, tap_flags_t flags _U_)
{
    stat_data_t *sd = tapdata;
    const smqp_tap_info *ti = data;
    stat_tap_table *table = g_array_index(sd->stat_tap_data->tables, stat_tap_table *, 0);
    const smqp_delivery *d;

    if (ti->published) {
        count(table, topic_row(table, ti->published->topic), COL_PUBLISHED);
    } else if (ti->delivery) {
        d = ti->delivery;
        guint row = topic_row(table, d->topic);
        count(table, row, COL_NOTIFIED);
        if (d->publish) {
            count(table, row, COL_MATCHED);
            add_delay(table, row, d);
        }
    } else if (ti->answers && ti->answers->delivery && !ti->reply_challenge) {
        d = ti->answers->delivery;
        if (acknowledged(ti->reply_code))
            count(table, topic_row(table, d->topic), COL_ACKNOWLEDGED);
        else if (ti->reply_code == 416)
            count(table, topic_row(table, d->topic), COL_REFUSED);
        else
            return TAP_PACKET_DONT_REDRAW;
    } else {
        return TAP_PACKET_DONT_REDRAW;
    }
    return TAP_PACKET_REDRAW;
}

static void delivery_reset(stat_tap_table *table)
{
    /* rows are per topic: none survives a reset */
    for (guint row = 0; row < table->num_elements; row++) {
        g_free((char *)stat_tap_get_field_data(table, row, COL_TOPIC)->value.string_value);
        g_free(table->elements[row]);
    }
    g_free(table->elements);
    table->elements = NULL;
    table->num_elements = 0;
}

static void delivery_free_item(stat_tap_table *table _U_, guint row _U_, guint column,
                               stat_tap_table_item_type *field_data)
{
    if (column == COL_TOPIC) {
        g_free((char *)field_data->value.string_value);
        field_data->value.string_value = NULL;
    }
}

void smqp_delivery_register(int proto)
{
    static hf_register_info hf[] = {
        { &hf_smqp_notify_publish_in, { "Published in", "smqp.notify.publish_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
            "The PUBLISH MESSAGE whose message this notification delivers (matched by SMUID, else CMUID)",
            HFILL } },
        { &hf_smqp_notify_delay, { "Delivery delay", "smqp.notify.delay", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time from the PUBLISH MESSAGE to this notification of its message", HFILL } },
        { &hf_smqp_notify_matched_by, { "Matched by", "smqp.notify.matched_by", FT_STRING, BASE_NONE, NULL, 0x0,
            "The id that matched this notification to its PUBLISH: Smuid, Cmuid, or the client uid of the "
            "Cmuid (when the server's acknowledgement is not in the capture)", HFILL } },
        { &hf_smqp_publish_notify_in, { "Delivered in", "smqp.publish.notify_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
            "A NOTIFY MESSAGE delivering this message, one per delivery (all of them with two passes, -2)",
            HFILL } },
    };
    static ei_register_info ei[] = {
        { &ei_smqp_delivery_refused, { "smqp.delivery.refused", PI_SEQUENCE, PI_WARN,
            "Subscriber refused (416) a published message", EXPFILL } },
        { &ei_smqp_delivery_incomplete, { "smqp.delivery.incomplete", PI_SEQUENCE, PI_WARN,
            "Published message refused or not acknowledged by a subscriber", EXPFILL } },
    };
    static tap_param params[] = {
        { PARAM_FILTER, "filter", "Filter", NULL, TRUE },
    };
    static stat_tap_table_ui table_ui = {
        REGISTER_PACKET_STAT_GROUP_UNSORTED,
        "SMQP Delivery",
        "smqp",
        "smqp,delivery",
        delivery_init,
        delivery_packet,
        delivery_reset,
        delivery_free_item,
        NULL,
        array_length(delivery_fields), delivery_fields,
        array_length(params), params,
        NULL,
        0,
    };
    proto_register_field_array(proto, hf, array_length(hf));
    expert_module_t *em = expert_register_protocol(proto);
    expert_register_field_array(em, ei, array_length(ei));
    register_stat_tap_table_ui(&table_ui);

    by_smuid = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
    by_cmuid = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
    by_client_uid = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
    waiting = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
}
