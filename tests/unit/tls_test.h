/*
 * tls_test.h - helpers shared by the TLS unit tests
 *
 *	tls_test_certs()	make fresh certificates in a temporary
 *				directory (tests/data/mkcerts.sh), removed at exit
 *	tls_test_file(name)	path of a file there (static buffers, 32 slots)
 *	tls_test_capture()	start capturing log lines; tls_test_logged()
 *				counts captured lines containing a string,
 *				tls_test_log_reset() forgets them
 *	tls_test_pair()		client and server engines over an in-memory
 *				duplex; tls_test_handshake() steps both until
 *				done; tls_test_send() moves plaintext across
 *	tls_test_record()	wrap a transport so that every byte it sends
 *				is also appended to a VSTRING (what went on
 *				the wire)
 *
 * Tests run from the top of the tree (tests/run does cd there).
 */
#ifndef TLS_TEST_H
#define TLS_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "tls.h"
#include "tls_bio.h"
#include "tls_client.h"
#include "tls_server.h"
#include "tls_transport.h"

static char tls_test_dir[256];
static ARGV *tls_test_lines;

static void tls_test_cleanup(void)
{
    char cmd[300];

    if (tls_test_dir[0]) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tls_test_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "cannot remove %s\n", tls_test_dir);
    }
}

static inline const char *tls_test_certs(void)
{
    char cmd[400];

    if (tls_test_dir[0])
        return tls_test_dir;
    snprintf(tls_test_dir, sizeof(tls_test_dir), "/tmp/tls_test.XXXXXX");
    if (mkdtemp(tls_test_dir) == NULL) {
        perror("mkdtemp");
        exit(1);
    }
    atexit(tls_test_cleanup);
    snprintf(cmd, sizeof(cmd), "sh tests/data/mkcerts.sh '%s' >/dev/null", tls_test_dir);
    if (system(cmd) != 0) {
        printf("not ok - cannot make test certificates\n");
        exit(1);
    }
    return tls_test_dir;
}

static inline const char *tls_test_file(const char *name)
{
    static char paths[32][300];
    static int slot;
    char *path = paths[slot++ % 32];

    snprintf(path, sizeof(paths[0]), "%s/%s", tls_test_certs(), name);
    return path;
}

static void tls_test_capture_fn(enum msg_level level, const char *text, void *unused_context)
{
    argv_add(tls_test_lines, text);
}

static inline void tls_test_capture(void)
{
    if (tls_test_lines == NULL) {
        tls_test_lines = argv_alloc(10);
        msg_output_add(tls_test_capture_fn, NULL);
    }
}

static inline void tls_test_log_reset(void)
{
    if (tls_test_lines)
        argv_truncate(tls_test_lines, 0);
}

static inline int tls_test_logged(const char *substring)
{
    int count = 0;

    for (size_t i = 0; tls_test_lines && i < tls_test_lines->argc; i++)
        if (strstr(tls_test_lines->argv[i], substring))
            count++;
    return count;
}

/* A transport that keeps a copy of what it sends. */
typedef struct TLS_TEST_RECORDER {
    TLS_TRANSPORT inner; /* the wrapped transport */
    VSTRING *sent;       /* every byte sent, owned by the caller */
} TLS_TEST_RECORDER;

static ssize_t tls_test_record_recv(void *context, void *buf, size_t len)
{
    TLS_TEST_RECORDER *r = context;

    return r->inner.recv(r->inner.context, buf, len);
}

static ssize_t tls_test_record_send(void *context, const void *buf, size_t len)
{
    TLS_TEST_RECORDER *r = context;
    ssize_t n = r->inner.send(r->inner.context, buf, len);

    if (n > 0)
        vstring_memcat(r->sent, buf, (size_t)n);
    return n;
}

static inline TLS_TRANSPORT tls_test_record(TLS_TEST_RECORDER *r, TLS_TRANSPORT inner,
                                            VSTRING *sent)
{
    r->inner = inner;
    r->sent = sent;
    return (TLS_TRANSPORT){
        .recv = tls_test_record_recv, .send = tls_test_record_send, .context = r};
}

/* A client and a server engine over one in-memory duplex. */
typedef struct TLS_TEST_PAIR {
    TLS_MEMPIPE *pipe;
    TLS_SESS_STATE *client;
    TLS_SESS_STATE *server;
} TLS_TEST_PAIR;

static inline int tls_test_pair(TLS_TEST_PAIR *pair, TLS_CLIENT_START_PROPS *cprops,
                                TLS_SERVER_START_PROPS *sprops, size_t capacity)
{
    TLS_TRANSPORT ct, st;

    pair->pipe = tls_mempipe_create(capacity);
    ct = tls_mempipe_end(pair->pipe, 0);
    st = tls_mempipe_end(pair->pipe, 1);
    cprops->transport = &ct;
    sprops->transport = &st;
    pair->client = tls_client_open(cprops);
    pair->server = tls_server_open(sprops);
    return pair->client && pair->server ? 0 : -1;
}

/* Step both handshakes; after its own is done, a side flushes. 0 when both done. */
static inline int tls_test_handshake(TLS_TEST_PAIR *pair)
{
    int cdone = 0, sdone = 0;

    for (int round = 0; round < 200; round++) {
        int cs, ss;

        cs = tls_bio_step(pair->client, cdone ? TLS_BIO_OP_FLUSH : TLS_BIO_OP_HANDSHAKE, NULL, 0,
                          NULL);
        ss = tls_bio_step(pair->server, sdone ? TLS_BIO_OP_FLUSH : TLS_BIO_OP_HANDSHAKE, NULL, 0,
                          NULL);
        if (cs == TLS_BIO_ERROR || ss == TLS_BIO_ERROR) {
            tls_print_errors();
            return -1;
        }
        if (cs == TLS_BIO_DONE && !cdone) {
            cdone = 1;
            tls_client_post_connect(pair->client);
        }
        if (ss == TLS_BIO_DONE && !sdone) {
            sdone = 1;
            tls_server_post_accept(pair->server);
        }
        if (cdone && sdone)
            return 0;
    }
    return -1;
}

/* Write text on one side and read it on the other; returns what was read. */
static inline const char *tls_test_send(TLS_SESS_STATE *from, TLS_SESS_STATE *to, const char *text,
                                        VSTRING *got)
{
    size_t len = strlen(text), done = 0;
    int wrote = 0;
    char buf[4096];

    VSTRING_RESET(got);
    for (int idle = 0; idle < 2000 && VSTRING_LEN(got) < len;) {
        size_t before = VSTRING_LEN(got);

        int status;

        if (!wrote) {
            status = tls_bio_step(from, TLS_BIO_OP_WRITE, (void *)text, len, &done);
            if (status == TLS_BIO_DONE)
                wrote = 1;
            else if (status == TLS_BIO_ERROR)
                break;
        } else {
            tls_bio_step(from, TLS_BIO_OP_FLUSH, NULL, 0, NULL);
        }
        status = tls_bio_step(to, TLS_BIO_OP_READ, buf, sizeof(buf), &done);
        if (status == TLS_BIO_DONE)
            vstring_memcat(got, buf, done);
        else if (status == TLS_BIO_ERROR || status == TLS_BIO_EOF)
            break;
        idle = VSTRING_LEN(got) > before ? 0 : idle + 1;
    }
    return vstring_str(got);
}

static inline void tls_test_pair_free(TLS_TEST_PAIR *pair)
{
    tls_sess_free(pair->client);
    tls_sess_free(pair->server);
    tls_mempipe_free(pair->pipe);
    pair->client = pair->server = NULL;
    pair->pipe = NULL;
}

#endif
