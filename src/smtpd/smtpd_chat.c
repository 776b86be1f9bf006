/*++
 * NAME
 *	smtpd_chat - SMTP server replies, line input and reject logging
 * SYNOPSIS
 *	#include "smtpd.h"
 *
 *	void	smtpd_reply(SMTPD_STATE *state, const char *fmt, ...);
 *	void	smtpd_reply_lines(SMTPD_STATE *state, const ARGV *lines);
 *	int	smtpd_flush(SMTPD_STATE *state);
 *
 *	int	smtpd_read_line(SMTPD_STATE *state, VSTRING *buf, int limit,
 *				bool *out_partial);
 *	int	smtpd_read_command(SMTPD_STATE *state);
 *
 *	void	smtpd_log_reject(SMTPD_STATE *state, const char *action,
 *				const char *text, const char *recipient);
 *	void	smtpd_close(SMTPD_STATE *state, const char *fmt, ...);
 * DESCRIPTION
 *	smtpd_reply() formats one reply line ("250 2.1.0 Ok") and queues it
 *	on the client stream; it also remembers it for log lines. Client
 *	text that a reply repeats (a VRFY argument, an unknown option)
 *	cannot bring a control or 8-bit byte into the reply or the log:
 *	each such byte but a tab is sent as '?'. As in Postfix, a client
 *	that had ENHANCEDSTATUSCODES discarded from the EHLO reply still
 *	gets the enhanced codes. A 4XX or 5XX reply goes out with the
 *	reject footer of smtpd_reject_footer(_maps) (reject_footer(3)); the
 *	reply remembered for log lines has none, as in Postfix.
 *	Once the client has made smtpd_soft_error_limit
 *	errors, every reply is delayed by smtpd_error_sleep_time. smtpd_reply_lines() sends a
 *	multi-line reply (the EHLO response): each element is "250" plus
 *	text, and the separators are filled in here.
 *
 *	Replies are flushed only when the client has no more input waiting
 *	(RFC 2920 pipelining): smtpd_read_line() flushes before it has to
 *	wait for input. smtpd_flush() forces it; it returns 0, or -1 (the
 *	session then ends as a lost connection).
 *
 *	smtpd_read_line() reads one line into buf, without its line ending,
 *	reading at most limit bytes. It returns the length, or -1 at end of
 *	input or on timeout (state->end says which). *out_partial is set
 *	when the line was longer than limit (the rest follows in the next
 *	call). A line that ended in LF without CR sets state->bare_lf_seen.
 *	A CR that a chunk boundary splits from its LF stays with the LF
 *	(it is pushed back into the stream for the next call; a CR after
 *	which the input ends, fails or times out comes back alone).
 *
 *	smtpd_read_command() reads the next command into state->line,
 *	dropping whatever exceeds line_length_limit. It returns 0, or -1
 *	when the session must end (end of input, timeout, or a bare LF that
 *	smtpd_forbid_bare_newline = reject refuses: that is replied and
 *	logged here).
 *
 *	smtpd_log_reject() logs a policy decision in the form that log
 *	analysers read: "QUEUEID: reject: RCPT from host[addr]: <reply>;
 *	from=<sender> to=<rcpt> proto=ESMTP helo=<name>" (NOQUEUE before a
 *	queue file exists). The action is "reject", "warn", ...; the stage
 *	is state->where; text is the reply or message (NULL: the last reply
 *	sent); recipient may be NULL.
 *
 *	smtpd_close() sends a final reply (421 or 5xx), flushes, and ends
 *	the session.
 * DIAGNOSTICS
 *	Nothing is fatal; I/O failures end the session.
 *--*/

#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "msg.h"
#include "vstream.h"
#include "vstring.h"

#include "smtpd.h"

/* smtpd_error_delay - slow down a client that keeps making errors */

static void smtpd_error_delay(SMTPD_STATE *state, const char *unused_text)
{
    /* Every reply: a client past the soft limit gains nothing from commands that succeed. */
    if (state->cfg->error_sleep_time > 0 && state->error_count >= state->cfg->soft_error_limit) {
        if (smtpd_flush(state) == 0)
            sleep((unsigned)state->cfg->error_sleep_time);
    }
}

/* smtpd_reply_mask - no control or 8-bit byte in a reply (RFC 5321 textstring) */

static void smtpd_reply_mask(VSTRING *reply)
{
    unsigned char *cp = (unsigned char *)vstring_str(reply);

    for (size_t i = 0; i < VSTRING_LEN(reply); i++)
        if ((cp[i] < 0x20 && cp[i] != '\t') || cp[i] > 0x7e)
            cp[i] = '?';
}

/* smtpd_reply - send one reply line */

void smtpd_reply(SMTPD_STATE *state, const char *fmt, ...)
{
    static VSTRING *sent; /* the reply with its reject footer */
    va_list ap;

    va_start(ap, fmt);
    vstring_truncate(state->reply, 0);
    vstring_vsprintf_append(state->reply, fmt, ap);
    va_end(ap);
    smtpd_reply_mask(state->reply);
    if (msg_verbose)
        msg_info("> %s: %s", state->namaddr, vstring_str(state->reply));
    smtpd_error_delay(state, vstring_str(state->reply));
    /* The footer goes to the client only: log lines show the reply without it. */
    if (state->cfg && state->cfg->reject_footer &&
        (*vstring_str(state->reply) == '4' || *vstring_str(state->reply) == '5')) {
        REJECT_FOOTER_MACROS macros = {
            .client_address = state->addr,
            .client_port = state->port,
            .server_name = state->cfg->myhostname,
            .namaddr = state->namaddr,
        };

        if (sent == NULL)
            sent = vstring_alloc(100);
        vstring_strcpy(sent, vstring_str(state->reply));
        reject_footer_apply(state->cfg->reject_footer, sent, &macros);
        vstream_write(state->out, vstring_str(sent), VSTRING_LEN(sent));
    } else {
        vstream_write(state->out, vstring_str(state->reply), VSTRING_LEN(state->reply));
    }
    vstream_write(state->out, "\r\n", 2);
}

/* smtpd_reply_lines - send a multi-line 250 reply */

void smtpd_reply_lines(SMTPD_STATE *state, const ARGV *lines)
{
    for (size_t i = 0; i < lines->argc; i++) {
        vstream_printf(state->out, "250%c%s\r\n", i + 1 < lines->argc ? '-' : ' ', lines->argv[i]);
        if (msg_verbose)
            msg_info("> %s: 250%c%s", state->namaddr, i + 1 < lines->argc ? '-' : ' ',
                     lines->argv[i]);
    }
    vstring_strcpy(state->reply, "250 ");
    if (lines->argc > 0)
        vstring_strcat(state->reply, lines->argv[lines->argc - 1]);
}

/* smtpd_flush - write queued replies */

int smtpd_flush(SMTPD_STATE *state)
{
    /* A failed stream fails here even with nothing to write (in == out: a reset). */
    if (vstream_pending_output(state->out) == 0 ? !vstream_ferror(state->out)
                                                : vstream_fflush(state->out) == 0)
        return 0;
    if (state->end == SMTPD_END_NONE)
        state->end = vstream_ftimeout(state->out) ? SMTPD_END_TIMEOUT : SMTPD_END_EOF;
    return -1;
}

/* smtpd_read_line - read one line or a chunk of a long one */

int smtpd_read_line(SMTPD_STATE *state, VSTRING *buf, int limit, bool *out_partial)
{
    int last;
    size_t len;

    *out_partial = false;
    state->bare_lf_seen = false;
    if (vstream_peek(state->in) == 0 && smtpd_flush(state) < 0)
        return -1;
    last = vstream_gets(state->in, buf, (size_t)limit);
    if (last == VSTREAM_EOF) {
        if (state->end == SMTPD_END_NONE)
            state->end = vstream_ftimeout(state->in) ? SMTPD_END_TIMEOUT : SMTPD_END_EOF;
        return -1;
    }
    len = VSTRING_LEN(buf);
    if (last == '\n') {
        len--;
        if (len > 0 && vstring_str(buf)[len - 1] == '\r')
            len--;
        else
            state->bare_lf_seen = true;
    } else {
        *out_partial = true;
        /*
         * Keep a CR with the LF that may follow it in the next chunk. The
         * CR is pushed back also when the input ended right after it: the
         * next call returns it alone and then reports the end.
         */
        if (last == '\r' && len > 1) {
            vstream_ungetc(state->in, '\r');
            len--;
        }
    }
    vstring_truncate(buf, len);
    return (int)len;
}

/* smtpd_bare_lf_refuse - the "reject" form of the smuggling defence */

static int smtpd_bare_lf_refuse(SMTPD_STATE *state)
{
    smtpd_reply(state, "%d 5.5.2 Error: bare <LF> received", state->cfg->bare_lf_reject_code);
    smtpd_log_reject(state, "reject", NULL, NULL);
    smtpd_close(state, NULL);
    return -1;
}

/* smtpd_chat_log_command - a command for the verbose log, without AUTH data */

static void smtpd_chat_log_command(SMTPD_STATE *state)
{
    const char *line = vstring_str(state->line);
    size_t verb = strspn(line, " \t");
    size_t mech;

    /* An initial response carries a password: show only the mechanism. */
    if (strncasecmp(line + verb, "AUTH", 4) == 0 &&
        (line[verb + 4] == ' ' || line[verb + 4] == '\t')) {
        mech = verb + 4 + strspn(line + verb + 4, " \t");
        mech += strcspn(line + mech, " \t");
        msg_info("< %s: %.*s%s", state->namaddr, (int)mech, line, line[mech] ? " ..." : "");
        return;
    }
    msg_info("< %s: %s", state->namaddr, line);
}

/* smtpd_read_command - read the next command line */

int smtpd_read_command(SMTPD_STATE *state)
{
    bool partial;
    bool bare_lf = false;

    if (smtpd_read_line(state, state->line, state->cfg->line_length_limit, &partial) < 0)
        return -1;
    bare_lf = state->bare_lf_seen;
    /* Postfix compatibility: an over-long command is cut at the limit. */
    while (partial) {
        if (smtpd_read_line(state, state->scratch, state->cfg->line_length_limit, &partial) < 0)
            return -1;
        bare_lf = state->bare_lf_seen;
    }
    if (msg_verbose)
        smtpd_chat_log_command(state);
    if (bare_lf && state->bare_lf_strict && state->cfg->bare_lf == SMTPD_BARE_LF_REJECT)
        return smtpd_bare_lf_refuse(state);
    return 0;
}

/* smtpd_log_reject - log a policy decision in the classic form */

void smtpd_log_reject(SMTPD_STATE *state, const char *action, const char *what,
                      const char *recipient)
{
    VSTRING *text = state->scratch;

    vstring_sprintf(text, "%s: %s: %s from %s: %s;", state->queue_id ? state->queue_id : "NOQUEUE",
                    action, state->where, state->namaddr, what ? what : vstring_str(state->reply));
    if (state->sender)
        vstring_sprintf_append(text, " from=<%s>", state->sender);
    else if (state->args.address && strcmp(state->where, "MAIL") == 0)
        vstring_sprintf_append(text, " from=<%s>", state->args.address);
    if (recipient)
        vstring_sprintf_append(text, " to=<%s>", recipient);
    vstring_sprintf_append(text, " proto=%s", state->protocol);
    if (state->helo_name)
        vstring_sprintf_append(text, " helo=<%s>", state->helo_name);
    msg_info("%s", vstring_str(text));
}

/* smtpd_close - final reply, then end the session */

void smtpd_close(SMTPD_STATE *state, const char *fmt, ...)
{
    va_list ap;

    if (fmt) {
        va_start(ap, fmt);
        vstring_truncate(state->scratch, 0);
        vstring_vsprintf_append(state->scratch, fmt, ap);
        va_end(ap);
        smtpd_reply(state, "%s", vstring_str(state->scratch));
    }
    (void)smtpd_flush(state);
    if (state->end == SMTPD_END_NONE)
        state->end = SMTPD_END_CLOSE;
}
