/*
 * smtpd_check_access_test - access(5) results that act on the whole message
 *
 * HOLD, DISCARD, FILTER, REDIRECT, BCC and PREPEND found in a real inline:
 * table reach the message_action callback with Postfix's log text; the
 * list goes on after them (DISCARD permits); malformed arguments are
 * ignored with a warning.
 *
 * TEST_UNDER_VALGRIND
 */

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

static VSTRING *test_log;     /* captured warnings */
static VSTRING *test_actions; /* "KEYWORD text | log text" per callback */

/* test_capture - collect log output */

static void test_capture(enum msg_level level, const char *text, void *unused_context)
{
    vstring_sprintf_append(test_log, "%s\n", text);
}

/* test_message_action - what smtpd would remember */

static void test_message_action(void *unused_context, const ACCESS_RESULT *result,
                                const char *log_text)
{
    vstring_sprintf_append(test_actions, "%s %s | %s\n", result->keyword, result->text,
                           log_text ? log_text : "(not logged)");
}

/* One case: the recipient, the callbacks wanted, the result wanted. */
typedef struct ACTION_CASE {
    const char *rcpt;    /* RCPT TO */
    const char *actions; /* what the callback saw */
    int result;          /* SMTPD_CHECK_* of the recipient list */
    const char *warning; /* a warning wanted in the log, or NULL */
} ACTION_CASE;

static const ACTION_CASE action_cases[] = {
    {"hold@x.test", "HOLD  | <hold@x.test>: Recipient address triggers HOLD action\n",
     SMTPD_CHECK_REJECT, NULL},
    {"holdtext@x.test", "HOLD look | <holdtext@x.test>: Recipient address look\n",
     SMTPD_CHECK_REJECT, NULL},
    {"discard@x.test", "DISCARD  | <discard@x.test>: Recipient address triggers DISCARD action\n",
     SMTPD_CHECK_OK, NULL},
    {"filter@x.test",
     "FILTER scan:[127.0.0.1]:10025 | <filter@x.test>: Recipient address triggers FILTER "
     "scan:[127.0.0.1]:10025\n",
     SMTPD_CHECK_REJECT, NULL},
    {"redirect@x.test",
     "REDIRECT a@y.test | <redirect@x.test>: Recipient address triggers REDIRECT a@y.test\n",
     SMTPD_CHECK_REJECT, NULL},
    {"bcc@x.test", "BCC c@y.test | <bcc@x.test>: Recipient address triggers BCC c@y.test\n",
     SMTPD_CHECK_REJECT, NULL},
    {"prepend@x.test", "PREPEND X-Tag: yes | (not logged)\n", SMTPD_CHECK_REJECT, NULL},
    {"nocolon@x.test", "", SMTPD_CHECK_REJECT, "requires transport:destination"},
    {"empty@x.test", "", SMTPD_CHECK_REJECT, "has no value"},
    {"noheader@x.test", "", SMTPD_CHECK_REJECT, "requires header: text"},
};

/* test_actions_run - each case against one recipient list */

static void test_actions_run(void)
{
    SMTPD_CHECK_PROPS props = {
        .lists =
            {
                [SMTPD_STAGE_RECIPIENT] =
                    "check_recipient_access inline:{{ hold@x.test = HOLD }, "
                    "{ holdtext@x.test = HOLD look }, { discard@x.test = DISCARD }, "
                    "{ filter@x.test = FILTER scan:[127.0.0.1]:10025 }, "
                    "{ redirect@x.test = REDIRECT a@y.test }, { bcc@x.test = BCC c@y.test }, "
                    "{ prepend@x.test = PREPEND X-Tag: yes }, { nocolon@x.test = FILTER scan }, "
                    "{ empty@x.test = REDIRECT }, { noheader@x.test = PREPEND no header }}, "
                    "reject",
            },
        .mynetworks = "127.0.0.0/8",
        .mydestination = "x.test",
        .reject_code = 554,
        .defer_code = 450,
        .access_map_reject_code = 554,
        .access_map_defer_code = 450,
        .relay_domains_reject_code = 554,
        .non_fqdn_reject_code = 504,
    };
    SMTPD_CHECKS *checks = smtpd_check_init(&props);
    VSTRING *reply = vstring_alloc(100);

    for (size_t i = 0; i < sizeof(action_cases) / sizeof(action_cases[0]); i++) {
        const ACTION_CASE *c = &action_cases[i];
        SMTPD_CHECK_FACTS facts = {
            .name = "unknown",
            .addr = "192.0.2.1",
            .namaddr = "unknown[192.0.2.1]",
            .helo = "client.test",
            .sender = "s@y.test",
            .recipient = c->rcpt,
            .message_action = test_message_action,
        };

        VSTRING_RESET(test_actions);
        VSTRING_RESET(test_log);
        TEST_INT_EQ(smtpd_check_stage(checks, SMTPD_STAGE_RECIPIENT, &facts, reply), c->result,
                    "%s: result", c->rcpt);
        TEST_STR_EQ(vstring_str(test_actions), c->actions, "%s: callback", c->rcpt);
        if (c->warning)
            TEST_CHECK(strstr(vstring_str(test_log), c->warning) != NULL, "%s: warning in %s",
                       c->rcpt, vstring_str(test_log));
    }
    vstring_free(reply);
    smtpd_check_free(checks);
}

int main(void)
{
    msg_init("smtpd_check_access_test");
    test_log = vstring_alloc(1000);
    test_actions = vstring_alloc(1000);
    msg_output_add(test_capture, NULL);
    msg_stderr_enable(0);
    test_actions_run();
    vstring_free(test_log);
    vstring_free(test_actions);
    return test_summary("smtpd_check_access_test");
}
