/*++
 * NAME
 *	sendmail_trust - who submits, and whether the configuration is safe
 * SYNOPSIS
 *	#include "sendmail.h"
 *
 *	void	sendmail_trust_check(const char *config_dir);
 *	const char *sendmail_login_name(void);
 *	const char *sendmail_full_name(const char *given);
 * DESCRIPTION
 *	On a system where the mail system runs as root, sendmail is
 *	installed set-group-ID setgid_group, so that ordinary users can
 *	write into the maildrop directory (mode 0730) and reach
 *	public/pickup. Such a process must not let the user choose the
 *	configuration, or queue_directory could point anywhere.
 *	sendmail_trust_check() therefore applies mail_trust_config(3).
 *
 *	sendmail_login_name() returns the name of the real user ID, the
 *	default sender.
 *
 *	sendmail_full_name() returns the sender's full name for a From:
 *	header: given (-F) when not NULL, else the NAME environment
 *	variable, else the first field of the account's GECOS entry with
 *	"&" replaced by the capitalised login name; NULL when there is
 *	none.
 * DIAGNOSTICS
 *	Fatal: an untrusted configuration in a set-group-ID process, a
 *	real user ID without an account.
 *--*/

/* System library. */
#include <ctype.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "config.h"
#include "mail_trust.h"

/* Application-specific. */
#include "sendmail.h"

/* sendmail_trust_check - refuse a user's own configuration in a setgid process */

void sendmail_trust_check(const char *config_dir)
{
    mail_trust_config(config_dir, "sendmail");
}

/* sendmail_login_name - the real user's name */

const char *sendmail_login_name(void)
{
    static char *name;
    struct passwd *pw;

    if (name == NULL) {
        if ((pw = getpwuid(getuid())) == NULL)
            msg_fatal_status(EX_OSERR, "no login name found for user ID %ld", (long)getuid());
        name = mystrdup(pw->pw_name);
    }
    return name;
}

/* sendmail_full_name - -F, $NAME, or the GECOS field */

const char *sendmail_full_name(const char *given)
{
    static VSTRING *buf;
    const char *name;
    struct passwd *pw;

    if (given)
        return given;
    if ((name = getenv("NAME")) != NULL && *name)
        return name;
    if ((pw = getpwuid(getuid())) == NULL || pw->pw_gecos == NULL || *pw->pw_gecos == 0)
        return NULL;
    if (buf == NULL)
        buf = vstring_alloc(60);
    VSTRING_RESET(buf);
    for (const char *cp = pw->pw_gecos; *cp && *cp != ','; cp++) {
        if (*cp == '&') {
            vstring_addch(buf, toupper((unsigned char)pw->pw_name[0]));
            vstring_strcat(buf, pw->pw_name[0] ? pw->pw_name + 1 : "");
        } else {
            vstring_addch(buf, *cp);
        }
    }
    return VSTRING_LEN(buf) ? vstring_str(buf) : NULL;
}
