/*++
 * NAME
 *	mail_date - dates in the form of RFC 5322
 * SYNOPSIS
 *	#include <mail_date.h>
 *
 *	const char *mail_date(VSTRING *buf, time_t when);
 * DESCRIPTION
 *	mail_date() writes when as local time in the form of RFC 5322
 *	section 3.3, followed by the zone abbreviation as a comment, as in
 *	"Mon, 14 Oct 2024 09:05:03 +0200 (CEST)", into buf and returns
 *	its text. Day and month names are English whatever the locale; the
 *	zone offset is computed from the broken-down local and UTC times,
 *	so it is right on systems whose struct tm has no offset field too.
 * SEE ALSO
 *	RFC 5322 section 3.3 (date and time specification)
 *--*/

/* System library. */
#include <stdlib.h>
#include <time.h>

/* Utility library. */
#include "vstring.h"

/* Global library. */
#include "mail_date.h"

/* mail_date_offset - minutes east of UTC for a local time */

static long mail_date_offset(const struct tm *local, const struct tm *utc)
{
    long minutes = (local->tm_hour - utc->tm_hour) * 60L + (local->tm_min - utc->tm_min);
    int day = local->tm_year != utc->tm_year ? local->tm_year - utc->tm_year
                                             : local->tm_yday - utc->tm_yday;

    /* The two dates differ by at most one day. */
    return minutes + (day > 0 ? 1440 : day < 0 ? -1440 : 0);
}

/* mail_date - format a time for a Date: header */

const char *mail_date(VSTRING *buf, time_t when)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm local, utc;
    char zone[64];
    long offset;

    localtime_r(&when, &local);
    gmtime_r(&when, &utc);
    offset = mail_date_offset(&local, &utc);
    if (strftime(zone, sizeof(zone), "%Z", &local) == 0)
        zone[0] = 0;
    vstring_sprintf(buf, "%s, %d %s %d %02d:%02d:%02d %c%02ld%02ld", days[local.tm_wday],
                    local.tm_mday, months[local.tm_mon], local.tm_year + 1900, local.tm_hour,
                    local.tm_min, local.tm_sec, offset < 0 ? '-' : '+', labs(offset) / 60,
                    labs(offset) % 60);
    if (zone[0])
        vstring_sprintf_append(buf, " (%s)", zone);
    return vstring_str(buf);
}
