/*
 * smtp_data_test - message content on the wire: dot doubling and the
 * folding of lines longer than smtp_line_length_limit, for any limit
 *
 * smtp_data.c (with smtp_checks.c, which it calls when header or body
 * checks are set, and smtp_generic.c, which those call for generic
 * mapping) is compiled in and writes into a memory stream; the
 * functions it calls from elsewhere (smtp_session_lost, smtp_site_fail)
 * are stand-ins. An alarm ends a test that would loop forever.
 */
/* TEST_UNDER_VALGRIND */

#include <unistd.h>

#include "msg.h"
#include "test.h"

#include "../../src/smtp/smtp_checks.c"
#include "../../src/smtp/smtp_generic.c"
#include "../../src/smtp/smtp_data.c"

/* smtp_session_lost - stand-in: the memory stream never breaks */

void smtp_session_lost(SMTP_SESSION *session)
{
    session->broken = true;
}

/* smtp_site_fail - stand-in: nothing to record */

void smtp_site_fail(SMTP_STATE *state, const char *relay, const char *dsn, const char *format, ...)
{
    (void)state;
    (void)relay;
    (void)dsn;
    (void)format;
}

typedef struct PIECE_CASE {
    int limit;
    const char *data;
    const char *want;
} PIECE_CASE;

static const PIECE_CASE piece_cases[] = {
    {0, "abcdef", "abcdef"},
    {998, "abcdef", "abcdef"},
    {4, "abcdefghij", "abcd\r\n efg\r\n hij"},
    {3, ".abc", "..ab\r\n c"},
    {2, "abcd", "ab\r\n c\r\n d"},
    {1, "abc", "a\r\n b\r\n c"},
    {1, "", ""},
};

/* piece - one line through smtp_data_piece() with a limit */

static const char *piece(VSTRING *out, int limit, const char *data)
{
    SMTP_CONFIG config = {.line_length_limit = limit};
    SMTP_STATE state = {.config = &config};
    SMTP_SESSION session = {.state = &state};
    size_t column = 0;

    VSTRING_RESET(out);
    session.stream = vstream_memopen(out, VSTREAM_FLAG_WRITE);
    (void)smtp_data_piece(&session, data, strlen(data), &column);
    vstream_close(session.stream);
    return vstring_str(out);
}

int main(void)
{
    VSTRING *out = vstring_alloc(100);

    alarm(10);
    for (size_t i = 0; i < sizeof(piece_cases) / sizeof(piece_cases[0]); i++)
        TEST_STR_EQ(piece(out, piece_cases[i].limit, piece_cases[i].data), piece_cases[i].want,
                    "limit %d, \"%s\"", piece_cases[i].limit, piece_cases[i].data);
    vstring_free(out);
    return test_summary("smtp_data_test");
}
