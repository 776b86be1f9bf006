/*++
 * NAME
 *	postscreen_early - the tests before the SMTP handshake
 * SYNOPSIS
 *	#include "postscreen.h"
 *
 *	void	psc_early_start(PSC_STATE *state);
 *	void	psc_early_cancel(PSC_STATE *state);
 * DESCRIPTION
 *	psc_early_start() runs the pregreet test and the DNSBL queries when
 *	either is due, otherwise it goes straight to psc_verdict(). It
 *	sends the first line of a multi-line greeting, "220-" and
 *	postscreen_greet_banner (nothing when that is empty; smtpd's own
 *	"220 " line completes the reply after the hand-over), starts the
 *	DNSBL queries, and waits postscreen_greet_wait.
 *
 *	A client that sends anything during the wait fails the pregreet
 *	test: "PREGREET N after T from [addr]:port: TEXT", where N counts
 *	the bytes seen. The bytes are only peeked at, so that they are still
 *	there for smtpd(8) or the built-in engine. A client that hangs up
 *	is logged "HANGUP ... in tests before SMTP handshake".
 *
 *	At the end of the wait (or earlier, when the DNSBL answers are all in
 *	and put the client on the allowlist) the DNSBL score is judged
 *	(psc_dnsbl_finish()), and then psc_verdict() decides.
 *
 *	psc_early_cancel() stops the wait of a client that is being freed.
 * DIAGNOSTICS
 *	Logged only.
 *--*/

/* System library. */
#include <errno.h>
#include <sys/socket.h>

/* Utility library. */
#include "msg.h"

/* Application-specific. */
#include "postscreen.h"

#define PSC_EARLY_PEEK 1024 /* most bytes one pregreet look takes */

/* psc_early_end - the wait is over: judge and decide */

static void psc_early_end(PSC_STATE *state)
{
    event_timer_cancel(psc.loop, psc_early_timer_cb, state);
    event_disable_read(psc.loop, state->fd);
    state->early_done = true;
    if (state->test[PSC_TEST_PREGR] == PSC_TODO)
        state->test[PSC_TEST_PREGR] = PSC_PASS;
    if (psc_dnsbl_finish(state))
        return;
    psc_verdict(state);
}

/* psc_early_timer_cb - postscreen_greet_wait has passed */

void psc_early_timer_cb(EVENT_LOOP *unused_loop, void *context)
{
    psc_early_end(context);
}

/* psc_early_read_cb - the client talks before its turn, or hangs up */

static void psc_early_read_cb(EVENT_LOOP *loop, int fd, int unused_events, void *context)
{
    PSC_STATE *state = context;
    char buf[PSC_EARLY_PEEK];
    ssize_t got;
    VSTRING *when;

    do
        got = recv(fd, buf, sizeof(buf), MSG_PEEK);
    while (got < 0 && errno == EINTR);
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
    if (got <= 0) {
        psc_hangup(state, "tests before SMTP handshake");
        return;
    }
    /* The bytes stay in the socket; stop looking until the wait is over. */
    event_disable_read(loop, fd);
    if (state->test[PSC_TEST_PREGR] != PSC_TODO)
        return;
    when = vstring_alloc(16);
    msg_info("PREGREET %zd after %s from %s: %s", got, psc_elapsed(state, when), state->namaddr,
             psc_printable(state->scratch, buf, (size_t)got));
    vstring_free(when);
    (void)psc_fail(state, PSC_TEST_PREGR, "521 5.5.1 Protocol error", "550 5.5.1 Protocol error");
}

/* psc_early_dnsbl_done - every DNSBL answer is in */

void psc_early_dnsbl_done(PSC_STATE *state)
{
    /* An allowlisted client need not wait for the rest of the greet wait. */
    if (!state->early_done && psc.cfg.dnsbl_allowlist_threshold < 0 &&
        state->dnsbl_score <= psc.cfg.dnsbl_allowlist_threshold && !psc_any_fail(state))
        psc_early_end(state);
}

/* psc_early_start - greet, query, wait */

void psc_early_start(PSC_STATE *state)
{
    if (!psc_tests_due(state, PSC_TEST_PREGR, PSC_TEST_DNSBL)) {
        state->early_done = true;
        psc_verdict(state);
        return;
    }
    if (*psc.cfg.greet_banner && psc_write(state, "220-%s", psc.cfg.greet_banner) < 0) {
        psc_hangup(state, "tests before SMTP handshake");
        return;
    }
    if (event_enable_read(psc.loop, state->fd, psc_early_read_cb, state) < 0)
        msg_fatal("watch client descriptor %d: %m", state->fd);
    event_timer_add(psc.loop, psc.cfg.greet_wait * 1000, psc_early_timer_cb, state);
    if (state->test[PSC_TEST_DNSBL] == PSC_TODO)
        psc_dnsbl_start(state);
}

/* psc_early_cancel - forget the wait */

void psc_early_cancel(PSC_STATE *state)
{
    event_timer_cancel(psc.loop, psc_early_timer_cb, state);
}
