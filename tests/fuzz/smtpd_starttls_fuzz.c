/*++
 * NAME
 *	smtpd_starttls_fuzz - fuzz the SMTP server session through STARTTLS
 * SUMMARY
 *	libFuzzer harness for smtpd_session() with the TLS library's
 *	in-memory client engine as the peer
 * DESCRIPTION
 *	A whole smtpd session runs with a TLS server context (level may,
 *	a certificate made at start-up), against a scripted client that the
 *	input describes:
 * .IP "byte 0: flags"
 *	1: the plaintext part arrives one line per read (else in one read);
 *	2: the TLS part is sent one line per record (else in one write);
 *	4: raw: after the server agreed to TLS, the TLS part goes to the
 *	server as it is, in place of a TLS client (garbage records, alerts,
 *	a truncated handshake); 8: the client ends with a bare end of input
 *	(no close_notify); 16: the client offers TLS 1.2 at most; 32: after
 *	the first TLS record, the client renegotiates (TLS 1.2) or asks for
 *	a key update (TLS 1.3); 64: the client refuses anonymous cipher
 *	suites, so that TLS 1.2 uses the server certificate too.
 * .IP "bytes 1-2: plaintext length"
 *	big-endian, cut to what is there.
 * .IP "the plaintext part"
 *	what the client sends before TLS, say "EHLO c\er\enSTARTTLS\er\en".
 *	What the server has not read when it starts TLS (pipelined after
 *	STARTTLS, and not in its buffer) arrives at the TLS engine as the
 *	first bytes of the handshake, as it would on a socket.
 * .IP "the rest: the TLS part"
 *	the commands sent through TLS once the handshake is done.
 * .PP
 *	The server's TLS session carries its ciphertext over an in-memory
 *	duplex (smtpd_tls_server_transport()); when the server waits for
 *	input, the client engine runs until it has sent something or has
 *	nothing more to say, and then it closes. Everything runs in one
 *	thread: no clock, socket or scheduler decides what happens (the TLS
 *	randomness aside), and nothing waits.
 *
 *	Properties: every reply line, in plaintext and inside TLS, is a
 *	three-digit code, ' ' or '-', text without CR or LF, and CRLF; no
 *	plaintext after "220 2.0.0 Ready to start TLS"; inside TLS, EHLO
 *	does not offer STARTTLS and STARTTLS is not accepted again; no
 *	memory error, leak or undefined behaviour.
 *
 *	FUZZ_VERBOSE=1 in the environment shows the log and both sides of
 *	the dialogue.
 *
 *	Fatal errors: nothing a client sends may stop smtpd, so a
 *	msg_fatal() is a finding (FUZZ_FATAL_FINDING), like a panic.
 * SEE ALSO
 *	smtpd(8), RFC 3207, tests/fuzz/smtpd_session_fuzz.c,
 *	tests/fuzz/README
 *--*/

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "config.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"

#include "tls.h"
#include "tls_bio.h"
#include "tls_client.h"
#include "tls_level.h"
#include "tls_transport.h"

#include "smtpd.h"
#include "smtpd_config.h"
#include "smtpd_tls.h"

#include "fuzz.h"

#define PEER_PLAIN_LINES (1 << 0) /* plaintext one line per read */
#define PEER_TLS_LINES   (1 << 1) /* TLS part one line per record */
#define PEER_RAW         (1 << 2) /* TLS part as raw bytes, no client engine */
#define PEER_NO_NOTIFY   (1 << 3) /* end without close_notify */
#define PEER_TLS12       (1 << 4) /* TLS 1.2 at most */
#define PEER_RENEGOTIATE (1 << 5) /* renegotiate or update keys after the first record */
#define PEER_NO_ANON     (1 << 6) /* no anonymous cipher suites: the certificate is used */

#define PEER_READY_LINE "220 2.0.0 Ready to start TLS"

/* Where the scripted client is. */
typedef enum PEER_PHASE {
    PEER_PHASE_START,     /* TLS not begun */
    PEER_PHASE_HANDSHAKE, /* client handshake in progress */
    PEER_PHASE_SEND,      /* sending the TLS part */
    PEER_PHASE_CLOSED,    /* nothing more to send: end of input for the server */
} PEER_PHASE;

/* The scripted client and the server's end of the duplex. */
typedef struct PEER {
    int flags;            /* PEER_* */
    const char *plain;    /* plaintext part */
    size_t plain_len;     /* its length */
    size_t plain_pos;     /* bytes the server has read */
    const char *tls;      /* TLS part */
    size_t tls_len;       /* its length */
    size_t tls_pos;       /* bytes sent */
    int records;          /* TLS records written */
    PEER_PHASE phase;     /* where the client is */
    TLS_MEMPIPE *pipe;    /* side 0: server, side 1: client */
    TLS_TRANSPORT client; /* the client's end */
    TLS_SESS_STATE *conn; /* the client engine, or NULL */
    VSTRING *plain_out;   /* what the server wrote in plaintext */
    VSTRING *tls_out;     /* what the client read through TLS */
    TLS_APPL_STATE *ctx;  /* client context; not owned */
} PEER;

/* Set up once. */
static const SMTPD_CONFIG *fuzz_cfg; /* the server */
static TLS_APPL_STATE *fuzz_client;  /* the client context */
static int fuzz_devnull = -1;        /* the server stream's descriptor */

/* peer_chunk - the next piece of text: one line, or all of it */

static size_t peer_chunk(const char *text, size_t len, bool lines)
{
    const char *nl;

    if (!lines || (nl = memchr(text, '\n', len)) == NULL)
        return len;
    return nl - text + 1;
}

/* peer_plain_read - VSTREAM read function: the plaintext part */

static ssize_t peer_plain_read(int unused_fd, void *buf, size_t len, int unused_timeout,
                               void *context)
{
    PEER *peer = context;
    size_t n = peer_chunk(peer->plain + peer->plain_pos, peer->plain_len - peer->plain_pos,
                          peer->flags & PEER_PLAIN_LINES);

    if (n > len)
        n = len;
    memcpy(buf, peer->plain + peer->plain_pos, n);
    peer->plain_pos += n;
    return n;
}

/* peer_plain_write - VSTREAM write function: the server's plaintext */

static ssize_t peer_plain_write(int unused_fd, const void *buf, size_t len, int unused_timeout,
                                void *context)
{
    PEER *peer = context;

    vstring_memcat(peer->plain_out, buf, len);
    return len;
}

/* peer_close - the client says no more */

static void peer_close(PEER *peer)
{
    if (peer->phase != PEER_PHASE_CLOSED) {
        tls_mempipe_close(peer->pipe, 1);
        peer->phase = PEER_PHASE_CLOSED;
    }
}

/* peer_send_raw - bytes from the client as they are */

static void peer_send_raw(PEER *peer, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = peer->client.send(peer->client.context, data, len);

        if (n <= 0)
            msg_panic("%s: in-memory send failed", __func__);
        data += n;
        len -= n;
    }
}

/* peer_drain - read what the server sent: false at its end */

static bool peer_drain(PEER *peer)
{
    char buf[4096];
    size_t done;
    int status;

    if (peer->flags & PEER_RAW) {
        ssize_t n;

        while ((n = peer->client.recv(peer->client.context, buf, sizeof(buf))) > 0)
            /* void */;
        return n != 0;
    }
    while ((status = tls_bio_step(peer->conn, TLS_BIO_OP_READ, buf, sizeof(buf), &done)) ==
           TLS_BIO_DONE)
        vstring_memcat(peer->tls_out, buf, done);
    return status != TLS_BIO_EOF && status != TLS_BIO_ERROR;
}

/* peer_start - the server began TLS: raw bytes, or a client engine */

static void peer_start(PEER *peer)
{
    /* Plaintext the server had not read reaches its TLS engine first. */
    peer_send_raw(peer, peer->plain + peer->plain_pos, peer->plain_len - peer->plain_pos);
    peer->plain_pos = peer->plain_len;
    if (peer->flags & PEER_RAW) {
        peer_send_raw(peer, peer->tls, peer->tls_len);
        peer_close(peer);
        return;
    }
    peer->conn = tls_client_open(&(TLS_CLIENT_START_PROPS){
        .ctx = peer->ctx,
        .transport = &peer->client,
        .tls_level = TLS_LEV_ENCRYPT,
        .nexthop = "example.com",
        .host = "mx.example.com",
        .addr = "192.0.2.1",
        .port = 25,
        .namaddr = "mx.example.com[192.0.2.1]:25",
        .serverid = "smtp",
        .helo = "client.example.org",
        .protocols = (peer->flags & PEER_TLS12) ? "!TLSv1.3" : NULL,
        .cipher_exclusions = (peer->flags & PEER_NO_ANON) ? "aNULL" : NULL,
    });
    if (peer->conn == NULL)
        msg_panic("%s: cannot start the client engine", __func__);
    peer->phase = PEER_PHASE_HANDSHAKE;
}

/* peer_send_record - one piece of the TLS part through the engine */

static int peer_send_record(PEER *peer)
{
    size_t len = peer_chunk(peer->tls + peer->tls_pos, peer->tls_len - peer->tls_pos,
                            peer->flags & PEER_TLS_LINES);
    size_t done;
    int status;

    while (len > 0) {
        status = tls_bio_step(peer->conn, TLS_BIO_OP_WRITE, (void *)(peer->tls + peer->tls_pos),
                              len, &done);
        if (status != TLS_BIO_DONE)
            return -1;
        peer->tls_pos += done;
        len -= done;
    }
    if (peer->records++ == 0 && (peer->flags & PEER_RENEGOTIATE)) {
        if (SSL_version(peer->conn->ssl) >= TLS1_3_VERSION)
            (void)SSL_key_update(peer->conn->ssl, SSL_KEY_UPDATE_REQUESTED);
        else
            (void)SSL_renegotiate(peer->conn->ssl);
        (void)tls_bio_step(peer->conn, TLS_BIO_OP_HANDSHAKE, NULL, 0, NULL);
    }
    return tls_bio_step(peer->conn, TLS_BIO_OP_FLUSH, NULL, 0, NULL) == TLS_BIO_ERROR ? -1 : 0;
}

/* peer_end - the TLS part is sent: close_notify or not, then end of input */

static void peer_end(PEER *peer)
{
    if (!(peer->flags & PEER_NO_NOTIFY)) {
        (void)SSL_shutdown(peer->conn->ssl);
        (void)tls_bio_step(peer->conn, TLS_BIO_OP_FLUSH, NULL, 0, NULL);
    }
    peer_close(peer);
}

/* peer_step - run the client once: it sends something, or closes */

static void peer_step(PEER *peer)
{
    size_t before = tls_mempipe_sends(peer->pipe, 1);

    if (peer->phase == PEER_PHASE_START)
        peer_start(peer);
    for (int round = 0; round < 100 && peer->phase != PEER_PHASE_CLOSED; round++) {
        if (peer->phase == PEER_PHASE_HANDSHAKE) {
            int status = tls_bio_step(peer->conn, TLS_BIO_OP_HANDSHAKE, NULL, 0, NULL);

            if (status == TLS_BIO_ERROR) {
                peer_close(peer);
            } else if (status == TLS_BIO_DONE) {
                (void)tls_client_post_connect(peer->conn);
                peer->phase = PEER_PHASE_SEND;
            }
        } else if (!peer_drain(peer) || peer->tls_pos >= peer->tls_len) {
            peer_end(peer);
        } else if (peer_send_record(peer) < 0) {
            peer_close(peer);
        }
        if (tls_mempipe_sends(peer->pipe, 1) > before)
            return;
        if (peer->phase == PEER_PHASE_HANDSHAKE && tls_mempipe_queued(peer->pipe, 0) == 0)
            break;
    }
    /* Nothing to say while the server waits: the end. */
    peer_close(peer);
}

/* peer_wait - the server's transport waits: run the client */

static int peer_wait(void *context, int events, int unused_timeout)
{
    PEER *peer = context;

    if ((events & POLLIN) && tls_mempipe_queued(peer->pipe, 1) == 0)
        peer_step(peer);
    return 1;
}

/* peer_alloc - the client of one input */

static PEER *peer_alloc(const uint8_t *data, size_t size)
{
    PEER *peer = mycalloc(1, sizeof(*peer));
    size_t plain_len;

    peer->flags = size > 0 ? data[0] : 0;
    plain_len = size > 2 ? (size_t)data[1] << 8 | data[2] : 0;
    data += size > 3 ? 3 : size;
    size -= size > 3 ? 3 : size;
    if (plain_len > size)
        plain_len = size;
    peer->plain = (const char *)data;
    peer->plain_len = plain_len;
    peer->tls = (const char *)data + plain_len;
    peer->tls_len = size - plain_len;
    peer->pipe = tls_mempipe_create(0);
    peer->client = tls_mempipe_end(peer->pipe, 1);
    peer->plain_out = vstring_alloc(1000);
    peer->tls_out = vstring_alloc(1000);
    peer->ctx = fuzz_client;
    return peer;
}

/* peer_recv - the server's end: receive from the client */

static ssize_t peer_recv(void *context, void *buf, size_t len)
{
    PEER *peer = context;
    TLS_TRANSPORT end = tls_mempipe_end(peer->pipe, 0);

    return end.recv(end.context, buf, len);
}

/* peer_send - the server's end: send to the client */

static ssize_t peer_send(void *context, const void *buf, size_t len)
{
    PEER *peer = context;
    TLS_TRANSPORT end = tls_mempipe_end(peer->pipe, 0);

    return end.send(end.context, buf, len);
}

/* peer_free - release the client */

static void peer_free(PEER *peer)
{
    if (peer->conn)
        tls_sess_free(peer->conn);
    tls_mempipe_free(peer->pipe);
    vstring_free(peer->plain_out);
    vstring_free(peer->tls_out);
    myfree(peer);
}

/* check_replies - well-formed reply lines; returns the number of lines */

static int check_replies(const VSTRING *out, const char *where)
{
    const char *cp = vstring_str(out);
    const char *end = cp + VSTRING_LEN(out);
    const char *eol;
    int lines = 0;

    for (; cp < end; cp = eol + 2, lines++) {
        if ((eol = memchr(cp, '\r', end - cp)) == NULL || eol + 1 >= end || eol[1] != '\n')
            msg_panic("%s: reply without CRLF: \"%.*s\"", where, (int)(end - cp), cp);
        if (eol - cp < 3 || !isdigit((unsigned char)cp[0]) || !isdigit((unsigned char)cp[1]) ||
            !isdigit((unsigned char)cp[2]) || (eol - cp > 3 && cp[3] != ' ' && cp[3] != '-'))
            msg_panic("%s: malformed reply line: \"%.*s\"", where, (int)(eol - cp), cp);
        if (memchr(cp, '\n', eol - cp) != NULL)
            msg_panic("%s: reply line with a bare LF: \"%.*s\"", where, (int)(eol - cp), cp);
    }
    return lines;
}

/* find_line - the first reply line that is exactly line, or NULL */

static const char *find_line(const char *text, const char *line)
{
    size_t len = strlen(line);

    for (const char *cp = text; cp && *cp; cp = strstr(cp, "\r\n"), cp = cp ? cp + 2 : NULL)
        if (strncmp(cp, line, len) == 0 && strncmp(cp + len, "\r\n", 2) == 0)
            return cp;
    return NULL;
}

/*
 * check_session - the properties of one session (whole reply lines only:
 * replies echo client text, which may spell any of them)
 */
static void check_session(const PEER *peer)
{
    const char *plain = vstring_str(peer->plain_out);
    const char *ready = find_line(plain, PEER_READY_LINE);
    const char *tls = vstring_str(peer->tls_out);

    if (getenv("FUZZ_VERBOSE"))
        fprintf(stderr, "plaintext replies:\n%s\nreplies inside TLS:\n%s\n", plain, tls);
    (void)check_replies(peer->plain_out, "plaintext");
    (void)check_replies(peer->tls_out, "inside TLS");
    if (ready && ready[strlen(PEER_READY_LINE) + 2] != 0)
        msg_panic("plaintext after the server agreed to TLS: \"%s\"",
                  ready + strlen(PEER_READY_LINE) + 2);
    if (find_line(tls, "250-STARTTLS") || find_line(tls, "250 STARTTLS"))
        msg_panic("EHLO inside TLS offers STARTTLS: \"%s\"", tls);
    if (find_line(tls, PEER_READY_LINE))
        msg_panic("STARTTLS accepted inside TLS: \"%s\"", tls);
}

/* starttls_run - one session */

static void starttls_run(void *context)
{
    PEER *peer = context;
    VSTREAM *stream = vstream_fdopen(fuzz_devnull, VSTREAM_FLAG_RW | VSTREAM_FLAG_NOCLOSE);
    TLS_TRANSPORT server = {
        .recv = peer_recv,
        .send = peer_send,
        .wait = peer_wait,
        .context = peer,
    };
    SMTPD_STATE *state;

    vstream_set_io(stream, peer_plain_read, peer_plain_write, peer);
    smtpd_tls_server_transport(fuzz_cfg->tls, &server);
    state = smtpd_state_alloc(fuzz_cfg, stream, stream, false);
    smtpd_session(state);
    smtpd_state_free(state);
    smtpd_tls_server_transport(fuzz_cfg->tls, NULL);
    vstream_close(stream);
    if (peer->conn)
        (void)peer_drain(peer);
    check_session(peer);
}

/* starttls_certificate - a self-signed ECDSA certificate and key, in files */

static void starttls_certificate(char **out_cert, char **out_key)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *cert = X509_new();
    X509_NAME *name;
    BIO *bio;
    char *data;
    long len;

    if (key == NULL || cert == NULL)
        msg_fatal("%s: cannot make a key", __func__);
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 30L * 86400);
    name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"mx.example.com",
                               -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_set_pubkey(cert, key);
    if (X509_sign(cert, key, EVP_sha256()) <= 0)
        msg_fatal("%s: cannot sign the certificate", __func__);
    bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    len = BIO_get_mem_data(bio, &data);
    *out_cert = mystrdup(fuzz_tempfile("cert.pem", data, len));
    BIO_free(bio);
    bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL);
    len = BIO_get_mem_data(bio, &data);
    *out_key = mystrdup(fuzz_tempfile("key.pem", data, len));
    BIO_free(bio);
    X509_free(cert);
    EVP_PKEY_free(key);
}

/* starttls_config - server and client set-up, once */

static void starttls_config(void *unused_context)
{
    VSTRING *main_cf = vstring_alloc(1000);
    char *cert, *key;
    const char *path;
    char dir[4096];
    CONFIG *config;

    starttls_certificate(&cert, &key);
    vstring_sprintf(main_cf,
                    "myhostname = mx.example.com\n"
                    "mydomain = example.com\n"
                    "mynetworks = 127.0.0.0/8\n"
                    "smtpd_error_sleep_time = 0\n"
                    "smtpd_timeout = 10s\n"
                    "smtpd_starttls_timeout = 10s\n"
                    "smtpd_tls_security_level = may\n"
                    "smtpd_tls_loglevel = 1\n"
                    "smtpd_tls_cert_file = %s\n"
                    "smtpd_tls_key_file = %s\n"
                    "smtpd_recipient_restrictions = permit_mynetworks, "
                    "reject_unauth_destination\n",
                    cert, key);
    path = fuzz_tempfile("main.cf", vstring_str(main_cf), VSTRING_LEN(main_cf));
    snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(path, '/') - path), path);
    config = config_load(dir);
    config_override(config, "queue_directory", dir);
    config_set_current(config);
    fuzz_cfg = smtpd_config_init(config, "smtp", false);
    if (fuzz_cfg->tls == NULL)
        msg_fatal("%s: no TLS server context", __func__);
    fuzz_client = tls_client_init(&(TLS_CLIENT_INIT_PROPS){.log_level = "0"});
    if (fuzz_client == NULL)
        msg_fatal("%s: no TLS client context", __func__);
    if ((fuzz_devnull = open("/dev/null", O_RDWR)) < 0)
        msg_fatal("open /dev/null: %m");
    myfree(cert);
    myfree(key);
    vstring_free(main_cf);
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    PEER *peer;

    fuzz_init("smtpd_starttls_fuzz");
    if (fuzz_cfg == NULL)
        fuzz_call(starttls_config, NULL, FUZZ_FATAL_FINDING);
    peer = peer_alloc(data, size);
    fuzz_call(starttls_run, peer, FUZZ_FATAL_FINDING);
    peer_free(peer);
    return 0;
}
