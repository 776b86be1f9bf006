/* tls_fprint_test - fingerprints equal those of the openssl command */

#include <stdio.h>
#include <string.h>

#include <openssl/pem.h>

#include "msg.h"
#include "mymalloc.h"

#include "tls_fprint.h"
#include "test.h"
#include "tls_test.h"

/* after - text after a separator */
static const char *after(const char *text, char sep)
{
    const char *cp = strrchr(text, sep);

    return cp ? cp + 1 + (cp[1] == ' ') : "";
}

static X509 *load(const char *file)
{
    FILE *fp = fopen(file, "r");
    X509 *cert = fp ? PEM_read_X509(fp, NULL, NULL, NULL) : NULL;

    if (fp)
        fclose(fp);
    return cert;
}

static void check_cert(const char *name)
{
    const char *file = tls_test_file(name);
    X509 *cert = load(file);
    static const char *digests[] = {"md5", "sha1", "sha256", "sha512"};
    char cmd[1000];

    TEST_CHECK(cert != NULL, "%s loads", name);
    if (cert == NULL)
        return;
    for (size_t i = 0; i < sizeof(digests) / sizeof(digests[0]); i++) {
        char *ours = tls_cert_fprint(cert, digests[i]);

        snprintf(cmd, sizeof(cmd), "openssl x509 -in '%s' -noout -fingerprint -%s", file,
                 digests[i]);
        TEST_STR_EQ(ours, after(test_command_line(cmd), '='),
                    "%s cert %s fingerprint equals openssl x509", name, digests[i]);
        myfree(ours);
        ours = tls_pkey_fprint(cert, digests[i]);
        snprintf(cmd, sizeof(cmd),
                 "openssl x509 -in '%s' -noout -pubkey | openssl pkey -pubin -outform DER | "
                 "openssl dgst -%s",
                 file, digests[i]);
        TEST_CHECK(ours && tls_fprint_equal(ours, after(test_command_line(cmd), '=')),
                   "%s pkey %s fingerprint equals openssl pkey | dgst", name, digests[i]);
        myfree(ours);
    }
    X509_free(cert);
}

int main(void)
{
    X509 *cert;
    char *fp;

    msg_stderr_enable(0);
    check_cert("rsa.pem");
    check_cert("ecdsa.pem");
    check_cert("ed25519.pem");

    cert = load(tls_test_file("rsa.pem"));
    fp = tls_cert_fprint(cert, "sha256");
    TEST_CHECK(fp && strlen(fp) == 32 * 3 - 1, "sha256 is 32 colon-separated pairs");
    TEST_CHECK(fp && strspn(fp, "0123456789ABCDEF:") == strlen(fp), "upper-case hex");
    myfree(fp);
    TEST_CHECK(tls_cert_fprint(cert, "sha3-256") == NULL, "digest outside the list refused");
    TEST_CHECK(tls_cert_fprint(cert, "nosuchdigest") == NULL, "unknown digest refused");
    TEST_CHECK(tls_digest_ok("SHA256") && tls_digest_ok("md5") && !tls_digest_ok("whirlpool"),
               "digest names");
    X509_free(cert);
    fp = tls_digest_encode((const unsigned char *)"\x01\xab\xff", 3);
    TEST_STR_EQ(fp, "01:AB:FF", "encoding");
    myfree(fp);
    TEST_CHECK(tls_fprint_equal("01:ab:FF", "01ABff") && !tls_fprint_equal("01:AB", "01:AC") &&
                   !tls_fprint_equal("01:AB", "01:AB:CD"),
               "comparison ignores case and colons, not length");
    return test_summary("tls_fprint_test");
}
