/*++
 * NAME
 *	trigger_server - daemons woken up by short requests
 * SYNOPSIS
 *	#include <mail_server.h>
 *
 *	void	trigger_server_main(int argc, char **argv,
 *				MAIL_SERVER_TRIGGER_FN service,
 *				const MAIL_SERVER_PROPS *props);
 * DESCRIPTION
 *	trigger_server_main() starts the daemon (mail_server_start()) and
 *	then waits for wake-up requests: on a fifo listener it reads what
 *	is there; on a socket listener it accepts every connection that is
 *	waiting and reads each until end of file, at most
 *	MAIL_SERVER_TRIGGER_MAX bytes and at most trigger_timeout seconds.
 *	service(server, buf, len) gets the bytes of those requests together
 *	(a burst of wake-ups costs one run, and their senders do not find
 *	the backlog full); master's periodic wake-up is the single byte "W".
 *	The daemon uses server->loop for its own timers and descriptors (a
 *	queue manager schedules its work there).
 *
 *	max_use counts requests and max_idle the time without one, unless
 *	the daemon sets MAIL_SERVER_FLAG_UNLIMITED. When master closes the
 *	watch pipe the process exits between requests.
 *
 *	With -S the request is standard input, up to end of file.
 * DIAGNOSTICS
 *	Fatal: start-up problems (mail_server(3)). Read errors are warnings.
 *--*/

/* System library. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "sockets.h"
#include "timed_io.h"

/* Global library. */
#include "mail_server.h"

static MAIL_SERVER_TRIGGER_FN trigger_server_service; /* the daemon's service */
static int trigger_server_timeout;                    /* trigger_timeout, bound at start */

/* Connections taken per readable event, so that timers still get their turn. */
#define TRIGGER_SERVER_DRAIN_MAX 256

/* trigger_server_read - read a request until end of file, the limit or the deadline */

static ssize_t trigger_server_read(int fd, char *buf, size_t size, int timeout_ms)
{
    int64_t deadline = monotonic_ms() + timeout_ms;
    size_t len = 0;

    while (len < size) {
        int left = (int)(deadline - monotonic_ms());
        ssize_t n = timed_read(fd, buf + len, size - len, left < 0 ? 0 : left, NULL);

        if (n < 0)
            return len > 0 ? (ssize_t)len : -1;
        if (n == 0)
            break;
        len += n;
    }
    return len;
}

/* trigger_server_run - one request through the service */

static void trigger_server_run(MAIL_SERVER *server, const char *buf, size_t len)
{
    mail_server_idle_stop(server);
    trigger_server_service(server, buf, len);
    server->use_count++;
    if (server->max_use > 0 && server->use_count >= server->max_use)
        mail_server_exit(server, "use limit reached -- exiting");
    if (mail_server_retired(server))
        mail_server_exit(server, "master disconnect -- exiting");
    mail_server_report(server, MAIL_SERVER_STAT_AVAIL);
    mail_server_idle_start(server);
}

/* trigger_server_drain - take every waiting connection, run the service on their requests */

static void trigger_server_drain(MAIL_SERVER *server, int listen_fd)
{
    char batch[MAIL_SERVER_TRIGGER_MAX];
    char one[MAIL_SERVER_TRIGGER_MAX];
    int timeout_ms = trigger_server_timeout * 1000;
    size_t used = 0;
    bool busy = false;

    /*
     * Under load every message's wake-up waits here: one scan answers them
     * all, and an empty backlog keeps their senders from waiting.
     */
    for (int count = 0; count < TRIGGER_SERVER_DRAIN_MAX; count++) {
        ssize_t len;
        int fd;

        if ((fd = sock_accept(listen_fd)) < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED)
                msg_warn("accept connection: %m");
            break;
        }
        if (!busy) {
            mail_server_report(server, MAIL_SERVER_STAT_BUSY);
            busy = true;
        }
        len = trigger_server_read(fd, one, sizeof(one), timeout_ms);
        close(fd);
        if (len < 0) {
            msg_warn("read wake-up request: %m");
            continue;
        }
        if (used + len > sizeof(batch)) {
            trigger_server_run(server, batch, used);
            mail_server_report(server, MAIL_SERVER_STAT_BUSY);
            used = 0;
        }
        memcpy(batch + used, one, len);
        used += len;
    }
    if (busy)
        trigger_server_run(server, batch, used);
}

/* trigger_server_event_cb - a listener is readable */

static void trigger_server_event_cb(EVENT_LOOP *unused_loop, int listen_fd, int unused_events,
                                    void *context)
{
    MAIL_SERVER *server = context;
    char buf[MAIL_SERVER_TRIGGER_MAX];
    struct stat st;
    ssize_t len;

    if (fstat(listen_fd, &st) == 0 && S_ISFIFO(st.st_mode)) {
        if ((len = read(listen_fd, buf, sizeof(buf))) <= 0) {
            if (len < 0 && errno != EAGAIN && errno != EINTR)
                msg_warn("read wake-up fifo: %m");
            return;
        }
        mail_server_report(server, MAIL_SERVER_STAT_BUSY);
        trigger_server_run(server, buf, len);
    } else {
        trigger_server_drain(server, listen_fd);
    }
}

/* trigger_server_main - the daemon's main loop */

void trigger_server_main(int argc, char **argv, MAIL_SERVER_TRIGGER_FN service,
                         const MAIL_SERVER_PROPS *props)
{
    static const CONFIG_BIND parameters[] = {
        CONFIG_BIND_TIME(VAR_TRIGGER_TIMEOUT, &trigger_server_timeout),
        CONFIG_BIND_END,
    };
    MAIL_SERVER *server = mail_server_start(argc, argv, props);

    config_bind(server->config, parameters);
    trigger_server_service = service;
    if (server->stand_alone) {
        char buf[MAIL_SERVER_TRIGGER_MAX];
        ssize_t len = trigger_server_read(STDIN_FILENO, buf, sizeof(buf), 60 * 1000);

        service(server, buf, len < 0 ? 0 : len);
        mail_server_exit(server, "stand-alone request done -- exiting");
    }
    for (int i = 0; i < server->listen_count; i++)
        if (event_enable_read(server->loop, MAIL_SERVER_LISTEN_FD + i, trigger_server_event_cb,
                              server) < 0)
            msg_fatal("watch listener descriptor %d: %m", MAIL_SERVER_LISTEN_FD + i);
    mail_server_idle_start(server);
    event_loop_run(server->loop);
    mail_server_exit(server, "event loop stopped -- exiting");
}
