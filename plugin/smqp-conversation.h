/* smqp-conversation.h
 * Per-connection SMQP state: which side is the SMQP server (on the
 * callback connection it is the TCP client), what each side is expected to
 * send next, commands waiting for their final reply, and the callback and
 * redirect connections announced by CONNECTTO, SET NOTIFY PORT and 311.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SMQP_CONVERSATION_H
#define SMQP_CONVERSATION_H

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/dissectors/packet-tcp.h>

#include "smqp-frame.h"

#define SMQP_SERVER_PORT 720
#define SMQP_CALLBACK_PORT 721

/* What opened a transaction. */
typedef enum {
    SMQP_T_COMMAND,             /* a command of a known form */
    SMQP_T_UNKNOWN,             /* a command or verb-like line of no known form */
    SMQP_T_GREETING,            /* the callback connection's SUID line */
    SMQP_T_ACK                  /* a client's 310/312, confirmed by the server */
} smqp_trans_opener;

struct smqp_published;
struct smqp_delivery;

/* A command (or NOTIFY, or a client's first-phase 310) and its answer. */
typedef struct {
    guint32 req_frame;
    guint32 rsp_frame;
    nstime_t req_time;
    smqp_trans_opener opener;
    const smqp_form *form;      /* SMQP_T_COMMAND only */
    struct smqp_published *published;   /* a PUBLISH MESSAGE's deliveries */
    struct smqp_delivery *delivery;     /* what a NOTIFY MESSAGE delivers */
} smqp_trans;

/* What the first pass learnt about one PDU, kept for later passes. */
typedef struct {
    guint32 len;                /* the PDU's length, as the first pass cut it */
    bool cut;                   /* shown without its end (no reassembly) */
    bool continuation;          /* bytes before the first PDU boundary */
    bool overlong;              /* cut for want of a line end */
    smqp_pdu_kind kind;         /* what the first pass took it for */
    smqp_frame_ctx ctx;         /* framing context the PDU was cut with */
    bool from_server;
    smqp_trans *answers;        /* the transaction this reply completes */
    smqp_trans *opens;          /* the transaction this PDU starts */
    bool before_capture;        /* a reply that may answer a command sent
                                   before a capture joined midway */
    smqp_drafts drafts;         /* revisions the connection's syntax up to
                                   this PDU allows; 0: any */
    const smqp_form *continues; /* a draft -00 bare line from the server: the
                                   command whose 2xx reply, or the NOTIFY
                                   whose attributes, it continues (NULL for
                                   an attribute line whose NOTIFY is unknown) */
    bool continues_notify;      /* a notification attribute line */
} smqp_pdu_info;

/* A reply PDU in brief, as the conversation needs it. */
typedef struct {
    uint16_t code;
    bool final;                 /* ends with "NNN text", not a challenge */
    bool challenge;             /* last line carries "+ data" */
} smqp_reply_summary;

typedef struct smqp_conv smqp_conv;

/* The SMQP state of the packet's conversation (conv, as
 * find_or_create_conversation gives it); NULL when none and
 * create is false, and always NULL once the conversation is rejected. */
smqp_conv *smqp_conv_find(conversation_t *conv, packet_info *pinfo, bool create);

/* Marks this packet's conversation as not SMQP, for good: what it sent
 * first was something else, so nothing it sends later is taken for SMQP
 * (one line of another protocol can look like an SMQP command). */
void smqp_conv_reject(conversation_t *conv);
bool smqp_conv_rejected(conversation_t *conv);

/* Whether the capture holds the start of this packet's TCP connection
 * (its SYN), so that the first payload seen is the first one sent. */
bool smqp_conv_start_seen(conversation_t *conv, packet_info *pinfo);

/* Whether this payload is the first of its direction in the capture. */
bool smqp_conv_first_payload(packet_info *pinfo, const struct tcpinfo *ti);

/* SMQP state of a connection the capture joins midway: each direction is
 * decoded from the first PDU boundary found in it. */
smqp_conv *smqp_conv_create_midway(conversation_t *conv, packet_info *pinfo);
bool smqp_conv_midway(const smqp_conv *conv);

/* SMQP role of the packet's sender. */
bool smqp_conv_from_server(smqp_conv *conv, packet_info *pinfo);

/* First pass only: the position of this payload in its direction's stream.
 * Returns how many bytes at its start were already seen when the PDU that
 * starts there was last held for more (0 when none was, or without TCP
 * sequence numbers), and notes a gap: after one, the direction is decoded
 * again from a PDU boundary. *synced tells whether it is decoded from one. */
guint32 smqp_conv_arrive(smqp_conv *conv, packet_info *pinfo, const struct tcpinfo *ti, bool *synced);

/* First pass only: the direction is now decoded from a PDU boundary. */
void smqp_conv_set_synced(smqp_conv *conv, packet_info *pinfo);

/* First pass only: the payload was consumed up to offset; the rest, held
 * by TCP for more, is bytes of a PDU still to come (held false: none). */
void smqp_conv_leave(smqp_conv *conv, packet_info *pinfo, const struct tcpinfo *ti, guint32 offset,
                     guint32 total, bool held);

/* Framing context for the next PDU from this sender. */
smqp_frame_ctx smqp_conv_ctx(const smqp_conv *conv, bool from_server, size_t max_body);

/* First pass only: a command with a message, whose PDU TCP now holds for
 * more bytes, is open from now on: a reply the peer sends before the
 * message's end is decided answers it (smqp_conv_learn then uses this
 * transaction, and the frame that shows the command). */
void smqp_conv_hold_command(smqp_conv *conv, packet_info *pinfo, const smqp_frame *f);

/* First pass only: learns from one complete PDU (roles, expectations,
 * transactions) and fills pi->answers / pi->opens. */
void smqp_conv_learn(smqp_conv *conv, packet_info *pinfo, const smqp_frame *f, const uint8_t *buf,
                     const smqp_reply_summary *reply, smqp_pdu_info *pi);

/* Expects a TCP connection to addr:port (addr NULL: any address of peer's
 * side) from peer_addr, to be decoded as SMQP, in the announcer's session;
 * method names the announcement. smqp_client_listens is true for callback
 * connections (CONNECTTO), false for a 311 redirect. */
void smqp_conv_expect(const smqp_conv *announcer, packet_info *pinfo, const char *method,
                      const address *listen_addr, guint16 port, const address *peer_addr,
                      bool smqp_client_listens, dissector_handle_t handle);

/* First pass only: narrows the draft revisions the connection's traffic
 * allows by what one PDU's syntax allows; returns the result (0: any). */
smqp_drafts smqp_conv_narrow_drafts(smqp_conv *conv, smqp_drafts seen);

/* The fields every SMQP PDU shares, whichever dialect: the sender's SMQP
 * role, and the links of a request and its answer (answers: the
 * transaction a PDU closes; opens: one it opened, once answered). */
void smqp_conv_show_from_server(proto_tree *tree, tvbuff_t *tvb, bool from_server);
void smqp_conv_show_request(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const smqp_trans *answers);
void smqp_conv_show_response(proto_tree *tree, tvbuff_t *tvb, const smqp_trans *opens);

/* Registers the session and link fields (from proto_register_smqp). */
void smqp_conv_register(void);

/* Adds the connection's session, and what set it up, to a PDU's tree. */
void smqp_conv_add_session(const smqp_conv *c, proto_tree *tree, tvbuff_t *tvb);

#endif
