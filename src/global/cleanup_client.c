/*++
 * NAME
 *	cleanup_client - hand a new message to the cleanup service
 * SYNOPSIS
 *	#include <cleanup_client.h>
 *
 *	CLEANUP_CLIENT *cleanup_open(const char *endpoint, int flags,
 *				int timeout, VSTRING *why);
 *	const char *cleanup_queue_id(const CLEANUP_CLIENT *client);
 *	int	cleanup_sender(CLEANUP_CLIENT *client, const char *sender,
 *				const char *dsn_envid, int dsn_ret);
 *	int	cleanup_rcpt(CLEANUP_CLIENT *client, const char *rcpt,
 *				const char *orig_rcpt, const char *dsn_orcpt,
 *				int dsn_notify);
 *	int	cleanup_attr(CLEANUP_CLIENT *client, const char *name,
 *				const char *value);
 *	int	cleanup_content_line(CLEANUP_CLIENT *client, const char *data,
 *				size_t len, int partial);
 *	int	cleanup_finish(CLEANUP_CLIENT *client, VSTRING *reason);
 *	void	cleanup_abort(CLEANUP_CLIENT *client);
 *	void	cleanup_close(CLEANUP_CLIENT *client);
 *	const char *cleanup_strerror(int status);
 * DESCRIPTION
 *	This module is the client side of the cleanup protocol described in
 *	cleanup_client.h. It is used by smtpd (one session per message) and
 *	by pickup.
 *
 *	cleanup_open() connects to endpoint: a socket path relative to the
 *	current directory (daemons run in queue_directory, so the usual
 *	value is "public/cleanup"), an absolute path, or "unix:path". It
 *	checks the server's greeting, sends flags (CLEANUP_FLAG_*) and waits
 *	until cleanup has created the queue file, whose queue ID
 *	cleanup_queue_id() then returns. timeout (seconds, 0: none) bounds
 *	the connect and every later read or write. On failure it returns
 *	NULL with a reason in why (the SMTP server answers 451 4.3.0).
 *
 *	The envelope comes next. cleanup_sender() sends the sender (exactly
 *	once; "" is the null sender), with the DSN ENVID (xtext, or NULL)
 *	and RET (CLEANUP_DSN_RET_*). cleanup_rcpt() sends one recipient,
 *	with the original recipient (or NULL), the DSN ORCPT ("type;xtext",
 *	or NULL) and the DSN NOTIFY mask (REC_NOTIFY_* of rec_type.h, 0 when
 *	the client gave none). cleanup_attr() sends one fact about the
 *	receiving session (REC_ATTR_* names of rec_type.h); it may come
 *	before or after the sender, but not after the content has started.
 *
 *	cleanup_content_line() sends one content line without its line
 *	terminator. With partial != 0 the line continues in the next call
 *	(for long lines that the caller reads in pieces). The first call
 *	ends the envelope. Header and body are content alike; the first
 *	empty line separates them.
 *
 *	These functions return 0, or -1 once the connection has failed.
 *	The failure is sticky: the caller may go on sending (and discard
 *	the data), and cleanup_finish() reports it.
 *
 *	cleanup_finish() ends the content and the message and waits for the
 *	verdict. It returns CLEANUP_STAT_OK only when the queue file has
 *	been fsynced and renamed into incoming; otherwise one or more
 *	CLEANUP_STAT_* bits, with a reason for people in reason (which may
 *	be NULL). A broken connection is CLEANUP_STAT_BAD.
 *
 *	cleanup_abort() gives up on the message: it closes the connection,
 *	and cleanup removes its temporary file. The handle must still be
 *	released with cleanup_close(), which also aborts a message that was
 *	never finished.
 *
 *	cleanup_strerror() returns a short text for a status: the most
 *	severe bit wins.
 * DIAGNOSTICS
 *	Panic: calls out of order (a sender twice, an attribute, sender or
 *	recipient after the content started, anything after finish).
 *	Warnings: connection failures, naming the endpoint.
 * SEE ALSO
 *	cleanup(8), attr(3), record(3), README_FILES/QUEUE_README
 *--*/

/* System library. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"
#include "mymalloc.h"
#include "sockets.h"
#include "vstream.h"
#include "vstring.h"

/* Global library. */
#include "cleanup_client.h"
#include "rec_type.h"
#include "record.h"

/* Where the session is. */
enum cleanup_client_state {
    CLEANUP_CLIENT_ENVELOPE, /* attributes, sender, recipients */
    CLEANUP_CLIENT_CONTENT,  /* content lines */
    CLEANUP_CLIENT_DONE,     /* finished or aborted */
};

struct CLEANUP_CLIENT {
    char *endpoint;                  /* for warnings, owned */
    VSTREAM *stream;                 /* the connection, owned, or NULL */
    VSTRING *queue_id;               /* from the server, owned */
    enum cleanup_client_state state; /* what may come next */
    bool have_sender;                /* cleanup_sender() was called */
    bool failed;                     /* a write failed: sticky */
};

/* cleanup_client_connect - connect and check the greeting */

static VSTREAM *cleanup_client_connect(const char *endpoint, int timeout, VSTRING *why)
{
    const char *path = strncmp(endpoint, "unix:", 5) == 0 ? endpoint + 5 : endpoint;
    ATTR_OPTS opts = {.peer = endpoint};
    VSTREAM *stream;
    int fd;

    if ((fd = unix_connect(path, timeout > 0 ? timeout * 1000 : -1, why)) < 0)
        return NULL;
    stream = vstream_fdopen(fd, VSTREAM_FLAG_RW);
    vstream_set_io(stream, NULL, sock_write_nosignal, NULL);
    vstream_set_timeout(stream, timeout);
    if (attr_hello_expect(stream, CLEANUP_PROTOCOL, CLEANUP_PROTOCOL_VERSION, &opts) < 0) {
        vstring_sprintf(why, "%s: no valid cleanup greeting", endpoint);
        vstream_close(stream);
        return NULL;
    }
    return stream;
}

/* cleanup_open - start a new message */

CLEANUP_CLIENT *cleanup_open(const char *endpoint, int flags, int timeout, VSTRING *why)
{
    ATTR_OPTS opts = {.peer = endpoint, .value_max = 4096};
    VSTRING *queue_id = vstring_alloc(32);
    VSTRING *reason = vstring_alloc(100);
    CLEANUP_CLIENT *client;
    VSTREAM *stream;
    int status;

    if ((flags & ~CLEANUP_FLAG_MASK) != 0)
        msg_panic("%s: bad flags 0x%x", __func__, flags);
    if ((stream = cleanup_client_connect(endpoint, timeout, why)) == NULL) {
        vstring_free(queue_id);
        vstring_free(reason);
        return NULL;
    }
    if (attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_INT(CLEANUP_ATTR_FLAGS, flags),
                   ATTR_TYPE_END) != 0 ||
        attr_scan_opts(stream, ATTR_FLAG_STRICT, &opts, RECV_ATTR_INT(CLEANUP_ATTR_STATUS, &status),
                       RECV_ATTR_STR(CLEANUP_ATTR_QUEUE_ID, queue_id),
                       RECV_ATTR_STR(CLEANUP_ATTR_REASON, reason), ATTR_TYPE_END) != 3) {
        vstring_sprintf(why, "%s: lost connection to the cleanup service", endpoint);
        status = -1;
    } else if (status != CLEANUP_STAT_OK) {
        vstring_sprintf(why, "%s: %s", endpoint,
                        VSTRING_LEN(reason) ? vstring_str(reason) : cleanup_strerror(status));
    } else if (VSTRING_LEN(queue_id) == 0) {
        vstring_sprintf(why, "%s: cleanup sent no queue ID", endpoint);
        status = -1;
    }
    vstring_free(reason);
    if (status != CLEANUP_STAT_OK) {
        vstream_close(stream);
        vstring_free(queue_id);
        return NULL;
    }
    client = mycalloc(1, sizeof(*client));
    client->endpoint = mystrdup(endpoint);
    client->stream = stream;
    client->queue_id = queue_id;
    client->state = CLEANUP_CLIENT_ENVELOPE;
    return client;
}

/* cleanup_queue_id - the queue ID of the message being written */

const char *cleanup_queue_id(const CLEANUP_CLIENT *client)
{
    return vstring_str(client->queue_id);
}

/* cleanup_put - send one record, remembering the first failure */

static int cleanup_put(CLEANUP_CLIENT *client, int type, const char *data, size_t len)
{
    if (client->failed)
        return -1;
    if (rec_put(client->stream, type, data, len) != type) {
        msg_warn("%s: %s: lost connection to the cleanup service: %m", cleanup_queue_id(client),
                 client->endpoint);
        client->failed = true;
        return -1;
    }
    return 0;
}

/* cleanup_put_str - send one text record */

static int cleanup_put_str(CLEANUP_CLIENT *client, int type, const char *text)
{
    return cleanup_put(client, type, text, strlen(text));
}

/* cleanup_put_attr - send one "name=value" record */

static int cleanup_put_attr(CLEANUP_CLIENT *client, const char *name, const char *value)
{
    VSTRING *buf = vstring_alloc(100);
    int ret;

    vstring_sprintf(buf, "%s=%s", name, value);
    ret = cleanup_put(client, REC_TYPE_ATTR, vstring_str(buf), VSTRING_LEN(buf));
    vstring_free(buf);
    return ret;
}

/* cleanup_check_envelope - panic on envelope calls out of order */

static void cleanup_check_envelope(const CLEANUP_CLIENT *client, const char *caller)
{
    if (client->state != CLEANUP_CLIENT_ENVELOPE)
        msg_panic("%s: %s: envelope call after the content started", caller,
                  cleanup_queue_id(client));
}

/* cleanup_sender - send the sender and the message's DSN fields */

int cleanup_sender(CLEANUP_CLIENT *client, const char *sender, const char *dsn_envid, int dsn_ret)
{
    cleanup_check_envelope(client, __func__);
    if (client->have_sender)
        msg_panic("%s: %s: sender given twice", __func__, cleanup_queue_id(client));
    client->have_sender = true;
    if (dsn_envid && *dsn_envid)
        cleanup_put_attr(client, REC_ATTR_DSN_ENVID, dsn_envid);
    if (dsn_ret == CLEANUP_DSN_RET_FULL)
        cleanup_put_attr(client, REC_ATTR_DSN_RET, "FULL");
    else if (dsn_ret == CLEANUP_DSN_RET_HDRS)
        cleanup_put_attr(client, REC_ATTR_DSN_RET, "HDRS");
    else if (dsn_ret != CLEANUP_DSN_RET_NONE)
        msg_panic("%s: bad DSN RET value %d", __func__, dsn_ret);
    return cleanup_put_str(client, REC_TYPE_FROM, sender);
}

/* cleanup_rcpt - send one recipient with its DSN fields */

int cleanup_rcpt(CLEANUP_CLIENT *client, const char *rcpt, const char *orig_rcpt,
                 const char *dsn_orcpt, int dsn_notify)
{
    char notify[16];

    cleanup_check_envelope(client, __func__);
    if ((dsn_notify & ~REC_NOTIFY_MASK) != 0)
        msg_panic("%s: bad DSN NOTIFY mask 0x%x", __func__, dsn_notify);
    if (orig_rcpt)
        cleanup_put_str(client, REC_TYPE_ORCP, orig_rcpt);
    if (dsn_orcpt && *dsn_orcpt)
        cleanup_put_str(client, REC_TYPE_DSN_ORCPT, dsn_orcpt);
    if (dsn_notify) {
        snprintf(notify, sizeof(notify), "%d", dsn_notify);
        cleanup_put_str(client, REC_TYPE_DSN_NOTIFY, notify);
    }
    return cleanup_put_str(client, REC_TYPE_RCPT, rcpt);
}

/* cleanup_attr - send one fact about the receiving session */

int cleanup_attr(CLEANUP_CLIENT *client, const char *name, const char *value)
{
    cleanup_check_envelope(client, __func__);
    return cleanup_put_attr(client, name, value);
}

/* cleanup_content_line - send one content line or line piece */

int cleanup_content_line(CLEANUP_CLIENT *client, const char *data, size_t len, int partial)
{
    if (client->state == CLEANUP_CLIENT_DONE)
        msg_panic("%s: %s: content after the end of the message", __func__,
                  cleanup_queue_id(client));
    if (client->state == CLEANUP_CLIENT_ENVELOPE) {
        cleanup_put(client, REC_TYPE_MESG, "", 0);
        client->state = CLEANUP_CLIENT_CONTENT;
    }
    return cleanup_put(client, partial ? REC_TYPE_CONT : REC_TYPE_NORM, data, len);
}

/* cleanup_finish - end the message and wait for the verdict */

int cleanup_finish(CLEANUP_CLIENT *client, VSTRING *reason)
{
    ATTR_OPTS opts = {.peer = client->endpoint, .value_max = 4096};
    VSTRING *text = vstring_alloc(100);
    int status = CLEANUP_STAT_BAD;

    if (client->state == CLEANUP_CLIENT_DONE)
        msg_panic("%s: %s: message already finished", __func__, cleanup_queue_id(client));
    if (client->state == CLEANUP_CLIENT_ENVELOPE)
        cleanup_put(client, REC_TYPE_MESG, "", 0);
    client->state = CLEANUP_CLIENT_DONE;
    cleanup_put(client, REC_TYPE_XTRA, "", 0);
    cleanup_put(client, REC_TYPE_END, "", 0);
    if (!client->failed && vstream_fflush(client->stream) != 0) {
        msg_warn("%s: %s: lost connection to the cleanup service: %m", cleanup_queue_id(client),
                 client->endpoint);
        client->failed = true;
    }
    if (client->failed) {
        vstring_strcpy(text, "lost connection to the cleanup service");
    } else if (attr_scan_opts(client->stream, ATTR_FLAG_STRICT, &opts,
                              RECV_ATTR_INT(CLEANUP_ATTR_STATUS, &status),
                              RECV_ATTR_STR(CLEANUP_ATTR_REASON, text), ATTR_TYPE_END) != 2) {
        msg_warn("%s: %s: no reply from the cleanup service", cleanup_queue_id(client),
                 client->endpoint);
        vstring_strcpy(text, "no reply from the cleanup service");
        status = CLEANUP_STAT_BAD;
    } else if ((status & ~CLEANUP_STAT_MASK) != 0) {
        msg_warn("%s: %s: bad status %d", cleanup_queue_id(client), client->endpoint, status);
        status = CLEANUP_STAT_BAD;
    }
    if (status != CLEANUP_STAT_OK && VSTRING_LEN(text) == 0)
        vstring_strcpy(text, cleanup_strerror(status));
    if (reason)
        vstring_strcpy(reason, vstring_str(text));
    vstring_free(text);
    return status;
}

/* cleanup_abort - give up on the message */

void cleanup_abort(CLEANUP_CLIENT *client)
{
    client->state = CLEANUP_CLIENT_DONE;
    if (client->stream) {
        vstream_purge(client->stream, VSTREAM_PURGE_BOTH);
        vstream_close(client->stream);
        client->stream = NULL;
    }
    client->failed = true;
}

/* cleanup_close - release the session */

void cleanup_close(CLEANUP_CLIENT *client)
{
    cleanup_abort(client);
    vstring_free(client->queue_id);
    myfree(client->endpoint);
    myfree(client);
}

/* cleanup_strerror - text for a status */

const char *cleanup_strerror(int status)
{
    static const struct {
        int bit;          /* CLEANUP_STAT_* */
        const char *text; /* for people */
    } table[] = {
        {CLEANUP_STAT_BAD, "internal protocol error"},
        {CLEANUP_STAT_WRITE, "error writing message file"},
        {CLEANUP_STAT_SIZE, "message file too big"},
        {CLEANUP_STAT_CONT, "message content rejected"},
        {CLEANUP_STAT_RCPT, "no recipients specified"},
        {CLEANUP_STAT_DEFER, "message content deferred"},
    };

    if (status == CLEANUP_STAT_OK)
        return "success";
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (status & table[i].bit)
            return table[i].text;
    return "unknown cleanup status";
}
