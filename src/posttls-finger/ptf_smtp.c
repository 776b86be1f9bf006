/*++
 * NAME
 *	ptf_smtp - the SMTP or LMTP dialogue of posttls-finger
 * SYNOPSIS
 *	#include "posttls-finger.h"
 *
 *	int	ptf_smtp_session(PTF_STATE *state);
 * DESCRIPTION
 *	ptf_smtp_session() runs one session on state->stream: in wrapper
 *	mode (-w) the TLS handshake first; the greeting (within
 *	state->connect_timeout); EHLO (LHLO with -S); unless in wrapper mode
 *	and unless the level of the session is none (DANE before an MTA-STS
 *	policy can raise it: ptf_dane(3)), STARTTLS, the handshake and EHLO again;
 *	then QUIT, unless a reply timed out, broke off or was malformed, or
 *	the handshake failed. Commands and replies are logged as "> EHLO name" and
 *	"< 250 ..." unless -c was given; on a reconnection only the greeting
 *	and QUIT are. Each reply must come, all its lines, within
 *	state->command_timeout (a deadline for the whole reply, so a server
 *	that trickles "250-" lines cannot hold posttls-finger); of a reply
 *	at most 1000 lines are kept and logged, as the SMTP client keeps.
 *	The first word of the EHLO reply goes to state->server_name. It
 *	returns 0 when the session went as the level requires, -1 otherwise.
 * DIAGNOSTICS
 *	Lost connections, timeouts, unexpected replies, STARTTLS missing
 *	where TLS is required: logged.
 *--*/

/* System library. */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Utility library. */
#include "msg.h"
#include "stringops.h"

/* TLS library. */
#include "tls_level.h"

/* Application-specific. */
#include "posttls-finger.h"

#define PTF_LINE_MAX  4096 /* longest reply line we keep */
#define PTF_LINES_MAX 1000 /* most lines of one reply we keep and log */

/* ptf_smtp_now_ms - monotonic clock, milliseconds */

static long long ptf_smtp_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ptf_smtp_line - one line before the deadline: 0, or -1 (*out_late: deadline) */

static int ptf_smtp_line(VSTREAM *stream, VSTRING *line, long long deadline, bool *out_late)
{
    int ch = 0;

    VSTRING_RESET(line);
    while (ch != '\n') {
        if (vstream_peek(stream) == 0) {
            long long left = deadline - ptf_smtp_now_ms();

            if (left <= 0) {
                *out_late = true;
                return -1;
            }
            vstream_set_timeout_ms(stream, left > INT_MAX ? INT_MAX : (int)left);
        }
        if ((ch = vstream_getc(stream)) == VSTREAM_EOF)
            return -1;
        if (ch != '\n' && VSTRING_LEN(line) < PTF_LINE_MAX)
            vstring_addch(line, ch);
    }
    return 0;
}

/* ptf_smtp_reply - one reply; its code, or -1 after logging why */

static int ptf_smtp_reply(PTF_STATE *state, int timeout, const char *what, bool log_it, ARGV *lines)
{
    VSTRING *line = vstring_alloc(100);
    long long deadline = ptf_smtp_now_ms() + (long long)timeout * 1000;
    bool late = false;
    int code = -1;

    /* The timeout is for the whole reply: trickled "250-" lines cannot hold us. */
    for (int count = 0;; count++) {
        char *cp;

        if (ptf_smtp_line(state->stream, line, deadline, &late) < 0) {
            msg_info("%s while %s",
                     late || vstream_ftimeout(state->stream) ? "timeout" : "lost connection", what);
            state->reply_failed = true;
            code = -1;
            break;
        }
        cp = vstring_str(line);
        cp[strcspn(cp, "\r\n")] = 0;
        if (log_it && count < PTF_LINES_MAX)
            msg_info("< %s", cp);
        else if (log_it && count == PTF_LINES_MAX)
            msg_info("< ... (more than %d lines: the rest is not shown)", PTF_LINES_MAX);
        if (strlen(cp) < 3 || !isdigit((unsigned char)cp[0]) || !isdigit((unsigned char)cp[1]) ||
            !isdigit((unsigned char)cp[2]) || (cp[3] != 0 && cp[3] != ' ' && cp[3] != '-')) {
            msg_info("malformed reply while %s: \"%.100s\"", what, cp);
            state->reply_failed = true;
            code = -1;
            break;
        }
        if (lines && count < PTF_LINES_MAX)
            argv_add(lines, cp[3] ? cp + 4 : "");
        code = (cp[0] - '0') * 100 + (cp[1] - '0') * 10 + (cp[2] - '0');
        if (cp[3] != '-')
            break;
    }
    vstream_set_timeout(state->stream, timeout);
    vstring_free(line);
    return code;
}

/* ptf_smtp_command - send one command */

__attribute__((format(printf, 3, 4))) static int ptf_smtp_command(PTF_STATE *state, bool log_it,
                                                                  const char *fmt, ...)
{
    VSTRING *cmd = vstring_alloc(100);
    va_list ap;
    int status;

    va_start(ap, fmt);
    vstring_vsprintf_append(cmd, fmt, ap);
    va_end(ap);
    if (log_it)
        msg_info("> %s", vstring_str(cmd));
    vstream_set_timeout(state->stream, state->command_timeout);
    vstream_puts(state->stream, vstring_str(cmd));
    vstream_puts(state->stream, "\r\n");
    status = vstream_fflush(state->stream);
    if (status != 0)
        msg_info("%s while sending %s",
                 vstream_ftimeout(state->stream) ? "timeout" : "lost connection", vstring_str(cmd));
    vstring_free(cmd);
    return status == 0 ? 0 : -1;
}

/* ptf_smtp_ehlo - EHLO (or LHLO) and what the reply offers */

static int ptf_smtp_ehlo(PTF_STATE *state, bool log_it)
{
    ARGV *lines = argv_alloc(10);
    const char *verb = state->lmtp ? "LHLO" : "EHLO";
    int code;

    if (ptf_smtp_command(state, log_it, "%s %s", verb, state->helo) < 0) {
        argv_free(lines);
        return -1;
    }
    code = ptf_smtp_reply(state, state->command_timeout, "reading EHLO reply", log_it, lines);
    if (code == 250) {
        state->starttls_offered = false;
        for (size_t i = 1; i < lines->argc; i++)
            if (strncasecmp(lines->argv[i], "STARTTLS", 8) == 0 &&
                (lines->argv[i][8] == 0 || lines->argv[i][8] == ' '))
                state->starttls_offered = true;
        if (lines->argc > 0 && VSTRING_LEN(state->server_name) == 0)
            vstring_strncpy(state->server_name, lines->argv[0], strcspn(lines->argv[0], " "));
    } else if (code > 0) {
        msg_info("%s rejected by %s", verb, state->namaddr);
    }
    argv_free(lines);
    return code == 250 ? 0 : -1;
}

/* ptf_smtp_starttls - STARTTLS, the handshake, and EHLO again */

static int ptf_smtp_starttls(PTF_STATE *state, bool log_it)
{
    int code;

    if (!state->starttls_offered) {
        msg_info("STARTTLS not supported by %s", state->namaddr);
        return TLS_REQUIRED(state->level) ? -1 : 0;
    }
    if (ptf_smtp_command(state, log_it, "STARTTLS") < 0)
        return -1;
    if ((code = ptf_smtp_reply(state, state->command_timeout, "reading STARTTLS reply", log_it,
                               NULL)) != 220) {
        if (code > 0)
            msg_info("STARTTLS rejected by %s", state->namaddr);
        return TLS_REQUIRED(state->level) || code < 0 ? -1 : 0;
    }
    /* Plaintext after the 220 must not be read as a reply inside TLS. */
    vstream_purge(state->stream, VSTREAM_PURGE_BOTH);
    if (ptf_tls_start(state) < 0)
        return -1;
    return ptf_smtp_ehlo(state, log_it);
}

/* ptf_smtp_session - one session, from greeting to QUIT */

int ptf_smtp_session(PTF_STATE *state)
{
    bool log_all = state->chat && !state->quiet_chat;
    int status = 0;

    state->starttls_offered = false;
    state->tls_failed = false;
    state->reply_failed = false;
    if (state->wrapper && ptf_tls_start(state) < 0)
        return -1;
    if (ptf_smtp_reply(state, state->connect_timeout, "reading server greeting", state->chat,
                       NULL) != 220)
        return -1;
    if (ptf_smtp_ehlo(state, log_all) < 0)
        status = -1;
    else if (!state->wrapper && state->session_level != TLS_LEV_NONE)
        status = ptf_smtp_starttls(state, log_all);
    /*
     * After a failed handshake the server expects TLS records, not QUIT;
     * after a reply that did not end well, what comes next is not the
     * reply to QUIT (an endless reply would be read a second time).
     */
    if (!state->tls_failed && !state->reply_failed && vstream_ferror(state->stream) == 0 &&
        vstream_feof(state->stream) == 0 && ptf_smtp_command(state, state->chat, "QUIT") == 0)
        (void)ptf_smtp_reply(state, state->command_timeout, "reading QUIT reply", state->chat,
                             NULL);
    return status;
}
