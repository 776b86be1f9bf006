/*
 * maillog_test - maillog_file prefixes and the log file itself
 *
 * TEST_UNDER_VALGRIND
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "vstring.h"
#include "config.h"
#include "maillog.h"

#include "test.h"

/* A table of paths and whether maillog_file_prefixes "/var, /tmp/logs/" accepts them. */
static const struct {
    const char *path;
    int ok;
} maillog_cases[] = {
    {"/var/log/mail.log", 1},   {"/var", 1},
    {"/variable/mail.log", 0},                             /* a prefix matches whole components */
    {"/tmp/logs/mail.log", 1},                             /* a prefix with a trailing slash */
    {"/tmp/logsx/mail.log", 0}, {"/var/../etc/shadow", 0}, /* no way out with .. */
    {"var/log/mail.log", 0},                               /* relative */
    {"/etc/passwd", 0},
};

int main(void)
{
    char dir[] = "/tmp/maillog_test.XXXXXX";
    VSTRING *why = vstring_alloc(100);
    VSTRING *path = vstring_alloc(100);
    CONFIG *config;
    FILE *fp;
    char line[1000];

    msg_init("maillog_test");
    TEST_CHECK(mkdtemp(dir) != NULL, "make a temporary directory");
    config = config_alloc(dir);
    config_override(config, VAR_MAILLOG_FILE_PREFIXES, "/var, /tmp/logs/");
    for (size_t i = 0; i < sizeof(maillog_cases) / sizeof(maillog_cases[0]); i++)
        TEST_INT_EQ(maillog_path_ok(config, maillog_cases[i].path, why), maillog_cases[i].ok,
                    "maillog_path_ok(%s)", maillog_cases[i].path);
    maillog_path_ok(config, "/etc/passwd", why);
    TEST_CHECK(strstr(vstring_str(why), "maillog_file_prefixes") != NULL,
               "the refusal names maillog_file_prefixes");

    /* A file outside the prefixes is refused; one inside gets the log lines. */
    vstring_sprintf(path, "%s/maillog", dir);
    config_override(config, VAR_MAILLOG_FILE, vstring_str(path));
    TEST_INT_EQ(maillog_init(config, "maillog_test", why), -1, "a file outside the prefixes");
    config_override(config, VAR_MAILLOG_FILE_PREFIXES, dir);
    config_override(config, VAR_SYSLOG_NAME, "postfix/test");
    TEST_INT_EQ(maillog_init(config, "maillog_test", why), 0, "a file inside the prefixes");
    msg_stderr_enable(0);
    msg_info("hello %d", 42);
    msg_stderr_enable(1);
    fp = fopen(vstring_str(path), "r");
    TEST_CHECK(fp != NULL && fgets(line, sizeof(line), fp) != NULL, "the log file has a line");
    TEST_CHECK(strstr(line, " postfix/test/maillog_test[") != NULL && strstr(line, "]: hello 42\n"),
               "the line has the ident and the text: %s", line);
    if (fp)
        fclose(fp);

    unlink(vstring_str(path));
    rmdir(dir);
    config_free(config);
    vstring_free(why);
    vstring_free(path);
    return test_summary("maillog_test");
}
