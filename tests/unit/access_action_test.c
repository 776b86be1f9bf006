/* access_action_test - the meaning of access(5) table results */

#include <string.h>

#include "access_action.h"
#include "msg.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

static void test_parse(void)
{
    static const struct {
        const char *value;
        ACCESS_ACTION want;
        const char *want_text;
        int want_code;
        const char *want_keyword;
    } cases[] = {
        {"OK", ACCESS_ACTION_OK, "", 0, NULL},
        {"ok", ACCESS_ACTION_OK, "", 0, NULL},
        {"12345", ACCESS_ACTION_OK, "", 0, NULL},
        {"REJECT", ACCESS_ACTION_REJECT, "", 0, NULL},
        {"reject  go away", ACCESS_ACTION_REJECT, "go away", 0, NULL},
        {"DEFER try later", ACCESS_ACTION_DEFER, "try later", 0, NULL},
        {"550 5.7.1 no", ACCESS_ACTION_CODE, "5.7.1 no", 550, NULL},
        {"450\tbusy", ACCESS_ACTION_CODE, "busy", 450, NULL},
        {"DUNNO", ACCESS_ACTION_DUNNO, "", 0, NULL},
        {"WARN look", ACCESS_ACTION_WARN, "look", 0, NULL},
        {"INFO note", ACCESS_ACTION_INFO, "note", 0, NULL},
        {"HOLD", ACCESS_ACTION_HOLD, "", 0, "HOLD"},
        {"hold look at it", ACCESS_ACTION_HOLD, "look at it", 0, "HOLD"},
        {"DISCARD spam", ACCESS_ACTION_DISCARD, "spam", 0, "DISCARD"},
        {"FILTER scan:[127.0.0.1]:10025", ACCESS_ACTION_FILTER, "scan:[127.0.0.1]:10025", 0,
         "FILTER"},
        {"REDIRECT a@b.test", ACCESS_ACTION_REDIRECT, "a@b.test", 0, "REDIRECT"},
        {"BCC c@d.test", ACCESS_ACTION_BCC, "c@d.test", 0, "BCC"},
        {"PREPEND X-Tag: yes", ACCESS_ACTION_PREPEND, "X-Tag: yes", 0, "PREPEND"},
        {"HOLDING", ACCESS_ACTION_RESTRICTIONS, "", 0, NULL},
        {"DEFER_IF_PERMIT x", ACCESS_ACTION_DEFER_IF_PERMIT, "x", 0, NULL},
        {"defer_if_reject", ACCESS_ACTION_DEFER_IF_REJECT, "", 0, NULL},
        {"DEFER try", ACCESS_ACTION_DEFER, "try", 0, NULL},
        {"REJECTED", ACCESS_ACTION_RESTRICTIONS, "", 0, NULL},
        {"permit_mynetworks, reject", ACCESS_ACTION_RESTRICTIONS, "", 0, NULL},
        {"600 nonsense", ACCESS_ACTION_RESTRICTIONS, "", 0, NULL},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ACCESS_RESULT res;

        TEST_INT_EQ(access_action_parse(cases[i].value, &res), cases[i].want, "%s: action",
                    cases[i].value);
        TEST_INT_EQ(res.action, cases[i].want, "%s: result action", cases[i].value);
        TEST_STR_EQ(res.text, cases[i].want_text, "%s: text", cases[i].value);
        TEST_INT_EQ(res.code, cases[i].want_code, "%s: code", cases[i].value);
        TEST_STR_EQ(res.keyword ? res.keyword : "(none)",
                    cases[i].want_keyword ? cases[i].want_keyword : "(none)", "%s: keyword",
                    cases[i].value);
    }
}

int main(void)
{
    msg_init("access_action_test");
    test_parse();
    return test_summary("access_action_test");
}
