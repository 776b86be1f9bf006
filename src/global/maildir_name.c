/*++
 * NAME
 *	maildir_name - unique file names for Maildir deliveries
 * SYNOPSIS
 *	#include <maildir_name.h>
 *
 *	const char *maildir_name(VSTRING *buf, long long seconds,
 *				long microseconds, pid_t pid,
 *				unsigned long count, const char *host);
 * DESCRIPTION
 *	maildir_name() writes "seconds.MmicrosecondsPpidQcount.host" into
 *	buf and returns it. In host, "/" becomes "\057" and ":" becomes
 *	"\072", so that the name is one path component and does not look
 *	like it carries Maildir flags. The caller makes count different for
 *	each delivery of one process.
 *--*/

/* Global library. */
#include "maildir_name.h"

/* maildir_name - a unique Maildir file name */

const char *maildir_name(VSTRING *buf, long long seconds, long microseconds, pid_t pid,
                         unsigned long count, const char *host)
{
    vstring_sprintf(buf, "%lld.M%ldP%ldQ%lu.", seconds, microseconds, (long)pid, count);
    for (const char *cp = host; *cp; cp++) {
        if (*cp == '/')
            vstring_strcat(buf, "\\057");
        else if (*cp == ':')
            vstring_strcat(buf, "\\072");
        else
            vstring_addch(buf, *cp);
    }
    return vstring_str(buf);
}
