/*
 * smtp_chat_test - reading server replies: enhanced status codes
 *
 * smtp_chat.c is compiled in; the one outside function it calls
 * (smtp_site_fail) is a stand-in that records what it was given.
 */
/* TEST_UNDER_VALGRIND */

#include "msg.h"
#include "test.h"

#include "../../src/smtp/smtp_chat.c"

static char site_dsn[16];  /* last smtp_site_fail() status */
static VSTRING *site_text; /* last smtp_site_fail() text */

/* smtp_site_fail - stand-in: remember the failure */

void smtp_site_fail(SMTP_STATE *state, const char *relay, const char *dsn, const char *format, ...)
{
    va_list ap;

    (void)state;
    (void)relay;
    snprintf(site_dsn, sizeof(site_dsn), "%s", dsn);
    va_start(ap, format);
    VSTRING_RESET(site_text);
    vstring_vsprintf_append(site_text, format, ap);
    va_end(ap);
}

typedef struct DSN_CASE {
    int code;
    const char *line;
    const char *want;
} DSN_CASE;

static const DSN_CASE dsn_cases[] = {
    {250, "250 2.1.5 Ok", "2.1.5"},
    {550, "550 5.1.1 no such user", "5.1.1"},
    {450, "450 4.7.1", "4.7.1"},
    {550, "550-5.7.1 first line", "5.7.1"},
    {550, "550 5.123.456 three digits each", "5.123.456"},
    {450, "450 4..66 text", "4.0.0"},
    {550, "550 5.1.1234 text", "5.0.0"},
    {550, "550 5.1234.1 text", "5.0.0"},
    {450, "450 4.7.1x text", "4.0.0"},
    {450, "450 4.7. text", "4.0.0"},
    {450, "450 4.7 text", "4.0.0"},
    {450, "450 .4.7.1 text", "4.0.0"},
    {550, "550 4.1.1 class differs from the reply", "5.0.0"},
    {550, "550 55.1.1 two-digit class", "5.0.0"},
    {250, "250 Ok", "2.0.0"},
    {250, "250", "2.0.0"},
    {221, "221 2.0.0", "2.0.0"},
    {0, "xyz 1.2.3", "4.0.0"},
    {550, "550 5.1.1\ttab after", "5.0.0"},
};

static void test_parse_dsn(void)
{
    SMTP_RESP resp = {0};

    for (size_t i = 0; i < sizeof(dsn_cases) / sizeof(dsn_cases[0]); i++) {
        resp.code = dsn_cases[i].code;
        smtp_chat_parse_dsn(&resp, dsn_cases[i].line);
        TEST_STR_EQ(resp.dsn, dsn_cases[i].want, "\"%s\"", dsn_cases[i].line);
    }
}

int main(void)
{
    site_text = vstring_alloc(100);
    test_parse_dsn();
    vstring_free(site_text);
    return test_summary("smtp_chat_test");
}
