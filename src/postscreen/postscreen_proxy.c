/*++
 * NAME
 *	postscreen_proxy - the PROXY protocol of a load balancer in front
 * SYNOPSIS
 *	#include "postscreen.h"
 *
 *	void	psc_proxy_start(PSC_STATE *state);
 *	void	psc_proxy_cancel(PSC_STATE *state);
 * DESCRIPTION
 *	With postscreen_upstream_proxy_protocol = haproxy, every connection
 *	comes from a proxy (HAProxy, nginx) that first sends a PROXY
 *	protocol header, version 1 or 2 (proxy_proto(3)), with the original
 *	client and server addresses. psc_proxy_start() reads that header,
 *	within postscreen_upstream_proxy_timeout, without taking a byte
 *	beyond it, puts its addresses in place of the socket's (a LOCAL or
 *	UNKNOWN header keeps the socket's), and goes on with
 *	psc_connect(). Every later log line, the cache, the lists and
 *	smtpd(8) see the original client.
 *
 *	A missing, malformed or late header is logged ("warning: haproxy
 *	read: REASON from [proxy]:port") and the connection closed, before
 *	any CONNECT line.
 *
 *	psc_proxy_cancel() stops the wait of a client that is being freed.
 * DIAGNOSTICS
 *	Warnings, as above.
 *--*/

/* System library. */
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>

/* Utility library. */
#include "msg.h"

/* Global library. */
#include "proxy_proto.h"

/* Application-specific. */
#include "postscreen.h"

/* psc_proxy_fail - no usable header */

static void psc_proxy_fail(PSC_STATE *state, const char *why)
{
    msg_warn("haproxy read: %s from %s", why, state->namaddr);
    psc_free(state);
}

/* psc_proxy_timer_cb - postscreen_upstream_proxy_timeout */

void psc_proxy_timer_cb(EVENT_LOOP *unused_loop, void *context)
{
    psc_proxy_fail(context, "time limit exceeded");
}

/* psc_proxy_read_cb - more of the header */

static void psc_proxy_read_cb(EVENT_LOOP *loop, int fd, int unused_events, void *context)
{
    PSC_STATE *state = context;
    char buf[PROXY_PROTO_V2_MAX];
    PROXY_PROTO_INFO info;
    const char *why;
    ssize_t got;
    int len;

    do
        got = recv(fd, buf, sizeof(buf), MSG_PEEK);
    while (got < 0 && errno == EINTR);
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
    if (got <= 0) {
        psc_proxy_fail(state, "lost connection");
        return;
    }
    if ((len = proxy_proto_parse(buf, (size_t)got, &info, &why)) < 0) {
        psc_proxy_fail(state, why);
        return;
    }
    if (len == 0) {
        if ((size_t)got == sizeof(buf))
            psc_proxy_fail(state, "header too long");
        return;
    }
    /* Take the header off the socket; the rest is the client's. */
    if (recv(fd, buf, (size_t)len, 0) != len) {
        psc_proxy_fail(state, "lost connection");
        return;
    }
    event_disable_read(loop, fd);
    event_timer_cancel(loop, psc_proxy_timer_cb, state);
    if (!info.local) {
        snprintf(state->client_addr, sizeof(state->client_addr), "%s", info.client_addr);
        snprintf(state->client_port, sizeof(state->client_port), "%s", info.client_port);
        snprintf(state->server_addr, sizeof(state->server_addr), "%s", info.server_addr);
        snprintf(state->server_port, sizeof(state->server_port), "%s", info.server_port);
        psc_set_namaddr(state);
    }
    psc_connect(state);
}

/* psc_proxy_start - wait for the header */

void psc_proxy_start(PSC_STATE *state)
{
    if (event_enable_read(psc.loop, state->fd, psc_proxy_read_cb, state) < 0)
        msg_fatal("watch client descriptor %d: %m", state->fd);
    event_timer_add(psc.loop, psc.cfg.proxy_timeout * 1000, psc_proxy_timer_cb, state);
}

/* psc_proxy_cancel - forget the wait */

void psc_proxy_cancel(PSC_STATE *state)
{
    event_timer_cancel(psc.loop, psc_proxy_timer_cb, state);
}
