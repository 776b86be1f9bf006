/*
 * qmgr_sched_test - back-off, next attempt, expiry
 */
#include "qmgr_sched.h"

#include "test.h"

int main(void)
{
    static const struct {
        long long attempts, min, max, want;
    } cases[] = {
        {1, 300, 4000, 300},  {2, 300, 4000, 600},  {3, 300, 4000, 1200},
        {4, 300, 4000, 2400}, {5, 300, 4000, 4000}, {50, 300, 4000, 4000},
        {0, 300, 4000, 300},  {3, 10, 5, 10},       {2, 0, 100, 2},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        TEST_INT_EQ((int)qmgr_sched_backoff(cases[i].attempts, cases[i].min, cases[i].max),
                    (int)cases[i].want, "backoff after attempt %lld, min %lld, max %lld",
                    cases[i].attempts, cases[i].min, cases[i].max);
    TEST_INT_EQ((int)(qmgr_sched_next(1000000, 2, 300, 4000) - 1000000), 600,
                "next attempt is now plus the back-off");
    TEST_CHECK(!qmgr_sched_expired(1000, 1000 + 5 * 86400 - 1, 5 * 86400),
               "not expired one second before the lifetime");
    TEST_CHECK(qmgr_sched_expired(1000, 1000 + 5 * 86400, 5 * 86400), "expired at the lifetime");
    TEST_CHECK(qmgr_sched_expired(1000, 1000, 0), "lifetime 0: one attempt only");
    TEST_CHECK(qmgr_sched_due(0, 5), "next attempt 0 is due");
    TEST_CHECK(qmgr_sched_due(5, 5) && !qmgr_sched_due(6, 5), "due at the time, not before");
    return test_summary("qmgr_sched");
}
