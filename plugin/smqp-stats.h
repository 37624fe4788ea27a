/* smqp-stats.h
 * SMQP's taps: its own ("smqp"), with what listens to it, the statistics
 * tree (-z smqp,tree) and service response times (-z smqp,srt); the
 * export of message data parts (--export-objects smqp); and Wireshark's
 * "credentials" tap (-z credentials).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SMQP_STATS_H
#define SMQP_STATS_H

#include <epan/packet.h>

#include "smqp-conversation.h"

/* What one SMQP PDU tells the taps. */
typedef struct {
    smqp_pdu_kind kind;
    bool from_server;
    smqp_verb verb;             /* commands: the verb, also of unknown forms */
    const smqp_form *form;      /* commands: the form, NULL when unknown */
    const char *change;         /* NOTIFY MESSAGE / TOPIC: the change word, or NULL */
    uint16_t reply_code;        /* replies: the code of the last line */
    bool reply_challenge;       /* replies: a "+ data" challenge, not an answer */
    const smqp_trans *answers;  /* replies: the transaction closed, or NULL */
    const struct smqp_published *published; /* a PUBLISH MESSAGE's record */
    const struct smqp_delivery *delivery;   /* a NOTIFY MESSAGE's record */
} smqp_tap_info;

/* Registers the tap and its statistics (from proto_register_smqp). */
void smqp_stats_register(int proto);

/* Whether anything listens to the tap (else a PDU's tap data need not be
 * gathered at all). */
bool smqp_stats_listening(void);

/* Hands a PDU to the tap's listeners; ti is copied. */
void smqp_stats_queue(packet_info *pinfo, const smqp_tap_info *ti);

/* Whether anything listens to the credentials tap. */
bool smqp_stats_credentials_listening(void);

/* Reports a login to the credentials tap: account as sent (NULL: not on
 * this line), whether this frame carries the password in clear, and a
 * note on how (method). */
void smqp_stats_credential(packet_info *pinfo, const char *account, bool password_here, const char *how);

/* Whether data parts are being exported (else need not be named). */
bool smqp_stats_exporting(void);

/* Offers the data of a message part, tvb [off, off+len), for export:
 * content type (NULL: none), the message's topic and id (NULL: unknown)
 * and the part's number name it. */
void smqp_stats_export(packet_info *pinfo, tvbuff_t *tvb, int off, int len, const char *content_type,
                       const char *topic, const char *id, unsigned part);

#endif
