/*
 * milter_msg_test - the message that milters edit, and the parser of
 * their replies
 *
 * A table of named edit sequences, each applied to the same message and
 * compared, as the replayed lines, with what the queue file would get;
 * then reply packets that milter_reply_parse() must accept or refuse.
 */
#include <stdbool.h>
#include <string.h>

#include "vstring.h"

#include "milter_msg.h"
#include "milter_reply.h"

#include "test.h"

/* A string literal and its length without the terminator that C adds. */
#define PKT(s) s, sizeof(s) - 1

/* replay_* - collect a replay as text: "S sender", "R rcpt", then lines */

static int replay_sender(void *context, const char *sender, const char *envid, int ret)
{
    vstring_sprintf_append(context, "S %s\n", sender);
    return 0;
}

static int replay_rcpt(void *context, const char *rcpt, const char *orcpt, int notify)
{
    vstring_sprintf_append(context, "R %s\n", rcpt);
    return 0;
}

static int replay_line(void *context, const char *data, size_t len, bool partial)
{
    vstring_memcat(context, data, len);
    vstring_strcat(context, partial ? "+" : "\n");
    return 0;
}

/* base - the message every case starts from */

static MILTER_MSG *base(void)
{
    static const char *lines[] = {
        "Received: from client",
        "\tby server",
        "Subject: hello",
        "X-Edit: one",
        "x-edit: two",
        "",
        "body 1",
        "body 2",
        NULL,
    };
    MILTER_MSG *msg = milter_msg_create();

    milter_msg_sender(msg, "s@example.test", NULL, 0);
    milter_msg_rcpt(msg, "a@example.test", NULL, 0);
    milter_msg_rcpt(msg, "B@example.test", "rfc822;b@example.test", 2);
    for (int i = 0; lines[i]; i++)
        milter_msg_line(msg, lines[i], strlen(lines[i]), false);
    return msg;
}

/* replay - the message as text */

static const char *replay(VSTRING *out, const MILTER_MSG *msg)
{
    static const MILTER_MSG_SINK sink = {replay_sender, replay_rcpt, replay_line};

    VSTRING_RESET(out);
    milter_msg_replay(msg, &sink, out);
    return vstring_str(out);
}

/* The edit cases. */
static void edit_none(MILTER_MSG *msg)
{
}

static void edit_headers(MILTER_MSG *msg)
{
    milter_msg_add_header(msg, "X-Added", "end", false);
    milter_msg_insert_header(msg, 0, "X-Top", "top", false);
    milter_msg_insert_header(msg, 99, "X-Past", "past the end", false);
    milter_msg_change_header(msg, 2, "X-EDIT", "changed\r\n\tfolded", false);
    milter_msg_change_header(msg, 1, "Subject", "", false);
    milter_msg_change_header(msg, 5, "X-Missing", "appended", false);
    milter_msg_change_header(msg, 5, "X-Missing-Too", "", false);
}

static void edit_leadspace(MILTER_MSG *msg)
{
    milter_msg_add_header(msg, "X-Lead", "  two spaces", true);
}

static void edit_envelope(MILTER_MSG *msg)
{
    milter_msg_add_rcpt(msg, "<c@example.test>");
    milter_msg_del_rcpt(msg, "<b@EXAMPLE.test>");
    milter_msg_change_sender(msg, "<new@example.test>");
}

static void edit_body(MILTER_MSG *msg)
{
    milter_msg_replace_body(msg, PKT("new\r\nbody\r\nno end"));
}

static const struct {
    const char *name;
    void (*edit)(MILTER_MSG *msg);
    const char *want;
} cases[] = {
    {"no edits: the message as it came", edit_none,
     "S s@example.test\nR a@example.test\nR B@example.test\nReceived: from client\n\tby server\n"
     "Subject: hello\nX-Edit: one\nx-edit: two\n\nbody 1\nbody 2\n"},
    {"header edits: add, insert at 0 and past the end, change the 2nd of a name (any case), "
     "delete, change of a missing field appends",
     edit_headers,
     "S s@example.test\nR a@example.test\nR B@example.test\nX-Top: top\nReceived: from client\n"
     "\tby server\nX-Edit: one\nX-EDIT: changed\n\tfolded\nX-Added: end\nX-Past: past the end\n"
     "X-Missing: appended\n\nbody 1\nbody 2\n"},
    {"HDR_LEADSPC: the value keeps its own leading space", edit_leadspace,
     "S s@example.test\nR a@example.test\nR B@example.test\nReceived: from client\n\tby server\n"
     "Subject: hello\nX-Edit: one\nx-edit: two\nX-Lead:  two spaces\n\nbody 1\nbody 2\n"},
    {"envelope edits: add, delete (case-insensitive, brackets), change the sender", edit_envelope,
     "S new@example.test\nR a@example.test\nR c@example.test\nReceived: from client\n"
     "\tby server\nSubject: hello\nX-Edit: one\nx-edit: two\n\nbody 1\nbody 2\n"},
    {"body replaced: CR LF becomes a line end, a last line without one gets it", edit_body,
     "S s@example.test\nR a@example.test\nR B@example.test\nReceived: from client\n\tby server\n"
     "Subject: hello\nX-Edit: one\nx-edit: two\n\nnew\nbody\nno end\n"},
};

static void test_edits(void)
{
    VSTRING *out = vstring_alloc(100);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        MILTER_MSG *msg = base();

        cases[i].edit(msg);
        TEST_STR_EQ(replay(out, msg), cases[i].want, "%s", cases[i].name);
        milter_msg_free(msg);
    }
    vstring_free(out);
}

static void test_collect(void)
{
    VSTRING *out = vstring_alloc(100);
    MILTER_MSG *msg = milter_msg_create();
    char big[5000];

    milter_msg_sender(msg, "", NULL, 0);
    milter_msg_line(msg, "Subject: a long", 15, true);
    milter_msg_line(msg, " line in pieces", 15, false);
    milter_msg_line(msg, "not a header line", 17, false);
    memset(big, 'x', sizeof(big));
    milter_msg_line(msg, big, sizeof(big), false);
    TEST_INT_EQ(milter_msg_header_count(msg), 1, "pieces of a header line make one field");
    TEST_STR_EQ(milter_msg_header(msg, 0), "Subject: a long line in pieces", "the joined field");
    replay(out, msg);
    TEST_CHECK(strstr(vstring_str(out), "\n\nnot a header line\n") != NULL,
               "a non-header line starts the body (an empty line is put before it)");
    TEST_CHECK(strstr(vstring_str(out), "+") != NULL, "a long body line is replayed in pieces");
    milter_msg_free(msg);
    vstring_free(out);
}

/* Reply packets: command, data (with its length), accepted? */
static const struct {
    const char *name;
    int cmd;
    const char *data;
    size_t len;
    int want;
} replies[] = {
    {"ADDHEADER", 'h', PKT("X-A\0v\0"), 0},
    {"ADDHEADER with extra data", 'h', PKT("X-A\0v\0x"), -1},
    {"ADDHEADER without terminator", 'h', PKT("X-A\0v"), -1},
    {"ADDHEADER with a colon in the name", 'h', PKT("X:A\0v\0"), -1},
    {"ADDHEADER with an empty name", 'h', PKT("\0v\0"), -1},
    {"ADDHEADER with a bare CR", 'h', PKT("X-A\0a\rb\0"), -1},
    {"INSHEADER", 'i', PKT("\0\0\0\1X-A\0v\0"), 0},
    {"INSHEADER without its index", 'i', PKT("X-"), -1},
    {"CHGHEADER delete", 'm', PKT("\0\0\0\1X-A\0\0"), 0},
    {"ADDRCPT", '+', PKT("<a@b>\0"), 0},
    {"ADDRCPT empty", '+', PKT("\0"), -1},
    {"ADDRCPT with a control character", '+', PKT("a\nb\0"), -1},
    {"ADDRCPT_PAR", '2', PKT("<a@b>\0NOTIFY=NEVER\0"), 0},
    {"CHGFROM", 'e', PKT("<a@b>\0"), 0},
    {"REPLYCODE", 'y', PKT("550 5.7.1 no\0"), 0},
    {"REPLYCODE multi-line", 'y', PKT("451-4.7.1 a\r\n451 4.7.1 b\0"), 0},
    {"REPLYCODE 2xx", 'y', PKT("250 ok\0"), -1},
    {"REPLYCODE codes differ", 'y', PKT("451-4.7.1 a\r\n550 5.7.1 b\0"), -1},
    {"REPLYCODE enhanced code of another class", 'y', PKT("550 4.7.1 no\0"), -1},
    {"REPLYCODE last line with '-'", 'y', PKT("550-5.7.1 no\0"), -1},
    {"REPLYCODE control character", 'y', PKT("550 a\001b\0"), -1},
    {"unknown reply", 'Z', PKT(""), -1},
    {"CONTINUE", 'c', PKT(""), 0},
};

static void test_replies(void)
{
    VSTRING *why = vstring_alloc(100);
    MILTER_REPLY reply;
    MILTER_OPTNEG optneg;

    for (size_t i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
        /* The parser reads one byte past len, as a VSTRING has. */
        char buf[64];

        memcpy(buf, replies[i].data, replies[i].len);
        buf[replies[i].len] = 0;
        TEST_INT_EQ(milter_reply_parse(replies[i].cmd, buf, replies[i].len, &reply, why),
                    replies[i].want, "%s", replies[i].name);
    }
    TEST_INT_EQ(milter_reply_optneg(PKT("\0\0\0\6\0\0\0\1\0\0\0\0\0\0\0\2i j\0"), &optneg, why), 0,
                "OPTNEG with a macro list");
    TEST_STR_EQ(optneg.macros[2], "i j", "the MAIL stage's macro list");
    TEST_INT_EQ(milter_reply_optneg(PKT("\0\0\0\6\0\0\0\1\0\0\0\0\0\0\0\11i\0"), &optneg, why), -1,
                "OPTNEG with a bad stage");
    TEST_INT_EQ(milter_reply_optneg(PKT("\0\0\0\6"), &optneg, why), -1, "OPTNEG too short");
    vstring_free(why);
}

int main(void)
{
    test_edits();
    test_collect();
    test_replies();
    return test_summary("milter_msg_test");
}
