/*++
 * NAME
 *	smtp_requiretls - REQUIRETLS and TLS-Required: no in the SMTP client
 * SYNOPSIS
 *	#include "smtp.h"
 *
 *	void	smtp_requiretls_init(SMTP_REQUIRETLS_CONFIG *config);
 *	int	smtp_requiretls_mode(const SMTP_REQUIRETLS_CONFIG *config,
 *				const char *requiretls, const char *nexthop_key,
 *				const char *nexthop_name, VSTRING *why);
 *	bool	smtp_requiretls_relax(const SMTP_STATE *state,
 *				SMTP_TLS_POLICY *policy);
 *	int	smtp_requiretls_check(SMTP_SESSION *session);
 *	bool	smtp_requiretls_send(const SMTP_SESSION *session);
 * DESCRIPTION
 *	A message sent with REQUIRETLS (RFC 8689) may travel only over a
 *	TLS connection to a server that was authenticated and that
 *	announces REQUIRETLS itself, and the request goes on with the
 *	message. What the client does with such a message at a next hop
 *	is the first answer of smtp_requiretls_policy (lmtp_requiretls_policy
 *	in LMTP mode), a list of elements separated by commas or white
 *	space, each either a keyword or a "type:table" that is looked up
 *	with the next hop as written ("[host]:port" included) and then with
 *	its domain and parent domains as ".parent" (as smtp_tls_policy_maps),
 *	and whose value is a keyword; a table without the key passes on to
 *	the next element:
 * .IP enforce
 *	RFC 8689: the server must have authenticated at level fingerprint,
 *	dane (with a DNSSEC-secure MX), dane-only, verify or secure, and it
 *	must announce REQUIRETLS inside TLS; then MAIL FROM carries
 *	REQUIRETLS. Otherwise nothing is sent to that server; the failure
 *	is soft ("4.7.10") so that the next server is tried, and a
 *	recipient whose last server failed this way is returned to the
 *	sender with 5.7.10 (smtp_trouble(3)). This is also the answer when
 *	no element answers.
 * .IP opportunistic
 *	Deliver under the ordinary TLS policy; MAIL FROM carries REQUIRETLS
 *	when the server announces it inside TLS.
 * .IP disable
 *	Deliver as if the sender had not asked.
 * .PP
 *	smtp_requiretls_init() parses the policy once; an unknown keyword
 *	is fatal, and the tables are opened (DICT_FLAG_LOCK).
 *
 *	smtp_requiretls_mode() gives the SMTP_REQUIRETLS_* of a message
 *	(its requiretls attribute, or NULL) at a next hop: NONE unless the
 *	attribute is "yes" and requiretls_enable is on; ERROR with the
 *	reason in why when a table lookup failed or a table answered with
 *	something that is not a keyword (the mail is then deferred).
 *
 *	smtp_requiretls_relax() applies a "TLS-Required: no" header (the
 *	attribute tls_required=no) under tls_required_enable, unless the
 *	message also asked for REQUIRETLS: a policy above level may (DANE,
 *	a policy table entry, mandatory TLS, also an invalid table entry)
 *	becomes level may, with TLS when the server offers it and no
 *	certificate check. It returns true when it changed the policy.
 *
 *	smtp_requiretls_check() runs before MAIL FROM on every connection,
 *	a reused one included. Under "enforce" it returns SMTP_FAIL after
 *	recording the failure of the open recipients when the session does
 *	not qualify, else SMTP_OK.
 *
 *	smtp_requiretls_send() says whether MAIL FROM gets REQUIRETLS.
 * DIAGNOSTICS
 *	Fatal: an unknown keyword in the policy. Warnings: a table lookup
 *	error, a table value that is no keyword.
 * SEE ALSO
 *	RFC 8689; smtpd_requiretls(3), bounce(8)
 *--*/

/* System library. */
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "domain_find.h"
#include "mail_params.h"
#include "rec_type.h"

/* TLS library. */
#include "tls_level.h"

/* Application-specific. */
#include "smtp.h"

#define SMTP_REQUIRETLS_PARAM(config)                                                              \
    ((config)->lmtp ? VAR_LMTP_REQUIRETLS_POLICY : VAR_SMTP_REQUIRETLS_POLICY)

/* smtp_requiretls_keyword - a keyword as a mode, or ERROR */

static int smtp_requiretls_keyword(const char *word)
{
    if (strcasecmp(word, "enforce") == 0)
        return SMTP_REQUIRETLS_ENFORCE;
    if (strcasecmp(word, "opportunistic") == 0)
        return SMTP_REQUIRETLS_OPPORTUNISTIC;
    if (strcasecmp(word, "disable") == 0)
        return SMTP_REQUIRETLS_NONE;
    return SMTP_REQUIRETLS_ERROR;
}

/* smtp_requiretls_init - parse the policy, open its tables */

void smtp_requiretls_init(SMTP_REQUIRETLS_CONFIG *config)
{
    const char *param = SMTP_REQUIRETLS_PARAM(config);
    char *copy = mystrdup(config->policy ? config->policy : ""), *cp = copy, *token;

    /* Braces keep "inline:{ a=b, c=d }" in one piece. */
    config->words = argv_alloc(4);
    while ((token = mystrtok_braced(&cp, ", \t\r\n")) != NULL)
        argv_add(config->words, token);
    myfree(copy);
    config->maps = mycalloc(config->words->argc + 1, sizeof(*config->maps));
    for (size_t i = 0; i < config->words->argc; i++) {
        const char *word = config->words->argv[i];

        if (strchr(word, ':') != NULL)
            config->maps[i] = maps_create(param, word, DICT_FLAG_LOCK);
        else if (smtp_requiretls_keyword(word) == SMTP_REQUIRETLS_ERROR)
            msg_fatal("invalid %s value \"%s\": want enforce, opportunistic, disable or "
                      "type:table",
                      param, word);
    }
}

/* smtp_requiretls_table - one table's answer: a mode, ERROR, or NO_ANSWER */

#define SMTP_REQUIRETLS_NO_ANSWER (-2)

static int smtp_requiretls_table(MAPS *maps, const char *param, const char *key, const char *name,
                                 VSTRING *why)
{
    const char *value = NULL;
    int mode;

    if (key && strcmp(key, name) != 0)
        value = maps_find(maps, key, 0);
    if (value == NULL && maps->error == 0)
        value = domain_find(maps, name, DOMAIN_FIND_DOT_PARENT, NULL);
    if (value == NULL && maps->error != 0) {
        msg_warn("%s: lookup error for \"%s\": %s", param, name, maps_reason(maps));
        vstring_sprintf(why, "%s lookup error for %s", param, name);
        return SMTP_REQUIRETLS_ERROR;
    }
    if (value == NULL)
        return SMTP_REQUIRETLS_NO_ANSWER;
    while (*value == ' ' || *value == '\t')
        value++;
    if ((mode = smtp_requiretls_keyword(value)) == SMTP_REQUIRETLS_ERROR) {
        msg_warn("%s, next-hop destination \"%s\": invalid value \"%s\": want enforce, "
                 "opportunistic or disable",
                 param, name, value);
        vstring_sprintf(why, "invalid %s entry for %s", param, name);
    }
    return mode;
}

/* smtp_requiretls_mode - what REQUIRETLS means for this message at this next hop */

int smtp_requiretls_mode(const SMTP_REQUIRETLS_CONFIG *config, const char *requiretls,
                         const char *nexthop_key, const char *nexthop_name, VSTRING *why)
{
    const char *param = SMTP_REQUIRETLS_PARAM(config);

    if (requiretls == NULL || strcmp(requiretls, "yes") != 0 || !config->enable)
        return SMTP_REQUIRETLS_NONE;
    for (size_t i = 0; config->words && i < config->words->argc; i++) {
        int mode = config->maps[i] ? smtp_requiretls_table(config->maps[i], param, nexthop_key,
                                                           nexthop_name, why)
                                   : smtp_requiretls_keyword(config->words->argv[i]);

        if (mode != SMTP_REQUIRETLS_NO_ANSWER)
            return mode;
    }
    return SMTP_REQUIRETLS_ENFORCE;
}

/* smtp_requiretls_relax - TLS-Required: no */

bool smtp_requiretls_relax(const SMTP_STATE *state, SMTP_TLS_POLICY *policy)
{
    if (!state->tls_required_no || policy->level == TLS_LEV_NONE || policy->level == TLS_LEV_MAY)
        return false;
    smtp_tls_policy_free(policy);
    *policy = (SMTP_TLS_POLICY){.level = TLS_LEV_MAY};
    return true;
}

/* smtp_requiretls_authenticated - did the level authenticate the server as RFC 8689 wants? */

static bool smtp_requiretls_authenticated(int level)
{
    switch (level) {
    case TLS_LEV_FPRINT:
    case TLS_LEV_DANE:
    case TLS_LEV_DANE_ONLY:
    case TLS_LEV_VERIFY:
    case TLS_LEV_SECURE:
        return true;
    default:
        return false;
    }
}

/* smtp_requiretls_check - may this message go to this server? */

int smtp_requiretls_check(SMTP_SESSION *session)
{
    SMTP_STATE *state = session->state;
    const char *problem;

    if (state->requiretls != SMTP_REQUIRETLS_ENFORCE)
        return SMTP_OK;
    if (session->tls == NULL)
        problem = "the connection is not protected with TLS";
    else if (!smtp_requiretls_authenticated(session->tls_level))
        problem = "the server was not authenticated with DANE or a verified TLS policy";
    else if (!(session->features & SMTP_FEATURE_REQUIRETLS))
        problem = "the server does not support REQUIRETLS";
    else
        return SMTP_OK;
    smtp_site_fail(state, session->relay, "4.7.10", "REQUIRETLS failure: host %s: %s",
                   session->namaddr, problem);
    return SMTP_FAIL;
}

/* smtp_requiretls_send - MAIL FROM ... REQUIRETLS? */

bool smtp_requiretls_send(const SMTP_SESSION *session)
{
    return session->state->requiretls != SMTP_REQUIRETLS_NONE && session->tls != NULL &&
           (session->features & SMTP_FEATURE_REQUIRETLS) != 0;
}
