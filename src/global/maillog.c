/*++
 * NAME
 *	maillog - send a program's log to syslog or to maillog_file
 * SYNOPSIS
 *	#include <maillog.h>
 *
 *	int	maillog_init(CONFIG *config, const char *program, VSTRING *why);
 *	int	maillog_path_ok(CONFIG *config, const char *path, VSTRING *why);
 * DESCRIPTION
 *	maillog_init() directs msg(3) output for program: when maillog_file
 *	is empty, to syslog with facility mail and ident
 *	"$syslog_name/program"; otherwise to that file only, with the same
 *	ident, in the classic syslog line format. Calling it again (after a
 *	reload) switches to the new settings. It returns 0, or -1 with a
 *	reason in why when the file is not allowed or cannot be opened; then
 *	logging goes to syslog.
 *
 *	maillog_path_ok() checks that path starts with one of the
 *	maillog_file_prefixes (a prefix matches whole path components) and
 *	contains no ".." component. It returns 1 or 0 with a reason in why.
 * DIAGNOSTICS
 *	Returned in why; the caller decides whether that is fatal.
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "argv.h"
#include "msg.h"
#include "msg_logfile.h"
#include "msg_syslog.h"

/* Global library. */
#include "maillog.h"

/* maillog_prefix_match - does path start with prefix, at a component boundary */

static int maillog_prefix_match(const char *path, const char *prefix)
{
    size_t len = strlen(prefix);

    while (len > 1 && prefix[len - 1] == '/')
        len--;
    if (strncmp(path, prefix, len) != 0)
        return 0;
    return path[len] == 0 || path[len] == '/' || prefix[len - 1] == '/';
}

/* maillog_path_ok - is path below one of maillog_file_prefixes */

int maillog_path_ok(CONFIG *config, const char *path, VSTRING *why)
{
    ARGV *prefixes = config_get_list(config, VAR_MAILLOG_FILE_PREFIXES);
    int ok = 0;

    if (strstr(path, "/../") != NULL || path[0] != '/') {
        vstring_sprintf(why, "%s: \"%s\" must be an absolute path without \"..\"", VAR_MAILLOG_FILE,
                        path);
        argv_free(prefixes);
        return 0;
    }
    for (size_t i = 0; i < prefixes->argc && !ok; i++)
        ok = maillog_prefix_match(path, prefixes->argv[i]);
    if (!ok)
        vstring_sprintf(why, "%s: \"%s\" does not start with one of %s (%s)", VAR_MAILLOG_FILE,
                        path, VAR_MAILLOG_FILE_PREFIXES,
                        config_get_str(config, VAR_MAILLOG_FILE_PREFIXES));
    argv_free(prefixes);
    return ok;
}

/* maillog_init - log to syslog or to maillog_file */

int maillog_init(CONFIG *config, const char *program, VSTRING *why)
{
    const char *syslog_name = config_get_str(config, VAR_SYSLOG_NAME);
    const char *path = config_get_str(config, VAR_MAILLOG_FILE);

    if (*path == 0) {
        msg_logfile_close();
        msg_syslog_init(syslog_name, program);
        return 0;
    }
    if (!maillog_path_ok(config, path, why)) {
        msg_syslog_init(syslog_name, program);
        return -1;
    }
    if (msg_logfile_open(path, syslog_name, program) < 0) {
        vstring_sprintf(why, "open %s %s: %m", VAR_MAILLOG_FILE, path);
        msg_syslog_init(syslog_name, program);
        return -1;
    }
    return 0;
}
