/*++
 * NAME
 *	smtp_cache - in-process SMTP connection reuse
 * SYNOPSIS
 *	#include "smtp.h"
 *
 *	void	smtp_cache_init(EVENT_LOOP *loop);
 *	char	*smtp_cache_key(const SMTP_STATE *state,
 *				const SMTP_TLS_POLICY *policy, int level,
 *				const char *host, int dane_level,
 *				const SMTP_TLSA_LIST *tlsa,
 *				const char *sasl_username,
 *				const char *sasl_password);
 *	bool	smtp_cache_wanted(const SMTP_SESSION *session);
 *	SMTP_SESSION *smtp_cache_take(SMTP_STATE *state);
 *	void	smtp_cache_save(SMTP_SESSION *session);
 *	void	smtp_cache_close(void);
 *	const char *smtp_session_relay(SMTP_SESSION *session);
 * DESCRIPTION
 *	The process keeps at most one idle connection after a successful
 *	transaction, so that the next request to the same destination
 *	skips connect, greeting, EHLO and the TLS handshake.
 *
 *	smtp_cache_init() names the daemon's event loop, whose timer
 *	closes an idle connection after smtp_connection_cache_time_limit
 *	and whose read watcher closes it when the server hangs up.
 *
 *	smtp_cache_key() returns the reuse key of a connection (a new
 *	string): the transport, the next hop as written, the port, the
 *	server host, and every input of the TLS client session cache key
 *	(level, protocols, ciphers, exclusions, post-quantum mode, match names or
 *	fingerprints, trust anchors, SNI, EHLO name), and the SMTP AUTH
 *	identity that the request needs at that server (the username and a
 *	digest of the password, or none). Under a DANE policy (level dane
 *	or dane-only) it also holds the level that the server's DNSSEC
 *	status and TLSA records gave (dane_level, smtp_dane.c) and a digest
 *	of those records (tlsa, smtp_tlsa_digest()), so that a connection
 *	authenticated under one TLSA RRset never carries mail after the
 *	RRset changed. The CA, client
 *	certificate and OpenSSL settings are per process and so the same
 *	for every key. A connection is reused only for a request whose
 *	key is byte for byte identical.
 *
 *	smtp_cache_wanted() says whether a session may be kept after its
 *	transaction: caching is on for the destination
 *	(smtp_connection_cache_on_demand, or the next hop is listed in
 *	smtp_connection_cache_destinations), the session ran at its
 *	policy's level (no plaintext fallback, no TLS failure), and the
 *	reuse count and time limits leave room for another use.
 *
 *	smtp_cache_take() returns the cached connection when its key
 *	matches the request, else NULL: so a connection authenticated as
 *	one user, or not at all, never carries mail that needs another
 *	identity, and under a DANE policy the server's TLSA records are
 *	looked up again for the comparison. A connection that does not fit
 *	is closed with QUIT at once: the request's own connection would
 *	replace it, and while the request runs nothing watches its time
 *	limit (a server that takes one connection per client would wait
 *	for it). The connection returned has its
 *	use count incremented and its state set to the request. A connection whose server has sent
 *	something unasked (a 421, end of file) is closed instead, whether
 *	it waits on the socket, in the stream or inside the TLS engine.
 *
 *	smtp_cache_save() keeps a session whose RSET succeeded, replacing
 *	(and closing) any other cached connection.
 *
 *	smtp_cache_close() closes the cached connection, if any, with
 *	QUIT: at the time limit and before the process exits.
 *
 *	smtp_session_relay() returns the relay= text of a session:
 *	"host[addr]:port", followed by ", conn_use=N" from the second use.
 * DIAGNOSTICS
 *	Cache events are logged with -v.
 *--*/

/* System library. */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* OpenSSL, for wiping secrets. */
#include <openssl/crypto.h>

/* Utility library. */
#include "events.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "timed_io.h"
#include "vstream.h"
#include "vstring.h"

/* TLS library. */
#include "tls_level.h"

/* Application-specific. */
#include "smtp.h"

static EVENT_LOOP *smtp_cache_loop;   /* the daemon's loop, not owned */
static SMTP_SESSION *smtp_cache_conn; /* the idle connection, owned, or NULL */
static SMTP_STATE smtp_cache_idle;    /* stands in for the request while idle */

/* smtp_cache_init - remember the event loop */

void smtp_cache_init(EVENT_LOOP *loop)
{
    smtp_cache_loop = loop;
}

/* smtp_cache_key - the reuse key of a connection */

char *smtp_cache_key(const SMTP_STATE *state, const SMTP_TLS_POLICY *policy, int level,
                     const char *host, int dane_level, const SMTP_TLSA_LIST *tlsa,
                     const char *sasl_username, const char *sasl_password)
{
    VSTRING *key = vstring_alloc(200);
    const char *sni = smtp_tls_policy_sni(policy, host, state->dest.name);

#define SMTP_CACHE_STR(s) ((s) ? (s) : "")

    vstring_sprintf(key,
                    "transport=%s\nnexthop=%s\nname=%s\nport=%u\nhost=%s\nlevel=%s\n"
                    "protocols=%s\nciphers=%s\nexclude=%s\nmatch=%s\ntafile=%s\nsni=%s\n"
                    "helo=%s\nwrapper=%d\npq=%d\n",
                    state->request->transport, state->dest.key, state->dest.name, state->dest.port,
                    host, tls_level_name(level), SMTP_CACHE_STR(policy->protocols),
                    SMTP_CACHE_STR(policy->grade), SMTP_CACHE_STR(policy->exclusions),
                    SMTP_CACHE_STR(policy->match), SMTP_CACHE_STR(policy->tafile),
                    SMTP_CACHE_STR(sni), state->config->helo_name, state->config->tls_wrappermode,
                    policy->pq_mode);
    if (level == TLS_LEV_DANE || level == TLS_LEV_DANE_ONLY) {
        VSTRING *digest = vstring_alloc(70);

        smtp_tlsa_digest(tlsa, digest);
        vstring_sprintf_append(key, "dane=%s\ntlsa=%s\n", tls_level_name(dane_level),
                               vstring_str(digest));
        vstring_free(digest);
    }
    smtp_sasl_key(sasl_username, sasl_password, key);
    return vstring_export(key);
}

/* smtp_cache_listed - is the next hop in smtp_connection_cache_destinations? */

static bool smtp_cache_listed(const SMTP_STATE *state)
{
    char *copy = mystrdup(state->config->cache_dests ? state->config->cache_dests : "");
    char *cp = copy, *name;
    bool found = false;

    while (!found && (name = mystrtok(&cp, " \t\r\n,")) != NULL)
        found = strcasecmp(name, state->dest.key) == 0 || strcasecmp(name, state->dest.name) == 0;
    myfree(copy);
    return found;
}

/* smtp_cache_wanted - may this session be kept after its transaction? */

bool smtp_cache_wanted(const SMTP_SESSION *session)
{
    const SMTP_CONFIG *config = session->state->config;
    long long age = deliver_time_now() - session->created;

    if (session->reuse_key == NULL || session->tls_failed || session->broken)
        return false;
    if (!config->cache_on_demand && !smtp_cache_listed(session->state))
        return false;
    if (session->tls_level != session->policy.level && !config->tls_wrappermode)
        return false;
    if (config->reuse_count_limit > 0 && session->use_count >= config->reuse_count_limit)
        return false;
    return age < (long long)config->reuse_time_limit * 1000000;
}

/* smtp_cache_quit - end an idle connection politely and free it */

static void smtp_cache_quit(SMTP_SESSION *session, bool quit)
{
    if (quit) {
        if (msg_verbose)
            msg_info("%s: closing cached connection (use count %d)", session->relay,
                     session->use_count);
        /* Not smtp_chat_cmd(): an idle connection has no request to record a loss in. */
        (void)vstream_puts(session->stream, "QUIT\r\n");
        smtp_chat_quit_end(session, true);
    }
    smtp_session_free(session, !quit);
}

/* smtp_cache_timer_cb - the idle time limit is up */

static void smtp_cache_timer_cb(EVENT_LOOP *unused_loop, void *unused_context)
{
    smtp_cache_close();
}

/* smtp_cache_idle_end - stop watching the idle connection */

static SMTP_SESSION *smtp_cache_idle_end(void)
{
    SMTP_SESSION *session = smtp_cache_conn;

    if (session && smtp_cache_loop) {
        (void)event_timer_cancel(smtp_cache_loop, smtp_cache_timer_cb, NULL);
        event_disable_readwrite(smtp_cache_loop, vstream_fileno(session->stream));
    }
    smtp_cache_conn = NULL;
    return session;
}

/* smtp_cache_read_cb - the server spoke or hung up while idle */

static void smtp_cache_read_cb(EVENT_LOOP *unused_loop, int unused_fd, int unused_events,
                               void *unused_context)
{
    SMTP_SESSION *session = smtp_cache_idle_end();

    if (session) {
        if (msg_verbose)
            msg_info("%s: cached connection closed by the server", session->relay);
        smtp_cache_quit(session, false);
    }
}

/* smtp_cache_idle_start - watch the idle connection */

static void smtp_cache_idle_start(SMTP_SESSION *session, int delay_ms)
{
    smtp_cache_conn = session;
    if (smtp_cache_loop == NULL)
        return;
    event_timer_add(smtp_cache_loop, delay_ms > 0 ? delay_ms : 1, smtp_cache_timer_cb, NULL);
    if (event_enable_read(smtp_cache_loop, vstream_fileno(session->stream), smtp_cache_read_cb,
                          NULL) < 0)
        msg_warn("watch cached connection: %m");
}

/* smtp_cache_alive - no unasked data, no hang-up */

static bool smtp_cache_alive(SMTP_SESSION *session)
{
    /* Input may wait inside the TLS engine while the socket shows nothing. */
    return !smtp_chat_input_pending(session) &&
           poll_fd(vstream_fileno(session->stream), POLLIN, 0) == 0;
}

/* smtp_cache_dane_level - the server's DANE level and TLSA records, looked up again */

static int smtp_cache_dane_level(SMTP_STATE *state, const SMTP_SESSION *session,
                                 SMTP_TLS_POLICY *policy, SMTP_TLSA_LIST *out_tlsa)
{
    SMTP_ADDR addr = {
        .host = session->host,
        .rname = session->rname,
        .secure = session->addr_secure,
        .mx_secure = session->mx_secure,
    };

    snprintf(addr.addr, sizeof(addr.addr), "%s", session->addr);
    return smtp_sts_dane_level(state, &addr, policy, out_tlsa, NULL);
}

/* smtp_cache_take - the cached connection, if it fits the request */

SMTP_SESSION *smtp_cache_take(SMTP_STATE *state)
{
    SMTP_SESSION *session = smtp_cache_idle_end();
    SMTP_TLS_POLICY policy = {0};
    char *key = NULL, *username = NULL, *password = NULL;
    bool same = false;

    if (session == NULL)
        return NULL;
    if (!smtp_cache_alive(session)) {
        smtp_cache_quit(session, false);
        return NULL;
    }
    session->state = state;
    smtp_tls_policy_find(&policy, &state->config->tls, state->dest.key, session->host);
    /* A table lookup error: no reuse; the fresh connection records the error. */
    if (policy.level != TLS_LEV_INVALID &&
        smtp_sasl_lookup(state, session->host, &username, &password) >= 0) {
        SMTP_TLSA_LIST tlsa = {0};
        int dane_level = smtp_cache_dane_level(state, session, &policy, &tlsa);
        int sts_mode;

        dane_level =
            smtp_sts_level(state, session->host, session->addr, &policy, dane_level, &sts_mode);
        if (dane_level != TLS_LEV_INVALID) {
            key = smtp_cache_key(state, &policy, policy.level, session->host, dane_level, &tlsa,
                                 username, password);
            same = strcmp(key, session->reuse_key) == 0;
            myfree(key);
        }
        smtp_tlsa_free(&tlsa);
    }
    smtp_tls_policy_free(&policy);
    if (password)
        OPENSSL_cleanse(password, strlen(password));
    myfree(password);
    myfree(username);
    if (!same) {
        session->state = &smtp_cache_idle;
        smtp_cache_quit(session, true);
        return NULL;
    }
    session->use_count++;
    session->sts_mode = STS_MODE_NONE; /* its verdict was given when it was made */
    session->kept = false;
    session->mail_accepted = false;
    return session;
}

/* smtp_cache_save - keep a clean session */

void smtp_cache_save(SMTP_SESSION *session)
{
    SMTP_SESSION *old = smtp_cache_idle_end();

    if (old)
        smtp_cache_quit(old, true);
    smtp_cache_idle.config = session->state->config;
    session->state = &smtp_cache_idle;
    if (msg_verbose)
        msg_info("%s: caching connection (use count %d)", session->relay, session->use_count);
    smtp_cache_idle_start(session, smtp_cache_idle.config->cache_time_limit * 1000);
}

/* smtp_cache_close - close the cached connection with QUIT */

void smtp_cache_close(void)
{
    SMTP_SESSION *session = smtp_cache_idle_end();

    if (session)
        smtp_cache_quit(session, true);
}

/* smtp_session_relay - relay= text */

const char *smtp_session_relay(SMTP_SESSION *session)
{
    if (session->use_count <= 1)
        return session->relay;
    vstring_sprintf(session->log_relay, "%s, conn_use=%d", session->relay, session->use_count);
    return vstring_str(session->log_relay);
}
