/*++
 * NAME
 *	smtpd_sasl - SMTP AUTH (RFC 4954) in the SMTP server
 * SYNOPSIS
 *	#include "smtpd_sasl.h"
 *
 *	void	smtpd_sasl_init(SMTPD_CONFIG *cfg);
 *	void	smtpd_sasl_done(SMTPD_CONFIG *cfg);
 *
 *	bool	smtpd_sasl_enabled(const SMTPD_STATE *state);
 *	void	smtpd_sasl_ehlo(SMTPD_STATE *state, ARGV *lines);
 *	int	smtpd_sasl_mail_opt(SMTPD_STATE *state, const char *value);
 *	void	smtpd_sasl_reset(SMTPD_STATE *state);
 *
 *	#include "smtpd_cmd.h"
 *
 *	int	smtp_check_auth(SMTPD_STATE *state, char *args);
 *	int	smtp_proceed_auth(SMTPD_STATE *state, char *args);
 * DESCRIPTION
 *	smtpd_sasl_init() checks the SASL settings that smtpd_config_init()
 *	bound and, with smtpd_sasl_auth_enable, starts the back end that
 *	smtpd_sasl_type names (sasl_server(3)). A back end that cannot start
 *	was logged by it; the server then offers no AUTH and answers it as
 *	not enabled, and mail that needs no login keeps flowing.
 *	smtpd_sasl_done() releases what smtpd_sasl_init() made.
 *
 *	smtpd_sasl_enabled() tells whether this session may use AUTH at
 *	all: a back end runs, the server is not in stand-alone mode, and
 *	the AUTH keyword was not discarded for the client.
 *
 *	smtpd_sasl_ehlo() adds the AUTH keyword to an EHLO reply: the
 *	mechanisms that the session's security options allow
 *	(smtpd_sasl_tls_security_options inside TLS, else
 *	smtpd_sasl_security_options), and, with broken_sasl_auth_clients,
 *	the same list once more in the "AUTH=" form that old clients
 *	expect. Nothing is added when AUTH is not enabled, before TLS with
 *	smtpd_tls_auth_only (or at level encrypt), for a client in
 *	smtpd_sasl_exceptions_networks, or when the list is empty. Only
 *	the mechanisms that smtpd_sasl_mechanism_filter lets through are
 *	listed (default: all but EXTERNAL).
 *
 *	smtpd_sasl_mail_opt() handles the MAIL FROM parameter AUTH=
 *	(RFC 4954 section 5): with AUTH enabled the value is remembered
 *	(printable; "<>" is accepted and not kept) and 0 returned; a second
 *	AUTH= is refused ("503 5.5.4 Error: multiple AUTH= options", -1).
 *	Without AUTH it returns 1: the caller refuses it as an unsupported
 *	option.
 *
 *	smtpd_sasl_reset() forgets the login and frees the back end's
 *	session object: after STARTTLS (RFC 3207 section 4.2) and at the
 *	end of the session.
 *
 *	smtp_check_auth() refuses AUTH before HELO/EHLO, when AUTH is not
 *	enabled ("503 5.5.1 Error: authentication not enabled"), without
 *	TLS when smtpd_tls_auth_only requires it ("504 5.5.4 Encryption
 *	required for requested authentication mechanism"; nothing more is
 *	read from the client), over smtpd_client_auth_rate_limit
 *	(smtpd_limits(3): "450 4.7.1"), inside a mail transaction, after a
 *	successful AUTH, with other than a mechanism name (RFC 4422
 *	characters, at most 20) and an optional initial response, and with
 *	a mechanism that smtpd_sasl_mechanism_filter keeps out ("504 5.5.4
 *	Unrecognized authentication type": what EHLO does not announce is
 *	not used either).
 *
 *	smtp_proceed_auth() runs the exchange: an initial response of "="
 *	is an empty one; each challenge goes out as "334 base64"; a client
 *	response of "*" cancels ("501 5.7.0 Authentication aborted"); a
 *	response longer than smtpd_sasl_response_limit is refused ("500
 *	5.5.6 SASL response limit exceeded"); data that is not base64 gets
 *	501. Success is "235 2.7.0 Authentication successful": the user
 *	name and mechanism go into the queue file and the log, and the
 *	protocol name gains its "A". A failure is "535 5.7.8 Error:
 *	authentication failed: reason"; a back end that cannot answer now
 *	gives "454 4.7.0 Temporary authentication failure: reason" and the
 *	session goes on. Every refusal counts as an error of the client
 *	(smtpd_soft_error_limit, smtpd_error_sleep_time,
 *	smtpd_hard_error_limit); after a failure the next AUTH starts with a
 *	fresh back-end session.
 * DIAGNOSTICS
 *	A failed or cancelled AUTH is logged as a warning with the client
 *	and the mechanism ("host[addr]: SASL PLAIN authentication failed:
 *	reason"); the client's responses, which carry the password, are
 *	never logged and are wiped after use.
 *
 *	Fatal: an unknown word in a security option, a bad
 *	smtpd_sasl_exceptions_networks.
 *--*/

/* System library. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* Global library. */
#include "mail_params.h"
#include "match_list.h"

/* SASL. */
#include "sasl_secopts.h"
#include "sasl_server.h"

/* Application-specific. */
#include "ehlo_mask.h"

#include "smtpd_cmd.h"
#include "smtpd_limits.h"
#include "smtpd_sasl.h"

/* Longest mechanism name (RFC 4422 section 3.1). */
#define SMTPD_SASL_MECH_MAX 20

/* smtpd_sasl_check_options - a security option value that the back ends understand */

static void smtpd_sasl_check_options(const char *name, const char *value)
{
    const char *bad_word;
    int mask;

    if (sasl_secopts_parse(value, &mask, &bad_word) < 0)
        msg_fatal("%s = %s: unknown security option \"%s\" (expected: %s)", name, value, bad_word,
                  sasl_secopts_names());
}

/* smtpd_sasl_init - check the settings and start the back end */

void smtpd_sasl_init(SMTPD_CONFIG *cfg)
{
    const SMTPD_SASL_SETTINGS *s = &cfg->sasl_settings;
    VSTRING *why;

    if (!s->enable)
        return;
    smtpd_sasl_check_options(VAR_SMTPD_SASL_SECURITY_OPTIONS, s->security_options);
    smtpd_sasl_check_options(VAR_SMTPD_SASL_TLS_SECURITY_OPTIONS, s->tls_security_options);
    why = vstring_alloc(100);
    if (*s->exceptions_networks) {
        cfg->sasl_exceptions = match_list_create(VAR_SMTPD_SASL_EXCEPTIONS_NETWORKS,
                                                 s->exceptions_networks, MATCH_FLAG_NONE, why);
        if (cfg->sasl_exceptions == NULL)
            msg_fatal("%s: %s", VAR_SMTPD_SASL_EXCEPTIONS_NETWORKS, vstring_str(why));
    }
    if (*s->mechanism_filter) {
        cfg->sasl_mechanism_filter = match_list_create(VAR_SMTPD_SASL_MECHANISM_FILTER,
                                                       s->mechanism_filter, MATCH_FLAG_NONE, why);
        if (cfg->sasl_mechanism_filter == NULL)
            msg_fatal("%s: %s", VAR_SMTPD_SASL_MECHANISM_FILTER, vstring_str(why));
    }
    vstring_free(why);
    cfg->sasl = sasl_server_impl_init(&(SASL_SERVER_SETTINGS){
        .type = s->type,
        .path = s->path,
        .queue_directory = s->queue_directory,
        .config_path = s->config_path,
        .server_name = cfg->myhostname,
        .timeout = SMTPD_SASL_TIMEOUT,
    });
    if (cfg->sasl == NULL)
        msg_warn("%s = yes, but the %s SASL back end is not available: AUTH is not offered",
                 VAR_SMTPD_SASL_AUTH_ENABLE, s->type);
}

/* smtpd_sasl_done - release the back end */

void smtpd_sasl_done(SMTPD_CONFIG *cfg)
{
    if (cfg->sasl)
        sasl_server_impl_done(cfg->sasl);
    cfg->sasl = NULL;
    if (cfg->sasl_exceptions)
        cfg->sasl_exceptions = match_list_free(cfg->sasl_exceptions);
    if (cfg->sasl_mechanism_filter)
        cfg->sasl_mechanism_filter = match_list_free(cfg->sasl_mechanism_filter);
}

/* smtpd_sasl_mech_allowed - does smtpd_sasl_mechanism_filter let a mechanism through? */

static bool smtpd_sasl_mech_allowed(const SMTPD_CONFIG *cfg, const char *mech)
{
    /* A table that fails to answer lets nothing through (match_list(3)). */
    return cfg->sasl_mechanism_filter == NULL ||
           match_list_domain(cfg->sasl_mechanism_filter, mech);
}

/* smtpd_sasl_enabled - may this session use AUTH at all? */

bool smtpd_sasl_enabled(const SMTPD_STATE *state)
{
    return state->cfg->sasl != NULL && !state->stand_alone &&
           !(state->ehlo_discard & EHLO_MASK_AUTH);
}

/* smtpd_sasl_tls_missing - does smtpd_tls_auth_only still forbid AUTH? */

static bool smtpd_sasl_tls_missing(const SMTPD_STATE *state)
{
    return state->cfg->tls_auth_only && !SMTPD_TLS_ACTIVE(state);
}

/* smtpd_sasl_session - the back end's session object, made on first use */

static SASL_SERVER *smtpd_sasl_session(SMTPD_STATE *state)
{
    const SMTPD_SASL_SETTINGS *s = &state->cfg->sasl_settings;
    bool tls = SMTPD_TLS_ACTIVE(state);

    if (state->sasl == NULL)
        state->sasl = sasl_server_create(
            state->cfg->sasl,
            &(SASL_SESSION_ARGS){
                .service = s->service,
                .server_addr = state->local_addr,
                .server_port = state->local_port,
                .client_addr = state->addr,
                .client_port = strcmp(state->port, "unknown") ? state->port : "",
                .user_realm = s->local_domain,
                .security_options = tls ? s->tls_security_options : s->security_options,
                .tls = tls,
            });
    return state->sasl;
}

/* smtpd_sasl_ehlo - the AUTH keyword */

void smtpd_sasl_ehlo(SMTPD_STATE *state, ARGV *lines)
{
    ARGV *offered;
    VSTRING *allowed;
    VSTRING *line;

    if (!smtpd_sasl_enabled(state) || smtpd_sasl_tls_missing(state))
        return;
    if (state->cfg->sasl_exceptions &&
        match_list_namadr(state->cfg->sasl_exceptions, state->name, state->addr))
        return;
    if (smtpd_sasl_session(state) == NULL)
        return;
    offered = argv_split(sasl_server_mechanisms(state->sasl), " ");
    allowed = vstring_alloc(100);
    for (size_t i = 0; i < offered->argc; i++) {
        if (!smtpd_sasl_mech_allowed(state->cfg, offered->argv[i]))
            continue;
        if (VSTRING_LEN(allowed))
            vstring_addch(allowed, ' ');
        vstring_strcat(allowed, offered->argv[i]);
    }
    argv_free(offered);
    if (VSTRING_LEN(allowed) > 0) {
        line = vstring_alloc(100);
        vstring_sprintf(line, "AUTH %s", vstring_str(allowed));
        argv_add(lines, vstring_str(line));
        if (state->cfg->sasl_settings.broken_clients) {
            vstring_sprintf(line, "AUTH=%s", vstring_str(allowed));
            argv_add(lines, vstring_str(line));
        }
        vstring_free(line);
    }
    vstring_free(allowed);
}

/* smtpd_sasl_mail_opt - MAIL FROM AUTH= */

int smtpd_sasl_mail_opt(SMTPD_STATE *state, const char *value)
{
    if (!smtpd_sasl_enabled(state))
        return 1;
    if (state->args.auth_seen) {
        smtpd_reply(state, "503 5.5.4 Error: multiple AUTH= options");
        return -1;
    }
    state->args.auth_seen = true;
    if (strcmp(value, "<>") != 0)
        state->args.auth = vstring_export(smtpd_text_printable(vstring_alloc(64), value, NULL));
    return 0;
}

/* smtpd_sasl_reset - forget the login */

void smtpd_sasl_reset(SMTPD_STATE *state)
{
    if (state->sasl)
        sasl_server_free(state->sasl);
    state->sasl = NULL;
    myfree(state->sasl_username);
    state->sasl_username = NULL;
    myfree(state->sasl_method);
    state->sasl_method = NULL;
}

/* smtpd_sasl_mech_ok - a mechanism name as RFC 4422 spells them */

static bool smtpd_sasl_mech_ok(const char *name)
{
    size_t len = strlen(name);

    if (len == 0 || len > SMTPD_SASL_MECH_MAX)
        return false;
    for (const char *cp = name; *cp; cp++)
        if (!isalnum((unsigned char)*cp) && *cp != '-' && *cp != '_')
            return false;
    return true;
}

/* smtp_check_auth - may the client authenticate now? */

int smtp_check_auth(SMTPD_STATE *state, char *args)
{
    ARGV *words;
    bool syntax_ok;
    bool filtered;

    if (state->helo_name == NULL) {
        smtpd_reply(state, "503 5.5.1 Error: send HELO/EHLO first");
        return -1;
    }
    if (!smtpd_sasl_enabled(state)) {
        smtpd_reply(state, "503 5.5.1 Error: authentication not enabled");
        return -1;
    }
    if (smtpd_sasl_tls_missing(state)) {
        /* RFC 4954 section 4: no credentials before the session is encrypted. */
        smtpd_reply(state, "504 5.5.4 Encryption required for requested authentication mechanism");
        return -1;
    }
    if (smtpd_limits_auth(state) < 0)
        return -1;
    if (SMTPD_IN_TRANSACTION(state)) {
        smtpd_reply(state, "503 5.5.1 Error: MAIL transaction in progress");
        return -1;
    }
    if (SMTPD_AUTHENTICATED(state)) {
        smtpd_reply(state, "503 5.5.1 Error: already authenticated");
        return -1;
    }
    words = argv_split(args, " \t");
    syntax_ok = (words->argc == 1 || words->argc == 2) && smtpd_sasl_mech_ok(words->argv[0]);
    filtered = syntax_ok && !smtpd_sasl_mech_allowed(state->cfg, words->argv[0]);
    argv_free(words);
    if (!syntax_ok) {
        smtpd_reply(state, "501 5.5.4 Syntax: AUTH mechanism");
        return -1;
    }
    if (filtered) {
        /* What EHLO does not announce is not used either (RFC 4954 section 6). */
        smtpd_reply(state, "504 5.5.4 Unrecognized authentication type");
        return -1;
    }
    return 0;
}

/* smtpd_sasl_wipe - forget a client response */

static void smtpd_sasl_wipe(VSTRING *buf)
{
    if (VSTRING_LEN(buf))
        memset(vstring_str(buf), 0, VSTRING_LEN(buf));
    VSTRING_RESET(buf);
}

/* smtpd_sasl_read_response - one client line of the exchange; -1: the session ends, -2: too long */

static int smtpd_sasl_read_response(SMTPD_STATE *state, VSTRING *buf)
{
    int limit = state->cfg->sasl_settings.response_limit;
    bool partial;
    bool too_long = false;

    if (smtpd_read_line(state, buf, limit, &partial) < 0)
        return -1;
    while (partial) {
        too_long = true;
        smtpd_sasl_wipe(buf);
        if (smtpd_read_line(state, buf, limit, &partial) < 0)
            return -1;
    }
    if (too_long) {
        smtpd_sasl_wipe(buf);
        return -2;
    }
    return 0;
}

/* How an exchange ended, for the reply. */
typedef enum SMTPD_SASL_END {
    SMTPD_SASL_END_OK,       /* 235: logged in */
    SMTPD_SASL_END_ANSWERED, /* replied already (cancel, too long), or the client is gone */
    SMTPD_SASL_END_FAIL,     /* 535: the back end said no */
    SMTPD_SASL_END_TEMP,     /* 454: the back end cannot answer now */
    SMTPD_SASL_END_FORM,     /* 501: the client's data was malformed */
} SMTPD_SASL_END;

/* smtpd_sasl_end - a back end's final status as an ending */

static SMTPD_SASL_END smtpd_sasl_end(SASL_STATUS status)
{
    switch (status) {
    case SASL_STATUS_OK:
        return SMTPD_SASL_END_OK;
    case SASL_STATUS_TEMP:
        return SMTPD_SASL_END_TEMP;
    case SASL_STATUS_ABORT:
        return SMTPD_SASL_END_FORM;
    default:
        return SMTPD_SASL_END_FAIL;
    }
}

/* smtpd_sasl_exchange - challenges and responses until an ending */

static SMTPD_SASL_END smtpd_sasl_exchange(SMTPD_STATE *state, const char *mech, VSTRING *reply)
{
    VSTRING *response = vstring_alloc(100);
    SASL_STATUS status = SASL_STATUS_MORE;
    SMTPD_SASL_END end = SMTPD_SASL_END_ANSWERED;
    int got;

    while (status == SASL_STATUS_MORE) {
        smtpd_reply(state, "334 %s", vstring_str(reply));
        if ((got = smtpd_sasl_read_response(state, response)) == -1)
            break;
        if (got == -2) {
            smtpd_reply(state, "500 5.5.6 SASL response limit exceeded");
            break;
        }
        if (strcmp(vstring_str(response), "*") == 0) {
            msg_warn("%s: SASL %s authentication aborted", state->namaddr, mech);
            smtpd_reply(state, "501 5.7.0 Authentication aborted");
            break;
        }
        status = sasl_server_next(state->sasl, vstring_str(response), reply);
        smtpd_sasl_wipe(response);
        if (status != SASL_STATUS_MORE)
            end = smtpd_sasl_end(status);
    }
    smtpd_sasl_wipe(response);
    vstring_free(response);
    return end;
}

/* smtpd_sasl_success - remember who logged in */

static void smtpd_sasl_success(SMTPD_STATE *state, const char *mech)
{
    const char *name = sasl_server_username(state->sasl);

    state->sasl_username =
        vstring_export(smtpd_text_printable(vstring_alloc(64), name ? name : "unknown", NULL));
    state->sasl_method = mystrdup(mech);
    smtpd_set_protocol(state);
    smtpd_reply(state, "235 2.7.0 Authentication successful");
}

/* smtpd_sasl_failure - log and answer a failed exchange */

static void smtpd_sasl_failure(SMTPD_STATE *state, SMTPD_SASL_END end, const char *mech,
                               const char *reason)
{
    VSTRING *why = smtpd_text_printable(vstring_alloc(64), reason, NULL);

    msg_warn("%s: SASL %s authentication failed: %s", state->namaddr, mech, vstring_str(why));
    switch (end) {
    case SMTPD_SASL_END_TEMP:
        smtpd_reply(state, "454 4.7.0 Temporary authentication failure: %s", vstring_str(why));
        break;
    case SMTPD_SASL_END_FORM:
        smtpd_reply(state, "501 5.5.2 %s", vstring_str(why));
        break;
    default:
        smtpd_reply(state, "535 5.7.8 Error: authentication failed: %s", vstring_str(why));
        break;
    }
    vstring_free(why);
}

/* smtp_proceed_auth - the exchange */

int smtp_proceed_auth(SMTPD_STATE *state, char *args)
{
    ARGV *words = argv_split(args, " \t");
    char *mech = uppercase(words->argv[0]);
    const char *init = words->argc > 1 ? words->argv[1] : NULL;
    VSTRING *reply = vstring_alloc(100);
    SMTPD_SASL_END end;
    SASL_STATUS status;

    if (init && strcmp(init, "=") == 0)
        init = "";
    if (smtpd_sasl_session(state) == NULL) {
        vstring_strcpy(reply, "authentication service unavailable");
        end = SMTPD_SASL_END_TEMP;
    } else {
        status = sasl_server_first(state->sasl, mech, init, reply);
        end = status == SASL_STATUS_MORE ? smtpd_sasl_exchange(state, mech, reply)
                                         : smtpd_sasl_end(status);
    }
    /* The initial response was on the command line: wipe our copies. */
    if (words->argc > 1)
        memset(words->argv[1], 0, strlen(words->argv[1]));
    memset(args, 0, strlen(args));
    if (end == SMTPD_SASL_END_OK)
        smtpd_sasl_success(state, mech);
    else if (end != SMTPD_SASL_END_ANSWERED)
        smtpd_sasl_failure(state, end, mech, vstring_str(reply));
    /* Never reuse a back-end session after a failure. */
    if (end != SMTPD_SASL_END_OK)
        smtpd_sasl_reset(state);
    argv_free(words);
    vstring_free(reply);
    return end == SMTPD_SASL_END_OK ? 0 : -1;
}
