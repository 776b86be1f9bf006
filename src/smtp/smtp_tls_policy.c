/*++
 * NAME
 *	smtp_tls_policy - the TLS security level and settings for one server
 * SYNOPSIS
 *	#include "smtp_tls_policy.h"
 *
 *	int	smtp_tls_global_level(const SMTP_TLS_CONFIG *config,
 *				VSTRING *why);
 *	int	smtp_tls_policy_parse(SMTP_TLS_POLICY *policy,
 *				const char *where, const char *value,
 *				VSTRING *why);
 *	void	smtp_tls_policy_find(SMTP_TLS_POLICY *policy,
 *				const SMTP_TLS_CONFIG *config,
 *				const char *dest_key, const char *host);
 *	const char *smtp_tls_policy_sni(const SMTP_TLS_POLICY *policy,
 *				const char *host, const char *nexthop);
 *	void	smtp_tls_policy_free(SMTP_TLS_POLICY *policy);
 * DESCRIPTION
 *	smtp_tls_global_level() returns the level that main.cf sets for
 *	every destination: smtp_tls_security_level, or when that is empty
 *	the legacy parameters (smtp_enforce_tls: verify with
 *	smtp_tls_enforce_peername, else encrypt; smtp_use_tls: may; else
 *	none). Without DANE support (config->dane_ok false: no DNSSEC
 *	lookups) "dane" becomes "may" with a warning and "dane-only"
 *	gives TLS_LEV_INVALID with a reason in why; so does an unknown
 *	name. This is the one place where
 *	the main.cf level is parsed: smtp(8) calls it once at start-up and
 *	keeps the result (and the reason) in the level and level_problem
 *	members of its SMTP_TLS_CONFIG.
 *
 *	smtp_tls_policy_parse() parses one table value ("level
 *	name=value ...") into an empty policy. where names the table and
 *	key for messages. It returns 0, or -1 with policy->level
 *	TLS_LEV_INVALID and a reason in why (see smtp_tls_policy.h for
 *	what is refused). The DANE levels are returned as written.
 *
 *	smtp_tls_policy_find() fills an empty policy for the server host
 *	(its name, or NULL before it is known) of the next hop dest_key
 *	(the next hop as written): the global level (config->level; when
 *	that is TLS_LEV_INVALID, config->level_problem is logged, and when
 *	it is "dane" taken as "may", that is logged again), then the
 *	table entry (whose DANE levels are treated as the global one's),
 *	then the
 *	smtp_tls_policy_maps entry (a domain key is looked up with its
 *	parent domains as ".parent"), or only when there are no policy
 *	maps the smtp_tls_per_site entries of next hop and host. Then the
 *	main.cf defaults for what the entry did not set: the match list of
 *	the level (smtp_tls_fingerprint_cert_match,
 *	smtp_tls_verify_cert_match, smtp_tls_secure_cert_match), the trust
 *	anchors (smtp_tls_trust_anchor_file) and the server name
 *	(smtp_tls_servername). An invalid policy has level TLS_LEV_INVALID,
 *	error_dsn and error set, and a warning in the log.
 *
 *	smtp_tls_policy_sni() returns the SNI name to send: NULL for none,
 *	the host for "hostname", the next hop for "nexthop", else the
 *	literal name.
 *
 *	smtp_tls_policy_free() releases what a policy holds and empties it.
 * DIAGNOSTICS
 *	Warnings: invalid policies (naming the table and key), lookup
 *	errors, attributes ignored at level none, DANE levels.
 *--*/

/* System library. */
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "domain_find.h"
#include "mail_params.h"

/* TLS library. */
#include "tls_cipher.h"
#include "tls_dh.h"
#include "tls_level.h"
#include "tls_proto.h"
#include "tls_sni.h"

/* Application-specific. */
#include "smtp_tls_policy.h"

#define SMTP_TLS_NOTFOUND (-2) /* per-site: no entry yet */

/* Attributes under construction. */
typedef struct SMTP_TLS_ATTRS {
    ARGV *match;  /* match= values */
    ARGV *tafile; /* tafile= values */
} SMTP_TLS_ATTRS;

#define SMTP_TLS_DANE_PROBLEM(c) ((c)->dane_problem ? (c)->dane_problem : "DNSSEC lookups are off")

/* smtp_tls_dane_warn - level dane becomes may here: say so */

static void smtp_tls_dane_warn(const SMTP_TLS_CONFIG *config, const char *where)
{
    msg_warn("%s: level \"%s\" needs DNSSEC support, which this client lacks (%s): "
             "using level \"%s\"",
             where, tls_level_name(TLS_LEV_DANE), SMTP_TLS_DANE_PROBLEM(config),
             tls_level_name(TLS_LEV_MAY));
}

/* smtp_tls_dane_level - what this client makes of the DANE levels */

static int smtp_tls_dane_level(const SMTP_TLS_CONFIG *config, int level, const char *where,
                               VSTRING *why)
{
    if (config->dane_ok)
        return level;
    if (level == TLS_LEV_DANE) {
        smtp_tls_dane_warn(config, where);
        return TLS_LEV_MAY;
    }
    if (level == TLS_LEV_DANE_ONLY) {
        vstring_sprintf(why, "level \"%s\" needs DNSSEC support, which this client lacks (%s)",
                        tls_level_name(TLS_LEV_DANE_ONLY), SMTP_TLS_DANE_PROBLEM(config));
        return TLS_LEV_INVALID;
    }
    return level;
}

/* smtp_tls_global_level - the main.cf level */

int smtp_tls_global_level(const SMTP_TLS_CONFIG *config, VSTRING *why)
{
    int level;

    if (config->security_level && *config->security_level) {
        if ((level = tls_level_lookup(config->security_level)) == TLS_LEV_INVALID) {
            vstring_sprintf(why, "invalid %s value \"%s\"",
                            SMTP_TLS_PARAM(config, TLS_SECURITY_LEVEL), config->security_level);
            return TLS_LEV_INVALID;
        }
        return smtp_tls_dane_level(config, level, SMTP_TLS_PARAM(config, TLS_SECURITY_LEVEL), why);
    }
    if (config->enforce_tls)
        return config->enforce_peername ? TLS_LEV_VERIFY : TLS_LEV_ENCRYPT;
    return config->use_tls ? TLS_LEV_MAY : TLS_LEV_NONE;
}

/* smtp_tls_set_once - a single-valued attribute */

static int smtp_tls_set_once(char **slot, const char *name, const char *value, VSTRING *why)
{
    if (*slot) {
        vstring_sprintf(why, "duplicate \"%s\" attribute", name);
        return -1;
    }
    *slot = mystrdup(value);
    return 0;
}

/* smtp_tls_bool - a yes/no attribute */

static int smtp_tls_bool(bool *out, const char *name, const char *value, VSTRING *why)
{
    if (strcasecmp(value, "yes") == 0)
        *out = true;
    else if (strcasecmp(value, "no") == 0)
        *out = false;
    else
        return (vstring_sprintf(why, "invalid \"%s\" value \"%s\": want yes or no", name, value),
                -1);
    return 0;
}

/* smtp_tls_pq - the post-quantum attribute (our extension) */

static int smtp_tls_pq(SMTP_TLS_POLICY *policy, const char *value, VSTRING *why)
{
    int mode = tls_dh_pq_mode(value);

    if (policy->pq_set)
        return (vstring_sprintf(why, "duplicate \"pq\" attribute"), -1);
    if (mode < 0)
        return (vstring_sprintf(why, "invalid \"pq\" value \"%s\": want yes, no or only", value),
                -1);
    policy->pq_mode = mode;
    policy->pq_set = true;
    return 0;
}

/* smtp_tls_value_check - values that can be checked here */

static int smtp_tls_value_check(const char *name, const char *value, VSTRING *why)
{
    int min_version, max_version;

    if (strcasecmp(name, "ciphers") == 0 && tls_cipher_grade(value) == TLS_CIPHER_NONE)
        vstring_sprintf(why, "invalid \"ciphers\" value \"%s\"", value);
    else if (strcasecmp(name, "protocols") == 0 &&
             tls_proto_parse(value, &min_version, &max_version, NULL) < 0)
        vstring_sprintf(why, "invalid \"protocols\" value \"%s\"", value);
    else if (strcasecmp(name, "servername") == 0 && strcasecmp(value, "hostname") != 0 &&
             strcasecmp(value, "nexthop") != 0 && !tls_sni_name_ok(value))
        vstring_sprintf(why, "invalid \"servername\" value \"%s\"", value);
    else
        return 0;
    return -1;
}

/* smtp_tls_attr - one name=value attribute */

static int smtp_tls_attr(SMTP_TLS_POLICY *policy, SMTP_TLS_ATTRS *attrs, const char *name,
                         const char *value, VSTRING *why)
{
    int level = policy->level;

    if (*value == 0)
        return (vstring_sprintf(why, "empty \"%s\" value", name), -1);
    if (smtp_tls_value_check(name, value, why) < 0)
        return -1;
    if (strcasecmp(name, "ciphers") == 0)
        return smtp_tls_set_once(&policy->grade, name, value, why);
    if (strcasecmp(name, "protocols") == 0)
        return smtp_tls_set_once(&policy->protocols, name, value, why);
    if (strcasecmp(name, "exclude") == 0)
        return smtp_tls_set_once(&policy->exclusions, name, value, why);
    if (strcasecmp(name, "servername") == 0)
        return smtp_tls_set_once(&policy->servername, name, value, why);
    if (strcasecmp(name, "connection_reuse") == 0)
        return smtp_tls_bool(&policy->connection_reuse, name, value, why);
    if (strcasecmp(name, "pq") == 0)
        return smtp_tls_pq(policy, value, why);
    if (strcasecmp(name, "enable_rpk") == 0) {
        policy->rpk_set = true;
        return smtp_tls_bool(&policy->enable_rpk, name, value, why);
    }
    if (strcasecmp(name, "match") == 0) {
        if (level == TLS_LEV_FPRINT)
            argv_split_append(attrs->match, value, "|");
        else if (TLS_MUST_PKIX(level) || TLS_DANE_BASED(level))
            argv_split_append(attrs->match, value, ":");
        else
            return (vstring_sprintf(why,
                                    "\"match\" attribute with level \"%s\": only valid with "
                                    "\"fingerprint\", \"dane\", \"dane-only\", \"verify\" "
                                    "or \"secure\"",
                                    tls_level_name(level)),
                    -1);
        return 0;
    }
    if (strcasecmp(name, "tafile") == 0) {
        if (!TLS_MUST_PKIX(level))
            return (vstring_sprintf(why,
                                    "\"tafile\" attribute with level \"%s\": only valid with "
                                    "\"verify\" or \"secure\"",
                                    tls_level_name(level)),
                    -1);
        argv_add(attrs->tafile, value);
        return 0;
    }
    vstring_sprintf(why, "invalid attribute name \"%s\"", name);
    return -1;
}

/* smtp_tls_attrs - the attribute list after the level */

static int smtp_tls_attrs(SMTP_TLS_POLICY *policy, char *cp, VSTRING *why)
{
    SMTP_TLS_ATTRS attrs = {.match = argv_alloc(4), .tafile = argv_alloc(2)};
    char *tok, *name, *value;
    int status = 0;

    while (status == 0 && (tok = mystrtok(&cp, " \t\r\n,")) != NULL) {
        if (strchr(tok, '=') == NULL || split_nameval(tok, &name, &value) != NULL || *name == 0)
            status = (vstring_sprintf(why, "malformed attribute/value pair \"%s\"", tok), -1);
        else
            status = smtp_tls_attr(policy, &attrs, name, value, why);
    }
    if (status == 0 && attrs.match->argc > 0)
        policy->match = argv_join(attrs.match, policy->level == TLS_LEV_FPRINT ? "|" : ":");
    if (status == 0 && attrs.tafile->argc > 0)
        policy->tafile = argv_join(attrs.tafile, " ");
    argv_free(attrs.match);
    argv_free(attrs.tafile);
    return status;
}

/* smtp_tls_policy_parse - one table value */

int smtp_tls_policy_parse(SMTP_TLS_POLICY *policy, const char *where, const char *value,
                          VSTRING *why)
{
    char *copy = mystrdup(value), *cp = copy, *tok;
    int status = -1;

    if ((tok = mystrtok(&cp, " \t\r\n,")) == NULL) {
        vstring_sprintf(why, "empty TLS policy");
    } else if ((policy->level = tls_level_lookup(tok)) == TLS_LEV_INVALID) {
        vstring_sprintf(why, "invalid TLS security level \"%s\"", tok);
    } else if (policy->level == TLS_LEV_NONE) {
        if (*(cp += strspn(cp, " \t\r\n,")) != 0)
            msg_warn("%s: ignoring attributes of level \"none\": \"%s\"", where, cp);
        status = 0;
    } else if (smtp_tls_attrs(policy, cp, why) == 0) {
        status = 0;
    }
    if (status < 0)
        policy->level = TLS_LEV_INVALID;
    myfree(copy);
    return status;
}

/* smtp_tls_invalid - mark a policy invalid */

static void smtp_tls_invalid(SMTP_TLS_POLICY *policy, const char *dsn, const char *text)
{
    policy->level = TLS_LEV_INVALID;
    policy->error_dsn = dsn;
    myfree(policy->error);
    policy->error = mystrdup(text);
}

/* smtp_tls_maps_find - the smtp_tls_policy_maps entry, or NULL */

static const char *smtp_tls_maps_find(MAPS *maps, const char *key, int *out_error)
{
    const char *value;

    /* Only a host or domain name walks up its parents; "[x]:port" and "x:port" do not. */
    if (tls_sni_name_ok(key))
        value = domain_find(maps, key, DOMAIN_FIND_DOT_PARENT, NULL);
    else
        value = maps_find(maps, key, 0);
    *out_error = value == NULL && maps->error != 0;
    return value;
}

/* smtp_tls_policy_table - apply the smtp_tls_policy_maps entry */

static void smtp_tls_policy_table(SMTP_TLS_POLICY *policy, const SMTP_TLS_CONFIG *config,
                                  MAPS *maps, const char *key)
{
    VSTRING *why = vstring_alloc(100);
    VSTRING *where = vstring_alloc(100);
    const char *value;
    int error;

    vstring_sprintf(where, "%s, next-hop destination \"%s\"", maps->title, key);
    if ((value = smtp_tls_maps_find(maps, key, &error)) != NULL) {
        policy->level = TLS_LEV_NONE;
        policy->from_table = true;
        if (smtp_tls_policy_parse(policy, vstring_str(where), value, why) < 0 ||
            (policy->level = smtp_tls_dane_level(config, policy->level, vstring_str(where), why)) ==
                TLS_LEV_INVALID) {
            msg_warn("%s: %s", vstring_str(where), vstring_str(why));
            smtp_tls_invalid(policy, "4.7.5", SMTP_TLS_POLICY_INVALID_TEXT);
        }
    } else if (error) {
        msg_warn("%s: table lookup error: %s", vstring_str(where), maps_reason(maps));
        smtp_tls_invalid(policy, "4.7.5", SMTP_TLS_POLICY_INVALID_TEXT);
    }
    vstring_free(why);
    vstring_free(where);
}

/* smtp_tls_site_one - merge one smtp_tls_per_site entry */

static int smtp_tls_site_one(MAPS *maps, const char *name, const char *what, int site_level)
{
    const char *value = maps_find(maps, name, 0);

    if (value == NULL) {
        if (maps->error) {
            msg_warn("%s: %s \"%s\": table lookup error: %s", maps->title, what, name,
                     maps_reason(maps));
            return TLS_LEV_INVALID;
        }
        return site_level;
    }
    /* NONE beats MAY and no entry; MAY beats no entry; MUST_* only raise. */
    if (strcasecmp(value, "NONE") == 0)
        return site_level <= TLS_LEV_MAY ? TLS_LEV_NONE : site_level;
    if (strcasecmp(value, "MAY") == 0)
        return site_level < TLS_LEV_NONE ? TLS_LEV_MAY : site_level;
    if (strcasecmp(value, "MUST_NOPEERMATCH") == 0)
        return site_level < TLS_LEV_ENCRYPT ? TLS_LEV_ENCRYPT : site_level;
    if (strcasecmp(value, "MUST") == 0)
        return site_level < TLS_LEV_VERIFY ? TLS_LEV_VERIFY : site_level;
    msg_warn("%s: %s \"%s\": unknown TLS policy \"%s\"", maps->title, what, name, value);
    return TLS_LEV_INVALID;
}

/* smtp_tls_per_site - apply the legacy smtp_tls_per_site entries */

static void smtp_tls_per_site(SMTP_TLS_POLICY *policy, MAPS *maps, const char *key,
                              const char *host)
{
    int site_level = smtp_tls_site_one(maps, key, "next-hop destination", SMTP_TLS_NOTFOUND);

    if (site_level != TLS_LEV_INVALID && host != NULL)
        site_level = smtp_tls_site_one(maps, host, "server hostname", site_level);
    if (site_level == TLS_LEV_INVALID)
        smtp_tls_invalid(policy, "4.3.0", "Temporary lookup error");
    else if (site_level == SMTP_TLS_NOTFOUND)
        return;
    policy->from_table = true;
    if (site_level == TLS_LEV_MAY && policy->level > TLS_LEV_MAY)
        return; /* MAY does not weaken a stronger global level */
    policy->level = site_level;
}

/* smtp_tls_defaults - main.cf settings for what the entry left open */

static void smtp_tls_defaults(SMTP_TLS_POLICY *policy, const SMTP_TLS_CONFIG *config)
{
    const char *match = NULL;

    if (policy->level == TLS_LEV_FPRINT)
        match = config->fingerprint_cert_match;
    else if (policy->level == TLS_LEV_VERIFY)
        match = config->verify_cert_match;
    else if (policy->level == TLS_LEV_SECURE)
        match = config->secure_cert_match;
    if (policy->match == NULL && match != NULL)
        policy->match = mystrdup(match);
    if (policy->level < TLS_LEV_FPRINT && policy->match) {
        myfree(policy->match);
        policy->match = NULL;
    }
    if (policy->tafile == NULL && TLS_MUST_PKIX(policy->level) && config->trust_anchor_file &&
        *config->trust_anchor_file)
        policy->tafile = mystrdup(config->trust_anchor_file);
    if (policy->servername == NULL && config->servername && *config->servername)
        policy->servername = mystrdup(config->servername);
    if (!policy->rpk_set)
        policy->enable_rpk = config->enable_rpk;
}

/* smtp_tls_policy_find - the policy for one server */

void smtp_tls_policy_find(SMTP_TLS_POLICY *policy, const SMTP_TLS_CONFIG *config,
                          const char *dest_key, const char *host)
{
    memset(policy, 0, sizeof(*policy));
    if (config->level_dane_fallback)
        smtp_tls_dane_warn(config, SMTP_TLS_PARAM(config, TLS_SECURITY_LEVEL));
    if ((policy->level = config->level) == TLS_LEV_INVALID) {
        msg_warn("%s", config->level_problem);
        smtp_tls_invalid(policy, "4.7.5", SMTP_TLS_POLICY_INVALID_TEXT);
    } else if (config->policy_maps) {
        smtp_tls_policy_table(policy, config, config->policy_maps, dest_key);
    } else if (config->per_site) {
        smtp_tls_per_site(policy, config->per_site, dest_key, host);
    }
    if (policy->level != TLS_LEV_INVALID)
        smtp_tls_defaults(policy, config);
}

/* smtp_tls_policy_sni - the SNI name to send */

const char *smtp_tls_policy_sni(const SMTP_TLS_POLICY *policy, const char *host,
                                const char *nexthop)
{
    if (policy->servername == NULL || *policy->servername == 0)
        return NULL;
    if (strcasecmp(policy->servername, "hostname") == 0)
        return host;
    if (strcasecmp(policy->servername, "nexthop") == 0)
        return nexthop;
    return policy->servername;
}

/* smtp_tls_policy_free - release a policy */

void smtp_tls_policy_free(SMTP_TLS_POLICY *policy)
{
    myfree(policy->protocols);
    myfree(policy->grade);
    myfree(policy->exclusions);
    myfree(policy->match);
    myfree(policy->tafile);
    myfree(policy->servername);
    myfree(policy->error);
    memset(policy, 0, sizeof(*policy));
}
