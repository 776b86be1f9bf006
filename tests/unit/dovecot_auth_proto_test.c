/*
 * dovecot_auth_proto_test - Dovecot's auth protocol: escaping, handshake,
 * mechanism choice by security options, replies, and the lines we send
 *
 * TEST_UNDER_VALGRIND TEST_LEAK_CHECK
 */

#include <string.h>

#include "dovecot_auth_proto.h"
#include "msg.h"
#include "sasl_secopts.h"
#include "vstring.h"

#include "test.h"

/* The handshake of Debian's Dovecot 2.3 with auth_mechanisms = plain login. */
static const char *const real_handshake[] = {
    "VERSION\t1\t2",
    "MECH\tPLAIN\tplaintext",
    "MECH\tLOGIN\tplaintext",
    "SPID\t17098",
    "CUID\t1",
    "COOKIE\t66c33a18b5902b0bcc12cc807eadcdd0",
    "DONE",
};

/* feed - give handshake lines; the result of the last one */

static int feed(DOVECOT_AUTH_HANDSHAKE *hs, const char *const *lines, size_t count, VSTRING *why)
{
    int status = DOVECOT_AUTH_HS_MORE;

    for (size_t i = 0; i < count && status == DOVECOT_AUTH_HS_MORE; i++)
        status = dovecot_auth_handshake_line(hs, lines[i], strlen(lines[i]), why);
    return status;
}

/* test_escaping - both directions */

static void test_escaping(void)
{
    static const char escaped[] = "a\001tb\0011c\001rd\001ne";
    VSTRING *out = vstring_alloc(10);

    dovecot_auth_escape(out, "a\tb\001c\rd\ne");
    TEST_STR_EQ(vstring_str(out), "a\001tb\0011c\001rd\001ne", "escape: TAB, \\001, CR, LF");
    TEST_INT_EQ(dovecot_auth_unescape(out, escaped, sizeof(escaped) - 1), 0,
                "unescape: escapes accepted");
    TEST_STR_EQ(vstring_str(out), "a\tb\001c\rd\ne", "unescape: round trip");
    TEST_INT_EQ(dovecot_auth_unescape(out, "x\001q\0010", 5), 0, "unescape: any other character");
    TEST_INT_EQ(VSTRING_LEN(out), 3, "unescape: \\0010 is a NUL byte");
    TEST_CHECK(memcmp(vstring_str(out), "xq\0", 3) == 0, "unescape: \\001q is q");
    TEST_INT_EQ(dovecot_auth_unescape(out, "abc\001", 4), -1, "unescape: \\001 at the end refused");
    vstring_free(out);
}

/* test_base64 - what may travel as SASL data */

static void test_base64(void)
{
    static const struct {
        const char *text;
        bool ok;
    } cases[] = {
        {"", true},       {"QQ==", true},     {"QUI=", true},  {"QUJD", true},
        {"a+/9", true},   {"QQ=", false},     {"Q===", false}, {"QQ=A", false},
        {"QU\tJ", false}, {"QUJD\n", false},  {"====", false}, {"QUJD QUJD", false},
        {"QUJ-", false},  {"AGFsaWNl", true},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        TEST_INT_EQ(dovecot_auth_base64_ok(cases[i].text, strlen(cases[i].text)), cases[i].ok,
                    "base64: case %zu", i);
}

/* test_real_handshake - Dovecot 2.3's handshake and the mechanism lists */

static void test_real_handshake(void)
{
    DOVECOT_AUTH_HANDSHAKE hs;
    VSTRING *why = vstring_alloc(10);
    VSTRING *list = vstring_alloc(10);
    size_t n = sizeof(real_handshake) / sizeof(real_handshake[0]);

    dovecot_auth_handshake_init(&hs);
    TEST_INT_EQ(feed(&hs, real_handshake, n - 1, why), DOVECOT_AUTH_HS_MORE,
                "handshake: lines before DONE want more");
    TEST_INT_EQ(feed(&hs, real_handshake + n - 1, 1, why), DOVECOT_AUTH_HS_DONE,
                "handshake: DONE completes it");
    TEST_INT_EQ(hs.major, 1, "handshake: major version");
    TEST_INT_EQ(hs.minor, 2, "handshake: minor version");
    TEST_INT_EQ(hs.mech_count, 2, "handshake: two mechanisms");
    TEST_CHECK(dovecot_auth_mech_find(&hs, "login") != NULL, "handshake: names match in any case");
    TEST_INT_EQ(dovecot_auth_mech_find(&hs, "PLAIN")->flags, DOVECOT_MECH_PLAINTEXT,
                "handshake: PLAIN is flagged plaintext");
    TEST_CHECK(dovecot_auth_mech_find(&hs, "CRAM-MD5") == NULL,
               "handshake: an unannounced mechanism is not found");
    dovecot_auth_mech_list(&hs, SASL_SECOPT_NOANONYMOUS, list);
    TEST_STR_EQ(vstring_str(list), "PLAIN LOGIN", "list: noanonymous keeps both");
    dovecot_auth_mech_list(&hs, SASL_SECOPT_NOPLAINTEXT | SASL_SECOPT_NOANONYMOUS, list);
    TEST_STR_EQ(vstring_str(list), "", "list: noplaintext drops both");
    TEST_INT_EQ(dovecot_auth_handshake_line(&hs, "DONE", 4, why), DOVECOT_AUTH_HS_ERROR,
                "handshake: a line after DONE is refused");
    vstring_free(why);
    vstring_free(list);
}

/* test_mech_flags - each security option against the flags */

static void test_mech_flags(void)
{
    static const char *const lines[] = {
        "VERSION\t1\t3",
        "MECH\tPLAIN\tplaintext",
        "MECH\tANONYMOUS\tanonymous",
        "MECH\tCRAM-MD5\tdictionary\tactive",
        "MECH\tSCRAM-SHA-256\tmutual-auth\tdictionary",
        "MECH\tGSSAPI\tmutual-auth\tforward-secrecy",
        "MECH\tX-SECRET\tprivate",
        "MECH\tX-NEW\tsome-future-flag\tkey=value",
        "MECH\tplain\tanonymous",
        "DONE",
    };
    static const struct {
        const char *options;
        const char *want;
    } cases[] = {
        {"", "PLAIN ANONYMOUS CRAM-MD5 SCRAM-SHA-256 GSSAPI X-NEW"},
        {"noplaintext", "ANONYMOUS CRAM-MD5 SCRAM-SHA-256 GSSAPI X-NEW"},
        {"noanonymous", "PLAIN CRAM-MD5 SCRAM-SHA-256 GSSAPI X-NEW"},
        {"nodictionary", "PLAIN ANONYMOUS GSSAPI X-NEW"},
        {"noactive", "PLAIN ANONYMOUS SCRAM-SHA-256 GSSAPI X-NEW"},
        {"mutual_auth", "SCRAM-SHA-256 GSSAPI"},
        {"forward_secrecy", "GSSAPI"},
        {"noplaintext, noanonymous, nodictionary", "GSSAPI X-NEW"},
    };
    DOVECOT_AUTH_HANDSHAKE hs;
    VSTRING *why = vstring_alloc(10);
    VSTRING *list = vstring_alloc(10);

    dovecot_auth_handshake_init(&hs);
    TEST_INT_EQ(feed(&hs, lines, sizeof(lines) / sizeof(lines[0]), why), DOVECOT_AUTH_HS_DONE,
                "flags: handshake with every flag");
    TEST_INT_EQ(hs.mech_count, 7, "flags: a repeated mechanism counts once");
    TEST_INT_EQ(dovecot_auth_mech_find(&hs, "PLAIN")->flags, DOVECOT_MECH_PLAINTEXT,
                "flags: the first announcement of a mechanism wins");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int mask = 0;
        const char *bad;

        if (sasl_secopts_parse(cases[i].options, &mask, &bad) < 0)
            msg_panic("bad test options %s", cases[i].options);
        dovecot_auth_mech_list(&hs, mask, list);
        TEST_STR_EQ(vstring_str(list), cases[i].want, "flags: security options \"%s\"",
                    cases[i].options);
    }
    vstring_free(why);
    vstring_free(list);
}

/* test_bad_handshakes - each refused with a reason */

static void test_bad_handshakes(void)
{
    static const struct {
        const char *name;
        const char *lines[4];
        const char *reason;
    } cases[] = {
        {"not VERSION first", {"MECH\tPLAIN"}, "handshake does not start with VERSION"},
        {"another major version", {"VERSION\t2\t0"}, "unsupported protocol version 2.0 (need 1.x)"},
        {"VERSION without minor", {"VERSION\t1"}, "malformed VERSION line"},
        {"VERSION not a number", {"VERSION\t1\tx"}, "malformed VERSION line"},
        {"VERSION twice", {"VERSION\t1\t2", "VERSION\t1\t2"}, "VERSION sent twice"},
        {"MECH without a name", {"VERSION\t1\t2", "MECH"}, "malformed MECH line"},
        {"MECH with an empty name", {"VERSION\t1\t2", "MECH\t\tplaintext"}, "malformed MECH line"},
        {"MECH name with a space", {"VERSION\t1\t2", "MECH\tPL AIN"}, "malformed MECH line"},
        {"MECH name too long",
         {"VERSION\t1\t2", "MECH\tABCDEFGHIJKLMNOPQRSTU"},
         "malformed MECH line"},
        {"MECH name with an escaped TAB",
         {"VERSION\t1\t2", "MECH\tA\001tB"},
         "malformed MECH line"},
        {"MECH flag ending in an escape",
         {"VERSION\t1\t2", "MECH\tPLAIN\tx\001"},
         "malformed MECH line"},
        {"a CR in a line", {"VERSION\t1\t2\r"}, "control character 0x0d in line"},
        {"lower-case garbage", {"VERSION\t1\t2", "hello world"}, "malformed handshake line"},
        {"an empty line", {"VERSION\t1\t2", ""}, "malformed handshake line"},
    };
    DOVECOT_AUTH_HANDSHAKE hs;
    VSTRING *why = vstring_alloc(10);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = 0;
        int status;

        while (n < 4 && cases[i].lines[n])
            n++;
        dovecot_auth_handshake_init(&hs);
        VSTRING_RESET(why);
        status = feed(&hs, cases[i].lines, n, why);
        TEST_INT_EQ(status, DOVECOT_AUTH_HS_ERROR, "bad handshake: %s: refused", cases[i].name);
        TEST_STR_EQ(vstring_str(why), cases[i].reason, "bad handshake: %s: reason", cases[i].name);
    }
    dovecot_auth_handshake_init(&hs);
    feed(&hs, real_handshake, 1, why);
    TEST_INT_EQ(dovecot_auth_handshake_line(&hs, "SPID\0001", 6, why), DOVECOT_AUTH_HS_ERROR,
                "bad handshake: a NUL byte in a line is refused");
    vstring_free(why);
}

/* test_limits - the counts and lengths a server may not exceed */

static void test_limits(void)
{
    DOVECOT_AUTH_HANDSHAKE hs;
    VSTRING *why = vstring_alloc(10);
    VSTRING *line = vstring_alloc(DOVECOT_AUTH_LINE_MAX + 10);
    int status = DOVECOT_AUTH_HS_MORE;
    int i;

    /* As many mechanisms as allowed, then one more. */
    dovecot_auth_handshake_init(&hs);
    feed(&hs, real_handshake, 1, why);
    for (i = 0; i < DOVECOT_AUTH_MECH_MAX && status == DOVECOT_AUTH_HS_MORE; i++) {
        vstring_sprintf(line, "MECH\tX-M%d\tplaintext", i);
        status = dovecot_auth_handshake_line(&hs, vstring_str(line), VSTRING_LEN(line), why);
    }
    TEST_INT_EQ(status, DOVECOT_AUTH_HS_MORE, "limits: %d mechanisms accepted",
                DOVECOT_AUTH_MECH_MAX);
    vstring_sprintf(line, "MECH\tX-ONE-MORE");
    TEST_INT_EQ(dovecot_auth_handshake_line(&hs, vstring_str(line), VSTRING_LEN(line), why),
                DOVECOT_AUTH_HS_ERROR, "limits: one mechanism more is refused");
    TEST_STR_EQ(vstring_str(why), "more than 64 mechanisms", "limits: mechanism count reason");

    /* A handshake that never ends. */
    dovecot_auth_handshake_init(&hs);
    feed(&hs, real_handshake, 1, why);
    status = DOVECOT_AUTH_HS_MORE;
    for (i = 1; i < DOVECOT_AUTH_HANDSHAKE_MAX + 5 && status == DOVECOT_AUTH_HS_MORE; i++)
        status = dovecot_auth_handshake_line(&hs, "COOKIE\tx", 8, why);
    TEST_INT_EQ(status, DOVECOT_AUTH_HS_ERROR, "limits: an endless handshake is refused");
    TEST_INT_EQ(i, DOVECOT_AUTH_HANDSHAKE_MAX + 1, "limits: refused at line %d",
                DOVECOT_AUTH_HANDSHAKE_MAX + 1);

    /* Line length: the longest allowed line, and one byte more. */
    dovecot_auth_handshake_init(&hs);
    feed(&hs, real_handshake, 1, why);
    vstring_strcpy(line, "COOKIE\t");
    while (VSTRING_LEN(line) < DOVECOT_AUTH_LINE_MAX - 1)
        vstring_addch(line, 'a');
    TEST_INT_EQ(dovecot_auth_handshake_line(&hs, vstring_str(line), VSTRING_LEN(line), why),
                DOVECOT_AUTH_HS_MORE, "limits: a line of %d bytes is accepted",
                DOVECOT_AUTH_LINE_MAX - 1);
    vstring_addch(line, 'a');
    TEST_INT_EQ(dovecot_auth_handshake_line(&hs, vstring_str(line), VSTRING_LEN(line), why),
                DOVECOT_AUTH_HS_ERROR, "limits: a longer line is refused");

    /* Field count. */
    vstring_strcpy(line, "COOKIE");
    for (i = 1; i < DOVECOT_AUTH_FIELD_MAX; i++)
        vstring_strcat(line, "\tx");
    TEST_INT_EQ(dovecot_auth_handshake_line(&hs, vstring_str(line), VSTRING_LEN(line), why),
                DOVECOT_AUTH_HS_MORE, "limits: %d fields accepted", DOVECOT_AUTH_FIELD_MAX);
    vstring_strcat(line, "\tx");
    TEST_INT_EQ(dovecot_auth_handshake_line(&hs, vstring_str(line), VSTRING_LEN(line), why),
                DOVECOT_AUTH_HS_ERROR, "limits: one field more is refused");
    vstring_free(why);
    vstring_free(line);
}

/* test_replies - OK, FAIL and CONT */

static void test_replies(void)
{
    static const struct {
        const char *line;
        int status;
        DOVECOT_AUTH_REPLY_TYPE type;
        unsigned id;
        const char *user;
        const char *reason;
        const char *data;
        bool temp;
    } cases[] = {
        {"OK\t1\tuser=alice", 0, DOVECOT_AUTH_REPLY_OK, 1, "alice", "", "", false},
        {"OK\t42\tuser=a\001tb\tunknown=1\tflag", -1, DOVECOT_AUTH_REPLY_FAIL, 0, "", "", "",
         false},
        {"OK\t42\tuser=al ice@example.com\tunknown=1\tflag", 0, DOVECOT_AUTH_REPLY_OK, 42,
         "al ice@example.com", "", "", false},
        {"OK\t1", -1, DOVECOT_AUTH_REPLY_FAIL, 0, "", "", "", false},
        {"OK\t1\tuser=", -1, DOVECOT_AUTH_REPLY_FAIL, 0, "", "", "", false},
        {"OK\t1\tuser=al\001nice", -1, DOVECOT_AUTH_REPLY_FAIL, 0, "", "", "", false},
        {"OK\t1\tuser=a\001", -1, DOVECOT_AUTH_REPLY_FAIL, 0, "", "", "", false},
        {"FAIL\t2", 0, DOVECOT_AUTH_REPLY_FAIL, 2, "", "", "", false},
        {"FAIL\t2\tuser=alice", 0, DOVECOT_AUTH_REPLY_FAIL, 2, "alice", "", "", false},
        {"FAIL\t2\treason=bad\001tpass\001nword\ttemp", 0, DOVECOT_AUTH_REPLY_FAIL, 2, "",
         "bad?pass?word", "", true},
        {"FAIL\t3\tcode=temp_fail", 0, DOVECOT_AUTH_REPLY_FAIL, 3, "", "", "", true},
        {"FAIL\t3\tcode=authz_fail\tuser=x\001ty", 0, DOVECOT_AUTH_REPLY_FAIL, 3, "", "", "",
         false},
        {"FAIL\t3\ttemp=no", 0, DOVECOT_AUTH_REPLY_FAIL, 3, "", "", "", false},
        {"CONT\t4\tVXNlcm5hbWU6", 0, DOVECOT_AUTH_REPLY_CONT, 4, "", "", "VXNlcm5hbWU6", false},
        {"CONT\t4\t", 0, DOVECOT_AUTH_REPLY_CONT, 4, "", "", "", false},
        {"CONT\t4", 0, DOVECOT_AUTH_REPLY_CONT, 4, "", "", "", false},
        {"CONT\t4\tnot base64!", -1, DOVECOT_AUTH_REPLY_FAIL, 0, "", "", "", false},
        {"CONT\t4\tVXNl\001tcm5h", -1, DOVECOT_AUTH_REPLY_FAIL, 0, "", "", "", false},
        {"OK\t0\tuser=a", -1, DOVECOT_AUTH_REPLY_FAIL, 0, "", "", "", false},
        {"OK\t-1\tuser=a", -1, DOVECOT_AUTH_REPLY_FAIL, 0, "", "", "", false},
        {"OK\t1234567890\tuser=a", -1, DOVECOT_AUTH_REPLY_FAIL, 0, "", "", "", false},
        {"OK\tx\tuser=a", -1, DOVECOT_AUTH_REPLY_FAIL, 0, "", "", "", false},
        {"OK", -1, DOVECOT_AUTH_REPLY_FAIL, 0, "", "", "", false},
        {"DONE", -1, DOVECOT_AUTH_REPLY_FAIL, 0, "", "", "", false},
        {"ok\t1\tuser=a", -1, DOVECOT_AUTH_REPLY_FAIL, 0, "", "", "", false},
        {"", -1, DOVECOT_AUTH_REPLY_FAIL, 0, "", "", "", false},
    };
    DOVECOT_AUTH_REPLY *reply = dovecot_auth_reply_alloc();
    VSTRING *why = vstring_alloc(10);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *line = cases[i].line;
        int status = dovecot_auth_reply_parse(reply, line, strlen(line), why);

        TEST_INT_EQ(status, cases[i].status, "reply %zu: status (%s)", i, vstring_str(why));
        if (status < 0 || cases[i].status < 0)
            continue;
        TEST_INT_EQ(reply->type, cases[i].type, "reply %zu: type", i);
        TEST_INT_EQ(reply->id, cases[i].id, "reply %zu: id", i);
        TEST_STR_EQ(vstring_str(reply->user), cases[i].user, "reply %zu: user", i);
        TEST_STR_EQ(vstring_str(reply->reason), cases[i].reason, "reply %zu: reason", i);
        TEST_STR_EQ(vstring_str(reply->data), cases[i].data, "reply %zu: data", i);
        TEST_INT_EQ(reply->temp, cases[i].temp, "reply %zu: temp", i);
    }

    /* A long reason is cut for the log. */
    VSTRING *line = vstring_alloc(1000);

    vstring_strcpy(line, "FAIL\t5\treason=");
    for (int n = 0; n < 600; n++)
        vstring_addch(line, 'r');
    TEST_INT_EQ(dovecot_auth_reply_parse(reply, vstring_str(line), VSTRING_LEN(line), why), 0,
                "reply: a long reason is accepted");
    TEST_INT_EQ(VSTRING_LEN(reply->reason), DOVECOT_AUTH_REASON_MAX, "reply: and cut");
    vstring_free(line);
    dovecot_auth_reply_free(reply);
    vstring_free(why);
}

/* test_requests - the lines we send */

static void test_requests(void)
{
    VSTRING *out = vstring_alloc(10);
    VSTRING *why = vstring_alloc(10);
    DOVECOT_AUTH_REQUEST full = {.service = "smtp",
                                 .local_addr = "192.0.2.1",
                                 .local_port = "587",
                                 .remote_addr = "2001:db8::1",
                                 .remote_port = "40000",
                                 .secured = true};
    DOVECOT_AUTH_REQUEST odd = {.service = "sm\ttp\n", .remote_addr = "", .local_addr = NULL};

    dovecot_auth_format_hello(out, 1234);
    TEST_STR_EQ(vstring_str(out), "VERSION\t1\t1\nCPID\t1234\n", "hello: VERSION and CPID");
    TEST_INT_EQ(dovecot_auth_format_auth(out, 7, "PLAIN", &full, "AGEAYg==", why), 0,
                "auth: full request formatted");
    TEST_STR_EQ(vstring_str(out),
                "AUTH\t7\tPLAIN\tservice=smtp\tnologin\tlip=192.0.2.1\trip=2001:db8::1\t"
                "lport=587\trport=40000\tsecured\tresp=AGEAYg==\n",
                "auth: every field, resp last");
    TEST_INT_EQ(dovecot_auth_format_auth(out, 8, "LOGIN", &odd, NULL, why), 0,
                "auth: no initial response formatted");
    TEST_STR_EQ(vstring_str(out), "AUTH\t8\tLOGIN\tservice=sm\001ttp\001n\tnologin\n",
                "auth: values escaped, empty ones and resp= left out, not secured");
    TEST_INT_EQ(dovecot_auth_format_auth(out, 9, "PLAIN", &odd, "", why), 0,
                "auth: empty initial response formatted");
    TEST_STR_EQ(vstring_str(out), "AUTH\t9\tPLAIN\tservice=sm\001ttp\001n\tnologin\tresp=\n",
                "auth: empty initial response is resp=");
    TEST_INT_EQ(dovecot_auth_format_auth(out, 9, "PLAIN", &full, "AGE\tuser=root", why), -1,
                "auth: a response that is not base64 is refused");
    TEST_STR_EQ(vstring_str(why), "malformed base64 in initial response", "auth: reason");
    TEST_INT_EQ(dovecot_auth_format_auth(out, 9, "PL\tAIN", &full, NULL, why), -1,
                "auth: a malformed mechanism name is refused");
    TEST_INT_EQ(dovecot_auth_format_cont(out, 7, "YWxpY2U=", why), 0, "cont: formatted");
    TEST_STR_EQ(vstring_str(out), "CONT\t7\tYWxpY2U=\n", "cont: the line");
    TEST_INT_EQ(dovecot_auth_format_cont(out, 7, "", why), 0, "cont: empty response formatted");
    TEST_STR_EQ(vstring_str(out), "CONT\t7\t\n", "cont: the empty line");
    TEST_INT_EQ(dovecot_auth_format_cont(out, 7, "YWxp\nY2U=", why), -1,
                "cont: a response with a newline is refused");
    vstring_free(out);
    vstring_free(why);
}

int main(void)
{
    msg_init("dovecot_auth_proto_test");
    test_escaping();
    test_base64();
    test_real_handshake();
    test_mech_flags();
    test_bad_handshakes();
    test_limits();
    test_replies();
    test_requests();
    return test_summary("dovecot_auth_proto_test");
}
