/* smqp-fields.c
 * The SMQP dissector's fields, subtrees and expert items, and the helpers
 * that put typed values into the tree. Two tables tie the grammar to the
 * fields: one per parsed item kind, one per header attribute.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/expert.h>

#include "smqp-fields.h"

int proto_smqp = -1;

static int hf_smqp_account = -1;
static int hf_smqp_address = -1;
static int hf_smqp_attr_name = -1;
static int hf_smqp_attr_value = -1;
static int hf_smqp_auth_method = -1;
static int hf_smqp_auth_version = -1;
static int hf_smqp_change = -1;
static int hf_smqp_channel = -1;
static int hf_smqp_contact = -1;
static int hf_smqp_count = -1;
static int hf_smqp_delivery = -1;
static int hf_smqp_depth = -1;
static int hf_smqp_keyword = -1;
static int hf_smqp_login_time = -1;
static int hf_smqp_mime = -1;
static int hf_smqp_mode = -1;
static int hf_smqp_password = -1;
static int hf_smqp_port = -1;
static int hf_smqp_recipient = -1;
static int hf_smqp_reply_resource = -1;
static int hf_smqp_since = -1;
static int hf_smqp_suid = -1;
static int hf_smqp_timeout = -1;
static int hf_smqp_timeout_infinite = -1;
static int hf_smqp_topic_target = -1;
static int hf_smqp_uid_created = -1;
static int hf_smqp_uid_host = -1;
static int hf_smqp_uid_value = -1;
static int hf_smqp_until = -1;
static int hf_smqp_value = -1;
static int hf_smqp_msg_created = -1;
static int hf_smqp_msg_delivery = -1;
static int hf_smqp_msg_depth = -1;
static int hf_smqp_msg_guarantee = -1;
static int hf_smqp_msg_mime_version = -1;
static int hf_smqp_msg_name = -1;
static int hf_smqp_msg_priority = -1;
static int hf_smqp_msg_receipt = -1;
static int hf_smqp_msg_reply = -1;
static int hf_smqp_msg_sequence = -1;
static int hf_smqp_msg_timeout = -1;
static int hf_smqp_part_content_description = -1;
static int hf_smqp_part_content_encoding = -1;
static int hf_smqp_part_content_encryption = -1;
static int hf_smqp_part_content_id = -1;
static int hf_smqp_part_content_length = -1;
static int hf_smqp_part_content_type = -1;

int hf_smqp_topic = -1;
int hf_smqp_cmuid = -1;
int hf_smqp_smuid = -1;
int hf_smqp_tag = -1;
int hf_smqp_msg = -1;
int hf_smqp_msg_header = -1;
int hf_smqp_msg_header_name = -1;
int hf_smqp_msg_header_value = -1;
int hf_smqp_msg_timeout_infinite = -1;
int hf_smqp_msg_hop = -1;
int hf_smqp_msg_terminator = -1;
int hf_smqp_part = -1;
int hf_smqp_part_number = -1;
int hf_smqp_part_data = -1;
int hf_smqp_contact_data = -1;
int hf_smqp_line = -1;

int ett_smqp = -1;
int ett_smqp_line = -1;
int ett_smqp_uid = -1;
int ett_smqp_msg = -1;
int ett_smqp_header = -1;
int ett_smqp_part = -1;
int ett_smqp_data = -1;

expert_field ei_smqp_bad_value = EI_INIT;
expert_field ei_smqp_bad_date = EI_INIT;
expert_field ei_smqp_date_form = EI_INIT;
expert_field ei_smqp_bad_timeout = EI_INIT;
expert_field ei_smqp_bare_lf = EI_INIT;
expert_field ei_smqp_line_too_long = EI_INIT;
expert_field ei_smqp_cl_mismatch = EI_INIT;
expert_field ei_smqp_cl_missing = EI_INIT;
expert_field ei_smqp_cl_too_big = EI_INIT;
expert_field ei_smqp_missing_terminator = EI_INIT;
expert_field ei_smqp_incomplete = EI_INIT;
expert_field ei_smqp_too_many_items = EI_INIT;

/* How a value is put into the tree. */
typedef enum {
    FT_SMQP_STRING,
    FT_SMQP_CANON,      /* the table's canonical spelling, when it has one */
    FT_SMQP_UINT,
    FT_SMQP_INT,
    FT_SMQP_PORT,
    FT_SMQP_DATETIME,
    FT_SMQP_TIMEOUT,
    FT_SMQP_YESNO,
    FT_SMQP_CMUID,
    FT_SMQP_SMUID,
    FT_SMQP_LIST        /* comma list; each element gets the field */
} smqp_field_type;

typedef struct {
    int *hf;
    smqp_field_type type;
    int *hf_infinite;   /* FT_SMQP_TIMEOUT: where INFINITE goes */
} smqp_field;

/* One row per parsed item kind (smqp-tables.h). */
static const smqp_field item_fields[SMQP_I_COUNT_] = {
    [SMQP_I_MODE]          = { &hf_smqp_mode, FT_SMQP_CANON, NULL },
    [SMQP_I_CHANGE]        = { &hf_smqp_change, FT_SMQP_CANON, NULL },
    [SMQP_I_TOPIC]         = { &hf_smqp_topic, FT_SMQP_STRING, NULL },
    [SMQP_I_TARGET]        = { &hf_smqp_topic_target, FT_SMQP_STRING, NULL },
    [SMQP_I_RECIPIENT]     = { &hf_smqp_recipient, FT_SMQP_STRING, NULL },
    [SMQP_I_ACCOUNT]       = { &hf_smqp_account, FT_SMQP_STRING, NULL },
    [SMQP_I_CHANNEL]       = { &hf_smqp_channel, FT_SMQP_STRING, NULL },
    [SMQP_I_AUTH_METHOD]   = { &hf_smqp_auth_method, FT_SMQP_STRING, NULL },
    [SMQP_I_AUTH_VERSION]  = { &hf_smqp_auth_version, FT_SMQP_STRING, NULL },
    [SMQP_I_PASSWORD]      = { &hf_smqp_password, FT_SMQP_STRING, NULL },
    [SMQP_I_ADDRESS]       = { &hf_smqp_address, FT_SMQP_STRING, NULL },
    [SMQP_I_PORT]          = { &hf_smqp_port, FT_SMQP_PORT, NULL },
    [SMQP_I_CMUID]         = { &hf_smqp_cmuid, FT_SMQP_CMUID, NULL },
    [SMQP_I_SMUID]         = { &hf_smqp_smuid, FT_SMQP_SMUID, NULL },
    [SMQP_I_SUID]          = { &hf_smqp_suid, FT_SMQP_STRING, NULL },
    [SMQP_I_KEYWORD]       = { &hf_smqp_keyword, FT_SMQP_STRING, NULL },
    [SMQP_I_TAG]           = { &hf_smqp_tag, FT_SMQP_STRING, NULL },
    [SMQP_I_COUNT]         = { &hf_smqp_count, FT_SMQP_UINT, NULL },
    [SMQP_I_SINCE]         = { &hf_smqp_since, FT_SMQP_DATETIME, NULL },
    [SMQP_I_UNTIL]         = { &hf_smqp_until, FT_SMQP_DATETIME, NULL },
    [SMQP_I_TIMEOUT]       = { &hf_smqp_timeout, FT_SMQP_TIMEOUT, &hf_smqp_timeout_infinite },
    [SMQP_I_LOGIN_TIME]    = { &hf_smqp_login_time, FT_SMQP_DATETIME, NULL },
    [SMQP_I_MIME]          = { &hf_smqp_mime, FT_SMQP_STRING, NULL },
    [SMQP_I_DEPTH]         = { &hf_smqp_depth, FT_SMQP_INT, NULL },
    [SMQP_I_DELIVERY]      = { &hf_smqp_delivery, FT_SMQP_STRING, NULL },
    [SMQP_I_VALUE]         = { &hf_smqp_value, FT_SMQP_STRING, NULL },
    [SMQP_I_ATTR_NAME]     = { &hf_smqp_attr_name, FT_SMQP_STRING, NULL },
    [SMQP_I_ATTR_VALUE]    = { &hf_smqp_attr_value, FT_SMQP_STRING, NULL },
    [SMQP_I_CONTACT]       = { &hf_smqp_contact, FT_SMQP_STRING, NULL },
    [SMQP_I_RESOURCE_WORD] = { &hf_smqp_reply_resource, FT_SMQP_STRING, NULL },
};

static smqp_field_type attr_type(smqp_value_type vt)
{
    switch (vt) {
    case SMQP_VT_UINT: return FT_SMQP_UINT;
    case SMQP_VT_INT: return FT_SMQP_INT;
    case SMQP_VT_DATETIME: return FT_SMQP_DATETIME;
    case SMQP_VT_TIMEOUT: return FT_SMQP_TIMEOUT;
    case SMQP_VT_YESNO: return FT_SMQP_YESNO;
    case SMQP_VT_LIST: return FT_SMQP_LIST;
    case SMQP_VT_CMUID: return FT_SMQP_CMUID;
    case SMQP_VT_SMUID: return FT_SMQP_SMUID;
    case SMQP_VT_STRING: break;
    }
    return FT_SMQP_STRING;
}

/* One field per header attribute (smqp-tables.h); the type comes from the
 * attribute table. */
static int *const attr_fields[SMQP_ATTR_COUNT_] = {
    [SMQP_ATTR_NAME]                = &hf_smqp_msg_name,
    [SMQP_ATTR_PRIORITY]            = &hf_smqp_msg_priority,
    [SMQP_ATTR_CREATED]             = &hf_smqp_msg_created,
    [SMQP_ATTR_RECEIPT]             = &hf_smqp_msg_receipt,
    [SMQP_ATTR_REPLY]               = &hf_smqp_msg_reply,
    [SMQP_ATTR_TIMEOUT]             = &hf_smqp_msg_timeout,
    [SMQP_ATTR_DEPTH]               = &hf_smqp_msg_depth,
    [SMQP_ATTR_SEQUENCE]            = &hf_smqp_msg_sequence,
    [SMQP_ATTR_GUARANTEE]           = &hf_smqp_msg_guarantee,
    [SMQP_ATTR_DELIVERY]            = &hf_smqp_msg_delivery,
    [SMQP_ATTR_HOPS]                = &hf_smqp_msg_hop,
    [SMQP_ATTR_TAGS]                = &hf_smqp_tag,
    [SMQP_ATTR_MIME_VERSION]        = &hf_smqp_msg_mime_version,
    [SMQP_ATTR_SMUID]               = &hf_smqp_smuid,
    [SMQP_ATTR_CMUID]               = &hf_smqp_cmuid,
    [SMQP_ATTR_TOPIC]               = &hf_smqp_topic,
    [SMQP_ATTR_CONTENT_TYPE]        = &hf_smqp_part_content_type,
    [SMQP_ATTR_CONTENT_LENGTH]      = &hf_smqp_part_content_length,
    [SMQP_ATTR_CONTENT_DESCRIPTION] = &hf_smqp_part_content_description,
    [SMQP_ATTR_CONTENT_ID]          = &hf_smqp_part_content_id,
    [SMQP_ATTR_CONTENT_ENCODING]    = &hf_smqp_part_content_encoding,
    [SMQP_ATTR_CONTENT_ENCRYPTION]  = &hf_smqp_part_content_encryption,
    [SMQP_ATTR_ENCRYPTION]          = &hf_smqp_part_content_encryption,
};

static void bad_value(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int off, int len,
                      expert_field *ei, const char *what)
{
    proto_tree_add_expert_format(tree, pinfo, ei, tvb, off, len, "Invalid %s: %s", what,
                                 tvb_format_text(pinfo->pool, tvb, off, len));
}

static void add_datetime(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, int hf,
                         const uint8_t *buf, smqp_span s, int off)
{
    smqp_time t;
    int len = (int)s.len;
    smqp_dt_result r = smqp_parse_datetime(buf, s, &t);
    if (r == SMQP_DT_INVALID) {
        bad_value(tree, pinfo, tvb, off, len, &ei_smqp_bad_date, "date-time");
        return;
    }
    nstime_t ns = { (time_t)t.secs, t.nsecs };
    proto_item *pi = proto_tree_add_time(tree, hf, tvb, off, len, &ns);
    if (r == SMQP_DT_NO_ZONE)
        expert_add_info_format(pinfo, pi, &ei_smqp_date_form, "Date-time without the trailing Z (taken as GMT)");
    else if (r == SMQP_DT_LEGACY_DMY)
        expert_add_info_format(pinfo, pi, &ei_smqp_date_form, "Date-time in draft -00 day-month-year order");
    else if (r == SMQP_DT_LEGACY_MDY)
        expert_add_info_format(pinfo, pi, &ei_smqp_date_form,
                               "Date-time in month-day-year order, as draft -00's examples write it");
    else if (r == SMQP_DT_LEGACY_AMBIGUOUS)
        expert_add_info_format(pinfo, pi, &ei_smqp_date_form,
                               "Date-time with the year last that reads both ways: taken as day-month-year "
                               "(draft -00's grammar), not month-day-year (its examples)");
}

static void add_uid(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, int hf,
                    const uint8_t *buf, smqp_span s, bool cmuid)
{
    proto_item *pi = proto_tree_add_item(tree, hf, tvb, (int)s.off, (int)s.len, ENC_UTF_8);
    smqp_uid_parts p;
    if (!(cmuid ? smqp_parse_cmuid(buf, s, &p) : smqp_parse_smuid(buf, s, &p)))
        return;     /* a bare id, as in the PUBLISH line or GET MESSAGE */
    proto_tree *t = proto_item_add_subtree(pi, ett_smqp_uid);
    if (p.account.len)
        proto_tree_add_item(t, hf_smqp_account, tvb, (int)p.account.off, (int)p.account.len, ENC_UTF_8);
    if (p.channel.len)
        proto_tree_add_item(t, hf_smqp_channel, tvb, (int)p.channel.off, (int)p.channel.len, ENC_UTF_8);
    proto_tree_add_item(t, hf_smqp_uid_host, tvb, (int)p.host.off, (int)p.host.len, ENC_UTF_8);
    proto_tree_add_item(t, hf_smqp_uid_value, tvb, (int)p.uid.off, (int)p.uid.len, ENC_UTF_8);
    if (p.created.len)
        add_datetime(t, tvb, pinfo, hf_smqp_uid_created, buf, p.created, (int)p.created.off);
}

typedef struct {
    proto_tree *tree;
    tvbuff_t *tvb;
    int hf;
} list_add_ctx;

static void add_list_element(void *ctx, smqp_span item)
{
    list_add_ctx *c = ctx;
    proto_tree_add_item(c->tree, c->hf, c->tvb, (int)item.off, (int)item.len, ENC_UTF_8);
}

static void add_typed(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                      const uint8_t *buf, smqp_span s, const smqp_field *f, const char *canon)
{
    int hf = *f->hf;
    int off = (int)s.off;
    int len = (int)s.len;
    uint32_t u;
    int32_t i;
    smqp_time t;

    switch (f->type) {
    case FT_SMQP_STRING:
        proto_tree_add_item(tree, hf, tvb, off, len, ENC_UTF_8);
        break;
    case FT_SMQP_CANON:
        if (canon)
            proto_tree_add_string(tree, hf, tvb, off, len, canon);
        else
            proto_tree_add_item(tree, hf, tvb, off, len, ENC_UTF_8);
        break;
    case FT_SMQP_UINT:
        if (smqp_parse_uint(buf, s, &u))
            proto_tree_add_uint(tree, hf, tvb, off, len, u);
        else
            bad_value(tree, pinfo, tvb, off, len, &ei_smqp_bad_value, "number");
        break;
    case FT_SMQP_PORT:
        if (smqp_parse_uint(buf, s, &u) && u <= 65535)
            proto_tree_add_uint(tree, hf, tvb, off, len, u);
        else
            bad_value(tree, pinfo, tvb, off, len, &ei_smqp_bad_value, "port");
        break;
    case FT_SMQP_INT:
        if (smqp_parse_int(buf, s, &i))
            proto_tree_add_int(tree, hf, tvb, off, len, i);
        else
            bad_value(tree, pinfo, tvb, off, len, &ei_smqp_bad_value, "number");
        break;
    case FT_SMQP_DATETIME:
        add_datetime(tree, tvb, pinfo, hf, buf, s, off);
        break;
    case FT_SMQP_TIMEOUT:
        switch (smqp_parse_timeout(buf, s, &t)) {
        case SMQP_TIMEOUT_INFINITE:
            proto_tree_add_boolean(tree, *f->hf_infinite, tvb, off, len, TRUE);
            break;
        case SMQP_TIMEOUT_VALUE: {
            nstime_t ns = { (time_t)t.secs, t.nsecs };
            proto_tree_add_time(tree, hf, tvb, off, len, &ns);
            break;
        }
        case SMQP_TIMEOUT_INVALID:
            bad_value(tree, pinfo, tvb, off, len, &ei_smqp_bad_timeout, "timeout");
            break;
        }
        break;
    case FT_SMQP_YESNO: {
        int yn = smqp_parse_yesno(buf, s);
        if (yn >= 0)
            proto_tree_add_boolean(tree, hf, tvb, off, len, yn);
        else
            bad_value(tree, pinfo, tvb, off, len, &ei_smqp_bad_value, "YES/NO value");
        break;
    }
    case FT_SMQP_CMUID:
    case FT_SMQP_SMUID:
        add_uid(tree, tvb, pinfo, hf, buf, s, f->type == FT_SMQP_CMUID);
        break;
    case FT_SMQP_LIST: {
        list_add_ctx c = { tree, tvb, hf };
        if (smqp_split_list(buf, s, add_list_element, &c, SMQP_MAX_ITEMS) > SMQP_MAX_ITEMS)
            proto_tree_add_expert(tree, pinfo, &ei_smqp_too_many_items, tvb, off, len);
        break;
    }
    }
}

void smqp_add_item(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                   const uint8_t *buf, const smqp_item *item)
{
    add_typed(tree, tvb, pinfo, buf, item->span, &item_fields[item->kind], item->canon);
}

void smqp_add_items(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                    const uint8_t *buf, const smqp_items *it)
{
    for (unsigned k = 0; k < it->n_items; k++)
        smqp_add_item(tree, tvb, pinfo, buf, &it->items[k]);
    if (it->problems & SMQP_P_TOO_MANY)
        proto_tree_add_expert(tree, pinfo, &ei_smqp_too_many_items, tvb, 0, 0);
}

const smqp_attr_def *smqp_add_header(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                                     const uint8_t *buf, smqp_span line, smqp_span *value_out)
{
    smqp_span name, value;
    int off = (int)line.off;
    proto_item *pi = proto_tree_add_item(tree, hf_smqp_msg_header, tvb, off, (int)line.len, ENC_UTF_8);
    if (!smqp_parse_header_line(buf, line, &name, &value))
        return NULL;
    *value_out = value;
    proto_tree *t = proto_item_add_subtree(pi, ett_smqp_header);
    proto_tree_add_item(t, hf_smqp_msg_header_name, tvb, (int)name.off, (int)name.len, ENC_UTF_8);
    proto_tree_add_item(t, hf_smqp_msg_header_value, tvb, (int)value.off, (int)value.len, ENC_UTF_8);
    const smqp_attr_def *a = smqp_lookup_attr(buf, name);
    if (a) {
        smqp_field f = { attr_fields[a->attr], attr_type(a->type), &hf_smqp_msg_timeout_infinite };
        add_typed(t, tvb, pinfo, buf, value, &f, NULL);
    }
    return a;
}

void smqp_note_eol(proto_item *item, packet_info *pinfo, unsigned eol_len)
{
    if (eol_len == 1)
        expert_add_info(pinfo, item, &ei_smqp_bare_lf);
}

/* ---- registration ------------------------------------------------------ */

#define STR(name, abbrev, blurb) \
    { name, abbrev, FT_STRING, BASE_NONE, NULL, 0x0, blurb, HFILL }

void smqp_register_fields(void)
{
    static hf_register_info hf[] = {
        { &hf_smqp_topic, STR("Topic", "smqp.topic", "The topic argument") },
        { &hf_smqp_topic_target, STR("Target topic", "smqp.topic.target",
          "Second topic: MOVE destination, new name, virtual-topic target, added topic") },
        { &hf_smqp_recipient, STR("Recipient", "smqp.recipient", "Point-to-point user[:channel]@domain") },
        { &hf_smqp_account, STR("Account", "smqp.account", "Account (user) name of a LOGIN, PASSWORD, CONNECTTO or CMUID") },
        { &hf_smqp_channel, STR("Channel", "smqp.channel", "Channel of an account, after the colon (or, draft -08, the slash)") },
        { &hf_smqp_auth_method, STR("Authentication method", "smqp.auth.method", "Authentication method of a LOGIN or SET LOGIN PASSWORD, such as CLEAR or KERBEROS") },
        { &hf_smqp_auth_version, STR("Authentication version", "smqp.auth.version", "Version of the authentication method, after its slash") },
        { &hf_smqp_password, STR("Password", "smqp.password", "CLEAR password as sent") },
        { &hf_smqp_address, STR("Address", "smqp.address", "Address of a CONNECTTO, SET NOTIFY PORT or 311 redirect, as written") },
        { &hf_smqp_port, { "Port", "smqp.port", FT_UINT16, BASE_DEC, NULL, 0x0, "TCP port of a CONNECTTO, SET NOTIFY PORT or 311 redirect", HFILL } },
        { &hf_smqp_cmuid, STR("CMUID", "smqp.cmuid", "Client message unique identifier") },
        { &hf_smqp_smuid, STR("SMUID", "smqp.smuid", "Server message unique identifier") },
        { &hf_smqp_suid, STR("SUID", "smqp.suid", "Server unique identifier") },
        { &hf_smqp_uid_host, STR("Host", "smqp.uid.host", "Host part of a CMUID or SMUID") },
        { &hf_smqp_uid_value, STR("UID", "smqp.uid.uid", "Unique-id part of a CMUID or SMUID") },
        { &hf_smqp_uid_created, { "ID created", "smqp.uid.created", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC,
          NULL, 0x0, "Date-time of a CMUID or SMUID", HFILL } },
        { &hf_smqp_mode, STR("Publish mode", "smqp.mode", "PUBLISH mode: NEW, REPLY, REPLACE or RECALL") },
        { &hf_smqp_change, STR("Change", "smqp.change", "Change a NOTIFY reports or a SUBSCRIBE asks for: ADD, DELETE, MOVE, REPLACE, RENAME, KEYWORDS") },
        { &hf_smqp_keyword, STR("Keyword", "smqp.keyword", "One keyword of a topic") },
        { &hf_smqp_tag, STR("Tag", "smqp.tag", "One tag of a SUBSCRIBE MESSAGE filter or a message's Tags header") },
        { &hf_smqp_count, { "Count", "smqp.count", FT_UINT32, BASE_DEC, NULL, 0x0, "A number of topics, messages or subscribers (COUNT answers, NOTIFY SUBSCRIBERS)", HFILL } },
        { &hf_smqp_since, { "Since", "smqp.since", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0, "Start of the period a SUBSCRIBE MESSAGE asks messages for", HFILL } },
        { &hf_smqp_until, { "Until", "smqp.until", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0, "End of the period a SUBSCRIBE MESSAGE asks messages for", HFILL } },
        { &hf_smqp_timeout, { "Server timeout", "smqp.timeout", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "Server timeout (login attribute, NOTIFY SERVER)", HFILL } },
        { &hf_smqp_timeout_infinite, { "Infinite server timeout", "smqp.timeout.infinite", FT_BOOLEAN, BASE_NONE,
          NULL, 0x0, "The server timeout is INFINITE", HFILL } },
        { &hf_smqp_login_time, { "Server time", "smqp.login.time", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC,
          NULL, 0x0, "Time login attribute", HFILL } },
        { &hf_smqp_attr_name, STR("Attribute name", "smqp.login.attr.name", "Login attribute not in the draft") },
        { &hf_smqp_attr_value, STR("Attribute value", "smqp.login.attr.value", "Value of a login attribute not in the draft") },
        { &hf_smqp_mime, STR("MIME type", "smqp.mime", "MIME type of SET or GET LOGIN CONTACT data") },
        { &hf_smqp_depth, { "Search depth", "smqp.depth", FT_INT32, BASE_DEC, NULL, 0x0, "How many topic levels FIND TOPIC searches below the topic", HFILL } },
        { &hf_smqp_delivery, STR("Topic delivery", "smqp.delivery", "Delivery mode of a topic (SET and GET TOPIC DELIVERY)") },
        { &hf_smqp_value, STR("Value", "smqp.value", "Free text argument, such as a SET LOGIN NAME value") },
        { &hf_smqp_contact, STR("Contact line", "smqp.contact", "A line of the contact data in a GET LOGIN CONTACT answer") },
        { &hf_smqp_contact_data, { "Contact data", "smqp.contact.data", FT_BYTES, BASE_NONE, NULL, 0x0,
          "SET LOGIN CONTACT data lines, handed to the dissector for their MIME type", HFILL } },
        { &hf_smqp_reply_resource, STR("Resource in reply", "smqp.reply.resource", "Resource word of an UNSUBSCRIBE * answer line") },
        { &hf_smqp_msg, { "Message", "smqp.msg", FT_NONE, BASE_NONE, NULL, 0x0, "A message: header lines, data parts and the terminator", HFILL } },
        { &hf_smqp_msg_header, STR("Header", "smqp.msg.header", "A header line of a message or data part") },
        { &hf_smqp_msg_header_name, STR("Header name", "smqp.msg.header.name", "Attribute name of a header line") },
        { &hf_smqp_msg_header_value, STR("Header value", "smqp.msg.header.value", "Attribute value of a header line, as written") },
        { &hf_smqp_msg_name, STR("Message name", "smqp.msg.name", "Name header of a message") },
        { &hf_smqp_msg_priority, { "Priority", "smqp.msg.priority", FT_UINT32, BASE_DEC, NULL, 0x0, "Priority header of a message", HFILL } },
        { &hf_smqp_msg_created, { "Created", "smqp.msg.created", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC,
          NULL, 0x0, "Created header: when the publisher created the message", HFILL } },
        { &hf_smqp_msg_receipt, STR("Receipt", "smqp.msg.receipt", "Receipt header: NONE, ONE or ALL (YES or NO in older drafts)") },
        { &hf_smqp_msg_reply, { "Reply requested", "smqp.msg.reply", FT_BOOLEAN, BASE_NONE, NULL, 0x0, "Reply header: the publisher asks for replies", HFILL } },
        { &hf_smqp_msg_timeout, { "Message timeout", "smqp.msg.timeout", FT_RELATIVE_TIME, BASE_NONE,
          NULL, 0x0, "Timeout header: how long the message lives", HFILL } },
        { &hf_smqp_msg_timeout_infinite, { "Infinite message timeout", "smqp.msg.timeout.infinite", FT_BOOLEAN,
          BASE_NONE, NULL, 0x0, "The message's Timeout is INFINITE", HFILL } },
        { &hf_smqp_msg_depth, { "Message depth", "smqp.msg.depth", FT_INT32, BASE_DEC, NULL, 0x0, "Depth header: 0 local, -1 unlimited", HFILL } },
        { &hf_smqp_msg_sequence, { "Sequence", "smqp.msg.sequence", FT_UINT32, BASE_DEC, NULL, 0x0, "Sequence header of a message", HFILL } },
        { &hf_smqp_msg_guarantee, { "Guarantee", "smqp.msg.guarantee", FT_BOOLEAN, BASE_NONE,
          NULL, 0x0, "Guarantee header: delivery without acknowledgements", HFILL } },
        { &hf_smqp_msg_delivery, STR("Message delivery", "smqp.msg.delivery", "Delivery header: ALL or ONE subscriber") },
        { &hf_smqp_msg_hop, STR("Hop", "smqp.msg.hop", "One server of a message's Hops header") },
        { &hf_smqp_msg_mime_version, STR("MIME-Version", "smqp.msg.mime_version", "MIME-Version header of a message") },
        { &hf_smqp_msg_terminator, { "Terminator", "smqp.msg.terminator", FT_NONE, BASE_NONE,
          NULL, 0x0, "The line holding a single dot that ends a message", HFILL } },
        { &hf_smqp_part, { "Data part", "smqp.part", FT_NONE, BASE_NONE, NULL, 0x0, "A data part: its header lines and data", HFILL } },
        { &hf_smqp_part_number, { "Part number", "smqp.part.number", FT_UINT32, BASE_DEC, NULL, 0x0, "Position of the data part in its message, from 1", HFILL } },
        { &hf_smqp_part_content_type, STR("Content-Type", "smqp.part.content_type", "Content-Type of a data part") },
        { &hf_smqp_part_content_length, { "Content-Length", "smqp.part.content_length", FT_UINT32, BASE_DEC,
          NULL, 0x0, "As declared", HFILL } },
        { &hf_smqp_part_content_description, STR("Content-Description", "smqp.part.content_description", "Content-Description of a data part") },
        { &hf_smqp_part_content_id, STR("Content-ID", "smqp.part.content_id", "Content-ID of a data part") },
        { &hf_smqp_part_content_encoding, STR("Content-Encoding", "smqp.part.content_encoding", "Content-Encoding of a data part") },
        { &hf_smqp_part_content_encryption, STR("Content-Encryption", "smqp.part.content_encryption",
          "Content-Encryption, or Encryption before draft -07") },
        { &hf_smqp_part_data, { "Data", "smqp.part.data", FT_BYTES, BASE_NONE, NULL, 0x0, "The data of a part, exactly as sent", HFILL } },
        { &hf_smqp_line, STR("Line", "smqp.line", "A line outside any known PDU") },
    };

    static int *ett[] = {
        &ett_smqp, &ett_smqp_line, &ett_smqp_uid, &ett_smqp_msg, &ett_smqp_header,
        &ett_smqp_part, &ett_smqp_data,
    };

    static ei_register_info ei[] = {
        { &ei_smqp_bad_value, { "smqp.bad_value", PI_PROTOCOL, PI_WARN, "Invalid value", EXPFILL } },
        { &ei_smqp_bad_date, { "smqp.bad_date", PI_PROTOCOL, PI_WARN, "Invalid date-time", EXPFILL } },
        { &ei_smqp_date_form, { "smqp.date_form", PI_PROTOCOL, PI_NOTE, "Date-time in a non-standard form", EXPFILL } },
        { &ei_smqp_bad_timeout, { "smqp.bad_timeout", PI_PROTOCOL, PI_WARN, "Invalid timeout", EXPFILL } },
        { &ei_smqp_bare_lf, { "smqp.bare_lf", PI_PROTOCOL, PI_NOTE, "Line ends in a bare LF, not CRLF", EXPFILL } },
        { &ei_smqp_line_too_long, { "smqp.line_too_long", PI_MALFORMED, PI_ERROR,
          "Line without an end within the length limit", EXPFILL } },
        { &ei_smqp_cl_mismatch, { "smqp.content_length.mismatch", PI_PROTOCOL, PI_WARN,
          "Content-Length does not match the data; the terminator was used", EXPFILL } },
        { &ei_smqp_cl_missing, { "smqp.content_length.missing", PI_PROTOCOL, PI_NOTE,
          "Data part without a usable Content-Length; data runs to the terminator", EXPFILL } },
        { &ei_smqp_cl_too_big, { "smqp.content_length.too_big", PI_PROTOCOL, PI_WARN,
          "Content-Length over the dissector's limit; the terminator was used", EXPFILL } },
        { &ei_smqp_missing_terminator, { "smqp.missing_terminator", PI_PROTOCOL, PI_WARN,
          "Message not ended by a \".\" line", EXPFILL } },
        { &ei_smqp_incomplete, { "smqp.incomplete", PI_MALFORMED, PI_ERROR,
          "PDU cut short (capture ends or reassembly is off)", EXPFILL } },
        { &ei_smqp_too_many_items, { "smqp.too_many_items", PI_PROTOCOL, PI_WARN,
          "More list items than the dissector shows", EXPFILL } },
    };

    proto_register_field_array(proto_smqp, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *em = expert_register_protocol(proto_smqp);
    expert_register_field_array(em, ei, array_length(ei));
}
