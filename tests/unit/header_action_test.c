/*
 * header_action_test - the meaning of header_checks(5) table results
 *
 * TEST_UNDER_VALGRIND
 */

#include "header_action.h"
#include "msg.h"
#include "test.h"

static void test_parse(void)
{
    static const struct {
        const char *value;        /* table result */
        HEADER_ACTION want;       /* its action */
        const char *want_keyword; /* keyword, or "(none)" */
        const char *want_text;    /* text after it */
    } cases[] = {
        {"REJECT", HEADER_ACTION_REJECT, "REJECT", ""},
        {"reject  no thanks", HEADER_ACTION_REJECT, "REJECT", "no thanks"},
        {"WARN look", HEADER_ACTION_WARN, "WARN", "look"},
        {"INFO", HEADER_ACTION_INFO, "INFO", ""},
        {"DISCARD gone", HEADER_ACTION_DISCARD, "DISCARD", "gone"},
        {"HOLD", HEADER_ACTION_HOLD, "HOLD", ""},
        {"IGNORE", HEADER_ACTION_IGNORE, "IGNORE", ""},
        {"REPLACE Subject: new", HEADER_ACTION_REPLACE, "REPLACE", "Subject: new"},
        {"PREPEND X-A: b", HEADER_ACTION_PREPEND, "PREPEND", "X-A: b"},
        {"REDIRECT a@b.test", HEADER_ACTION_REDIRECT, "REDIRECT", "a@b.test"},
        {"FILTER smtp:[127.0.0.1]:25", HEADER_ACTION_FILTER, "FILTER", "smtp:[127.0.0.1]:25"},
        {"BCC c@d.test", HEADER_ACTION_BCC, "BCC", "c@d.test"},
        {"STRIP", HEADER_ACTION_STRIP, "STRIP", ""},
        {"DUNNO", HEADER_ACTION_DUNNO, "DUNNO", ""},
        {"OK", HEADER_ACTION_DUNNO, "OK", ""},
        {"REJECTED", HEADER_ACTION_UNKNOWN, "(none)", ""},
        {"frobnicate", HEADER_ACTION_UNKNOWN, "(none)", ""},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        HEADER_ACTION_RESULT res;

        TEST_INT_EQ(header_action_parse(cases[i].value, &res), cases[i].want, "%s: action",
                    cases[i].value);
        TEST_STR_EQ(res.keyword ? res.keyword : "(none)", cases[i].want_keyword, "%s: keyword",
                    cases[i].value);
        TEST_STR_EQ(res.text, cases[i].want_text, "%s: text", cases[i].value);
    }
}

int main(void)
{
    msg_init("header_action_test");
    test_parse();
    return test_summary("header_action_test");
}
