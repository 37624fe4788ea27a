/* smqp-body.c
 * SMQP message bodies (header lines, data parts, terminator) and SET LOGIN
 * CONTACT data, with data handed to Wireshark's media_type table by
 * Content-Type, as HTTP does.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/exceptions.h>
#include <epan/show_exception.h>
#include <wsutil/str_util.h>

#include "smqp-body.h"
#include "smqp-fields.h"
#include "smqp-stats.h"

static dissector_table_t media_type_table;
static dissector_handle_t data_handle;
static smqp_ws_bool pref_media = TRUE;

static int hf_smqp_part_sha256 = -1;

void smqp_body_register(int proto, module_t *module)
{
    static hf_register_info hf[] = {
        { &hf_smqp_part_sha256, { "Data SHA-256", "smqp.part.sha256", FT_STRING, BASE_NONE, NULL, 0x0,
          "SHA-256 of the part's data, in hex: what regression goldens keep of a part, so a change to any "
          "of its bytes shows", HFILL } },
    };
    proto_register_field_array(proto, hf, array_length(hf));
    prefs_register_bool_preference(module, "media",
        "Decode data parts by their Content-Type",
        "Hand message data to the dissector registered for its Content-Type (text, JSON, HTML, vCard ...)",
        &pref_media);
}

void smqp_body_handoff(void)
{
    media_type_table = find_dissector_table("media_type");
    data_handle = find_dissector("data");
}

/* "text/plain; charset=x" -> "text/plain", lower case, as media_type keys are. */
static const char *media_key(packet_info *pinfo, tvbuff_t *tvb, int off, int len)
{
    const char *v = (const char *)tvb_get_string_enc(pinfo->pool, tvb, off, len, ENC_ASCII);
    const char *semi = strchr(v, ';');
    size_t n = semi ? (size_t)(semi - v) : strlen(v);
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    return wmem_ascii_strdown(pinfo->pool, v, (gssize)n);
}

static void hand_to_media(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int len, const char *key)
{
    if (!pref_media || !key || len <= 0 || !media_type_table)
        return;
    /* smqp.part.data already shows bytes no dissector understands */
    dissector_handle_t handle = dissector_get_string_handle(media_type_table, key);
    /* text without a dissector of its own (text/x-vcard in 4.0) is still
     * worth showing line by line */
    if (!handle && g_str_has_prefix(key, "text/"))
        handle = dissector_get_string_handle(media_type_table, "text/plain");
    if (!handle || handle == data_handle)
        return;
    tvbuff_t *sub = tvb_new_subset_length(tvb, off, len);
    /* As under HTTP, the data's protocol follows SMQP's at the top of the
     * tree (so Protocol Hierarchy counts it under SMQP) and may name itself
     * in the Protocol column ("SMQP/JSON"); the part's bytes stay in the
     * SMQP tree, and the Info column stays SMQP's. */
    proto_tree *volatile top = tree ? proto_tree_get_root(tree) : NULL;
    /* a media dissector that throws leaves its name as the current
     * protocol, under which SMQP's later expert items would be filed */
    const char *volatile saved_proto = pinfo->current_proto;
    col_set_writable(pinfo->cinfo, COL_INFO, FALSE);
    TRY {
        call_dissector_only(handle, sub, pinfo, top, NULL);
    }
    CATCH_NONFATAL_ERRORS {
        show_exception(sub, pinfo, top, EXCEPT_CODE, GET_MESSAGE);
    }
    ENDTRY;
    pinfo->current_proto = saved_proto;
    col_set_writable(pinfo->cinfo, COL_INFO, TRUE);
}

/* declared: the part's Content-Length; data: how many bytes it had */
static void note_data_flags(packet_info *pinfo, proto_item *item, unsigned flags, uint32_t declared, size_t data,
                            size_t max_body)
{
    if (flags & SMQP_MF_CL_MISMATCH)
        expert_add_info_format(pinfo, item, &ei_smqp_cl_mismatch,
                               "Content-Length %u does not match the data (%zu bytes up to the terminator)",
                               declared, data);
    if (flags & SMQP_MF_NO_CL)
        expert_add_info(pinfo, item, &ei_smqp_cl_missing);
    if (flags & SMQP_MF_CL_TOO_BIG)
        expert_add_info_format(pinfo, item, &ei_smqp_cl_too_big,
                               "Content-Length %u over the dissector's limit (preference smqp.max_body, %u); "
                               "the terminator was used", declared, (unsigned)max_body);
    if (flags & SMQP_MF_OVERLONG)
        expert_add_info(pinfo, item, &ei_smqp_line_too_long);
    if (flags & SMQP_MF_BARE_LF)
        expert_add_info(pinfo, item, &ei_smqp_bare_lf);
}

/* Hashed only when shown or filtered on: parts can be megabytes. */
static void add_digest(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const uint8_t *data, size_t len,
                       int off)
{
    if (!proto_field_is_referenced(tree, hf_smqp_part_sha256))
        return;
    gchar *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, len);
    proto_item *gi = proto_tree_add_string(tree, hf_smqp_part_sha256, tvb, off, (int)len,
                                           wmem_strdup(pinfo->pool, hex));
    proto_item_set_generated(gi);
    g_free(hex);
}

static void gather_id(smqp_msg_ids *ids, smqp_attr attr, smqp_span value)
{
    if (attr == SMQP_ATTR_SMUID && ids->n_smuid < SMQP_MSG_MAX_IDS)
        ids->smuid[ids->n_smuid++] = value;
    else if (attr == SMQP_ATTR_CMUID && ids->n_cmuid < SMQP_MSG_MAX_IDS)
        ids->cmuid[ids->n_cmuid++] = value;
}

unsigned smqp_dissect_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const uint8_t *buf,
                              size_t start, size_t len, size_t max_body, const smqp_msg_origin *origin)
{
    bool exporting = smqp_stats_exporting();
    const char *id = origin->id;
    proto_item *mi = proto_tree_add_item(tree, hf_smqp_msg, tvb, (int)start, (int)(len - start), ENC_NA);
    proto_tree *mt = proto_item_add_subtree(mi, ett_smqp_msg);
    proto_item *part_item = NULL;
    proto_tree *pt = NULL;
    unsigned part = 0;
    const char *media = NULL;
    smqp_msg_walker w;
    smqp_msg_event ev;

    smqp_msg_walk_init(&w, start, max_body, SMQP_WALK_WHOLE);
    for (;;) {
        smqp_msg_walk_next(&w, buf, len, &ev);
        if (ev.part != part && ev.kind != SMQP_ME_TERMINATOR && ev.kind != SMQP_ME_UNTERMINATED &&
            ev.kind != SMQP_ME_NEED_MORE) {
            part = ev.part;
            part_item = proto_tree_add_item(mt, hf_smqp_part, tvb, (int)ev.span.off, 0, ENC_NA);
            proto_item_append_text(part_item, " %u", part);
            pt = proto_item_add_subtree(part_item, ett_smqp_part);
            proto_item *gi = proto_tree_add_uint(pt, hf_smqp_part_number, tvb, 0, 0, part);
            proto_item_set_generated(gi);
            media = NULL;
        }
        proto_tree *t = part ? pt : mt;
        proto_item *item = NULL;
        switch (ev.kind) {
        case SMQP_ME_HEADER:
        case SMQP_ME_PART_HEADER: {
            smqp_span value;
            const smqp_attr_def *a = smqp_add_header(t, tvb, pinfo, buf, ev.span, &value);
            if (a && a->attr == SMQP_ATTR_CONTENT_TYPE)
                media = media_key(pinfo, tvb, (int)value.off, (int)value.len);
            else if (a && a->attr == SMQP_ATTR_SMUID && !id && exporting)
                id = (const char *)tvb_get_string_enc(pinfo->pool, tvb, (int)value.off, (int)value.len, ENC_ASCII);
            if (a && origin->ids && part == 0)
                gather_id(origin->ids, a->attr, value);
            smqp_note_eol(mi, pinfo, (ev.flags & SMQP_MF_BARE_LF) ? 1 : 2);
            break;
        }
        case SMQP_ME_BLANK:
            smqp_note_eol(mi, pinfo, (ev.flags & SMQP_MF_BARE_LF) ? 1 : 2);
            break;
        case SMQP_ME_DATA:
            item = proto_tree_add_item(t, hf_smqp_part_data, tvb, (int)ev.span.off, (int)ev.span.len, ENC_NA);
            note_data_flags(pinfo, item, ev.flags, w.cl, ev.span.len, max_body);
            add_digest(t, tvb, pinfo, buf + ev.span.off, ev.span.len, (int)ev.span.off);
            hand_to_media(tvb, pinfo, t, (int)ev.span.off, (int)ev.span.len, media);
            if (exporting)
                smqp_stats_export(pinfo, tvb, (int)ev.span.off, (int)ev.span.len, media, origin->topic, id, part);
            break;
        case SMQP_ME_TERMINATOR:
            proto_tree_add_item(mt, hf_smqp_msg_terminator, tvb, (int)ev.span.off, (int)ev.span.len, ENC_NA);
            return part;
        case SMQP_ME_UNTERMINATED:
            if (ev.flags & SMQP_MF_OVERLONG)
                expert_add_info(pinfo, mi, &ei_smqp_line_too_long);
            expert_add_info(pinfo, mi, &ei_smqp_missing_terminator);
            return part;
        case SMQP_ME_NEED_MORE:
            expert_add_info(pinfo, mi, &ei_smqp_incomplete);
            return part;
        }
        if (part_item)
            proto_item_set_end(part_item, tvb, (int)ev.next);
    }
}

void smqp_dissect_contact(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                          const uint8_t *buf, size_t start, size_t len, const char *mime)
{
    /* the data runs to the empty line that closes it */
    size_t end = start, q = start;
    smqp_line l;
    while (smqp_next_line(buf, len, q, &l) && l.len > 0) {
        q = l.off + l.len + l.eol_len;
        end = q;
    }
    if (end == start)
        return;
    proto_item *ci = proto_tree_add_item(tree, hf_smqp_contact_data, tvb, (int)start, (int)(end - start), ENC_NA);
    proto_tree *ct = proto_item_add_subtree(ci, ett_smqp_data);
    hand_to_media(tvb, pinfo, ct, (int)start, (int)(end - start),
                  mime ? wmem_ascii_strdown(pinfo->pool, mime, -1) : NULL);
}
