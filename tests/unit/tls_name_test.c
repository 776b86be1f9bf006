/* tls_name_test - RFC 6125 name matching, presented names and match strategies */

#include <string.h>

#include <openssl/x509v3.h>

#include "argv.h"
#include "mymalloc.h"

#include "tls_name.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

static const struct {
    const char *reference;
    const char *presented;
    int match;
} vectors[] = {
    {"mail.example.com", "mail.example.com", 1},
    {"mail.example.com", "MAIL.Example.COM", 1},
    {"MAIL.EXAMPLE.COM", "mail.example.com", 1},
    {"mail.example.com.", "mail.example.com", 1},
    {"mail.example.com", "mail.example.com.", 1},
    {"mail.example.com.", "mail.example.com.", 1},
    {"mail.example.com", "mx.example.com", 0},
    {"mail.example.com", "example.com", 0},
    {"example.com", "mail.example.com", 0},
    {"mail.example.com", "*.example.com", 1},
    {"MAIL.example.com", "*.EXAMPLE.com", 1},
    {"a.b.example.com", "*.example.com", 0},
    {"example.com", "*.example.com", 0},
    {"mail.example.com", "*.com", 0},
    {"example.com", "*.com", 0},
    {"mail.example.com", "*", 0},
    {"mail.example.com", "m*.example.com", 0},
    {"mail.example.com", "*ail.example.com", 0},
    {"mail.example.com", "mail.*.com", 0},
    {"mail.example.com", "*.*.com", 0},
    {"mail.example.com", "**.example.com", 0},
    {"mail.example.com", ".example.com", 0},
    {".example.com", "mail.example.com", 1},
    {".example.com", "a.b.example.com", 1},
    {".example.com", "example.com", 0},
    {".example.com", "badexample.com", 0},
    {".example.com", "*.example.com", 1},
    {".example.com", "*.sub.example.com", 1},
    {".example.com", "*.com", 0},
    {".sub.example.com", "*.example.com", 0},
    {"xn--bcher-kva.example", "xn--bcher-kva.example", 1},
    {"XN--BCHER-KVA.example", "xn--bcher-kva.example", 1},
    {"xn--bcher-kva.example.com", "*.example.com", 1},
    {"b\xc3\xbc"
     "cher.example",
     "b\xc3\xbc"
     "cher.example",
     0},
    {"xn--bcher-kva.example",
     "b\xc3\xbc"
     "cher.example",
     0},
    {"b\xc3\xbc"
     "cher.example",
     "xn--bcher-kva.example", 0},
    {"mail.example.com", "mail.example.com\\0.evil", 0},
    {"mail.example.com", "mail..example.com", 0},
    {"mail.example.com", "", 0},
    {"", "mail.example.com", 0},
    {".", "mail.example.com", 0},
    {"mail_1.example.com", "mail_1.example.com", 1},
    {"mail.example.com", "mail.example.co", 0},
    {"mail.example.com", "ail.example.com", 0},
};

/* An IP address reference never matches a DNS name, not even one that spells it. */
static const struct {
    const char *reference;
    const char *presented;
} address_vectors[] = {
    {"192.0.2.1", "*.0.2.1"},      {"192.0.2.1", "192.0.2.1"},     {"[192.0.2.1]", "192.0.2.1"},
    {"[192.0.2.1]", "*.0.2.1"},    {"2001:db8::1", "2001:db8::1"}, {"[2001:db8::1]", "2001:db8::1"},
    {".192.0.2.1", "a.192.0.2.1"},
};

/* make_cert - a certificate with a subject CN and DNS SANs (not signed) */
static X509 *make_cert(const char *cn, const char *sans)
{
    X509 *cert = X509_new();
    X509_NAME *name = X509_get_subject_name(cert);

    if (cn)
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    if (sans) {
        X509V3_CTX ctx;
        X509_EXTENSION *ext;

        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, NULL, cert, NULL, NULL, 0);
        ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, sans);
        X509_add_ext(cert, ext, -1);
        X509_EXTENSION_free(ext);
    }
    return cert;
}

/* cert_match - match a reference list against a made certificate */
static const char *cert_match(const char *cn, const char *sans, const char *refs, char **matched)
{
    static char result[100];
    X509 *cert = make_cert(cn, sans);
    ARGV *ref_argv = argv_split(refs, " ");
    const char *found = tls_name_match_cert(cert, ref_argv, matched);

    snprintf(result, sizeof(result), "%s", found ? found : "(none)");
    argv_free(ref_argv);
    X509_free(cert);
    return result;
}

static void test_certificates(void)
{
    char *matched = NULL;
    int has_dns = -1;
    X509 *cert;
    ARGV *names;

    TEST_STR_EQ(cert_match("mail.example.com", NULL, "mail.example.com", NULL), "mail.example.com",
                "CN used when there is no DNS SAN");
    TEST_STR_EQ(cert_match("mail.example.com", "DNS:mx.example.com", "mail.example.com", NULL),
                "(none)", "CN ignored when a DNS SAN exists");
    TEST_STR_EQ(
        cert_match("other", "DNS:mx.example.com, DNS:mail.example.com", "mail.example.com", NULL),
        "mail.example.com", "second SAN matches");
    TEST_STR_EQ(cert_match("mail.example.com", "IP:192.0.2.1", "mail.example.com", NULL),
                "mail.example.com", "an IP SAN is not a DNS SAN: CN counts");
    TEST_STR_EQ(cert_match(NULL, "DNS:*.example.com", "other.net mx.example.com", &matched),
                "mx.example.com", "wildcard SAN, second reference");
    TEST_STR_EQ(matched, "mx.example.com", "matched name is the reference host");
    myfree(matched);
    matched = NULL;
    TEST_STR_EQ(cert_match(NULL, "DNS:mx1.example.com", ".example.com", &matched), ".example.com",
                "dot-domain reference");
    TEST_STR_EQ(matched, "mx1.example.com", "matched name is the presented host");
    myfree(matched);
    TEST_STR_EQ(cert_match(NULL, NULL, "mail.example.com", NULL), "(none)", "no names, no match");

    cert = make_cert("cn.example", "DNS:a.example, DNS:b.example, email:x@example");
    names = tls_name_presented(cert, &has_dns);
    TEST_INT_EQ((long long)names->argc, 2, "two DNS names presented");
    TEST_INT_EQ(has_dns, 1, "DNS SANs reported");
    argv_free(names);
    X509_free(cert);

    /* A CN with an embedded null byte never matches. */
    cert = X509_new();
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", V_ASN1_IA5STRING,
                               (const unsigned char *)"mail.example.com\0.evil.net", 26, -1, 0);
    names = tls_name_presented(cert, &has_dns);
    TEST_INT_EQ((long long)names->argc, 0, "CN with a null byte is dropped");
    argv_free(names);
    X509_free(cert);
}

static void test_addresses(void)
{
    static const char ip_sans[] = "DNS:mail.example.com, IP:192.0.2.1, IP:2001:db8::1";
    unsigned char addr[16];
    char *matched = NULL;

    for (size_t i = 0; i < sizeof(address_vectors) / sizeof(address_vectors[0]); i++)
        TEST_INT_EQ(tls_name_match(address_vectors[i].reference, address_vectors[i].presented), 0,
                    "address reference \"%s\" presented DNS name \"%s\"",
                    address_vectors[i].reference, address_vectors[i].presented);

    TEST_INT_EQ((long long)tls_name_address("192.0.2.1", addr), 4, "IPv4 address");
    TEST_INT_EQ(addr[0] == 192 && addr[3] == 1, 1, "IPv4 bytes");
    TEST_INT_EQ((long long)tls_name_address("[192.0.2.1]", NULL), 4, "bracketed IPv4");
    TEST_INT_EQ((long long)tls_name_address("[2001:db8::1]", addr), 16, "bracketed IPv6");
    TEST_INT_EQ(addr[0] == 0x20 && addr[15] == 1, 1, "IPv6 bytes");
    TEST_INT_EQ((long long)tls_name_address("[IPv6:2001:db8::1]", NULL), 16, "[IPv6:...] form");
    TEST_INT_EQ((long long)tls_name_address("::ffff:192.0.2.1", NULL), 16, "mapped IPv6");
    TEST_INT_EQ((long long)tls_name_address("[192.0.2.1", NULL), 0, "unbalanced bracket");
    TEST_INT_EQ((long long)tls_name_address("[ipv6:192.0.2.1x]", NULL), 0, "bad literal");
    TEST_INT_EQ((long long)tls_name_address("192.0.2", NULL), 0, "three-part IPv4 is a name");
    TEST_INT_EQ((long long)tls_name_address("mail.example.com", NULL), 0, "DNS name");
    TEST_INT_EQ((long long)tls_name_address("[]", NULL), 0, "empty brackets");

    /* Certificates: IP references against iPAddress SANs, DNS names and the CN. */
    TEST_STR_EQ(cert_match("192.0.2.1", NULL, "192.0.2.1", NULL), "(none)",
                "IP reference vs a CN spelling the address");
    TEST_STR_EQ(cert_match(NULL, "DNS:192.0.2.1", "192.0.2.1", NULL), "(none)",
                "IP reference vs a dNSName spelling the address");
    TEST_STR_EQ(cert_match(NULL, "DNS:*.0.2.1", "[192.0.2.1]", NULL), "(none)",
                "IP reference vs a wildcard dNSName");
    TEST_STR_EQ(cert_match(NULL, "DNS:2001:db8::1", "2001:db8::1", NULL), "(none)",
                "IPv6 reference vs a dNSName spelling the address");
    TEST_STR_EQ(cert_match(NULL, ip_sans, "192.0.2.1", &matched), "192.0.2.1",
                "IPv4 reference vs iPAddress SAN");
    TEST_STR_EQ(matched, "192.0.2.1", "matched name is the address");
    myfree(matched);
    TEST_STR_EQ(cert_match(NULL, ip_sans, "[192.0.2.1]", NULL), "[192.0.2.1]",
                "bracketed IPv4 reference vs iPAddress SAN");
    TEST_STR_EQ(cert_match(NULL, ip_sans, "2001:DB8:0::1", NULL), "2001:DB8:0::1",
                "IPv6 reference in another spelling vs iPAddress SAN");
    TEST_STR_EQ(cert_match(NULL, ip_sans, "[2001:db8::1]", NULL), "[2001:db8::1]",
                "bracketed IPv6 reference vs iPAddress SAN");
    TEST_STR_EQ(cert_match(NULL, ip_sans, "192.0.2.2 [2001:db8::2]", NULL), "(none)",
                "other addresses do not match");
    TEST_STR_EQ(cert_match(NULL, "IP:192.0.2.1", "1.2.0.192.in-addr.arpa mail.example.com", NULL),
                "(none)", "DNS references never match an iPAddress SAN");
    TEST_STR_EQ(cert_match("mail.example.com", "IP:192.0.2.1", "192.0.2.9 mail.example.com", NULL),
                "mail.example.com", "DNS reference beside an address reference: CN counts");
}

static void test_strategies(void)
{
    ARGV *refs;
    char *joined;

    refs = tls_name_expand("hostname", "MX1.Example.COM.", "example.com");
    joined = argv_join(refs, " ");
    TEST_STR_EQ(joined, "mx1.example.com", "hostname strategy");
    myfree(joined);
    argv_free(refs);

    refs = tls_name_expand("nexthop, dot-nexthop", "mx1.example.com", "example.com");
    joined = argv_join(refs, " ");
    TEST_STR_EQ(joined, "example.com .example.com", "nexthop and dot-nexthop");
    myfree(joined);
    argv_free(refs);

    refs = tls_name_expand("hostname:mail.example.net:.example.org, hostname", "mx1.example.com",
                           "example.com");
    joined = argv_join(refs, " ");
    TEST_STR_EQ(joined, "mx1.example.com mail.example.net .example.org",
                "literal names, .domain, duplicates dropped");
    myfree(joined);
    argv_free(refs);

    refs = tls_name_expand("nexthop, dot-nexthop, hostname", "mail.example.com", "[192.0.2.1]");
    joined = argv_join(refs, " ");
    TEST_STR_EQ(joined, "192.0.2.1 mail.example.com",
                "next hop [192.0.2.1]: the address, no subdomain form");
    myfree(joined);
    argv_free(refs);

    refs = tls_name_expand("nexthop dot-nexthop [2001:DB8:0::1]:[ipv6:2001:db8::2],.192.0.2.9",
                           "mail.example.com", "[IPv6:2001:db8::3]");
    joined = argv_join(refs, " ");
    TEST_STR_EQ(joined, "2001:db8::3 2001:db8::1 2001:db8::2",
                "IPv6 next hop and bracketed IPv6 words: canonical, ':' kept inside brackets");
    myfree(joined);
    argv_free(refs);

    refs = tls_name_expand("hostname nexthop", "", NULL);
    TEST_INT_EQ((long long)refs->argc, 0, "no names when host and nexthop are unknown");
    argv_free(refs);
}

int main(void)
{
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
        TEST_INT_EQ(tls_name_match(vectors[i].reference, vectors[i].presented), vectors[i].match,
                    "reference \"%s\" presented \"%s\"", vectors[i].reference,
                    vectors[i].presented);
    test_certificates();
    test_addresses();
    test_strategies();
    return test_summary("tls_name_test");
}
