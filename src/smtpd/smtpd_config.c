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
 *	smtpd_config_init() binds every parameter the SMTP server uses from
 *	config (through CONFIG_BIND tables: the protocol settings always,
 *	the TLS and access settings only for a network server), builds the
 *	access restrictions (smtpd_check(3)) and the TLS context, and
 *	returns the result. It runs before the first
 *	connection, as root where the daemon starts as root, so that TLS
 *	keys and tables are opened before privileges are dropped. service
 *	is the master.cf service name (for TLS session caching).
 *
 *	With smtpd_sasl_auth_enable the SASL back end starts here too
 *	(smtpd_sasl(3)), so that it can read its configuration and plug-ins
 *	before the process chroots or drops privileges.
 *
 *	With stand_alone (sendmail -bs run by an ordinary user) the access
 *	restrictions are not built and neither TLS nor SASL is touched at
 *	all: no key file is read, no cache opened, nothing is logged about
 *	it.
 *
 *	smtpd_config_free() releases what smtpd_config_init() made.
 *
 *	smtpd_config_bare_lf() parses smtpd_forbid_bare_newline: "no",
 *	"normalize" (also "yes"), or "reject". It returns 0, or -1.
 *
 *	smtpd_config_tls_level() folds smtpd_tls_security_level and the
 *	legacy switches smtpd_use_tls and smtpd_enforce_tls into one level:
 *	wrapper mode implies encrypt; an empty level takes encrypt from
 *	enforce_tls, else may from use_tls, else none; the other names are
 *	those of tls_level(3) for a server: client levels that a server
 *	takes as encrypt are warned about. It returns 0, or -1 for a name
 *	that is not a server level.
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
#include "ehlo_mask.h"
#include "mail_params.h"
#include "receive_override.h"
#include "mail_tls_params.h"
#include "maps.h"
#include "match_list.h"

#include "tls_level.h"

#include "smtpd_check.h"
#include "smtpd_config.h"
#include "smtpd_sasl.h"
#include "smtpd_tls.h"
#include "smtpd_unlisted.h"

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
    bool promoted;
    int server_level;

    if (wrappermode) {
        *out_level = SMTPD_TLS_LEVEL_ENCRYPT;
        return 0;
    }
    server_level = tls_level_server_legacy(level, use_tls, enforce_tls, &promoted);
    if (server_level == TLS_LEV_INVALID)
        return -1;
    if (promoted)
        msg_warn("%s = %s: treated as \"%s\" in the SMTP server", VAR_SMTPD_TLS_SECURITY_LEVEL,
                 level, tls_level_name(server_level));
    *out_level = server_level;
    return 0;
}

/* Values that smtpd_config_init() binds only to derive others from them. */
typedef struct SMTPD_CONFIG_RAW {
    const char *discard_ehlo;         /* smtpd_discard_ehlo_keywords */
    const char *discard_ehlo_maps;    /* smtpd_discard_ehlo_keyword_address_maps */
    ARGV *forbidden_commands;         /* smtpd_forbidden_commands; owned */
    const char *bare_lf;              /* smtpd_forbid_bare_newline */
    const char *bare_lf_exclusions;   /* smtpd_forbid_bare_newline_exclusions */
    const char *command_filter;       /* smtpd_command_filter */
    const char *reject_footer;        /* smtpd_reject_footer, as written */
    const char *reject_footer_maps;   /* smtpd_reject_footer_maps */
    const char *expansion_filter;     /* smtpd_expansion_filter */
    const char *cleanup_service_name; /* cleanup_service_name */
    const char *command_directory;    /* command_directory, for postdrop */
    const char *tls_security_level;   /* smtpd_tls_security_level */
    const char *receive_override;     /* receive_override_options */
    const char *xforward_hosts;       /* smtpd_authorized_xforward_hosts */
    const char *xclient_hosts;        /* smtpd_authorized_xclient_hosts */
    bool use_tls;                     /* smtpd_use_tls */
    bool enforce_tls;                 /* smtpd_enforce_tls */
    SMTPD_CHECK_PROPS checks;         /* the access restrictions' settings */
    CONFIG_DEFINITIONS *classes;      /* smtpd_restriction_classes; owned */
} SMTPD_CONFIG_RAW;

/* smtpd_config_class_value - the value of a restriction class */

static const char *smtpd_config_class_value(void *context, const char *name)
{
    return config_definitions_find(context, name);
}

/* smtpd_config_forbidden - smtpd_forbidden_commands as upper-case words */

static ARGV *smtpd_config_forbidden(const ARGV *list)
{
    ARGV *words = argv_alloc(list->argc + 1);

    /* Table entries are not supported; see smtpd(8). */
    for (size_t i = 0; i < list->argc; i++)
        if (strchr(list->argv[i], ':') == NULL)
            argv_add(words, uppercase(list->argv[i]));
    return words;
}

/* smtpd_config_protocol - the protocol settings */

static void smtpd_config_protocol(SMTPD_CONFIG *cfg, CONFIG *config, SMTPD_CONFIG_RAW *raw)
{
    const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_MYHOSTNAME, &cfg->myhostname),
        CONFIG_BIND_STR(VAR_MAIL_NAME, &cfg->mail_name),
        CONFIG_BIND_STR(VAR_SMTPD_BANNER, &cfg->banner),
        CONFIG_BIND_TIME(VAR_SMTPD_TIMEOUT, &cfg->timeout),
        CONFIG_BIND_TIME(VAR_SMTPD_ERROR_SLEEP_TIME, &cfg->error_sleep_time),
        CONFIG_BIND_INT(VAR_SMTPD_SOFT_ERROR_LIMIT, &cfg->soft_error_limit),
        CONFIG_BIND_INT(VAR_SMTPD_HARD_ERROR_LIMIT, &cfg->hard_error_limit),
        CONFIG_BIND_INT(VAR_SMTPD_RECIPIENT_LIMIT, &cfg->recipient_limit),
        CONFIG_BIND_INT(VAR_LINE_LENGTH_LIMIT, &cfg->line_length_limit),
        CONFIG_BIND_SIZE(VAR_MESSAGE_SIZE_LIMIT, &cfg->message_size_limit),
        CONFIG_BIND_BOOL(VAR_DISABLE_VRFY_COMMAND, &cfg->disable_vrfy),
        CONFIG_BIND_BOOL(VAR_SMTPD_HELO_REQUIRED, &cfg->helo_required),
        CONFIG_BIND_BOOL(VAR_SMTPD_FORBID_UNAUTH_PIPELINING, &cfg->forbid_unauth_pipe),
        CONFIG_BIND_BOOL(VAR_SMTPD_DELAY_REJECT, &cfg->delay_reject),
        CONFIG_BIND_BOOL(VAR_SMTPD_PEERNAME_LOOKUP, &cfg->peername_lookup),
        CONFIG_BIND_BOOL(VAR_SMTPD_CLIENT_PORT_LOGGING, &cfg->client_port_logging),
        CONFIG_BIND_BOOL(VAR_STRICT_RFC821_ENVELOPES, &cfg->strict_rfc821),
        CONFIG_BIND_BOOL(VAR_REQUIRETLS_ENABLE, &cfg->requiretls_enable),
        CONFIG_BIND_STR(VAR_SMTPD_DISCARD_EHLO_KEYWORDS, &raw->discard_ehlo),
        CONFIG_BIND_STR(VAR_SMTPD_DISCARD_EHLO_KEYWORD_ADDRESS_MAPS, &raw->discard_ehlo_maps),
        CONFIG_BIND_LIST(VAR_SMTPD_FORBIDDEN_COMMANDS, &raw->forbidden_commands),
        CONFIG_BIND_STR(VAR_SMTPD_FORBID_BARE_NEWLINE, &raw->bare_lf),
        CONFIG_BIND_INT(VAR_SMTPD_FORBID_BARE_NEWLINE_REJECT_CODE, &cfg->bare_lf_reject_code),
        CONFIG_BIND_STR(VAR_SMTPD_FORBID_BARE_NEWLINE_EXCLUSIONS, &raw->bare_lf_exclusions),
        CONFIG_BIND_STR(VAR_SMTPD_COMMAND_FILTER, &raw->command_filter),
        CONFIG_BIND_STR(VAR_SMTPD_REJECT_FOOTER, &raw->reject_footer),
        CONFIG_BIND_STR(VAR_SMTPD_REJECT_FOOTER_MAPS, &raw->reject_footer_maps),
        CONFIG_BIND_STR(VAR_SMTPD_EXPANSION_FILTER, &raw->expansion_filter),
        CONFIG_BIND_STR(VAR_CLEANUP_SERVICE_NAME, &raw->cleanup_service_name),
        CONFIG_BIND_STR(VAR_PICKUP_SERVICE_NAME, &cfg->pickup_service),
        CONFIG_BIND_TIME(VAR_TRIGGER_TIMEOUT, &cfg->trigger_timeout),
        CONFIG_BIND_STR(VAR_FLUSH_SERVICE_NAME, &cfg->flush_service),
        CONFIG_BIND_TIME(VAR_IPC_TIMEOUT, &cfg->ipc_timeout),
        CONFIG_BIND_STR(VAR_COMMAND_DIRECTORY, &raw->command_directory),
        CONFIG_BIND_END,
    };
    VSTRING *why = vstring_alloc(100);

    config_bind(config, parameters);
    cfg->discard_ehlo = ehlo_mask(raw->discard_ehlo);
    if (*raw->discard_ehlo_maps)
        cfg->discard_ehlo_maps = maps_create(VAR_SMTPD_DISCARD_EHLO_KEYWORD_ADDRESS_MAPS,
                                             raw->discard_ehlo_maps, DICT_FLAG_LOCK);
    cfg->forbidden_commands = smtpd_config_forbidden(raw->forbidden_commands);
    argv_free(raw->forbidden_commands);
    if (cfg->line_length_limit < 512)
        msg_fatal("%s = %d: must be at least 512", VAR_LINE_LENGTH_LIMIT, cfg->line_length_limit);
    if (smtpd_config_bare_lf(raw->bare_lf, &cfg->bare_lf) < 0)
        msg_fatal("%s = %s: expected \"normalize\", \"reject\" or \"no\"",
                  VAR_SMTPD_FORBID_BARE_NEWLINE, raw->bare_lf);
    cfg->bare_lf_exclusions = match_list_create(VAR_SMTPD_FORBID_BARE_NEWLINE_EXCLUSIONS,
                                                raw->bare_lf_exclusions, MATCH_FLAG_NONE, why);
    if (cfg->bare_lf_exclusions == NULL)
        msg_fatal("%s: %s", VAR_SMTPD_FORBID_BARE_NEWLINE_EXCLUSIONS, vstring_str(why));
    if (*raw->command_filter)
        cfg->command_filter =
            maps_create(VAR_SMTPD_COMMAND_FILTER, raw->command_filter, DICT_FLAG_LOCK);
    cfg->reject_footer = reject_footer_create(raw->reject_footer, VAR_SMTPD_REJECT_FOOTER_MAPS,
                                              raw->reject_footer_maps, raw->expansion_filter);
    vstring_free(why);
}

/* smtpd_config_milters - a malformed smtpd_milters is a configuration error */

static void smtpd_config_milters(SMTPD_CONFIG *cfg)
{
    VSTRING *why = vstring_alloc(100);
    MILTERS *milters = milters_create(cfg->milters, &cfg->milter_settings, NULL, NULL, why);

    if (milters == NULL)
        msg_fatal("%s = %s: %s", VAR_SMTPD_MILTERS, cfg->milters, vstring_str(why));
    milters_free(milters);
    vstring_free(why);
    if (cfg->milter_maps_names && *cfg->milter_maps_names)
        cfg->milter_maps =
            maps_create(VAR_SMTPD_MILTER_MAPS, cfg->milter_maps_names, DICT_FLAG_LOCK);
    if (cfg->milter_header_checks && *cfg->milter_header_checks)
        cfg->milter_header_maps =
            maps_create(VAR_MILTER_HEADER_CHECKS, cfg->milter_header_checks, DICT_FLAG_LOCK);
}

/* smtpd_config_override - receive_override_options */

static void smtpd_config_override(SMTPD_CONFIG *cfg, const SMTPD_CONFIG_RAW *raw)
{
    VSTRING *why = vstring_alloc(100);

    if (receive_override_parse(raw->receive_override, &cfg->receive_override, why) < 0)
        msg_fatal("%s = %s: %s", VAR_RECEIVE_OVERRIDE_OPTIONS, raw->receive_override,
                  vstring_str(why));
    if (raw->xforward_hosts && *raw->xforward_hosts &&
        (cfg->xforward_hosts = match_list_create(VAR_SMTPD_AUTHORIZED_XFORWARD_HOSTS,
                                                 raw->xforward_hosts, MATCH_FLAG_NONE, why)) ==
            NULL)
        msg_fatal("%s: %s", VAR_SMTPD_AUTHORIZED_XFORWARD_HOSTS, vstring_str(why));
    if (raw->xclient_hosts && *raw->xclient_hosts &&
        (cfg->xclient_hosts = match_list_create(VAR_SMTPD_AUTHORIZED_XCLIENT_HOSTS,
                                                raw->xclient_hosts, MATCH_FLAG_NONE, why)) == NULL)
        msg_fatal("%s: %s", VAR_SMTPD_AUTHORIZED_XCLIENT_HOSTS, vstring_str(why));
    vstring_free(why);
}

/* smtpd_config_network - bind what only a network server needs: TLS and access */

static void smtpd_config_network(SMTPD_CONFIG *cfg, CONFIG *config, SMTPD_CONFIG_RAW *raw)
{
    SMTPD_TLS_SETTINGS *tls = &cfg->tls_settings;
    SMTPD_CHECK_PROPS *checks = &raw->checks;
    const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_CONTENT_FILTER, &cfg->content_filter),
        CONFIG_BIND_STR(VAR_SMTPD_AUTHORIZED_XFORWARD_HOSTS, &raw->xforward_hosts),
        CONFIG_BIND_STR(VAR_SMTPD_AUTHORIZED_XCLIENT_HOSTS, &raw->xclient_hosts),
        CONFIG_BIND_STR(VAR_RECEIVE_OVERRIDE_OPTIONS, &raw->receive_override),
        CONFIG_BIND_STR(VAR_SMTPD_MILTERS, &cfg->milters),
        CONFIG_BIND_STR(VAR_SMTPD_MILTER_MAPS, &cfg->milter_maps_names),
        CONFIG_BIND_STR(VAR_MILTER_HEADER_CHECKS, &cfg->milter_header_checks),
        MILTER_SETTINGS_BIND(&cfg->milter_settings),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_SECURITY_LEVEL, &raw->tls_security_level),
        CONFIG_BIND_BOOL(VAR_SMTPD_TLS_WRAPPERMODE, &cfg->tls_wrappermode),
        CONFIG_BIND_BOOL(VAR_SMTPD_USE_TLS, &raw->use_tls),
        CONFIG_BIND_BOOL(VAR_SMTPD_ENFORCE_TLS, &raw->enforce_tls),
        CONFIG_BIND_BOOL(VAR_SMTPD_TLS_ASK_CCERT, &cfg->tls_ask_ccert),
        CONFIG_BIND_BOOL(VAR_SMTPD_TLS_REQ_CCERT, &cfg->tls_req_ccert),
        CONFIG_BIND_BOOL(VAR_SMTPD_TLS_AUTH_ONLY, &cfg->tls_auth_only),
        CONFIG_BIND_BOOL(VAR_SMTPD_TLS_RECEIVED_HEADER, &cfg->tls_received_header),
        CONFIG_BIND_TIME(VAR_SMTPD_STARTTLS_TIMEOUT, &cfg->starttls_timeout),
        MAIL_TLS_PARAMS_BIND(&tls->params),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_LOGLEVEL, &tls->loglevel),
        CONFIG_BIND_BOOL(VAR_SMTPD_TLS_ENABLE_RPK, &tls->enable_rpk),
        CONFIG_BIND_STR(VAR_TLS_SERVER_SNI_MAPS, &tls->sni_maps),
        CONFIG_BIND_INT(VAR_SMTPD_TLS_CCERT_VERIFYDEPTH, &tls->verifydepth),
        CONFIG_BIND_TIME(VAR_SMTPD_TLS_SESSION_CACHE_TIMEOUT, &tls->session_cache_timeout),
        CONFIG_BIND_BOOL(VAR_SMTPD_TLS_ALWAYS_ISSUE_SESSION_IDS, &tls->always_issue_session_ids),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_CHAIN_FILES, &tls->chain_files),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_CERT_FILE, &tls->cert_file),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_KEY_FILE, &tls->key_file),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_DCERT_FILE, &tls->dcert_file),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_DKEY_FILE, &tls->dkey_file),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_ECCERT_FILE, &tls->eccert_file),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_ECKEY_FILE, &tls->eckey_file),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_CAFILE, &tls->CAfile),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_CAPATH, &tls->CApath),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_PROTOCOLS, &tls->protocols),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_MANDATORY_PROTOCOLS, &tls->mandatory_protocols),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_CIPHERS, &tls->ciphers),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_MANDATORY_CIPHERS, &tls->mandatory_ciphers),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_EXCLUDE_CIPHERS, &tls->exclude_ciphers),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_MANDATORY_EXCLUDE_CIPHERS, &tls->mandatory_exclude_ciphers),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_DH1024_PARAM_FILE, &tls->dh1024_param_file),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_FINGERPRINT_DIGEST, &tls->fingerprint_digest),
        CONFIG_BIND_STR(VAR_TLSMGR_SERVICE_NAME, &tls->tlsmgr_service),
        CONFIG_BIND_STR(VAR_SMTPD_CLIENT_RESTRICTIONS, &checks->lists[SMTPD_STAGE_CLIENT]),
        CONFIG_BIND_STR(VAR_SMTPD_HELO_RESTRICTIONS, &checks->lists[SMTPD_STAGE_HELO]),
        CONFIG_BIND_STR(VAR_SMTPD_SENDER_RESTRICTIONS, &checks->lists[SMTPD_STAGE_SENDER]),
        CONFIG_BIND_STR(VAR_SMTPD_RELAY_RESTRICTIONS, &checks->lists[SMTPD_STAGE_RELAY]),
        CONFIG_BIND_STR(VAR_SMTPD_RECIPIENT_RESTRICTIONS, &checks->lists[SMTPD_STAGE_RECIPIENT]),
        CONFIG_BIND_STR(VAR_SMTPD_DATA_RESTRICTIONS, &checks->lists[SMTPD_STAGE_DATA]),
        CONFIG_BIND_STR(VAR_SMTPD_END_OF_DATA_RESTRICTIONS, &checks->lists[SMTPD_STAGE_EOD]),
        CONFIG_BIND_STR(VAR_SMTPD_ETRN_RESTRICTIONS, &checks->lists[SMTPD_STAGE_ETRN]),
        CONFIG_BIND_STR(VAR_SMTPD_RESTRICTION_CLASSES, &checks->restriction_classes),
        CONFIG_BIND_DEFINITIONS(VAR_SMTPD_RESTRICTION_CLASSES, &raw->classes),
        CONFIG_BIND_STR(VAR_MYNETWORKS, &checks->mynetworks),
        CONFIG_BIND_STR(VAR_MYDESTINATION, &checks->mydestination),
        CONFIG_BIND_STR(VAR_RELAY_DOMAINS, &checks->relay_domains),
        CONFIG_BIND_STR(VAR_VIRTUAL_ALIAS_DOMAINS, &checks->virtual_alias_domains),
        CONFIG_BIND_STR(VAR_VIRTUAL_MAILBOX_DOMAINS, &checks->virtual_mailbox_domains),
        CONFIG_BIND_STR(VAR_PARENT_DOMAIN_MATCHES_SUBDOMAINS,
                        &checks->parent_domain_matches_subdomains),
        CONFIG_BIND_STR(VAR_RELAY_CLIENTCERTS, &checks->relay_clientcerts),
        CONFIG_BIND_STR(VAR_SMTPD_SENDER_LOGIN_MAPS, &checks->sender_login_maps),
        CONFIG_BIND_STR(VAR_SMTPD_NULL_ACCESS_LOOKUP_KEY, &checks->null_access_lookup_key),
        CONFIG_BIND_STR(VAR_RECIPIENT_DELIMITER, &checks->recipient_delimiter),
        CONFIG_BIND_INT(VAR_REJECT_CODE, &checks->reject_code),
        CONFIG_BIND_INT(VAR_DEFER_CODE, &checks->defer_code),
        CONFIG_BIND_INT(VAR_ACCESS_MAP_REJECT_CODE, &checks->access_map_reject_code),
        CONFIG_BIND_INT(VAR_ACCESS_MAP_DEFER_CODE, &checks->access_map_defer_code),
        CONFIG_BIND_INT(VAR_RELAY_DOMAINS_REJECT_CODE, &checks->relay_domains_reject_code),
        CONFIG_BIND_INT(VAR_NON_FQDN_REJECT_CODE, &checks->non_fqdn_reject_code),
        CONFIG_BIND_INT(VAR_INVALID_HOSTNAME_REJECT_CODE, &checks->invalid_hostname_reject_code),
        CONFIG_BIND_INT(VAR_UNKNOWN_HOSTNAME_REJECT_CODE, &checks->unknown_hostname_reject_code),
        CONFIG_BIND_INT(VAR_UNKNOWN_ADDRESS_REJECT_CODE, &checks->unknown_address_reject_code),
        CONFIG_BIND_INT(VAR_UNKNOWN_CLIENT_REJECT_CODE, &checks->unknown_client_reject_code),
        CONFIG_BIND_INT(VAR_MULTI_RECIPIENT_BOUNCE_REJECT_CODE,
                        &checks->multi_recipient_bounce_reject_code),
        CONFIG_BIND_INT(VAR_PLAINTEXT_REJECT_CODE, &checks->plaintext_reject_code),
        CONFIG_BIND_STR(VAR_UNKNOWN_ADDRESS_TEMPFAIL_ACTION,
                        &checks->unknown_address_tempfail_action),
        CONFIG_BIND_STR(VAR_UNKNOWN_HELO_HOSTNAME_TEMPFAIL_ACTION,
                        &checks->unknown_helo_tempfail_action),
        CONFIG_BIND_STR(VAR_INET_INTERFACES, &checks->inet_interfaces),
        CONFIG_BIND_STR(VAR_INET_PROTOCOLS, &checks->inet_protocols),
        CONFIG_BIND_TIME(VAR_SMTPD_POLICY_SERVICE_TIMEOUT, &checks->policy_timeout),
        CONFIG_BIND_TIME(VAR_SMTPD_POLICY_SERVICE_MAX_IDLE, &checks->policy_max_idle),
        CONFIG_BIND_TIME(VAR_SMTPD_POLICY_SERVICE_MAX_TTL, &checks->policy_max_ttl),
        CONFIG_BIND_INT(VAR_SMTPD_POLICY_SERVICE_TRY_LIMIT, &checks->policy_try_limit),
        CONFIG_BIND_TIME(VAR_SMTPD_POLICY_SERVICE_RETRY_DELAY, &checks->policy_retry_delay),
        CONFIG_BIND_INT(VAR_SMTPD_POLICY_SERVICE_REQUEST_LIMIT, &checks->policy_request_limit),
        CONFIG_BIND_STR(VAR_SMTPD_POLICY_SERVICE_DEFAULT_ACTION, &checks->policy_default_action),
        CONFIG_BIND_STR(VAR_SMTPD_POLICY_SERVICE_POLICY_CONTEXT, &checks->policy_context),
        CONFIG_BIND_STR(VAR_COMPATIBILITY_LEVEL, &checks->compatibility_level),
        CONFIG_BIND_STR(VAR_MAIL_VERSION, &checks->mail_version),
        CONFIG_BIND_INT(VAR_MAPS_RBL_REJECT_CODE, &checks->maps_rbl_reject_code),
        CONFIG_BIND_STR(VAR_DEFAULT_RBL_REPLY, &checks->default_rbl_reply),
        CONFIG_BIND_STR(VAR_RBL_REPLY_MAPS, &checks->rbl_reply_maps),
        CONFIG_BIND_STR(VAR_PROXY_INTERFACES, &checks->proxy_interfaces),
        CONFIG_BIND_STR(VAR_PERMIT_MX_BACKUP_NETWORKS, &checks->permit_mx_backup_networks),
        CONFIG_BIND_END,
    };

    config_bind(config, parameters);
    checks->class_value = smtpd_config_class_value;
    checks->class_context = raw->classes;
    smtpd_config_milters(cfg);
    smtpd_config_override(cfg, raw);
}

/* smtpd_config_sasl - bind the SMTP AUTH settings */

static void smtpd_config_sasl(SMTPD_CONFIG *cfg, CONFIG *config)
{
    SMTPD_SASL_SETTINGS *sasl = &cfg->sasl_settings;
    const CONFIG_BIND parameters[] = {
        CONFIG_BIND_BOOL(VAR_SMTPD_SASL_AUTH_ENABLE, &sasl->enable),
        CONFIG_BIND_STR(VAR_SMTPD_SASL_TYPE, &sasl->type),
        CONFIG_BIND_STR(VAR_SMTPD_SASL_PATH, &sasl->path),
        CONFIG_BIND_STR(VAR_SMTPD_SASL_SERVICE, &sasl->service),
        CONFIG_BIND_STR(VAR_SMTPD_SASL_LOCAL_DOMAIN, &sasl->local_domain),
        CONFIG_BIND_STR(VAR_SMTPD_SASL_SECURITY_OPTIONS, &sasl->security_options),
        CONFIG_BIND_STR(VAR_SMTPD_SASL_TLS_SECURITY_OPTIONS, &sasl->tls_security_options),
        CONFIG_BIND_BOOL(VAR_SMTPD_SASL_AUTHENTICATED_HEADER, &sasl->authenticated_header),
        CONFIG_BIND_STR(VAR_SMTPD_SASL_EXCEPTIONS_NETWORKS, &sasl->exceptions_networks),
        CONFIG_BIND_STR(VAR_SMTPD_SASL_MECHANISM_FILTER, &sasl->mechanism_filter),
        CONFIG_BIND_INT(VAR_SMTPD_SASL_RESPONSE_LIMIT, &sasl->response_limit),
        CONFIG_BIND_BOOL(VAR_BROKEN_SASL_AUTH_CLIENTS, &sasl->broken_clients),
        CONFIG_BIND_STR(VAR_CYRUS_SASL_CONFIG_PATH, &sasl->config_path),
        CONFIG_BIND_STR(VAR_QUEUE_DIRECTORY, &sasl->queue_directory),
        CONFIG_BIND_END,
    };

    config_bind(config, parameters);
    smtpd_sasl_init(cfg);
}

/* smtpd_config_tls - the TLS level and the server context */

static void smtpd_config_tls(SMTPD_CONFIG *cfg, const SMTPD_CONFIG_RAW *raw)
{
    if (smtpd_config_tls_level(raw->tls_security_level, raw->use_tls, raw->enforce_tls,
                               cfg->tls_wrappermode, &cfg->tls_level) < 0)
        msg_fatal("%s = %s: expected \"%s\", \"%s\" or \"%s\"", VAR_SMTPD_TLS_SECURITY_LEVEL,
                  raw->tls_security_level, tls_level_name(SMTPD_TLS_LEVEL_NONE),
                  tls_level_name(SMTPD_TLS_LEVEL_MAY), tls_level_name(SMTPD_TLS_LEVEL_ENCRYPT));
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
        cfg->tls = smtpd_tls_server_init(&cfg->tls_settings, cfg);
}

/* smtpd_config_init - everything the server needs, once */

SMTPD_CONFIG *smtpd_config_init(CONFIG *config, const char *service, bool stand_alone)
{
    SMTPD_CONFIG *cfg = mycalloc(1, sizeof(*cfg));
    SMTPD_CONFIG_RAW raw = {0};
    VSTRING *buf = vstring_alloc(60);

    cfg->service = service;
    cfg->stand_alone = stand_alone;
    smtpd_config_protocol(cfg, config, &raw);
    vstring_sprintf(buf, "public/%s", raw.cleanup_service_name);
    cfg->cleanup_service = mystrdup(vstring_str(buf));
    vstring_sprintf(buf, "%s/postdrop", raw.command_directory);
    cfg->postdrop = vstring_export(buf);
    cfg->config_dir = config_directory(config);
    smtpd_limits_config(&cfg->limits, config, !stand_alone);
    if (stand_alone) {
        cfg->tls_level = SMTPD_TLS_LEVEL_NONE;
        return cfg;
    }
    smtpd_config_network(cfg, config, &raw);
    smtpd_config_tls(cfg, &raw);
    smtpd_config_sasl(cfg, config);
    raw.checks.ask_ccert = cfg->tls_ask_ccert;
    raw.checks.enable_rpk = cfg->tls_settings.enable_rpk;
    raw.checks.sasl_enabled = cfg->sasl_settings.enable;
    smtpd_unlisted_config(cfg, config);
    raw.checks.rcpt_maps = cfg->rcpt_maps;
    cfg->checks = smtpd_check_init(&raw.checks);
    config_definitions_free(raw.classes);
    return cfg;
}

/* smtpd_config_free - release the settings */

void smtpd_config_free(SMTPD_CONFIG *cfg)
{
    if (cfg->discard_ehlo_maps)
        maps_free(cfg->discard_ehlo_maps);
    argv_free(cfg->forbidden_commands);
    match_list_free(cfg->bare_lf_exclusions);
    if (cfg->command_filter)
        maps_free(cfg->command_filter);
    cfg->reject_footer = reject_footer_free(cfg->reject_footer);
    smtpd_limits_free(&cfg->limits);
    if (cfg->checks)
        smtpd_check_free(cfg->checks);
    smtpd_unlisted_free(cfg);
    if (cfg->tls)
        smtpd_tls_server_free(cfg->tls);
    smtpd_sasl_done(cfg);
    if (cfg->milter_maps)
        maps_free(cfg->milter_maps);
    if (cfg->milter_header_maps)
        maps_free(cfg->milter_header_maps);
    if (cfg->xforward_hosts)
        match_list_free(cfg->xforward_hosts);
    if (cfg->xclient_hosts)
        match_list_free(cfg->xclient_hosts);
    myfree((char *)cfg->cleanup_service);
    myfree(cfg->postdrop);
    myfree(cfg);
}
