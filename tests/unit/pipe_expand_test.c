/*
 * pipe_expand_test - pipe(8) command lines: macros per message and per
 * recipient (one argument per recipient), the h, u and q flags, unknown
 * macros; and the command attributes (flags=, user=, size=, eol=, argv=)
 */
/* TEST_UNDER_VALGRIND */

#include <string.h>

#include "msg.h"
#include "test.h"

#include "../../src/pipe/pipe_attr.c"
#include "../../src/pipe/pipe_expand.c"

/* joined - an ARGV as one string, arguments in brackets */

static const char *joined(const ARGV *argv, VSTRING *buf)
{
    VSTRING_RESET(buf);
    for (size_t i = 0; i < argv->argc; i++)
        vstring_sprintf_append(buf, "[%s]", argv->argv[i]);
    return vstring_str(buf);
}

/* expand_cases - the macros */

static void expand_cases(VSTRING *buf)
{
    DELIVER_REQUEST request = {
        .queue_id = "4ABC",
        .nexthop = "Mail.Example.COM",
        .sender = "Sender Name@Example.org",
    };
    DELIVER_RCPT rcpts[2] = {
        {.address = "Bob+Ext@Example.COM", .orig_rcpt = "Robert@Example.COM"},
        {.address = "carol@example.com"},
    };
    size_t both[] = {0, 1};
    PIPE_MACRO_CONTEXT context = {
        .request = &request,
        .rcpts = both,
        .rcpt_count = 2,
        .delimiters = "+",
        .null_sender = "MAILER-DAEMON",
        .size = 1234,
    };
    ARGV *argv = argv_split("/bin/cmd -f ${sender} -d $(user)@$nexthop ${size} $queue_id "
                            "x${recipient}x ${extension} ${domain} ${mailbox} "
                            "${original_recipient} $$ ${client_address}",
                            " ");
    ARGV *out;

    request.rcpts = rcpts;
    request.rcpt_count = 2;
    out = pipe_expand(argv, &context);
    TEST_STR_EQ(joined(out, buf),
                "[/bin/cmd][-f][Sender Name@Example.org][-d][Bob@Mail.Example.COM][carol@Mail."
                "Example.COM][1234][4ABC][xBob+Ext@Example.COMx][xcarol@example.comx][Ext][]["
                "Example.COM][example.com][Bob+Ext][carol][Robert@Example.COM][carol@example.com]"
                "[$][]",
                "two recipients, no flags");
    argv_free(out);

    context.flags = PIPE_FLAG_FOLD_HOST | PIPE_FLAG_FOLD_USER | PIPE_FLAG_QUOTE;
    context.rcpt_count = 1;
    out = pipe_expand(argv, &context);
    TEST_STR_EQ(joined(out, buf),
                "[/bin/cmd][-f][\"Sender Name\"@Example.org][-d][bob@mail.example.com][1234]["
                "4ABC][xbob+ext@example.comx][ext][example.com][bob+ext][robert@example.com][$]"
                "[]",
                "one recipient, flags h, u and q");
    argv_free(out);

    request.sender = "";
    context.null_sender = "<>";
    out = pipe_expand(argv, &context);
    TEST_STR_EQ(out->argv[2], "<>", "the null sender is null_sender=");
    argv_free(out);
    argv_free(argv);
}

/*
 * conditional_cases - ${name?text}, ${name:text}, their braced forms and
 * ${name?{text1}:{text2}}, with macros inside the texts
 */
static void conditional_cases(VSTRING *buf)
{
    DELIVER_REQUEST request = {
        .queue_id = "4ABC",
        .nexthop = "example.com",
        .sender = "s@example.org",
    };
    DELIVER_RCPT rcpts[2] = {
        {.address = "bob+ext@example.com"},
        {.address = "carol@example.com"},
    };
    size_t both[] = {0, 1};
    PIPE_MACRO_CONTEXT context = {
        .request = &request,
        .rcpts = both,
        .rcpt_count = 2,
        .delimiters = "+",
        .null_sender = "",
    };
    static const struct {
        const char *arg;  /* one argument */
        const char *want; /* its expansion, arguments in brackets */
    } cases[] = {
        {"${extension?-e}", "[-e][]"},
        {"${extension:none}", "[][none]"},
        {"x${extension?+${extension}}y", "[x+exty][xy]"},
        {"${extension?{ -e ${extension} }}", "[ -e ext ][]"},
        {"${extension:{$user}}", "[][carol]"},
        {"${extension?{has}:{none}}", "[has][none]"},
        {"${extension?{has} : none}", "[has][ none]"},
        {"${extension?a:b}", "[a:b][]"},
        {"${sender?from=$sender}", "[from=s@example.org]"},
        {"${client_address:local}", "[local]"},
        {"${client_address?$user}", "[][]"},
        {"${sasl_username:{${nexthop}}}", "[example.com]"},
        {"$(extension?x)", "[x][]"},
        {"${extension?${extension?{${domain}}}}", "[example.com][]"},
        {"$${user}", "[${user}]"},
    };

    request.rcpts = rcpts;
    request.rcpt_count = 2;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ARGV *argv = argv_alloc(2);
        ARGV *out;

        argv_add(argv, "/bin/cmd");
        argv_add(argv, cases[i].arg);
        TEST_INT_EQ(pipe_expand_check(argv, buf), 0, "\"%s\" is well-formed", cases[i].arg);
        out = pipe_expand(argv, &context);
        argv_delete(out, 0);
        TEST_STR_EQ(joined(out, buf), cases[i].want, "\"%s\"", cases[i].arg);
        argv_free(out);
        argv_free(argv);
    }
}

/* check_cases - unknown and malformed macros */

static void check_cases(VSTRING *why)
{
    static const struct {
        const char *line;
        int status;
    } cases[] = {
        {"/bin/cmd ${sender} ${recipient} $user", 0},
        {"/bin/cmd ${nosuch}", -1},
        {"/bin/cmd ${sender", -1},
        {"/bin/cmd $ {x}", 0},
        {"/bin/cmd $1", -1},
        {"/bin/${nosuch}", 0}, /* the command itself is not expanded */
        {"/bin/cmd ${user?${nosuch}}", -1},
        {"/bin/cmd ${user:{${nosuch}}}", -1},
        {"/bin/cmd ${user?{a}:${nosuch}}", -1},
        {"/bin/cmd ${user?{a}b}", -1},
        {"/bin/cmd ${user?{a}:{b}c}", -1},
        {"/bin/cmd ${user?{a}", -1},
        {"/bin/cmd ${user!x}", -1},
        {"/bin/cmd ${?x}", -1},
        {"/bin/cmd $(user?${x)", -1},
        {"/bin/cmd $$1 $$", 0},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ARGV *argv = argv_split(cases[i].line, " ");

        TEST_INT_EQ(pipe_expand_check(argv, why), cases[i].status, "check \"%s\"", cases[i].line);
        argv_free(argv);
    }
}

/* attr_cases - the command attributes */

static void attr_cases(VSTRING *why)
{
    static const struct {
        const char *args;
        int status;
        const char *reason; /* in why, when it fails */
    } cases[] = {
        {"flags=DRO.hu user=nobody size=100 eol=\\r\\n argv=/bin/cat -", 0, NULL},
        {"user=nobody argv=cat", 0, NULL},
        {"flags=Z user=nobody argv=/bin/cat", -1, "unknown flag"},
        {"user=root argv=/bin/cat", -1, "must not have root privileges"},
        {"user=nobody:root argv=/bin/cat", -1, "must not have root privileges"},
        {"user=no-such-user-here argv=/bin/cat", -1, "unknown user"},
        {"argv=/bin/cat", -1, "missing user="},
        {"user=nobody", -1, "missing argv="},
        {"user=nobody size=big argv=/bin/cat", -1, "size="},
        {"user=nobody colour=red argv=/bin/cat", -1, "unknown command attribute"},
        {"user=nobody argv=no-such-command-here", -1, "not found"},
        {"user=nobody argv=/bin/cat ${nosuch}", -1, "unknown macro"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ARGV *args = argv_split(cases[i].args, " ");
        PIPE_ATTR attr;
        int status = pipe_attr_parse(args, &attr, why);

        TEST_INT_EQ(status, cases[i].status, "attributes \"%s\" (%s)", cases[i].args,
                    status < 0 ? vstring_str(why) : "ok");
        if (status < 0 && cases[i].reason)
            TEST_CHECK(strstr(vstring_str(why), cases[i].reason) != NULL,
                       "\"%s\": the reason says \"%s\"", cases[i].args, cases[i].reason);
        if (i == 0 && status == 0) {
            TEST_INT_EQ(attr.flags,
                        PIPE_FLAG_DELIVERED | PIPE_FLAG_RETURN_PATH | PIPE_FLAG_ORIGINAL |
                            PIPE_FLAG_DOT | PIPE_FLAG_FOLD_HOST | PIPE_FLAG_FOLD_USER,
                        "flags=DRO.hu");
            TEST_STR_EQ(vstring_str(attr.eol), "\r\n", "eol=\\r\\n");
            TEST_INT_EQ((int)attr.size_limit, 100, "size=100");
            TEST_INT_EQ((int)attr.argv->argc, 2, "argv= takes the rest");
        }
        if (i == 1 && status == 0)
            TEST_STR_EQ(attr.argv->argv[0], "/usr/bin/cat", "a bare command is found in /usr/bin");
        pipe_attr_free(&attr);
        argv_free(args);
    }
}

int main(void)
{
    VSTRING *buf = vstring_alloc(100);

    msg_init("pipe_expand_test");
    expand_cases(buf);
    conditional_cases(buf);
    check_cases(buf);
    attr_cases(buf);
    vstring_free(buf);
    return test_summary("pipe_expand_test");
}
