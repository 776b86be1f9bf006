/*++
 * NAME
 *	bench_server - OpenSSL-only TLS server and SMTP sink for make bench
 * SYNOPSIS
 *	obj/tests/helpers/bench_server -m tls|smtp -P port -C chain-file
 *		[-w workers] [-l sink-log] [-T]
 * DESCRIPTION
 *	bench_server listens on 127.0.0.1:port and serves connections from
 *	a pool of pre-forked worker processes (-w, default 32), each one
 *	connection at a time. It uses OpenSSL directly, with none of the
 *	project's libraries, so that it measures what the TLS library
 *	itself can do on this machine. The chain file holds the private
 *	key and the certificate chain (tests/data/mkcerts.sh NAME-chain.pem).
 *
 *	TLS settings are those of the mail servers it is compared with:
 *	TLS 1.2 and up, OpenSSL's default cipher suites and groups, no
 *	client certificates, and stateless session tickets, one per
 *	handshake, sealed with AES-256-CBC and HMAC-SHA256 under a key that
 *	all workers share; a resumed TLS 1.3 handshake gets a fresh ticket
 *	(-T turns the renewal off, as OpenSSL leaves it by default).
 *
 *	With -m tls a connection is a handshake, one line from the client
 *	answered with "PONG", and the close. With -m smtp it is an SMTP
 *	server that offers PIPELINING and STARTTLS, accepts every sender
 *	and recipient, discards the message and, with -l, appends the time
 *	of each accepted message (seconds since the epoch) to sink-log as
 *	one line: the sink that delivery benchmarks send to.
 *
 *	SIGTERM or SIGINT stops the workers (by pid) and the server.
 * DIAGNOSTICS
 *	Exit status 1 with a message on standard error when the key,
 *	certificate or port cannot be used; 2 on a usage error.
 *--*/

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#define SERVER_MAX_WORKERS 512 /* worker processes */
#define SERVER_IO_TIMEOUT  30  /* seconds per socket read or write */

typedef struct TICKET_KEY {
    unsigned char name[16]; /* key name sent in the ticket */
    unsigned char aes[32];  /* AES-256-CBC key */
    unsigned char hmac[32]; /* HMAC-SHA256 key */
} TICKET_KEY;

typedef struct SERVER_CONN {
    int fd;         /* socket */
    SSL *ssl;       /* TLS after STARTTLS or in tls mode */
    char in[16384]; /* input */
    size_t in_len;  /* bytes in in */
    size_t in_pos;  /* next unread byte */
    char out[4096]; /* pending replies */
    size_t out_len; /* bytes in out */
} SERVER_CONN;

static TICKET_KEY ticket_key;             /* shared by every worker */
static bool ticket_renew = true;          /* fresh ticket on TLS 1.3 resumption */
static int sink_fd = -1;                  /* -l file, or -1 */
static pid_t workers[SERVER_MAX_WORKERS]; /* worker pids */
static int nworkers;                      /* entries in workers */
static volatile sig_atomic_t stopping;    /* SIGTERM seen */

/* fatal - complain and exit */

static _Noreturn void fatal(const char *what)
{
    fprintf(stderr, "bench_server: %s%s%s\n", what, errno ? ": " : "",
            errno ? strerror(errno) : "");
    ERR_print_errors_fp(stderr);
    exit(1);
}

/* ticket_cb - seal and open session tickets with the shared key */

static int ticket_cb(SSL *ssl, unsigned char name[16], unsigned char iv[16], EVP_CIPHER_CTX *cctx,
                     EVP_MAC_CTX *hctx, int enc)
{
    OSSL_PARAM params[] = {
        OSSL_PARAM_octet_string(OSSL_MAC_PARAM_KEY, ticket_key.hmac, sizeof(ticket_key.hmac)),
        OSSL_PARAM_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_END,
    };

    if (enc) {
        memcpy(name, ticket_key.name, sizeof(ticket_key.name));
        if (RAND_bytes(iv, 16) != 1 ||
            EVP_EncryptInit_ex(cctx, EVP_aes_256_cbc(), NULL, ticket_key.aes, iv) != 1 ||
            EVP_MAC_CTX_set_params(hctx, params) != 1)
            return -1;
        return 1;
    }
    if (memcmp(name, ticket_key.name, sizeof(ticket_key.name)) != 0)
        return 0;
    if (EVP_DecryptInit_ex(cctx, EVP_aes_256_cbc(), NULL, ticket_key.aes, iv) != 1 ||
        EVP_MAC_CTX_set_params(hctx, params) != 1)
        return -1;
    return ticket_renew && SSL_version(ssl) == TLS1_3_VERSION ? 2 : 1;
}

/* server_ctx - the TLS server context */

static SSL_CTX *server_ctx(const char *chain_file)
{
    static const unsigned char sid_ctx[] = "bench_server";
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

    if (ctx == NULL)
        fatal("SSL_CTX_new");
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(ctx, chain_file) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, chain_file, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1)
        fatal(chain_file);
    SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof(sid_ctx) - 1);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(ctx, 1);
    if (RAND_bytes((unsigned char *)&ticket_key, sizeof(ticket_key)) != 1)
        fatal("RAND_bytes");
    SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ticket_cb);
    return ctx;
}

/* conn_fill - read more input; -1 on end or error */

static int conn_fill(SERVER_CONN *c)
{
    ssize_t n;

    if (c->in_pos > 0) {
        memmove(c->in, c->in + c->in_pos, c->in_len - c->in_pos);
        c->in_len -= c->in_pos;
        c->in_pos = 0;
    }
    n = c->ssl ? SSL_read(c->ssl, c->in + c->in_len, (int)(sizeof(c->in) - c->in_len))
               : read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
    if (n <= 0)
        return -1;
    c->in_len += (size_t)n;
    return 0;
}

/* conn_flush - send the pending replies */

static int conn_flush(SERVER_CONN *c)
{
    size_t done = 0;

    while (done < c->out_len) {
        ssize_t n = c->ssl ? SSL_write(c->ssl, c->out + done, (int)(c->out_len - done))
                           : write(c->fd, c->out + done, c->out_len - done);

        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    c->out_len = 0;
    return 0;
}

/* conn_line - the next input line (without CRLF), or NULL at the end */

static char *conn_line(SERVER_CONN *c, size_t *out_len)
{
    for (;;) {
        char *line = c->in + c->in_pos;
        char *nl = memchr(line, '\n', c->in_len - c->in_pos);

        if (nl == NULL && c->in_len - c->in_pos == sizeof(c->in)) {
            nl = c->in + c->in_len - 1; /* an overlong line, in pieces */
        } else if (nl == NULL) {
            /* Replies wait until the client has nothing more queued: pipelining. */
            if ((!c->ssl || SSL_pending(c->ssl) == 0) && conn_flush(c) < 0)
                return NULL;
            if (conn_fill(c) < 0)
                return NULL;
            continue;
        }
        c->in_pos = nl - c->in + 1;
        *out_len = nl - line;
        if (*out_len > 0 && line[*out_len - 1] == '\r')
            (*out_len)--;
        line[*out_len] = 0;
        return line;
    }
}

/* conn_reply - queue a reply */

static void conn_reply(SERVER_CONN *c, const char *text)
{
    size_t len = strlen(text);

    if (c->out_len + len > sizeof(c->out) && conn_flush(c) < 0)
        c->out_len = 0;
    memcpy(c->out + c->out_len, text, len);
    c->out_len += len;
}

/* sink_message - read a message up to the dot and note its arrival */

static int sink_message(SERVER_CONN *c)
{
    char *line;
    size_t len;

    while ((line = conn_line(c, &len)) != NULL) {
        if (len == 1 && line[0] == '.') {
            if (sink_fd >= 0) {
                struct timespec ts;
                char stamp[40];

                clock_gettime(CLOCK_REALTIME, &ts);
                int n = snprintf(stamp, sizeof(stamp), "%lld.%06ld\n", (long long)ts.tv_sec,
                                 ts.tv_nsec / 1000);

                if (write(sink_fd, stamp, (size_t)n) != n)
                    return -1;
            }
            conn_reply(c, "250 2.0.0 Ok: discarded\r\n");
            return 0;
        }
    }
    return -1;
}

/* serve_smtp - one SMTP session */

static void serve_smtp(SERVER_CONN *c, SSL_CTX *ctx)
{
    char *line;
    size_t len;

    conn_reply(c, "220 sink.bench.test ESMTP\r\n");
    while ((line = conn_line(c, &len)) != NULL) {
        if (strncasecmp(line, "EHLO", 4) == 0) {
            conn_reply(c, "250-sink.bench.test\r\n250-PIPELINING\r\n250-SIZE 104857600\r\n"
                          "250-8BITMIME\r\n");
            conn_reply(c, c->ssl ? "250 ENHANCEDSTATUSCODES\r\n"
                                 : "250-STARTTLS\r\n250 ENHANCEDSTATUSCODES\r\n");
        } else if (strncasecmp(line, "HELO", 4) == 0) {
            conn_reply(c, "250 sink.bench.test\r\n");
        } else if (strncasecmp(line, "STARTTLS", 8) == 0 && c->ssl == NULL) {
            conn_reply(c, "220 2.0.0 Ready to start TLS\r\n");
            if (conn_flush(c) < 0)
                return;
            c->in_len = c->in_pos = 0;
            c->ssl = SSL_new(ctx);
            SSL_set_fd(c->ssl, c->fd);
            if (SSL_accept(c->ssl) != 1)
                return;
        } else if (strncasecmp(line, "DATA", 4) == 0) {
            conn_reply(c, "354 End data with <CR><LF>.<CR><LF>\r\n");
            if (conn_flush(c) < 0 || sink_message(c) < 0)
                return;
        } else if (strncasecmp(line, "QUIT", 4) == 0) {
            conn_reply(c, "221 2.0.0 Bye\r\n");
            conn_flush(c);
            return;
        } else {
            conn_reply(c, "250 2.0.0 Ok\r\n");
        }
    }
}

/* serve_tls - one bare TLS connection */

static void serve_tls(SERVER_CONN *c, SSL_CTX *ctx)
{
    size_t len;

    c->ssl = SSL_new(ctx);
    SSL_set_fd(c->ssl, c->fd);
    if (SSL_accept(c->ssl) != 1 || conn_line(c, &len) == NULL)
        return;
    conn_reply(c, "PONG\r\n");
    if (conn_flush(c) < 0)
        return;
    while (conn_fill(c) == 0)
        c->in_len = c->in_pos = 0;
}

/* worker - accept and serve connections one at a time */

static _Noreturn void worker(int listen_fd, SSL_CTX *ctx, bool smtp)
{
    static SERVER_CONN conn;
    struct timeval tv = {.tv_sec = SERVER_IO_TIMEOUT};

    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    for (;;) {
        int fd = accept(listen_fd, NULL, NULL);

        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            fatal("accept");
        }
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        conn.fd = fd;
        conn.ssl = NULL;
        conn.in_len = conn.in_pos = conn.out_len = 0;
        if (smtp)
            serve_smtp(&conn, ctx);
        else
            serve_tls(&conn, ctx);
        if (conn.ssl) {
            SSL_shutdown(conn.ssl);
            SSL_free(conn.ssl);
        }
        ERR_clear_error();
        close(fd);
    }
}

/* listen_on - a listening socket on 127.0.0.1:port */

static int listen_on(int port)
{
    struct sockaddr_in sin = {.sin_family = AF_INET,
                              .sin_port = htons((uint16_t)port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM, 0), on = 1;

    if (fd < 0)
        fatal("socket");
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 1024) < 0)
        fatal("bind 127.0.0.1");
    return fd;
}

/* on_stop - SIGTERM in the parent */

static void on_stop(int sig)
{
    (void)sig;
    stopping = 1;
}

/* usage - complain and exit */

static _Noreturn void usage(const char *why)
{
    fprintf(stderr,
            "bench_server: %s\n"
            "usage: bench_server -m tls|smtp -P port -C chain-file [-w workers] [-l sink-log] "
            "[-T]\n",
            why);
    exit(2);
}

int main(int argc, char **argv)
{
    const char *mode = NULL, *chain = NULL, *sink = NULL;
    int ch, port = 0, count = 32, listen_fd;
    struct sigaction sa = {.sa_handler = on_stop};
    SSL_CTX *ctx;

    while ((ch = getopt(argc, argv, "C:l:m:P:Tw:")) != -1) {
        switch (ch) {
        case 'C':
            chain = optarg;
            break;
        case 'l':
            sink = optarg;
            break;
        case 'm':
            mode = optarg;
            break;
        case 'P':
            port = atoi(optarg);
            break;
        case 'T':
            ticket_renew = false;
            break;
        case 'w':
            count = atoi(optarg);
            break;
        default:
            usage("bad option");
        }
    }
    if (mode == NULL || (strcmp(mode, "tls") != 0 && strcmp(mode, "smtp") != 0))
        usage("-m tls or -m smtp is required");
    if (chain == NULL || port <= 0 || port > 65535 || count < 1 || count > SERVER_MAX_WORKERS)
        usage("bad or missing -C, -P or -w");
    signal(SIGPIPE, SIG_IGN);
    ctx = server_ctx(chain);
    if (sink && (sink_fd = open(sink, O_WRONLY | O_APPEND | O_CREAT, 0644)) < 0)
        fatal(sink);
    listen_fd = listen_on(port);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    for (nworkers = 0; nworkers < count; nworkers++) {
        if ((workers[nworkers] = fork()) == 0)
            worker(listen_fd, ctx, strcmp(mode, "smtp") == 0);
        if (workers[nworkers] < 0)
            fatal("fork");
    }
    while (!stopping)
        pause();
    for (int i = 0; i < nworkers; i++)
        kill(workers[i], SIGTERM);
    while (wait(NULL) > 0 || errno == EINTR)
        ;
    return 0;
}
