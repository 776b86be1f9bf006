/*
 * sasl_cyrus_client_test - the Cyrus SASL client back end through the
 * sasl_client interface: mechanism choice under the security options,
 * PLAIN, LOGIN and CRAM-MD5 answers checked against known values (RFC
 * 2195's example for CRAM-MD5), a malformed challenge, bad options, and
 * an unknown smtp_sasl_type. It needs the Cyrus plug-ins
 * (libsasl2-modules), as the smtp client does.
 */

#include <stdbool.h>
#include <string.h>

#include "msg.h"
#include "vstring.h"

#include "sasl_client.h"
#include "test.h"

static SASL_CLIENT_IMPL *impl;

/* exchange - make one exchange object */

static SASL_CLIENT *exchange(const char *options, const char *user, const char *pass)
{
    VSTRING *why = vstring_alloc(100);
    SASL_CLIENT *client = sasl_client_create(impl,
                                             &(SASL_CLIENT_ARGS){
                                                 .service = "smtp",
                                                 .server_name = "mail.example.com",
                                                 .server_addr = "192.0.2.1",
                                                 .server_port = "587",
                                                 .security_options = options,
                                                 .username = user,
                                                 .password = pass,
                                             },
                                             why);

    if (client == NULL)
        printf("# create: %s\n", vstring_str(why));
    vstring_free(why);
    return client;
}

int main(void)
{
    VSTRING *mech = vstring_alloc(20), *resp = vstring_alloc(100), *why = vstring_alloc(100);
    SASL_CLIENT *client;
    bool initial = false;

    msg_init("sasl_cyrus_client_test");
    TEST_CHECK(sasl_client_impl_init(&(SASL_CLIENT_SETTINGS){.type = "dovecot", .path = ""}) ==
                   NULL,
               "smtp_sasl_type dovecot is not a client type");
    impl = sasl_client_impl_init(&(SASL_CLIENT_SETTINGS){.type = "cyrus", .path = ""});
    if (impl == NULL) {
        TEST_CHECK(impl != NULL, "the Cyrus client library starts");
        return test_summary("sasl_cyrus_client_test");
    }

    /* Options with an unknown word are refused, with the word named. */
    client = sasl_client_create(impl,
                                &(SASL_CLIENT_ARGS){.service = "smtp",
                                                    .server_name = "mail.example.com",
                                                    .security_options = "noplaintext, noplain",
                                                    .username = "u",
                                                    .password = "p"},
                                why);
    TEST_CHECK(client == NULL, "unknown security option refused");
    TEST_CHECK(strstr(vstring_str(why), "noplain") != NULL, "the unknown word is named: %s",
               vstring_str(why));

    /* Default options, only plaintext mechanisms offered: nothing is chosen. */
    client = exchange("noplaintext, noanonymous", "alice", "secret");
    TEST_CHECK(client != NULL, "exchange with the default options");
    TEST_INT_EQ(sasl_client_first(client, "PLAIN LOGIN", mech, resp, &initial), SASL_CLIENT_NOMECH,
                "noplaintext refuses PLAIN and LOGIN");
    TEST_STR_EQ(vstring_str(resp), "no mechanism available", "the reason");
    sasl_client_free(client);

    /* No options: PLAIN with an initial response, no authorization identity. */
    client = exchange("", "alice", "secret");
    TEST_INT_EQ(sasl_client_first(client, "PLAIN", mech, resp, &initial), SASL_CLIENT_OK,
                "PLAIN allowed without options");
    TEST_STR_EQ(vstring_str(mech), "PLAIN", "mechanism");
    TEST_CHECK(initial, "PLAIN has an initial response");
    TEST_STR_EQ(vstring_str(resp), "AGFsaWNlAHNlY3JldA==", "\\0alice\\0secret in base64");
    sasl_client_free(client);

    /* LOGIN: the server asks, the client answers. */
    client = exchange("noanonymous", "alice", "secret");
    TEST_INT_EQ(sasl_client_first(client, "LOGIN", mech, resp, &initial), SASL_CLIENT_OK,
                "LOGIN allowed with noanonymous");
    TEST_STR_EQ(vstring_str(mech), "LOGIN", "mechanism");
    TEST_INT_EQ(sasl_client_next(client, "VXNlcm5hbWU6", resp), SASL_CLIENT_OK, "Username:");
    TEST_STR_EQ(vstring_str(resp), "YWxpY2U=", "alice in base64");
    TEST_INT_EQ(sasl_client_next(client, "UGFzc3dvcmQ6", resp), SASL_CLIENT_OK, "Password:");
    TEST_STR_EQ(vstring_str(resp), "c2VjcmV0", "secret in base64");
    sasl_client_free(client);

    /* Default options pick CRAM-MD5 out of a list with PLAIN; RFC 2195's example. */
    client = exchange("noplaintext, noanonymous", "tim", "tanstaaftanstaaf");
    TEST_INT_EQ(sasl_client_first(client, "PLAIN CRAM-MD5 LOGIN", mech, resp, &initial),
                SASL_CLIENT_OK, "a mechanism is chosen from a mixed list");
    TEST_STR_EQ(vstring_str(mech), "CRAM-MD5", "the one that does not send the password");
    TEST_CHECK(!initial, "CRAM-MD5 waits for the challenge");
    TEST_INT_EQ(
        sasl_client_next(client, "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+", resp),
        SASL_CLIENT_OK, "the challenge is answered");
    TEST_STR_EQ(vstring_str(resp), "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw",
                "RFC 2195's response");
    sasl_client_free(client);

    /* A challenge that is not base64. */
    client = exchange("noplaintext, noanonymous", "tim", "x");
    TEST_INT_EQ(sasl_client_first(client, "CRAM-MD5", mech, resp, &initial), SASL_CLIENT_OK,
                "CRAM-MD5 again");
    TEST_INT_EQ(sasl_client_next(client, "not*base64", resp), SASL_CLIENT_FAIL,
                "a malformed challenge ends the exchange");
    sasl_client_free(client);

    sasl_client_impl_done(impl);
    vstring_free(mech);
    vstring_free(resp);
    vstring_free(why);
    return test_summary("sasl_cyrus_client_test");
}
