/* mail_date_test - RFC 5322 dates, also for times that have no date */

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "mail_date.h"
#include "vstring.h"
#include "test.h"

/* TEST_UNDER_VALGRIND: an unset struct tm field would show */

#define EPOCH_DATE "Thu, 1 Jan 1970 00:00:00 +0000"

/* test_in_range - an ordinary time, and the ends of the four-digit years */

static void test_in_range(void)
{
    VSTRING *buf = vstring_alloc(50);

    TEST_STR_EQ(mail_date(buf, (time_t)1728896703), "Mon, 14 Oct 2024 09:05:03 +0000 (UTC)",
                "an ordinary time");
    TEST_STR_EQ(mail_date(buf, (time_t)253402300799LL), "Fri, 31 Dec 9999 23:59:59 +0000 (UTC)",
                "the last second of year 9999");
    TEST_STR_EQ(mail_date(buf, (time_t)-2208988800LL), "Mon, 1 Jan 1900 00:00:00 +0000 (UTC)",
                "the first second of year 1900");
    vstring_free(buf);
}

/* test_out_of_range - times from a corrupt log: the epoch, never garbage */

static void test_out_of_range(void)
{
    static const struct {
        const char *name;
        long long when;
    } cases[] = {
        {"the largest time", INT64_MAX},
        {"the smallest time", INT64_MIN},
        {"a time whose year overflows int", 0x7fffffffffffffffLL / 2},
        {"year 10000", 253402300800LL},
        {"the last second of 1899", -2208988801LL},
    };
    VSTRING *buf = vstring_alloc(50);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        TEST_STR_EQ(mail_date(buf, (time_t)cases[i].when), EPOCH_DATE, "%s", cases[i].name);
    vstring_free(buf);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    test_in_range();
    test_out_of_range();
    return test_summary("mail_date_test");
}
