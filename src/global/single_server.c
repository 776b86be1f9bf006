/*++
 * NAME
 *	single_server - daemons that serve one client at a time
 * SYNOPSIS
 *	#include <mail_server.h>
 *
 *	void	single_server_main(int argc, char **argv,
 *				MAIL_SERVER_STREAM_FN service,
 *				const MAIL_SERVER_PROPS *props);
 * DESCRIPTION
 *	single_server_main() starts the daemon (mail_server_start()) and then
 *	serves clients one by one: when a listener becomes readable it
 *	accepts the connection, tells master it is busy, calls service(server,
 *	client) with a stream that writes without SIGPIPE, closes the
 *	stream, counts the use, and tells master it is available again.
 *	Another process of the same service may win the race for a
 *	connection; that is not an error.
 *
 *	With -t pass the listener hands over client sockets instead
 *	(mail_pass(3)): the accepted connection carries the client socket
 *	and, when the sender knows them, the client and server addresses,
 *	which the service finds in server->pass_peer while it serves that
 *	client (NULL otherwise).
 *
 *	The process exits voluntarily after max_use clients, after max_idle
 *	seconds without a client, and when master closes the watch pipe
 *	(checked after every client too, so that a reload takes effect as
 *	soon as the current client is done).
 *
 *	With -S the only client is standard input and output, and the
 *	process exits when the service returns.
 * DIAGNOSTICS
 *	Fatal: start-up problems (mail_server(3)); accept() failures other
 *	than a lost race are logged as warnings.
 *--*/

/* System library. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "sockets.h"

/* Global library. */
#include "mail_pass.h"
#include "mail_server.h"

static MAIL_SERVER_STREAM_FN single_server_service; /* the daemon's service */
static MAIL_PASS_PEER single_server_peer;           /* -t pass: facts of the current client */

/* single_server_take - the next client socket, or -1 */

static int single_server_take(MAIL_SERVER *server, int listen_fd)
{
    VSTRING *why;
    bool have_peer;
    int fd;

    server->pass_peer = NULL;
    if (strcmp(server->transport, "pass") != 0) {
        if ((fd = sock_accept(listen_fd)) < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
            errno != ECONNABORTED)
            msg_warn("accept connection: %m");
        return fd;
    }
    why = vstring_alloc(100);
    if ((fd = mail_pass_accept(listen_fd, &single_server_peer, &have_peer, why)) < 0) {
        if (errno != EAGAIN)
            msg_warn("%s", vstring_str(why));
    } else if (have_peer) {
        server->pass_peer = &single_server_peer;
    }
    vstring_free(why);
    return fd;
}

/* single_server_accept_cb - a listener is readable */

static void single_server_accept_cb(EVENT_LOOP *unused_loop, int listen_fd, int unused_events,
                                    void *context)
{
    MAIL_SERVER *server = context;
    VSTREAM *client;
    int fd;

    if ((fd = single_server_take(server, listen_fd)) < 0)
        return;
    mail_server_report(server, MAIL_SERVER_STAT_BUSY);
    mail_server_idle_stop(server);
    client = vstream_fdopen(fd, VSTREAM_FLAG_RW);
    vstream_set_io(client, NULL, sock_write_nosignal, NULL);
    single_server_service(server, client);
    vstream_close(client);
    server->pass_peer = NULL;
    server->use_count++;
    if (server->max_use > 0 && server->use_count >= server->max_use)
        mail_server_exit(server, "use limit reached -- exiting");
    if (mail_server_retired(server))
        mail_server_exit(server, "master disconnect -- exiting");
    mail_server_report(server, MAIL_SERVER_STAT_AVAIL);
    mail_server_idle_start(server);
}

/* single_server_main - the daemon's main loop */

void single_server_main(int argc, char **argv, MAIL_SERVER_STREAM_FN service,
                        const MAIL_SERVER_PROPS *props)
{
    MAIL_SERVER *server = mail_server_start(argc, argv, props);

    single_server_service = service;
    if (server->stand_alone) {
        VSTREAM *client = mail_server_stdin_stream();

        service(server, client);
        vstream_close(client);
        server->use_count++;
        mail_server_exit(server, "stand-alone client done -- exiting");
    }
    for (int i = 0; i < server->listen_count; i++)
        if (event_enable_read(server->loop, MAIL_SERVER_LISTEN_FD + i, single_server_accept_cb,
                              server) < 0)
            msg_fatal("watch listener descriptor %d: %m", MAIL_SERVER_LISTEN_FD + i);
    mail_server_idle_start(server);
    event_loop_run(server->loop);
    mail_server_exit(server, "event loop stopped -- exiting");
}
