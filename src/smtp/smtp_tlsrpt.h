/*
 * smtp_tlsrpt.h - TLSRPT (RFC 8460) results of the SMTP client
 *
 * With smtp_tlsrpt_enable, each TLS session that the client attempts
 * towards a policy domain (a next hop that is a domain or host name, not
 * an address or a UNIX-domain socket) ends in exactly one record for
 * tlsrpt(8): success, or a failure with its RFC 8460 result type, under
 * the policy that applied: the server's DANE TLSA records ("tlsa"), an
 * MTA-STS policy ("sts", set by the MTA-STS code with
 * smtp_tlsrpt_policy_sts()), or none ("no-policy-found"). Failures that
 * end a delivery attempt before a connection exists (a DNSSEC problem,
 * unusable TLSA records, an MX host outside an STS policy) are recorded
 * with smtp_tlsrpt_failure_addr().
 *
 * A lost record is logged by tlsrpt_client(3), never a deferral.
 */
#ifndef SMTP_TLSRPT_H
#define SMTP_TLSRPT_H

#include <stdbool.h>

#include "vstring.h"

#include "smtp_dns.h"
#include "smtp_tlsa.h"
#include "tlsrpt_client.h"

/* The main.cf side (strings owned by the CONFIG). */
typedef struct SMTP_TLSRPT_CONFIG {
    bool enable;             /* smtp_tlsrpt_enable */
    const char *socket_name; /* smtp_tlsrpt_socket_name */
    bool skip_reused;        /* smtp_tlsrpt_skip_reused_handshakes */
} SMTP_TLSRPT_CONFIG;

/* The policy that applies to one session, and whether its result is recorded. */
typedef struct SMTP_TLSRPT {
    const char *policy_type; /* TLSRPT_POLICY_* (static), or NULL: nothing to record */
    VSTRING *policy_strings; /* newline-separated policy strings, owned, or NULL */
    VSTRING *mx_host;        /* newline-separated STS mx patterns, owned, or NULL */
    VSTRING *helo;           /* the server's name in its EHLO (HELO) reply, owned, or NULL */
    bool done;               /* the session's result has been recorded (or skipped) */
} SMTP_TLSRPT;

typedef struct SMTP_STATE SMTP_STATE;
typedef struct SMTP_SESSION SMTP_SESSION;

extern void smtp_tlsrpt_init(const SMTP_TLSRPT_CONFIG *config);
extern void smtp_tlsrpt_start(const SMTP_STATE *state, SMTP_TLSRPT *rpt, int tls_level,
                              const SMTP_TLSA_LIST *tlsa);
extern void smtp_tlsrpt_policy_sts(SMTP_TLSRPT *rpt, const char *policy_strings,
                                   const char *mx_patterns);
extern void smtp_tlsrpt_helo(SMTP_SESSION *session, const char *reply_line);
extern void smtp_tlsrpt_success(SMTP_SESSION *session);
extern void smtp_tlsrpt_failure(SMTP_SESSION *session, const char *result, const char *reason);
extern void smtp_tlsrpt_failure_addr(const SMTP_STATE *state, const SMTP_ADDR *addr,
                                     SMTP_TLSRPT *rpt, const char *result, const char *reason);
extern const char *smtp_tlsrpt_cert_result(const SMTP_SESSION *session);
extern void smtp_tlsrpt_free(SMTP_TLSRPT *rpt);

#endif
