/*++
 * NAME
 *	smtp_connect - find the servers of a next hop and try them in turn
 * SYNOPSIS
 *	#include "smtp.h"
 *
 *	void	smtp_deliver(SMTP_STATE *state);
 * DESCRIPTION
 *	smtp_deliver() delivers the open recipients of one request. A
 *	cached connection whose reuse key fits the request (smtp_cache.c)
 *	is used first; when it fails before MAIL FROM is accepted, the
 *	request goes on as if there had been none. Otherwise the servers are the next hop's MX hosts in preference order (equal
 *	preferences in random order), or the host itself for "[host]",
 *	"[address]", a domain without MX records and smtp_host_lookup =
 *	native; at most smtp_mx_address_limit addresses. Mail whose best
 *	MX host is myhostname is bounced ("mail for %s loops back to
 *	myself").
 *
 *	An LMTP "unix:" destination is one server: the UNIX-domain socket
 *	(a relative pathname is under queue_directory, the daemon's working
 *	directory), named myhostname[pathname] in texts and relay=.
 *
 *	Each address gets smtp_connect_timeout to connect ("connect to
 *	host[addr]:port: Connection refused" is logged and kept as the
 *	reason), then one SMTP session (smtp_proto.c) under the TLS policy
 *	of that server, with the SMTP AUTH credentials for that server and
 *	the request (smtp_sasl.c; a table lookup error defers with 4.3.0
 *	and skips the server). Under a DANE policy smtp_dane.c decides the
 *	level of each server from its DNSSEC status and TLSA records (also
 *	under an MTA-STS policy: DANE wins, smtp_sts(3)). With
 *	smtp_dns_support_level = dnssec (and "dns" in smtp_host_lookup),
 *	addresses come from DNS with their DNSSEC status; otherwise from
 *	getaddrinfo(). smtp_dns_support_level = disabled turns MX lookups
 *	off. A message with "TLS-Required: no" gets opportunistic TLS
 *	(smtp_requiretls(3)), logged per server. The next address is tried while recipients are
 *	open, up to smtp_mx_session_limit sessions. At TLS level may, when
 *	the handshake fails and the message has waited at least
 *	minimal_backoff_time, the same address is tried once more with TLS
 *	disabled, and that is logged. Before that, when a handshake whose
 *	ClientHello offered post-quantum key exchange (tls_policy pq=yes,
 *	the default) failed before any ServerHello, the same address is
 *	tried at once again under the same policy and level but with
 *	classical groups only (pq=no); when that handshake completes, the
 *	TLS capability cache (smtp_tls_caps.c) remembers the server, and
 *	later deliveries offer it classical groups until the entry expires.
 *	Then, when a handshake whose ClientHello offered TLS 1.3 failed and
 *	the policy allows TLS 1.2 (and not pq=only), the same address is
 *	tried at once with TLS 1.2 at most; when that completes, the cache
 *	remembers it ("tls13-broken") and later deliveries offer TLS 1.2 at
 *	most. When the plaintext retry of level may delivers after every
 *	handshake failed, the cache remembers that too ("tls-fails"), and
 *	later deliveries at level may go straight to plaintext; at any higher
 *	level that entry is ignored. Each cache finding used is logged once
 *	per server. No retry and no finding ever lowers the level or the
 *	authentication it requires. Recipients still open at the end are
 *	deferred with their last reason. The result is SMTP_DELIVER_DEAD
 *	when servers were tried but none got as far as MAIL FROM (the
 *	caller tells qmgr that the next hop is unusable for now), else
 *	SMTP_DELIVER_DONE.
 * DIAGNOSTICS
 *	Connection failures and the plaintext retry are logged.
 *--*/

/* System library. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "timed_io.h"
#include "vstream.h"

/* Global library. */
#include "mail_params.h"

/* TLS library. */
#include "tls_dh.h"
#include "tls_level.h"
#include "tls_proto.h"

/* Application-specific. */
#include "smtp.h"
#include "smtp_dns.h"

/* smtp_connect_addr - a TCP connection within the time limit */

static int smtp_connect_addr(const SMTP_ADDR *addr, int timeout)
{
    socklen_t errlen = sizeof(int);
    int fd, err = 0;

    if ((fd = socket(addr->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
        return -1;
    if (connect(fd, (const struct sockaddr *)&addr->sa, addr->salen) < 0) {
        if (errno != EINPROGRESS)
            err = errno;
        else if (poll_fd(fd, POLLOUT, timeout > 0 ? timeout * 1000 : -1) <= 0)
            err = errno ? errno : ETIMEDOUT;
        else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0)
            err = errno;
    }
    if (err == 0 && set_nonblock(fd, 0) < 0)
        err = errno;
    if (err != 0) {
        close(fd);
        errno = err == EAGAIN ? ETIMEDOUT : err;
        return -1;
    }
    return fd;
}

/* smtp_host_addresses - one host's addresses, from DNS with DNSSEC status or native */

static int smtp_host_addresses(SMTP_STATE *state, SMTP_ADDR_LIST *list, const char *host, int pref,
                               bool mx_secure, VSTRING *why)
{
    const SMTP_CONFIG *config = state->config;
    size_t before = list->count;
    int status;

    if (config->dns_level == SMTP_DNS_LEVEL_DNSSEC && strstr(config->host_lookup, "dns") != NULL)
        status = smtp_addr_add_dns(config->resolver, list, host, pref, state->dest.port, why);
    else
        status = smtp_addr_add(list, host, pref, state->dest.port, why);
    for (size_t i = before; i < list->count; i++)
        list->addr[i].mx_secure = mx_secure;
    return status;
}

/* smtp_mx_addresses - the addresses of the MX hosts */

static int smtp_mx_addresses(SMTP_STATE *state, SMTP_MX_LIST *mx, SMTP_ADDR_LIST *list,
                             VSTRING *why)
{
    int status = SMTP_DNS_NOTFOUND;

    smtp_mx_sort(mx, state->config->randomize_addresses ? random : NULL);
    if (smtp_mx_truncate_self(mx, state->config->myhostname) == 0) {
        vstring_sprintf(why, "mail for %s loops back to myself", state->dest.name);
        return SMTP_DNS_NOTFOUND;
    }
    for (size_t i = 0; i < mx->count; i++) {
        size_t before = list->count;
        int one = smtp_host_addresses(state, list, mx->mx[i].host, mx->mx[i].pref, mx->secure, why);

        if (one == SMTP_DNS_OK && state->config->randomize_addresses)
            smtp_addr_shuffle(list, before, random);
        if (one == SMTP_DNS_OK || status != SMTP_DNS_OK)
            status = one == SMTP_DNS_OK ? SMTP_DNS_OK : status == SMTP_DNS_RETRY ? status : one;
    }
    return list->count > 0 ? SMTP_DNS_OK : status;
}

/* smtp_unix_address - the one server of an LMTP "unix:" destination */

static int smtp_unix_address(SMTP_STATE *state, SMTP_ADDR_LIST *list)
{
    const char *path = state->dest.unix_path;
    struct sockaddr_un *sun;
    SMTP_ADDR *addr;

    if (strlen(path) >= sizeof(sun->sun_path)) {
        smtp_site_fail(state, NULL, "4.3.5", "socket pathname too long: %s", path);
        return -1;
    }
    list->addr = mycalloc(1, sizeof(*list->addr));
    list->size = list->count = 1;
    addr = list->addr;
    addr->host = mystrdup(state->config->myhostname);
    sun = (struct sockaddr_un *)&addr->sa;
    sun->sun_family = AF_UNIX;
    memcpy(sun->sun_path, path, strlen(path) + 1);
    addr->salen = (socklen_t)sizeof(*sun);
    return 0;
}

/* smtp_addresses - the servers of the next hop */

static int smtp_addresses(SMTP_STATE *state, SMTP_ADDR_LIST *list)
{
    SMTP_DEST *dest = &state->dest;
    SMTP_MX_LIST mx = {0};
    VSTRING *why;
    int status = SMTP_DNS_NODATA;

    if (dest->unix_path)
        return smtp_unix_address(state, list);
    why = vstring_alloc(100);
    if (dest->mx_lookup && state->config->dns_level != SMTP_DNS_LEVEL_DISABLED &&
        strcasecmp(state->config->host_lookup, "native") != 0)
        status = smtp_dns_mx(state->config->resolver, dest->name, &mx, why);
    /* Without MX records the security of the host's addresses alone counts. */
    if (status == SMTP_DNS_OK)
        status = smtp_mx_addresses(state, &mx, list, why);
    else if (status == SMTP_DNS_NODATA)
        status = smtp_host_addresses(state, list, dest->name, 0, true, why);
    smtp_mx_free(&mx);
    if (status == SMTP_DNS_NULLMX)
        smtp_site_fail(state, NULL, "5.1.10", "Domain %s does not accept mail (nullMX)",
                       dest->name);
    else if (status != SMTP_DNS_OK)
        smtp_site_fail(state, NULL, status == SMTP_DNS_NOTFOUND ? "5.4.4" : "4.4.3", "%s",
                       vstring_str(why));
    else if (list->count == 0)
        smtp_site_fail(state, NULL, "4.4.3", "no address found for %s", dest->name);
    vstring_free(why);
    if (status != SMTP_DNS_OK || list->count == 0)
        return -1;
    if (state->config->mx_address_limit > 0 &&
        list->count > (size_t)state->config->mx_address_limit)
        list->count = (size_t)state->config->mx_address_limit;
    return 0;
}

/* smtp_session_alloc - session state for one connection */

static SMTP_SESSION *smtp_session_alloc(SMTP_STATE *state, const SMTP_ADDR *addr, int fd)
{
    SMTP_SESSION *session = mycalloc(1, sizeof(*session));
    VSTRING *buf = vstring_alloc(100);

    session->state = state;
    session->stream = vstream_fdopen(fd, VSTREAM_FLAG_RW);
    session->host = mystrdup(addr->host);
    session->rname = addr->rname ? mystrdup(addr->rname) : NULL;
    session->addr_secure = addr->secure;
    session->mx_secure = addr->mx_secure;
    session->addr = mystrdup(state->dest.unix_path ? state->dest.unix_path : addr->addr);
    session->port = state->dest.port;
    vstring_sprintf(buf, "%s[%s]", session->host, session->addr);
    session->namaddr = mystrdup(vstring_str(buf));
    if (state->dest.unix_path == NULL)
        vstring_sprintf_append(buf, ":%u", session->port);
    session->relay = vstring_export(buf);
    session->resp.text = vstring_alloc(100);
    session->resp.lines = argv_alloc(10);
    session->log_relay = vstring_alloc(60);
    session->use_count = 1;
    session->created = deliver_time_now();
    return session;
}

/* smtp_session_free - close and release */

void smtp_session_free(SMTP_SESSION *session, bool failure)
{
    smtp_tls_end(session, failure);
    vstream_close(session->stream);
    smtp_tls_policy_free(&session->policy);
    smtp_tlsa_free(&session->tlsa);
    smtp_tlsrpt_free(&session->tlsrpt);
    myfree(session->host);
    myfree(session->rname);
    myfree(session->addr);
    myfree(session->namaddr);
    myfree(session->relay);
    vstring_free(session->resp.text);
    argv_free(session->resp.lines);
    vstring_free(session->log_relay);
    myfree(session->reuse_key);
    smtp_sasl_forget(session);
    myfree(session);
}

/* smtp_fallback_ok - may a failed handshake be retried in plaintext? */

static bool smtp_fallback_ok(SMTP_STATE *state, const SMTP_SESSION *session)
{
    long long waited = deliver_time_now() - state->request->arrival_time;

    return session->tls_failed && session->tls_level == TLS_LEV_MAY &&
           waited >= (long long)state->config->minimal_backoff_time * 1000000;
}

/* smtp_pq_retry_ok - may a failed handshake be retried without post-quantum groups? */

static bool smtp_pq_retry_ok(const SMTP_SESSION *session, bool pq_retried)
{
    return session->tls_failed && session->pq_suspect && !pq_retried &&
           session->policy.pq_mode == TLS_DH_PQ_DEFAULT;
}

/* smtp_tls12_retry_ok - may a failed handshake be retried with TLS 1.2 at most? */

static bool smtp_tls12_retry_ok(const SMTP_SESSION *session, bool tls12_retried)
{
    /* Post-quantum groups alone (pq=only) need TLS 1.3: no point in 1.2. */
    return session->tls_failed && session->tls12_retry_ok && !session->tls12_max &&
           !tls12_retried && session->policy.pq_mode != TLS_DH_PQ_ONLY;
}

/* smtp_tls12_cap_changes - would "TLS 1.2 at most" change what this policy offers? */

static bool smtp_tls12_cap_changes(const SMTP_CONFIG *config, const SMTP_TLS_POLICY *policy,
                                   int tls_level)
{
    const char *protocols = policy->protocols         ? policy->protocols
                            : TLS_REQUIRED(tls_level) ? config->tls_engine.mandatory_protocols
                                                      : config->tls_engine.protocols;
    int min_version, max_version;

    /* The protocols the TLS library picks for the level (tls_client(3)). */
    return tls_proto_parse(protocols, &min_version, &max_version, NULL) == 0 &&
           tls_proto_caps_to_tls12(min_version, max_version);
}

/* smtp_caps_apply - what the capability cache changes for this session, logged */

static void smtp_caps_apply(SMTP_STATE *state, const SMTP_ADDR *addr, int caps,
                            SMTP_TLS_POLICY *policy, int *tls_level, bool *logged)
{
    const char *id = state->request->queue_id;
    unsigned port = state->dest.port;

    /* Post-quantum groups off, unless the policy asks for them (pq=only). */
    if ((caps & SMTP_TLS_CAP_PQ) && policy->pq_mode == TLS_DH_PQ_DEFAULT) {
        policy->pq_mode = TLS_DH_PQ_NO;
        if (!*logged)
            msg_info("%s: TLS capability cache: %s:%u failed a post-quantum ClientHello before: "
                     "offering classical key exchange only",
                     id, addr->host, port);
    }
    /* TLS 1.2 at most: the TLS library keeps the policy's lower bound. */
    if ((caps & SMTP_TLS_CAP_TLS13) && *tls_level > TLS_LEV_NONE && !*logged &&
        smtp_tls12_cap_changes(state->config, policy, *tls_level))
        msg_info("%s: TLS capability cache: %s:%u failed TLS 1.3 before: offering TLS 1.2 at "
                 "most",
                 id, addr->host, port);
    /* Plaintext, but only where the level allows it: may, never above. */
    if ((caps & SMTP_TLS_CAP_NOTLS) && *tls_level == TLS_LEV_MAY) {
        *tls_level = TLS_LEV_NONE;
        if (!*logged)
            msg_info("%s: TLS capability cache: %s:%u failed every TLS handshake before: "
                     "sending without TLS (opportunistic TLS, level may)",
                     id, addr->host, port);
    }
    *logged = true;
}

/* smtp_try_addr - one session with one server; retries as the failure allows */

static int smtp_try_addr(SMTP_STATE *state, const SMTP_ADDR *addr)
{
    bool pq_retried = false, tls12_retried = false, plain_retried = false;
    bool caps_looked = false, caps_logged = false;
    int caps = 0;
    int sts_mode = STS_MODE_NONE;

    for (int level = -1;;) {
        SMTP_TLS_POLICY policy;
        SMTP_TLSA_LIST tlsa = {0};
        SMTP_TLSRPT rpt = {0};
        int tls_level, wanted, fd;
        SMTP_SESSION *session;
        bool retry, failed;

        /* The TLS policy comes first: a server that it rules out is not contacted. */
        smtp_tls_policy_find(&policy, &state->config->tls, state->dest.key, addr->host);
        wanted = policy.level;
        if (smtp_requiretls_relax(state, &policy))
            msg_info("%s: TLS-Required: no: opportunistic TLS (level may) for %s",
                     state->request->queue_id, addr->host);
        if (!caps_looked && policy.level > TLS_LEV_NONE) {
            caps_looked = true;
            caps = smtp_tls_caps_lookup(state, addr->host, state->dest.port);
        }
        if (policy.pq_mode == TLS_DH_PQ_DEFAULT && pq_retried)
            policy.pq_mode = TLS_DH_PQ_NO;
        if (level >= 0) {
            tls_level = level;
        } else {
            tls_level = smtp_sts_dane_level(state, addr, &policy, &tlsa, &wanted);
            tls_level =
                smtp_sts_level(state, addr->host, addr->addr, &policy, tls_level, &sts_mode);
            /* An enforced MTA-STS policy wants what it demands. */
            if (sts_mode == STS_MODE_ENFORCE && wanted < TLS_LEV_FPRINT)
                wanted = TLS_LEV_SECURE;
        }
        if (caps && level < 0 && tls_level != TLS_LEV_INVALID)
            smtp_caps_apply(state, addr, caps, &policy, &tls_level, &caps_logged);
        if (tls_level == TLS_LEV_INVALID) {
            smtp_tls_feature_note(state, wanted, tls_level, false);
            if (policy.tlsrpt_result) {
                smtp_tlsrpt_start(state, &rpt, TLS_LEV_DANE, &tlsa);
                if (rpt.policy_type)
                    rpt.policy_type = TLSRPT_POLICY_TLSA; /* the DANE policy that failed */
                smtp_tlsrpt_failure_addr(state, addr, &rpt, policy.tlsrpt_result, policy.error);
                smtp_tlsrpt_free(&rpt);
            } else if (sts_mode != STS_MODE_NONE) {
                smtp_tlsrpt_start(state, &rpt, TLS_LEV_SECURE, &tlsa);
                smtp_sts_tlsrpt(state, addr, &rpt, sts_mode);
                smtp_tlsrpt_free(&rpt);
            }
            smtp_site_fail(state, NULL, policy.error_dsn, "%s", policy.error);
            smtp_tls_policy_free(&policy);
            smtp_tlsa_free(&tlsa);
            return 0;
        }
        smtp_tlsrpt_start(state, &rpt, tls_level, &tlsa);
        smtp_sts_tlsrpt(state, addr, &rpt, sts_mode);
        smtp_tls_feature_note(state, wanted, tls_level, false);
        if ((fd = smtp_connect_addr(addr, state->config->connect_timeout)) < 0) {
            smtp_tls_policy_free(&policy);
            smtp_tlsa_free(&tlsa);
            smtp_tlsrpt_free(&rpt);
        }
        if (fd < 0) {
            VSTRING *relay = vstring_alloc(60);
            const char *err = strerror(errno);

            if (state->dest.unix_path)
                vstring_sprintf(relay, "%s[%s]", addr->host, state->dest.unix_path);
            else
                vstring_sprintf(relay, "%s[%s]:%u", addr->host, addr->addr, state->dest.port);
            msg_info("connect to %s: %s", vstring_str(relay), err);
            smtp_site_fail(state, NULL, "4.4.1", "connect to %s: %s", vstring_str(relay), err);
            vstring_free(relay);
            return -1;
        }
        session = smtp_session_alloc(state, addr, fd);
        session->policy = policy;
        session->tlsa = tlsa;
        session->tlsrpt = rpt;
        session->tls_level = tls_level;
        session->tls_wanted = wanted;
        session->tls12_max = tls12_retried || (caps & SMTP_TLS_CAP_TLS13);
        session->sts_mode = sts_mode;
        if (smtp_sasl_lookup(state, addr->host, &session->sasl_username, &session->sasl_password) <
            0) {
            smtp_site_fail(state, NULL, "4.3.0", "%s lookup error for %s",
                           SMTP_PARAM(state->config, SASL_PASSWORD_MAPS), addr->host);
            smtp_session_free(session, false);
            return 0;
        }
        if (level < 0)
            session->reuse_key = smtp_cache_key(state, &session->policy, session->policy.level,
                                                addr->host, session->tls_level, &session->tlsa,
                                                session->sasl_username, session->sasl_password);
        failed = smtp_session_run(session) != SMTP_OK;
        /* What a retry that worked has shown, for the deliveries to come. */
        if (tls12_retried && session->tls_done)
            smtp_tls_caps_note(state, addr->host, state->dest.port, SMTP_TLS_CAP_TLS13);
        else if (pq_retried && session->tls_done)
            smtp_tls_caps_note(state, addr->host, state->dest.port, SMTP_TLS_CAP_PQ);
        if (plain_retried && !failed)
            smtp_tls_caps_note(state, addr->host, state->dest.port, SMTP_TLS_CAP_NOTLS);
        if (failed && smtp_rcpt_pending(state) > 0 && smtp_pq_retry_ok(session, pq_retried)) {
            msg_info("%s: TLS handshake with %s failed after a ClientHello that offered "
                     "post-quantum key exchange: trying again without it",
                     state->request->queue_id, session->relay);
            pq_retried = true;
            smtp_session_free(session, failed);
            continue;
        }
        if (failed && smtp_rcpt_pending(state) > 0 && smtp_tls12_retry_ok(session, tls12_retried)) {
            msg_info("%s: TLS handshake with %s failed after a TLS 1.3 ClientHello: trying "
                     "again with TLS 1.2 at most",
                     state->request->queue_id, session->relay);
            tls12_retried = true;
            smtp_session_free(session, failed);
            continue;
        }
        retry = failed && smtp_fallback_ok(state, session) && smtp_rcpt_pending(state) > 0;
        if (retry) {
            msg_info("%s: TLS handshake with %s failed: trying again with TLS disabled "
                     "(opportunistic TLS, level may)",
                     state->request->queue_id, session->relay);
            plain_retried = true;
        }
        if (!failed && session->kept)
            smtp_cache_save(session);
        else
            smtp_session_free(session, failed);
        if (!retry)
            return 0;
        level = TLS_LEV_NONE;
    }
}

/* smtp_try_cached - the request over a cached connection, if one fits */

static int smtp_try_cached(SMTP_STATE *state)
{
    SMTP_SESSION *session = smtp_cache_take(state);
    bool failed;

    if (session == NULL)
        return -1;
    failed = smtp_session_reuse(session) != SMTP_OK;
    if (failed && !session->mail_accepted && !session->tls_failed) {
        /* Lost before MAIL FROM was accepted: a fresh connection gets the request. */
        if (msg_verbose)
            msg_info("%s: cached connection to %s failed: trying a fresh connection",
                     state->request->queue_id, session->relay);
        smtp_session_free(session, true);
        state->reached_xfer = false;
        state->conn_delay = 0;
        return -1;
    }
    if (!failed && session->kept)
        smtp_cache_save(session);
    else
        smtp_session_free(session, failed);
    return 0;
}

/* smtp_deliver - one request */

int smtp_deliver(SMTP_STATE *state)
{
    SMTP_ADDR_LIST list = {0};
    int sessions = 0;
    bool dead = false;

    if (smtp_try_cached(state) == 0) {
        smtp_rcpt_finish(state);
        return SMTP_DELIVER_DONE;
    }
    if (smtp_addresses(state, &list) == 0) {
        for (size_t i = 0; i < list.count && smtp_rcpt_pending(state) > 0; i++) {
            if (smtp_try_addr(state, list.addr + i) == 0 && state->config->mx_session_limit > 0 &&
                ++sessions >= state->config->mx_session_limit)
                break;
        }
    }
    /* Servers were tried, none got as far as MAIL, and recipients are left. */
    dead = list.count > 0 && !state->reached_xfer && smtp_rcpt_pending(state) > 0;
    smtp_addr_free(&list);
    smtp_rcpt_finish(state);
    return dead ? SMTP_DELIVER_DEAD : SMTP_DELIVER_DONE;
}
