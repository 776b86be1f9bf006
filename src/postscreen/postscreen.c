/*++
 * NAME
 *	postscreen - the zombie blocker in front of smtpd(8)
 * SYNOPSIS
 *	postscreen [generic daemon options]
 * DESCRIPTION
 *	One postscreen process serves all connections of its inet service
 *	(postscreen(8)). For each client it logs "CONNECT from [addr]:port
 *	to [addr]:port", applies the connection limits and
 *	postscreen_access_list, looks the client up in the cache, runs the
 *	tests that are due, and hands a clean client to smtpd(8).
 *
 *	This file holds the process and the client life cycle; the helpers
 *	below are shared by the test modules:
 *
 *	psc_verdict() decides after the tests before the SMTP handshake.
 *	A client that connected to an address that
 *	postscreen_allowlist_interfaces excludes (or that the list cannot
 *	decide on) is logged "ALLOWLIST VETO [addr]:port" and can neither
 *	pass nor be cached nor reach smtpd(8) in this session; only a client
 *	that passed before (the cache) or that is permanently allowlisted
 *	gets through at such an address. Then: the built-in SMTP engine for a
 *	vetoed client, one that failed a test under "enforce" or one that has
 *	deep protocol tests due, otherwise "PASS NEW" (when no test failed),
 *	a cache update, and the hand-over.
 *
 *	psc_fail() records a failed test and applies its action: drop (the
 *	drop reply, "DISCONNECT", and the state is freed: it returns true),
 *	enforce (every later RCPT gets the enforce reply) or ignore.
 *
 *	psc_hangup() logs "HANGUP after T from [addr]:port in WHERE" and
 *	ends the client; psc_free() ends a client after logging
 *	"DISCONNECT [addr]:port" when asked to.
 *
 *	psc_write() sends one reply line (CRLF added); -1 when the client
 *	is gone. psc_elapsed() is the time since the connection as Postfix
 *	writes it: two significant digits, at most three decimals ("0",
 *	"0.3", "1.2", "12").
 * DIAGNOSTICS
 *	Fatal: bad settings at start-up. Per-client problems are logged.
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "sockets.h"
#include "stringops.h"
#include "timed_io.h"
#include "watchdog.h"

/* Global library. */
#include "mail_params.h"
#include "ehlo_mask.h"
#include "mail_server.h"
#include "match_list.h"
#include "reject_footer.h"

/* TLS library. */
#include "tls_level.h"

/* Application-specific. */
#include "postscreen.h"

PSC_GLOBALS psc;

static const char *psc_smtpd_banner; /* smtpd_banner, for the engine's greeting */

/* psc_elapsed - time since the connection, Postfix's way */

const char *psc_elapsed(PSC_STATE *state, VSTRING *buf)
{
    int64_t ms = monotonic_ms() - state->start_ms;
    double sec = ms / 1000.0;
    int decimals = sec >= 10 ? 0 : sec >= 1 ? 1 : sec >= 0.1 ? 2 : 3;
    char *cp;

    vstring_sprintf(buf, "%.*f", decimals, sec);
    if (decimals > 0) {
        cp = vstring_end(buf);
        while (cp[-1] == '0')
            cp--;
        if (cp[-1] == '.')
            cp--;
        vstring_truncate(buf, (size_t)(cp - vstring_str(buf)));
    }
    return vstring_str(buf);
}

/* psc_footer - postscreen_reject_footer(_maps) under a 4XX or 5XX reply */

static void psc_footer(PSC_STATE *state, VSTRING *reply)
{
    REJECT_FOOTER_MACROS macros = {
        .client_address = state->client_addr,
        .client_port = state->client_port,
        .server_name = psc.cfg.myhostname,
        .namaddr = state->namaddr,
    };

    reject_footer_apply(psc.reject_footer, reply, &macros);
}

/* psc_write - one reply line */

int psc_write(PSC_STATE *state, const char *fmt, ...)
{
    va_list ap;
    ssize_t sent;
    size_t len;

    VSTRING_RESET(state->scratch);
    va_start(ap, fmt);
    vstring_vsprintf_append(state->scratch, fmt, ap);
    va_end(ap);
    psc_footer(state, state->scratch);
    vstring_strcat(state->scratch, "\r\n");
    len = VSTRING_LEN(state->scratch);
    do
        sent = send(state->fd, vstring_str(state->scratch), len, MSG_NOSIGNAL);
    while (sent < 0 && errno == EINTR);
    if (sent != (ssize_t)len) {
        if (msg_verbose)
            msg_info("%s: write to %s: %m", __func__, state->namaddr);
        return -1;
    }
    return 0;
}

/* psc_count - connections from one address: change by delta, return the new count */

static int psc_count(const char *addr, int delta)
{
    HTABLE_INFO *entry = htable_locate(psc.client_count, addr);
    intptr_t count = entry ? (intptr_t)entry->value : 0;

    count += delta;
    if (entry && count <= 0)
        htable_delete(psc.client_count, addr, NULL);
    else if (entry)
        entry->value = (void *)count;
    else if (count > 0)
        htable_enter(psc.client_count, addr, (void *)count);
    return (int)count;
}

/* psc_free - end a client */

void psc_free(PSC_STATE *state)
{
    event_disable_readwrite(psc.loop, state->fd);
    close(state->fd);
    psc_dnsbl_free(state);
    psc_early_cancel(state);
    psc_smtpd_cancel(state);
    psc_proxy_cancel(state);
    psc_starttls_cancel(state);
    if (state->counted_conn)
        (void)psc_count(state->client_addr, -1);
    if (state->counted_pre)
        psc.pre_queue_count--;
    vstring_free(state->reject_buf);
    vstring_free(state->input);
    vstring_free(state->scratch);
    if (state->dnsbl_name)
        myfree(state->dnsbl_name);
    if (state->helo)
        myfree(state->helo);
    if (state->sender)
        myfree(state->sender);
    myfree(state);
}

/* psc_disconnect - "DISCONNECT", then end the client */

void psc_disconnect(PSC_STATE *state)
{
    msg_info("DISCONNECT %s", state->namaddr);
    psc_free(state);
}

/* psc_hangup - the client went away during the tests */

void psc_hangup(PSC_STATE *state, const char *where)
{
    VSTRING *buf = vstring_alloc(16);

    msg_info("HANGUP after %s from %s in %s", psc_elapsed(state, buf), state->namaddr, where);
    vstring_free(buf);
    psc_disconnect(state);
}

/* psc_fail - a failed test and its action; true when the client is gone */

bool psc_fail(PSC_STATE *state, int test, const char *drop_reply, const char *enforce_reply)
{
    state->test[test] = PSC_FAIL;
    switch (psc.action[test]) {
    case PSC_ACT_DROP:
        (void)psc_write(state, "%s", drop_reply);
        psc_disconnect(state);
        return true;
    case PSC_ACT_ENFORCE:
        state->enforce = true;
        if (state->reject_reply == NULL) {
            vstring_strcpy(state->reject_buf, enforce_reply);
            state->reject_reply = vstring_str(state->reject_buf);
        }
        return false;
    default:
        return false;
    }
}

/* psc_tests_due - is any test in first..last still due? */

bool psc_tests_due(const PSC_STATE *state, int first, int last)
{
    for (int i = first; i <= last; i++)
        if (state->test[i] == PSC_TODO)
            return true;
    return false;
}

/* psc_any_fail - did the client fail anything (or is it denylisted or vetoed)? */

bool psc_any_fail(const PSC_STATE *state)
{
    if (state->denylisted || state->vetoed)
        return true;
    for (int i = 0; i < PSC_TEST_COUNT; i++)
        if (state->test[i] == PSC_FAIL)
            return true;
    return false;
}

/* psc_pass_new - every due test passed: log, cache, hand over */

void psc_pass_new(PSC_STATE *state)
{
    msg_info("PASS NEW %s", state->namaddr);
    psc_cache_update(state);
}

/* psc_allowlist_veto - may a client earn allowlist status at our address? */

static void psc_allowlist_veto(PSC_STATE *state)
{
    /* A lookup error counts as "not listed": fail closed. */
    if (match_list_addr(psc.allowlist_if, state->server_addr) == 0) {
        msg_info("ALLOWLIST VETO %s", state->namaddr);
        state->vetoed = true;
    }
}

/* psc_verdict - after the tests before the SMTP handshake */

void psc_verdict(PSC_STATE *state)
{
    if (state->enforce || state->vetoed) {
        psc_smtpd_start(state, state->test[PSC_TEST_PREGR] != PSC_FAIL);
        return;
    }
    if (psc_tests_due(state, PSC_TEST_PIPEL, PSC_TEST_BARLF)) {
        psc_smtpd_start(state, true);
        return;
    }
    if (!psc_any_fail(state))
        psc_pass_new(state);
    psc_send(state);
}

/* psc_banner - the engine's 220 text */

const char *psc_banner(void)
{
    return psc_smtpd_banner;
}

/* psc_connect_limits - the connection limits; true when the client was turned away */

static bool psc_connect_limits(PSC_STATE *state)
{
    if (psc.cfg.connection_count_limit > 0 &&
        psc_count(state->client_addr, 0) > psc.cfg.connection_count_limit) {
        msg_info("NOQUEUE: reject: CONNECT from %s: too many connections", state->namaddr);
        (void)psc_write(state, "421 4.7.0 Error: too many connections from %s", state->client_addr);
        psc_disconnect(state);
        return true;
    }
    if (psc.cfg.pre_queue_limit > 0 && psc.pre_queue_count >= psc.cfg.pre_queue_limit) {
        msg_info("NOQUEUE: reject: CONNECT from %s: all screening ports busy", state->namaddr);
        (void)psc_write(state, "421 4.3.2 All screening ports are busy");
        psc_disconnect(state);
        return true;
    }
    return false;
}

/* psc_connect - a client whose address is known: limits, lists, cache, tests */

void psc_connect(PSC_STATE *state)
{
    time_t now = time(NULL);
    int access;

    msg_info("CONNECT from %s to [%s]:%s", state->namaddr, state->server_addr, state->server_port);
    (void)psc_count(state->client_addr, 1);
    state->counted_conn = true;
    access = psc_access_check(psc.access, state->client_addr);
    if (access == PSC_ACCESS_PERMIT) {
        msg_info("ALLOWLISTED %s", state->namaddr);
        psc_send(state);
        return;
    }
    if (psc_connect_limits(state))
        return;
    for (int i = 0; i < PSC_TEST_COUNT; i++)
        state->test[i] = psc.cfg.test_enable[i] ? PSC_TODO : PSC_SKIP;
    if (access == PSC_ACCESS_REJECT) {
        msg_info("DENYLISTED %s", state->namaddr);
        state->denylisted = true;
        if (psc.denylist_action == PSC_ACT_DROP) {
            (void)psc_write(state, "521 5.3.2 Service currently unavailable");
            psc_disconnect(state);
            return;
        }
        if (psc.denylist_action == PSC_ACT_ENFORCE) {
            state->enforce = true;
            vstring_strcpy(state->reject_buf, "550 5.3.2 Service currently unavailable");
            state->reject_reply = vstring_str(state->reject_buf);
        }
    } else {
        psc_cache_lookup(state);
        for (int i = 0; i < PSC_TEST_COUNT; i++)
            if (state->test[i] == PSC_TODO && state->stamp[i] > now)
                state->test[i] = PSC_SKIP;
        if (!psc_tests_due(state, 0, PSC_TEST_COUNT - 1)) {
            msg_info("PASS OLD %s", state->namaddr);
            psc_send(state);
            return;
        }
    }
    psc_allowlist_veto(state);
    state->counted_pre = true;
    psc.pre_queue_count++;
    psc_early_start(state);
}

/* psc_state_alloc - a new client */

static PSC_STATE *psc_state_alloc(int fd)
{
    PSC_STATE *state = mycalloc(1, sizeof(*state));
    SOCK_ADDR_TEXT text;

    state->fd = fd;
    state->start_ms = monotonic_ms();
    state->reject_buf = vstring_alloc(100);
    state->input = vstring_alloc(512);
    state->scratch = vstring_alloc(512);
    state->last_verb = "CONNECT";
    (void)sock_peer_addr(fd, &text);
    snprintf(state->client_addr, sizeof(state->client_addr), "%s", text.addr);
    snprintf(state->client_port, sizeof(state->client_port), "%s", text.port);
    (void)sock_local_addr(fd, &text);
    snprintf(state->server_addr, sizeof(state->server_addr), "%s", text.addr);
    snprintf(state->server_port, sizeof(state->server_port), "%s", text.port);
    psc_set_namaddr(state);
    return state;
}

/* psc_set_namaddr - "[addr]:port" from the client facts */

void psc_set_namaddr(PSC_STATE *state)
{
    snprintf(state->namaddr, sizeof(state->namaddr), "[%s]:%s", state->client_addr,
             state->client_port);
}

/* psc_accept_cb - a new connection */

static void psc_accept_cb(EVENT_LOOP *unused_loop, int listen_fd, int unused_events,
                          void *unused_context)
{
    PSC_STATE *state;
    int fd;

    if ((fd = sock_accept(listen_fd)) < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED)
            msg_warn("accept connection: %m");
        return;
    }
    mail_server_report(psc.server, MAIL_SERVER_STAT_BUSY);
    mail_server_report(psc.server, MAIL_SERVER_STAT_AVAIL);
    psc.server->use_count++;
    if (set_nonblock(fd, 1) < 0) {
        msg_warn("set non-blocking mode: %m");
        close(fd);
        return;
    }
    state = psc_state_alloc(fd);
    if (*psc.cfg.proxy_protocol)
        psc_proxy_start(state);
    else
        psc_connect(state);
}

/* psc_action - an action name */

static int psc_action(const char *name, const char *value)
{
    if (strcasecmp(value, "ignore") == 0)
        return PSC_ACT_IGNORE;
    if (strcasecmp(value, "enforce") == 0)
        return PSC_ACT_ENFORCE;
    if (strcasecmp(value, "drop") == 0)
        return PSC_ACT_DROP;
    msg_fatal("unknown %s value \"%s\": specify ignore, enforce or drop", name, value);
}

/* psc_service_path - private/NAME */

static char *psc_service_path(const char *name)
{
    return vstring_export(vstring_sprintf(vstring_alloc(100), "private/%s", name));
}

/* psc_forbidden - postscreen_forbidden_commands as upper-case words */

static ARGV *psc_forbidden(const ARGV *list)
{
    ARGV *words = argv_alloc(list->argc + 1);

    /* Table entries are not supported, as in smtpd(8). */
    for (size_t i = 0; i < list->argc; i++)
        if (strchr(list->argv[i], ':') == NULL)
            argv_add(words, uppercase(mystrdup(list->argv[i])));
    return words;
}

/* psc_raw_reference - a raw value that names another parameter stands for its raw value */

static const char *psc_raw_reference(CONFIG *config, const char *value)
{
    VSTRING *name = vstring_alloc(40);
    const char *result = value;
    size_t len;

    /* postscreen_reject_footer = $smtpd_reject_footer, its default. */
    if (value[0] == '$') {
        if (value[1] == '{' && (len = strlen(value)) > 3 && value[len - 1] == '}')
            vstring_strncpy(name, value + 2, len - 3);
        else
            vstring_strcpy(name, value + 1);
        if (strspn(vstring_str(name), "abcdefghijklmnopqrstuvwxyz0123456789_") ==
                VSTRING_LEN(name) &&
            config_known_name(config, vstring_str(name)))
            result = config_get_raw(config, vstring_str(name), NULL);
        if (result == NULL)
            result = "";
    }
    vstring_free(name);
    return result;
}

/* psc_tls_level - postscreen_tls_security_level, or the legacy switches */

static int psc_tls_level(const PSC_CONFIG *cfg)
{
    bool promoted;
    int level =
        tls_level_server_legacy(cfg->tls_security_level, cfg->use_tls, cfg->enforce_tls, &promoted);

    if (level == TLS_LEV_INVALID)
        msg_fatal("Invalid TLS level \"%s\"", cfg->tls_security_level);
    if (promoted)
        msg_warn("%s: unsupported TLS level \"%s\", using \"%s\"",
                 VAR_POSTSCREEN_TLS_SECURITY_LEVEL, cfg->tls_security_level, tls_level_name(level));
    return level;
}

/* psc_pre_jail - settings, tables and the cache, with full privileges */

static void psc_pre_jail(MAIL_SERVER *server)
{
    PSC_CONFIG *cfg = &psc.cfg;
    ARGV *forbidden = NULL;
    VSTRING *why = vstring_alloc(100);
    const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_POSTSCREEN_ACCESS_LIST, &cfg->access_list),
        CONFIG_BIND_STR(VAR_POSTSCREEN_DENYLIST_ACTION, &cfg->denylist_action),
        CONFIG_BIND_STR(VAR_POSTSCREEN_GREET_BANNER, &cfg->greet_banner),
        CONFIG_BIND_TIME(VAR_POSTSCREEN_GREET_WAIT, &cfg->greet_wait),
        CONFIG_BIND_STR(VAR_POSTSCREEN_GREET_ACTION, &cfg->test_action[PSC_TEST_PREGR]),
        CONFIG_BIND_TIME(VAR_POSTSCREEN_GREET_TTL, &cfg->test_ttl[PSC_TEST_PREGR]),
        CONFIG_BIND_STR(VAR_POSTSCREEN_CACHE_MAP, &cfg->cache_map),
        CONFIG_BIND_TIME(VAR_POSTSCREEN_CACHE_RETENTION_TIME, &cfg->cache_retention_time),
        CONFIG_BIND_TIME(VAR_POSTSCREEN_CACHE_CLEANUP_INTERVAL, &cfg->cache_cleanup_interval),
        CONFIG_BIND_LIST(VAR_POSTSCREEN_DNSBL_SITES, &cfg->dnsbl_sites),
        CONFIG_BIND_INT(VAR_POSTSCREEN_DNSBL_THRESHOLD, &cfg->dnsbl_threshold),
        CONFIG_BIND_INT(VAR_POSTSCREEN_DNSBL_ALLOWLIST_THRESHOLD, &cfg->dnsbl_allowlist_threshold),
        CONFIG_BIND_STR(VAR_POSTSCREEN_DNSBL_ACTION, &cfg->test_action[PSC_TEST_DNSBL]),
        CONFIG_BIND_STR(VAR_POSTSCREEN_DNSBL_REPLY_MAP, &cfg->dnsbl_reply_map),
        CONFIG_BIND_TIME(VAR_POSTSCREEN_DNSBL_MIN_TTL, &cfg->dnsbl_min_ttl),
        CONFIG_BIND_TIME(VAR_POSTSCREEN_DNSBL_MAX_TTL, &cfg->dnsbl_max_ttl),
        CONFIG_BIND_TIME(VAR_POSTSCREEN_DNSBL_TIMEOUT, &cfg->dnsbl_timeout),
        CONFIG_BIND_STR(VAR_DNSBLOG_SERVICE_NAME, &cfg->dnsblog_service),
        CONFIG_BIND_STR(VAR_SMTPD_SERVICE_NAME, &cfg->smtpd_service),
        CONFIG_BIND_BOOL(VAR_POSTSCREEN_PIPELINING_ENABLE, &cfg->test_enable[PSC_TEST_PIPEL]),
        CONFIG_BIND_STR(VAR_POSTSCREEN_PIPELINING_ACTION, &cfg->test_action[PSC_TEST_PIPEL]),
        CONFIG_BIND_TIME(VAR_POSTSCREEN_PIPELINING_TTL, &cfg->test_ttl[PSC_TEST_PIPEL]),
        CONFIG_BIND_BOOL(VAR_POSTSCREEN_NON_SMTP_COMMAND_ENABLE, &cfg->test_enable[PSC_TEST_NSMTP]),
        CONFIG_BIND_STR(VAR_POSTSCREEN_NON_SMTP_COMMAND_ACTION, &cfg->test_action[PSC_TEST_NSMTP]),
        CONFIG_BIND_TIME(VAR_POSTSCREEN_NON_SMTP_COMMAND_TTL, &cfg->test_ttl[PSC_TEST_NSMTP]),
        CONFIG_BIND_BOOL(VAR_POSTSCREEN_BARE_NEWLINE_ENABLE, &cfg->test_enable[PSC_TEST_BARLF]),
        CONFIG_BIND_STR(VAR_POSTSCREEN_BARE_NEWLINE_ACTION, &cfg->test_action[PSC_TEST_BARLF]),
        CONFIG_BIND_TIME(VAR_POSTSCREEN_BARE_NEWLINE_TTL, &cfg->test_ttl[PSC_TEST_BARLF]),
        CONFIG_BIND_TIME(VAR_POSTSCREEN_COMMAND_TIME_LIMIT, &cfg->command_time_limit),
        CONFIG_BIND_INT(VAR_POSTSCREEN_COMMAND_COUNT_LIMIT, &cfg->command_count_limit),
        CONFIG_BIND_LIST(VAR_POSTSCREEN_FORBIDDEN_COMMANDS, &forbidden),
        CONFIG_BIND_BOOL(VAR_POSTSCREEN_HELO_REQUIRED, &cfg->helo_required),
        CONFIG_BIND_BOOL(VAR_POSTSCREEN_DISABLE_VRFY_COMMAND, &cfg->disable_vrfy),
        CONFIG_BIND_STR(VAR_MYHOSTNAME, &cfg->myhostname),
        CONFIG_BIND_STR(VAR_MYNETWORKS, &cfg->mynetworks),
        CONFIG_BIND_STR(VAR_SMTPD_BANNER, &psc_smtpd_banner),
        CONFIG_BIND_SIZE(VAR_MESSAGE_SIZE_LIMIT, &cfg->message_size_limit),
        CONFIG_BIND_INT(VAR_LINE_LENGTH_LIMIT, &cfg->line_length_limit),
        CONFIG_BIND_INT(VAR_POSTSCREEN_CLIENT_CONNECTION_COUNT_LIMIT, &cfg->connection_count_limit),
        CONFIG_BIND_INT(VAR_POSTSCREEN_PRE_QUEUE_LIMIT, &cfg->pre_queue_limit),
        CONFIG_BIND_INT(VAR_POSTSCREEN_POST_QUEUE_LIMIT, &cfg->post_queue_limit),
        CONFIG_BIND_STR(VAR_POSTSCREEN_UPSTREAM_PROXY_PROTOCOL, &cfg->proxy_protocol),
        CONFIG_BIND_TIME(VAR_POSTSCREEN_UPSTREAM_PROXY_TIMEOUT, &cfg->proxy_timeout),
        CONFIG_BIND_STR(VAR_POSTSCREEN_TLS_SECURITY_LEVEL, &cfg->tls_security_level),
        CONFIG_BIND_BOOL(VAR_POSTSCREEN_USE_TLS, &cfg->use_tls),
        CONFIG_BIND_BOOL(VAR_POSTSCREEN_ENFORCE_TLS, &cfg->enforce_tls),
        CONFIG_BIND_STR(VAR_TLSPROXY_SERVICE_NAME, &cfg->tlsproxy_service),
        CONFIG_BIND_STR(VAR_POSTSCREEN_COMMAND_FILTER, &cfg->command_filter),
        CONFIG_BIND_TIME(VAR_POSTSCREEN_WATCHDOG_TIMEOUT, &cfg->watchdog_timeout),
        CONFIG_BIND_STR(VAR_POSTSCREEN_REJECT_FOOTER, &cfg->reject_footer),
        CONFIG_BIND_STR(VAR_POSTSCREEN_REJECT_FOOTER_MAPS, &cfg->reject_footer_maps),
        CONFIG_BIND_STR(VAR_POSTSCREEN_EXPANSION_FILTER, &cfg->expansion_filter),
        CONFIG_BIND_STR(VAR_POSTSCREEN_ALLOWLIST_INTERFACES, &cfg->allowlist_interfaces),
        CONFIG_BIND_STR(VAR_POSTSCREEN_DISCARD_EHLO_KEYWORDS, &cfg->discard_ehlo),
        CONFIG_BIND_STR(VAR_POSTSCREEN_DISCARD_EHLO_KEYWORD_ADDRESS_MAPS, &cfg->discard_ehlo_maps),
        CONFIG_BIND_END,
    };

    config_bind(server->config, parameters);
    psc.server = server;
    psc.denylist_action = psc_action(VAR_POSTSCREEN_DENYLIST_ACTION, cfg->denylist_action);
    psc.action[PSC_TEST_PREGR] =
        psc_action(VAR_POSTSCREEN_GREET_ACTION, cfg->test_action[PSC_TEST_PREGR]);
    psc.action[PSC_TEST_DNSBL] =
        psc_action(VAR_POSTSCREEN_DNSBL_ACTION, cfg->test_action[PSC_TEST_DNSBL]);
    psc.action[PSC_TEST_PIPEL] =
        psc_action(VAR_POSTSCREEN_PIPELINING_ACTION, cfg->test_action[PSC_TEST_PIPEL]);
    psc.action[PSC_TEST_NSMTP] =
        psc_action(VAR_POSTSCREEN_NON_SMTP_COMMAND_ACTION, cfg->test_action[PSC_TEST_NSMTP]);
    psc.action[PSC_TEST_BARLF] =
        psc_action(VAR_POSTSCREEN_BARE_NEWLINE_ACTION, cfg->test_action[PSC_TEST_BARLF]);
    cfg->forbidden_commands = psc_forbidden(forbidden);
    cfg->test_enable[PSC_TEST_PREGR] = true;
    if (cfg->dnsbl_sites->argc > 0) {
        if ((psc.dnsbl_sites = dnsbl_sites_parse(cfg->dnsbl_sites, why)) == NULL)
            msg_fatal("%s: %s", VAR_POSTSCREEN_DNSBL_SITES, vstring_str(why));
        cfg->test_enable[PSC_TEST_DNSBL] = true;
    }
    if (*cfg->dnsbl_reply_map) {
        psc.dnsbl_reply = dict_open(cfg->dnsbl_reply_map, O_RDONLY, DICT_FLAG_LOCK);
        if (!dict_open_ok(psc.dnsbl_reply))
            msg_fatal("%s: %s", VAR_POSTSCREEN_DNSBL_REPLY_MAP, dict_reason(psc.dnsbl_reply));
    }
    if (*cfg->proxy_protocol && strcmp(cfg->proxy_protocol, "haproxy") != 0)
        msg_fatal("unsupported %s value \"%s\": specify haproxy, or nothing",
                  VAR_POSTSCREEN_UPSTREAM_PROXY_PROTOCOL, cfg->proxy_protocol);
    psc.access = psc_access_create(cfg->access_list, cfg->mynetworks);
    psc.cache = psc_cache_open(cfg->cache_map);
    psc.smtpd_path = psc_service_path(cfg->smtpd_service);
    psc.dnsblog_path = psc_service_path(cfg->dnsblog_service);
    psc.tlsproxy_path = psc_service_path(cfg->tlsproxy_service);
    psc.tls_level = psc_tls_level(cfg);
    psc.reject_footer = reject_footer_create(psc_raw_reference(server->config, cfg->reject_footer),
                                             VAR_POSTSCREEN_REJECT_FOOTER_MAPS,
                                             cfg->reject_footer_maps, cfg->expansion_filter);
    if (*cfg->command_filter)
        psc.command_filter =
            maps_create(VAR_POSTSCREEN_COMMAND_FILTER, cfg->command_filter, DICT_FLAG_LOCK);
    if ((psc.allowlist_if = match_list_create(VAR_POSTSCREEN_ALLOWLIST_INTERFACES,
                                              cfg->allowlist_interfaces, MATCH_FLAG_NONE, why)) ==
        NULL)
        msg_fatal("%s: %s", VAR_POSTSCREEN_ALLOWLIST_INTERFACES, vstring_str(why));
    psc.discard_ehlo = ehlo_mask(cfg->discard_ehlo);
    if (*cfg->discard_ehlo_maps)
        psc.discard_ehlo_maps = maps_create(VAR_POSTSCREEN_DISCARD_EHLO_KEYWORD_ADDRESS_MAPS,
                                            cfg->discard_ehlo_maps, DICT_FLAG_LOCK);
    psc.client_count = htable_create(100);
    vstring_free(why);
}

/* main - program entry */

int main(int argc, char **argv)
{
    MAIL_SERVER *server = mail_server_start(argc, argv,
                                            &(MAIL_SERVER_PROPS){
                                                .pre_jail = psc_pre_jail,
                                                .flags = MAIL_SERVER_FLAG_UNLIMITED,
                                            });

    if (server->stand_alone)
        msg_fatal("postscreen cannot run stand-alone (-S)");
    psc.loop = server->loop;
    watchdog_start(psc.loop, psc.cfg.watchdog_timeout);
    psc_cache_cleanup_start();
    for (int i = 0; i < server->listen_count; i++)
        if (event_enable_read(server->loop, MAIL_SERVER_LISTEN_FD + i, psc_accept_cb, NULL) < 0)
            msg_fatal("watch listener descriptor %d: %m", MAIL_SERVER_LISTEN_FD + i);
    event_loop_run(server->loop);
    mail_server_exit(server, "event loop stopped -- exiting");
}

/* psc_printable - peer bytes as C-style escaped log text (at most 100 bytes) */

const char *psc_printable(VSTRING *out, const char *text, size_t len)
{
    VSTRING_RESET(out);
    for (size_t i = 0; i < len && i < 100; i++) {
        unsigned char ch = (unsigned char)text[i];

        if (ch == '\r')
            vstring_strcat(out, "\\r");
        else if (ch == '\n')
            vstring_strcat(out, "\\n");
        else if (ch == '\t')
            vstring_strcat(out, "\\t");
        else if (ch == '\\')
            vstring_strcat(out, "\\\\");
        else if (ch >= 0x20 && ch < 0x7f)
            vstring_addch(out, (char)ch);
        else
            vstring_sprintf_append(out, "\\%03o", ch);
    }
    return vstring_str(out);
}
