/*++
 * NAME
 *	tls_starttls_server - a minimal SMTP STARTTLS server for TLS interop tests
 * SYNOPSIS
 *	obj/tests/helpers/tls_starttls_server chain-files CAfile port-file count [loglevel]
 * DESCRIPTION
 *	tls_starttls_server listens on an ephemeral port of 127.0.0.1, writes
 *	the port number to port-file, and serves count connections one after
 *	another with the TLS library: a 220 greeting, EHLO (advertising
 *	STARTTLS before TLS), STARTTLS (reply, purge, handshake), NOOP and
 *	QUIT; other commands get 502. After the handshake it answers EHLO
 *	with the session's protocol and cipher in the reply text. Session
 *	tickets are issued from an in-memory key store, so clients can
 *	resume across connections. Client certificates are requested and
 *	verified against CAfile. TLS log lines (loglevel, default 1) go to
 *	standard error.
 * DIAGNOSTICS
 *	Exit status 1 when TLS cannot be initialised or the port not bound.
 *--*/

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "msg.h"
#include "vstream.h"
#include "vstring.h"

#include "tls.h"
#include "tls_scache_mem.h"
#include "tls_server.h"

/* listen_any - listen on an ephemeral loopback port, write it to a file */
static int listen_any(const char *port_file)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sin);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    FILE *fp;

    if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 5) < 0 ||
        getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
        msg_fatal("cannot listen on 127.0.0.1: %m");
    if ((fp = fopen(port_file, "w")) == NULL)
        msg_fatal("open %s: %m", port_file);
    fprintf(fp, "%d\n", ntohs(sin.sin_port));
    fclose(fp);
    return fd;
}

/* command - one SMTP command; returns 0 to end the session */
static int command(VSTREAM *stream, const char *line, TLS_APPL_STATE *ctx, TLS_SESS_STATE **tls)
{
    if (strncasecmp(line, "EHLO", 4) == 0) {
        if (*tls)
            vstream_printf(stream, "250 localhost %s %s\r\n", (*tls)->protocol,
                           (*tls)->cipher_name);
        else
            vstream_puts(stream, "250-localhost\r\n250 STARTTLS\r\n");
    } else if (strncasecmp(line, "STARTTLS", 8) == 0 && *tls == NULL) {
        vstream_puts(stream, "220 2.0.0 Ready to start TLS\r\n");
        vstream_fflush(stream);
        vstream_purge(stream, VSTREAM_PURGE_BOTH);
        *tls = tls_server_start(&(TLS_SERVER_START_PROPS){
            .ctx = ctx, .stream = stream, .timeout = 10, .namaddr = "localhost[127.0.0.1]"});
        return *tls != NULL;
    } else if (strncasecmp(line, "NOOP", 4) == 0) {
        vstream_puts(stream, "250 2.0.0 Ok\r\n");
    } else if (strncasecmp(line, "QUIT", 4) == 0) {
        vstream_puts(stream, "221 2.0.0 Bye\r\n");
        return 0;
    } else {
        vstream_puts(stream, "502 5.5.2 Error: command not recognized\r\n");
    }
    return 1;
}

/* serve - one SMTP session */
static void serve(int fd, TLS_APPL_STATE *ctx)
{
    VSTREAM *stream = vstream_fdopen(fd, VSTREAM_FLAG_RW);
    VSTRING *line = vstring_alloc(100);
    TLS_SESS_STATE *tls = NULL;

    vstream_set_timeout(stream, 30);
    vstream_puts(stream, "220 localhost ESMTP\r\n");
    vstream_fflush(stream);
    while (vstream_gets(stream, line, 1000) != VSTREAM_EOF &&
           command(stream, vstring_str(line), ctx, &tls))
        vstream_fflush(stream);
    vstream_fflush(stream);
    if (tls)
        tls_server_stop(tls, stream, 10, vstream_ferror(stream) || vstream_ftimeout(stream));
    vstream_close(stream);
    vstring_free(line);
}

int main(int argc, char **argv)
{
    TLS_SCACHE_MEM *cache = tls_scache_mem_create(3600);
    TLS_APPL_STATE *ctx;
    int listen_fd, count;

    msg_init("tls_starttls_server");
    if (argc < 5)
        msg_fatal("usage: %s chain-files CAfile port-file count [loglevel]", argv[0]);
    ctx = tls_server_init(&(TLS_SERVER_INIT_PROPS){
        .log_level = argc > 5 ? argv[5] : "1",
        .chain_files = argv[1],
        .CAfile = argv[2],
        .ask_ccert = true,
        .session_timeout = 3600,
        .serverid = "smtp",
        .cache = tls_scache_mem_ops(cache),
    });
    if (ctx == NULL)
        exit(1);
    listen_fd = listen_any(argv[3]);
    for (count = atoi(argv[4]); count > 0; count--) {
        int fd = accept(listen_fd, NULL, NULL);

        if (fd >= 0)
            serve(fd, ctx);
    }
    tls_server_free(ctx);
    tls_scache_mem_free(cache);
    return 0;
}
