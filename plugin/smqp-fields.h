/* smqp-fields.h
 * The fields, subtrees and expert items of the draft's SMQP that several
 * glue files add (all registered in smqp-fields.c), and the helpers that
 * add typed values to the tree.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SMQP_FIELDS_H
#define SMQP_FIELDS_H

#include <epan/packet.h>
#include <epan/expert.h>

#include "smqp-compat.h"
#include "smqp-tables.h"

extern int proto_smqp;

/* fields used across the glue files (all are registered in smqp-fields.c) */
extern int hf_smqp_topic;
extern int hf_smqp_cmuid;
extern int hf_smqp_smuid;
extern int hf_smqp_tag;
extern int hf_smqp_msg;
extern int hf_smqp_msg_header;
extern int hf_smqp_msg_header_name;
extern int hf_smqp_msg_header_value;
extern int hf_smqp_msg_timeout_infinite;
extern int hf_smqp_msg_hop;
extern int hf_smqp_msg_terminator;
extern int hf_smqp_part;
extern int hf_smqp_part_number;
extern int hf_smqp_part_data;
extern int hf_smqp_contact_data;
extern int hf_smqp_line;

extern int ett_smqp;
extern int ett_smqp_line;
extern int ett_smqp_uid;
extern int ett_smqp_msg;
extern int ett_smqp_header;
extern int ett_smqp_part;
extern int ett_smqp_data;

extern expert_field ei_smqp_bad_value;
extern expert_field ei_smqp_bad_date;
extern expert_field ei_smqp_date_form;
extern expert_field ei_smqp_bad_timeout;
extern expert_field ei_smqp_bare_lf;
extern expert_field ei_smqp_line_too_long;
extern expert_field ei_smqp_cl_mismatch;
extern expert_field ei_smqp_cl_missing;
extern expert_field ei_smqp_cl_too_big;
extern expert_field ei_smqp_missing_terminator;
extern expert_field ei_smqp_incomplete;
extern expert_field ei_smqp_too_many_items;

/* Registers every field, subtree and expert item (smqp-fields.c). */
void smqp_register_fields(void);

/* Adds one parsed item (a command argument or a reply datum), typed by
 * its kind. buf is the PDU tvb's bytes. */
void smqp_add_item(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                   const uint8_t *buf, const smqp_item *item);
void smqp_add_items(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                    const uint8_t *buf, const smqp_items *it);

/* Adds a header line "Name: value" of a message or data part: the generic
 * name/value pair plus the typed field of a known attribute. Returns the
 * attribute's definition, with the value's span in *value_out, or NULL. */
const smqp_attr_def *smqp_add_header(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                                     const uint8_t *buf, smqp_span line, smqp_span *value_out);

/* Flags a line ending in a bare LF. */
void smqp_note_eol(proto_item *item, packet_info *pinfo, unsigned eol_len);

#endif
