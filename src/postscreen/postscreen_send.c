/*++
 * NAME
 *	postscreen_send - hand a clean client to smtpd(8)
 * SYNOPSIS
 *	#include "postscreen.h"
 *
 *	void	psc_send(PSC_STATE *state);
 * DESCRIPTION
 *	psc_send() connects to master's "pass" service private/NAME
 *	(smtpd_service_name) and hands over the client socket with the
 *	client and server addresses and ports (mail_pass(3)), so that smtpd
 *	logs the client as postscreen saw it. postscreen's own copy of the
 *	socket is closed at once; the hand-over connection stays open until
 *	smtpd has taken the client (it closes its end), for at most
 *	MAIL_PASS_TIMEOUT_MS, which bounds postscreen_post_queue_limit.
 *
 *	When smtpd cannot be reached, or too many clients already wait for
 *	it (postscreen_post_queue_limit), the client gets "421 4.3.2 All
 *	server ports are busy" and is disconnected.
 * DIAGNOSTICS
 *	Warnings: the pass service cannot be reached.
 *--*/

/* System library. */
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "sockets.h"

/* Global library. */
#include "mail_pass.h"

/* Application-specific. */
#include "postscreen.h"

#define PSC_SEND_CONNECT_MS 2000 /* most time to reach the pass socket */

/* psc_send_done - the hand-over connection ends */

static void psc_send_done(int fd)
{
    event_disable_readwrite(psc.loop, fd);
    event_timer_cancel(psc.loop, psc_send_timer_cb, (void *)(intptr_t)fd);
    close(fd);
    psc.post_queue_count--;
}

/* psc_send_read_cb - smtpd closed its end: it has the client */

static void psc_send_read_cb(EVENT_LOOP *unused_loop, int fd, int unused_events,
                             void *unused_context)
{
    psc_send_done(fd);
}

/* psc_send_timer_cb - smtpd did not take the client in time */

void psc_send_timer_cb(EVENT_LOOP *unused_loop, void *context)
{
    int fd = (int)(intptr_t)context;

    msg_warn("%s service did not take a client within %d seconds", psc.smtpd_path,
             MAIL_PASS_TIMEOUT_MS / 1000);
    psc_send_done(fd);
}

/* psc_send_busy - no smtpd for this client */

static void psc_send_busy(PSC_STATE *state)
{
    (void)psc_write(state, "421 4.3.2 All server ports are busy");
    psc_disconnect(state);
}

/* psc_send - hand the client over */

void psc_send(PSC_STATE *state)
{
    MAIL_PASS_PEER peer;
    VSTRING *why = vstring_alloc(100);
    int sock;

    if (psc.cfg.post_queue_limit > 0 && psc.post_queue_count >= psc.cfg.post_queue_limit) {
        msg_info("NOQUEUE: reject: CONNECT from %s: all server ports busy", state->namaddr);
        vstring_free(why);
        psc_send_busy(state);
        return;
    }
    if ((sock = unix_connect(psc.smtpd_path, PSC_SEND_CONNECT_MS, why)) < 0) {
        msg_warn("cannot connect to service %s: %s", psc.smtpd_path, vstring_str(why));
        vstring_free(why);
        psc_send_busy(state);
        return;
    }
    if (mail_pass_peer_set(&peer, state->client_addr, state->client_port, state->server_addr,
                           state->server_port) < 0 ||
        mail_pass_send(sock, state->fd, &peer, why) < 0) {
        msg_warn("cannot pass connection to service %s: %s", psc.smtpd_path,
                 VSTRING_LEN(why) ? vstring_str(why) : "bad client facts");
        close(sock);
        vstring_free(why);
        psc_send_busy(state);
        return;
    }
    vstring_free(why);
    psc.post_queue_count++;
    if (event_enable_read(psc.loop, sock, psc_send_read_cb, NULL) < 0)
        msg_fatal("watch pass connection descriptor %d: %m", sock);
    event_timer_add(psc.loop, MAIL_PASS_TIMEOUT_MS, psc_send_timer_cb, (void *)(intptr_t)sock);
    psc_free(state);
}
