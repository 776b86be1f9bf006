/*
 * smtp_tls_policy_test - the SMTP client's TLS policy: table values, the
 * global level with the legacy parameters, the table lookup order, the
 * legacy smtp_tls_per_site merge, and the main.cf defaults per level.
 */
/* TEST_UNDER_VALGRIND */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "msg.h"
#include "test.h"

#include "../../src/smtp/smtp_tls_policy.c"

/* One table value and what it must give. */
typedef struct PARSE_CASE {
    const char *value;
    int level;             /* TLS_LEV_INVALID for refused values */
    const char *protocols; /* expected fields, NULL: unset */
    const char *grade;
    const char *exclusions;
    const char *match;
    const char *tafile;
    const char *servername;
    int pq_mode; /* TLS_DH_PQ_* */
} PARSE_CASE;

static const PARSE_CASE parse_cases[] = {
    {.value = "may", .level = TLS_LEV_MAY},
    {.value = "encrypt protocols=>=TLSv1.2 ciphers=high",
     .level = TLS_LEV_ENCRYPT,
     .protocols = ">=TLSv1.2",
     .grade = "high"},
    {.value = "encrypt, protocols=!SSLv3:!TLSv1, exclude=aNULL:3DES",
     .level = TLS_LEV_ENCRYPT,
     .protocols = "!SSLv3:!TLSv1",
     .exclusions = "aNULL:3DES"},
    {.value = "secure match=.example.com:example.net",
     .level = TLS_LEV_SECURE,
     .match = ".example.com:example.net"},
    {.value = "verify match=hostname match=nexthop",
     .level = TLS_LEV_VERIFY,
     .match = "hostname:nexthop"},
    {.value = "fingerprint match=AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99|"
              "11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF",
     .level = TLS_LEV_FPRINT,
     .match = "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99|"
              "11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF"},
    {.value = "dane-only match=mail.example.com:.example.net",
     .level = TLS_LEV_DANE_ONLY,
     .match = "mail.example.com:.example.net"},
    {.value = "secure tafile=/a.pem tafile=/b.pem",
     .level = TLS_LEV_SECURE,
     .tafile = "/a.pem /b.pem"},
    {.value = "encrypt servername=hostname", .level = TLS_LEV_ENCRYPT, .servername = "hostname"},
    {.value = "may servername=mx.example.com",
     .level = TLS_LEV_MAY,
     .servername = "mx.example.com"},
    {.value = "encrypt connection_reuse=yes connection_reuse=no", .level = TLS_LEV_ENCRYPT},
    {.value = "may enable_rpk=yes", .level = TLS_LEV_MAY},
    {.value = "may pq=no", .level = TLS_LEV_MAY, .pq_mode = TLS_DH_PQ_NO},
    {.value = "verify pq=ONLY", .level = TLS_LEV_VERIFY, .pq_mode = TLS_DH_PQ_ONLY},
    {.value = "encrypt pq=yes", .level = TLS_LEV_ENCRYPT, .pq_mode = TLS_DH_PQ_DEFAULT},
    {.value = "none protocols=TLSv1.2 match=x", .level = TLS_LEV_NONE},
    {.value = "dane", .level = TLS_LEV_DANE},
    {.value = "dane-only", .level = TLS_LEV_DANE_ONLY},
    {.value = "SECURE", .level = TLS_LEV_SECURE},
    /* Refused. */
    {.value = "", .level = TLS_LEV_INVALID},
    {.value = "sometimes", .level = TLS_LEV_INVALID},
    {.value = "halfdane", .level = TLS_LEV_INVALID},
    {.value = "encrypt ciphers=high ciphers=medium", .level = TLS_LEV_INVALID},
    {.value = "encrypt protocols=TLSv1.2 protocols=TLSv1.3", .level = TLS_LEV_INVALID},
    {.value = "encrypt exclude=aNULL exclude=MD5", .level = TLS_LEV_INVALID},
    {.value = "encrypt servername=a.example servername=b.example", .level = TLS_LEV_INVALID},
    {.value = "may match=mail.example.com", .level = TLS_LEV_INVALID},
    {.value = "encrypt match=mail.example.com", .level = TLS_LEV_INVALID},
    {.value = "encrypt tafile=/a.pem", .level = TLS_LEV_INVALID},
    {.value = "fingerprint tafile=/a.pem", .level = TLS_LEV_INVALID},
    {.value = "encrypt ciphers=extreme", .level = TLS_LEV_INVALID},
    {.value = "encrypt ciphers=", .level = TLS_LEV_INVALID},
    {.value = "encrypt protocols=TLSv9", .level = TLS_LEV_INVALID},
    {.value = "encrypt servername=bad_name!", .level = TLS_LEV_INVALID},
    {.value = "encrypt connection_reuse=perhaps", .level = TLS_LEV_INVALID},
    {.value = "encrypt color=blue", .level = TLS_LEV_INVALID},
    {.value = "encrypt pq=maybe", .level = TLS_LEV_INVALID},
    {.value = "encrypt pq=no pq=only", .level = TLS_LEV_INVALID},
    {.value = "encrypt loose", .level = TLS_LEV_INVALID},
    {.value = "encrypt =value", .level = TLS_LEV_INVALID},
};

/* test_parse - each table value */

static void test_parse(void)
{
    VSTRING *why = vstring_alloc(100);

    for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        const PARSE_CASE *c = parse_cases + i;
        SMTP_TLS_POLICY policy = {0};
        int status = smtp_tls_policy_parse(&policy, "test", c->value, why);

        TEST_INT_EQ(policy.level, c->level, "parse \"%s\": level", c->value);
        TEST_INT_EQ(status, c->level == TLS_LEV_INVALID ? -1 : 0, "parse \"%s\": status", c->value);
        if (c->level != TLS_LEV_INVALID) {
            TEST_STR_EQ(policy.protocols, c->protocols, "parse \"%s\": protocols", c->value);
            TEST_STR_EQ(policy.grade, c->grade, "parse \"%s\": ciphers", c->value);
            TEST_STR_EQ(policy.exclusions, c->exclusions, "parse \"%s\": exclude", c->value);
            TEST_STR_EQ(policy.match, c->match, "parse \"%s\": match", c->value);
            TEST_STR_EQ(policy.tafile, c->tafile, "parse \"%s\": tafile", c->value);
            TEST_STR_EQ(policy.servername, c->servername, "parse \"%s\": servername", c->value);
            TEST_INT_EQ(policy.pq_mode, c->pq_mode, "parse \"%s\": pq", c->value);
        } else {
            TEST_CHECK(VSTRING_LEN(why) > 0, "parse \"%s\": a reason (%s)", c->value,
                       vstring_str(why));
        }
        smtp_tls_policy_free(&policy);
    }
    vstring_free(why);
}

/* test_global - smtp_tls_security_level and the legacy parameters */

static void test_global(void)
{
    static const struct {
        const char *level;
        bool use, enforce, peername;
        int want;
        bool dane_ok;
    } cases[] = {
        {"", false, false, true, TLS_LEV_NONE, false},
        {"", true, false, true, TLS_LEV_MAY, false},
        {"", false, true, false, TLS_LEV_ENCRYPT, false},
        {"", false, true, true, TLS_LEV_VERIFY, false},
        {"", true, true, true, TLS_LEV_VERIFY, false},
        {"encrypt", false, true, true, TLS_LEV_ENCRYPT, false},
        {"none", true, true, true, TLS_LEV_NONE, false},
        {"secure", false, false, true, TLS_LEV_SECURE, false},
        {"bogus", false, false, true, TLS_LEV_INVALID, false},
        {"dane-only", false, false, true, TLS_LEV_INVALID, false},
        {"dane", false, false, true, TLS_LEV_MAY, false},
        {"dane-only", false, false, true, TLS_LEV_DANE_ONLY, true},
        {"dane", false, false, true, TLS_LEV_DANE, true},
    };
    VSTRING *why = vstring_alloc(100);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        SMTP_TLS_CONFIG config = {
            .security_level = cases[i].level,
            .use_tls = cases[i].use,
            .enforce_tls = cases[i].enforce,
            .enforce_peername = cases[i].peername,
            .dane_ok = cases[i].dane_ok,
        };

        TEST_INT_EQ(smtp_tls_global_level(&config, why), cases[i].want,
                    "global level \"%s\" use=%d enforce=%d peername=%d dane_ok=%d", cases[i].level,
                    cases[i].use, cases[i].enforce, cases[i].peername, cases[i].dane_ok);
    }
    vstring_free(why);
}

static char test_dir[] = "/tmp/smtp_tls_policy_test.XXXXXX";

/* test_table - a texthash table with the given content */

static MAPS *test_table(const char *title, const char *name, const char *content)
{
    VSTRING *path = vstring_alloc(100);
    FILE *fp;
    MAPS *maps;

    vstring_sprintf(path, "%s/%s", test_dir, name);
    if ((fp = fopen(vstring_str(path), "w")) == NULL)
        msg_fatal("create %s: %m", vstring_str(path));
    fputs(content, fp);
    fclose(fp);
    vstring_sprintf(path, "texthash:%s/%s", test_dir, name);
    maps = maps_create(title, vstring_str(path), DICT_FLAG_LOCK);
    vstring_sprintf(path, "%s/%s", test_dir, name);
    unlink(vstring_str(path));
    vstring_free(path);
    return maps;
}

/* set_level - smtp_tls_security_level, parsed as smtp(8) does at start-up */

static void set_level(SMTP_TLS_CONFIG *config, const char *level)
{
    VSTRING *why = vstring_alloc(100);

    config->security_level = level;
    config->level = smtp_tls_global_level(config, why);
    vstring_free(why);
}

/* test_config - main.cf defaults */

static SMTP_TLS_CONFIG test_config(const char *level)
{
    SMTP_TLS_CONFIG config = {
        .security_level = level,
        .verify_cert_match = "hostname",
        .secure_cert_match = "nexthop, dot-nexthop",
        .fingerprint_cert_match = "AA:BB",
        .trust_anchor_file = "",
        .servername = "",
    };

    set_level(&config, level);
    return config;
}

/* find - the policy for a destination and host */

static SMTP_TLS_POLICY find(const SMTP_TLS_CONFIG *config, const char *dest, const char *host)
{
    SMTP_TLS_POLICY policy;

    smtp_tls_policy_find(&policy, config, dest, host);
    return policy;
}

/* test_policy_maps - lookup order and defaults */

static void test_policy_maps(void)
{
    SMTP_TLS_CONFIG config = test_config("may");
    SMTP_TLS_POLICY p;

    config.policy_maps = test_table("smtp_tls_policy_maps", "policy",
                                    "example.com secure\n"
                                    ".example.com verify\n"
                                    "[mx.example.net]:587 encrypt protocols=>=TLSv1.2\n"
                                    "example.org:587 fingerprint\n"
                                    "bad.example encrypt match=x\n"
                                    "none.example none\n");
    p = find(&config, "example.com", "mx.example.com");
    TEST_INT_EQ(p.level, TLS_LEV_SECURE, "policy: exact domain");
    TEST_STR_EQ(p.match, "nexthop, dot-nexthop", "policy: secure gets smtp_tls_secure_cert_match");
    smtp_tls_policy_free(&p);
    p = find(&config, "mail.sub.example.com", "mx");
    TEST_INT_EQ(p.level, TLS_LEV_VERIFY, "policy: parent domain as .example.com");
    TEST_STR_EQ(p.match, "hostname", "policy: verify gets smtp_tls_verify_cert_match");
    smtp_tls_policy_free(&p);
    p = find(&config, "[mx.example.net]:587", "mx.example.net");
    TEST_INT_EQ(p.level, TLS_LEV_ENCRYPT, "policy: [host]:port verbatim");
    TEST_STR_EQ(p.protocols, ">=TLSv1.2", "policy: protocols from the entry");
    TEST_CHECK(p.match == NULL, "policy: no match list at encrypt");
    smtp_tls_policy_free(&p);
    p = find(&config, "[mail.example.com]", "mail.example.com");
    TEST_INT_EQ(p.level, TLS_LEV_MAY, "policy: [host] does not walk parent domains");
    smtp_tls_policy_free(&p);
    p = find(&config, "example.org:587", "mx.example.org");
    TEST_INT_EQ(p.level, TLS_LEV_FPRINT, "policy: host:port verbatim");
    TEST_STR_EQ(p.match, "AA:BB", "policy: fingerprint gets smtp_tls_fingerprint_cert_match");
    smtp_tls_policy_free(&p);
    p = find(&config, "other.test", "mx.other.test");
    TEST_INT_EQ(p.level, TLS_LEV_MAY, "policy: no entry keeps the global level");
    smtp_tls_policy_free(&p);
    p = find(&config, "none.example", "mx");
    TEST_INT_EQ(p.level, TLS_LEV_NONE, "policy: none weakens the global level");
    smtp_tls_policy_free(&p);
    p = find(&config, "bad.example", "mx");
    TEST_INT_EQ(p.level, TLS_LEV_INVALID, "policy: misplaced attribute is invalid");
    TEST_STR_EQ(p.error, "client TLS configuration problem", "policy: invalid reason");
    TEST_STR_EQ(p.error_dsn, "4.7.5", "policy: invalid dsn");
    smtp_tls_policy_free(&p);
    maps_free(config.policy_maps);
    config.policy_maps = maps_create("smtp_tls_policy_maps", "fail:policy", DICT_FLAG_LOCK);
    p = find(&config, "example.com", "mx");
    TEST_INT_EQ(p.level, TLS_LEV_INVALID, "policy: lookup error never weakens the level");
    TEST_STR_EQ(p.error_dsn, "4.7.5", "policy: lookup error dsn");
    smtp_tls_policy_free(&p);
    maps_free(config.policy_maps);
}

/* test_defaults - trust anchors and server name from main.cf */

static void test_defaults(void)
{
    SMTP_TLS_CONFIG config = test_config("verify");
    SMTP_TLS_POLICY p;

    config.trust_anchor_file = "/ta.pem";
    config.servername = "hostname";
    p = find(&config, "example.com", "mx.example.com");
    TEST_STR_EQ(p.tafile, "/ta.pem", "defaults: smtp_tls_trust_anchor_file at verify");
    TEST_STR_EQ(smtp_tls_policy_sni(&p, "mx.example.com", "example.com"), "mx.example.com",
                "defaults: servername=hostname sends the host name");
    smtp_tls_policy_free(&p);
    set_level(&config, "encrypt");
    config.servername = "nexthop";
    p = find(&config, "example.com", "mx.example.com");
    TEST_CHECK(p.tafile == NULL, "defaults: no trust anchors at encrypt");
    TEST_STR_EQ(smtp_tls_policy_sni(&p, "mx.example.com", "example.com"), "example.com",
                "defaults: servername=nexthop sends the next hop");
    smtp_tls_policy_free(&p);
    config.servername = "";
    p = find(&config, "example.com", "mx.example.com");
    TEST_CHECK(smtp_tls_policy_sni(&p, "mx", "example.com") == NULL, "defaults: no SNI");
    smtp_tls_policy_free(&p);
}

/* Legacy smtp_tls_per_site merges. */
typedef struct SITE_CASE {
    const char *global; /* smtp_tls_security_level */
    const char *dest;   /* next hop key */
    const char *host;   /* server host */
    int want;
} SITE_CASE;

static const SITE_CASE site_cases[] = {
    {"none", "may.example", "nothing", TLS_LEV_MAY},
    {"none", "must.example", "nothing", TLS_LEV_VERIFY},
    {"none", "nopeer.example", "nothing", TLS_LEV_ENCRYPT},
    {"encrypt", "nothing", "nothing", TLS_LEV_ENCRYPT},
    {"encrypt", "may.example", "nothing", TLS_LEV_ENCRYPT},
    {"encrypt", "none.example", "nothing", TLS_LEV_NONE},
    {"may", "may.example", "none.example", TLS_LEV_NONE},
    {"may", "must.example", "none.example", TLS_LEV_VERIFY},
    {"may", "nopeer.example", "must.example", TLS_LEV_VERIFY},
    {"may", "must.example", "nopeer.example", TLS_LEV_VERIFY},
    {"may", "none.example", "may.example", TLS_LEV_NONE},
    {"may", "nothing", "nopeer.example", TLS_LEV_ENCRYPT},
    {"may", "bogus.example", "nothing", TLS_LEV_INVALID},
};

/* test_per_site - the legacy table */

static void test_per_site(void)
{
    SMTP_TLS_CONFIG config = test_config("may");
    SMTP_TLS_POLICY p;

    config.per_site = test_table("smtp_tls_per_site", "per_site",
                                 "may.example MAY\nmust.example MUST\n"
                                 "nopeer.example MUST_NOPEERMATCH\nnone.example NONE\n"
                                 "bogus.example SOMETIMES\n");
    for (size_t i = 0; i < sizeof(site_cases) / sizeof(site_cases[0]); i++) {
        const SITE_CASE *c = site_cases + i;

        set_level(&config, c->global);
        p = find(&config, c->dest, c->host);
        TEST_INT_EQ(p.level, c->want, "per_site: global %s, next hop %s, host %s", c->global,
                    c->dest, c->host);
        if (c->want == TLS_LEV_INVALID)
            TEST_STR_EQ(p.error_dsn, "4.3.0", "per_site: unknown value dsn");
        smtp_tls_policy_free(&p);
    }
    /* With policy maps, the per-site table is not used. */
    set_level(&config, "may");
    config.policy_maps = test_table("smtp_tls_policy_maps", "policy2", "other.example encrypt\n");
    p = find(&config, "must.example", "nothing");
    TEST_INT_EQ(p.level, TLS_LEV_MAY, "per_site: ignored when smtp_tls_policy_maps is set");
    smtp_tls_policy_free(&p);
    maps_free(config.policy_maps);
    maps_free(config.per_site);
}

/* test_count_dane - count the warnings about level dane */

static void test_count_dane(enum msg_level level, const char *text, void *context)
{
    if (level == MSG_WARN && strstr(text, "level \"dane\" needs DNSSEC support") != NULL)
        ++*(int *)context;
}

/* test_dane_fallback - a main.cf level dane is parsed once, warned about at each lookup */

static void test_dane_fallback(void)
{
    SMTP_TLS_CONFIG config = test_config("dane");
    int warnings = 0;
    SMTP_TLS_POLICY p;

    config.level_dane_fallback = true;
    msg_output_add(test_count_dane, &warnings);
    for (int i = 0; i < 2; i++) {
        p = find(&config, "example.com", "mx.example.com");
        TEST_INT_EQ(p.level, TLS_LEV_MAY, "dane fallback: lookup %d uses level may", i + 1);
        smtp_tls_policy_free(&p);
    }
    msg_output_remove(test_count_dane, &warnings);
    TEST_INT_EQ(warnings, 2, "dane fallback: each lookup warns");
}

/* test_dane_table - table entries at the DANE levels, with and without DNSSEC support */

static void test_dane_table(void)
{
    SMTP_TLS_CONFIG config = test_config("may");
    int warnings = 0;
    SMTP_TLS_POLICY p;

    config.policy_maps =
        test_table("smtp_tls_policy_maps", "dane", "dane.example dane\nonly.example dane-only\n");
    msg_output_add(test_count_dane, &warnings);
    p = find(&config, "dane.example", "mx.dane.example");
    TEST_INT_EQ(p.level, TLS_LEV_MAY, "dane entry without DNSSEC support: may");
    smtp_tls_policy_free(&p);
    TEST_INT_EQ(warnings, 1, "dane entry without DNSSEC support: warned");
    p = find(&config, "only.example", "mx.only.example");
    TEST_INT_EQ(p.level, TLS_LEV_INVALID, "dane-only entry without DNSSEC support: invalid");
    TEST_STR_EQ(p.error_dsn ? p.error_dsn : "", "4.7.5", "dane-only entry: deferred 4.7.5");
    smtp_tls_policy_free(&p);
    config.dane_ok = true;
    p = find(&config, "dane.example", "mx.dane.example");
    TEST_INT_EQ(p.level, TLS_LEV_DANE, "dane entry with DNSSEC support: dane");
    smtp_tls_policy_free(&p);
    p = find(&config, "only.example", "mx.only.example");
    TEST_INT_EQ(p.level, TLS_LEV_DANE_ONLY, "dane-only entry with DNSSEC support: dane-only");
    smtp_tls_policy_free(&p);
    TEST_INT_EQ(warnings, 1, "no warning with DNSSEC support");
    msg_output_remove(test_count_dane, &warnings);
    maps_free(config.policy_maps);
}

int main(void)
{
    msg_init("smtp_tls_policy_test");
    if (mkdtemp(test_dir) == NULL)
        msg_fatal("mkdtemp: %m");
    test_parse();
    test_global();
    test_policy_maps();
    test_defaults();
    test_per_site();
    test_dane_fallback();
    test_dane_table();
    if (rmdir(test_dir) < 0)
        msg_warn("cannot remove %s: %m", test_dir);
    return test_summary("smtp_tls_policy_test");
}
