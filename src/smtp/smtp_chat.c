/*++
 * NAME
 *	smtp_chat - SMTP commands and replies
 * SYNOPSIS
 *	#include "smtp.h"
 *
 *	int	smtp_chat_cmd(SMTP_SESSION *session, const char *fmt, ...);
 *	int	smtp_chat_cmd_hidden(SMTP_SESSION *session, const char *shown,
 *				const char *line);
 *	int	smtp_chat_flush(SMTP_SESSION *session);
 *	int	smtp_chat_resp(SMTP_SESSION *session, int timeout);
 *	void	smtp_chat_parse_dsn(SMTP_RESP *resp, const char *first_line);
 *	void	smtp_chat_quit_end(SMTP_SESSION *session, bool wait);
 *	bool	smtp_chat_input_pending(SMTP_SESSION *session);
 *	void	smtp_session_lost(SMTP_SESSION *session);
 * DESCRIPTION
 *	smtp_chat_cmd() formats one command and appends CRLF; it goes out
 *	with the next flush (commands are buffered so that pipelined
 *	commands leave in one packet). smtp_chat_flush() sends what is
 *	buffered. Both return SMTP_OK, or SMTP_FAIL after recording the
 *	lost connection (smtp_session_lost()). smtp_chat_cmd_hidden() does
 *	the same for a line that carries a secret (SMTP AUTH): with -v it
 *	logs only shown, and the copy it made is wiped.
 *
 *	smtp_chat_resp() flushes, then reads one reply, all its lines,
 *	into session->resp: the code (0 for a malformed reply), the
 *	enhanced status code (from the first line, or "X.0.0" from the
 *	code) and the text (lines joined with a space; at most 1000 lines
 *	and 64 KB are kept, the rest is read and dropped). A control byte
 *	in a line but a tab (NUL, ESC, DEL, a bare CR inside the line) is
 *	kept as '?', so that a NUL cannot cut the text short in the log or
 *	the delivery report and no escape sequence reaches them. The timeout (the
 *	command's smtp_*_timeout) is a deadline for the whole reply, not
 *	for each read: a server that trickles "250-" lines cannot hold the
 *	client longer. It returns SMTP_OK, or SMTP_FAIL after recording the
 *	lost connection or the timeout (session->doing says what we were
 *	doing).
 *
 *	smtp_chat_parse_dsn() sets resp->dsn from the reply code and the
 *	first line: the enhanced status code that follows the reply code
 *	when it is valid (RFC 3463: the class of the reply code, then
 *	subject and detail of one to three digits each, then a space or
 *	the end of the line), else "X.0.0" with the class of the reply
 *	code (4 for a malformed reply). An invalid code ("4..66",
 *	"5.1.1234", "4.7.1x") counts as absent.
 *
 *	smtp_chat_quit_end() finishes a QUIT that is already buffered: it
 *	flushes within smtp_quit_timeout and, when wait is true and
 *	smtp_skip_quit_response is off, reads the reply's first line (all
 *	within smtp_quit_timeout) and ignores it.
 *	Nothing is recorded: the outcomes are known by then.
 *
 *	smtp_chat_input_pending() tells whether the server has sent
 *	something that nobody has read yet: in the stream buffer or, with
 *	TLS, inside the TLS engine (where the socket shows nothing).
 *
 *	smtp_session_lost() marks the session broken and records a soft
 *	failure for every recipient still open: "conversation with
 *	host[addr] timed out while ..." or "lost connection with
 *	host[addr] while ..." (4.4.2).
 * DIAGNOSTICS
 *	Commands and replies are logged with -v.
 *--*/

/* System library. */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

/* OpenSSL, for wiping secrets. */
#include <openssl/crypto.h>

/* Utility library. */
#include "msg.h"
#include "vstream.h"
#include "vstring.h"

/* TLS library. */
#include "tls_stream.h"

/* Application-specific. */
#include "smtp.h"

#define SMTP_LINE_MAX  4096  /* longest reply line we keep */
#define SMTP_RESP_MAX  65536 /* longest reply text we keep */
#define SMTP_LINES_MAX 1000  /* most lines in one reply */

/* smtp_session_lost - the connection broke or timed out */

void smtp_session_lost(SMTP_SESSION *session)
{
    if (session->broken)
        return;
    session->broken = true;
    if (vstream_ftimeout(session->stream) || session->reply_late)
        smtp_site_fail(session->state, session->relay, "4.4.2",
                       "conversation with %s timed out while %s", session->namaddr, session->doing);
    else
        smtp_site_fail(session->state, session->relay, "4.4.2", "lost connection with %s while %s",
                       session->namaddr, session->doing);
}

/* smtp_chat_cmd - buffer one command */

int smtp_chat_cmd(SMTP_SESSION *session, const char *fmt, ...)
{
    VSTRING *buf = vstring_alloc(100);
    va_list ap;
    int status = SMTP_OK;

    va_start(ap, fmt);
    vstring_vsprintf_append(buf, fmt, ap);
    va_end(ap);
    if (msg_verbose)
        msg_info("> %s: %s", session->namaddr, vstring_str(buf));
    vstring_strcat(buf, "\r\n");
    if (vstream_write(session->stream, vstring_str(buf), VSTRING_LEN(buf)) !=
        (ssize_t)VSTRING_LEN(buf)) {
        smtp_session_lost(session);
        status = SMTP_FAIL;
    }
    vstring_free(buf);
    return status;
}

/* smtp_chat_cmd_hidden - buffer one command that must not be logged */

int smtp_chat_cmd_hidden(SMTP_SESSION *session, const char *shown, const char *line)
{
    VSTRING *buf = vstring_alloc(100);
    int status = SMTP_OK;

    if (msg_verbose)
        msg_info("> %s: %s", session->namaddr, shown);
    vstring_strcpy(buf, line);
    vstring_strcat(buf, "\r\n");
    if (vstream_write(session->stream, vstring_str(buf), VSTRING_LEN(buf)) !=
        (ssize_t)VSTRING_LEN(buf)) {
        smtp_session_lost(session);
        status = SMTP_FAIL;
    }
    OPENSSL_cleanse(vstring_str(buf), buf->size);
    vstring_free(buf);
    return status;
}

/* smtp_chat_input_pending - unread input, in the stream or inside TLS */

bool smtp_chat_input_pending(SMTP_SESSION *session)
{
    if (session->tls)
        return tls_stream_input_pending(session->stream);
    return vstream_peek(session->stream) > 0;
}

/* smtp_chat_flush - send buffered commands */

int smtp_chat_flush(SMTP_SESSION *session)
{
    if (vstream_fflush(session->stream) != 0) {
        smtp_session_lost(session);
        return SMTP_FAIL;
    }
    return SMTP_OK;
}

/* smtp_chat_digits - length of a run of one to three digits, 0 otherwise */

static size_t smtp_chat_digits(const char *cp)
{
    size_t len = 0;

    while (len < 4 && isdigit((unsigned char)cp[len]))
        len++;
    return len <= 3 ? len : 0;
}

/* smtp_chat_parse_dsn - enhanced status code or one made from the reply code */

void smtp_chat_parse_dsn(SMTP_RESP *resp, const char *first_line)
{
    int class = resp->code >= 200 && resp->code < 600 ? resp->code / 100 : 4;
    const char *cp = first_line;
    size_t subject, detail;

    /*
     * RFC 3463: class "." subject "." detail, the class that of the reply
     * code, subject and detail one to three digits each, then a space or
     * the end of the line. Anything else is no status code at all, and the
     * generic one takes its place: the code checked here is the code that
     * the logs, the bounce and the queue manager all get.
     */
    if (strlen(first_line) > 4 && (first_line[3] == ' ' || first_line[3] == '-')) {
        cp = first_line + 4;
        if (cp[0] == '0' + class && cp[1] == '.' && (subject = smtp_chat_digits(cp + 2)) != 0 &&
            cp[2 + subject] == '.' && (detail = smtp_chat_digits(cp + 3 + subject)) != 0 &&
            (cp[3 + subject + detail] == ' ' || cp[3 + subject + detail] == 0)) {
            memcpy(resp->dsn, cp, 3 + subject + detail);
            resp->dsn[3 + subject + detail] = 0;
            return;
        }
    }
    snprintf(resp->dsn, sizeof(resp->dsn), "%d.0.0", class);
}

/* smtp_chat_code - the reply code of a line, or 0 */

static int smtp_chat_code(const char *line, int *out_last)
{
    if (!isdigit((unsigned char)line[0]) || !isdigit((unsigned char)line[1]) ||
        !isdigit((unsigned char)line[2]) || (line[3] != 0 && line[3] != ' ' && line[3] != '-'))
        return 0;
    *out_last = line[3] != '-';
    return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

/* smtp_chat_now_ms - monotonic clock, milliseconds */

static long long smtp_chat_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* smtp_chat_getc - one byte before the deadline (0: none), or VSTREAM_EOF */

static int smtp_chat_getc(SMTP_SESSION *session, long long deadline)
{
    /* Each read may take only what is left of the time for the whole reply. */
    if (deadline > 0 && vstream_peek(session->stream) == 0) {
        long long left = deadline - smtp_chat_now_ms();

        if (left <= 0) {
            session->reply_late = true;
            return VSTREAM_EOF;
        }
        vstream_set_timeout_ms(session->stream, left > INT_MAX ? INT_MAX : (int)left);
    }
    return vstream_getc(session->stream);
}

/* smtp_chat_line - read one reply line without its terminator */

static int smtp_chat_line(SMTP_SESSION *session, VSTRING *line, long long deadline)
{
    int ch;

    VSTRING_RESET(line);
    /* Keep the start of an overlong line, skip the rest; no control byte but tab and CR. */
    while ((ch = smtp_chat_getc(session, deadline)) != VSTREAM_EOF && ch != '\n')
        if (VSTRING_LEN(line) < SMTP_LINE_MAX)
            vstring_addch(line, (ch < ' ' && ch != '\t' && ch != '\r') || ch == 0x7f ? '?' : ch);
    if (ch == VSTREAM_EOF)
        return -1;
    while (VSTRING_LEN(line) > 0 && vstring_str(line)[VSTRING_LEN(line) - 1] == '\r')
        vstring_truncate(line, VSTRING_LEN(line) - 1);
    for (char *cp = vstring_str(line); (cp = strchr(cp, '\r')) != NULL; cp++)
        *cp = '?';
    return 0;
}

/* smtp_chat_quit_end - flush a buffered QUIT, perhaps read its reply */

void smtp_chat_quit_end(SMTP_SESSION *session, bool wait)
{
    SMTP_CONFIG *config = session->state->config;

    vstream_set_timeout(session->stream, config->quit_timeout);
    if (vstream_fflush(session->stream) == 0 && wait && !config->skip_quit_response) {
        VSTRING *line = vstring_alloc(100);
        long long deadline = config->quit_timeout > 0
                                 ? smtp_chat_now_ms() + (long long)config->quit_timeout * 1000
                                 : 0;

        (void)smtp_chat_line(session, line, deadline);
        vstring_free(line);
    }
}

/* smtp_chat_resp - read one reply */

int smtp_chat_resp(SMTP_SESSION *session, int timeout)
{
    SMTP_RESP *resp = &session->resp;
    VSTRING *line = vstring_alloc(100);
    int code = 0, last = 0, status = SMTP_OK;
    long long deadline;

    vstream_set_timeout(session->stream, timeout);
    if (smtp_chat_flush(session) != SMTP_OK) {
        vstring_free(line);
        return SMTP_FAIL;
    }
    VSTRING_RESET(resp->text);
    argv_truncate(resp->lines, 0);
    resp->code = 0;
    deadline = timeout > 0 ? smtp_chat_now_ms() + (long long)timeout * 1000 : 0;
    for (int count = 0; !last; count++) {
        if (smtp_chat_line(session, line, deadline) < 0) {
            smtp_session_lost(session);
            status = SMTP_FAIL;
            break;
        }
        if (msg_verbose)
            msg_info("< %s: %s", session->namaddr, vstring_str(line));
        code = smtp_chat_code(vstring_str(line), &last);
        if (count == 0) {
            resp->code = code;
            smtp_chat_parse_dsn(resp, vstring_str(line));
        } else if (code != resp->code) {
            resp->code = 0; /* inconsistent codes: a malformed reply */
        }
        if (code == 0)
            last = 1;
        if (VSTRING_LEN(resp->text) + VSTRING_LEN(line) < SMTP_RESP_MAX && count < SMTP_LINES_MAX) {
            if (VSTRING_LEN(resp->text))
                vstring_addch(resp->text, ' ');
            vstring_strcat(resp->text, vstring_str(line));
            argv_add(resp->lines, vstring_str(line));
        }
    }
    if (status == SMTP_OK && resp->code == 0)
        snprintf(resp->dsn, sizeof(resp->dsn), "4.5.0");
    vstream_set_timeout(session->stream, timeout); /* not what was left of the deadline */
    vstring_free(line);
    return status;
}
