/* smqp-compat.h
 * The few Wireshark API differences between 4.0 and later releases, in
 * one place so the same sources build against each. Each switch sits at
 * the release whose installed headers changed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SMQP_COMPAT_H
#define SMQP_COMPAT_H

#include <ws_version.h>

#define SMQP_WS_AT_LEAST(maj, min) \
    (WIRESHARK_VERSION_MAJOR > (maj) || \
     (WIRESHARK_VERSION_MAJOR == (maj) && WIRESHARK_VERSION_MINOR >= (min)))

/* Heuristic dissectors return, and boolean preferences point to, bool from
 * 4.4 on and gboolean before (4.2 included). The variable's type must be
 * the one Wireshark writes: a 4-byte gboolean stored into a 1-byte bool
 * would overwrite its neighbours. */
#if SMQP_WS_AT_LEAST(4, 4)
#include <stdbool.h>
typedef bool smqp_ws_bool;
#else
#include <glib.h>
typedef gboolean smqp_ws_bool;
#endif

/* From 4.2 Wireshark asks a plugin what it provides (plugin_describe);
 * 4.4 is the first to install wsutil/plugins.h, which names the flags, so
 * on 4.2 the dissector flag's value is spelled out. */
#if SMQP_WS_AT_LEAST(4, 4)
#include <wsutil/plugins.h>
#define SMQP_HAVE_PLUGIN_DESCRIBE 1
#define SMQP_PLUGIN_DESC_DISSECTOR WS_PLUGIN_DESC_DISSECTOR
#elif SMQP_WS_AT_LEAST(4, 2)
#define SMQP_HAVE_PLUGIN_DESCRIBE 1
#define SMQP_PLUGIN_DESC_DISSECTOR (1UL << 0)
#endif

#endif
