/* smqp-body.h
 * SMQP message bodies and SET LOGIN CONTACT data, with data handed to
 * Wireshark's media_type table by Content-Type (smqp-body.c owns that
 * hand-off and its preference).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SMQP_BODY_H
#define SMQP_BODY_H

#include <epan/packet.h>
#include <epan/prefs.h>

#include "smqp-message.h"

/* Registers the body fields the file owns, and the "media" preference on
 * the protocol's module. */
void smqp_body_register(int proto, module_t *module);

/* Finds the media_type table (from proto_reg_handoff_smqp). */
void smqp_body_handoff(void);

/* Where a message comes from, to name its data parts when they are
 * exported: the topic and message id of its command line (NULL where the
 * line has none; a Smuid header then names the message); and where to
 * gather the ids its header names. */
typedef struct {
    const char *topic;
    const char *id;
    smqp_msg_ids *ids;          /* filled with the header's Smuid and Cmuid
                                   values when not NULL */
} smqp_msg_origin;

/* The message that follows a PUBLISH / NOTIFY line or answers GET
 * MESSAGE: [start, len) of buf, which is the PDU tvb's bytes; Content-Lengths
 * over max_body are not trusted. Returns the number of data parts. */
unsigned smqp_dissect_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const uint8_t *buf,
                              size_t start, size_t len, size_t max_body, const smqp_msg_origin *origin);

/* SET LOGIN CONTACT data lines, handed to media_type by the MIME type. */
void smqp_dissect_contact(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                          const uint8_t *buf, size_t start, size_t len, const char *mime);

#endif
