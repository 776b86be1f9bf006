/*++
 * NAME
 *	smtpd_check_policy - check_policy_service, the policy delegation protocol
 * SYNOPSIS
 *	#include "smtpd_check_private.h"
 *
 *	int	smtpd_check_policy_service(SMTPD_CHECK_CTX *ctx, MAPS *unused);
 *
 *	SMTPD_POLICY *smtpd_check_policy_find(SMTPD_CHECKS *checks,
 *				const char *arg, VSTRING *why);
 *	void	smtpd_check_policy_free(void *policy);
 * DESCRIPTION
 *	check_policy_service asks a policy server (SMTPD_POLICY_README) and
 *	acts on its answer as on an access(5) table result. The argument
 *	names the server, "inet:host:port" or "unix:pathname" (a pathname
 *	alone means unix:, relative to queue_directory, where smtpd runs),
 *	or is "{ endpoint, name=value, ... }" with per-server settings that
 *	replace the smtpd_policy_service_* parameters: timeout, max_idle,
 *	max_ttl, try_limit, retry_delay, default_action, request_limit,
 *	policy_context (elements separated by commas; a value may contain
 *	spaces).
 *
 *	The request is Postfix's: "name=value" lines and an empty line
 *	(request=smtpd_access_policy, protocol_state, protocol_name,
 *	client_address, client_name, client_port, reverse_client_name,
 *	server_address, server_port, helo_name, sender, recipient,
 *	recipient_count, queue_id, instance, size, etrn_domain, stress,
 *	sasl_method, sasl_username, sasl_sender, ccert_subject,
 *	ccert_issuer, ccert_fingerprint, ccert_pubkey_fingerprint,
 *	encryption_protocol, encryption_cipher, encryption_keysize,
 *	policy_context, compatibility_level, mail_version). The answer is
 *	"action=..." (other attributes are ignored) and an empty line.
 *
 *	The connection stays open for the next request of this process
 *	until it has been idle for max_idle, is older than max_ttl, or has
 *	served request_limit requests (0: no limit). A request that fails
 *	(no connection, timeout, early close, an answer without action=,
 *	an over-long or malformed answer) is tried again on a new connection
 *	after retry_delay, at most try_limit times in all; then
 *	default_action decides ("451 4.3.5 Server configuration problem"),
 *	as if the server had answered it. The whole request has at most
 *	timeout seconds per try: a slow or silent server never holds the
 *	SMTP client longer.
 *
 *	smtpd_check_policy_find() returns the server of an argument, parsed
 *	and cached in checks (NULL with why for a bad argument).
 *	smtpd_check_policy_free() closes one (an htable destructor).
 * DIAGNOSTICS
 *	Warnings: "problem talking to server ..." with the reason, and bad
 *	answers ("missing attribute action in input from ...").
 *--*/

/* System library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"
#include "sockets.h"
#include "stringops.h"
#include "vstream.h"
#include "vstring.h"

/* Global library. */
#include "config.h"

/* Application-specific. */
#include "smtpd_check_private.h"

#define SMTPD_POLICY_LINE_MAX 4096 /* longest answer line */
#define SMTPD_POLICY_ATTR_MAX 100  /* most answer attributes */
#define SMTPD_POLICY_DELIM    ","  /* between braced elements */

/* One policy server and its connection. */
struct SMTPD_POLICY {
    char *endpoint;               /* "inet:host:port" or "unix:path"; owned */
    SMTPD_POLICY_SETTINGS config; /* with per-server overrides; strings owned */
    VSTREAM *stream;              /* the open connection, or NULL; owned */
    time_t created;               /* when it was opened */
    time_t used;                  /* when it was last used */
    int requests;                 /* requests on it */
};

/* smtpd_policy_setting - one "name=value" of a braced argument */

static bool smtpd_policy_setting(SMTPD_POLICY *policy, char *element, VSTRING *why)
{
    struct {
        const char *name;
        int *target;
        bool time;
    } numbers[] = {
        {"timeout", &policy->config.timeout, true},
        {"max_idle", &policy->config.max_idle, true},
        {"max_ttl", &policy->config.max_ttl, true},
        {"retry_delay", &policy->config.retry_delay, true},
        {"try_limit", &policy->config.try_limit, false},
        {"request_limit", &policy->config.request_limit, false},
    };
    char *name, *value;
    const char *err;
    long num;

    if ((err = split_nameval(element, &name, &value)) != NULL) {
        vstring_sprintf(why, "\"%s\": %s", element, err);
        return false;
    }
    if (strcmp(name, "default_action") == 0 || strcmp(name, "policy_context") == 0) {
        char **target = strcmp(name, "default_action") == 0 ? &policy->config.default_action
                                                            : &policy->config.policy_context;

        myfree(*target);
        *target = mystrdup(value);
        return true;
    }
    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
        if (strcmp(name, numbers[i].name) != 0)
            continue;
        err = numbers[i].time ? config_parse_time(value, 's', &num) : config_parse_int(value, &num);
        if (err || num < 0 || (num == 0 && strcmp(name, "request_limit") != 0)) {
            vstring_sprintf(why, "bad %s value \"%s\"", name, value);
            return false;
        }
        *numbers[i].target = (int)num;
        return true;
    }
    vstring_sprintf(why, "unknown attribute \"%s\"", name);
    return false;
}

/* smtpd_check_policy_free - close a server's connection, release it */

void smtpd_check_policy_free(void *ptr)
{
    SMTPD_POLICY *policy = ptr;

    if (policy->stream)
        vstream_close(policy->stream);
    myfree(policy->endpoint);
    myfree(policy->config.default_action);
    myfree(policy->config.policy_context);
    myfree(policy);
}

/* smtpd_policy_parse - a server from check_policy_service's argument */

static SMTPD_POLICY *smtpd_policy_parse(SMTPD_CHECKS *checks, const char *arg, VSTRING *why)
{
    SMTPD_POLICY *policy = mycalloc(1, sizeof(*policy));
    char *copy = mystrdup(arg);
    char *cp = copy;
    char *element;
    bool ok = true;

    policy->config = checks->policy;
    policy->config.default_action = mystrdup(checks->policy.default_action);
    policy->config.policy_context = mystrdup(checks->policy.policy_context);
    if (*cp == '{') {
        const char *err = strip_braces(&cp);

        if (err) {
            vstring_sprintf(why, "%s", err);
            ok = false;
        }
    }
    while (ok && (element = mystrtok(&cp, SMTPD_POLICY_DELIM)) != NULL) {
        element = trim_blanks(element);
        if (*element == 0)
            continue;
        if (policy->endpoint == NULL)
            policy->endpoint = mystrdup(element);
        else
            ok = smtpd_policy_setting(policy, element, why);
    }
    myfree(copy);
    if (ok && (policy->endpoint == NULL || *policy->endpoint == 0)) {
        vstring_strcpy(why, "no server endpoint");
        ok = false;
    }
    if (ok && strncmp(policy->endpoint, "inet:", 5) != 0 &&
        strncmp(policy->endpoint, "unix:", 5) != 0) {
        VSTRING *full = vstring_alloc(100);

        vstring_sprintf(full, "unix:%s", policy->endpoint);
        myfree(policy->endpoint);
        policy->endpoint = vstring_export(full);
    }
    if (!ok) {
        smtpd_check_policy_free(policy);
        return NULL;
    }
    return policy;
}

/* smtpd_check_policy_find - a parsed and cached server */

SMTPD_POLICY *smtpd_check_policy_find(SMTPD_CHECKS *checks, const char *arg, VSTRING *why)
{
    SMTPD_POLICY *policy;

    if ((policy = htable_find(checks->policies, arg)) == NULL &&
        (policy = smtpd_policy_parse(checks, arg, why)) != NULL)
        htable_enter(checks->policies, arg, policy);
    return policy;
}

/* smtpd_policy_disconnect - forget the connection */

static void smtpd_policy_disconnect(SMTPD_POLICY *policy)
{
    if (policy->stream) {
        vstream_close(policy->stream);
        policy->stream = NULL;
    }
}

/* smtpd_policy_server - the endpoint without its "inet:"/"unix:", for messages */

static const char *smtpd_policy_server(const SMTPD_POLICY *policy)
{
    return policy->endpoint + 5;
}

/* smtpd_policy_connect - a connection that may take another request */

static bool smtpd_policy_connect(SMTPD_POLICY *policy, VSTRING *why)
{
    time_t now = time(NULL);
    int fd;

    if (policy->stream &&
        (now - policy->used >= policy->config.max_idle ||
         now - policy->created >= policy->config.max_ttl ||
         (policy->config.request_limit > 0 && policy->requests >= policy->config.request_limit)))
        smtpd_policy_disconnect(policy);
    if (policy->stream)
        return true;
    if (strncmp(policy->endpoint, "inet:", 5) == 0)
        fd = inet_connect(policy->endpoint + 5, policy->config.timeout * 1000, why);
    else
        fd = unix_connect(policy->endpoint + 5, policy->config.timeout * 1000, why);
    if (fd < 0) {
        msg_warn("connect to %s: %s", smtpd_policy_server(policy), vstring_str(why));
        return false;
    }
    policy->stream = vstream_fdopen(fd, VSTREAM_FLAG_RW);
    policy->created = now;
    policy->requests = 0;
    return true;
}

/* smtpd_policy_attr - one "name=value" request line, without control characters */

static void smtpd_policy_attr(VSTRING *request, const char *name, const char *value)
{
    vstring_sprintf_append(request, "%s=", name);
    for (const char *cp = value ? value : ""; *cp; cp++)
        vstring_addch(request, (unsigned char)*cp < 0x20 || *cp == 0x7f ? '?' : *cp);
    vstring_addch(request, '\n');
}

/* smtpd_policy_request - the attributes of this request */

static void smtpd_policy_request(SMTPD_CHECK_CTX *ctx, const SMTPD_POLICY *policy, VSTRING *request)
{
    const SMTPD_CHECK_FACTS *f = ctx->facts;
    char count[32], size[32], keysize[32];

    /* As Postfix: the count only when it is final. */
    snprintf(count, sizeof(count), "%d",
             f->protocol_state && (strcmp(f->protocol_state, "DATA") == 0 ||
                                   strcmp(f->protocol_state, "END-OF-MESSAGE") == 0)
                 ? f->rcpt_count
                 : 0);
    snprintf(size, sizeof(size), "%ld", f->size > 0 ? f->size : 0);
    snprintf(keysize, sizeof(keysize), "%d", f->tls_active ? f->tls_keysize : 0);
    VSTRING_RESET(request);
    smtpd_policy_attr(request, "request", "smtpd_access_policy");
    smtpd_policy_attr(request, "protocol_state", f->protocol_state);
    smtpd_policy_attr(request, "protocol_name", f->protocol_name);
    smtpd_policy_attr(request, "client_address", f->addr);
    smtpd_policy_attr(request, "client_name", f->name);
    smtpd_policy_attr(request, "client_port", f->client_port);
    smtpd_policy_attr(request, "reverse_client_name", f->reverse_name);
    smtpd_policy_attr(request, "server_address", f->local_addr);
    smtpd_policy_attr(request, "server_port", f->server_port);
    smtpd_policy_attr(request, "helo_name", f->helo);
    smtpd_policy_attr(request, "sender", f->sender);
    smtpd_policy_attr(request, "recipient", f->recipient);
    smtpd_policy_attr(request, "recipient_count", count);
    smtpd_policy_attr(request, "queue_id", f->queue_id);
    smtpd_policy_attr(request, "instance", f->instance);
    smtpd_policy_attr(request, "size", size);
    smtpd_policy_attr(request, "etrn_domain", f->etrn_domain);
    smtpd_policy_attr(request, "stress", "");
    smtpd_policy_attr(request, "sasl_method", f->sasl_authenticated ? f->sasl_method : "");
    smtpd_policy_attr(request, "sasl_username", f->sasl_authenticated ? f->sasl_username : "");
    smtpd_policy_attr(request, "sasl_sender", f->sasl_authenticated ? f->sasl_sender : "");
    smtpd_policy_attr(request, "ccert_subject", f->ccert_trusted ? f->ccert_subject : "");
    smtpd_policy_attr(request, "ccert_issuer", f->ccert_trusted ? f->ccert_issuer : "");
    smtpd_policy_attr(request, "ccert_fingerprint", f->ccert_fprint);
    smtpd_policy_attr(request, "ccert_pubkey_fingerprint", f->ccert_pkey_fprint);
    smtpd_policy_attr(request, "encryption_protocol", f->tls_active ? f->tls_protocol : "");
    smtpd_policy_attr(request, "encryption_cipher", f->tls_active ? f->tls_cipher : "");
    smtpd_policy_attr(request, "encryption_keysize", keysize);
    smtpd_policy_attr(request, "policy_context", policy->config.policy_context);
    smtpd_policy_attr(request, "compatibility_level", ctx->checks->compatibility_level);
    smtpd_policy_attr(request, "mail_version", ctx->checks->mail_version);
    vstring_addch(request, '\n');
}

/* smtpd_policy_read_line - one answer line within the deadline; -1 on failure */

static int smtpd_policy_read_line(SMTPD_POLICY *policy, VSTRING *line, time_t deadline,
                                  VSTRING *why)
{
    time_t left = deadline - time(NULL);
    int ch;

    if (left <= 0) {
        vstring_strcpy(why, "Connection timed out");
        return -1;
    }
    vstream_set_timeout(policy->stream, (int)left);
    VSTRING_RESET(line);
    while ((ch = vstream_getc(policy->stream)) != EOF && ch != '\n') {
        if (VSTRING_LEN(line) >= SMTPD_POLICY_LINE_MAX) {
            vstring_strcpy(why, "answer line too long");
            return -1;
        }
        vstring_addch(line, ch);
        if (time(NULL) > deadline) {
            vstring_strcpy(why, "Connection timed out");
            return -1;
        }
    }
    if (ch == EOF) {
        vstring_strcpy(why, vstream_ftimeout(policy->stream) ? "Connection timed out"
                                                             : "Application error");
        return -1;
    }
    if (VSTRING_LEN(line) > 0 && vstring_str(line)[VSTRING_LEN(line) - 1] == '\r')
        vstring_truncate(line, VSTRING_LEN(line) - 1);
    return (int)VSTRING_LEN(line);
}

/* smtpd_policy_read - the action of an answer; false on failure */

static bool smtpd_policy_read(SMTPD_POLICY *policy, time_t deadline, VSTRING *action, VSTRING *why)
{
    VSTRING *line = vstring_alloc(100);
    bool found = false;
    int count = 0;
    int len;

    while ((len = smtpd_policy_read_line(policy, line, deadline, why)) > 0) {
        const char *text = vstring_str(line);
        const char *eq = strchr(text, '=');

        if (++count > SMTPD_POLICY_ATTR_MAX) {
            vstring_strcpy(why, "too many attributes");
            len = -1;
            break;
        }
        if (eq && eq - text == 6 && strncmp(text, "action", 6) == 0) {
            vstring_strcpy(action, eq + 1);
            found = true;
        }
    }
    vstring_free(line);
    if (len < 0)
        return false;
    if (!found) {
        msg_warn("missing attribute action in input from %s", smtpd_policy_server(policy));
        vstring_strcpy(why, "Application error");
        return false;
    }
    return true;
}

/* smtpd_policy_try - one request on one connection; false on failure */

static bool smtpd_policy_try(SMTPD_POLICY *policy, const VSTRING *request, VSTRING *action,
                             VSTRING *why)
{
    time_t deadline = time(NULL) + policy->config.timeout;

    if (!smtpd_policy_connect(policy, why))
        return false;
    vstream_set_timeout(policy->stream, policy->config.timeout);
    if (vstream_write(policy->stream, vstring_str(request), VSTRING_LEN(request)) < 0 ||
        vstream_fflush(policy->stream) < 0) {
        vstring_strcpy(why, vstream_ftimeout(policy->stream) ? "Connection timed out"
                                                             : "Application error");
        return false;
    }
    policy->requests++;
    if (!smtpd_policy_read(policy, deadline, action, why))
        return false;
    policy->used = time(NULL);
    return true;
}

/* smtpd_policy_query - try_limit tries; false when all failed */

static bool smtpd_policy_query(SMTPD_POLICY *policy, const VSTRING *request, VSTRING *action)
{
    VSTRING *why = vstring_alloc(100);
    bool ok = false;

    for (int tries = 0; !ok && tries < policy->config.try_limit; tries++) {
        if (tries > 0)
            sleep((unsigned)policy->config.retry_delay);
        VSTRING_RESET(why);
        if ((ok = smtpd_policy_try(policy, request, action, why)) == false) {
            msg_warn("problem talking to server %s: %s", smtpd_policy_server(policy),
                     vstring_str(why));
            smtpd_policy_disconnect(policy);
        }
    }
    vstring_free(why);
    return ok;
}

/* smtpd_check_policy_service - check_policy_service */

int smtpd_check_policy_service(SMTPD_CHECK_CTX *ctx, MAPS *unused_table)
{
    VSTRING *why = vstring_alloc(100);
    SMTPD_POLICY *policy = smtpd_check_policy_find(ctx->checks, ctx->arg, why);
    VSTRING *request, *action;
    int result;

    if (policy == NULL) {
        msg_warn("check_policy_service %s: %s", ctx->arg, vstring_str(why));
        vstring_free(why);
        return smtpd_check_reject(ctx, 451, "4.3.5", "Server configuration error");
    }
    vstring_free(why);
    request = vstring_alloc(512);
    action = vstring_alloc(100);
    smtpd_policy_request(ctx, policy, request);
    if (!smtpd_policy_query(policy, request, action))
        vstring_strcpy(action, policy->config.default_action);
    result = smtpd_check_access_value(ctx, smtpd_check_reply_name(ctx),
                                      smtpd_check_reply_class(ctx->stage),
                                      smtpd_policy_server(policy), vstring_str(action));
    vstring_free(request);
    vstring_free(action);
    return result;
}
