/* smqp-dslab.h
 * The DSLab broker dialect of "SMQP" (TU Wien Distributed Systems lab):
 * recognised by its greeting "ok SMQP" at a connection's start, on any
 * port, and decoded into smqp.dslab.* fields with request/response links
 * and a broker-wide routing model that links each delivery to its publish.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SMQP_DSLAB_H
#define SMQP_DSLAB_H

#include <epan/packet.h>

/* Registers fields, expert items and the dissector (from proto_register_smqp). */
void smqp_dslab_register(int proto);

/* Registers the heuristic on TCP (from proto_reg_handoff_smqp). */
void smqp_dslab_handoff(void);

/* Called with a TCP payload of a connection nobody has claimed yet, whose
 * start the capture holds: when it is the server's greeting "ok SMQP", the
 * connection becomes the dialect's for good and the payload is dissected.
 * Returns the bytes taken, 0 when the payload is no such greeting (nor the
 * start of one). */
int smqp_dslab_claim(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data);

#endif
