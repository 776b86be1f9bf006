/*
 * tlsrpt_txt.h - the TLSRPT policy of a domain: its _smtp._tls TXT record
 *
 * RFC 8460 section 3: "v=TLSRPTv1; rua=mailto:reports@example.com,
 * https://reporting.example.com/v1/tlsrpt". See tlsrpt_txt.c.
 */
#ifndef TLSRPT_TXT_H
#define TLSRPT_TXT_H

#include "argv.h"
#include "dns_lookup.h"
#include "vstring.h"

/* Results. */
#define TLSRPT_TXT_OK      0    /* one TLSRPTv1 record; the rua URIs are out */
#define TLSRPT_TXT_NONE    1    /* no TLSRPTv1 record: no reports wanted */
#define TLSRPT_TXT_INVALID 2    /* a malformed record, or more than one */
#define TLSRPT_TXT_RETRY   (-1) /* the DNS lookup failed for now */

extern int tlsrpt_txt_parse(const char *text, ARGV *out_rua, VSTRING *why);
extern int tlsrpt_txt_select(const ARGV *records, ARGV *out_rua, VSTRING *why);
extern int tlsrpt_txt_lookup(DNS_RESOLVER *resolver, const char *domain, ARGV *out_rua,
                             VSTRING *why);

#endif
