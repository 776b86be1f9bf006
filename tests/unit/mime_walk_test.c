/*
 * mime_walk_test - the MIME structure as header and body checks see it
 *
 * Each case is a message and the events the walker reports, one a line:
 * "H<class> text" for a header (P, M, N: primary, multipart part,
 * nested message), "E<class>" for the end of a header block, "B text"
 * for a body line ("b" for a piece that goes on).
 *
 * TEST_UNDER_VALGRIND
 */

#include <string.h>

#include "mime_walk.h"
#include "msg.h"
#include "vstring.h"

#include "test.h"

/* test_event - record one event */

static void test_event(void *context, int what, int header_class, const char *text, size_t len,
                       int partial)
{
    VSTRING *out = context;
    static const char classes[] = "?PMN";

    switch (what) {
    case MIME_WALK_HEADER:
        vstring_sprintf_append(out, "H%c ", classes[header_class]);
        for (size_t i = 0; i < len; i++)
            vstring_addch(out, text[i] == '\n' ? '|' : text[i]);
        vstring_addch(out, '\n');
        break;
    case MIME_WALK_HEADER_END:
        vstring_sprintf_append(out, "E%c\n", classes[header_class]);
        break;
    default:
        vstring_sprintf_append(out, "%c %.*s\n", partial ? 'b' : 'B', (int)len, text);
        break;
    }
}

/* test_walk - the events of a message given as lines ('\n'-separated) */

static void test_walk(const char *name, const MIME_WALK_PROPS *props, const char *message,
                      const char *want)
{
    VSTRING *out = vstring_alloc(200);
    MIME_WALK *walk = mime_walk_create(props, test_event, out);
    const char *cp = message, *nl;

    while (*cp) {
        nl = strchr(cp, '\n');
        mime_walk_line(walk, cp, (size_t)(nl - cp), 0);
        cp = nl + 1;
    }
    mime_walk_finish(walk);
    mime_walk_free(walk);
    TEST_STR_EQ(vstring_str(out), want, "%s", name);
    vstring_free(out);
}

static const MIME_WALK_PROPS test_defaults;

int main(void)
{
    msg_init("mime_walk_test");

    test_walk("plain message", &test_defaults, "Subject: hi\nX-Long: a\n\tb\n\nbody\n",
              "HP Subject: hi\nHP X-Long: a|\tb\nEP\nB \nB body\n");

    test_walk("multipart with a nested message", &test_defaults,
              "MIME-Version: 1.0\n"
              "Content-Type: multipart/mixed; boundary=\"b1\"\n"
              "\n"
              "preamble\n"
              "--b1\n"
              "Content-Type: text/plain\n"
              "X-Part: one\n"
              "\n"
              "part one\n"
              "--b1\n"
              "Content-Type: message/rfc822\n"
              "\n"
              "Subject: inner\n"
              "\n"
              "inner body\n"
              "--b1--\n"
              "epilogue\n",
              "HP MIME-Version: 1.0\n"
              "HP Content-Type: multipart/mixed; boundary=\"b1\"\n"
              "EP\nB \nB preamble\nB --b1\n"
              "HM Content-Type: text/plain\nHM X-Part: one\nEM\nB \nB part one\nB --b1\n"
              "HM Content-Type: message/rfc822\nEM\nB \n"
              "HN Subject: inner\nEN\nB \nB inner body\n"
              "B --b1--\nB epilogue\n");

    test_walk("an outer boundary ends an inner multipart", &test_defaults,
              "Content-Type: multipart/mixed; boundary=outer\n"
              "\n"
              "--outer\n"
              "Content-Type: multipart/alternative; boundary=inner\n"
              "\n"
              "--inner\n"
              "\n"
              "text\n"
              "--outer--\n"
              "--inner\n",
              "HP Content-Type: multipart/mixed; boundary=outer\nEP\nB \nB --outer\n"
              "HM Content-Type: multipart/alternative; boundary=inner\nEM\nB \nB --inner\n"
              "EM\nB \nB text\nB --outer--\nB --inner\n");

    test_walk("the parts of multipart/digest are messages by default", &test_defaults,
              "Content-Type: multipart/digest; boundary=d\n"
              "\n"
              "--d\n"
              "\n"
              "Subject: first\n"
              "\n"
              "one\n"
              "--d\n"
              "Content-Type: text/plain\n"
              "\n"
              "Subject: not a header\n"
              "--d--\n",
              "HP Content-Type: multipart/digest; boundary=d\nEP\nB \nB --d\n"
              "EM\nB \nHN Subject: first\nEN\nB \nB one\nB --d\n"
              "HM Content-Type: text/plain\nEM\nB \nB Subject: not a header\nB --d--\n");

    test_walk("a multipart inside a digest part has text parts again", &test_defaults,
              "Content-Type: multipart/digest; boundary=d\n"
              "\n"
              "--d\n"
              "Content-Type: multipart/mixed; boundary=m\n"
              "\n"
              "--m\n"
              "\n"
              "Subject: body text\n"
              "--m--\n"
              "--d--\n",
              "HP Content-Type: multipart/digest; boundary=d\nEP\nB \nB --d\n"
              "HM Content-Type: multipart/mixed; boundary=m\nEM\nB \nB --m\n"
              "EM\nB \nB Subject: body text\nB --m--\nB --d--\n");

    test_walk("an encoded message/rfc822 is body", &test_defaults,
              "Content-Type: message/rfc822\n"
              "Content-Transfer-Encoding: base64\n"
              "\n"
              "U3ViamVjdDogeA==\n",
              "HP Content-Type: message/rfc822\nHP Content-Transfer-Encoding: base64\nEP\n"
              "B \nB U3ViamVjdDogeA==\n");

    test_walk("no MIME processing", &(MIME_WALK_PROPS){.nesting_limit = -1},
              "Content-Type: multipart/mixed; boundary=b\n"
              "\n"
              "--b\n"
              "Subject: not a header\n",
              "HP Content-Type: multipart/mixed; boundary=b\nEP\nB \nB --b\n"
              "B Subject: not a header\n");

    TEST_CHECK(mime_walk_mime_header("content-type: x", 15), "Content-Type is a MIME header");
    TEST_CHECK(mime_walk_mime_header("MIME-Version: 1.0", 17), "MIME-Version is one");
    TEST_CHECK(!mime_walk_mime_header("Subject: x", 10), "Subject is not");
    return test_summary("mime_walk_test");
}
