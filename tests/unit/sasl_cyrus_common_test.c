/*
 * sasl_cyrus_common_test - the Cyrus log callback shared by the SASL
 * client and server: errors and warnings are logged, notes only with
 * -v, and the debug, trace and "pass" levels never, not even with -v,
 * because they may carry passwords.
 */

#include <sasl/sasl.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"

#include "sasl_cyrus_common.h"
#include "test.h"

static char captured[512];

/* capture - keep the last log line */

static void capture(enum msg_level unused_level, const char *text, void *unused_context)
{
    snprintf(captured, sizeof(captured), "%s", text);
}

/* logged - what one library message at level becomes in our log */

static const char *logged(int level, const char *message)
{
    captured[0] = 0;
    sasl_cyrus_log(NULL, level, message);
    return captured;
}

int main(void)
{
    static const int secret_levels[] = {SASL_LOG_DEBUG, SASL_LOG_TRACE, SASL_LOG_PASS};

    msg_init("sasl_cyrus_common_test");
    msg_output_add(capture, NULL);

    TEST_STR_EQ(logged(SASL_LOG_ERR, "no secret"),
                "warning: SASL authentication failure: no secret",
                "an error is logged as a failure");
    TEST_STR_EQ(logged(SASL_LOG_WARN, "odd"), "warning: SASL authentication problem: odd",
                "a warning is logged as a problem");
    TEST_STR_EQ(logged(SASL_LOG_NOTE, "note"), "", "a note is not logged without -v");
    msg_verbose = 1;
    TEST_STR_EQ(logged(SASL_LOG_NOTE, "note"), "SASL authentication info: note",
                "a note is logged with -v");
    for (size_t i = 0; i < sizeof(secret_levels) / sizeof(secret_levels[0]); i++)
        TEST_STR_EQ(logged(secret_levels[i], "password=hunter2"), "",
                    "debug, trace and pass levels are never logged, even with -v");
    TEST_CHECK(sasl_cyrus_flags(0) == 0, "no options, no flags");
    return test_summary("sasl_cyrus_common_test");
}
