/*
 * anvil_table_test - connection counts and event rates per ident
 *
 * The counting of anvil(8) with a clock of the test's choosing: windows
 * of anvil_rate_time_unit, counts that never go negative, expiry of idle
 * idents, and the statistics lines with their maxima.
 *
 * TEST_UNDER_VALGRIND
 */

#include "../../src/anvil/anvil_table.c"

#include "vstring.h"

#include "test.h"

#define UNIT 60          /* anvil_rate_time_unit */
#define NOW  1700000000L /* an arbitrary start */
#define A    "smtp:192.0.2.1"
#define B    "smtp:192.0.2.2"

/* test_windows - rates restart when the window ends; counts do not */

static void test_windows(void)
{
    ANVIL_TABLE *table = anvil_table_create(UNIT);
    int count, rate;

    anvil_table_connect(table, A, NOW, &count, &rate);
    TEST_CHECK(count == 1 && rate == 1, "first connection: count 1, rate 1 (got %d, %d)", count,
               rate);
    anvil_table_connect(table, A, NOW + 10, &count, &rate);
    TEST_CHECK(count == 2 && rate == 2, "second: count 2, rate 2 (got %d, %d)", count, rate);
    anvil_table_connect(table, B, NOW + 10, &count, &rate);
    TEST_CHECK(count == 1 && rate == 1, "another client counts apart (got %d, %d)", count, rate);
    anvil_table_disconnect(table, A, NOW + 20);
    anvil_table_connect(table, A, NOW + UNIT - 1, &count, &rate);
    TEST_CHECK(count == 2 && rate == 3, "last second of the window: count 2, rate 3 (got %d, %d)",
               count, rate);
    anvil_table_connect(table, A, NOW + UNIT, &count, &rate);
    TEST_CHECK(count == 3 && rate == 1,
               "new window: the rate restarts, the count stays (got %d, %d)", count, rate);

    TEST_INT_EQ(anvil_table_event(table, A, ANVIL_EVENT_MESSAGE, NOW + UNIT), 1, "message 1");
    TEST_INT_EQ(anvil_table_event(table, A, ANVIL_EVENT_MESSAGE, NOW + UNIT + 1), 2, "message 2");
    TEST_INT_EQ(anvil_table_event(table, A, ANVIL_EVENT_RECIPIENT, NOW + UNIT + 1), 1,
                "recipients count apart from messages");
    TEST_INT_EQ(anvil_table_rate(table, A, ANVIL_EVENT_MESSAGE, NOW + UNIT + 2), 2,
                "a status query does not count");
    TEST_INT_EQ(anvil_table_rate(table, "smtp:192.0.2.99", ANVIL_EVENT_NEWTLS, NOW), 0,
                "status of an unknown client: 0");
    TEST_INT_EQ((int)anvil_table_size(table), 2, "the status query made no entry");
    TEST_INT_EQ(anvil_table_event(table, A, ANVIL_EVENT_AUTH, NOW + UNIT + 2), 1, "auth 1");
    TEST_INT_EQ(anvil_table_event(table, A, ANVIL_EVENT_NEWTLS, NOW + UNIT + 2), 1, "newtls 1");

    ANVIL_COUNTS counts;

    anvil_table_lookup(table, A, NOW + UNIT + 3, &counts);
    TEST_CHECK(counts.count == 3 && counts.conn_rate == 1 && counts.mail_rate == 2 &&
                   counts.rcpt_rate == 1 && counts.newtls_rate == 1 && counts.auth_rate == 1,
               "lookup: everything at once");
    anvil_table_lookup(table, A, NOW + 2 * UNIT, &counts);
    TEST_CHECK(counts.count == 3 && counts.mail_rate == 0 && counts.conn_rate == 0,
               "lookup after the window: rates 0, count 3");

    for (int i = 0; i < 5; i++)
        anvil_table_disconnect(table, A, NOW + 2 * UNIT);
    anvil_table_lookup(table, A, NOW + 2 * UNIT, &counts);
    TEST_INT_EQ(counts.count, 0, "more disconnects than connects: the count stays at 0");
    anvil_table_disconnect(table, "smtp:192.0.2.99", NOW);
    TEST_INT_EQ((int)anvil_table_size(table), 2, "disconnect of an unknown client: no entry");

    /* B still has a connection open; A is idle and its window has ended. */
    anvil_table_expire(table, NOW + 3 * UNIT);
    TEST_INT_EQ((int)anvil_table_size(table), 1, "expire drops the idle client only");
    anvil_table_lookup(table, B, NOW + 3 * UNIT, &counts);
    TEST_INT_EQ(counts.count, 1, "the client with an open connection stays");
    anvil_table_free(table);
}

/* test_stat_line - collect the statistics lines */

static void test_stat_line(const char *line, void *context)
{
    vstring_sprintf_append(context, "%s\n", line);
}

/* test_statistics - the maxima, in Postfix's words, once */

static void test_statistics(void)
{
    ANVIL_TABLE *table = anvil_table_create(UNIT);
    VSTRING *out = vstring_alloc(100);
    char want[200], when[40];
    int count, rate;

    for (int i = 0; i < 3; i++)
        anvil_table_connect(table, A, NOW, &count, &rate);
    anvil_table_connect(table, B, NOW + 5, &count, &rate);
    for (int i = 0; i < 4; i++)
        anvil_table_event(table, B, ANVIL_EVENT_RECIPIENT, NOW + 7);
    anvil_table_report(table, test_stat_line, out);
    anvil_report_time(NOW, when, sizeof(when));
    snprintf(want, sizeof(want),
             "max connection rate 3/60s for (%s) at %s\n"
             "max connection count 3 for (%s) at %s\n",
             A, when, A, when);
    TEST_CHECK(strncmp(vstring_str(out), want, strlen(want)) == 0,
               "connection rate and count come first, in Postfix's words");
    TEST_CHECK(strstr(vstring_str(out), "max recipient rate 4/60s for (" B ") at ") != NULL,
               "the recipient rate maximum");
    TEST_CHECK(strstr(vstring_str(out), "max cache size 2 at ") != NULL, "the cache size");
    TEST_CHECK(strstr(vstring_str(out), "message") == NULL, "no line for a rate that stayed 0");
    TEST_CHECK(strlen(when) == 15 && when[3] == ' ' && when[6] == ' ',
               "the time looks like syslog's \"Dec  7 10:00:00\": \"%s\"", when);

    VSTRING_RESET(out);
    anvil_table_report(table, test_stat_line, out);
    TEST_INT_EQ((int)VSTRING_LEN(out), 0, "a second report without events is empty");
    vstring_free(out);
    anvil_table_free(table);
}

int main(void)
{
    msg_init("anvil_table_test");
    test_windows();
    test_statistics();
    return test_summary("anvil_table_test");
}
