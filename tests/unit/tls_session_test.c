/* tls_session_test - serialised sessions: round trip, corruption, truncation, expiry */

#include <string.h>
#include <time.h>

#include <openssl/sha.h>

#include "msg.h"
#include "vstring.h"

#include "tls.h"
#include "tls_level.h"
#include "tls_session.h"
#include "test.h"
#include "tls_test.h"

/* TEST_UNDER_VALGRIND */

/* real_session - a TLS 1.2 client session with a verified peer certificate */
static SSL_SESSION *real_session(void)
{
    TLS_APPL_STATE *sctx =
        tls_server_init(&(TLS_SERVER_INIT_PROPS){.chain_files = tls_test_file("ecdsa-chain.pem")});
    TLS_APPL_STATE *cctx =
        tls_client_init(&(TLS_CLIENT_INIT_PROPS){.CAfile = tls_test_file("root.pem")});
    TLS_CLIENT_START_PROPS cprops = {.ctx = cctx,
                                     .tls_level = TLS_LEV_VERIFY,
                                     .host = "mail.example.com",
                                     .protocols = "<=TLSv1.2",
                                     .namaddr = "server"};
    TLS_SERVER_START_PROPS sprops = {.ctx = sctx, .namaddr = "client"};
    TLS_TEST_PAIR pair;
    SSL_SESSION *session = NULL;

    if (tls_test_pair(&pair, &cprops, &sprops, 0) == 0 && tls_test_handshake(&pair) == 0)
        session = SSL_get1_session(pair.client->ssl);
    tls_test_pair_free(&pair);
    tls_server_free(sctx);
    tls_client_free(cctx);
    return session;
}

/* reseal - recompute the checksum after editing a header field */
static void reseal(VSTRING *value)
{
    unsigned char *p = (unsigned char *)vstring_str(value);
    size_t len = VSTRING_LEN(value);

    SHA256(p, len - 32, p + len - 32);
}

int main(void)
{
    SSL_SESSION *session, *copy;
    VSTRING *value = vstring_alloc(2000), *bad = vstring_alloc(2000);
    time_t now = time(NULL);
    TLS_SESSION_INFO info = {.created = now,
                             .lifetime = 3600,
                             .peer_status = TLS_CERT_FLAG_PRESENT | TLS_CERT_FLAG_TRUSTED,
                             .verify_result = 0},
                     got;
    const char *why = NULL;
    size_t len, rejected;

    msg_stderr_enable(0);
    session = real_session();
    TEST_CHECK(session != NULL, "a session from a real handshake");
    if (session == NULL)
        return test_summary("tls_session_test");
    TEST_CHECK(SSL_SESSION_get0_peer(session) != NULL, "original has the peer certificate");
    TEST_INT_EQ(tls_session_encode(value, session, &info), 0, "encode");
    len = VSTRING_LEN(value);
    copy = tls_session_decode(vstring_str(value), len, now, &got, &why);
    TEST_CHECK(copy != NULL, "decode the encoding: %s", why ? why : "ok");
    TEST_CHECK(copy && SSL_SESSION_get0_peer(copy) != NULL, "peer certificate survives");
    TEST_CHECK(got.created == now && got.lifetime == 3600 && got.peer_status == info.peer_status &&
                   got.verify_result == 0,
               "header facts survive");
    SSL_SESSION_free(copy);

    rejected = 0;
    for (size_t i = 0; i < len; i++) {
        vstring_memcpy(bad, vstring_str(value), len);
        vstring_str(bad)[i] ^= 0x5a;
        copy = tls_session_decode(vstring_str(bad), len, now, NULL, NULL);
        rejected += copy == NULL;
        SSL_SESSION_free(copy);
    }
    TEST_INT_EQ((long long)rejected, (long long)len, "every corrupted byte (%zu) is rejected", len);

    rejected = 0;
    for (size_t cut = 0; cut < len; cut++) {
        copy = tls_session_decode(vstring_str(value), cut, now, NULL, NULL);
        rejected += copy == NULL;
        SSL_SESSION_free(copy);
    }
    TEST_INT_EQ((long long)rejected, (long long)len, "every truncation is rejected");
    vstring_memcpy(bad, vstring_str(value), len);
    vstring_memcat(bad, "x", 1);
    TEST_CHECK(tls_session_decode(vstring_str(bad), len + 1, now, NULL, &why) == NULL,
               "trailing garbage rejected: %s", why);

    vstring_memcpy(bad, vstring_str(value), len);
    vstring_str(bad)[4] = 2;
    reseal(bad);
    TEST_CHECK(tls_session_decode(vstring_str(bad), len, now, NULL, &why) == NULL &&
                   strcmp(why, "unsupported version") == 0,
               "another format version is rejected");

    vstring_memcpy(bad, vstring_str(value), len);
    memset(vstring_str(bad) + 28, 0x30, 20); /* garbage DER under a good checksum */
    reseal(bad);
    TEST_CHECK(tls_session_decode(vstring_str(bad), len, now, NULL, &why) == NULL,
               "garbage DER with a valid checksum is rejected: %s", why);

    TEST_CHECK(tls_session_decode(vstring_str(value), len, now + 3601, NULL, &why) == NULL &&
                   strcmp(why, "expired") == 0,
               "expired entry rejected");
    TEST_CHECK(tls_session_decode(vstring_str(value), len, now - 1000, NULL, &why) == NULL,
               "entry from the future rejected");
    TEST_CHECK(tls_session_decode(NULL, 0, now, NULL, &why) == NULL, "NULL rejected");
    SSL_SESSION_free(session);
    vstring_free(value);
    vstring_free(bad);
    return test_summary("tls_session_test");
}
