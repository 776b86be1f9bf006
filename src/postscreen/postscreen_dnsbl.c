/*++
 * NAME
 *	postscreen_dnsbl - DNSBL and DNSWL scores through dnsblog(8)
 * SYNOPSIS
 *	#include "postscreen.h"
 *
 *	void	psc_dnsbl_start(PSC_STATE *state);
 *	bool	psc_dnsbl_finish(PSC_STATE *state);
 *	void	psc_dnsbl_cancel(PSC_STATE *state);
 * DESCRIPTION
 *	psc_dnsbl_start() asks dnsblog(8) about each zone of
 *	postscreen_dnsbl_sites, one connection per zone, without waiting:
 *	each answer adds the weights of the sites whose reply filter it
 *	matches to state->dnsbl_score as it arrives. When the last answer
 *	is in, psc_early_dnsbl_done() is told. postscreen itself never
 *	blocks on DNS; a query that gets no answer within
 *	postscreen_dnsbl_timeout (or before the judgement) counts nothing.
 *
 *	psc_dnsbl_finish() judges the score at the end of the greet wait,
 *	when the DNSBL test is due: at postscreen_dnsbl_threshold or above,
 *	"DNSBL rank N for [addr]:port" and the test fails (drop: "521 5.7.1
 *	Service unavailable; client [addr] blocked using NAME"; enforce: the
 *	same text with 550 for every RCPT), where NAME is the heaviest
 *	listing site, or what postscreen_dnsbl_reply_map says for it. At or
 *	below a negative postscreen_dnsbl_allowlist_threshold (and without a
 *	failed test) every due test passes. Otherwise the test passes. It
 *	returns true when the client has been dropped.
 *
 *	psc_dnsbl_cancel() abandons the queries still open.
 * DIAGNOSTICS
 *	Warnings: dnsblog cannot be reached, a malformed answer.
 *--*/

/* System library. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"
#include "mymalloc.h"
#include "sockets.h"
#include "stringops.h"
#include "timed_io.h"
#include "vstream.h"

/* Global library. */
#include "dnsblog_proto.h"

/* Application-specific. */
#include "postscreen.h"

#define PSC_DNSBL_CONNECT_MS 1000  /* most time to reach dnsblog */
#define PSC_DNSBL_REPLY_MAX  65536 /* most bytes of one answer */

/* One query. */
typedef struct PSC_DNSBL_QUERY {
    PSC_STATE *state;   /* the client; not owned */
    int fd;             /* connection to dnsblog, or -1 when done */
    const char *domain; /* the zone; owned by psc.dnsbl_sites */
    VSTRING *reply;     /* the answer so far; owned */
} PSC_DNSBL_QUERY;

/* The queries of one client. */
typedef struct PSC_DNSBL {
    PSC_DNSBL_QUERY *query; /* one per zone; owned */
    size_t count;           /* queries */
} PSC_DNSBL;

/* psc_dnsbl_close - end one query */

static void psc_dnsbl_close(PSC_DNSBL_QUERY *query)
{
    if (query->fd >= 0) {
        event_disable_readwrite(psc.loop, query->fd);
        close(query->fd);
        query->fd = -1;
        query->state->dnsbl_pending--;
    }
}

/* psc_dnsbl_score - add one answer */

static void psc_dnsbl_score(PSC_DNSBL_QUERY *query)
{
    PSC_STATE *state = query->state;
    VSTREAM *stream = vstream_memopen(query->reply, VSTREAM_FLAG_READ);
    VSTRING *domain = vstring_alloc(100), *addr = vstring_alloc(64), *result = vstring_alloc(100);
    int id = -1, ttl = -1, score;
    const char *name = NULL;
    int weight = 0;
    ARGV *addrs;

    if (attr_scan_opts(stream, ATTR_FLAG_NONE, &(ATTR_OPTS){.peer = "dnsblog"},
                       RECV_ATTR_STR(DNSBLOG_ATTR_DOMAIN, domain),
                       RECV_ATTR_STR(DNSBLOG_ATTR_ADDR, addr), RECV_ATTR_INT(DNSBLOG_ATTR_ID, &id),
                       RECV_ATTR_STR(DNSBLOG_ATTR_RESULT, result),
                       RECV_ATTR_INT(DNSBLOG_ATTR_TTL, &ttl), ATTR_TYPE_END) != 5 ||
        strcmp(vstring_str(domain), query->domain) != 0 ||
        strcmp(vstring_str(addr), state->client_addr) != 0) {
        msg_warn("malformed answer from %s for %s", psc.dnsblog_path, query->domain);
    } else if (VSTRING_LEN(result) > 0) {
        addrs = argv_split(vstring_str(result), " ");
        score = dnsbl_sites_score(psc.dnsbl_sites, query->domain, addrs, &name, &weight);
        state->dnsbl_score += score;
        if (name && (state->dnsbl_name == NULL || weight > state->dnsbl_weight)) {
            if (state->dnsbl_name)
                myfree(state->dnsbl_name);
            state->dnsbl_name = mystrdup(name);
            state->dnsbl_weight = weight;
        }
        if (name && ttl >= 0 && (state->dnsbl_ttl <= 0 || ttl < state->dnsbl_ttl))
            state->dnsbl_ttl = ttl;
        argv_free(addrs);
    }
    vstream_close(stream);
    vstring_free(domain);
    vstring_free(addr);
    vstring_free(result);
}

/* psc_dnsbl_read_cb - part of an answer, or its end */

static void psc_dnsbl_read_cb(EVENT_LOOP *unused_loop, int fd, int unused_events, void *context)
{
    PSC_DNSBL_QUERY *query = context;
    PSC_STATE *state = query->state;
    char buf[4096];
    ssize_t got;

    do
        got = read(fd, buf, sizeof(buf));
    while (got < 0 && errno == EINTR);
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
    if (got > 0 && VSTRING_LEN(query->reply) + (size_t)got <= PSC_DNSBL_REPLY_MAX) {
        vstring_memcat(query->reply, buf, (size_t)got);
        return;
    }
    if (got == 0)
        psc_dnsbl_score(query);
    else
        msg_warn("read answer from %s for %s: %s", psc.dnsblog_path, query->domain,
                 got < 0 ? strerror(errno) : "too long");
    psc_dnsbl_close(query);
    if (state->dnsbl_pending == 0) {
        event_timer_cancel(psc.loop, psc_dnsbl_timer_cb, state);
        psc_early_dnsbl_done(state);
    }
}

/* psc_dnsbl_timer_cb - postscreen_dnsbl_timeout: stop waiting */

void psc_dnsbl_timer_cb(EVENT_LOOP *unused_loop, void *context)
{
    PSC_STATE *state = context;

    msg_warn("dnsblog reply timeout %ds for %s", psc.cfg.dnsbl_timeout, state->client_addr);
    psc_dnsbl_cancel(state);
}

/* psc_dnsbl_ask - open one query */

static void psc_dnsbl_ask(PSC_DNSBL_QUERY *query, int id)
{
    PSC_STATE *state = query->state;
    VSTRING *why = vstring_alloc(100);
    VSTREAM *stream;
    int status;

    if ((query->fd = unix_connect(psc.dnsblog_path, PSC_DNSBL_CONNECT_MS, why)) < 0) {
        msg_warn("connect to %s service: %s", psc.dnsblog_path, vstring_str(why));
        vstring_free(why);
        return;
    }
    vstring_free(why);
    stream = vstream_fdopen(query->fd, VSTREAM_FLAG_RW | VSTREAM_FLAG_NOCLOSE);
    vstream_set_io(stream, NULL, sock_write_nosignal, NULL);
    vstream_set_timeout(stream, 10);
    status = attr_print(stream, ATTR_FLAG_NONE,
                        SEND_ATTR_INT(DNSBLOG_ATTR_VERSION, DNSBLOG_PROTO_VERSION),
                        SEND_ATTR_STR(DNSBLOG_ATTR_DOMAIN, query->domain),
                        SEND_ATTR_STR(DNSBLOG_ATTR_ADDR, state->client_addr),
                        SEND_ATTR_INT(DNSBLOG_ATTR_ID, id), ATTR_TYPE_END);
    if (status == 0)
        status = vstream_fflush(stream);
    vstream_close(stream);
    if (status != 0 || set_nonblock(query->fd, 1) < 0 ||
        event_enable_read(psc.loop, query->fd, psc_dnsbl_read_cb, query) < 0) {
        msg_warn("send request to %s service: %m", psc.dnsblog_path);
        close(query->fd);
        query->fd = -1;
        return;
    }
    state->dnsbl_pending++;
}

/* psc_dnsbl_start - ask about every zone */

void psc_dnsbl_start(PSC_STATE *state)
{
    PSC_DNSBL *dnsbl = mycalloc(1, sizeof(*dnsbl));
    const ARGV *domains = psc.dnsbl_sites->domains;

    dnsbl->query = mycalloc(domains->argc, sizeof(PSC_DNSBL_QUERY));
    dnsbl->count = domains->argc;
    state->dnsbl = dnsbl;
    for (size_t i = 0; i < domains->argc; i++) {
        dnsbl->query[i] = (PSC_DNSBL_QUERY){
            .state = state, .fd = -1, .domain = domains->argv[i], .reply = vstring_alloc(256)};
        psc_dnsbl_ask(dnsbl->query + i, (int)i);
    }
    if (state->dnsbl_pending > 0)
        event_timer_add(psc.loop, psc.cfg.dnsbl_timeout * 1000, psc_dnsbl_timer_cb, state);
}

/* psc_dnsbl_cancel - abandon open queries */

void psc_dnsbl_cancel(PSC_STATE *state)
{
    PSC_DNSBL *dnsbl = state->dnsbl;

    event_timer_cancel(psc.loop, psc_dnsbl_timer_cb, state);
    if (dnsbl == NULL)
        return;
    for (size_t i = 0; i < dnsbl->count; i++)
        psc_dnsbl_close(dnsbl->query + i);
}

/* psc_dnsbl_free - release the queries */

void psc_dnsbl_free(PSC_STATE *state)
{
    PSC_DNSBL *dnsbl = state->dnsbl;

    if (dnsbl == NULL)
        return;
    psc_dnsbl_cancel(state);
    for (size_t i = 0; i < dnsbl->count; i++)
        vstring_free(dnsbl->query[i].reply);
    myfree(dnsbl->query);
    myfree(dnsbl);
    state->dnsbl = NULL;
}

/* psc_dnsbl_display - the name that replies show for a site */

static const char *psc_dnsbl_display(const char *name)
{
    const char *value;

    if (psc.dnsbl_reply && (value = dict_get(psc.dnsbl_reply, name)) != NULL)
        return value;
    return name;
}

/* psc_dnsbl_finish - judge the score */

bool psc_dnsbl_finish(PSC_STATE *state)
{
    VSTRING *drop, *enforce;
    const char *name;
    bool gone;

    psc_dnsbl_cancel(state);
    if (state->test[PSC_TEST_DNSBL] != PSC_TODO)
        return false;
    if (state->dnsbl_score >= psc.cfg.dnsbl_threshold) {
        msg_info("DNSBL rank %d for %s", state->dnsbl_score, state->namaddr);
        name = psc_dnsbl_display(state->dnsbl_name ? state->dnsbl_name : "");
        drop = vstring_alloc(100);
        enforce = vstring_alloc(100);
        vstring_sprintf(drop, "521 5.7.1 Service unavailable; client [%s] blocked using %s",
                        state->client_addr, name);
        vstring_sprintf(enforce, "550 5.7.1 Service unavailable; client [%s] blocked using %s",
                        state->client_addr, name);
        gone = psc_fail(state, PSC_TEST_DNSBL, vstring_str(drop), vstring_str(enforce));
        vstring_free(drop);
        vstring_free(enforce);
        return gone;
    }
    if (psc.cfg.dnsbl_allowlist_threshold < 0 &&
        state->dnsbl_score <= psc.cfg.dnsbl_allowlist_threshold && !psc_any_fail(state)) {
        for (int i = 0; i < PSC_TEST_COUNT; i++)
            if (state->test[i] == PSC_TODO)
                state->test[i] = PSC_PASS;
        return false;
    }
    state->test[PSC_TEST_DNSBL] = PSC_PASS;
    return false;
}
