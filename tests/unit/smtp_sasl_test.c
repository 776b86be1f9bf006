/*
 * smtp_sasl_test - which SMTP AUTH credentials a delivery uses: the order
 * of smtp_sasl_password_maps keys (sender with sender-dependent
 * authentication, host, next hop as written), extensions, the null
 * sender, a password with colons, a table error; the identity part of
 * the connection reuse key; the EHLO AUTH keyword in both forms
 *
 * smtp_sasl.c is compiled in; the functions it calls from the rest of
 * the client (replies, commands, failures) are stand-ins that no case
 * reaches.
 */
/* TEST_UNDER_VALGRIND */

#include "msg.h"
#include "test.h"

#include "../../src/smtp/smtp_sasl.c"

/* smtp_site_fail - stand-in: not reached */

void smtp_site_fail(SMTP_STATE *state, const char *relay, const char *dsn, const char *format, ...)
{
    (void)state;
    (void)relay;
    (void)dsn;
    (void)format;
    msg_panic("smtp_site_fail called");
}

/* smtp_chat_cmd_hidden - stand-in: not reached */

int smtp_chat_cmd_hidden(SMTP_SESSION *session, const char *shown, const char *line)
{
    (void)session;
    (void)shown;
    (void)line;
    msg_panic("smtp_chat_cmd_hidden called");
}

/* smtp_chat_resp - stand-in: not reached */

int smtp_chat_resp(SMTP_SESSION *session, int timeout)
{
    (void)session;
    (void)timeout;
    msg_panic("smtp_chat_resp called");
}

#define TABLE                                                                                      \
    "inline:{ user@example.com=u:user-pw, @example.org=d:domain-pw, mx.example.com=h:host-pw, "    \
    "[relay.example.com]:587=n:a:b:c }"

typedef struct LOOKUP_CASE {
    const char *name;     /* what the case shows */
    bool by_sender;       /* smtp_sender_dependent_authentication */
    const char *sender;   /* envelope sender */
    const char *host;     /* server host name */
    const char *nexthop;  /* next hop as written */
    int want;             /* 1, 0 or -1 */
    const char *user;     /* wanted username */
    const char *password; /* wanted password */
} LOOKUP_CASE;

static const LOOKUP_CASE lookup_cases[] = {
    {"sender first", true, "user@example.com", "mx.example.com", "[relay.example.com]:587", 1, "u",
     "user-pw"},
    {"sender without its extension", true, "user+list@example.com", "mx.example.com", "example.com",
     1, "u", "user-pw"},
    {"sender's @domain", true, "other@example.org", "mx.example.com", "example.org", 1, "d",
     "domain-pw"},
    {"no sender lookup without sender-dependent authentication", false, "user@example.com",
     "mx.example.com", "[relay.example.com]:587", 1, "h", "host-pw"},
    {"the null sender skips the sender lookup", true, "", "mx.example.com", "example.com", 1, "h",
     "host-pw"},
    {"host before next hop", true, "nobody@example.net", "mx.example.com",
     "[relay.example.com]:587", 1, "h", "host-pw"},
    {"next hop as written; the password keeps its colons", true, "nobody@example.net",
     "relay.example.com", "[relay.example.com]:587", 1, "n", "a:b:c"},
    {"next hop without its port is another key", true, "nobody@example.net", "relay.example.com",
     "[relay.example.com]", 0, NULL, NULL},
};

/* run_lookup - one lookup case */

static void run_lookup(SMTP_CONFIG *config, const LOOKUP_CASE *tc)
{
    DELIVER_REQUEST request = {.queue_id = "TESTID", .sender = (char *)tc->sender};
    SMTP_STATE state = {.config = config, .request = &request};
    char *user = NULL, *password = NULL;
    int got;

    config->sasl.sender_dependent = tc->by_sender;
    state.dest.key = (char *)tc->nexthop;
    got = smtp_sasl_lookup(&state, tc->host, &user, &password);
    TEST_INT_EQ(got, tc->want, "%s: result", tc->name);
    TEST_STR_EQ(user, tc->user, "%s: username", tc->name);
    TEST_STR_EQ(password, tc->password, "%s: password", tc->name);
    myfree(user);
    myfree(password);
}

/* key_of - the identity part of a reuse key */

static char *key_of(const char *user, const char *password)
{
    VSTRING *key = vstring_alloc(100);

    smtp_sasl_key(user, password, key);
    return vstring_export(key);
}

int main(void)
{
    SMTP_CONFIG config = {0};
    char *k1, *k2, *k3, *k4;

    msg_init("smtp_sasl_test");
    config.sasl.auth_enable = true;
    config.sasl.recipient_delimiter = "+";
    config.sasl.password_maps = maps_create(VAR_SMTP_SASL_PASSWORD_MAPS, TABLE, DICT_FLAG_LOCK);
    for (size_t i = 0; i < sizeof(lookup_cases) / sizeof(lookup_cases[0]); i++)
        run_lookup(&config, lookup_cases + i);

    /* SASL off: nothing, whatever the table says. */
    config.sasl.auth_enable = false;
    run_lookup(&config, &(LOOKUP_CASE){"SASL off", true, "user@example.com", "mx.example.com",
                                       "example.com", 0, NULL, NULL});
    config.sasl.auth_enable = true;

    /* A table error is not "not found". */
    maps_free(config.sasl.password_maps);
    config.sasl.password_maps =
        maps_create(VAR_SMTP_SASL_PASSWORD_MAPS, "fail:broken", DICT_FLAG_LOCK);
    run_lookup(&config, &(LOOKUP_CASE){"a table error", true, "user@example.com", "mx.example.com",
                                       "example.com", -1, NULL, NULL});
    maps_free(config.sasl.password_maps);

    /* Reuse key: who, with which password, or nobody. */
    k1 = key_of("alice", "one");
    k2 = key_of("alice", "two");
    k3 = key_of("bob", "one");
    k4 = key_of(NULL, NULL);
    TEST_CHECK(strcmp(k1, k2) != 0, "another password, another key");
    TEST_CHECK(strcmp(k1, k3) != 0, "another user, another key");
    TEST_STR_EQ(k4, "sasl=none\n", "no credentials");
    TEST_CHECK(strstr(k1, "one") == NULL, "the key does not hold the password");
    myfree(k1);
    myfree(k2);
    myfree(k3);
    myfree(k4);

    /* EHLO: "AUTH " wins over the old "AUTH=" form in either order. */
    SMTP_SESSION session = {0};
    smtp_sasl_ehlo(&session, "AUTH=LOGIN");
    TEST_STR_EQ(session.sasl_mechs, "LOGIN", "AUTH= alone counts");
    smtp_sasl_ehlo(&session, "AUTH PLAIN CRAM-MD5");
    TEST_STR_EQ(session.sasl_mechs, "PLAIN CRAM-MD5", "AUTH replaces AUTH=");
    smtp_sasl_ehlo(&session, "AUTH=LOGIN");
    TEST_STR_EQ(session.sasl_mechs, "PLAIN CRAM-MD5", "AUTH= after AUTH is ignored");
    session.sasl_username = mystrdup("alice");
    session.sasl_password = mystrdup("secret");
    smtp_sasl_forget(&session);
    TEST_CHECK(session.sasl_username == NULL && session.sasl_password == NULL &&
                   session.sasl_mechs == NULL,
               "forget clears the credentials and the mechanisms");
    return test_summary("smtp_sasl_test");
}
