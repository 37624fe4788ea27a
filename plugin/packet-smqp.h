/* packet-smqp.h
 * The SMQP dissector's entry points, called by plugin.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PACKET_SMQP_H
#define PACKET_SMQP_H

void proto_register_smqp(void);
void proto_reg_handoff_smqp(void);

#endif
