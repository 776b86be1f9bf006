/* header_fix_test - header parsing, missing headers, RFC 5322 dates */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "header_fix.h"
#include "header_scan.h"
#include "mail_date.h"
#include "msg.h"
#include "vstring.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

/* A fixed moment: 2024-10-14 09:05:03 UTC. */
#define TEST_NOW ((time_t)1728896703)

/* scan_event_cb - record scanner events as text */

static void scan_event_cb(void *context, int what, const char *text, size_t len, int partial)
{
    VSTRING *log = context;
    static const char *names[] = {"", "H", "END", "B"};

    vstring_sprintf_append(log, "%s", names[what]);
    if (what != HEADER_SCAN_END)
        vstring_sprintf_append(log, "(%.*s)%s", (int)len, text, partial ? "+" : "");
    vstring_strcat(log, " ");
}

/* scan - run lines through a scanner; "\x01" at the end of a line marks a piece */

static const char *scan(VSTRING *log, size_t limit, const char *const *lines)
{
    HEADER_SCAN *scanner = header_scan_create(limit, scan_event_cb, log);

    VSTRING_RESET(log);
    for (; *lines; lines++) {
        size_t len = strlen(*lines);
        int partial = len > 0 && (*lines)[len - 1] == '\x01';

        header_scan_line(scanner, *lines, len - partial, partial);
    }
    header_scan_finish(scanner);
    if (header_scan_overflow(scanner))
        vstring_strcat(log, "OVERFLOW");
    header_scan_free(scanner);
    return vstring_str(log);
}

static void test_scan(void)
{
    static const struct {
        const char *name;
        const char *lines[8];
        size_t limit;
        const char *want;
    } cases[] = {
        {"headers, separator, body",
         {"Subject: hi", "From: a@b", "", "body", NULL},
         0,
         "H(Subject: hi) H(From: a@b) END B() B(body) "},
        {"continuation lines join their header",
         {"To: a@b,", "\tc@d,", "  e@f", "X-A: 1", "", NULL},
         0,
         "H(To: a@b,\n\tc@d,\n  e@f) H(X-A: 1) END B() "},
        {"a non-header line ends the block",
         {"Subject: x", "this is not a header", "Also: body", NULL},
         0,
         "H(Subject: x) END B(this is not a header) B(Also: body) "},
        {"no headers at all", {"hello world", NULL}, 0, "END B(hello world) "},
        {"a leading continuation line is not a header",
         {" indented", "Subject: x", NULL},
         0,
         "END B( indented) B(Subject: x) "},
        {"empty message", {NULL}, 0, "END "},
        {"headers only, no separator",
         {"Subject: x", "X-B: y", NULL},
         0,
         "H(Subject: x) H(X-B: y) END "},
        {"obsolete space before the colon",
         {"Subject : x", "", NULL},
         0,
         "H(Subject : x) END B() "},
        {"a colon alone is no header", {": x", NULL}, 0, "END B(: x) "},
        {"pieces of a long header line are joined",
         {"Subject: ab\x01", "cd\x01", "ef", "", "bo\x01", "dy", NULL},
         0,
         "H(Subject: abcdef) END B() B(bo)+ B(dy) "},
        {"a header block over the limit ends early",
         {"Subject: 0123456789", "X-Long: 0123456789", "X-More: z", "", NULL},
         30,
         "H(Subject: 0123456789) END B(X-Long: 0123456789) B(X-More: z) B() OVERFLOW"},
        {"an unfinished body line is finished",
         {"S: x", "", "tail\x01", NULL},
         0,
         "H(S: x) END B() B(tail)+ B() "},
    };
    VSTRING *log = vstring_alloc(200);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        TEST_STR_EQ(scan(log, cases[i].limit, cases[i].lines), cases[i].want, "scan: %s",
                    cases[i].name);
    vstring_free(log);
}

static void test_header_helpers(void)
{
    size_t len;
    const char *value;

    TEST_INT_EQ(header_name_len("Subject: x", 10), 7, "name length");
    TEST_INT_EQ(header_name_len("Sub ject: x", 11), 0, "space inside a name: not a header");
    TEST_INT_EQ(header_name_len("Subject", 7), 0, "no colon: not a header");
    TEST_CHECK(header_name_is("MESSAGE-ID: <x>", 15, "Message-Id"), "names ignore case");
    TEST_CHECK(!header_name_is("Message-Ids: <x>", 16, "Message-Id"), "longer name differs");
    value = header_value("To:  \t a@b ", 11, &len);
    TEST_CHECK(len == 4 && strncmp(value, "a@b ", 4) == 0, "value after the colon");
}

/* fix_out_cb - collect output lines */

static void fix_out_cb(void *context, const char *data, size_t len, int partial)
{
    vstring_sprintf_append(context, "%.*s%s", (int)len, data, partial ? "" : "\n");
}

/* fix - run a message through the fixer */

static const char *fix(VSTRING *out, const HEADER_FIX_PROPS *props, const char *message,
                       VSTRING *message_id)
{
    HEADER_FIX *fixer = header_fix_create(props, fix_out_cb, out);
    const char *cp = message, *nl;

    VSTRING_RESET(out);
    while (*cp) {
        nl = strchr(cp, '\n');
        header_fix_line(fixer, cp, nl ? (size_t)(nl - cp) : strlen(cp), 0);
        cp = nl ? nl + 1 : cp + strlen(cp);
    }
    header_fix_finish(fixer);
    if (message_id)
        vstring_strcpy(message_id, header_fix_message_id(fixer));
    header_fix_free(fixer);
    return vstring_str(out);
}

static void test_fix(void)
{
    HEADER_FIX_PROPS props = {
        .queue_id = "4ZxYb251kqzBc1",
        .hostname = "mx.example.com",
        .sender = "alice@example.com",
        .full_name = "Alice Liddell",
        .now = TEST_NOW,
        .add_missing = true,
    };
    VSTRING *out = vstring_alloc(200), *id = vstring_alloc(50), *date = vstring_alloc(50);
    VSTRING *want = vstring_alloc(200);

    mail_date(date, TEST_NOW);
    vstring_sprintf(want,
                    "Subject: hi\n"
                    "Message-Id: <20241014090503.4ZxYb251kqzBc1@mx.example.com>\n"
                    "Date: %s\n"
                    "From: Alice Liddell <alice@example.com>\n"
                    "\n"
                    "body\n",
                    vstring_str(date));
    TEST_STR_EQ(fix(out, &props, "Subject: hi\n\nbody\n", id), vstring_str(want),
                "all three added at the end of the header block");
    TEST_STR_EQ(vstring_str(id), "<20241014090503.4ZxYb251kqzBc1@mx.example.com>",
                "the added Message-Id is reported");

    TEST_STR_EQ(fix(out, &props,
                    "from: bob@example.com\nDATE: Mon, 1 Jan 2024 00:00:00 +0000\n"
                    "Message-ID:\n <abc@host>\n\nbody\n",
                    id),
                "from: bob@example.com\nDATE: Mon, 1 Jan 2024 00:00:00 +0000\n"
                "Message-ID:\n <abc@host>\n\nbody\n",
                "present headers (any case, folded): nothing added");
    TEST_STR_EQ(vstring_str(id), "<abc@host>", "a folded Message-Id is unfolded for logging");

    vstring_sprintf(want,
                    "Message-Id: <20241014090503.4ZxYb251kqzBc1@mx.example.com>\n"
                    "Date: %s\n"
                    "From: Alice Liddell <alice@example.com>\n"
                    "just text\n",
                    vstring_str(date));
    props.sender = "alice@example.com";
    TEST_STR_EQ(fix(out, &props, "just text\n", NULL), vstring_str(want),
                "no header block: headers go before the first line");

    props.full_name = NULL;
    props.undisclosed = "To: undisclosed-recipients:;";
    TEST_STR_EQ(fix(out, &props, "Date: x\nMessage-Id: <y>\n", NULL),
                "Date: x\nMessage-Id: <y>\nFrom: alice@example.com\n"
                "To: undisclosed-recipients:;\n",
                "no body, no name, undisclosed recipients header");
    TEST_STR_EQ(fix(out, &props, "Date: x\nMessage-Id: <y>\nFrom: z\nBcc: q\n\n", NULL),
                "Date: x\nMessage-Id: <y>\nFrom: z\nBcc: q\n\n",
                "a Bcc: header counts as a recipient header");

    props.add_missing = false;
    TEST_STR_EQ(fix(out, &props, "Subject: x\n\nbody\n", id), "Subject: x\n\nbody\n",
                "remote mail: nothing added");
    TEST_STR_EQ(vstring_str(id), "", "no Message-Id: empty");

    vstring_free(out);
    vstring_free(id);
    vstring_free(date);
    vstring_free(want);
}

static void test_from_value(void)
{
    VSTRING *buf = vstring_alloc(50);

    TEST_STR_EQ(header_fix_from_value(buf, "", NULL), "MAILER-DAEMON", "null sender");
    TEST_STR_EQ(header_fix_from_value(buf, "a@b", "  "), "a@b", "blank name: address alone");
    TEST_STR_EQ(header_fix_from_value(buf, "a@b", "J. R. \"Bob\" Dobbs"),
                "\"J. R. \\\"Bob\\\" Dobbs\" <a@b>", "specials: quoted string");
    TEST_STR_EQ(header_fix_from_value(buf, "a@b", "Evil\r\nBcc: x"), "\"EvilBcc: x\" <a@b>",
                "line breaks in the name are dropped");
    vstring_free(buf);
}

static void test_date(void)
{
    VSTRING *buf = vstring_alloc(50);

    setenv("TZ", "UTC", 1);
    tzset();
    TEST_STR_EQ(mail_date(buf, TEST_NOW), "Mon, 14 Oct 2024 09:05:03 +0000 (UTC)", "date in UTC");
    setenv("TZ", "EST5EDT,M3.2.0,M11.1.0", 1);
    tzset();
    TEST_STR_EQ(mail_date(buf, TEST_NOW), "Mon, 14 Oct 2024 05:05:03 -0400 (EDT)",
                "date west of UTC");
    setenv("TZ", "IST-5:30", 1);
    tzset();
    TEST_STR_EQ(mail_date(buf, (time_t)1704047400), "Mon, 1 Jan 2024 00:00:00 +0530 (IST)",
                "date east of UTC, across a year boundary");
    vstring_free(buf);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    test_scan();
    test_header_helpers();
    test_fix();
    test_from_value();
    test_date();
    return test_summary("header_fix_test");
}
