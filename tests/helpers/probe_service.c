/*++
 * NAME
 *	probe_service - a service that tells who serves a client
 * SYNOPSIS
 *	probe_service [mail_server options] [single | multi | trigger]
 * DESCRIPTION
 *	A daemon for tests of master(8) and the mail_server(3) framework.
 *	The last argument picks the loop (default single).
 *
 *	single, multi: on connect the service writes one line
 *
 *	    probe pid=PID uid=UID service=NAME use=N privileged=0|1
 *
 *	then echoes every line it receives as "echo LINE", until "quit" or
 *	end of file. multi: no greeting; each line is a request, answered
 *	"echo LINE pid=PID".
 *
 *	trigger: every request is logged as "wakeup request "TEXT" (N
 *	bytes) service=NAME".
 *
 *	The pre_jail hook logs "pre-jail uid=UID" and the post_jail hook
 *	"post-jail uid=UID service=NAME", so a test can see the privilege
 *	drop in the log.
 *--*/

/* System library. */
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "vstream.h"
#include "vstring.h"

/* Global library. */
#include "mail_server.h"

#define PROBE_LINE_MAX 1000

/* probe_hello - the first line of a session */

static void probe_hello(MAIL_SERVER *server, VSTREAM *client)
{
    vstream_printf(client, "probe pid=%ld uid=%ld service=%s use=%d privileged=%d\n",
                   (long)getpid(), (long)geteuid(), server->service, server->use_count + 1,
                   server->privileged);
    vstream_fflush(client);
}

/* probe_echo - answer one line; return 0 at the end of the session */

static int probe_echo(VSTREAM *client, VSTRING *line, bool with_pid)
{
    if (vstream_gets(client, line, PROBE_LINE_MAX) < 0)
        return 0;
    if (VSTRING_LEN(line) > 0 && vstring_end(line)[-1] == '\n')
        vstring_truncate(line, VSTRING_LEN(line) - 1);
    if (strcmp(vstring_str(line), "quit") == 0)
        return 0;
    if (with_pid)
        vstream_printf(client, "echo %s pid=%ld\n", vstring_str(line), (long)getpid());
    else
        vstream_printf(client, "echo %s\n", vstring_str(line));
    return vstream_fflush(client) == 0;
}

/* probe_single - one whole session */

static void probe_single(MAIL_SERVER *server, VSTREAM *client)
{
    VSTRING *line = vstring_alloc(100);

    vstream_set_timeout(client, 30);
    probe_hello(server, client);
    while (probe_echo(client, line, false))
        /* void */;
    vstring_free(line);
}

/* probe_multi - one request of a session */

static void probe_multi(MAIL_SERVER *server, VSTREAM *client)
{
    VSTRING *line = vstring_alloc(100);

    if (!probe_echo(client, line, true))
        multi_server_disconnect(server, client);
    vstring_free(line);
}

/* probe_trigger - one wake-up request */

static void probe_trigger(MAIL_SERVER *server, const char *buf, size_t len)
{
    msg_info("wakeup request \"%.*s\" (%zu bytes) service=%s", (int)len, buf, len, server->service);
}

/* probe_pre_jail - before the privilege drop */

static void probe_pre_jail(MAIL_SERVER *unused_server)
{
    msg_info("pre-jail uid=%ld", (long)geteuid());
}

/* probe_post_jail - after the privilege drop */

static void probe_post_jail(MAIL_SERVER *server)
{
    msg_info("post-jail uid=%ld service=%s", (long)geteuid(), server->service);
}

/* main - pick the loop */

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[argc - 1] : "single";
    MAIL_SERVER_PROPS props = {
        .pre_jail = probe_pre_jail,
        .post_jail = probe_post_jail,
    };

    if (strcmp(mode, "trigger") == 0)
        trigger_server_main(argc, argv, probe_trigger, &props);
    if (strcmp(mode, "multi") == 0)
        multi_server_main(argc, argv, probe_multi, &props);
    single_server_main(argc, argv, probe_single, &props);
}
