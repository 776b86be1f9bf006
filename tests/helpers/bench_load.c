/*++
 * NAME
 *	bench_load - TLS and SMTP load client for make bench
 * SYNOPSIS
 *	obj/tests/helpers/bench_load -m mode -p port [options]
 * DESCRIPTION
 *	bench_load drives a server on 127.0.0.1:port from -c concurrency
 *	worker processes (default 1), each running one connection at a
 *	time, for a warm-up period (-w seconds, default 1) and then a
 *	measured window (-t seconds, default 5). With -n count it instead
 *	performs count units in all, with no warm-up, and measures the
 *	whole run. Each worker is an ordinary blocking client with Nagle's
 *	algorithm on, as mail clients are (-D sets TCP_NODELAY).
 *
 *	Modes (-m) and their unit of work:
 * .IP tls
 *	A bare TLS handshake (no SMTP), then "PING" and the server's line
 *	back (which also delivers TLS 1.3 tickets), close_notify, close.
 *	The unit is the connection.
 * .IP starttls
 *	An SMTP session: greeting, EHLO, STARTTLS, handshake, EHLO, MAIL,
 *	RCPT, DATA (pipelined when the server offers PIPELINING), one
 *	message, QUIT. The unit is the session.
 * .IP plain
 *	The same session without STARTTLS.
 * .IP msgs
 *	One STARTTLS session that sends -k messages (default 100); the
 *	unit is the message, timed from MAIL to the 250 after the data.
 * .PP
 *	Session resumption (-r): none (default) offers nothing; multi
 *	offers a copy of the most recent session the worker received,
 *	again and again, so a TLS 1.3 ticket may be used many times (as
 *	clients with a session cache do); single uses each session or
 *	ticket at most once (OpenSSL's own TLS 1.3 behaviour), so the
 *	client resumes only while the server keeps issuing fresh tickets.
 *
 *	Other options: -s message size in bytes (default 2048), -V 1.2 or
 *	1.3 to pin the TLS version, -R recipient address, -G the key
 *	exchange groups to offer (an OpenSSL group list such as
 *	"X25519MLKEM768" or "X25519"; one that OpenSSL refuses is a usage
 *	error).
 *
 *	The result is one JSON object on standard output: units, rate (per
 *	second of the window), handshakes, resumed handshakes and the
 *	resumption rate, errors, unit latency p50/p99 and handshake
 *	latency p50/p99 in milliseconds, the client's own CPU time as
 *	cores in use (client_cpu) and as a share of the machine
 *	(client_cpu_share), and how busy the whole machine was
 *	(machine_busy, from /proc/stat).
 * DIAGNOSTICS
 *	Usage errors exit with status 2. A failed unit is counted in
 *	errors (the first few are described on standard error); the exit
 *	status is 1 when every unit failed.
 *--*/

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define BENCH_MAX_CONCURRENCY 256       /* worker processes */
#define BENCH_LAT_CAP         (1 << 17) /* latencies kept per worker */
#define BENCH_IO_TIMEOUT      10        /* seconds per socket read or write */
#define BENCH_ERRORS_SHOWN    3         /* error messages per worker */

typedef enum { MODE_TLS, MODE_STARTTLS, MODE_PLAIN, MODE_MSGS } BENCH_MODE;
typedef enum { RESUME_NONE, RESUME_MULTI, RESUME_SINGLE } BENCH_RESUME;

typedef struct BENCH_OPTS {
    BENCH_MODE mode;         /* unit of work */
    BENCH_RESUME resume;     /* session offering policy */
    struct sockaddr_in addr; /* server address */
    int concurrency;         /* worker processes */
    double seconds;          /* measured window */
    double warmup;           /* before the window */
    long count;              /* units in all, instead of a window (0: window) */
    int msg_size;            /* message bytes */
    int msgs_per_conn;       /* messages per session in msgs mode */
    int tls_version;         /* 0: any */
    bool nodelay;            /* TCP_NODELAY */
    const char *rcpt;        /* RCPT TO address */
    const char *groups;      /* key exchange groups offered, NULL: OpenSSL's */
} BENCH_OPTS;

typedef struct BENCH_SLOT {
    long units;                     /* units completed in the window */
    long handshakes;                /* TLS handshakes in the window */
    long resumed;                   /* of which resumed */
    long errors;                    /* failed units */
    double cpu;                     /* user+system seconds in the window */
    long nlat;                      /* entries in lat_us */
    long nhs;                       /* entries in hs_us */
    uint32_t lat_us[BENCH_LAT_CAP]; /* unit latencies */
    uint32_t hs_us[BENCH_LAT_CAP];  /* handshake latencies */
} BENCH_SLOT;

typedef struct BENCH_CONN {
    int fd;          /* socket */
    SSL *ssl;        /* TLS, or NULL for plaintext */
    char buf[8192];  /* input */
    size_t len;      /* bytes in buf */
    size_t pos;      /* next unread byte */
    bool pipelining; /* server offers PIPELINING */
} BENCH_CONN;

typedef struct BENCH_WINDOW {
    double start;    /* window opens (0 in count mode) */
    double end;      /* window closes */
    long *claimed;   /* shared unit counter in count mode */
    bool cpu_opened; /* rusage taken at the window start */
} BENCH_WINDOW;

static const BENCH_OPTS *opts; /* the options, for every worker */
static SSL_SESSION *saved;     /* the worker's session to offer */
static char *message;          /* the message, CRLF, with the final dot */
static size_t message_len;     /* its length */
static int errors_shown;       /* error messages so far */

/* now - monotonic seconds */

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* cpu_seconds - user and system time of this process */

static double cpu_seconds(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

/* machine_ticks - busy and total jiffies from /proc/stat */

static void machine_ticks(double *out_busy, double *out_total)
{
    unsigned long long v[8] = {0};
    FILE *fp = fopen("/proc/stat", "r");

    *out_busy = *out_total = 0;
    if (fp == NULL)
        return;
    if (fscanf(fp, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
               &v[5], &v[6], &v[7]) == 8) {
        for (int i = 0; i < 8; i++)
            *out_total += v[i];
        *out_busy = *out_total - v[3] - v[4];
    }
    fclose(fp);
}

/* fail - count an error, describe the first few */

static int fail(const char *what)
{
    if (errors_shown++ < BENCH_ERRORS_SHOWN) {
        unsigned long e = ERR_peek_last_error();

        fprintf(stderr, "bench_load[%d]: %s%s%s%s\n", (int)getpid(), what, errno ? ": " : "",
                errno ? strerror(errno) : "", e ? " (TLS error)" : "");
        if (e)
            ERR_print_errors_fp(stderr);
    }
    ERR_clear_error();
    return -1;
}

/* conn_write - send all bytes */

static int conn_write(BENCH_CONN *c, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = c->ssl ? SSL_write(c->ssl, data, (int)len) : write(c->fd, data, len);

        if (n <= 0)
            return fail("write");
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* conn_fill - read more input; 0 on success */

static int conn_fill(BENCH_CONN *c)
{
    ssize_t n;

    if (c->pos > 0) {
        memmove(c->buf, c->buf + c->pos, c->len - c->pos);
        c->len -= c->pos;
        c->pos = 0;
    }
    if (c->len == sizeof(c->buf))
        return fail("reply line too long");
    errno = 0;
    n = c->ssl ? SSL_read(c->ssl, c->buf + c->len, (int)(sizeof(c->buf) - c->len))
               : read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
    if (n <= 0)
        return fail(n == 0 ? "unexpected end of input" : "read");
    c->len += (size_t)n;
    return 0;
}

/* conn_reply - read one SMTP reply; returns its code, or -1 */

static int conn_reply(BENCH_CONN *c, bool ehlo)
{
    for (;;) {
        char *line = c->buf + c->pos;
        char *nl = memchr(line, '\n', c->len - c->pos);

        if (nl == NULL) {
            if (conn_fill(c) < 0)
                return -1;
            continue;
        }
        c->pos = nl - c->buf + 1;
        if (nl - line < 4) {
            errno = 0;
            return fail("malformed reply");
        }
        if (ehlo && strncasecmp(line + 4, "PIPELINING", 10) == 0)
            c->pipelining = true;
        if (line[3] == ' ' || line[3] == '\r')
            return atoi(line);
    }
}

/* conn_command - send a command, expect a reply code */

static int conn_command(BENCH_CONN *c, const char *cmd, int want)
{
    int code;

    if (conn_write(c, cmd, strlen(cmd)) < 0 || (code = conn_reply(c, false)) < 0)
        return -1;
    if (code != want) {
        errno = 0;
        fprintf(stderr, "bench_load: %.*s: got %d, want %d\n", (int)strcspn(cmd, "\r"), cmd, code,
                want);
        return fail("unexpected reply");
    }
    return 0;
}

/* dial - connect to the server */

static int dial(BENCH_CONN *c)
{
    struct timeval tv = {.tv_sec = BENCH_IO_TIMEOUT};
    int on = 1;

    memset(c, 0, offsetof(BENCH_CONN, buf));
    c->len = c->pos = 0;
    if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
        return fail("socket");
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (opts->nodelay)
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    if (connect(c->fd, (const struct sockaddr *)&opts->addr, sizeof(opts->addr)) < 0) {
        fail("connect");
        close(c->fd);
        c->fd = -1;
        return -1;
    }
    return 0;
}

/* hangup - end a connection */

static void hangup(BENCH_CONN *c)
{
    if (c->ssl) {
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

/* new_session_cb - keep the newest session or ticket */

static int new_session_cb(SSL *ssl, SSL_SESSION *session)
{
    (void)ssl;
    if (saved)
        SSL_SESSION_free(saved);
    saved = session;
    return 1; /* we keep the reference */
}

/* handshake - TLS client handshake; counts it and its resumption */

static int handshake(BENCH_CONN *c, SSL_CTX *ctx, BENCH_SLOT *slot, const BENCH_WINDOW *w)
{
    double t0 = now(), t1;

    c->ssl = SSL_new(ctx);
    SSL_set_fd(c->ssl, c->fd);
    if (opts->resume == RESUME_MULTI && saved) {
        /* OpenSSL uses a TLS 1.3 session once; a copy of it is fresh. */
        SSL_SESSION *copy = SSL_SESSION_dup(saved);

        SSL_set_session(c->ssl, copy);
        SSL_SESSION_free(copy);
    } else if (opts->resume == RESUME_SINGLE && saved) {
        SSL_set_session(c->ssl, saved);
        SSL_SESSION_free(saved);
        saved = NULL;
    }
    errno = 0;
    if (SSL_connect(c->ssl) != 1)
        return fail("TLS handshake");
    t1 = now();
    if (t1 >= w->start && t1 < w->end) {
        slot->handshakes++;
        slot->resumed += SSL_session_reused(c->ssl);
        if (slot->nhs < BENCH_LAT_CAP)
            slot->hs_us[slot->nhs++] = (uint32_t)((t1 - t0) * 1e6);
    }
    return 0;
}

/* smtp_open - greeting, EHLO and, unless plain, STARTTLS and EHLO again */

static int smtp_open(BENCH_CONN *c, SSL_CTX *ctx, BENCH_SLOT *slot, const BENCH_WINDOW *w)
{
    static const char ehlo[] = "EHLO client.bench.test\r\n";
    int code;

    if (dial(c) < 0 || (code = conn_reply(c, false)) < 0)
        return -1;
    if (code != 220) {
        errno = 0;
        return fail("greeting is not 220");
    }
    if (conn_write(c, ehlo, sizeof(ehlo) - 1) < 0 || conn_reply(c, true) != 250)
        return -1;
    if (opts->mode == MODE_PLAIN)
        return 0;
    if (conn_command(c, "STARTTLS\r\n", 220) < 0)
        return -1;
    if (c->pos != c->len) {
        errno = 0;
        return fail("data after the STARTTLS reply");
    }
    if (handshake(c, ctx, slot, w) < 0)
        return -1;
    c->pipelining = false;
    if (conn_write(c, ehlo, sizeof(ehlo) - 1) < 0 || conn_reply(c, true) != 250)
        return -1;
    return 0;
}

/* smtp_message - one mail transaction */

static int smtp_message(BENCH_CONN *c)
{
    char cmds[600];
    int n = snprintf(cmds, sizeof(cmds), "MAIL FROM:<bench@client.bench.test> SIZE=%zu\r\n",
                     message_len - 3);
    int mail_len = n;

    n += snprintf(cmds + n, sizeof(cmds) - n, "RCPT TO:<%s>\r\n", opts->rcpt);
    int rcpt_len = n - mail_len;

    n += snprintf(cmds + n, sizeof(cmds) - n, "DATA\r\n");
    if (c->pipelining) {
        if (conn_write(c, cmds, (size_t)n) < 0 || conn_reply(c, false) != 250 ||
            conn_reply(c, false) != 250 || conn_reply(c, false) != 354)
            return fail("MAIL, RCPT or DATA refused");
    } else {
        const char *p = cmds;

        if (conn_write(c, p, (size_t)mail_len) < 0 || conn_reply(c, false) != 250 ||
            conn_write(c, p + mail_len, (size_t)rcpt_len) < 0 || conn_reply(c, false) != 250 ||
            conn_write(c, p + mail_len + rcpt_len, 6) < 0 || conn_reply(c, false) != 354)
            return fail("MAIL, RCPT or DATA refused");
    }
    /* The data and its dot go in one write, as a buffered client sends them. */
    if (conn_write(c, message, message_len) < 0 || conn_reply(c, false) != 250)
        return fail("message refused");
    return 0;
}

/* record - count a completed unit that falls in the window */

static void record(BENCH_SLOT *slot, const BENCH_WINDOW *w, double t0)
{
    double t1 = now();

    if (t1 < w->start || t1 >= w->end)
        return;
    slot->units++;
    if (slot->nlat < BENCH_LAT_CAP)
        slot->lat_us[slot->nlat++] = (uint32_t)((t1 - t0) * 1e6);
}

/* claim - may another unit start? */

static bool claim(BENCH_WINDOW *w, BENCH_SLOT *slot)
{
    double t = now();

    if (!w->cpu_opened && t >= w->start) {
        slot->cpu = -cpu_seconds();
        w->cpu_opened = true;
    }
    if (w->claimed)
        return __atomic_fetch_add(w->claimed, 1, __ATOMIC_SEQ_CST) < opts->count;
    return t < w->end;
}

/* run_tls - one bare TLS connection */

static int run_tls(BENCH_CONN *c, SSL_CTX *ctx, BENCH_SLOT *slot, BENCH_WINDOW *w)
{
    static const char ping[] = "PING\r\n";
    double t0 = now();

    if (dial(c) < 0 || handshake(c, ctx, slot, w) < 0 ||
        conn_write(c, ping, sizeof(ping) - 1) < 0 || conn_fill(c) < 0)
        return -1;
    SSL_shutdown(c->ssl);
    record(slot, w, t0);
    return 0;
}

/* run_session - one SMTP session with one message */

static int run_session(BENCH_CONN *c, SSL_CTX *ctx, BENCH_SLOT *slot, BENCH_WINDOW *w)
{
    double t0 = now();

    if (smtp_open(c, ctx, slot, w) < 0 || smtp_message(c) < 0 ||
        conn_command(c, "QUIT\r\n", 221) < 0)
        return -1;
    if (c->ssl)
        SSL_shutdown(c->ssl);
    record(slot, w, t0);
    return 0;
}

/* run_msgs - one STARTTLS session with many messages */

static int run_msgs(BENCH_CONN *c, SSL_CTX *ctx, BENCH_SLOT *slot, BENCH_WINDOW *w)
{
    if (smtp_open(c, ctx, slot, w) < 0)
        return -1;
    for (int i = 0; i < opts->msgs_per_conn; i++) {
        double t0 = now();

        if (i > 0 && !claim(w, slot))
            break;
        if (smtp_message(c) < 0)
            return -1;
        record(slot, w, t0);
    }
    if (conn_command(c, "QUIT\r\n", 221) < 0)
        return -1;
    SSL_shutdown(c->ssl);
    return 0;
}

/* worker - one client process */

static void worker(SSL_CTX *ctx, BENCH_SLOT *slot, BENCH_WINDOW *w)
{
    BENCH_CONN conn = {.fd = -1};
    int status;

    while (claim(w, slot)) {
        errno = 0;
        switch (opts->mode) {
        case MODE_TLS:
            status = run_tls(&conn, ctx, slot, w);
            break;
        case MODE_MSGS:
            status = run_msgs(&conn, ctx, slot, w);
            break;
        default:
            status = run_session(&conn, ctx, slot, w);
            break;
        }
        hangup(&conn);
        if (status < 0) {
            slot->errors++;
            usleep(10000);
        }
    }
    slot->cpu += w->cpu_opened ? cpu_seconds() : 0;
    _exit(0);
}

/* make_message - a message of about the requested size */

static void make_message(int size)
{
    static const char head[] = "From: <bench@client.bench.test>\r\n"
                               "To: <bench@sink.bench.test>\r\n"
                               "Subject: bench\r\n\r\n";
    size_t len = sizeof(head) - 1;

    message = malloc((size_t)size + sizeof(head) + 80);
    if (message == NULL)
        exit(1);
    memcpy(message, head, len);
    while (len < (size_t)size) {
        size_t n = (size_t)size - len > 78 ? 76 : (size_t)size - len;

        memset(message + len, 'x', n);
        len += n;
        memcpy(message + len, "\r\n", 2);
        len += 2;
    }
    memcpy(message + len, ".\r\n", 3);
    message_len = len + 3;
}

/* client_ctx - the TLS client context */

static SSL_CTX *client_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

    if (ctx == NULL)
        return NULL;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, new_session_cb);
    if (opts->tls_version) {
        SSL_CTX_set_min_proto_version(ctx, opts->tls_version);
        SSL_CTX_set_max_proto_version(ctx, opts->tls_version);
    }
    if (opts->groups && SSL_CTX_set1_groups_list(ctx, opts->groups) != 1) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* compare_u32 - qsort order */

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

/* percentile - the p-th percentile of sorted values, in milliseconds */

static double percentile(const uint32_t *v, long n, double p)
{
    if (n == 0)
        return 0;
    long i = (long)(p * (n - 1) + 0.5);

    return v[i] / 1000.0;
}

/* merge - gather one latency array of every worker, sorted */

static uint32_t *merge(BENCH_SLOT *slots, int n, bool handshakes, long *out_n)
{
    long total = 0;

    for (int i = 0; i < n; i++)
        total += handshakes ? slots[i].nhs : slots[i].nlat;
    uint32_t *all = malloc(sizeof(*all) * (size_t)(total + 1));
    long k = 0;

    for (int i = 0; i < n; i++) {
        long m = handshakes ? slots[i].nhs : slots[i].nlat;

        memcpy(all + k, handshakes ? slots[i].hs_us : slots[i].lat_us, sizeof(*all) * (size_t)m);
        k += m;
    }
    qsort(all, (size_t)total, sizeof(*all), compare_u32);
    *out_n = total;
    return all;
}

/* report - print the JSON result; returns the exit status */

static int report(BENCH_SLOT *slots, double wall, double busy, double total)
{
    static const char *modes[] = {"tls", "starttls", "plain", "msgs"};
    static const char *resumes[] = {"none", "multi", "single"};
    long units = 0, handshakes = 0, resumed = 0, errors = 0, nlat, nhs;
    double cpu = 0;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

    for (int i = 0; i < opts->concurrency; i++) {
        units += slots[i].units;
        handshakes += slots[i].handshakes;
        resumed += slots[i].resumed;
        errors += slots[i].errors;
        cpu += slots[i].cpu;
    }
    uint32_t *lat = merge(slots, opts->concurrency, false, &nlat);
    uint32_t *hs = merge(slots, opts->concurrency, true, &nhs);

    printf("{\"mode\": \"%s\", \"resume\": \"%s\", \"concurrency\": %d, \"seconds\": %.3f, "
           "\"units\": %ld, \"rate\": %.1f, \"handshakes\": %ld, \"resumed\": %ld, "
           "\"resumption\": %.4f, \"errors\": %ld, \"p50_ms\": %.3f, \"p99_ms\": %.3f, "
           "\"hs_p50_ms\": %.3f, \"hs_p99_ms\": %.3f, \"client_cpu\": %.3f, "
           "\"client_cpu_share\": %.3f, \"machine_busy\": %.3f, \"ncpu\": %ld}\n",
           modes[opts->mode], resumes[opts->resume], opts->concurrency, wall, units,
           wall > 0 ? units / wall : 0, handshakes, resumed,
           handshakes ? (double)resumed / handshakes : 0, errors, percentile(lat, nlat, 0.50),
           percentile(lat, nlat, 0.99), percentile(hs, nhs, 0.50), percentile(hs, nhs, 0.99),
           wall > 0 ? cpu / wall : 0, wall > 0 ? cpu / wall / ncpu : 0,
           total > 0 ? busy / total : 0, ncpu);
    free(lat);
    free(hs);
    return units == 0 && errors > 0;
}

/* usage - complain and exit */

static _Noreturn void usage(const char *why)
{
    fprintf(stderr,
            "bench_load: %s\n"
            "usage: bench_load -m tls|starttls|plain|msgs -p port [-c concurrency]\n"
            "       [-t seconds] [-w warmup] [-n count] [-r none|multi|single] [-s size]\n"
            "       [-k messages-per-session] [-V 1.2|1.3] [-R recipient] [-G groups] [-D]\n",
            why);
    exit(2);
}

/* parse_mode - the -m argument */

static BENCH_MODE parse_mode(const char *arg)
{
    static const char *names[] = {"tls", "starttls", "plain", "msgs"};

    for (int i = 0; i < 4; i++)
        if (strcmp(arg, names[i]) == 0)
            return (BENCH_MODE)i;
    usage("unknown mode");
}

/* parse_options - the command line */

static void parse_options(int argc, char **argv, BENCH_OPTS *o)
{
    int ch, port = 0;

    while ((ch = getopt(argc, argv, "c:DG:k:m:n:p:r:R:s:t:V:w:")) != -1) {
        switch (ch) {
        case 'c':
            o->concurrency = atoi(optarg);
            break;
        case 'D':
            o->nodelay = true;
            break;
        case 'G':
            o->groups = optarg;
            break;
        case 'k':
            o->msgs_per_conn = atoi(optarg);
            break;
        case 'm':
            o->mode = parse_mode(optarg);
            break;
        case 'n':
            o->count = atol(optarg);
            break;
        case 'p':
            port = atoi(optarg);
            break;
        case 'r':
            o->resume = strcmp(optarg, "multi") == 0    ? RESUME_MULTI
                        : strcmp(optarg, "single") == 0 ? RESUME_SINGLE
                        : strcmp(optarg, "none") == 0   ? RESUME_NONE
                                                        : (usage("bad -r"), RESUME_NONE);
            break;
        case 'R':
            o->rcpt = optarg;
            break;
        case 's':
            o->msg_size = atoi(optarg);
            break;
        case 't':
            o->seconds = atof(optarg);
            break;
        case 'V':
            o->tls_version = strcmp(optarg, "1.2") == 0   ? TLS1_2_VERSION
                             : strcmp(optarg, "1.3") == 0 ? TLS1_3_VERSION
                                                          : (usage("bad -V"), 0);
            break;
        case 'w':
            o->warmup = atof(optarg);
            break;
        default:
            usage("bad option");
        }
    }
    if (port <= 0 || port > 65535)
        usage("-p port is required");
    if (o->concurrency < 1 || o->concurrency > BENCH_MAX_CONCURRENCY)
        usage("bad concurrency");
    if (o->seconds <= 0 || o->warmup < 0 || o->count < 0 || o->msgs_per_conn < 1 ||
        o->msg_size < 0 || o->msg_size > 10 * 1024 * 1024)
        usage("bad number");
    o->addr.sin_family = AF_INET;
    o->addr.sin_port = htons((uint16_t)port);
    o->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

int main(int argc, char **argv)
{
    static BENCH_OPTS o = {.concurrency = 1,
                           .seconds = 5,
                           .warmup = 1,
                           .msg_size = 2048,
                           .msgs_per_conn = 100,
                           .rcpt = "bench@sink.bench.test"};
    size_t shared_len;
    BENCH_SLOT *slots;
    BENCH_WINDOW w;
    SSL_CTX *ctx;
    double busy0, total0, busy1, total1, t_end;

    parse_options(argc, argv, &o);
    opts = &o;
    signal(SIGPIPE, SIG_IGN);
    make_message(o.msg_size);
    if ((ctx = client_ctx()) == NULL)
        usage(o.groups ? "cannot make a TLS context with these -G groups"
                       : "cannot make a TLS context");
    shared_len = sizeof(BENCH_SLOT) * (size_t)o.concurrency + sizeof(long);
    slots = mmap(NULL, shared_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (slots == MAP_FAILED)
        usage("cannot map shared memory");
    w.start = o.count ? 0 : now() + o.warmup;
    w.end = o.count ? 1e300 : w.start + o.seconds;
    w.claimed = o.count ? (long *)(slots + o.concurrency) : NULL;
    w.cpu_opened = false;
    machine_ticks(&busy0, &total0);
    double t_begin = now();

    for (int i = 0; i < o.concurrency; i++) {
        pid_t pid = fork();

        if (pid == 0)
            worker(ctx, slots + i, &w);
        if (pid < 0)
            usage("cannot fork");
    }
    if (!o.count) {
        double pause = w.start - now();

        if (pause > 0)
            usleep((useconds_t)(pause * 1e6));
        machine_ticks(&busy0, &total0);
        pause = w.end - now();
        if (pause > 0)
            usleep((useconds_t)(pause * 1e6));
        machine_ticks(&busy1, &total1);
    }
    while (wait(NULL) > 0 || errno == EINTR)
        ;
    t_end = now();
    if (o.count)
        machine_ticks(&busy1, &total1);
    return report(slots, o.count ? t_end - t_begin : o.seconds, busy1 - busy0, total1 - total0);
}
