/*++
 * NAME
 *	smtp_sasl - SMTP AUTH in the SMTP client
 * SYNOPSIS
 *	#include "smtp.h"
 *
 *	void	smtp_sasl_init(SMTP_SASL_CONFIG *sasl);
 *	int	smtp_sasl_lookup(const SMTP_STATE *state, const char *host,
 *				char **out_username, char **out_password);
 *	void	smtp_sasl_key(const char *username, const char *password,
 *				VSTRING *key);
 *	void	smtp_sasl_ehlo(SMTP_SESSION *session, const char *line);
 *	int	smtp_sasl_login(SMTP_SESSION *session);
 *	void	smtp_sasl_forget(SMTP_SESSION *session);
 * DESCRIPTION
 *	smtp_sasl_init() runs before chroot when smtp_sasl_auth_enable is
 *	set: it checks the three security option parameters, opens
 *	smtp_sasl_password_maps (a configuration without one is fatal, as in
 *	Postfix; its values are not logged, not even with -v), parses
 *	smtp_sasl_mechanism_filter and starts the back end
 *	that smtp_sasl_type names. Every problem here is fatal.
 *
 *	smtp_sasl_lookup() finds the credentials for mail of the request to
 *	one server: with smtp_sender_dependent_authentication the sender
 *	address first (the full address without its extension, then
 *	"@domain"; not for the null sender), then the server's host name,
 *	then the next hop as written (for example "[mail.example.com]:587",
 *	brackets and port included). The first "username:password" value
 *	wins; the password is what follows the first colon. It returns 1
 *	with two new strings, 0 when there is nothing to use (no table
 *	entry, or SASL is off), or -1 for a table lookup error (the mail
 *	must wait: it must not go out unauthenticated or as someone else).
 *
 *	smtp_sasl_key() appends the SASL identity to a connection reuse
 *	key: the username and a digest of the password, or "none".
 *
 *	smtp_sasl_ehlo() takes one EHLO reply keyword line: "AUTH mech ..."
 *	sets the server's mechanism list; "AUTH=mech ..." (the form of old
 *	clients) counts only when no "AUTH" line came.
 *
 *	smtp_sasl_login() authenticates when SASL is on, the session has
 *	credentials and the server offered AUTH; otherwise it returns
 *	SMTP_OK at once. The offered mechanisms pass
 *	smtp_sasl_mechanism_filter, then the back end picks one within the
 *	security options of the connection: smtp_sasl_security_options
 *	without TLS, smtp_sasl_tls_security_options with TLS, and
 *	smtp_sasl_tls_verified_security_options when the server certificate
 *	matched. When no mechanism is allowed nothing is sent and the
 *	server is failed with 4.7.0 ("SASL authentication failed; cannot
 *	authenticate to server %s: no mechanism available", or "server %s
 *	offered no compatible authentication mechanisms for this type of
 *	connection security" when the filter left none). Then AUTH, with
 *	the initial response when the mechanism has one ("=" for an empty
 *	one; one that would make the line longer than 510 characters is
 *	sent as the answer to the server's empty 334 instead), each 334
 *	challenge answered, within smtp_helo_timeout per reply. 235 is success. Any other reply fails the server with
 *	"SASL authentication failed; server %s said: %s" and the server's
 *	status; a 5xx status becomes 4xx with smtp_sasl_auth_soft_bounce.
 *	A challenge the back end cannot answer cancels the exchange ("*")
 *	and fails the server with 4.7.0. Commands that carry responses are
 *	not logged, not even with -v.
 *
 *	smtp_sasl_forget() wipes and frees the session's credentials and
 *	the offered mechanism list.
 * DIAGNOSTICS
 *	Table lookup errors are logged; fatal configuration errors.
 *--*/

/* System library. */
#include <string.h>
#include <strings.h>

/* OpenSSL, for the password digest and wiping secrets. */
#include <openssl/crypto.h>
#include <openssl/evp.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* Global library. */
#include "mail_addr_find.h"
#include "mail_params.h"
#include "maps.h"
#include "match_list.h"

/* SASL library. */
#include "sasl_client.h"
#include "sasl_secopts.h"

/* Application-specific. */
#include "smtp.h"

#define SMTP_SASL_SERVICE    "smtp" /* the SASL service name of SMTP */
#define SMTP_SASL_MAX_ROUNDS 20     /* challenges in one exchange, more is a broken server */
#define SMTP_SASL_LINE_MAX   510    /* longest AUTH line with an initial response (RFC 4954) */

/* smtp_sasl_check_options - a security option parameter must parse */

static void smtp_sasl_check_options(const char *name, const char *value)
{
    const char *bad = NULL;
    int mask;

    if (sasl_secopts_parse(value, &mask, &bad) < 0)
        msg_fatal("unknown %s value \"%s\" (known: %s)", name, bad, sasl_secopts_names());
}

/* smtp_sasl_init - tables, filter and back end, before chroot */

void smtp_sasl_init(SMTP_SASL_CONFIG *sasl)
{
    VSTRING *why = vstring_alloc(100);

    smtp_sasl_check_options(SMTP_PARAM(sasl, SASL_SECURITY_OPTIONS), sasl->security_options);
    smtp_sasl_check_options(SMTP_PARAM(sasl, SASL_TLS_SECURITY_OPTIONS),
                            sasl->tls_security_options);
    smtp_sasl_check_options(SMTP_PARAM(sasl, SASL_TLS_VERIFIED_SECURITY_OPTIONS),
                            sasl->tls_verified_security_options);
    if (sasl->password_maps_names == NULL || *sasl->password_maps_names == 0)
        msg_fatal("specify a password table via the `%s' configuration parameter",
                  SMTP_PARAM(sasl, SASL_PASSWORD_MAPS));
    sasl->password_maps = maps_create(SMTP_PARAM(sasl, SASL_PASSWORD_MAPS),
                                      sasl->password_maps_names, DICT_FLAG_LOCK);
    sasl->password_maps->secret = true;
    if (sasl->mechanism_filter_names && *sasl->mechanism_filter_names &&
        (sasl->mechanism_filter =
             match_list_create(SMTP_PARAM(sasl, SASL_MECHANISM_FILTER),
                               sasl->mechanism_filter_names, MATCH_FLAG_NONE, why)) == NULL)
        msg_fatal("%s: %s", SMTP_PARAM(sasl, SASL_MECHANISM_FILTER), vstring_str(why));
    if ((sasl->impl = sasl_client_impl_init(&(SASL_CLIENT_SETTINGS){
             .type = sasl->type,
             .path = sasl->path ? sasl->path : "",
         })) == NULL)
        msg_fatal("SASL library initialization (%s = %s)", SMTP_PARAM(sasl, SASL_TYPE), sasl->type);
    vstring_free(why);
}

/* smtp_sasl_find - one lookup step; 1 found, 0 not, -1 error */

static int smtp_sasl_find(const SMTP_SASL_CONFIG *sasl, const char *key, bool address,
                          const char **out_value)
{
    if (address)
        *out_value = mail_addr_find(sasl->password_maps, key,
                                    &(MAIL_ADDR_FIND_OPTS){
                                        .strategy = MAIL_ADDR_FIND_FULL | MAIL_ADDR_FIND_AT_DOMAIN,
                                        .delimiters = sasl->recipient_delimiter,
                                    },
                                    NULL);
    else
        *out_value = maps_find(sasl->password_maps, key, 0);
    if (*out_value)
        return 1;
    return sasl->password_maps->error ? -1 : 0;
}

/* smtp_sasl_lookup - credentials for the request and server */

int smtp_sasl_lookup(const SMTP_STATE *state, const char *host, char **out_username,
                     char **out_password)
{
    const SMTP_SASL_CONFIG *sasl = &state->config->sasl;
    const char *sender = state->request->sender;
    const char *value = NULL;
    char *colon;
    int found = 0;

    if (!sasl->auth_enable || sasl->password_maps == NULL)
        return 0;
    if (sasl->sender_dependent && sender && *sender)
        found = smtp_sasl_find(sasl, sender, true, &value);
    if (found == 0)
        found = smtp_sasl_find(sasl, host, false, &value);
    if (found == 0)
        found = smtp_sasl_find(sasl, state->dest.key, false, &value);
    if (found < 0) {
        msg_warn("%s: %s lookup error: %s", state->request->queue_id,
                 SMTP_PARAM(sasl, SASL_PASSWORD_MAPS), maps_reason(sasl->password_maps));
        return -1;
    }
    if (found == 0) {
        if (msg_verbose)
            msg_info("%s: no SASL credentials for sender <%s>, host %s, next hop %s",
                     state->request->queue_id, sender, host, state->dest.key);
        return 0;
    }
    *out_username = mystrdup(value);
    if ((colon = strchr(*out_username, ':')) != NULL)
        *colon++ = 0;
    *out_password = mystrdup(colon ? colon : "");
    if (msg_verbose)
        msg_info("%s: SASL username %s for host %s", state->request->queue_id, *out_username, host);
    return 1;
}

/* smtp_sasl_key - the SASL identity part of a reuse key */

void smtp_sasl_key(const char *username, const char *password, VSTRING *key)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;

    if (username == NULL) {
        vstring_strcat(key, "sasl=none\n");
        return;
    }
    if (!EVP_Digest(password, strlen(password), digest, &len, EVP_sha256(), NULL))
        msg_fatal("%s: SHA-256 digest failed", __func__);
    vstring_sprintf_append(key, "sasl=%s\nsasl_pass=", username);
    for (unsigned int i = 0; i < len; i++)
        vstring_sprintf_append(key, "%02x", digest[i]);
    vstring_strcat(key, "\n");
    OPENSSL_cleanse(digest, sizeof(digest));
}

/* smtp_sasl_ehlo - the AUTH keyword of the EHLO reply */

void smtp_sasl_ehlo(SMTP_SESSION *session, const char *line)
{
    bool old_form = line[4] == '=';

    if (old_form && session->sasl_mechs && !session->sasl_mechs_old)
        return;
    myfree(session->sasl_mechs);
    session->sasl_mechs = mystrdup(line + 5);
    session->sasl_mechs_old = old_form;
}

/* smtp_sasl_forget - wipe the credentials */

void smtp_sasl_forget(SMTP_SESSION *session)
{
    if (session->sasl_password) {
        OPENSSL_cleanse(session->sasl_password, strlen(session->sasl_password));
        myfree(session->sasl_password);
        session->sasl_password = NULL;
    }
    myfree(session->sasl_username);
    session->sasl_username = NULL;
    myfree(session->sasl_mechs);
    session->sasl_mechs = NULL;
}

/* smtp_sasl_filter - the offered mechanisms that smtp_sasl_mechanism_filter lets through */

static char *smtp_sasl_filter(SMTP_SESSION *session)
{
    MATCH_LIST *filter = session->state->config->sasl.mechanism_filter;
    VSTRING *out = vstring_alloc(50);
    char *copy = mystrdup(session->sasl_mechs), *cp = copy, *mech;

    while ((mech = mystrtok(&cp, " \t")) != NULL) {
        if (filter && !match_list_domain(filter, mech))
            continue;
        if (VSTRING_LEN(out))
            vstring_strcat(out, " ");
        vstring_strcat(out, mech);
    }
    myfree(copy);
    return vstring_export(out);
}

/* smtp_sasl_options - security options for the connection's state */

static const char *smtp_sasl_options(const SMTP_SESSION *session)
{
    const SMTP_SASL_CONFIG *sasl = &session->state->config->sasl;

    if (session->tls == NULL)
        return sasl->security_options;
    if (TLS_CERT_IS_MATCHED(session->tls))
        return sasl->tls_verified_security_options;
    return sasl->tls_security_options;
}

/* smtp_sasl_fail - the server failed authentication: its reply decides the status */

static void smtp_sasl_fail(SMTP_SESSION *session)
{
    SMTP_RESP *resp = &session->resp;
    char dsn[sizeof(resp->dsn)];

    snprintf(dsn, sizeof(dsn), "%s", resp->dsn);
    if (resp->code / 100 != 5 || session->state->config->sasl.auth_soft_bounce)
        dsn[0] = '4';
    smtp_site_fail(session->state, session->relay, dsn,
                   "SASL authentication failed; server %s said: %s", session->namaddr,
                   vstring_str(resp->text));
}

/* smtp_sasl_send - one AUTH exchange line, not logged */

static int smtp_sasl_send(SMTP_SESSION *session, const char *shown, const char *line)
{
    SMTP_CONFIG *config = session->state->config;

    return smtp_chat_cmd_hidden(session, shown, line) == SMTP_OK &&
                   smtp_chat_resp(session, config->helo_timeout) == SMTP_OK
               ? SMTP_OK
               : SMTP_FAIL;
}

/* smtp_sasl_exchange - AUTH, then challenges until a final reply */

static int smtp_sasl_exchange(SMTP_SESSION *session, SASL_CLIENT *client, const char *mech,
                              VSTRING *response, bool initial)
{
    SMTP_RESP *resp = &session->resp;
    VSTRING *line = vstring_alloc(100);
    int status = SMTP_FAIL;

    /* RFC 4954: an initial response that would make a long line waits for an empty 334. */
    vstring_sprintf(line, "AUTH %s", mech);
    if (initial && VSTRING_LEN(line) + 1 + VSTRING_LEN(response) <= SMTP_SASL_LINE_MAX) {
        vstring_sprintf_append(line, " %s", VSTRING_LEN(response) ? vstring_str(response) : "=");
        initial = false;
    }
    if (smtp_sasl_send(session, "AUTH", vstring_str(line)) != SMTP_OK)
        goto out;
    for (int round = 0; resp->code == 334; round++) {
        const char *first = resp->lines->argv[0];
        const char *challenge = strlen(first) > 4 ? first + 4 : "";
        bool held = initial && round == 0 && *challenge == 0; /* answers the empty 334 */

        initial = false;
        if (!held && (round >= SMTP_SASL_MAX_ROUNDS ||
                      sasl_client_next(client, challenge, response) != SASL_CLIENT_OK)) {
            if (round >= SMTP_SASL_MAX_ROUNDS)
                vstring_strcpy(response, "too many SASL challenges");
            vstring_strcpy(line, vstring_str(response));
            (void)smtp_sasl_send(session, "*", "*");
            if (!session->broken)
                smtp_site_fail(session->state, session->relay, "4.7.0",
                               "SASL authentication failed; cannot authenticate to server %s: %s",
                               session->namaddr, vstring_str(line));
            goto out;
        }
        if (smtp_sasl_send(session, "(SASL response)", vstring_str(response)) != SMTP_OK)
            goto out;
    }
    if (resp->code / 100 == 2) {
        if (msg_verbose)
            msg_info("%s: authenticated as %s with %s", session->namaddr, session->sasl_username,
                     mech);
        status = SMTP_OK;
    } else {
        smtp_sasl_fail(session);
    }
out:
    OPENSSL_cleanse(vstring_str(line), line->size);
    vstring_free(line);
    return status;
}

/* smtp_sasl_login - authenticate when the server and the configuration call for it */

int smtp_sasl_login(SMTP_SESSION *session)
{
    SMTP_STATE *state = session->state;
    SMTP_SASL_CONFIG *sasl = &state->config->sasl;
    VSTRING *why, *mech, *response;
    SASL_CLIENT *client;
    char *offered;
    bool initial = false;
    int status = SMTP_FAIL;

    if (!sasl->auth_enable || sasl->impl == NULL || session->sasl_username == NULL ||
        session->sasl_mechs == NULL)
        return SMTP_OK;
    session->doing = "performing the SASL authentication";
    offered = smtp_sasl_filter(session);
    if (*offered == 0) {
        smtp_site_fail(state, session->relay, "4.7.0",
                       "SASL authentication failed: server %s offered no compatible "
                       "authentication mechanisms for this type of connection security",
                       session->namaddr);
        myfree(offered);
        return SMTP_FAIL;
    }
    why = vstring_alloc(100);
    mech = vstring_alloc(20);
    response = vstring_alloc(100);
    client = sasl_client_create(sasl->impl,
                                &(SASL_CLIENT_ARGS){
                                    .service = SMTP_SASL_SERVICE,
                                    .server_name = session->host,
                                    .server_addr = session->addr,
                                    .server_port = "",
                                    .security_options = smtp_sasl_options(session),
                                    .username = session->sasl_username,
                                    .password = session->sasl_password,
                                },
                                why);
    if (client == NULL) {
        smtp_site_fail(state, session->relay, "4.7.0",
                       "SASL authentication failed; cannot authenticate to server %s: %s",
                       session->namaddr, vstring_str(why));
    } else if (sasl_client_first(client, offered, mech, response, &initial) != SASL_CLIENT_OK) {
        /* No offered mechanism is allowed: not a byte of the credentials leaves. */
        smtp_site_fail(state, session->relay, "4.7.0",
                       "SASL authentication failed; cannot authenticate to server %s: %s",
                       session->namaddr, vstring_str(response));
    } else {
        status = smtp_sasl_exchange(session, client, vstring_str(mech), response, initial);
    }
    if (client)
        sasl_client_free(client);
    OPENSSL_cleanse(vstring_str(response), response->size);
    vstring_free(response);
    vstring_free(mech);
    vstring_free(why);
    myfree(offered);
    return status;
}
