/* postfix_tls_key_test - keys, certificates, requests and TLSA digests of "postfix tls" */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "../../src/postfix/postfix_tls_key.c"
#include "test.h"

static char dir[] = "/tmp/postfix_tls_key_test.XXXXXX";

/* path - a file in the test directory; one buffer per slot */
static const char *path(int slot, const char *name)
{
    static char buf[4][256];

    snprintf(buf[slot], sizeof(buf[slot]), "%s/%s", dir, name);
    return buf[slot];
}

/* file_mode - permission bits of a file, or -1 */
static int file_mode(const char *file)
{
    struct stat st;

    return stat(file, &st) < 0 ? -1 : (int)(st.st_mode & 07777);
}

/* load_cert - the first certificate of a PEM file */
static X509 *load_cert(const char *file)
{
    FILE *fp = fopen(file, "r");
    X509 *cert = fp ? PEM_read_X509(fp, NULL, NULL, NULL) : NULL;

    if (fp)
        fclose(fp);
    return cert;
}

/* san_text - the subject alternative names as "DNS:a, DNS:b" */
static const char *san_text(const STACK_OF(GENERAL_NAME) * names)
{
    static char buf[512];

    buf[0] = 0;
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names); i++) {
        const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);

        if (gn->type == GEN_DNS)
            snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%sDNS:%s", i ? ", " : "",
                     (const char *)ASN1_STRING_get0_data(gn->d.dNSName));
    }
    return buf;
}

/* The key generation cases. */
static const struct {
    const char *name;      /* case */
    const char *algorithm; /* -a */
    const char *bits;      /* -b */
    const char *want_alg;  /* postfix_tls_key_algorithm(), NULL: generation fails */
    const char *want_why;  /* text in the reason when it fails */
} keygen_cases[] = {
    {"rsa 2048", "rsa", "2048", "rsa", NULL},
    {"ecdsa secp256r1 (the SEC name)", "ecdsa", "secp256r1", "ecdsa", NULL},
    {"ecdsa secp384r1", "ecdsa", "secp384r1", "ecdsa", NULL},
    {"rsa 1024 is too small", "rsa", "1024", NULL, "bad RSA key size \"1024\""},
    {"rsa bits must be a number", "rsa", "2048x", NULL, "bad RSA key size"},
    {"an unknown curve", "ecdsa", "nosuchcurve", NULL, "cannot generate a key (ecdsa nosuchcurve)"},
    {"dsa is not supported", "dsa", "2048", NULL, "unsupported key algorithm \"dsa\""},
};

static void test_keygen(void)
{
    VSTRING *why = vstring_alloc(100);

    for (size_t i = 0; i < sizeof(keygen_cases) / sizeof(keygen_cases[0]); i++) {
        EVP_PKEY *key;

        vstring_truncate(why, 0);
        key = postfix_tls_key_generate(keygen_cases[i].algorithm, keygen_cases[i].bits, why);
        if (keygen_cases[i].want_alg) {
            TEST_STR_EQ(key ? postfix_tls_key_algorithm(key) : vstring_str(why),
                        keygen_cases[i].want_alg, "keygen: %s", keygen_cases[i].name);
        } else {
            TEST_CHECK(key == NULL && strstr(vstring_str(why), keygen_cases[i].want_why),
                       "keygen: %s (%s)", keygen_cases[i].name, vstring_str(why));
        }
        EVP_PKEY_free(key);
    }
    vstring_free(why);
}

static void test_key_files(EVP_PKEY *key)
{
    VSTRING *why = vstring_alloc(100);
    const char *keyfile = path(0, "key.pem");
    mode_t old_umask = umask(0);
    EVP_PKEY *back;
    int fd;

    TEST_INT_EQ(postfix_tls_key_write(key, keyfile, why), 0, "key_write: a new key file");
    TEST_INT_EQ(file_mode(keyfile), 0600, "key_write: mode 0600 even with umask 0");
    TEST_CHECK(postfix_tls_key_write(key, keyfile, why) < 0 &&
                   strstr(vstring_str(why), "File exists"),
               "key_write: an existing file is an error (%s)", vstring_str(why));
    back = postfix_tls_key_read(keyfile, why);
    TEST_CHECK(back && EVP_PKEY_eq(back, key) == 1, "key_read: the key written");
    EVP_PKEY_free(back);
    (void)umask(old_umask);

    /* An encrypted key is refused, never prompted for. */
    fd = open(path(1, "enc.pem"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
        BIO *bio = BIO_new_fd(fd, BIO_CLOSE);

        PEM_write_bio_PrivateKey(bio, key, EVP_aes_128_cbc(), (unsigned char *)"secret", 6, NULL,
                                 NULL);
        BIO_free(bio);
    }
    back = postfix_tls_key_read(path(1, "enc.pem"), why);
    TEST_CHECK(back == NULL && strstr(vstring_str(why), "no usable private key in"),
               "key_read: an encrypted key is refused (%s)", vstring_str(why));
    EVP_PKEY_free(back);
    back = postfix_tls_key_read(path(1, "missing.pem"), why);
    TEST_CHECK(back == NULL && strstr(vstring_str(why), "missing.pem"),
               "key_read: a missing file is named (%s)", vstring_str(why));
    vstring_free(why);
}

static void test_cert(EVP_PKEY *key)
{
    VSTRING *why = vstring_alloc(100);
    ARGV *names = argv_split("mail.example.test mx.example.test", " ");
    ARGV *bad = argv_split("mail.example.test,DNS:evil.example", " ");
    const char *certfile = path(0, "cert.pem");
    X509 *cert;
    EVP_PKEY *pub;
    char cn[256] = "";

    TEST_INT_EQ(postfix_tls_cert_write(key, names, certfile, why), 0,
                "cert_write: a new self-signed certificate %s", vstring_str(why));
    TEST_INT_EQ(file_mode(certfile), 0644, "cert_write: mode 0644");
    cert = load_cert(certfile);
    TEST_CHECK(cert != NULL, "cert_write: a PEM certificate");
    if (cert) {
        STACK_OF(GENERAL_NAME) *san = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
        int days = 0, secs = 0;

        X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof(cn));
        TEST_STR_EQ(cn, "mail.example.test", "cert: subject CN is the first name");
        TEST_INT_EQ(X509_NAME_cmp(X509_get_subject_name(cert), X509_get_issuer_name(cert)), 0,
                    "cert: self-issued");
        TEST_INT_EQ(X509_verify(cert, key), 1, "cert: signed by its own key");
        TEST_STR_EQ(san_text(san), "DNS:mail.example.test, DNS:mx.example.test",
                    "cert: every name is a DNS alternative name");
        TEST_INT_EQ(X509_check_ca(cert), 0, "cert: not a CA");
        TEST_CHECK((X509_get_extended_key_usage(cert) & (XKU_SSL_SERVER | XKU_SSL_CLIENT)) ==
                       (XKU_SSL_SERVER | XKU_SSL_CLIENT),
                   "cert: extended key usage serverAuth and clientAuth");
        ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(cert), X509_get0_notAfter(cert));
        TEST_INT_EQ(days, 36525, "cert: valid for 36525 days");
        TEST_INT_EQ(X509_get_signature_nid(cert) == NID_sha256WithRSAEncryption, 1,
                    "cert: signed with SHA-256");
        sk_GENERAL_NAME_pop_free(san, GENERAL_NAME_free);
        X509_free(cert);
    }
    pub = postfix_tls_cert_pubkey(certfile, why);
    TEST_CHECK(pub && EVP_PKEY_eq(pub, key) == 1, "cert_pubkey: the key's public half");
    EVP_PKEY_free(pub);
    TEST_CHECK(postfix_tls_cert_write(key, names, certfile, why) < 0,
               "cert_write: an existing file is an error");
    TEST_CHECK(postfix_tls_cert_write(key, bad, path(1, "bad.pem"), why) < 0 &&
                   strstr(vstring_str(why), "bad host name") &&
                   access(path(1, "bad.pem"), F_OK) < 0,
               "cert_write: a name that is not a host name is refused (%s)", vstring_str(why));
    argv_free(names);
    argv_free(bad);
    vstring_free(why);
}

static void test_csr(EVP_PKEY *key)
{
    VSTRING *why = vstring_alloc(100);
    ARGV *names = argv_split("mail.example.test", " ");
    const char *csrfile = path(0, "req.pem");
    int fd = open(csrfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    X509_REQ *req = NULL;
    FILE *fp;

    TEST_INT_EQ(postfix_tls_csr_write(key, names, fd, why), 0, "csr_write: a request %s",
                vstring_str(why));
    close(fd);
    if ((fp = fopen(csrfile, "r")) != NULL) {
        req = PEM_read_X509_REQ(fp, NULL, NULL, NULL);
        fclose(fp);
    }
    TEST_CHECK(req != NULL, "csr: a PEM request");
    if (req) {
        STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
        int at = X509v3_get_ext_by_NID(exts, NID_subject_alt_name, -1);
        STACK_OF(GENERAL_NAME) *san = at < 0 ? NULL : X509V3_EXT_d2i(X509v3_get_ext(exts, at));

        TEST_INT_EQ(X509_REQ_verify(req, key), 1, "csr: signed by the key");
        TEST_INT_EQ(X509_NAME_entry_count(X509_REQ_get_subject_name(req)), 0,
                    "csr: an empty subject");
        TEST_STR_EQ(san_text(san), "DNS:mail.example.test", "csr: the names as DNS names");
        sk_GENERAL_NAME_pop_free(san, GENERAL_NAME_free);
        sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
        X509_REQ_free(req);
    }
    argv_free(names);
    vstring_free(why);
}

static void test_spki(const char *label)
{
    VSTRING *digest = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    EVP_PKEY *pub = postfix_tls_cert_pubkey(path(0, "cert.pem"), why);
    char cmd[512];

    snprintf(cmd, sizeof(cmd),
             "openssl x509 -in %s -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum",
             path(1, "cert.pem"));
    if (pub)
        postfix_tls_spki_sha256(pub, digest);
    TEST_STR_EQ(vstring_str(digest), strtok((char *)test_command_line(cmd), " "),
                "spki_sha256 (%s): the digest of openssl x509 -pubkey | pkey -outform DER", label);
    EVP_PKEY_free(pub);
    vstring_free(digest);
    vstring_free(why);
}

/* run_key - the file, certificate and digest checks for one key */
static void run_key(const char *algorithm, const char *bits)
{
    VSTRING *why = vstring_alloc(100);
    EVP_PKEY *key = postfix_tls_key_generate(algorithm, bits, why);
    const char *files[] = {"key.pem", "enc.pem", "cert.pem", "req.pem", NULL};

    if (key == NULL) {
        TEST_CHECK(0, "%s %s key: %s", algorithm, bits, vstring_str(why));
        vstring_free(why);
        return;
    }
    test_key_files(key);
    if (strcmp(algorithm, "rsa") == 0) {
        test_cert(key);
        test_csr(key);
    } else {
        ARGV *names = argv_split("mail.example.test", " ");

        TEST_INT_EQ(postfix_tls_cert_write(key, names, path(0, "cert.pem"), why), 0,
                    "cert_write (%s) %s", algorithm, vstring_str(why));
        argv_free(names);
    }
    test_spki(algorithm);
    for (int i = 0; files[i]; i++)
        (void)unlink(path(0, files[i]));
    EVP_PKEY_free(key);
    vstring_free(why);
}

int main(void)
{
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_keygen();
    run_key("rsa", "2048");
    run_key("ecdsa", "secp256r1");
    rmdir(dir);
    return test_summary("postfix_tls_key_test");
}
