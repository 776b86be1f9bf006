/* sasl_secopts_test - SASL security option words to mask, and the unknown word */

#include "msg.h"
#include "sasl_secopts.h"
#include "sasl_server.h"
#include "test.h"

int main(void)
{
    int mask = -1;
    const char *bad = NULL;

    msg_init("sasl_secopts_test");
    TEST_INT_EQ(sasl_secopts_parse("", &mask, &bad), 0, "empty value parses");
    TEST_INT_EQ(mask, 0, "empty value is an empty mask");
    TEST_INT_EQ(sasl_secopts_parse("noplaintext, noanonymous", &mask, &bad), 0,
                "Postfix's default for smtp_sasl_security_options parses");
    TEST_INT_EQ(mask, SASL_SECOPT_NOPLAINTEXT | SASL_SECOPT_NOANONYMOUS, "two words, two bits");
    TEST_INT_EQ(
        sasl_secopts_parse("NoActive\tnodictionary,mutual_auth forward_secrecy", &mask, &bad), 0,
        "mixed case and separators parse");
    TEST_INT_EQ(mask,
                SASL_SECOPT_NOACTIVE | SASL_SECOPT_NODICTIONARY | SASL_SECOPT_MUTUAL_AUTH |
                    SASL_SECOPT_FORWARD_SECRECY,
                "four words, four bits");
    mask = 12345;
    TEST_INT_EQ(sasl_secopts_parse("noanonymous, noplain", &mask, &bad), -1,
                "unknown word refused");
    TEST_STR_EQ(bad, "noplain", "the unknown word is named");
    TEST_INT_EQ(mask, 12345, "a refused value leaves the mask alone");

    SASL_SERVER_SETTINGS settings = {.type = "kerberos", .path = "smtpd"};
    TEST_CHECK(sasl_server_impl_init(&settings) == NULL,
               "an unknown smtpd_sasl_type starts no back end");
    return test_summary("sasl_secopts_test");
}
