/* smqp-compat.h
 * The few Wireshark API differences between 4.0 and later releases, in
 * one place so the same sources build against each.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SMQP_COMPAT_H
#define SMQP_COMPAT_H

#include <ws_version.h>

#define SMQP_WS_AT_LEAST(maj, min) \
    (WIRESHARK_VERSION_MAJOR > (maj) || \
     (WIRESHARK_VERSION_MAJOR == (maj) && WIRESHARK_VERSION_MINOR >= (min)))

/* 4.2 moved heuristic dissectors and boolean preferences from gboolean
 * to bool. */
#if SMQP_WS_AT_LEAST(4, 2)
#include <stdbool.h>
typedef bool smqp_ws_bool;
#else
#include <glib.h>
typedef gboolean smqp_ws_bool;
#endif

/* 4.2 added plugin_describe() and plugin type flags. */
#if SMQP_WS_AT_LEAST(4, 2)
#define SMQP_HAVE_PLUGIN_DESCRIBE 1
#endif

#endif
