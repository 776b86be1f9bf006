/*++
 * NAME
 *	postscreen_starttls - STARTTLS through tlsproxy(8)
 * SYNOPSIS
 *	#include "postscreen.h"
 *
 *	void	psc_starttls_open(PSC_STATE *state,
 *				void (*resume)(PSC_STATE *state));
 *	void	psc_starttls_cancel(PSC_STATE *state);
 * DESCRIPTION
 *	postscreen holds no keys. After a valid STARTTLS, psc_starttls_open()
 *	asks the tlsproxy service (private/tlsproxy_service_name,
 *	tlsproxy_proto.h) to take the TLS server role for the client, in the
 *	background: the request now, then, when tlsproxy says it can, the
 *	client's socket, "220 2.0.0 Ready to start TLS" to the client, and
 *	from then on the connection to tlsproxy stands in for the client
 *	socket: postscreen reads and writes the plaintext of the client's TLS
 *	session there. Input that the client sent after STARTTLS in plaintext
 *	is discarded. The caller must have stopped reading from the client;
 *	resume(state) is called when the engine may read commands again,
 *	with state->using_tls telling whether TLS started. When tlsproxy
 *	cannot be reached, refuses, or does not answer within
 *	PSC_STARTTLS_TIMEOUT_MS, the client gets "454 4.7.0 TLS not
 *	available due to local problem" and the session goes on in
 *	plaintext.
 *
 *	psc_starttls_cancel() drops a hand-over in progress (the client is
 *	going away).
 * DIAGNOSTICS
 *	Warnings: tlsproxy cannot be reached or does not answer.
 *--*/

/* System library. */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

/* Utility library. */
#include "attr.h"
#include "fd_pass.h"
#include "msg.h"
#include "mymalloc.h"
#include "sockets.h"
#include "timed_io.h"
#include "vstream.h"

/* Global library. */
#include "tlsproxy_proto.h"

/* Application-specific. */
#include "postscreen.h"

#define PSC_STARTTLS_CONNECT_MS 2000  /* most time to reach the tlsproxy socket */
#define PSC_STARTTLS_TIMEOUT_MS 10000 /* most time for tlsproxy's status */

/* A hand-over in progress. */
typedef struct PSC_STARTTLS {
    VSTREAM *stream;                  /* to tlsproxy; descriptor not closed by the stream */
    int fd;                           /* the connection to tlsproxy; owned until it replaces
                                         the client socket */
    void (*resume)(PSC_STATE *state); /* back to the engine */
} PSC_STARTTLS;

/* psc_starttls_end - forget the hand-over; the tlsproxy connection too unless kept */

static void psc_starttls_end(PSC_STATE *state, bool keep_fd)
{
    PSC_STARTTLS *tls = state->starttls;

    event_disable_readwrite(psc.loop, tls->fd);
    event_timer_cancel(psc.loop, psc_starttls_timer_cb, state);
    vstream_close(tls->stream);
    if (!keep_fd)
        close(tls->fd);
    myfree(tls);
    state->starttls = NULL;
}

/* psc_starttls_fail - no TLS: 454, the session goes on in plaintext */

static void psc_starttls_fail(PSC_STATE *state)
{
    void (*resume)(PSC_STATE *) = state->starttls->resume;

    psc_starttls_end(state, false);
    if (psc_write(state, "454 4.7.0 TLS not available due to local problem") < 0) {
        psc_hangup(state, "tests after SMTP handshake");
        return;
    }
    resume(state);
}

/* psc_starttls_status_cb - tlsproxy's answer: send the client socket */

static void psc_starttls_status_cb(EVENT_LOOP *unused_loop, int unused_fd, int unused_events,
                                   void *context)
{
    PSC_STATE *state = context;
    PSC_STARTTLS *tls = state->starttls;
    void (*resume)(PSC_STATE *) = tls->resume;
    int status = TLSPROXY_STAT_FAIL;

    if (attr_scan(tls->stream, ATTR_FLAG_STRICT, RECV_ATTR_INT(TLSPROXY_ATTR_STATUS, &status),
                  ATTR_TYPE_END) != 1 ||
        status != TLSPROXY_STAT_OK) {
        msg_warn("problem receiving status from %s service", psc.tlsproxy_path);
        psc_starttls_fail(state);
        return;
    }
    if (fd_pass_send(tls->fd, state->fd) < 0) {
        msg_warn("problem sending file handle to %s service: %m", psc.tlsproxy_path);
        psc_starttls_fail(state);
        return;
    }
    (void)psc_write(state, "220 2.0.0 Ready to start TLS");
    event_disable_readwrite(psc.loop, state->fd);
    close(state->fd);
    state->fd = tls->fd;
    psc_starttls_end(state, true);
    if (set_nonblock(state->fd, 1) < 0)
        msg_warn("%s: set non-blocking mode: %m", state->namaddr);
    /* Plaintext that came after STARTTLS must not count as if sent through TLS. */
    VSTRING_RESET(state->input);
    state->using_tls = true;
    resume(state);
}

/* psc_starttls_timer_cb - tlsproxy did not answer */

void psc_starttls_timer_cb(EVENT_LOOP *unused_loop, void *context)
{
    PSC_STATE *state = context;

    msg_warn("timeout receiving status from %s service", psc.tlsproxy_path);
    psc_starttls_fail(state);
}

/* psc_starttls_open - ask tlsproxy to take the client's TLS */

void psc_starttls_open(PSC_STATE *state, void (*resume)(PSC_STATE *state))
{
    VSTRING *why = vstring_alloc(100);
    PSC_STARTTLS *tls;
    int fd;

    if ((fd = unix_connect(psc.tlsproxy_path, PSC_STARTTLS_CONNECT_MS, why)) < 0) {
        msg_warn("connect to %s service: %s", psc.tlsproxy_path, vstring_str(why));
        vstring_free(why);
        if (psc_write(state, "454 4.7.0 TLS not available due to local problem") < 0)
            psc_hangup(state, "tests after SMTP handshake");
        else
            resume(state);
        return;
    }
    vstring_free(why);
    tls = mycalloc(1, sizeof(*tls));
    tls->fd = fd;
    tls->resume = resume;
    tls->stream = vstream_fdopen(fd, VSTREAM_FLAG_RW | VSTREAM_FLAG_NOCLOSE);
    vstream_set_timeout_ms(tls->stream, PSC_STARTTLS_TIMEOUT_MS);
    state->starttls = tls;
    (void)attr_print(tls->stream, ATTR_FLAG_NONE,
                     SEND_ATTR_INT(TLSPROXY_ATTR_VERSION, TLSPROXY_PROTO_VERSION),
                     SEND_ATTR_STR(TLSPROXY_ATTR_ENDPOINT, state->namaddr),
                     SEND_ATTR_INT(TLSPROXY_ATTR_FLAGS, TLSPROXY_FLAG_ROLE_SERVER),
                     SEND_ATTR_INT(TLSPROXY_ATTR_TIMEOUT, psc.cfg.command_time_limit),
                     SEND_ATTR_STR(TLSPROXY_ATTR_SERVERID, "smtpd"), ATTR_TYPE_END);
    if (vstream_fflush(tls->stream) != 0) {
        msg_warn("error sending request to %s service: %m", psc.tlsproxy_path);
        psc_starttls_fail(state);
        return;
    }
    if (event_enable_read(psc.loop, fd, psc_starttls_status_cb, state) < 0)
        msg_fatal("watch tlsproxy descriptor %d: %m", fd);
    event_timer_add(psc.loop, PSC_STARTTLS_TIMEOUT_MS, psc_starttls_timer_cb, state);
}

/* psc_starttls_cancel - the client goes away during the hand-over */

void psc_starttls_cancel(PSC_STATE *state)
{
    if (state->starttls)
        psc_starttls_end(state, false);
}
