/* smqp-delivery.h
 * PUBLISH -> NOTIFY delivery tracking: which PUBLISH MESSAGE each NOTIFY
 * MESSAGE delivers, across connections and clients, matched by the
 * server's message id (SMUID) and otherwise by the publisher's (CMUID);
 * how long delivery took, and how the subscriber answered. Owns its
 * fields, its expert items and the -z smqp,delivery table.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SMQP_DELIVERY_H
#define SMQP_DELIVERY_H

#include <epan/packet.h>

#include "smqp-conversation.h"
#include "smqp-message.h"

/* A PUBLISH MESSAGE (any mode but RECALL, which publishes nothing). */
struct smqp_published {
    guint32 frame;
    nstime_t time;
    const char *topic;          /* topic or recipient, as the line names it */
    bool smuid_known;           /* the server's acknowledgement was seen */
    wmem_list_t *deliveries;    /* smqp_delivery, by frame; NULL when none */
};

/* A NOTIFY MESSAGE that carries a message (ADD, REPLACE). */
struct smqp_delivery {
    guint32 frame;
    nstime_t time;
    const char *topic;          /* as the NOTIFY names it */
    const struct smqp_published *publish;   /* NULL: not in the capture (yet) */
    const char *matched_by;     /* which id matched it to publish */
    uint16_t answer;            /* the subscriber's reply code; 0 none */
};

typedef struct smqp_published smqp_published;
typedef struct smqp_delivery smqp_delivery;

/* Registers the fields, expert items and table (from proto_register_smqp). */
void smqp_delivery_register(int proto);

/* First pass only, in capture order. */

/* A PUBLISH MESSAGE opening t; client_uid is its CMUID as the line holds it. */
void smqp_delivery_publish(packet_info *pinfo, smqp_trans *t, const char *topic, const uint8_t *buf,
                           smqp_span client_uid);

/* The server's acknowledgement of the PUBLISH that opened t, with the
 * CMUID and SMUID it gives (NULL: not in the reply). */
void smqp_delivery_publish_ack(const smqp_trans *t, const uint8_t *buf, const smqp_span *cmuid,
                               const smqp_span *smuid);

/* A NOTIFY MESSAGE opening t, with the ids its message header names. */
void smqp_delivery_notify(packet_info *pinfo, smqp_trans *t, const char *topic, const uint8_t *buf,
                          const smqp_msg_ids *ids);

/* The subscriber's reply to the NOTIFY that opened t. */
void smqp_delivery_answer(const smqp_trans *t, uint16_t code);

/* Every pass: the links of the PDU pi describes (a PUBLISH, a NOTIFY, or
 * the reply code of a subscriber's answer) and what they say is wrong. */
void smqp_delivery_show(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, proto_item *pdu_item,
                        const smqp_pdu_info *pi, uint16_t reply_code);

#endif
