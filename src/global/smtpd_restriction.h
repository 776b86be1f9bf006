/*
 * smtpd_restriction.h - the vocabulary of SMTP server restrictions
 *
 * One table of every name that a restriction list (smtpd_client_restrictions,
 * ..., a restriction class, a restriction list returned by an access table)
 * may contain, with the argument it takes. smtpd(8) evaluates the
 * restrictions of this version by their SMTPD_RESTRICTION_ID; "postfix
 * check" parses lists with the same table and the same parser, so that a
 * list that passes the check is one that smtpd accepts. Names that Postfix
 * knows but this version does not implement are listed too, so that they
 * are reported as such rather than as typing errors.
 *
 *	SMTPD_RESTRICTION_PARSER parser = {.problem = fn, .context = ctx};
 *	ARGV *tokens = smtpd_restriction_split(value);
 *	problems = smtpd_restriction_parse(&parser, "smtpd_client_restrictions",
 *					   tokens->argv);
 */
#ifndef SMTPD_RESTRICTION_H
#define SMTPD_RESTRICTION_H

#include <stdbool.h>

#include "argv.h"

/* The implemented restrictions; smtpd has one function for each. */
typedef enum SMTPD_RESTRICTION_ID {
    SMTPD_RID_UNIMPLEMENTED = -1, /* known to Postfix, not implemented here */
    SMTPD_RID_PERMIT,
    SMTPD_RID_REJECT,
    SMTPD_RID_DEFER,
    SMTPD_RID_PERMIT_MYNETWORKS,
    SMTPD_RID_PERMIT_AUTH_DESTINATION,
    SMTPD_RID_REJECT_UNAUTH_DESTINATION,
    SMTPD_RID_DEFER_UNAUTH_DESTINATION,
    SMTPD_RID_PERMIT_SASL_AUTHENTICATED,
    SMTPD_RID_PERMIT_TLS_CLIENTCERTS,
    SMTPD_RID_PERMIT_TLS_ALL_CLIENTCERTS,
    SMTPD_RID_CHECK_CCERT_ACCESS,
    SMTPD_RID_CHECK_CLIENT_ACCESS,
    SMTPD_RID_CHECK_HELO_ACCESS,
    SMTPD_RID_CHECK_SENDER_ACCESS,
    SMTPD_RID_CHECK_RECIPIENT_ACCESS,
    SMTPD_RID_REJECT_NON_FQDN_HELO_HOSTNAME,
    SMTPD_RID_REJECT_NON_FQDN_SENDER,
    SMTPD_RID_REJECT_NON_FQDN_RECIPIENT,
    SMTPD_RID_CHECK_SASL_ACCESS,
    SMTPD_RID_REJECT_SENDER_LOGIN_MISMATCH,
    SMTPD_RID_REJECT_AUTH_SENDER_LOGIN_MISMATCH,
    SMTPD_RID_REJECT_KNOWN_SENDER_LOGIN_MISMATCH,
    SMTPD_RID_REJECT_UNAUTH_SENDER_LOGIN_MISMATCH,
    SMTPD_RID_REJECT_INVALID_HELO_HOSTNAME,
    SMTPD_RID_REJECT_UNKNOWN_HELO_HOSTNAME,
    SMTPD_RID_REJECT_UNKNOWN_CLIENT_HOSTNAME,
    SMTPD_RID_REJECT_UNKNOWN_REVERSE_CLIENT_HOSTNAME,
    SMTPD_RID_REJECT_UNKNOWN_SENDER_DOMAIN,
    SMTPD_RID_REJECT_UNKNOWN_RECIPIENT_DOMAIN,
    SMTPD_RID_REJECT_UNAUTH_PIPELINING,
    SMTPD_RID_REJECT_MULTI_RECIPIENT_BOUNCE,
    SMTPD_RID_REJECT_PLAINTEXT_SESSION,
    SMTPD_RID_PERMIT_INET_INTERFACES,
    SMTPD_RID_WARN_IF_REJECT,
    SMTPD_RID_DEFER_IF_PERMIT,
    SMTPD_RID_DEFER_IF_REJECT,
    SMTPD_RID_SLEEP,
    SMTPD_RID_CHECK_POLICY_SERVICE,
    SMTPD_RID_REJECT_RBL_CLIENT,
    SMTPD_RID_REJECT_RHSBL_CLIENT,
    SMTPD_RID_REJECT_RHSBL_REVERSE_CLIENT,
    SMTPD_RID_REJECT_RHSBL_HELO,
    SMTPD_RID_REJECT_RHSBL_SENDER,
    SMTPD_RID_REJECT_RHSBL_RECIPIENT,
    SMTPD_RID_PERMIT_DNSWL_CLIENT,
    SMTPD_RID_PERMIT_RHSWL_CLIENT,
    SMTPD_RID_CHECK_REVERSE_CLIENT_ACCESS,
    SMTPD_RID_PERMIT_MX_BACKUP,
    SMTPD_RID_REJECT_UNLISTED_SENDER,
    SMTPD_RID_REJECT_UNLISTED_RECIPIENT,
    SMTPD_RID_CHECK_CLIENT_MX_ACCESS,
    SMTPD_RID_CHECK_CLIENT_NS_ACCESS,
    SMTPD_RID_CHECK_CLIENT_A_ACCESS,
    SMTPD_RID_CHECK_REVERSE_CLIENT_MX_ACCESS,
    SMTPD_RID_CHECK_REVERSE_CLIENT_NS_ACCESS,
    SMTPD_RID_CHECK_REVERSE_CLIENT_A_ACCESS,
    SMTPD_RID_CHECK_HELO_MX_ACCESS,
    SMTPD_RID_CHECK_HELO_NS_ACCESS,
    SMTPD_RID_CHECK_HELO_A_ACCESS,
    SMTPD_RID_CHECK_SENDER_MX_ACCESS,
    SMTPD_RID_CHECK_SENDER_NS_ACCESS,
    SMTPD_RID_CHECK_SENDER_A_ACCESS,
    SMTPD_RID_CHECK_RECIPIENT_MX_ACCESS,
    SMTPD_RID_CHECK_RECIPIENT_NS_ACCESS,
    SMTPD_RID_CHECK_RECIPIENT_A_ACCESS,
    SMTPD_RID_CHECK_ETRN_ACCESS,
    SMTPD_RID_COUNT, /* number of implemented restrictions */
} SMTPD_RESTRICTION_ID;

typedef struct SMTPD_RESTRICTION_INFO {
    const char *name;        /* as in main.cf */
    SMTPD_RESTRICTION_ID id; /* what smtpd does, or SMTPD_RID_UNIMPLEMENTED */
    int flags;               /* SMTPD_RESTRICTION_FLAG_* */
} SMTPD_RESTRICTION_INFO;

#define SMTPD_RESTRICTION_FLAG_TABLE (1 << 0) /* the next element is a type:table */
#define SMTPD_RESTRICTION_FLAG_ARG   (1 << 1) /* the next element is another argument */
#define SMTPD_RESTRICTION_FLAG_RELAY (1 << 2) /* stops relaying: an open-relay guard */
#define SMTPD_RESTRICTION_FLAG_CCERT (1 << 3) /* needs client certificates */

/* How smtpd_restriction_parse() reports; callbacks other than problem may be NULL. */
typedef struct SMTPD_RESTRICTION_PARSER {
    bool (*is_class)(void *context, const char *name); /* a restriction class name */
    void (*problem)(void *context, const char *text);  /* one full sentence */
    void (*table)(void *context, const char *param, const char *restriction,
                  const char *table); /* each type:table argument */
    void *context;                    /* for the callbacks */
} SMTPD_RESTRICTION_PARSER;

extern const SMTPD_RESTRICTION_INFO *smtpd_restriction_find(const char *name);
extern ARGV *smtpd_restriction_split(const char *value);
extern int smtpd_restriction_parse(const SMTPD_RESTRICTION_PARSER *parser, const char *param,
                                   char **tokens);
extern bool smtpd_restriction_guarded(char **tokens);

#endif
