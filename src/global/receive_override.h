/*
 * receive_override.h - receive_override_options of the receiving daemons
 *
 * smtpd and pickup read receive_override_options (typically set with -o
 * in master.cf for the service that takes mail back from a content
 * filter) and hand the parts that concern cleanup to it as
 * CLEANUP_FLAG_* bits.
 */
#ifndef RECEIVE_OVERRIDE_H
#define RECEIVE_OVERRIDE_H

#include "vstring.h"

#define RECEIVE_NO_UNKNOWN_RCPT       (1 << 0) /* no_unknown_recipient_checks (smtpd) */
#define RECEIVE_NO_ADDRESS_MAPPINGS   (1 << 1) /* no_address_mappings (cleanup) */
#define RECEIVE_NO_HEADER_BODY_CHECKS (1 << 2) /* no_header_body_checks (cleanup) */
#define RECEIVE_NO_MILTERS            (1 << 3) /* no_milters (smtpd, cleanup) */

extern int receive_override_parse(const char *value, int *out_options, VSTRING *why);
extern int receive_override_cleanup_flags(int options, int flags);

#endif
