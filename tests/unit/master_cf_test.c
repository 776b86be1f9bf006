/* master_cf_test - master.cf parsing, defaults, errors and postconf -M layout */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "config.h"
#include "master_cf.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

static const char sample[] = "# service type  private unpriv  chroot  wakeup  maxproc command\n"
                             "smtp      inet  n       -       n       -       -       smtpd\n"
                             "submission inet n       -       n       -       -       smtpd\n"
                             "  -o syslog_name=postfix/submission\n"
                             "# a comment between continuation lines\n"
                             "\n"
                             "  -o { smtpd_tls_security_level = encrypt }\n"
                             "  -o {smtpd_banner = $myhostname  two  spaces}\n"
                             "  { arg with spaces } -v\n"
                             "pickup    unix  n       -       y       60      1       pickup\n"
                             "tlsmgr    unix  -       -       n       1000?   1       tlsmgr\n"
                             "postlog   unix-dgram n  -       n       -       1       postlogd\n"
                             "scalemail-backend unix - n n - 2 pipe flags=R argv=/bin/true\n"
                             "127.0.0.1:10025 inet n - n - 0 smtpd -o content_filter=\n"
                             "tlsmgr    unix  -       -       n       300     1       tlsmgr\n";

/* test_format - one entry in postconf -M layout */

static void test_format(const MASTER_CF_ENTRY *entry, int flags, const char *want,
                        const char *label)
{
    VSTRING *out = vstring_alloc(100);

    master_cf_format(entry, out, flags);
    TEST_STR_EQ(vstring_str(out), want, "%s", label);
    vstring_free(out);
}

static void test_sample(void)
{
    VSTRING *why = vstring_alloc(100);
    MASTER_CF *mcf = master_cf_parse("/etc/postfix/master.cf", sample, why);
    const MASTER_CF_ENTRY *e;
    CONFIG *config;
    char *joined;

    TEST_CHECK(mcf != NULL, "sample parses");
    if (mcf == NULL)
        return;
    TEST_INT_EQ(mcf->count, 8, "eight entries");
    e = mcf->entries[0];
    TEST_STR_EQ(e->service, "smtp", "service");
    TEST_STR_EQ(e->type, "inet", "type");
    TEST_CHECK(!e->private_access && e->unprivileged && !e->chroot, "smtp flags");
    TEST_INT_EQ(e->wakeup, 0, "wakeup default");
    TEST_INT_EQ(e->maxproc, MASTER_CF_MAXPROC_DEFAULT, "maxproc default");
    TEST_INT_EQ(e->line, 2, "line number");

    e = mcf->entries[1];
    TEST_INT_EQ(e->line, 3, "continued entry starts at its first line");
    TEST_INT_EQ(e->overrides->argc, 3, "three -o settings");
    TEST_STR_EQ(e->overrides->argv[0], "syslog_name=postfix/submission", "-o short form");
    TEST_STR_EQ(e->overrides->argv[1], "smtpd_tls_security_level=encrypt", "-o { } form trimmed");
    TEST_STR_EQ(e->overrides->argv[2], "smtpd_banner=$myhostname  two  spaces",
                "-o { } keeps inner white space");
    joined = argv_join(e->args, "|");
    TEST_STR_EQ(joined, "arg with spaces|-v", "arguments, braces removed");
    myfree(joined);
    joined = argv_join(e->argv, "|");
    TEST_STR_EQ(joined,
                "smtpd|-o|syslog_name=postfix/submission|-o|smtpd_tls_security_level=encrypt|-o|"
                "smtpd_banner=$myhostname  two  spaces|arg with spaces|-v",
                "argv as the daemon gets it");
    myfree(joined);

    e = master_cf_find(mcf, "pickup", "unix");
    TEST_CHECK(e && !e->private_access && e->unprivileged && e->chroot && e->wakeup == 60 &&
                   e->maxproc == 1,
               "pickup: public, chroot, wakeup 60, maxproc 1");
    e = master_cf_find(mcf, "tlsmgr", "unix");
    TEST_CHECK(e && e->wakeup == 300 && !e->wakeup_if_used, "last of two same entries wins");
    e = mcf->entries[3];
    TEST_CHECK(e->private_access && e->wakeup == 1000 && e->wakeup_if_used, "1000? wakeup");
    TEST_CHECK(master_cf_find(mcf, "smtp", "unix") == NULL, "find by type");
    e = master_cf_find(mcf, "127.0.0.1:10025", "inet");
    TEST_CHECK(e && e->maxproc == 0, "maxproc 0");
    TEST_STR_EQ(e ? e->overrides->argv[0] : NULL, "content_filter=", "empty -o value");

    config = config_alloc("/nonexistent");
    TEST_INT_EQ(master_cf_maxproc(mcf->entries[0], config), 100,
                "maxproc - is default_process_limit");
    config_override(config, VAR_DEFAULT_PROCESS_LIMIT, "7");
    TEST_INT_EQ(master_cf_maxproc(mcf->entries[0], config), 7, "default_process_limit override");
    TEST_INT_EQ(master_cf_maxproc(mcf->entries[3], config), 1, "explicit maxproc");
    config_free(config);

    test_format(mcf->entries[0], 0,
                "smtp       inet  n       -       n       -       -       smtpd", "-M layout");
    test_format(mcf->entries[1], 0,
                "submission inet  n       -       n       -       -       smtpd -o "
                "syslog_name=postfix/submission -o smtpd_tls_security_level=encrypt -o "
                "{smtpd_banner=$myhostname  two  spaces} {arg with spaces} -v",
                "-M layout with -o and braces");
    test_format(mcf->entries[1], MASTER_CF_FORMAT_FOLD,
                "submission inet  n       -       n       -       -       smtpd\n"
                "    -o syslog_name=postfix/submission\n"
                "    -o smtpd_tls_security_level=encrypt\n"
                "    -o {smtpd_banner=$myhostname  two  spaces}\n"
                "    {arg with spaces} -v",
                "-Mf layout");
    test_format(mcf->entries[3], 0,
                "tlsmgr     unix  -       -       n       1000?   1       tlsmgr", "1000? column");
    test_format(mcf->entries[4], 0,
                "postlog    unix-dgram n  -       n       -       1       postlogd",
                "wide type pushes the next column");
    test_format(mcf->entries[5], 0,
                "scalemail-backend unix - n       n       -       2       pipe flags=R "
                "argv=/bin/true",
                "wide service name");
    master_cf_free(mcf);
    vstring_free(why);
}

static void test_errors(void)
{
    static const char *const cases[][2] = {
        {"smtp inet n - n - -\n", "x.cf, line 1: bad field count"},
        {"# c\nsmtp blah n - n - - smtpd\n", "x.cf, line 2: invalid type field \"blah\""},
        {"smtp inet a - n - - smtpd\n", "line 1: invalid private field \"a\" (expected y, n or -)"},
        {"smtp inet - yes n - - smtpd\n", "line 1: invalid unpriv field \"yes\""},
        {"smtp inet - - x - - smtpd\n", "line 1: invalid chroot field \"x\""},
        {"a unix - - - 10x - cmd\n", "line 1: invalid wakeup field \"10x\""},
        {"a unix - - - ? - cmd\n", "line 1: invalid wakeup field \"?\""},
        {"a unix - - - - abc cmd\n", "line 1: invalid process limit field \"abc\""},
        {"a unix - - - - - cmd -o\n", "line 1: -o without name=value"},
        {"a unix - - - - - cmd\n  -o novalue\n", "line 1: -o novalue: expected name=value"},
        {"a unix - - - - - cmd {unbalanced\n", "line 1: unbalanced '{'"},
        {"a unix - - - - - cmd -v{o x=1}\n", "line 1: option -v{o x=1}: braces in an option word"},
        {"a unix - - - - - cmd -t\n", "line 1: -t without a value"},
        {"ok unix - - - - - cmd\n\nbad unix - - - - -\n", "line 3: bad field count"},
    };
    VSTRING *why = vstring_alloc(100);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        MASTER_CF *mcf = master_cf_parse("x.cf", cases[i][0], why);

        TEST_CHECK(mcf == NULL, "error case %zu refused", i);
        if (mcf)
            master_cf_free(mcf);
        else if (strstr(vstring_str(why), cases[i][1]) == NULL)
            TEST_STR_EQ(vstring_str(why), cases[i][1], "error text %zu", i);
        else
            TEST_CHECK(1, "error text %zu: %s", i, cases[i][1]);
    }
    TEST_CHECK(master_cf_load("/nonexistent/master.cf", why) == NULL, "missing file");
    TEST_CHECK(strstr(vstring_str(why), "open /nonexistent/master.cf") != NULL,
               "missing file named");
    vstring_free(why);
}

static void test_load_file(void)
{
    char dir[] = "/tmp/master_cf_test.XXXXXX";
    char path[100];
    FILE *fp;
    VSTRING *why = vstring_alloc(100);
    MASTER_CF *mcf;

    if (mkdtemp(dir) == NULL)
        msg_fatal("mkdtemp: %m");
    snprintf(path, sizeof(path), "%s/master.cf", dir);
    if ((fp = fopen(path, "w")) == NULL)
        msg_fatal("create %s: %m", path);
    fputs("smtp inet n - n - - smtpd\nrelay unix - - n - - smtp\n  -o syslog_name=relay\n", fp);
    fclose(fp);
    mcf = master_cf_load(path, why);
    TEST_CHECK(mcf && mcf->count == 2, "file loaded");
    if (mcf) {
        TEST_STR_EQ(mcf->entries[1]->file, path, "entry remembers its file");
        TEST_INT_EQ(mcf->entries[1]->line, 2, "and its line");
        master_cf_free(mcf);
    }
    unlink(path);
    rmdir(dir);
    vstring_free(why);
}

/* test_fold_comment - folding never starts a line with an argument that reads as a comment */

static void test_fold_comment(void)
{
    static const char text[] = "relay unix - - n - - pipe flags=R "
                               "argv=/usr/local/bin/a-filter-with-a-long-name --option-one "
                               "#not-a-comment -o {a = b c} #also-not { }\n";
    VSTRING *why = vstring_alloc(100);
    VSTRING *out = vstring_alloc(100);
    MASTER_CF *mcf = master_cf_parse("master.cf", text, why), *again;
    char *want, *got;

    TEST_CHECK(mcf != NULL && mcf->count == 1, "entry with '#' arguments parses (%s)",
               vstring_str(why));
    if (mcf == NULL || mcf->count != 1)
        return;
    master_cf_format(mcf->entries[0], out, MASTER_CF_FORMAT_FOLD);
    TEST_CHECK(strstr(vstring_str(out), " -o {a = b c} #also-not {}") != NULL &&
                   strstr(vstring_str(out), "\n    #") == NULL,
               "folding never puts a '#' argument first on a line, and an empty one is {}: %s",
               vstring_str(out));
    again = master_cf_parse("postconf -Mf", vstring_str(out), why);
    TEST_CHECK(again != NULL && again->count == 1, "postconf -Mf output parses again");
    if (again != NULL && again->count == 1) {
        want = argv_join(mcf->entries[0]->argv, "|");
        got = argv_join(again->entries[0]->argv, "|");
        TEST_STR_EQ(got, want, "and gives the same arguments");
        myfree(want);
        myfree(got);
    }
    if (again)
        master_cf_free(again);
    master_cf_free(mcf);
    vstring_free(out);
    vstring_free(why);
}

/*
 * test_round_trip_braces - arguments and -o settings that begin with '{'
 * read back the same from postconf -M and -Mf output (the master_cf fuzz
 * harness found "{a}b" written bare, which then read as a group followed
 * by text, and "{}" written bare, which then read as the empty argument)
 */
static void test_round_trip_braces(void)
{
    static const struct {
        const char *line;  /* a master.cf entry */
        const char *want;  /* its arguments, joined with '|' */
        const char *shown; /* what postconf -M shows of them */
    } cases[] = {
        {"a unix - - n - - pipe { {a}b } x\n", "pipe|{a}b|x", "pipe {{a}b} x"},
        {"a unix - - n - - pipe { {} } {}\n", "pipe|{}|", "pipe {{}} {}"},
        {"a unix - - n - - pipe { {x y} } {*{ ar }}\n", "pipe|{x y}|*{ ar }",
         "pipe {{x y}} {*{ ar }}"},
        {"a unix - - n - - smtpd -o {{x=1}} -o { y = {a}b }\n", "smtpd|-o|{x=1}|-o|y={a}b",
         "smtpd -o {{x=1}} -o y={a}b"},
        {"a unix - - n - - pipe \xa0\xff { \x8a{a}\xa0 } {\xa1 {}\xa1}\n",
         "pipe|\xa0\xff|\x8a{a}\xa0|\xa1 {}\xa1", "pipe \xa0\xff \x8a{a}\xa0 {\xa1 {}\xa1}"},
        /* White space inside a group of a bare word whose braces do not balance. */
        {"a unix - - n - - pipe a}{b c}d -o x=a}{b c}\n", "pipe|a}{b c}d|-o|x=a}{b c}",
         "pipe a}{b c}d -o x=a}{b c}"},
        /* Folded: an argument that begins with '#' and has a '}' of its own. */
        {"a unix - - n - - pipe flags=R argv=/usr/local/bin/a-filter-with-a-long-name "
         "--option-one #x}y\n",
         "pipe|flags=R|argv=/usr/local/bin/a-filter-with-a-long-name|--option-one|#x}y",
         "--option-one #x}y"},
    };
    VSTRING *why = vstring_alloc(100);
    VSTRING *out = vstring_alloc(100);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        MASTER_CF *mcf = master_cf_parse("master.cf", cases[i].line, why), *again;
        char *got;

        TEST_CHECK(mcf != NULL && mcf->count == 1, "case %zu parses (%s)", i, vstring_str(why));
        if (mcf == NULL || mcf->count != 1)
            continue;
        got = argv_join(mcf->entries[0]->argv, "|");
        TEST_STR_EQ(got, cases[i].want, "case %zu: arguments", i);
        myfree(got);
        for (int flags = 0; flags <= MASTER_CF_FORMAT_FOLD; flags += MASTER_CF_FORMAT_FOLD) {
            VSTRING_RESET(out);
            master_cf_format(mcf->entries[0], out, flags);
            if (flags == 0)
                TEST_CHECK(strstr(vstring_str(out), cases[i].shown) != NULL,
                           "case %zu: postconf -M shows \"%s\": %s", i, cases[i].shown,
                           vstring_str(out));
            again = master_cf_parse("postconf -M", vstring_str(out), why);
            TEST_CHECK(again != NULL && again->count == 1, "case %zu: -M%s output parses (%s)", i,
                       flags ? "f" : "", vstring_str(why));
            if (again == NULL || again->count != 1)
                continue;
            got = argv_join(again->entries[0]->argv, "|");
            TEST_STR_EQ(got, cases[i].want, "case %zu: -M%s output reads back the same", i,
                        flags ? "f" : "");
            myfree(got);
            master_cf_free(again);
        }
        master_cf_free(mcf);
    }
    vstring_free(out);
    vstring_free(why);
}

/*
 * test_options_end - daemon options end at the first non-option argument
 * or at "--", as for the daemon's getopt(3); a "-o" after that is the
 * program's own (pipe ... argv=/bin/x -o y passes "-o y" to /bin/x).
 */
static void test_options_end(void)
{
    static const struct {
        const char *line;      /* a master.cf entry */
        const char *argv;      /* what the program gets, joined with '|' */
        const char *overrides; /* the -o settings, joined with '|' */
        size_t first_argument; /* argv index of the first non-option */
        const char *shown;     /* what postconf -M shows of the arguments */
    } cases[] = {
        {"p unix - n n - - pipe flags=R argv=/bin/x -o foo -o a=b ${recipient}\n",
         "pipe|flags=R|argv=/bin/x|-o|foo|-o|a=b|${recipient}", "", 1,
         "pipe flags=R argv=/bin/x -o foo -o a=b ${recipient}"},
        {"p unix - n n - - pipe -o p_time_limit=5 -v user=u argv=/bin/x -o { y = z }\n",
         "pipe|-o|p_time_limit=5|-v|user=u|argv=/bin/x|-o|y = z", "p_time_limit=5", 4,
         "pipe -o p_time_limit=5 -v user=u argv=/bin/x -o {y = z}"},
        {"s unix - n n - - smtpd -vo a=1 -vvoa=2 -t unix -- -o b=3\n",
         "smtpd|-v|-o|a=1|-vv|-o|a=2|-t|unix|--|-o|b=3", "a=1|a=2", 9,
         "smtpd -v -o a=1 -vv -o a=2 -t unix -- -o b=3"},
        {"s unix - n n - - smtpd -n -o -o a=1\n", "smtpd|-n|-o|-o|a=1", "a=1", 5,
         "smtpd -n -o -o a=1"},
        {"s unix - n n - - smtpd --to=x -o a=1 x\n", "smtpd|--to=x|-o|a=1|x", "a=1", 4,
         "smtpd --to=x -o a=1 x"},
        {"s unix - n n - - smtpd - -o a=1\n", "smtpd|-|-o|a=1", "", 1, "smtpd - -o a=1"},
        {"s unix - n n - - smtpd {} -o a=1\n", "smtpd||-o|a=1", "", 1, "smtpd {} -o a=1"},
    };
    VSTRING *why = vstring_alloc(100);
    VSTRING *out = vstring_alloc(100);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        MASTER_CF *mcf = master_cf_parse("master.cf", cases[i].line, why), *again;
        const MASTER_CF_ENTRY *e;
        char *got;

        TEST_CHECK(mcf != NULL && mcf->count == 1, "options case %zu parses (%s)", i,
                   vstring_str(why));
        if (mcf == NULL || mcf->count != 1)
            continue;
        e = mcf->entries[0];
        got = argv_join(e->argv, "|");
        TEST_STR_EQ(got, cases[i].argv, "options case %zu: argv", i);
        myfree(got);
        got = argv_join(e->overrides, "|");
        TEST_STR_EQ(got, cases[i].overrides, "options case %zu: overrides", i);
        myfree(got);
        TEST_INT_EQ(e->first_argument, cases[i].first_argument, "options case %zu: first argument",
                    i);
        for (int flags = 0; flags <= MASTER_CF_FORMAT_FOLD; flags += MASTER_CF_FORMAT_FOLD) {
            VSTRING_RESET(out);
            master_cf_format(e, out, flags);
            if (flags == 0)
                TEST_CHECK(strstr(vstring_str(out), cases[i].shown) != NULL,
                           "options case %zu: postconf -M shows \"%s\": %s", i, cases[i].shown,
                           vstring_str(out));
            again = master_cf_parse("postconf -M", vstring_str(out), why);
            TEST_CHECK(again != NULL && again->count == 1, "options case %zu: -M%s output parses",
                       i, flags ? "f" : "");
            if (again == NULL || again->count != 1)
                continue;
            got = argv_join(again->entries[0]->argv, "|");
            TEST_STR_EQ(got, cases[i].argv, "options case %zu: -M%s output reads back the same", i,
                        flags ? "f" : "");
            myfree(got);
            TEST_INT_EQ(again->entries[0]->first_argument, cases[i].first_argument,
                        "options case %zu: -M%s output has the same options", i, flags ? "f" : "");
            master_cf_free(again);
        }
        master_cf_free(mcf);
    }
    vstring_free(out);
    vstring_free(why);
}

/* test_braced_option - "{-o}" is refused: the daemon would read it as an option */

static void test_braced_option(void)
{
    VSTRING *why = vstring_alloc(100);
    MASTER_CF *mcf = master_cf_parse("master.cf", "a unix - - n - - smtpd {-o} x=1\n", why);

    TEST_CHECK(mcf == NULL, "an argument {-o} is refused");
    TEST_STR_EQ(vstring_str(why),
                "master.cf, line 1: argument {-o}: an option in braces (write -o name=value)",
                "and the error says why");
    if (mcf)
        master_cf_free(mcf);
    mcf = master_cf_parse("master.cf", "a unix - - n - - pipe argv=/bin/x {-o} x=1\n", why);
    TEST_CHECK(mcf != NULL && mcf->entries[0]->overrides->argc == 0,
               "after the options, {-o} is an argument like any other (%s)", vstring_str(why));
    if (mcf)
        master_cf_free(mcf);
    vstring_free(why);
}

int main(void)
{
    msg_init("master_cf_test");
    test_sample();
    test_errors();
    test_load_file();
    test_fold_comment();
    test_round_trip_braces();
    test_options_end();
    test_braced_option();
    return test_summary("master_cf_test");
}
