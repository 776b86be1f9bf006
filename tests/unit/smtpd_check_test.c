/*
 * smtpd_check_test - SMTP server access restrictions
 *
 * The real restriction engine with real tables (inline:, hash: that is
 * missing) and real address lists; each case is a session description
 * and the reply that a client would see.
 *
 * TEST_UNDER_VALGRIND
 */

#include <setjmp.h>

#include "../../src/smtpd/smtpd_check.c"
#include "../../src/smtpd/smtpd_check_access.c"
#include "../../src/smtpd/smtpd_check_addr.c"
#include "../../src/smtpd/smtpd_check_flow.c"
#include "../../src/smtpd/smtpd_check_host.c"
#include "../../src/smtpd/smtpd_check_policy.c"
#include "../../src/smtpd/smtpd_check_rbl.c"
#include "../../src/smtpd/smtpd_check_server.c"
#include "../../src/smtpd/smtpd_check_login.c"

#include "test.h"

static VSTRING *test_log;   /* captured log lines */
static jmp_buf test_jump;   /* for expected fatal errors */
static int test_warn_calls; /* log_action() calls */

/* test_capture - collect log output */

static void test_capture(enum msg_level level, const char *text, void *unused_context)
{
    vstring_sprintf_append(test_log, "%s\n", text);
}

/* test_log_action - WARN/INFO results */

static void test_log_action(void *unused_context, const char *action, const char *text)
{
    test_warn_calls++;
    vstring_sprintf_append(test_log, "%s: %s\n", action, text);
}

/* test_class_value - restriction class definitions */

static const char *test_class_value(void *unused_context, const char *name)
{
    if (strcmp(name, "friendly") == 0)
        return "check_sender_access inline:{{ postmaster@example.test = OK }}, reject";
    return NULL;
}

/* test_props - a typical configuration */

static SMTPD_CHECK_PROPS test_props(void)
{
    SMTPD_CHECK_PROPS props = {
        .lists =
            {
                "check_client_access inline:{{ 192.0.2.66 = REJECT bad host }, "
                "{ 192.0.2.67 = permit_mynetworks reject }, { 192.0.2.68 = frobnicate }, "
                "{ 192.0.2.69 = WARN look at this } }",
                "",
                "check_sender_access inline:{{ <> = 550 5.7.0 no bounces here }, "
                "{ spammer@ = REJECT }, { friend.test = OK }}",
                "permit_mynetworks, permit_sasl_authenticated, permit_tls_clientcerts, "
                "permit_tls_all_clientcerts, defer_unauth_destination",
                "check_recipient_access inline:{{ slow.test = DEFER try later }, "
                "{ class@mx.example.test = friendly }}, "
                "check_ccert_access inline:{{ 11:22:33 = REJECT revoked }}",
                "",
            },
        .restriction_classes = "friendly",
        .class_value = test_class_value,
        .mynetworks = "127.0.0.0/8",
        .mydestination = "mx.example.test, localhost",
        .relay_domains = "relay.test, slow.test",
        .virtual_alias_domains = "",
        .virtual_mailbox_domains = "",
        .parent_domain_matches_subdomains = "relay_domains, smtpd_access_maps",
        .relay_clientcerts = "inline:{{ AA:BB:CC = friend }}",
        .null_access_lookup_key = "<>",
        .recipient_delimiter = "+",
        .reject_code = 554,
        .defer_code = 450,
        .access_map_reject_code = 554,
        .access_map_defer_code = 450,
        .relay_domains_reject_code = 554,
        .non_fqdn_reject_code = 504,
        .ask_ccert = true,
        .sasl_enabled = true,
    };

    return props;
}

/* One decision. */
typedef struct RCPT_CASE {
    const char *name;   /* what the case shows */
    const char *addr;   /* client address */
    const char *sender; /* MAIL FROM */
    const char *rcpt;   /* RCPT TO */
    bool sasl;          /* authenticated */
    const char *fprint; /* client certificate fingerprint, or NULL */
    bool trusted;       /* client certificate verified */
    const char *want;   /* reply, or NULL for permitted */
} RCPT_CASE;

static const RCPT_CASE rcpt_cases[] = {
    {"stranger to a remote domain", "192.0.2.1", "a@b.test", "x@other.test", false, NULL, false,
     "454 4.7.1 <x@other.test>: Relay access denied"},
    {"stranger to a local domain", "192.0.2.1", "a@b.test", "user@mx.example.test", false, NULL,
     false, NULL},
    {"stranger to a subdomain of relay_domains", "192.0.2.1", "a@b.test", "u@sub.relay.test", false,
     NULL, false, NULL},
    {"no domain is local", "192.0.2.1", "a@b.test", "postmaster", false, NULL, false, NULL},
    {"percent hack is not local", "192.0.2.1", "a@b.test", "x%other.test@mx.example.test", false,
     NULL, false, "454 4.7.1 <x%other.test@mx.example.test>: Relay access denied"},
    {"bang path is not local", "192.0.2.1", "a@b.test", "other.test!x@mx.example.test", false, NULL,
     false, "454 4.7.1 <other.test!x@mx.example.test>: Relay access denied"},
    {"our address literal", "192.0.2.1", "a@b.test", "u@[192.0.2.10]", false, NULL, false, NULL},
    {"another address literal", "192.0.2.1", "a@b.test", "u@[192.0.2.11]", false, NULL, false,
     "454 4.7.1 <u@[192.0.2.11]>: Relay access denied"},
    {"mynetworks may relay", "127.0.0.1", "a@b.test", "x@other.test", false, NULL, false, NULL},
    {"authenticated client may relay", "192.0.2.1", "a@b.test", "x@other.test", true, NULL, false,
     NULL},
    {"listed client certificate may relay", "192.0.2.1", "a@b.test", "x@other.test", false,
     "AA:BB:CC", false, NULL},
    {"unlisted untrusted certificate may not", "192.0.2.1", "a@b.test", "x@other.test", false,
     "DD:EE:FF", false, "454 4.7.1 <x@other.test>: Relay access denied"},
    {"verified certificate may relay", "192.0.2.1", "a@b.test", "x@other.test", false, "DD:EE:FF",
     true, NULL},
    {"client table REJECT text", "192.0.2.66", "a@b.test", "user@mx.example.test", false, NULL,
     false, "554 5.7.1 <unknown[192.0.2.66]>: Client host rejected: bad host"},
    {"client table restriction list", "192.0.2.67", "a@b.test", "user@mx.example.test", false, NULL,
     false, "554 5.7.1 <unknown[192.0.2.67]>: Client host rejected: Access denied"},
    {"client table unknown restriction", "192.0.2.68", "a@b.test", "user@mx.example.test", false,
     NULL, false, "451 4.3.5 Server configuration error"},
    {"null sender key with its own code", "192.0.2.1", "", "user@mx.example.test", false, NULL,
     false, "550 5.7.0 <>: Sender address rejected: no bounces here"},
    {"sender localpart@ key", "192.0.2.1", "spammer@any.test", "user@mx.example.test", false, NULL,
     false, "554 5.7.1 <spammer@any.test>: Sender address rejected: Access denied"},
    {"sender OK does not permit relaying", "192.0.2.1", "x@friend.test", "x@other.test", false,
     NULL, false, "454 4.7.1 <x@other.test>: Relay access denied"},
    {"recipient parent domain DEFER", "192.0.2.1", "a@b.test", "u@sub.slow.test", false, NULL,
     false, "450 4.7.1 <u@sub.slow.test>: Recipient address rejected: try later"},
    {"restriction class permits", "192.0.2.1", "postmaster@example.test", "class@mx.example.test",
     false, NULL, false, NULL},
    {"restriction class rejects", "192.0.2.1", "a@b.test", "class@mx.example.test", false, NULL,
     false, "554 5.7.1 <class@mx.example.test>: Recipient address rejected: Access denied"},
    {"client certificate access", "192.0.2.1", "a@b.test", "user@mx.example.test", false,
     "11:22:33", true, "554 5.7.1 <unknown[192.0.2.1]>: Client host rejected: revoked"},
};

/* test_facts - a session description */

static SMTPD_CHECK_FACTS test_facts(const RCPT_CASE *c, char *namaddr, size_t len)
{
    SMTPD_CHECK_FACTS facts = {
        .name = "unknown",
        .addr = c->addr,
        .namaddr = namaddr,
        .local_addr = "192.0.2.10",
        .helo = "client.test",
        .sender = c->sender,
        .recipient = c->rcpt,
        .sasl_authenticated = c->sasl,
        .tls_active = c->fprint != NULL,
        .ccert_trusted = c->trusted,
        .ccert_fprint = c->fprint,
        .ccert_pkey_fprint = c->fprint ? "00:00" : NULL,
        .log_action = test_log_action,
    };

    snprintf(namaddr, len, "unknown[%s]", c->addr);
    return facts;
}

/* test_rcpt - the decision table */

static void test_rcpt(void)
{
    SMTPD_CHECK_PROPS props = test_props();
    SMTPD_CHECKS *checks = smtpd_check_init(&props);
    VSTRING *reply = vstring_alloc(100);

    for (size_t i = 0; i < sizeof(rcpt_cases) / sizeof(rcpt_cases[0]); i++) {
        const RCPT_CASE *c = &rcpt_cases[i];
        char namaddr[100];
        SMTPD_CHECK_FACTS facts = test_facts(c, namaddr, sizeof(namaddr));
        int result = smtpd_check_rcpt(checks, true, &facts, reply);

        if (c->want) {
            TEST_INT_EQ(result, SMTPD_CHECK_REJECT, "%s: rejected", c->name);
            TEST_STR_EQ(vstring_str(reply), c->want, "%s: reply", c->name);
        } else {
            TEST_INT_EQ(result, SMTPD_CHECK_OK, "%s: permitted (%s)", c->name, vstring_str(reply));
        }
    }
    vstring_free(reply);
    smtpd_check_free(checks);
}

/* One sender login decision: restriction, login name (NULL: none), sender, reply. */
typedef struct LOGIN_CASE {
    const char *restriction; /* the smtpd_sender_restrictions list */
    const char *login;       /* SASL login name, or NULL when not authenticated */
    const char *sender;      /* MAIL FROM */
    const char *want;        /* reply, or NULL for no decision */
} LOGIN_CASE;

static const LOGIN_CASE login_cases[] = {
    /* alice owns her address, her alias, and (through the catch-all) nothing else. */
    {"reject_sender_login_mismatch", "alice", "alice@mx.example.test", NULL},
    {"reject_sender_login_mismatch", "ALICE", "alice@mx.example.test", NULL},
    {"reject_sender_login_mismatch", "alice", "alice+list@mx.example.test", NULL},
    {"reject_sender_login_mismatch", "alice", "sales@mx.example.test", NULL},
    {"reject_sender_login_mismatch", "bob", "sales@mx.example.test", NULL},
    {"reject_sender_login_mismatch", "alice", "bob@mx.example.test",
     "553 5.7.1 <bob@mx.example.test>: Sender address rejected: not owned by user alice"},
    {"reject_sender_login_mismatch", "alice", "anyone@team.test",
     "553 5.7.1 <anyone@team.test>: Sender address rejected: not owned by user alice"},
    {"reject_sender_login_mismatch", "carol", "anyone@team.test", NULL},
    {"reject_sender_login_mismatch", "alice", "stranger@elsewhere.test",
     "553 5.7.1 <stranger@elsewhere.test>: Sender address rejected: not owned by user alice"},
    {"reject_sender_login_mismatch", NULL, "alice@mx.example.test",
     "553 5.7.1 <alice@mx.example.test>: Sender address rejected: not logged in"},
    {"reject_sender_login_mismatch", NULL, "stranger@elsewhere.test", NULL},
    {"reject_sender_login_mismatch", "alice", "", NULL},
    /* Only the authenticated half. */
    {"reject_authenticated_sender_login_mismatch", NULL, "alice@mx.example.test", NULL},
    {"reject_authenticated_sender_login_mismatch", "alice", "stranger@elsewhere.test",
     "553 5.7.1 <stranger@elsewhere.test>: Sender address rejected: not owned by user alice"},
    {"reject_authenticated_sender_login_mismatch", "alice", "bob@mx.example.test",
     "553 5.7.1 <bob@mx.example.test>: Sender address rejected: not owned by user alice"},
    /* Only addresses that have an owner. */
    {"reject_known_sender_login_mismatch", "alice", "stranger@elsewhere.test", NULL},
    {"reject_known_sender_login_mismatch", "alice", "bob@mx.example.test",
     "553 5.7.1 <bob@mx.example.test>: Sender address rejected: not owned by user alice"},
    {"reject_known_sender_login_mismatch", NULL, "bob@mx.example.test",
     "553 5.7.1 <bob@mx.example.test>: Sender address rejected: not logged in"},
    /* Only the unauthenticated half. */
    {"reject_unauthenticated_sender_login_mismatch", "alice", "bob@mx.example.test", NULL},
    {"reject_unauthenticated_sender_login_mismatch", NULL, "bob@mx.example.test",
     "553 5.7.1 <bob@mx.example.test>: Sender address rejected: not logged in"},
    {"reject_unauthenticated_sender_login_mismatch", NULL, "nobody@elsewhere.test", NULL},
    /* The login name in an access table. */
    {"check_sasl_access inline:{{ mallory = REJECT account locked }, { trusted = OK }}", "mallory",
     "mallory@mx.example.test",
     "554 5.7.1 <unknown[192.0.2.1]>: Client host rejected: account locked"},
    {"check_sasl_access inline:{{ mallory = REJECT account locked }}", "alice",
     "alice@mx.example.test", NULL},
    {"check_sasl_access inline:{{ mallory = REJECT account locked }}", NULL,
     "mallory@mx.example.test", NULL},
};

/* test_login - smtpd_sender_login_maps and the sender login restrictions */

static void test_login(void)
{
    VSTRING *reply = vstring_alloc(100);

    for (size_t i = 0; i < sizeof(login_cases) / sizeof(login_cases[0]); i++) {
        const LOGIN_CASE *c = &login_cases[i];
        SMTPD_CHECK_PROPS props = test_props();
        SMTPD_CHECKS *checks;
        RCPT_CASE facts_case = {.addr = "192.0.2.1", .sender = c->sender, .sasl = c->login != NULL};
        char namaddr[100];
        SMTPD_CHECK_FACTS facts = test_facts(&facts_case, namaddr, sizeof(namaddr));
        int result;

        props.lists[SMTPD_STAGE_SENDER] = c->restriction;
        props.sender_login_maps =
            "inline:{{ alice@mx.example.test = alice }, { sales@mx.example.test = alice, bob }, "
            "{ bob@mx.example.test = bob }, { @team.test = carol }}";
        checks = smtpd_check_init(&props);
        facts.sasl_username = c->login;
        result = smtpd_check_stage(checks, SMTPD_STAGE_SENDER, &facts, reply);
        if (c->want) {
            TEST_INT_EQ(result, SMTPD_CHECK_REJECT, "%s, %s as <%s>: rejected", c->restriction,
                        c->login ? c->login : "(none)", c->sender);
            TEST_STR_EQ(vstring_str(reply), c->want, "%s, %s as <%s>: reply", c->restriction,
                        c->login ? c->login : "(none)", c->sender);
        } else {
            TEST_INT_EQ(result, SMTPD_CHECK_DUNNO, "%s, %s as <%s>: no objection (%s)",
                        c->restriction, c->login ? c->login : "(none)", c->sender,
                        vstring_str(reply));
        }
        smtpd_check_free(checks);
    }

    /* Without smtpd_sender_login_maps nothing is refused. */
    SMTPD_CHECK_PROPS props = test_props();
    RCPT_CASE facts_case = {.addr = "192.0.2.1", .sender = "bob@mx.example.test", .sasl = true};
    char namaddr[100];
    SMTPD_CHECK_FACTS facts = test_facts(&facts_case, namaddr, sizeof(namaddr));
    SMTPD_CHECKS *checks;

    props.lists[SMTPD_STAGE_SENDER] = "reject_sender_login_mismatch";
    checks = smtpd_check_init(&props);
    facts.sasl_username = "alice";
    TEST_INT_EQ(smtpd_check_stage(checks, SMTPD_STAGE_SENDER, &facts, reply), SMTPD_CHECK_DUNNO,
                "no smtpd_sender_login_maps: no objection");
    smtpd_check_free(checks);

    /* A lookup failure defers. */
    props.sender_login_maps = "hash:/nonexistent/sender_login";
    checks = smtpd_check_init(&props);
    TEST_INT_EQ(smtpd_check_stage(checks, SMTPD_STAGE_SENDER, &facts, reply), SMTPD_CHECK_REJECT,
                "a failing smtpd_sender_login_maps defers");
    TEST_STR_EQ(vstring_str(reply), "451 4.3.0 <bob@mx.example.test>: Temporary lookup failure",
                "the deferral reply");
    smtpd_check_free(checks);

    /* Without smtpd_sasl_auth_enable, as Postfix: ignored, with a warning. */
    props.sender_login_maps = "inline:{{ bob@mx.example.test = bob }}";
    props.lists[SMTPD_STAGE_SENDER] =
        "reject_sender_login_mismatch, check_sasl_access inline:{{ alice = REJECT }}";
    props.sasl_enabled = false;
    checks = smtpd_check_init(&props);
    VSTRING_RESET(test_log);
    TEST_INT_EQ(smtpd_check_stage(checks, SMTPD_STAGE_SENDER, &facts, reply), SMTPD_CHECK_DUNNO,
                "no SASL: the restrictions decide nothing");
    TEST_CHECK(strstr(vstring_str(test_log), "restriction `reject_sender_login_mismatch' ignored: "
                                             "no SASL support") != NULL &&
                   strstr(vstring_str(test_log),
                          "restriction `check_sasl_access' ignored: no SASL support") != NULL,
               "no SASL: Postfix's warnings");
    smtpd_check_free(checks);
    vstring_free(reply);
}

/* test_warn - WARN logs and decides nothing */

static void test_warn(void)
{
    SMTPD_CHECK_PROPS props = test_props();
    SMTPD_CHECKS *checks = smtpd_check_init(&props);
    VSTRING *reply = vstring_alloc(100);
    RCPT_CASE c = {"warn", "192.0.2.69", "a@b.test", "user@mx.example.test",
                   false,  NULL,         false,      NULL};
    char namaddr[100];
    SMTPD_CHECK_FACTS facts = test_facts(&c, namaddr, sizeof(namaddr));

    VSTRING_RESET(test_log);
    test_warn_calls = 0;
    TEST_INT_EQ(smtpd_check_stage(checks, SMTPD_STAGE_CLIENT, &facts, reply), SMTPD_CHECK_DUNNO,
                "WARN decides nothing");
    TEST_INT_EQ(test_warn_calls, 1, "WARN is logged once");
    TEST_CHECK(strstr(vstring_str(test_log), "warn: look at this") != NULL, "WARN text logged");
    vstring_free(reply);
    smtpd_check_free(checks);
}

/* test_lookup_error - a failing table defers, never permits */

static void test_lookup_error(void)
{
    SMTPD_CHECK_PROPS props = test_props();
    SMTPD_CHECKS *checks;
    VSTRING *reply = vstring_alloc(100);
    RCPT_CASE c = {"error", "192.0.2.1", "a@b.test", "user@mx.example.test",
                   false,   NULL,        false,      NULL};
    char namaddr[100];
    SMTPD_CHECK_FACTS facts = test_facts(&c, namaddr, sizeof(namaddr));

    props.lists[SMTPD_STAGE_RECIPIENT] = "check_recipient_access hash:/nonexistent/access, permit";
    checks = smtpd_check_init(&props);
    TEST_INT_EQ(smtpd_check_rcpt(checks, true, &facts, reply), SMTPD_CHECK_REJECT,
                "lookup failure is not \"not found\"");
    TEST_STR_EQ(vstring_str(reply), "451 4.3.0 <user@mx.example.test>: Temporary lookup failure",
                "lookup failure defers");
    vstring_free(reply);
    smtpd_check_free(checks);
}

/* test_reject_codes - reject_unauth_destination and the generic ones */

static void test_reject_codes(void)
{
    SMTPD_CHECK_PROPS props = test_props();
    SMTPD_CHECKS *checks;
    VSTRING *reply = vstring_alloc(100);
    RCPT_CASE c = {"codes", "192.0.2.1", "a@b.test", "x@other.test", false, NULL, false, NULL};
    char namaddr[100];
    SMTPD_CHECK_FACTS facts = test_facts(&c, namaddr, sizeof(namaddr));

    props.lists[SMTPD_STAGE_CLIENT] = "";
    props.lists[SMTPD_STAGE_SENDER] = "";
    props.lists[SMTPD_STAGE_RELAY] = "";
    props.lists[SMTPD_STAGE_RECIPIENT] = "reject_non_fqdn_recipient, reject_unauth_destination";
    props.lists[SMTPD_STAGE_DATA] = "reject";
    props.lists[SMTPD_STAGE_HELO] = "reject_non_fqdn_helo_hostname";
    checks = smtpd_check_init(&props);
    TEST_INT_EQ(smtpd_check_rcpt(checks, true, &facts, reply), SMTPD_CHECK_REJECT,
                "reject_unauth_destination rejects");
    TEST_STR_EQ(vstring_str(reply), "554 5.7.1 <x@other.test>: Relay access denied",
                "reject_unauth_destination uses relay_domains_reject_code");
    facts.recipient = "user";
    TEST_INT_EQ(smtpd_check_stage(checks, SMTPD_STAGE_RECIPIENT, &facts, reply), SMTPD_CHECK_REJECT,
                "non-FQDN recipient");
    TEST_STR_EQ(vstring_str(reply),
                "504 5.5.2 <user>: Recipient address rejected: need fully-qualified address",
                "non-FQDN recipient reply");
    facts.helo = "localhost";
    TEST_STR_EQ((smtpd_check_stage(checks, SMTPD_STAGE_HELO, &facts, reply), vstring_str(reply)),
                "504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname",
                "non-FQDN HELO reply");
    TEST_STR_EQ((smtpd_check_stage(checks, SMTPD_STAGE_DATA, &facts, reply), vstring_str(reply)),
                "554 5.7.1 <DATA>: Data command rejected: Access denied", "reject in DATA");
    TEST_CHECK(smtpd_check_empty(checks, SMTPD_STAGE_CLIENT), "empty list is empty");
    vstring_free(reply);
    smtpd_check_free(checks);
}

/* One decision about the session: a list, changed facts, the reply (NULL: no objection). */
typedef struct SESSION_CASE {
    const char *name;              /* what the case shows */
    SMTPD_STAGE stage;             /* the list */
    const char *restriction;       /* its value */
    const char *helo;              /* HELO name, or NULL for "client.example.test" */
    const char *sender;            /* MAIL FROM, or NULL for "a@b.test" */
    int rcpt_count;                /* recipients accepted before */
    bool tls;                      /* a TLS session is up */
    bool ill_pipelining;           /* commands came ahead */
    SMTPD_NAME_STATUS name_status; /* client name lookup */
    const char *want;              /* reply, or NULL */
} SESSION_CASE;

static const SESSION_CASE session_cases[] = {
    {"invalid HELO", SMTPD_STAGE_HELO, "reject_invalid_helo_hostname", "bad_name!", NULL, 0, false,
     false, SMTPD_NAME_OK, "501 5.5.2 <bad_name!>: Helo command rejected: Invalid name"},
    {"HELO label starts with -", SMTPD_STAGE_HELO, "reject_invalid_helo_hostname", "-a.test", NULL,
     0, false, false, SMTPD_NAME_OK, "501 5.5.2 <-a.test>: Helo command rejected: Invalid name"},
    {"HELO all numeric", SMTPD_STAGE_HELO, "reject_invalid_helo_hostname", "123", NULL, 0, false,
     false, SMTPD_NAME_OK, "501 5.5.2 <123>: Helo command rejected: Invalid name"},
    {"HELO label of 64", SMTPD_STAGE_HELO, "reject_invalid_helo_hostname",
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.test", NULL, 0, false, false,
     SMTPD_NAME_OK,
     "501 5.5.2 <aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.test>: Helo "
     "command rejected: Invalid name"},
    {"HELO bad literal", SMTPD_STAGE_HELO, "reject_invalid_helo_hostname", "[1.2.3]", NULL, 0,
     false, false, SMTPD_NAME_OK, "501 5.5.2 <[1.2.3]>: Helo command rejected: invalid ip address"},
    {"HELO good name", SMTPD_STAGE_HELO, "reject_invalid_helo_hostname", "a_b.test.", NULL, 0,
     false, false, SMTPD_NAME_OK, NULL},
    {"HELO IPv4 address", SMTPD_STAGE_HELO, "reject_invalid_helo_hostname", "192.0.2.1", NULL, 0,
     false, false, SMTPD_NAME_OK, NULL},
    {"HELO IPv6 literal", SMTPD_STAGE_HELO, "reject_invalid_helo_hostname", "[IPv6:2001:db8::1]",
     NULL, 0, false, false, SMTPD_NAME_OK, NULL},
    {"second bounce recipient", SMTPD_STAGE_RECIPIENT, "reject_multi_recipient_bounce", NULL, "", 1,
     false, false, SMTPD_NAME_OK,
     "550 5.5.3 <user@mx.example.test>: Recipient address rejected: Multi-recipient bounce"},
    {"first bounce recipient", SMTPD_STAGE_RECIPIENT, "reject_multi_recipient_bounce", NULL, "", 0,
     false, false, SMTPD_NAME_OK, NULL},
    {"second recipient of a sender", SMTPD_STAGE_RECIPIENT, "reject_multi_recipient_bounce", NULL,
     NULL, 1, false, false, SMTPD_NAME_OK, NULL},
    {"bounce to two at DATA", SMTPD_STAGE_DATA, "reject_multi_recipient_bounce", NULL, "", 2, false,
     false, SMTPD_NAME_OK, "550 5.5.3 <DATA>: Data command rejected: Multi-recipient bounce"},
    {"bounce to one at DATA", SMTPD_STAGE_DATA, "reject_multi_recipient_bounce", NULL, "", 1, false,
     false, SMTPD_NAME_OK, NULL},
    {"plaintext", SMTPD_STAGE_CLIENT, "reject_plaintext_session", NULL, NULL, 0, false, false,
     SMTPD_NAME_OK, "450 4.7.1 Session encryption is required"},
    {"TLS", SMTPD_STAGE_CLIENT, "reject_plaintext_session", NULL, NULL, 0, true, false,
     SMTPD_NAME_OK, NULL},
    {"pipelined ahead", SMTPD_STAGE_CLIENT, "reject_unauth_pipelining", NULL, NULL, 0, false, true,
     SMTPD_NAME_OK,
     "503 5.5.0 <unknown[192.0.2.1]>: Client host rejected: Improper use of SMTP command "
     "pipelining"},
    {"not pipelined", SMTPD_STAGE_CLIENT, "reject_unauth_pipelining", NULL, NULL, 0, false, false,
     SMTPD_NAME_OK, NULL},
    {"unknown client", SMTPD_STAGE_CLIENT, "reject_unknown_client_hostname", NULL, NULL, 0, false,
     false, SMTPD_NAME_PERM,
     "450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.1]"},
    {"unknown client for now", SMTPD_STAGE_CLIENT, "reject_unknown_client_hostname", NULL, NULL, 0,
     false, false, SMTPD_NAME_TEMP,
     "450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.1]"},
    {"unknown reverse name", SMTPD_STAGE_CLIENT, "reject_unknown_reverse_client_hostname", NULL,
     NULL, 0, false, false, SMTPD_NAME_PERM,
     "450 4.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.1]"},
    {"warn_if_reject", SMTPD_STAGE_CLIENT, "warn_if_reject reject, permit", NULL, NULL, 0, false,
     false, SMTPD_NAME_OK, NULL},
    {"warn_if_reject covers one", SMTPD_STAGE_CLIENT, "warn_if_reject permit_mynetworks, reject",
     NULL, NULL, 0, false, false, SMTPD_NAME_OK,
     "554 5.7.1 <unknown[192.0.2.1]>: Client host rejected: Access denied"},
    {"defer_if_reject", SMTPD_STAGE_CLIENT, "defer_if_reject, permit_mynetworks, reject", NULL,
     NULL, 0, false, false, SMTPD_NAME_OK,
     "450 4.7.0 <unknown[192.0.2.1]>: Client host rejected: defer_if_reject requested"},
    {"defer_if_permit then permit", SMTPD_STAGE_CLIENT, "defer_if_permit, permit", NULL, NULL, 0,
     false, false, SMTPD_NAME_OK,
     "450 4.7.0 <unknown[192.0.2.1]>: Client host rejected: defer_if_permit requested"},
    {"defer_if_permit then reject", SMTPD_STAGE_CLIENT, "defer_if_permit, reject", NULL, NULL, 0,
     false, false, SMTPD_NAME_OK,
     "554 5.7.1 <unknown[192.0.2.1]>: Client host rejected: Access denied"},
    {"sleep 0", SMTPD_STAGE_CLIENT, "sleep 0, reject", NULL, NULL, 0, false, false, SMTPD_NAME_OK,
     "554 5.7.1 <unknown[192.0.2.1]>: Client host rejected: Access denied"},
    {"DEFER_IF_PERMIT, then permit", SMTPD_STAGE_RECIPIENT,
     "check_recipient_access inline:{{ user@mx.example.test = DEFER_IF_PERMIT }}, permit", NULL,
     NULL, 0, false, false, SMTPD_NAME_OK,
     "450 4.7.1 <user@mx.example.test>: Recipient address rejected: Service unavailable"},
    {"DEFER_IF_PERMIT, then reject", SMTPD_STAGE_RECIPIENT,
     "check_recipient_access inline:{{ user@mx.example.test = DEFER_IF_PERMIT }}, reject", NULL,
     NULL, 0, false, false, SMTPD_NAME_OK,
     "554 5.7.1 <user@mx.example.test>: Recipient address rejected: Access denied"},
    {"DEFER_IF_REJECT with a code, then reject", SMTPD_STAGE_RECIPIENT,
     "check_recipient_access inline:{{ user@mx.example.test = DEFER_IF_REJECT 4.2.0 wait }}, "
     "reject",
     NULL, NULL, 0, false, false, SMTPD_NAME_OK,
     "450 4.2.0 <user@mx.example.test>: Recipient address rejected: wait"},
    {"DEFER_IF_REJECT, then permit", SMTPD_STAGE_RECIPIENT,
     "check_recipient_access inline:{{ user@mx.example.test = DEFER_IF_REJECT }}, permit", NULL,
     NULL, 0, false, false, SMTPD_NAME_OK, NULL},
    {"not inet_interfaces", SMTPD_STAGE_CLIENT, "permit_inet_interfaces, reject", NULL, NULL, 0,
     false, false, SMTPD_NAME_OK,
     "554 5.7.1 <unknown[192.0.2.1]>: Client host rejected: Access denied"},
};

/* test_session - restrictions on the session and the evaluation */

static void test_session(void)
{
    VSTRING *reply = vstring_alloc(100);

    for (size_t i = 0; i < sizeof(session_cases) / sizeof(session_cases[0]); i++) {
        const SESSION_CASE *c = &session_cases[i];
        SMTPD_CHECK_PROPS props = test_props();
        RCPT_CASE facts_case = {.addr = "192.0.2.1",
                                .sender = c->sender ? c->sender : "a@b.test",
                                .rcpt = "user@mx.example.test"};
        char namaddr[100];
        SMTPD_CHECK_FACTS facts = test_facts(&facts_case, namaddr, sizeof(namaddr));
        SMTPD_CHECKS *checks;
        int result;

        props.lists[c->stage] = c->restriction;
        props.inet_interfaces = "127.0.0.1";
        checks = smtpd_check_init(&props);
        facts.helo = c->helo ? c->helo : "client.example.test";
        facts.rcpt_count = c->rcpt_count;
        facts.tls_active = c->tls;
        facts.ill_pipelining = c->ill_pipelining;
        facts.name = "unknown";
        facts.reverse_name = "unknown";
        facts.name_status = facts.reverse_status = c->name_status;
        VSTRING_RESET(test_log);
        result = smtpd_check_stage(checks, c->stage, &facts, reply);
        if (c->want) {
            TEST_INT_EQ(result, SMTPD_CHECK_REJECT, "%s: rejected", c->name);
            TEST_STR_EQ(vstring_str(reply), c->want, "%s: reply", c->name);
        } else {
            TEST_CHECK(result != SMTPD_CHECK_REJECT, "%s: no objection (%s)", c->name,
                       vstring_str(reply));
        }
        smtpd_check_free(checks);
    }
    vstring_free(reply);
}

/* test_reject_warning - warn_if_reject logs the reply it withheld */

static void test_reject_warning(void)
{
    SMTPD_CHECK_PROPS props = test_props();
    SMTPD_CHECKS *checks;
    VSTRING *reply = vstring_alloc(100);
    RCPT_CASE c = {.addr = "192.0.2.1", .sender = "a@b.test", .rcpt = "user@mx.example.test"};
    char namaddr[100];
    SMTPD_CHECK_FACTS facts = test_facts(&c, namaddr, sizeof(namaddr));

    props.lists[SMTPD_STAGE_CLIENT] = "warn_if_reject, reject";
    checks = smtpd_check_init(&props);
    VSTRING_RESET(test_log);
    TEST_INT_EQ(smtpd_check_stage(checks, SMTPD_STAGE_CLIENT, &facts, reply), SMTPD_CHECK_DUNNO,
                "warn_if_reject: no decision");
    TEST_STR_EQ(vstring_str(test_log),
                "reject_warning: 554 5.7.1 <unknown[192.0.2.1]>: Client host rejected: Access "
                "denied\n",
                "warn_if_reject: the reply is logged");
    smtpd_check_free(checks);
    vstring_free(reply);
}

/* test_dns_failure - a DNS lookup that fails for now defers, never decides */

static void test_dns_failure(void)
{
    SMTPD_CHECK_PROPS props = test_props();
    SMTPD_CHECKS *checks;
    VSTRING *reply = vstring_alloc(100);
    RCPT_CASE c = {.addr = "127.0.0.1", .sender = "a@far.test", .rcpt = "user@mx.example.test"};
    char namaddr[100];
    SMTPD_CHECK_FACTS facts = test_facts(&c, namaddr, sizeof(namaddr));

    props.lists[SMTPD_STAGE_SENDER] = "reject_unknown_sender_domain";
    props.lists[SMTPD_STAGE_HELO] = "reject_unknown_helo_hostname";
    checks = smtpd_check_init(&props);
    if (checks->resolver)
        dns_resolver_free(checks->resolver);
    checks->resolver = NULL; /* every lookup fails for now */
    facts.helo = "[127.0.0.1]";
    TEST_INT_EQ(smtpd_check_rcpt(checks, true, &facts, reply), SMTPD_CHECK_REJECT,
                "defer_if_permit: deferred when the rest permits");
    TEST_STR_EQ(vstring_str(reply),
                "450 4.1.8 <a@far.test>: Sender address rejected: Domain not found",
                "defer_if_permit: the reply");
    facts.sender = "a@mx.example.test";
    TEST_INT_EQ(smtpd_check_rcpt(checks, true, &facts, reply), SMTPD_CHECK_OK,
                "a local domain is not looked up");
    facts.helo = "client.far.test";
    TEST_INT_EQ(smtpd_check_stage(checks, SMTPD_STAGE_HELO, &facts, reply), SMTPD_CHECK_REJECT,
                "HELO: deferred");
    TEST_STR_EQ(vstring_str(reply),
                "450 4.7.1 <client.far.test>: Helo command rejected: Host not found",
                "HELO: the reply");
    smtpd_check_free(checks);

    props.unknown_address_tempfail_action = "defer";
    props.lists[SMTPD_STAGE_SENDER] = "reject_unknown_sender_domain, permit";
    props.lists[SMTPD_STAGE_HELO] = "";
    props.lists[SMTPD_STAGE_RECIPIENT] = "reject";
    checks = smtpd_check_init(&props);
    if (checks->resolver)
        dns_resolver_free(checks->resolver);
    checks->resolver = NULL;
    facts.sender = "a@far.test";
    TEST_INT_EQ(smtpd_check_stage(checks, SMTPD_STAGE_SENDER, &facts, reply), SMTPD_CHECK_REJECT,
                "defer: deferred at once");
    TEST_STR_EQ(vstring_str(reply),
                "450 4.1.8 <a@far.test>: Sender address rejected: Domain not found",
                "defer: the reply");
    smtpd_check_free(checks);
    vstring_free(reply);
}

/* test_rbl_filter - =filter patterns of the DNS lists, as smtpd matches them (dnsbl_sites(3)) */

static void test_rbl_filter(void)
{
    static const struct {
        const char *filter; /* the pattern, or NULL */
        const char *addr;   /* an A record */
        bool want;          /* allowed */
    } cases[] = {
        {NULL, "127.0.0.9", true},
        {"127.0.0.2", "127.0.0.2", true},
        {"127.0.0.2", "127.0.0.3", false},
        {"127.0.0.[2..5]", "127.0.0.3", true},
        {"127.0.0.[2..5]", "127.0.0.10", false},
        {"127.0.[0;1].[2;4..6]", "127.0.1.5", true},
        {"127.0.[0;1].[2;4..6]", "127.0.2.5", false},
        {"127.0.[0;1].[2;4..6]", "127.0.0.3", false},
        {"127.0.0", "127.0.0.2", false},
        {"127.0.0.2.1", "127.0.0.2", false},
        {"127.0.0.[2", "127.0.0.2", false},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        TEST_INT_EQ(dnsbl_filter_match(cases[i].filter, cases[i].addr), cases[i].want,
                    "filter %s, answer %s", cases[i].filter ? cases[i].filter : "(none)",
                    cases[i].addr);
}

/* test_rbl_template - default_rbl_reply and its variables */

static void test_rbl_template(void)
{
    SMTPD_CHECK_PROPS props = test_props();
    SMTPD_CHECKS *checks = smtpd_check_init(&props);
    VSTRING *reply = vstring_alloc(100);
    RCPT_CASE c = {.addr = "192.0.2.9", .sender = "a@spam.test", .rcpt = "user@mx.example.test"};
    char namaddr[100];
    SMTPD_CHECK_FACTS facts = test_facts(&c, namaddr, sizeof(namaddr));
    SMTPD_CHECK_DECISION decision = {vstring_alloc(10), vstring_alloc(10)};
    SMTPD_CHECK_CTX ctx = {.checks = checks,
                           .facts = &facts,
                           .stage = SMTPD_STAGE_CLIENT,
                           .reply = reply,
                           .decision = &decision};
    SMTPD_RBL_QUERY q = {"Client host", "192.0.2.9", "9.2.0.192"};

    smtpd_rbl_refuse(&ctx, &q, "bl.test", "bl.test", "");
    TEST_STR_EQ(vstring_str(reply),
                "554 5.7.1 Service unavailable; Client host [192.0.2.9] blocked using bl.test",
                "the default reply without a reason");
    smtpd_rbl_refuse(&ctx, &q, "bl.test", "bl.test", "see https://bl.test/");
    TEST_STR_EQ(vstring_str(reply),
                "554 5.7.1 Service unavailable; Client host [192.0.2.9] blocked using bl.test; see "
                "https://bl.test/",
                "the default reply with a reason");
    myfree(checks->default_rbl_reply);
    checks->default_rbl_reply =
        mystrdup("451 4.7.0 ${sender_domain} via $client_address${rbl_reason:, no reason}");
    smtpd_rbl_refuse(&ctx, &q, "bl.test", "bl.test", "");
    TEST_STR_EQ(vstring_str(reply), "451 4.7.0 spam.test via 192.0.2.9, no reason",
                "a template with its own code and ${name:text}");
    vstring_free(decision.defer_if_permit);
    vstring_free(decision.defer_if_reject);
    vstring_free(reply);
    smtpd_check_free(checks);
}

/* test_fatal - a configuration that must not start */

static void test_fatal(const char *name, int stage, const char *list, const char *want)
{
    SMTPD_CHECK_PROPS props = test_props();
    SMTPD_CHECKS *volatile checks = NULL;
    int jumped;

    props.lists[stage] = list;
    if (stage == SMTPD_STAGE_RELAY)
        props.lists[SMTPD_STAGE_RECIPIENT] = "";
    VSTRING_RESET(test_log);
    msg_set_longjmp(&test_jump);
    if ((jumped = setjmp(test_jump)) == 0)
        checks = smtpd_check_init(&props);
    msg_set_longjmp(NULL);
    TEST_INT_EQ(jumped, 1, "%s: fatal", name);
    if (strstr(vstring_str(test_log), want) == NULL)
        TEST_STR_EQ(vstring_str(test_log), want, "%s: message", name);
    else
        TEST_CHECK(1, "%s: message names it", name);
    if (checks)
        smtpd_check_free(checks);
}

int main(void)
{
    msg_init("smtpd_check_test");
    test_log = vstring_alloc(1000);
    msg_output_add(test_capture, NULL);
    msg_stderr_enable(0);

    test_rcpt();
    test_login();
    test_warn();
    test_lookup_error();
    test_reject_codes();
    test_session();
    test_reject_warning();
    test_dns_failure();
    test_rbl_filter();
    test_rbl_template();
    test_fatal("open relay", SMTPD_STAGE_RELAY, "permit_mynetworks, permit",
               "specify at least one working instance of: reject_unauth_destination");
    test_fatal("unknown restriction", SMTPD_STAGE_SENDER, "reject_everything",
               "smtpd_sender_restrictions: unknown restriction \"reject_everything\"");
    test_fatal("missing table", SMTPD_STAGE_CLIENT, "check_client_access",
               "smtpd_client_restrictions: restriction \"check_client_access\" needs a "
               "type:table argument");
    test_fatal("sleep without a time", SMTPD_STAGE_CLIENT, "sleep",
               "smtpd_client_restrictions: restriction \"sleep\" needs an argument");
    {
        SMTPD_CHECK_PROPS props = test_props();
        int jumped;

        props.unknown_address_tempfail_action = "reject";
        VSTRING_RESET(test_log);
        msg_set_longjmp(&test_jump);
        if ((jumped = setjmp(test_jump)) == 0)
            smtpd_check_free(smtpd_check_init(&props));
        msg_set_longjmp(NULL);
        TEST_INT_EQ(jumped, 1, "bad tempfail action: fatal");
        TEST_CHECK(strstr(vstring_str(test_log), "unknown_address_tempfail_action = reject") !=
                       NULL,
                   "bad tempfail action: named");
    }
    vstring_free(test_log);
    return test_summary("smtpd_check_test");
}
