/*++
 * NAME
 *	smtpd_text - client-supplied text made safe for headers and queue files
 * SYNOPSIS
 *	#include "smtpd.h"
 *
 *	VSTRING	*smtpd_text_printable(VSTRING *out, const char *text,
 *				const char *neuter);
 *	char	*smtpd_text_helo(const char *name);
 * DESCRIPTION
 *	Text that a client chooses (the HELO/EHLO name, a certificate
 *	name, a login name) ends up in the Received: header, in queue-file
 *	attributes and in log lines. It must not carry control characters
 *	(a CR or LF would start a new header or log line, an ESC drives a
 *	terminal) nor 8-bit bytes, since this server speaks US-ASCII only
 *	(no SMTPUTF8).
 *
 *	smtpd_text_printable() replaces out with text in which every byte
 *	that is not printable US-ASCII (0x20-0x7e), and every byte listed
 *	in neuter (may be NULL), is a '?'. It returns out.
 *
 *	smtpd_text_helo() returns a new string (free it with myfree()) for
 *	a HELO/EHLO name, in the form that Postfix stores: non-printable
 *	bytes become '?', and so do the characters that could end or
 *	confuse the "from NAME (host [addr])" clause of Received: or a
 *	"helo=<NAME>" log field (space, <, >, (, ), \, ", ; and @). None of
 *	these can appear in a valid host name or address literal, so the
 *	HELO restrictions judge the stored name as they would the original.
 *--*/

#include <stdbool.h>
#include <string.h>

#include "mymalloc.h"
#include "vstring.h"

#include "smtpd.h"

/* Characters that a stored HELO name must not hold, besides non-printable ones. */
#define SMTPD_TEXT_HELO_NEUTER " <>()\\\";@"

/* smtpd_text_printable - printable US-ASCII copy, with chosen characters masked */

VSTRING *smtpd_text_printable(VSTRING *out, const char *text, const char *neuter)
{
    VSTRING_RESET(out);
    for (const unsigned char *cp = (const unsigned char *)text; *cp; cp++) {
        bool bad = *cp < 0x20 || *cp > 0x7e || (neuter && strchr(neuter, *cp) != NULL);

        vstring_addch(out, bad ? '?' : *cp);
    }
    return out;
}

/* smtpd_text_helo - a HELO name as it is stored */

char *smtpd_text_helo(const char *name)
{
    return vstring_export(
        smtpd_text_printable(vstring_alloc(strlen(name) + 1), name, SMTPD_TEXT_HELO_NEUTER));
}
