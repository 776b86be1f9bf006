/*
 * smtp_requiretls_test - REQUIRETLS policy answers, the per-server check, TLS-Required: no.
 */
/* TEST_UNDER_VALGRIND */

#include "msg.h"
#include "test.h"

#include "../../src/smtp/smtp_requiretls.c"

/* Stand-ins for smtp_trouble.c and smtp_tls_policy.c: note the failure, free the strings. */
static char fail_dsn[16];
static char fail_text[300];

void smtp_site_fail(SMTP_STATE *state, const char *relay, const char *dsn, const char *format, ...)
{
    va_list ap;

    snprintf(fail_dsn, sizeof(fail_dsn), "%s", dsn);
    va_start(ap, format);
    vsnprintf(fail_text, sizeof(fail_text), format, ap);
    va_end(ap);
}

void smtp_tls_policy_free(SMTP_TLS_POLICY *policy)
{
    myfree(policy->match);
    policy->match = NULL;
}

typedef struct MODE_CASE {
    const char *policy; /* smtp_requiretls_policy */
    bool enable;        /* requiretls_enable */
    const char *attr;   /* the message's requiretls attribute */
    const char *key;    /* next hop as written */
    const char *name;   /* its domain */
    int want;           /* SMTP_REQUIRETLS_* */
} MODE_CASE;

static const MODE_CASE mode_cases[] = {
    {"enforce", true, "yes", "example.com", "example.com", SMTP_REQUIRETLS_ENFORCE},
    {"enforce", true, NULL, "example.com", "example.com", SMTP_REQUIRETLS_NONE},
    {"enforce", true, "no", "example.com", "example.com", SMTP_REQUIRETLS_NONE},
    {"enforce", false, "yes", "example.com", "example.com", SMTP_REQUIRETLS_NONE},
    {"disable", true, "yes", "example.com", "example.com", SMTP_REQUIRETLS_NONE},
    {"Opportunistic", true, "yes", "example.com", "example.com", SMTP_REQUIRETLS_OPPORTUNISTIC},
    {"", true, "yes", "example.com", "example.com", SMTP_REQUIRETLS_ENFORCE},
    {"inline:{ .example.com=disable, [10.0.0.1]:24=opportunistic }, enforce", true, "yes",
     "mx.example.com", "mx.example.com", SMTP_REQUIRETLS_NONE},
    {"inline:{ .example.com=disable, [10.0.0.1]:24=opportunistic }, enforce", true, "yes",
     "[10.0.0.1]:24", "10.0.0.1", SMTP_REQUIRETLS_OPPORTUNISTIC},
    {"inline:{ .example.com=disable, [10.0.0.1]:24=opportunistic }, enforce", true, "yes",
     "example.org", "example.org", SMTP_REQUIRETLS_ENFORCE},
    {"inline:{ .example.com=disable } opportunistic", true, "yes", "example.org", "example.org",
     SMTP_REQUIRETLS_OPPORTUNISTIC},
    {"inline:{ example.org=sometimes }", true, "yes", "example.org", "example.org",
     SMTP_REQUIRETLS_ERROR},
};

/* test_mode - smtp_requiretls_mode() over the table */

static void test_mode(void)
{
    VSTRING *why = vstring_alloc(100);

    for (size_t i = 0; i < sizeof(mode_cases) / sizeof(mode_cases[0]); i++) {
        const MODE_CASE *c = mode_cases + i;
        SMTP_REQUIRETLS_CONFIG config = {.enable = c->enable, .policy = c->policy};

        smtp_requiretls_init(&config);
        TEST_INT_EQ(smtp_requiretls_mode(&config, c->attr, c->key, c->name, why), c->want,
                    "mode: policy \"%s\", attribute %s, next hop %s", c->policy,
                    c->attr ? c->attr : "(none)", c->key);
        for (size_t w = 0; w < config.words->argc; w++)
            if (config.maps[w])
                maps_free(config.maps[w]);
        myfree(config.maps);
        argv_free(config.words);
    }
    vstring_free(why);
}

typedef struct CHECK_CASE {
    const char *name;    /* what the case shows */
    int requiretls;      /* SMTP_REQUIRETLS_* of the message */
    bool tls;            /* a TLS session is up */
    int level;           /* TLS_LEV_* of the session */
    int features;        /* SMTP_FEATURE_* */
    int want;            /* SMTP_OK or SMTP_FAIL */
    bool send;           /* MAIL FROM gets REQUIRETLS */
    const char *problem; /* in the failure text */
} CHECK_CASE;

static const CHECK_CASE check_cases[] = {
    {"verified, offered", SMTP_REQUIRETLS_ENFORCE, true, TLS_LEV_VERIFY, SMTP_FEATURE_REQUIRETLS,
     SMTP_OK, true, NULL},
    {"dane, offered", SMTP_REQUIRETLS_ENFORCE, true, TLS_LEV_DANE, SMTP_FEATURE_REQUIRETLS, SMTP_OK,
     true, NULL},
    {"fingerprint, offered", SMTP_REQUIRETLS_ENFORCE, true, TLS_LEV_FPRINT, SMTP_FEATURE_REQUIRETLS,
     SMTP_OK, true, NULL},
    {"verified, not offered", SMTP_REQUIRETLS_ENFORCE, true, TLS_LEV_SECURE, 0, SMTP_FAIL, false,
     "does not support REQUIRETLS"},
    {"may", SMTP_REQUIRETLS_ENFORCE, true, TLS_LEV_MAY, SMTP_FEATURE_REQUIRETLS, SMTP_FAIL, true,
     "not authenticated"},
    {"encrypt", SMTP_REQUIRETLS_ENFORCE, true, TLS_LEV_ENCRYPT, SMTP_FEATURE_REQUIRETLS, SMTP_FAIL,
     true, "not authenticated"},
    {"dane with an insecure MX", SMTP_REQUIRETLS_ENFORCE, true, TLS_LEV_HALF_DANE,
     SMTP_FEATURE_REQUIRETLS, SMTP_FAIL, true, "not authenticated"},
    {"plaintext", SMTP_REQUIRETLS_ENFORCE, false, TLS_LEV_MAY, 0, SMTP_FAIL, false,
     "not protected with TLS"},
    {"opportunistic, plaintext", SMTP_REQUIRETLS_OPPORTUNISTIC, false, TLS_LEV_MAY, 0, SMTP_OK,
     false, NULL},
    {"opportunistic, offered", SMTP_REQUIRETLS_OPPORTUNISTIC, true, TLS_LEV_MAY,
     SMTP_FEATURE_REQUIRETLS, SMTP_OK, true, NULL},
    {"not asked for", SMTP_REQUIRETLS_NONE, true, TLS_LEV_VERIFY, SMTP_FEATURE_REQUIRETLS, SMTP_OK,
     false, NULL},
};

/* test_check - smtp_requiretls_check() and smtp_requiretls_send() per session */

static void test_check(void)
{
    for (size_t i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
        const CHECK_CASE *c = check_cases + i;
        SMTP_STATE state = {.requiretls = c->requiretls};
        SMTP_SESSION session = {
            .state = &state,
            .tls = c->tls ? (TLS_SESS_STATE *)&state : NULL, /* only compared with NULL */
            .tls_level = c->level,
            .features = c->features,
            .relay = "mx[192.0.2.1]:25",
            .namaddr = "mx[192.0.2.1]",
        };

        fail_dsn[0] = fail_text[0] = 0;
        TEST_INT_EQ(smtp_requiretls_check(&session), c->want, "check: %s", c->name);
        TEST_INT_EQ(smtp_requiretls_send(&session), c->send, "send: %s", c->name);
        if (c->problem) {
            TEST_STR_EQ(fail_dsn, "4.7.10", "check: %s: soft failure for this server", c->name);
            TEST_CHECK(strstr(fail_text, c->problem) != NULL, "check: %s: reason \"%s\"", c->name,
                       fail_text);
        }
    }
}

/* test_relax - TLS-Required: no */

static void test_relax(void)
{
    SMTP_STATE state = {.tls_required_no = true};
    SMTP_TLS_POLICY policy = {.level = TLS_LEV_SECURE, .match = mystrdup("nexthop")};

    TEST_CHECK(smtp_requiretls_relax(&state, &policy), "relax: secure is relaxed");
    TEST_INT_EQ(policy.level, TLS_LEV_MAY, "relax: to level may");
    TEST_CHECK(policy.match == NULL, "relax: no match list left");
    policy.level = TLS_LEV_NONE;
    TEST_CHECK(!smtp_requiretls_relax(&state, &policy), "relax: none stays none");
    state.tls_required_no = false;
    policy.level = TLS_LEV_DANE_ONLY;
    TEST_CHECK(!smtp_requiretls_relax(&state, &policy), "relax: not without the header");
    TEST_INT_EQ(policy.level, TLS_LEV_DANE_ONLY, "relax: level kept without the header");
}

int main(void)
{
    msg_init("smtp_requiretls_test");
    test_mode();
    test_check();
    test_relax();
    return test_summary("smtp_requiretls_test");
}
