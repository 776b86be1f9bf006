/*
 * smtp_requiretls.h - REQUIRETLS (RFC 8689) and TLS-Required: no in the SMTP client
 *
 * A message that arrived with MAIL FROM ... REQUIRETLS carries the queue
 * file attribute requiretls=yes; smtp_requiretls_policy (lmtp_...) says
 * per next hop what the client does with it, and requiretls_enable = no
 * (for instance "-o requiretls_enable=no" on the transport that hands
 * mail to internal servers) ignores it. A message with a "TLS-Required:
 * no" header carries tls_required=no: with tls_required_enable its TLS
 * policy is relaxed to opportunistic TLS. See smtp_requiretls.c.
 */
#ifndef SMTP_REQUIRETLS_H
#define SMTP_REQUIRETLS_H

#include <stdbool.h>

#include "argv.h"
#include "maps.h"
#include "vstring.h"

/* The main.cf side (strings owned by the CONFIG; words and maps by smtp_requiretls_init()). */
typedef struct SMTP_REQUIRETLS_CONFIG {
    bool lmtp;                /* LMTP mode: lmtp_* parameter names in texts */
    bool enable;              /* requiretls_enable */
    bool tls_required_enable; /* tls_required_enable */
    const char *policy;       /* smtp_requiretls_policy */
    ARGV *words;              /* the policy's elements: keywords and "type:table" */
    MAPS **maps;              /* per element: its table, or NULL for a keyword */
} SMTP_REQUIRETLS_CONFIG;

/* What a message gets at one next hop. */
#define SMTP_REQUIRETLS_ERROR         (-1) /* a policy table failed: defer */
#define SMTP_REQUIRETLS_NONE          0    /* not asked for, disabled, or "disable" */
#define SMTP_REQUIRETLS_ENFORCE       1    /* RFC 8689: authenticated TLS and REQUIRETLS */
#define SMTP_REQUIRETLS_OPPORTUNISTIC 2    /* pass REQUIRETLS on where offered; deliver anyway */

typedef struct SMTP_STATE SMTP_STATE;
typedef struct SMTP_SESSION SMTP_SESSION;
typedef struct SMTP_TLS_POLICY SMTP_TLS_POLICY;

extern void smtp_requiretls_init(SMTP_REQUIRETLS_CONFIG *config);
extern int smtp_requiretls_mode(const SMTP_REQUIRETLS_CONFIG *config, const char *requiretls,
                                const char *nexthop_key, const char *nexthop_name, VSTRING *why);
extern bool smtp_requiretls_relax(const SMTP_STATE *state, SMTP_TLS_POLICY *policy);
extern int smtp_requiretls_check(SMTP_SESSION *session);
extern bool smtp_requiretls_send(const SMTP_SESSION *session);

#define SMTP_REQUIRETLS_DSN "5.7.10" /* RFC 8689: REQUIRETLS support required */

#endif
