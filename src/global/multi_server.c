/*++
 * NAME
 *	multi_server - daemons that serve many clients at once
 * SYNOPSIS
 *	#include <mail_server.h>
 *
 *	void	multi_server_main(int argc, char **argv,
 *				MAIL_SERVER_STREAM_FN service,
 *				const MAIL_SERVER_PROPS *props);
 *	void	multi_server_disconnect(MAIL_SERVER *server, VSTREAM *client);
 * DESCRIPTION
 *	multi_server_main() starts the daemon (mail_server_start()) and then
 *	accepts clients on every listener, keeping each connection open.
 *	Whenever a client has input (readable, or bytes already buffered in
 *	its stream), service(server, client) is called; it handles one
 *	request and returns. After each accept the process reports busy
 *	and at once available again: master counts the use, and the process
 *	can always take one more client.
 *
 *	props->on_accept, when set, is called for each new client before
 *	its first request (a server that greets its clients does so here).
 *
 *	multi_server_disconnect() is how the service ends a client (at end
 *	of file, on an error, or after its last request): it runs
 *	props->on_close, closes the stream and forgets it. The stream must
 *	not be used afterwards.
 *
 *	max_use counts connections; when it is reached the process stops
 *	accepting and exits once its last client has gone. max_idle runs
 *	only while there is no client. When master closes the watch pipe the
 *	process exits between requests: clients of multi servers reconnect.
 *
 *	With -S standard input is the only client; the process exits when
 *	the service disconnects it.
 * DIAGNOSTICS
 *	Fatal: start-up problems (mail_server(3)). Panic: disconnecting a
 *	stream that is not a client.
 *--*/

/* System library. */
#include <errno.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "sockets.h"

/* Global library. */
#include "mail_server.h"

/* Process-wide state: one daemon per process. */
static MAIL_SERVER_STREAM_FN multi_server_service; /* the daemon's service */
static VSTREAM **multi_server_streams;             /* open clients, by descriptor */
static int multi_server_slots;                     /* size of multi_server_streams */
static int multi_server_clients;                   /* connections open now */

/* multi_server_client_cb - a client has input */

static void multi_server_client_cb(EVENT_LOOP *unused_loop, int fd, int unused_events,
                                   void *context)
{
    MAIL_SERVER *server = context;
    VSTREAM *client = multi_server_streams[fd];

    /* Serve every request that is already buffered, while the client lasts. */
    do {
        multi_server_service(server, client);
    } while (multi_server_streams[fd] == client && vstream_peek(client) > 0);
}

/* multi_server_add - start watching a new client */

static void multi_server_add(MAIL_SERVER *server, int fd)
{
    VSTREAM *client = vstream_fdopen(fd, VSTREAM_FLAG_RW);

    vstream_set_io(client, NULL, sock_write_nosignal, NULL);
    if (fd >= multi_server_slots) {
        int old = multi_server_slots;

        multi_server_slots = fd + 64;
        multi_server_streams =
            myrealloc(multi_server_streams, multi_server_slots * sizeof(*multi_server_streams));
        for (int i = old; i < multi_server_slots; i++)
            multi_server_streams[i] = NULL;
    }
    multi_server_streams[fd] = client;
    multi_server_clients++;
    mail_server_idle_stop(server);
    if (event_enable_read(server->loop, fd, multi_server_client_cb, server) < 0)
        msg_fatal("watch client descriptor %d: %m", fd);
    if (server->props->on_accept)
        server->props->on_accept(server, client);
}

/* multi_server_disconnect - the service is done with a client */

void multi_server_disconnect(MAIL_SERVER *server, VSTREAM *client)
{
    int fd = vstream_fileno(client);

    if (fd < 0 || fd >= multi_server_slots || multi_server_streams[fd] != client)
        msg_panic("%s: stream is not a client", __func__);
    if (server->props->on_close)
        server->props->on_close(server, client);
    if (!server->stand_alone)
        event_disable_readwrite(server->loop, fd);
    multi_server_streams[fd] = NULL;
    multi_server_clients--;
    (void)vstream_close(client);
    if (server->stand_alone)
        mail_server_exit(server, "stand-alone client done -- exiting");
    if (multi_server_clients == 0) {
        if (server->max_use > 0 && server->use_count >= server->max_use)
            mail_server_exit(server, "use limit reached -- exiting");
        mail_server_idle_start(server);
    }
}

/* multi_server_accept_cb - a listener is readable */

static void multi_server_accept_cb(EVENT_LOOP *loop, int listen_fd, int unused_events,
                                   void *context)
{
    MAIL_SERVER *server = context;
    int fd;

    if ((fd = sock_accept(listen_fd)) < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED)
            msg_warn("accept connection: %m");
        return;
    }
    /* Busy for a moment: master counts the use, and this process stays available. */
    mail_server_report(server, MAIL_SERVER_STAT_BUSY);
    mail_server_report(server, MAIL_SERVER_STAT_AVAIL);
    server->use_count++;
    multi_server_add(server, fd);
    if (server->max_use > 0 && server->use_count >= server->max_use)
        for (int i = 0; i < server->listen_count; i++)
            event_disable_read(loop, MAIL_SERVER_LISTEN_FD + i);
}

/* multi_server_main - the daemon's main loop */

void multi_server_main(int argc, char **argv, MAIL_SERVER_STREAM_FN service,
                       const MAIL_SERVER_PROPS *props)
{
    MAIL_SERVER *server = mail_server_start(argc, argv, props);

    multi_server_service = service;
    if (server->stand_alone) {
        VSTREAM *client = mail_server_stdin_stream();

        multi_server_slots = 1;
        multi_server_streams = mycalloc(1, sizeof(*multi_server_streams));
        multi_server_streams[0] = client;
        multi_server_clients = 1;
        if (props->on_accept)
            props->on_accept(server, client);
        for (;;)
            service(server, client);
    }
    for (int i = 0; i < server->listen_count; i++)
        if (event_enable_read(server->loop, MAIL_SERVER_LISTEN_FD + i, multi_server_accept_cb,
                              server) < 0)
            msg_fatal("watch listener descriptor %d: %m", MAIL_SERVER_LISTEN_FD + i);
    mail_server_idle_start(server);
    event_loop_run(server->loop);
    mail_server_exit(server, "event loop stopped -- exiting");
}
