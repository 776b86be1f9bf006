/*++
 * NAME
 *	smtpd_config - the SMTP server's settings
 * SYNOPSIS
 *	#include "smtpd_config.h"
 *
 *	SMTPD_CONFIG *smtpd_config_init(CONFIG *config, const char *service,
 *				bool stand_alone);
 *	void	smtpd_config_free(SMTPD_CONFIG *cfg);
 *
 *	int	smtpd_config_bare_lf(const char *value, SMTPD_BARE_LF *out_mode);
 *	int	smtpd_config_tls_level(const char *level, bool use_tls,
 *				bool enforce_tls, bool wrappermode,
 *				SMTPD_TLS_LEVEL *out_level);
 * DESCRIPTION
 *	smtpd_config_init() reads every parameter the SMTP server uses from
 *	config, builds the access restrictions (smtpd_check(3)) and the TLS
 *	context, and returns the result. It runs before the first
 *	connection, as root where the daemon starts as root, so that TLS
 *	keys and tables are opened before privileges are dropped. service
 *	is the master.cf service name (for TLS session caching).
 *
 *	With stand_alone (sendmail -bs run by an ordinary user) the access
 *	restrictions are not built and TLS is not touched at all: no key
 *	file is read, no cache opened, nothing is logged about it.
 *
 *	smtpd_config_free() releases what smtpd_config_init() made.
 *
 *	smtpd_config_bare_lf() parses smtpd_forbid_bare_newline: "no",
 *	"normalize" (also "yes"), or "reject". It returns 0, or -1.
 *
 *	smtpd_config_tls_level() folds smtpd_tls_security_level and the
 *	legacy switches smtpd_use_tls and smtpd_enforce_tls into one level:
 *	wrapper mode implies encrypt; an empty level takes encrypt from
 *	enforce_tls, else may from use_tls, else none; "verify",
 *	"fingerprint" and "secure" mean encrypt for a server (warned). It
 *	returns 0, or -1 for an unknown level.
 * DIAGNOSTICS
 *	Fatal: a malformed value (naming the parameter and the value), a
 *	bad restriction list, an open relay configuration.
 *--*/

#include <string.h>
#include <strings.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#include "config.h"
#include "mail_params.h"
#include "match_list.h"

#include "smtpd_check.h"
#include "smtpd_config.h"
#include "smtpd_tls.h"

/* smtpd_config_bare_lf - parse smtpd_forbid_bare_newline */

int smtpd_config_bare_lf(const char *value, SMTPD_BARE_LF *out_mode)
{
    static const struct {
        const char *name;
        SMTPD_BARE_LF mode;
    } modes[] = {
        {"no", SMTPD_BARE_LF_NO},
        {"false", SMTPD_BARE_LF_NO},
        {"normalize", SMTPD_BARE_LF_NORMALIZE},
        {"yes", SMTPD_BARE_LF_NORMALIZE},
        {"true", SMTPD_BARE_LF_NORMALIZE},
        {"reject", SMTPD_BARE_LF_REJECT},
    };

    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        if (strcasecmp(value, modes[i].name) == 0) {
            *out_mode = modes[i].mode;
            return 0;
        }
    }
    return -1;
}

/* smtpd_config_tls_level - one effective TLS level */

int smtpd_config_tls_level(const char *level, bool use_tls, bool enforce_tls, bool wrappermode,
                           SMTPD_TLS_LEVEL *out_level)
{
    if (wrappermode) {
        *out_level = SMTPD_TLS_LEVEL_ENCRYPT;
    } else if (level == NULL || *level == 0) {
        *out_level = enforce_tls ? SMTPD_TLS_LEVEL_ENCRYPT
                     : use_tls   ? SMTPD_TLS_LEVEL_MAY
                                 : SMTPD_TLS_LEVEL_NONE;
    } else if (strcasecmp(level, "none") == 0) {
        *out_level = SMTPD_TLS_LEVEL_NONE;
    } else if (strcasecmp(level, "may") == 0) {
        *out_level = SMTPD_TLS_LEVEL_MAY;
    } else if (strcasecmp(level, "encrypt") == 0) {
        *out_level = SMTPD_TLS_LEVEL_ENCRYPT;
    } else if (strcasecmp(level, "verify") == 0 || strcasecmp(level, "fingerprint") == 0 ||
               strcasecmp(level, "secure") == 0) {
        msg_warn("%s = %s: treated as \"encrypt\" in the SMTP server", VAR_SMTPD_TLS_SECURITY_LEVEL,
                 level);
        *out_level = SMTPD_TLS_LEVEL_ENCRYPT;
    } else {
        return -1;
    }
    return 0;
}

/* smtpd_config_class_value - the value of a restriction class */

static const char *smtpd_config_class_value(void *context, const char *name)
{
    return config_lookup(context, name);
}

/* smtpd_config_checks - build the access restrictions */

static SMTPD_CHECKS *smtpd_config_checks(CONFIG *config, bool ask_ccert)
{
    SMTPD_CHECK_PROPS props = {
        .lists =
            {
                config_get_str(config, VAR_SMTPD_CLIENT_RESTRICTIONS),
                config_get_str(config, VAR_SMTPD_HELO_RESTRICTIONS),
                config_get_str(config, VAR_SMTPD_SENDER_RESTRICTIONS),
                config_get_str(config, VAR_SMTPD_RELAY_RESTRICTIONS),
                config_get_str(config, VAR_SMTPD_RECIPIENT_RESTRICTIONS),
                config_get_str(config, VAR_SMTPD_DATA_RESTRICTIONS),
            },
        .restriction_classes = config_get_str(config, VAR_SMTPD_RESTRICTION_CLASSES),
        .class_value = smtpd_config_class_value,
        .class_context = config,
        .mynetworks = config_get_str(config, VAR_MYNETWORKS),
        .mydestination = config_get_str(config, VAR_MYDESTINATION),
        .relay_domains = config_get_str(config, VAR_RELAY_DOMAINS),
        .virtual_alias_domains = config_get_str(config, VAR_VIRTUAL_ALIAS_DOMAINS),
        .virtual_mailbox_domains = config_get_str(config, VAR_VIRTUAL_MAILBOX_DOMAINS),
        .parent_domain_matches_subdomains =
            config_get_str(config, VAR_PARENT_DOMAIN_MATCHES_SUBDOMAINS),
        .relay_clientcerts = config_get_str(config, VAR_RELAY_CLIENTCERTS),
        .null_access_lookup_key = config_get_str(config, VAR_SMTPD_NULL_ACCESS_LOOKUP_KEY),
        .recipient_delimiter = config_get_str(config, VAR_RECIPIENT_DELIMITER),
        .reject_code = config_get_int(config, VAR_REJECT_CODE),
        .defer_code = config_get_int(config, VAR_DEFER_CODE),
        .access_map_reject_code = config_get_int(config, VAR_ACCESS_MAP_REJECT_CODE),
        .access_map_defer_code = config_get_int(config, VAR_ACCESS_MAP_DEFER_CODE),
        .relay_domains_reject_code = config_get_int(config, VAR_RELAY_DOMAINS_REJECT_CODE),
        .non_fqdn_reject_code = config_get_int(config, VAR_NON_FQDN_REJECT_CODE),
        .ask_ccert = ask_ccert,
    };

    return smtpd_check_init(&props);
}

/* smtpd_config_forbidden - smtpd_forbidden_commands as upper-case words */

static ARGV *smtpd_config_forbidden(CONFIG *config)
{
    ARGV *list = config_get_list(config, VAR_SMTPD_FORBIDDEN_COMMANDS);
    ARGV *words = argv_alloc(list->argc + 1);

    /* Table entries are not supported; see smtpd(8). */
    for (size_t i = 0; i < list->argc; i++)
        if (strchr(list->argv[i], ':') == NULL)
            argv_add(words, uppercase(list->argv[i]));
    argv_free(list);
    return words;
}

/* smtpd_config_lower_list - a list parameter in lower case */

static ARGV *smtpd_config_lower_list(CONFIG *config, const char *name)
{
    ARGV *list = config_get_list(config, name);

    for (size_t i = 0; i < list->argc; i++)
        lowercase(list->argv[i]);
    return list;
}

/* smtpd_config_protocol - the protocol settings */

static void smtpd_config_protocol(SMTPD_CONFIG *cfg, CONFIG *config)
{
    const char *bare_lf = config_get_str(config, VAR_SMTPD_FORBID_BARE_NEWLINE);
    VSTRING *why = vstring_alloc(100);

    cfg->myhostname = config_get_str(config, VAR_MYHOSTNAME);
    cfg->mail_name = config_get_str(config, VAR_MAIL_NAME);
    cfg->banner = config_get_str(config, VAR_SMTPD_BANNER);
    cfg->timeout = config_get_time(config, VAR_SMTPD_TIMEOUT);
    cfg->error_sleep_time = config_get_time(config, VAR_SMTPD_ERROR_SLEEP_TIME);
    cfg->soft_error_limit = config_get_int(config, VAR_SMTPD_SOFT_ERROR_LIMIT);
    cfg->hard_error_limit = config_get_int(config, VAR_SMTPD_HARD_ERROR_LIMIT);
    cfg->recipient_limit = config_get_int(config, VAR_SMTPD_RECIPIENT_LIMIT);
    cfg->line_length_limit = config_get_int(config, VAR_LINE_LENGTH_LIMIT);
    cfg->message_size_limit = config_get_size(config, VAR_MESSAGE_SIZE_LIMIT);
    cfg->disable_vrfy = config_get_bool(config, VAR_DISABLE_VRFY_COMMAND);
    cfg->helo_required = config_get_bool(config, VAR_SMTPD_HELO_REQUIRED);
    cfg->delay_reject = config_get_bool(config, VAR_SMTPD_DELAY_REJECT);
    cfg->peername_lookup = config_get_bool(config, VAR_SMTPD_PEERNAME_LOOKUP);
    cfg->client_port_logging = config_get_bool(config, VAR_SMTPD_CLIENT_PORT_LOGGING);
    cfg->strict_rfc821 = config_get_bool(config, VAR_STRICT_RFC821_ENVELOPES);
    cfg->discard_ehlo = smtpd_config_lower_list(config, VAR_SMTPD_DISCARD_EHLO_KEYWORDS);
    cfg->forbidden_commands = smtpd_config_forbidden(config);
    if (cfg->line_length_limit < 512)
        msg_fatal("%s = %d: must be at least 512", VAR_LINE_LENGTH_LIMIT, cfg->line_length_limit);
    if (smtpd_config_bare_lf(bare_lf, &cfg->bare_lf) < 0)
        msg_fatal("%s = %s: expected \"normalize\", \"reject\" or \"no\"",
                  VAR_SMTPD_FORBID_BARE_NEWLINE, bare_lf);
    cfg->bare_lf_reject_code = config_get_int(config, VAR_SMTPD_FORBID_BARE_NEWLINE_REJECT_CODE);
    cfg->bare_lf_exclusions = match_list_create(
        VAR_SMTPD_FORBID_BARE_NEWLINE_EXCLUSIONS,
        config_get_str(config, VAR_SMTPD_FORBID_BARE_NEWLINE_EXCLUSIONS), MATCH_FLAG_NONE, why);
    if (cfg->bare_lf_exclusions == NULL)
        msg_fatal("%s: %s", VAR_SMTPD_FORBID_BARE_NEWLINE_EXCLUSIONS, vstring_str(why));
    vstring_free(why);
}

/* smtpd_config_tls - the TLS settings and the server context */

static void smtpd_config_tls(SMTPD_CONFIG *cfg, CONFIG *config)
{
    const char *level = config_get_str(config, VAR_SMTPD_TLS_SECURITY_LEVEL);

    cfg->tls_wrappermode = config_get_bool(config, VAR_SMTPD_TLS_WRAPPERMODE);
    if (smtpd_config_tls_level(level, config_get_bool(config, VAR_SMTPD_USE_TLS),
                               config_get_bool(config, VAR_SMTPD_ENFORCE_TLS), cfg->tls_wrappermode,
                               &cfg->tls_level) < 0)
        msg_fatal("%s = %s: expected \"none\", \"may\" or \"encrypt\"",
                  VAR_SMTPD_TLS_SECURITY_LEVEL, level);
    cfg->tls_ask_ccert = config_get_bool(config, VAR_SMTPD_TLS_ASK_CCERT);
    cfg->tls_req_ccert = config_get_bool(config, VAR_SMTPD_TLS_REQ_CCERT);
    cfg->tls_auth_only = config_get_bool(config, VAR_SMTPD_TLS_AUTH_ONLY);
    cfg->tls_received_header = config_get_bool(config, VAR_SMTPD_TLS_RECEIVED_HEADER);
    cfg->starttls_timeout = config_get_time(config, VAR_SMTPD_STARTTLS_TIMEOUT);
    if (cfg->tls_level == SMTPD_TLS_LEVEL_ENCRYPT)
        cfg->tls_auth_only = true;
    if (cfg->tls_req_ccert && cfg->tls_level != SMTPD_TLS_LEVEL_ENCRYPT) {
        msg_info("%s = yes has effect only with %s = encrypt: treated as %s = yes",
                 VAR_SMTPD_TLS_REQ_CCERT, VAR_SMTPD_TLS_SECURITY_LEVEL, VAR_SMTPD_TLS_ASK_CCERT);
        cfg->tls_req_ccert = false;
        cfg->tls_ask_ccert = true;
    }
    if (cfg->tls_req_ccert)
        cfg->tls_ask_ccert = true;
    if (cfg->tls_level != SMTPD_TLS_LEVEL_NONE)
        cfg->tls = smtpd_tls_server_init(config, cfg);
}

/* smtpd_config_init - everything the server needs, once */

SMTPD_CONFIG *smtpd_config_init(CONFIG *config, const char *service, bool stand_alone)
{
    SMTPD_CONFIG *cfg = mycalloc(1, sizeof(*cfg));
    VSTRING *endpoint = vstring_alloc(40);

    cfg->service = service;
    cfg->stand_alone = stand_alone;
    smtpd_config_protocol(cfg, config);
    vstring_sprintf(endpoint, "public/%s", config_get_str(config, VAR_CLEANUP_SERVICE_NAME));
    cfg->cleanup_service = vstring_export(endpoint);
    cfg->pickup_service = config_get_str(config, VAR_PICKUP_SERVICE_NAME);
    cfg->trigger_timeout = config_get_time(config, VAR_TRIGGER_TIMEOUT);
    cfg->postdrop = vstring_export(vstring_sprintf(vstring_alloc(60), "%s/postdrop",
                                                   config_get_str(config, VAR_COMMAND_DIRECTORY)));
    cfg->config_dir = config_directory(config);
    if (stand_alone) {
        cfg->tls_level = SMTPD_TLS_LEVEL_NONE;
        return cfg;
    }
    smtpd_config_tls(cfg, config);
    cfg->checks = smtpd_config_checks(config, cfg->tls_ask_ccert);
    return cfg;
}

/* smtpd_config_free - release the settings */

void smtpd_config_free(SMTPD_CONFIG *cfg)
{
    argv_free(cfg->discard_ehlo);
    argv_free(cfg->forbidden_commands);
    match_list_free(cfg->bare_lf_exclusions);
    if (cfg->checks)
        smtpd_check_free(cfg->checks);
    if (cfg->tls)
        smtpd_tls_server_free(cfg->tls);
    myfree((char *)cfg->cleanup_service);
    myfree(cfg->postdrop);
    myfree(cfg);
}
