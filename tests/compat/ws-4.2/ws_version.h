/* Wireshark 4.2's version header (Ubuntu 24.04 ships 4.2.2). Put before
 * the installed headers, it makes the plugin compile its 4.2 branches of
 * smqp-compat.h against 4.0's headers, whose heuristic and preference
 * types (gboolean) are the ones 4.2 still has. No Debian suite has 4.2. */
#ifndef __WS_VERSION_H__
#define __WS_VERSION_H__

#define WIRESHARK_VERSION_MAJOR 4
#define WIRESHARK_VERSION_MINOR 2
#define WIRESHARK_VERSION_MICRO 2

#endif
