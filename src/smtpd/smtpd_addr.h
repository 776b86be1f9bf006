/*
 * smtpd_addr.h - the address and parameters of MAIL FROM and RCPT TO
 *
 * smtpd_addr_parse() takes the text after the verb ("FROM:<a@b> SIZE=9")
 * and returns the address in internal form (source route removed, local
 * part unquoted) and the ESMTP parameters. smtpd_addr_external() quotes an
 * internal address again where RFC 5321 needs it (Received: "for <...>").
 * smtpd_addr_token() gives the address as the client wrote it, for logs.
 */
#ifndef SMTPD_ADDR_H
#define SMTPD_ADDR_H

#include <stdbool.h>

#include "argv.h"
#include "vstring.h"

#define SMTPD_ADDR_OK     0  /* parsed */
#define SMTPD_ADDR_SYNTAX -1 /* no "FROM:"/"TO:" or no address at all */
#define SMTPD_ADDR_BAD    -2 /* the address itself is malformed */

extern int smtpd_addr_parse(const char *args, const char *keyword, bool strict, VSTRING *out_addr,
                            ARGV *out_params);
extern int smtpd_addr_internal(VSTRING *out, const char *text, size_t len);
extern const char *smtpd_addr_external(VSTRING *out, const char *internal);
extern const char *smtpd_addr_token(VSTRING *out, const char *args, const char *keyword);

#endif
