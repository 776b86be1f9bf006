/*++
 * NAME
 *	sasl_dovecot_server - the Dovecot SASL server back end
 * SYNOPSIS
 *	#include <sasl_server.h>
 *
 *	SASL_SERVER_IMPL *sasl_dovecot_server_init(const SASL_SERVER_SETTINGS *settings);
 * DESCRIPTION
 *	This back end (smtpd_sasl_type = dovecot) lets Dovecot's auth
 *	service check the credentials: it speaks Dovecot's authentication
 *	protocol (dovecot_auth_proto(3)) over one connection per process,
 *	which the sessions of the process use in turn.
 *
 *	settings->path (smtpd_sasl_path) is "inet:host:port" for TCP, or the
 *	path of a UNIX-domain socket ("unix:" in front is allowed). A
 *	relative path is relative to the queue directory: the working
 *	directory of a daemon, also when it runs chrooted there; a process
 *	that runs elsewhere connects below settings->queue_directory.
 *	settings->timeout bounds each exchange with the server (connect
 *	and handshake; one request and its reply) as a whole, in seconds.
 *
 *	sasl_dovecot_server_init() checks the settings and does no I/O; the
 *	connection is made when a session first needs it (the mechanism list
 *	for EHLO, or AUTH). A connection that the server has closed in the
 *	meantime is replaced once, transparently.
 *
 *	The per-session object (see sasl_server(3) for the methods):
 *	mechanisms() lists the mechanisms that the server announced and the
 *	session's security options allow (sasl_secopts(3): noplaintext
 *	drops the mechanisms that Dovecot flags "plaintext", noanonymous
 *	the "anonymous" ones, and so on). When the server cannot be reached,
 *	the list of the last handshake in this process stands in, so that
 *	AUTH can report the temporary failure; before any handshake the
 *	list is empty. first() sends AUTH with service=, the session's
 *	addresses and ports (lip=, rip=, lport=, rport=), "secured" when TLS
 *	is active, and the initial response; next() sends CONT. The replies
 *	map to SASL_STATUS_OK (OK, with user=), SASL_STATUS_MORE (CONT, the
 *	challenge in reply), SASL_STATUS_FAIL (FAIL) and SASL_STATUS_TEMP
 *	(FAIL with temp); reply then holds Dovecot's reason=, or nothing.
 *	Client data that is not base64 is SASL_STATUS_ABORT and never
 *	reaches the server.
 * DIAGNOSTICS
 *	A server that cannot be reached, does not answer in time, closes
 *	the connection, or breaks the protocol (a malformed, oversized or
 *	unexpected line) makes SASL_STATUS_TEMP and a warning that names
 *	smtpd_sasl_path; the connection is then closed. Never fatal.
 *	sasl_dovecot_server_init() returns NULL after a warning for an
 *	unusable path. Panic: next() without an exchange in progress.
 * SEE ALSO
 *	sasl_server(3), dovecot_auth_proto(3), sasl_secopts(3)
 *--*/

/* System library. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "sockets.h"
#include "timed_io.h"
#include "vstream.h"
#include "vstring.h"

/* SASL library. */
#include "dovecot_auth_proto.h"
#include "sasl_secopts.h"
#include "sasl_server.h"

/* Outcomes of the I/O helpers. */
#define DOVECOT_IO_OK     0  /* done */
#define DOVECOT_IO_CLOSED -1 /* the server closed the connection (or reset it) */
#define DOVECOT_IO_FAILED -2 /* timeout, other error, protocol violation */

/* Replies to abandoned requests skipped while waiting for the current one. */
#define DOVECOT_STALE_MAX 16

/* The per-process back end: one connection, shared by the sessions in turn. */
typedef struct DOVECOT_IMPL {
    SASL_SERVER_IMPL impl;     /* the interface; first member */
    char *path;                /* smtpd_sasl_path, owned */
    char *socket_path;         /* UNIX socket: as given, without "unix:", owned */
    char *queue_directory;     /* queue_directory, owned, or NULL */
    char *queue_socket_path;   /* a relative socket_path below it, or NULL; owned */
    const char *inet_endpoint; /* TCP: host:port within path, or NULL */
    int timeout_ms;            /* one exchange */
    VSTREAM *stream;           /* the connection (reading side), or NULL */
    unsigned generation;       /* counts connections, to spot a replaced one */
    unsigned last_id;          /* last request id on this connection */
    DOVECOT_AUTH_HANDSHAKE hs; /* the last completed handshake */
    bool have_hs;              /* hs is from a completed handshake */
    VSTRING *line;             /* the server's line being read */
    VSTRING *request;          /* our line being sent (holds credentials) */
    VSTRING *why;              /* reason of the last problem */
    DOVECOT_AUTH_REPLY *reply; /* the last reply */
} DOVECOT_IMPL;

/* One session. */
typedef struct DOVECOT_SERVER {
    SASL_SERVER server;        /* the interface; first member */
    DOVECOT_IMPL *impl;        /* the back end, not owned */
    DOVECOT_AUTH_REQUEST args; /* service and addresses; the strings are owned */
    int secopts;               /* SASL_SECOPT_* mask */
    VSTRING *mech_list;        /* what mechanisms() returned */
    unsigned id;               /* request id in progress, 0 for none */
    unsigned generation;       /* the connection that id belongs to */
    char *username;            /* after OK, owned, else NULL */
} DOVECOT_SERVER;

/* dovecot_disconnect - forget the connection */

static void dovecot_disconnect(DOVECOT_IMPL *impl)
{
    if (impl->stream != NULL) {
        vstream_close(impl->stream);
        impl->stream = NULL;
    }
}

/* dovecot_warn - a problem with the server: log it, close the connection */

static void dovecot_warn(DOVECOT_IMPL *impl, const char *what)
{
    msg_warn("SASL: Dovecot auth server %s: %s: %s", impl->path, what, vstring_str(impl->why));
    dovecot_disconnect(impl);
}

/* dovecot_left - milliseconds to a deadline, at least 0 */

static int dovecot_left(int64_t deadline)
{
    int64_t left = deadline - monotonic_ms();

    return left > 0 ? (int)left : 0;
}

/* dovecot_write - send a whole buffer before the deadline */

static int dovecot_write(DOVECOT_IMPL *impl, const char *buf, size_t len, int64_t deadline)
{
    int fd = vstream_fileno(impl->stream);

    while (len > 0) {
        int left = dovecot_left(deadline);
        ssize_t n;

        if (left == 0) {
            vstring_strcpy(impl->why, "timeout while sending");
            return DOVECOT_IO_FAILED;
        }
        if ((n = sock_write_nosignal(fd, buf, len, left, NULL)) <= 0) {
            int err = n < 0 ? errno : EPIPE;

            vstring_sprintf(impl->why, "send: %s", strerror(err));
            return err == EPIPE || err == ECONNRESET ? DOVECOT_IO_CLOSED : DOVECOT_IO_FAILED;
        }
        buf += n;
        len -= (size_t)n;
    }
    return DOVECOT_IO_OK;
}

/* dovecot_read_line - one line of the server into impl->line, without LF */

static int dovecot_read_line(DOVECOT_IMPL *impl, int64_t deadline)
{
    int left = dovecot_left(deadline);
    int ch;

    if (left == 0) {
        vstring_strcpy(impl->why, "timeout while waiting for the server");
        return DOVECOT_IO_FAILED;
    }
    vstream_set_timeout_ms(impl->stream, left);
    errno = 0;
    ch = vstream_gets(impl->stream, impl->line, DOVECOT_AUTH_LINE_MAX);
    if (ch == '\n') {
        vstring_truncate(impl->line, VSTRING_LEN(impl->line) - 1);
        return DOVECOT_IO_OK;
    }
    if (vstream_ftimeout(impl->stream)) {
        vstring_strcpy(impl->why, "timeout while waiting for the server");
        return DOVECOT_IO_FAILED;
    }
    if (ch != VSTREAM_EOF && VSTRING_LEN(impl->line) >= DOVECOT_AUTH_LINE_MAX) {
        vstring_sprintf(impl->why, "line longer than %d bytes", DOVECOT_AUTH_LINE_MAX - 1);
        return DOVECOT_IO_FAILED;
    }
    if (vstream_ferror(impl->stream) && errno != ECONNRESET) {
        vstring_sprintf(impl->why, "receive: %m");
        return DOVECOT_IO_FAILED;
    }
    if (ch != VSTREAM_EOF) {
        vstring_strcpy(impl->why, "connection closed in the middle of a line");
        return DOVECOT_IO_FAILED;
    }
    vstring_strcpy(impl->why, "connection closed by the server");
    return DOVECOT_IO_CLOSED;
}

/* dovecot_open - connect to the server */

static int dovecot_open(DOVECOT_IMPL *impl)
{
    struct stat here, base;
    const char *path = impl->socket_path;

    if (impl->inet_endpoint != NULL)
        return inet_connect(impl->inet_endpoint, impl->timeout_ms, impl->why);

    /*
     * A relative path names a socket in the queue directory. A daemon
     * works there (also chrooted, where the directory's own name is
     * gone); a process that works elsewhere goes there by name.
     */
    if (impl->queue_socket_path != NULL && stat(".", &here) == 0 &&
        stat(impl->queue_directory, &base) == 0 &&
        (here.st_dev != base.st_dev || here.st_ino != base.st_ino))
        path = impl->queue_socket_path;
    return unix_connect(path, impl->timeout_ms, impl->why);
}

/* dovecot_connect - connect and take the server's handshake */

static int dovecot_connect(DOVECOT_IMPL *impl)
{
    int64_t deadline = monotonic_ms() + impl->timeout_ms;
    DOVECOT_AUTH_HANDSHAKE hs;
    int fd, status;

    if ((fd = dovecot_open(impl)) < 0) {
        msg_warn("SASL: connect to Dovecot auth server %s failed: %s", impl->path,
                 vstring_str(impl->why));
        return -1;
    }
    impl->stream = vstream_fdopen(fd, VSTREAM_FLAG_READ);
    impl->generation++;
    impl->last_id = 0;
    dovecot_auth_format_hello(impl->request, (long)getpid());
    if (dovecot_write(impl, vstring_str(impl->request), VSTRING_LEN(impl->request), deadline) !=
        DOVECOT_IO_OK) {
        dovecot_warn(impl, "handshake");
        return -1;
    }
    dovecot_auth_handshake_init(&hs);
    do {
        if (dovecot_read_line(impl, deadline) != DOVECOT_IO_OK) {
            dovecot_warn(impl, "handshake");
            return -1;
        }
        status = dovecot_auth_handshake_line(&hs, vstring_str(impl->line), VSTRING_LEN(impl->line),
                                             impl->why);
        if (status == DOVECOT_AUTH_HS_ERROR) {
            dovecot_warn(impl, "handshake");
            return -1;
        }
    } while (status != DOVECOT_AUTH_HS_DONE);
    impl->hs = hs;
    impl->have_hs = true;
    if (msg_verbose)
        msg_info("%s: connected to %s, protocol %u.%u, %zu mechanisms", __func__, impl->path,
                 hs.major, hs.minor, hs.mech_count);
    return 0;
}

/* dovecot_idle_ok - is a kept connection still usable? */

static bool dovecot_idle_ok(DOVECOT_IMPL *impl)
{
    /* Between exchanges the server has nothing to say: input means it closed or broke. */
    return vstream_peek(impl->stream) == 0 && poll_fd(vstream_fileno(impl->stream), POLLIN, 0) == 0;
}

/* dovecot_ready - a connection with a completed handshake, or -1 */

static int dovecot_ready(DOVECOT_IMPL *impl, bool *out_fresh)
{
    if (impl->stream != NULL && !dovecot_idle_ok(impl)) {
        if (msg_verbose)
            msg_info("%s: %s: connection closed by the server while idle", __func__, impl->path);
        dovecot_disconnect(impl);
    }
    *out_fresh = impl->stream == NULL;
    if (impl->stream == NULL && dovecot_connect(impl) < 0)
        return -1;
    return 0;
}

/* dovecot_exchange - send a request, read its reply */

static int dovecot_exchange(DOVECOT_IMPL *impl, unsigned id)
{
    int64_t deadline = monotonic_ms() + impl->timeout_ms;
    int status;

    status = dovecot_write(impl, vstring_str(impl->request), VSTRING_LEN(impl->request), deadline);
    for (int stale = 0; status == DOVECOT_IO_OK; stale++) {
        if ((status = dovecot_read_line(impl, deadline)) != DOVECOT_IO_OK)
            return status;
        if (dovecot_auth_reply_parse(impl->reply, vstring_str(impl->line), VSTRING_LEN(impl->line),
                                     impl->why) < 0)
            return DOVECOT_IO_FAILED;
        if (impl->reply->id == id)
            return DOVECOT_IO_OK;

        /*
         * Ids grow on a connection: a smaller one answers a request that
         * a client abandoned (a cancelled AUTH) and that the server has
         * now given up. Skip a few of those; anything else is an error.
         */
        if (impl->reply->id > id || stale >= DOVECOT_STALE_MAX) {
            vstring_sprintf(impl->why, "reply for request %u, expected %u", impl->reply->id, id);
            return DOVECOT_IO_FAILED;
        }
    }
    return status;
}

/* dovecot_wipe - forget the request line, which may hold a password */

static void dovecot_wipe(DOVECOT_IMPL *impl)
{
    explicit_bzero(vstring_str(impl->request), VSTRING_LEN(impl->request));
    VSTRING_RESET(impl->request);
}

/* dovecot_result - map the server's reply to a status */

static SASL_STATUS dovecot_result(DOVECOT_SERVER *server, VSTRING *reply)
{
    DOVECOT_AUTH_REPLY *answer = server->impl->reply;

    switch (answer->type) {
    case DOVECOT_AUTH_REPLY_OK:
        server->id = 0;
        server->username = mystrdup(vstring_str(answer->user));
        VSTRING_RESET(reply);
        return SASL_STATUS_OK;
    case DOVECOT_AUTH_REPLY_CONT:
        vstring_memcpy(reply, vstring_str(answer->data), VSTRING_LEN(answer->data));
        return SASL_STATUS_MORE;
    case DOVECOT_AUTH_REPLY_FAIL:
    default:
        server->id = 0;
        /* Dovecot's reason=, if any: an empty one logs as Postfix logs it. */
        vstring_strcpy(reply, vstring_str(answer->reason));
        return answer->temp ? SASL_STATUS_TEMP : SASL_STATUS_FAIL;
    }
}

/* dovecot_unavailable - the server could not answer */

static SASL_STATUS dovecot_unavailable(DOVECOT_SERVER *server, VSTRING *reply)
{
    server->id = 0;
    vstring_strcpy(reply, "Dovecot auth server unavailable");
    return SASL_STATUS_TEMP;
}

/* dovecot_server_first - AUTH */

static SASL_STATUS dovecot_server_first(SASL_SERVER *sp, const char *mechanism,
                                        const char *init_response, VSTRING *reply)
{
    DOVECOT_SERVER *server = (DOVECOT_SERVER *)sp;
    DOVECOT_IMPL *impl = server->impl;
    const DOVECOT_AUTH_MECH *mech;

    server->id = 0;
    if (server->username) {
        myfree(server->username);
        server->username = NULL;
    }
    if (init_response && !dovecot_auth_base64_ok(init_response, strlen(init_response))) {
        vstring_strcpy(reply, "malformed base64 in initial response");
        return SASL_STATUS_ABORT;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        bool fresh;
        int status;

        if (dovecot_ready(impl, &fresh) < 0)
            return dovecot_unavailable(server, reply);
        if ((mech = dovecot_auth_mech_find(&impl->hs, mechanism)) == NULL ||
            !dovecot_auth_mech_allowed(mech->flags, server->secopts)) {
            vstring_sprintf(reply, "unsupported authentication mechanism %.20s", mechanism);
            return SASL_STATUS_FAIL;
        }
        if (++impl->last_id == 0)
            impl->last_id = 1;
        if (dovecot_auth_format_auth(impl->request, impl->last_id, mech->name, &server->args,
                                     init_response, impl->why) < 0)
            msg_panic("%s: checked request refused: %s", __func__, vstring_str(impl->why));
        status = dovecot_exchange(impl, impl->last_id);
        dovecot_wipe(impl);
        if (status == DOVECOT_IO_CLOSED && !fresh) {
            /* The server went away while the connection was idle: once more. */
            dovecot_disconnect(impl);
            continue;
        }
        if (status != DOVECOT_IO_OK) {
            dovecot_warn(impl, "authentication request");
            return dovecot_unavailable(server, reply);
        }
        server->id = impl->last_id;
        server->generation = impl->generation;
        return dovecot_result(server, reply);
    }
    dovecot_warn(impl, "authentication request");
    return dovecot_unavailable(server, reply);
}

/* dovecot_server_next - the client's answer to a challenge */

static SASL_STATUS dovecot_server_next(SASL_SERVER *sp, const char *response, VSTRING *reply)
{
    DOVECOT_SERVER *server = (DOVECOT_SERVER *)sp;
    DOVECOT_IMPL *impl = server->impl;
    int status;

    if (server->id == 0)
        msg_panic("%s: no authentication in progress", __func__);
    if (impl->stream == NULL || server->generation != impl->generation) {
        vstring_strcpy(impl->why, "connection lost during authentication");
        msg_warn("SASL: Dovecot auth server %s: %s", impl->path, vstring_str(impl->why));
        return dovecot_unavailable(server, reply);
    }
    if (dovecot_auth_format_cont(impl->request, server->id, response, impl->why) < 0) {
        server->id = 0;
        vstring_strcpy(reply, vstring_str(impl->why));
        return SASL_STATUS_ABORT;
    }
    status = dovecot_exchange(impl, server->id);
    dovecot_wipe(impl);
    if (status != DOVECOT_IO_OK) {
        dovecot_warn(impl, "authentication request");
        return dovecot_unavailable(server, reply);
    }
    return dovecot_result(server, reply);
}

/* dovecot_server_mechanisms - what EHLO may announce */

static const char *dovecot_server_mechanisms(SASL_SERVER *sp)
{
    DOVECOT_SERVER *server = (DOVECOT_SERVER *)sp;
    bool fresh;

    /* Unreachable: the last known list, so that AUTH can tell why it fails. */
    if (dovecot_ready(server->impl, &fresh) < 0 && !server->impl->have_hs)
        VSTRING_RESET(server->mech_list);
    else
        dovecot_auth_mech_list(&server->impl->hs, server->secopts, server->mech_list);
    return vstring_str(server->mech_list);
}

/* dovecot_server_username - who logged in */

static const char *dovecot_server_username(SASL_SERVER *sp)
{
    return ((DOVECOT_SERVER *)sp)->username;
}

/* dovecot_server_free - end a session */

static void dovecot_server_free(SASL_SERVER *sp)
{
    DOVECOT_SERVER *server = (DOVECOT_SERVER *)sp;

    myfree((char *)server->args.service);
    myfree((char *)server->args.local_addr);
    myfree((char *)server->args.local_port);
    myfree((char *)server->args.remote_addr);
    myfree((char *)server->args.remote_port);
    vstring_free(server->mech_list);
    myfree(server->username);
    myfree(server);
}

/* dovecot_copy - a copy of an optional string */

static char *dovecot_copy(const char *str)
{
    return mystrdup(str ? str : "");
}

/* dovecot_server_create - start a session */

static SASL_SERVER *dovecot_server_create(SASL_SERVER_IMPL *ip, const SASL_SESSION_ARGS *args)
{
    DOVECOT_SERVER *server;
    const char *bad_word;
    int secopts = 0;

    if (args->security_options &&
        sasl_secopts_parse(args->security_options, &secopts, &bad_word) < 0) {
        msg_warn("SASL: unknown security option \"%s\" (known: %s)", bad_word,
                 sasl_secopts_names());
        return NULL;
    }
    server = mymalloc(sizeof(*server));
    server->server = (SASL_SERVER){
        .impl = ip,
        .free = dovecot_server_free,
        .mechanisms = dovecot_server_mechanisms,
        .first = dovecot_server_first,
        .next = dovecot_server_next,
        .username = dovecot_server_username,
    };
    server->impl = (DOVECOT_IMPL *)ip;
    server->args = (DOVECOT_AUTH_REQUEST){
        .service = dovecot_copy(args->service && *args->service ? args->service : "smtp"),
        .local_addr = dovecot_copy(args->server_addr),
        .local_port = dovecot_copy(args->server_port),
        .remote_addr = dovecot_copy(args->client_addr),
        .remote_port = dovecot_copy(args->client_port),
        .secured = args->tls,
    };
    server->secopts = secopts;
    server->mech_list = vstring_alloc(64);
    server->id = 0;
    server->generation = 0;
    server->username = NULL;
    return &server->server;
}

/* dovecot_done - end the back end */

static void dovecot_done(SASL_SERVER_IMPL *ip)
{
    DOVECOT_IMPL *impl = (DOVECOT_IMPL *)ip;

    dovecot_disconnect(impl);
    myfree(impl->path);
    myfree(impl->socket_path);
    myfree(impl->queue_socket_path);
    myfree(impl->queue_directory);
    vstring_free(impl->line);
    dovecot_wipe(impl);
    vstring_free(impl->request);
    vstring_free(impl->why);
    dovecot_auth_reply_free(impl->reply);
    myfree(impl);
}

/* sasl_dovecot_server_init - start the back end */

SASL_SERVER_IMPL *sasl_dovecot_server_init(const SASL_SERVER_SETTINGS *settings)
{
    const char *path = settings->path ? settings->path : "";
    const char *qdir = settings->queue_directory;
    DOVECOT_IMPL *impl;
    VSTRING *host, *port, *why;
    int ok = 1;

    if (strncmp(path, "inet:", 5) == 0) {
        host = vstring_alloc(32);
        port = vstring_alloc(8);
        why = vstring_alloc(32);
        ok = inet_endpoint_split(path + 5, host, port, why) == 0 && !vstring_empty(host) &&
             !vstring_empty(port);
        vstring_free(host);
        vstring_free(port);
        vstring_free(why);
    } else if (*(strncmp(path, "unix:", 5) == 0 ? path + 5 : path) == 0) {
        ok = 0;
    }
    if (!ok) {
        msg_warn("SASL: bad smtpd_sasl_path \"%s\" for Dovecot: need \"inet:host:port\" or a "
                 "socket path",
                 path);
        return NULL;
    }
    impl = mymalloc(sizeof(*impl));
    memset(impl, 0, sizeof(*impl));
    impl->impl = (SASL_SERVER_IMPL){
        .type = "dovecot", .create = dovecot_server_create, .done = dovecot_done};
    impl->path = mystrdup(path);
    impl->socket_path = mystrdup(strncmp(path, "unix:", 5) == 0 ? path + 5 : path);
    impl->inet_endpoint = strncmp(path, "inet:", 5) == 0 ? impl->path + 5 : NULL;
    if (impl->inet_endpoint == NULL && impl->socket_path[0] != '/' && qdir && *qdir) {
        VSTRING *full = vstring_alloc(100);

        vstring_sprintf(full, "%s/%s", qdir, impl->socket_path);
        impl->queue_socket_path = vstring_export(full);
        impl->queue_directory = mystrdup(qdir);
    }
    impl->timeout_ms = (settings->timeout > 0 ? settings->timeout : 1) * 1000;
    impl->stream = NULL;
    impl->line = vstring_alloc(256);
    impl->request = vstring_alloc(256);
    impl->why = vstring_alloc(100);
    impl->reply = dovecot_auth_reply_alloc();
    return &impl->impl;
}
