/* tls_scache_test - resumption by session id and by ticket, single-use tickets, cache keys */

#include <string.h>
#include <time.h>

#include "msg.h"
#include "vstring.h"

#include "tls.h"
#include "tls_client.h"
#include "tls_level.h"
#include "tls_log.h"
#include "tls_scache.h"
#include "tls_scache_mem.h"
#include "tls_server.h"
#include "test.h"
#include "tls_test.h"

/* TEST_UNDER_VALGRIND */

typedef struct SETUP {
    TLS_SCACHE_MEM *server_cache;
    TLS_SCACHE_MEM *client_cache;
    TLS_APPL_STATE *server;
    TLS_APPL_STATE *client;
} SETUP;

static SETUP setup(const char *ssl_options, int timeout)
{
    SETUP s;
    TLS_PARAMS params;

    tls_params_init(&params);
    params.ssl_options = ssl_options;
    s.server_cache = tls_scache_mem_create(timeout);
    s.client_cache = tls_scache_mem_create(timeout);
    s.server = tls_server_init(&(TLS_SERVER_INIT_PROPS){
        .params = &params,
        .log_level = "1",
        .chain_files = tls_test_file("ecdsa-chain.pem"),
        .session_timeout = timeout,
        .serverid = "smtp",
        .cache = tls_scache_mem_ops(s.server_cache),
    });
    s.client = tls_client_init(&(TLS_CLIENT_INIT_PROPS){
        .log_level = "1",
        .CAfile = tls_test_file("root.pem"),
        .session_timeout = timeout,
        .cache = tls_scache_mem_ops(s.client_cache),
    });
    return s;
}

static void teardown(SETUP *s)
{
    tls_server_free(s->server);
    tls_client_free(s->client);
    tls_scache_mem_free(s->server_cache);
    tls_scache_mem_free(s->client_cache);
}

/* Outcome of one connection. */
typedef struct RESULT {
    int ok;
    int reused;
    int ticket_issued;
    char trust[20];
} RESULT;

/* one_connection - handshake, one reply from the server (it carries TLS 1.3 tickets), close */
static RESULT one_connection(SETUP *s, int level, const char *protocols)
{
    TLS_CLIENT_START_PROPS cprops = {
        .ctx = s->client,
        .tls_level = level,
        .nexthop = "example.com",
        .host = "mail.example.com",
        .addr = "192.0.2.1",
        .port = 25,
        .namaddr = "mail.example.com[192.0.2.1]:25",
        .serverid = "smtp",
        .protocols = protocols,
    };
    TLS_SERVER_START_PROPS sprops = {.ctx = s->server, .namaddr = "client[198.51.100.7]"};
    TLS_TEST_PAIR pair;
    VSTRING *got = vstring_alloc(100);
    RESULT r = {0, 0, 0, ""};

    if (tls_test_pair(&pair, &cprops, &sprops, 0) == 0 && tls_test_handshake(&pair) == 0) {
        tls_test_send(pair.client, pair.server, "EHLO x\r\n", got);
        r.ok =
            strcmp(tls_test_send(pair.server, pair.client, "250 ok\r\n", got), "250 ok\r\n") == 0;
        r.reused = pair.client->session_reused && pair.server->session_reused;
        r.ticket_issued = pair.server->ticket_issued;
        snprintf(r.trust, sizeof(r.trust), "%s", tls_log_trust(pair.client));
        tls_bio_step(pair.client, TLS_BIO_OP_SHUTDOWN, NULL, 0, NULL);
    }
    tls_test_pair_free(&pair);
    vstring_free(got);
    return r;
}

static void test_tls13_tickets(void)
{
    SETUP s = setup("", 3600);
    RESULT r;

    r = one_connection(&s, TLS_LEV_VERIFY, NULL);
    TEST_CHECK(r.ok && !r.reused && r.ticket_issued, "TLS 1.3: full handshake issues a ticket");
    TEST_INT_EQ(tls_scache_mem_count(s.client_cache), 1, "TLS 1.3: client stored the ticket");
    TEST_INT_EQ(tls_scache_mem_count(s.server_cache), 0, "TLS 1.3: tickets need no server cache");
    for (int i = 2; i <= 5; i++) {
        tls_test_log_reset();
        r = one_connection(&s, TLS_LEV_VERIFY, NULL);
        TEST_CHECK(r.ok && r.reused, "TLS 1.3: connection %d resumes with a single-use ticket", i);
        TEST_CHECK(r.ticket_issued, "TLS 1.3: connection %d got a fresh ticket", i);
        TEST_INT_EQ(tls_scache_mem_count(s.client_cache), 1,
                    "TLS 1.3: connection %d: one ticket in the client cache", i);
        TEST_STR_EQ(r.trust, "Verified", "TLS 1.3: connection %d: resumed peer still verified", i);
    }
    TEST_INT_EQ(tls_test_logged("Verified TLS connection reused to mail.example.com[192.0.2.1]:25: "
                                "TLSv1.3 with cipher"),
                1, "TLS 1.3: summary says reused");
    /* Keys age: past half the timeout the old key only decrypts, and the ticket is renewed. */
    tls_scache_mem_set_time(s.server_cache, time(NULL) + 1801);
    r = one_connection(&s, TLS_LEV_VERIFY, NULL);
    TEST_CHECK(r.ok && r.reused && r.ticket_issued, "TLS 1.3: ticket of an old key resumes");
    tls_scache_mem_set_time(s.server_cache, time(NULL) + 3 * 3600);
    r = one_connection(&s, TLS_LEV_VERIFY, NULL);
    TEST_CHECK(r.ok && !r.reused, "TLS 1.3: ticket of a forgotten key does not resume");
    teardown(&s);
}

static void test_tls12_tickets(void)
{
    SETUP s = setup("", 3600);
    RESULT r;

    r = one_connection(&s, TLS_LEV_VERIFY, "<=TLSv1.2");
    TEST_CHECK(r.ok && !r.reused && r.ticket_issued, "TLS 1.2 ticket: full handshake");
    for (int i = 2; i <= 3; i++) {
        r = one_connection(&s, TLS_LEV_VERIFY, "<=TLSv1.2");
        TEST_CHECK(r.ok && r.reused, "TLS 1.2 ticket: connection %d resumes", i);
    }
    TEST_INT_EQ(tls_scache_mem_count(s.server_cache), 0, "TLS 1.2 ticket: no server cache used");
    teardown(&s);
}

static void test_tls12_session_id(void)
{
    SETUP s = setup("NO_TICKET", 3600);
    RESULT r;

    r = one_connection(&s, TLS_LEV_VERIFY, "<=TLSv1.2");
    TEST_CHECK(r.ok && !r.reused && !r.ticket_issued, "session id: full handshake, no ticket");
    TEST_INT_EQ(tls_scache_mem_count(s.server_cache), 1, "session id: server stored the session");
    for (int i = 2; i <= 3; i++) {
        r = one_connection(&s, TLS_LEV_VERIFY, "<=TLSv1.2");
        TEST_CHECK(r.ok && r.reused, "session id: connection %d resumes", i);
    }
    teardown(&s);

    s = setup("NO_TICKET", 3600);
    for (int i = 1; i <= 4; i++) {
        r = one_connection(&s, TLS_LEV_VERIFY, NULL);
        TEST_CHECK(r.ok && r.reused == (i > 1), "TLS 1.3 stateful (NO_TICKET): connection %d %s", i,
                   i > 1 ? "resumes" : "is a full handshake");
    }
    teardown(&s);

    s = setup("", 0);
    r = one_connection(&s, TLS_LEV_VERIFY, "<=TLSv1.2");
    r = one_connection(&s, TLS_LEV_VERIFY, "<=TLSv1.2");
    TEST_CHECK(r.ok && !r.reused, "cache timeout 0: no resumption");
    TEST_INT_EQ(tls_scache_mem_count(s.client_cache) + tls_scache_mem_count(s.server_cache), 0,
                "cache timeout 0: nothing stored");
    teardown(&s);
}

static void test_segregation(void)
{
    SETUP s = setup("", 3600);
    RESULT r;

    r = one_connection(&s, TLS_LEV_MAY, "<=TLSv1.2");
    TEST_CHECK(r.ok && !r.reused, "may: full handshake");
    r = one_connection(&s, TLS_LEV_MAY, "<=TLSv1.2");
    TEST_CHECK(r.ok && r.reused, "may: resumes under the same policy");
    r = one_connection(&s, TLS_LEV_VERIFY, "<=TLSv1.2");
    TEST_CHECK(r.ok && !r.reused, "verify: the session from may is not offered");
    TEST_INT_EQ(tls_scache_mem_count(s.client_cache), 2, "two policies, two cache entries");
    teardown(&s);
}

static void test_keys(void)
{
    char *a = tls_scache_client_id("smtp", "example.com", "mx.example.com", "192.0.2.1", 25, "p1");
    char *b = tls_scache_client_id("smtp", "example.com", "mx.example.com", "192.0.2.1", 25, "p2");
    char *c = tls_scache_client_id("sm&tp", "ex%ample", NULL, "::1", 587, "p1");
    char *d = tls_scache_server_id((const unsigned char *)"\x01\xfe", 2, "submission");

    TEST_CHECK(strncmp(a, "smtp&example.com&mx.example.com&192.0.2.1&25&", 45) == 0 &&
                   strlen(a) == 45 + 64,
               "client key layout: %s", a);
    TEST_CHECK(strcmp(a, b) != 0, "policy digest changes the key");
    TEST_CHECK(strncmp(c, "sm%26tp&ex%25ample&&::1&587&", 28) == 0, "fields escaped: %s", c);
    TEST_CHECK(strncmp(d, "01FE&s=submission&l=", 20) == 0, "server key layout: %s", d);
    myfree(a);
    myfree(b);
    myfree(c);
    myfree(d);
}

int main(void)
{
    msg_stderr_enable(getenv("TLS_TEST_VERBOSE") != NULL);
    tls_test_certs();
    tls_test_capture();
    test_tls13_tickets();
    test_tls12_tickets();
    test_tls12_session_id();
    test_segregation();
    test_keys();
    return test_summary("tls_scache_test");
}
