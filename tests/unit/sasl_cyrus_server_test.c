/*
 * sasl_cyrus_server_test - the Cyrus SASL server back end through the
 * sasl_server interface, against a private sasldb that saslpasswd2 writes
 * into a temporary directory (with smtpd.conf found through the
 * configuration path): the mechanism list under the security options,
 * PLAIN (initial response, empty challenge, right and wrong password,
 * unknown user), LOGIN and CRAM-MD5 step by step, malformed base64, an
 * unknown security option. It needs saslpasswd2 (sasl2-bin) and the
 * Cyrus plug-ins (libsasl2-modules, libsasl2-modules-db), as smtpd does.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base64_code.h"
#include "msg.h"
#include "vstring.h"

#include "sasl_server.h"
#include "test.h"

static SASL_SERVER_IMPL *impl;

/* b64 - base64 of a buffer, in a static VSTRING */

static const char *b64(const void *data, size_t len)
{
    static VSTRING *buf;

    if (buf == NULL)
        buf = vstring_alloc(100);
    return vstring_str(base64_encode(buf, data, len));
}

/* session_in - one session object with the given options and realm */

static SASL_SERVER *session_in(const char *realm, const char *options, bool tls)
{
    return sasl_server_create(impl, &(SASL_SESSION_ARGS){
                                        .service = "smtp",
                                        .server_addr = "127.0.0.1",
                                        .server_port = "587",
                                        .client_addr = "127.0.0.1",
                                        .client_port = "40000",
                                        .user_realm = realm,
                                        .security_options = options,
                                        .tls = tls,
                                    });
}

/* session - one session object in the realm example.test */

static SASL_SERVER *session(const char *options, bool tls)
{
    return session_in("example.test", options, tls);
}

/* make_sasldb - DIR/sasldb2 with alice, and DIR/smtpd.conf; 0 or -1 */

static int make_sasldb(const char *dir)
{
    VSTRING *cmd = vstring_alloc(200);
    FILE *fp;
    int status;

    vstring_sprintf(cmd,
                    "printf %%s 'Sesame-0pen' | PATH=$PATH:/usr/sbin:/sbin saslpasswd2 -f "
                    "%s/sasldb2 -c -p -u example.test alice",
                    dir);
    status = system(vstring_str(cmd));
    vstring_sprintf(cmd,
                    "printf %%s 'Carol-pw' | PATH=$PATH:/usr/sbin:/sbin saslpasswd2 -f %s/sasldb2 "
                    "-p -u mail.example.test carol",
                    dir);
    if (status == 0)
        status = system(vstring_str(cmd));
    vstring_sprintf(cmd, "%s/smtpd.conf", dir);
    if (status == 0 && (fp = fopen(vstring_str(cmd), "w")) != NULL) {
        fprintf(fp,
                "pwcheck_method: auxprop\nauxprop_plugin: sasldb\nsasldb_path: %s/sasldb2\n"
                "mech_list: PLAIN LOGIN CRAM-MD5\n",
                dir);
        status = fclose(fp);
    } else {
        status = -1;
    }
    vstring_free(cmd);
    return status == 0 ? 0 : -1;
}

/* test_default_realm - no smtpd_sasl_local_domain: the server name is the realm */

static void test_default_realm(VSTRING *reply)
{
    SASL_SERVER *server = session_in("", "noanonymous", true);
    static const char carol[] = "\0carol\0Carol-pw";

    if (server == NULL) {
        TEST_CHECK(server != NULL, "session without a realm");
        return;
    }
    TEST_INT_EQ(sasl_server_first(server, "PLAIN", b64(carol, sizeof(carol) - 1), reply),
                SASL_STATUS_OK,
                "without a realm, a user stored in the realm of the server name (myhostname) "
                "logs in");
    sasl_server_free(server);
}

/* test_mechanisms - the list follows the security options */

static void test_mechanisms(void)
{
    SASL_SERVER *server;

    server = session("noanonymous", false);
    TEST_CHECK(server != NULL, "session with noanonymous");
    if (server) {
        TEST_STR_EQ(sasl_server_mechanisms(server), "PLAIN LOGIN CRAM-MD5",
                    "mech_list, noanonymous");
        sasl_server_free(server);
    }
    server = session("noplaintext, noanonymous", false);
    TEST_CHECK(server != NULL, "session with noplaintext");
    if (server) {
        TEST_STR_EQ(sasl_server_mechanisms(server), "CRAM-MD5",
                    "noplaintext drops PLAIN and LOGIN");
        sasl_server_free(server);
    }
    server = session("noanonymous, nodictionary", true);
    TEST_CHECK(server != NULL, "session with nodictionary");
    if (server) {
        TEST_STR_EQ(sasl_server_mechanisms(server), "", "nodictionary leaves none of these");
        sasl_server_free(server);
    }
    TEST_CHECK(session("noanonymous, noplain", false) == NULL,
               "an unknown option makes no session");
}

/* test_plain - PLAIN in its forms */

static void test_plain(VSTRING *reply)
{
    SASL_SERVER *server = session("noanonymous", true);
    static const char right[] = "\0alice\0Sesame-0pen";
    static const char wrong[] = "\0alice\0sesame-0pen";
    static const char nouser[] = "\0mallory\0Sesame-0pen";

    if (server == NULL) {
        TEST_CHECK(server != NULL, "PLAIN session");
        return;
    }
    TEST_INT_EQ(sasl_server_first(server, "PLAIN", b64(wrong, sizeof(wrong) - 1), reply),
                SASL_STATUS_FAIL, "PLAIN, wrong password");
    TEST_STR_EQ(vstring_str(reply), "authentication failure", "the reason");
    TEST_CHECK(sasl_server_username(server) == NULL, "no user name after a failure");
    sasl_server_free(server);

    server = session("noanonymous", true);
    TEST_INT_EQ(sasl_server_first(server, "PLAIN", b64(nouser, sizeof(nouser) - 1), reply),
                SASL_STATUS_FAIL, "PLAIN, unknown user");
    TEST_STR_EQ(vstring_str(reply), "authentication failure",
                "the same reason as a wrong password");
    sasl_server_free(server);

    server = session("noanonymous", true);
    TEST_INT_EQ(sasl_server_first(server, "PLAIN", "not*base64", reply), SASL_STATUS_ABORT,
                "PLAIN, malformed initial response");
    TEST_STR_EQ(vstring_str(reply), "Invalid base64 data in initial response", "the reason");
    sasl_server_free(server);

    server = session("noanonymous", true);
    TEST_INT_EQ(sasl_server_first(server, "PLAIN", b64(right, sizeof(right) - 1), reply),
                SASL_STATUS_OK, "PLAIN with an initial response");
    TEST_STR_EQ(sasl_server_username(server) ? sasl_server_username(server) : "(null)",
                "alice@example.test", "the user name, in its realm");
    sasl_server_free(server);

    server = session("noanonymous", true);
    TEST_INT_EQ(sasl_server_first(server, "PLAIN", NULL, reply), SASL_STATUS_MORE,
                "PLAIN without an initial response");
    TEST_STR_EQ(vstring_str(reply), "", "an empty challenge");
    TEST_INT_EQ(sasl_server_next(server, b64(right, sizeof(right) - 1), reply), SASL_STATUS_OK,
                "PLAIN answered");
    sasl_server_free(server);
}

/* test_login - LOGIN asks for the name, then the password */

static void test_login(VSTRING *reply)
{
    SASL_SERVER *server = session("noanonymous", true);

    if (server == NULL) {
        TEST_CHECK(server != NULL, "LOGIN session");
        return;
    }
    TEST_INT_EQ(sasl_server_first(server, "LOGIN", NULL, reply), SASL_STATUS_MORE, "LOGIN starts");
    TEST_STR_EQ(vstring_str(reply), "VXNlcm5hbWU6", "Username: prompt");
    TEST_INT_EQ(sasl_server_next(server, b64("alice", 5), reply), SASL_STATUS_MORE, "LOGIN name");
    TEST_STR_EQ(vstring_str(reply), "UGFzc3dvcmQ6", "Password: prompt");
    TEST_INT_EQ(sasl_server_next(server, b64("Sesame-0pen", 11), reply), SASL_STATUS_OK,
                "LOGIN password");
    sasl_server_free(server);

    server = session("noanonymous", true);
    (void)sasl_server_first(server, "LOGIN", NULL, reply);
    TEST_INT_EQ(sasl_server_next(server, "%%%", reply), SASL_STATUS_ABORT,
                "LOGIN, malformed response");
    TEST_STR_EQ(vstring_str(reply), "Invalid base64 data in continued response", "the reason");
    sasl_server_free(server);
}

/* test_cram - CRAM-MD5 with an answer computed here */

static void test_cram(VSTRING *reply)
{
    SASL_SERVER *server = session("noplaintext, noanonymous", false);
    VSTRING *challenge = vstring_alloc(100), *answer = vstring_alloc(100);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned digest_len = 0;

    if (server == NULL) {
        TEST_CHECK(server != NULL, "CRAM-MD5 session");
        return;
    }
    TEST_INT_EQ(sasl_server_first(server, "CRAM-MD5", NULL, reply), SASL_STATUS_MORE,
                "CRAM-MD5 challenge");
    TEST_CHECK(base64_decode(challenge, vstring_str(reply), VSTRING_LEN(reply)) != NULL &&
                   vstring_str(challenge)[0] == '<',
               "the challenge is a base64 message id: %s", vstring_str(reply));
    HMAC(EVP_md5(), "Sesame-0pen", 11, (unsigned char *)vstring_str(challenge),
         VSTRING_LEN(challenge), digest, &digest_len);
    vstring_strcpy(answer, "alice ");
    for (unsigned i = 0; i < digest_len; i++)
        vstring_sprintf_append(answer, "%02x", digest[i]);
    TEST_INT_EQ(sasl_server_next(server, b64(vstring_str(answer), VSTRING_LEN(answer)), reply),
                SASL_STATUS_OK, "CRAM-MD5 answer");
    sasl_server_free(server);
    vstring_free(challenge);
    vstring_free(answer);
}

int main(void)
{
    char dir[] = "/tmp/sasl_cyrus_server_test.XXXXXX";
    VSTRING *reply = vstring_alloc(100);
    VSTRING *cmd = vstring_alloc(100);

    msg_init("sasl_cyrus_server_test");
    if (mkdtemp(dir) == NULL || make_sasldb(dir) < 0) {
        TEST_CHECK(0, "make a sasldb with saslpasswd2 in %s", dir);
        return test_summary("sasl_cyrus_server_test");
    }
    impl = sasl_server_impl_init(&(SASL_SERVER_SETTINGS){.type = "cyrus",
                                                         .path = "smtpd",
                                                         .config_path = dir,
                                                         .server_name = "mail.example.test",
                                                         .timeout = 10});
    TEST_CHECK(impl != NULL, "the Cyrus server library starts with smtpd.conf in %s", dir);
    if (impl) {
        TEST_CHECK(sasl_server_impl_init(&(SASL_SERVER_SETTINGS){
                       .type = "cyrus", .path = "smtpd", .config_path = dir}) == impl,
                   "a second start returns the same back end");
        test_mechanisms();
        test_plain(reply);
        test_login(reply);
        test_cram(reply);
        test_default_realm(reply);
        sasl_server_impl_done(impl);
    }
    vstring_sprintf(cmd, "rm -rf %s", dir);
    (void)system(vstring_str(cmd));
    vstring_free(cmd);
    vstring_free(reply);
    return test_summary("sasl_cyrus_server_test");
}
