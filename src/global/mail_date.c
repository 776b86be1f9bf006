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
 *
 *	A time that has no such date (one the C library cannot convert, or
 *	one whose year in local or UTC time is before 1900 or after 9999,
 *	as a corrupt queue or log file may hold) is written as the epoch,
 *	"Thu, 1 Jan 1970 00:00:00 +0000", so that what comes out is always
 *	a valid date.
 * SEE ALSO
 *	RFC 5322 section 3.3 (date and time specification)
 *--*/

/* System library. */
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

/* Utility library. */
#include "vstring.h"

/* Global library. */
#include "mail_date.h"

#define MAIL_DATE_MIN_YEAR 1900 /* RFC 5322: four or more digits, 1900 on */
#define MAIL_DATE_MAX_YEAR 9999 /* keeps the year four digits wide */

/* mail_date_convert - local and UTC time, false when either has no date */

static bool mail_date_convert(time_t when, struct tm *local, struct tm *utc)
{
    if (localtime_r(&when, local) == NULL || gmtime_r(&when, utc) == NULL)
        return false;
    return local->tm_year >= MAIL_DATE_MIN_YEAR - 1900 &&
           local->tm_year <= MAIL_DATE_MAX_YEAR - 1900 &&
           utc->tm_year >= MAIL_DATE_MIN_YEAR - 1900 && utc->tm_year <= MAIL_DATE_MAX_YEAR - 1900 &&
           local->tm_mon >= 0 && local->tm_mon < 12 && local->tm_wday >= 0 && local->tm_wday < 7;
}

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

    if (!mail_date_convert(when, &local, &utc)) {
        vstring_strcpy(buf, "Thu, 1 Jan 1970 00:00:00 +0000");
        return vstring_str(buf);
    }
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
