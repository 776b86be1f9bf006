/*++
 * NAME
 *	sasl_server_try - drive the SMTP server's SASL interface from a script
 * SYNOPSIS
 *	sasl_server_try [-t timeout] [-o security_options] [-s] [-c client_addr]
 *		[-q queue_directory] type path
 * DESCRIPTION
 *	A test helper: it starts the SASL server back end "type"
 *	(smtpd_sasl_type) with smtpd_sasl_path "path", as smtpd does, then
 *	reads commands from standard input, one a line, and answers each
 *	with exactly one line on standard output (flushed), so that a test
 *	can talk to it through a pipe and change the world in between:
 *
 *	mechanisms	"mechanisms: LIST" (what EHLO would announce)
 *	first MECH [RESPONSE]
 *			sasl_server_first(); RESPONSE is base64, "=" for an
 *			empty initial response, absent for none
 *	next RESPONSE	sasl_server_next(); "=" for an empty response
 *	new		a new session object ("new"), as after STARTTLS
 *	quit		ends the program
 *
 *	first and next answer "OK user=NAME", "MORE CHALLENGE", "FAIL REASON",
 *	"TEMP REASON" or "ABORT REASON", then " (N ms)", the time taken.
 *
 *	Options: -t the back end's timeout in seconds (default 10); -o the
 *	security options (default "noanonymous"); -s the session has TLS; -c
 *	the client address (default 127.0.0.1; a test that fails several
 *	times varies it, as a server delays repeated failures from one
 *	address); -q the queue directory for a relative path.
 *
 *	Log messages (warnings of the back end) go to standard error.
 * DIAGNOSTICS
 *	Exit status 1 when the back end does not start or a session
 *	object cannot be made, 2 for a usage error.
 *--*/

/* System library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "timed_io.h"
#include "vstring.h"

/* SASL library. */
#include "sasl_server.h"

#define TRY_LINE_MAX 20000

static const char *try_status_names[] = {
    [SASL_STATUS_OK] = "OK",     [SASL_STATUS_MORE] = "MORE",   [SASL_STATUS_FAIL] = "FAIL",
    [SASL_STATUS_TEMP] = "TEMP", [SASL_STATUS_ABORT] = "ABORT",
};

/* try_response - "=" is empty, absent is NULL */

static const char *try_response(const char *word)
{
    if (word == NULL)
        return NULL;
    return strcmp(word, "=") == 0 ? "" : word;
}

/* try_report - one result line */

static void try_report(SASL_SERVER *server, SASL_STATUS status, VSTRING *reply, int64_t started)
{
    long took = (long)(monotonic_ms() - started);

    if (status == SASL_STATUS_OK)
        printf("OK user=%s (%ld ms)\n", sasl_server_username(server), took);
    else
        printf("%s %s (%ld ms)\n", try_status_names[status], vstring_str(reply), took);
}

/* try_session - a new session object */

static SASL_SERVER *try_session(SASL_SERVER_IMPL *impl, const SASL_SESSION_ARGS *args)
{
    SASL_SERVER *server = sasl_server_create(impl, args);

    if (server == NULL)
        msg_fatal("cannot make a SASL session object");
    return server;
}

int main(int argc, char **argv)
{
    SASL_SERVER_SETTINGS settings = {.timeout = 10, .queue_directory = "", .config_path = ""};
    SASL_SESSION_ARGS args = {.service = "smtp",
                              .server_addr = "127.0.0.1",
                              .server_port = "25",
                              .client_addr = "127.0.0.1",
                              .client_port = "54321",
                              .user_realm = "",
                              .security_options = "noanonymous"};
    char line[TRY_LINE_MAX];
    SASL_SERVER_IMPL *impl;
    SASL_SERVER *server;
    VSTRING *reply = vstring_alloc(100);
    int ch;

    msg_init(argv[0]);
    while ((ch = getopt(argc, argv, "c:o:q:st:")) > 0) {
        switch (ch) {
        case 'c':
            args.client_addr = optarg;
            break;
        case 'o':
            args.security_options = optarg;
            break;
        case 'q':
            settings.queue_directory = optarg;
            break;
        case 's':
            args.tls = true;
            break;
        case 't':
            settings.timeout = atoi(optarg);
            break;
        default:
            msg_fatal_status(2,
                             "usage: %s [-t timeout] [-o options] [-s] [-c addr] [-q dir] "
                             "type path",
                             argv[0]);
        }
    }
    if (argc - optind != 2)
        msg_fatal_status(2, "usage: %s [options] type path", argv[0]);
    settings.type = argv[optind];
    settings.path = argv[optind + 1];
    if ((impl = sasl_server_impl_init(&settings)) == NULL)
        msg_fatal("SASL server back end %s did not start", settings.type);
    server = try_session(impl, &args);
    while (fgets(line, sizeof(line), stdin) != NULL) {
        char *cmd = strtok(line, " \r\n");
        char *arg1 = strtok(NULL, " \r\n");
        char *arg2 = strtok(NULL, " \r\n");
        int64_t started = monotonic_ms();

        if (cmd == NULL)
            continue;
        if (strcmp(cmd, "mechanisms") == 0) {
            printf("mechanisms: %s\n", sasl_server_mechanisms(server));
        } else if (strcmp(cmd, "first") == 0 && arg1 != NULL) {
            SASL_STATUS status = sasl_server_first(server, arg1, try_response(arg2), reply);

            try_report(server, status, reply, started);
        } else if (strcmp(cmd, "next") == 0 && arg1 != NULL) {
            SASL_STATUS status = sasl_server_next(server, try_response(arg1), reply);

            try_report(server, status, reply, started);
        } else if (strcmp(cmd, "new") == 0) {
            sasl_server_free(server);
            server = try_session(impl, &args);
            printf("new\n");
        } else if (strcmp(cmd, "quit") == 0) {
            break;
        } else {
            printf("unknown command %s\n", cmd);
        }
        fflush(stdout);
    }
    sasl_server_free(server);
    sasl_server_impl_done(impl);
    vstring_free(reply);
    return 0;
}
