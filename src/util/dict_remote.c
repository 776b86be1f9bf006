/*++
 * NAME
 *	dict_remote - one request, one reply, to a table server
 * SYNOPSIS
 *	#include <dict.h>
 *	#include <dict_remote.h>
 *
 *	DICT_REMOTE *dict_remote_alloc(const char *endpoint, size_t max_reply);
 *	int	dict_remote_request(DICT_REMOTE *remote, const char *request,
 *			size_t len, DICT_REMOTE_PARSE_FN parse, void *context,
 *			VSTRING *why);
 *	const char *dict_remote_reply(const DICT_REMOTE *remote,
 *			size_t *out_len);
 *	void	dict_remote_free(DICT_REMOTE *remote);
 *	void	dict_remote_limit(DICT_REMOTE *remote, int timeout_ms);
 *
 *	void	dict_remote_set_timeout(int seconds);
 * DESCRIPTION
 *	The socketmap: and tcp: tables ask a server over a stream socket:
 *	the client sends one request and reads one reply, and the connection
 *	stays open for the next lookup. This module owns that connection.
 *
 *	dict_remote_alloc() names the server: "inet:host:port" (also
 *	"host:port") or "unix:/path". It connects nothing yet. Replies
 *	longer than max_reply bytes are refused.
 *
 *	dict_remote_request() sends len bytes of request and reads until
 *	parse() finds a complete reply, all within the time limit (connect,
 *	write and read together, so that a server that trickles bytes cannot
 *	stretch it). A connection that has been idle for 10 seconds or more
 *	is closed first, since servers drop idle clients; a reused connection
 *	that the server closed before replying is replaced by a new one and
 *	the request is sent once more. It returns DICT_REMOTE_OK,
 *	DICT_REMOTE_TIMEOUT, or DICT_REMOTE_FAILED (refused connection,
 *	I/O error, end of input before a complete reply, a reply that
 *	parse() rejects or that is too long), with a reason in why that
 *	names the server. After any failure, and after a reply followed by
 *	more bytes than it takes up, the connection is closed: the next
 *	request starts afresh.
 *
 *	dict_remote_reply() returns the reply buffer (the complete reply at
 *	its start; not null-terminated past *out_len) until the next
 *	request.
 *
 *	dict_remote_set_timeout() sets the time limit of every request in
 *	the process (default 100 seconds, Postfix's fixed limit).
 *	dict_remote_limit() gives one server its own limit instead (a table
 *	type with a timeout setting of its own); 0 restores the default.
 * DIAGNOSTICS
 *	Every failure is returned; nothing is fatal. SIGPIPE is never
 *	raised by a server that went away.
 *--*/

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "dict.h"
#include "dict_remote.h"
#include "msg.h"
#include "mymalloc.h"
#include "sockets.h"
#include "timed_io.h"
#include "vstring.h"

#define DICT_REMOTE_IDLE_MS  (10 * 1000) /* close a connection idle this long */
#define DICT_REMOTE_READ_MAX 4096        /* bytes per read */

struct DICT_REMOTE {
    char *endpoint;    /* "inet:host:port" or "unix:/path"; owned */
    size_t max_reply;  /* longest acceptable reply */
    int fd;            /* connection, or -1 */
    int64_t last_used; /* monotonic_ms() at the end of the last request */
    int timeout_ms;    /* this server's limit, or 0 for the process default */
    VSTRING *reply;    /* bytes received for the current request; owned */
};

/* The time limit of one request, one setting per process. */
static int dict_remote_timeout_ms = 100 * 1000;

/* dict_remote_set_timeout - time limit of each request */

void dict_remote_set_timeout(int seconds)
{
    dict_remote_timeout_ms = seconds > 0 ? seconds * 1000 : 100 * 1000;
}

/* dict_remote_alloc - a server to ask */

DICT_REMOTE *dict_remote_alloc(const char *endpoint, size_t max_reply)
{
    DICT_REMOTE *remote = mymalloc(sizeof(*remote));

    remote->endpoint = mystrdup(endpoint);
    remote->max_reply = max_reply;
    remote->fd = -1;
    remote->last_used = 0;
    remote->timeout_ms = 0;
    remote->reply = vstring_alloc(100);
    return remote;
}

/* dict_remote_disconnect - close the connection, if any */

static void dict_remote_disconnect(DICT_REMOTE *remote)
{
    if (remote->fd >= 0) {
        (void)close(remote->fd);
        remote->fd = -1;
    }
}

/* dict_remote_connect - a new connection within the time left */

static int dict_remote_connect(DICT_REMOTE *remote, int timeout_ms, VSTRING *why)
{
    const char *endpoint = remote->endpoint;

    if (strncmp(endpoint, "unix:", 5) == 0)
        remote->fd = unix_connect(endpoint + 5, timeout_ms, why);
    else
        remote->fd = inet_connect(strncmp(endpoint, "inet:", 5) == 0 ? endpoint + 5 : endpoint,
                                  timeout_ms, why);
    return remote->fd < 0 ? DICT_REMOTE_FAILED : DICT_REMOTE_OK;
}

/* dict_remote_left - milliseconds left before the deadline, at least 0 */

static int dict_remote_left(int64_t deadline)
{
    int64_t left = deadline - monotonic_ms();

    return left > 0 ? (int)left : 0;
}

/* dict_remote_send - write the whole request before the deadline */

static int dict_remote_send(DICT_REMOTE *remote, const char *request, size_t len, int64_t deadline)
{
    while (len > 0) {
        ssize_t n = sock_write_nosignal(remote->fd, request, len, dict_remote_left(deadline), NULL);

        if (n <= 0)
            return monotonic_ms() >= deadline ? DICT_REMOTE_TIMEOUT : DICT_REMOTE_FAILED;
        request += n;
        len -= (size_t)n;
    }
    return DICT_REMOTE_OK;
}

/* dict_remote_receive - read until the parser has a complete reply */

static int dict_remote_receive(DICT_REMOTE *remote, DICT_REMOTE_PARSE_FN parse, void *context,
                               int64_t deadline, VSTRING *why)
{
    char chunk[DICT_REMOTE_READ_MAX];
    long used;

    VSTRING_RESET(remote->reply);
    for (;;) {
        ssize_t n;

        used = parse(vstring_str(remote->reply), VSTRING_LEN(remote->reply), context, why);
        if (used == DICT_REMOTE_BAD)
            return DICT_REMOTE_FAILED;
        if (used > 0)
            break;
        if (VSTRING_LEN(remote->reply) > remote->max_reply) {
            vstring_sprintf(why, "reply is longer than %zu bytes", remote->max_reply);
            return DICT_REMOTE_FAILED;
        }
        n = timed_read(remote->fd, chunk, sizeof(chunk), dict_remote_left(deadline), NULL);
        if (n < 0 && monotonic_ms() >= deadline) {
            vstring_strcpy(why, "timed out waiting for the reply");
            return DICT_REMOTE_TIMEOUT;
        }
        if (n < 0) {
            vstring_sprintf(why, "read: %m");
            return DICT_REMOTE_FAILED;
        }
        if (n == 0) {
            vstring_strcpy(why, VSTRING_LEN(remote->reply) ? "connection closed in the reply"
                                                           : "connection closed without a reply");
            return DICT_REMOTE_FAILED;
        }
        vstring_memcat(remote->reply, chunk, (size_t)n);
    }
    if ((size_t)used != VSTRING_LEN(remote->reply))
        dict_remote_disconnect(remote); /* more than one reply: do not trust what follows */
    return DICT_REMOTE_OK;
}

/* dict_remote_try - one attempt over the current or a new connection */

static int dict_remote_try(DICT_REMOTE *remote, const char *request, size_t len,
                           DICT_REMOTE_PARSE_FN parse, void *context, int64_t deadline,
                           VSTRING *why)
{
    int status;

    if (remote->fd < 0 &&
        (status = dict_remote_connect(remote, dict_remote_left(deadline), why)) != DICT_REMOTE_OK)
        return monotonic_ms() >= deadline ? DICT_REMOTE_TIMEOUT : status;
    if ((status = dict_remote_send(remote, request, len, deadline)) != DICT_REMOTE_OK) {
        vstring_sprintf(why, status == DICT_REMOTE_TIMEOUT ? "timed out sending the request"
                                                           : "write: %m");
        return status;
    }
    return dict_remote_receive(remote, parse, context, deadline, why);
}

/* dict_remote_request - send one request, read one reply */

int dict_remote_request(DICT_REMOTE *remote, const char *request, size_t len,
                        DICT_REMOTE_PARSE_FN parse, void *context, VSTRING *why)
{
    int64_t deadline =
        monotonic_ms() + (remote->timeout_ms > 0 ? remote->timeout_ms : dict_remote_timeout_ms);
    bool reused;
    int status;

    if (remote->fd >= 0 && monotonic_ms() - remote->last_used >= DICT_REMOTE_IDLE_MS)
        dict_remote_disconnect(remote);
    reused = remote->fd >= 0;
    status = dict_remote_try(remote, request, len, parse, context, deadline, why);
    if (status == DICT_REMOTE_FAILED && reused && VSTRING_LEN(remote->reply) == 0) {
        /* The server may have dropped the idle connection: once more, afresh. */
        dict_remote_disconnect(remote);
        status = dict_remote_try(remote, request, len, parse, context, deadline, why);
    }
    if (status != DICT_REMOTE_OK) {
        char *text = mystrdup(vstring_str(why));

        dict_remote_disconnect(remote);
        vstring_sprintf(why, "%s: %s", remote->endpoint, text);
        myfree(text);
    }
    remote->last_used = monotonic_ms();
    return status;
}

/* dict_remote_reply - the reply buffer of the last request */

const char *dict_remote_reply(const DICT_REMOTE *remote, size_t *out_len)
{
    *out_len = VSTRING_LEN(remote->reply);
    return vstring_str(remote->reply);
}

/* dict_remote_limit - this server's own time limit */

void dict_remote_limit(DICT_REMOTE *remote, int timeout_ms)
{
    remote->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
}

/* dict_remote_free - close and release */

void dict_remote_free(DICT_REMOTE *remote)
{
    dict_remote_disconnect(remote);
    myfree(remote->endpoint);
    vstring_free(remote->reply);
    myfree(remote);
}
