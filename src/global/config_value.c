/*++
 * NAME
 *	config_value - convert parameter text to booleans and numbers
 * SYNOPSIS
 *	#include <config.h>
 *
 *	const char *config_parse_bool(const char *text, bool *out_value);
 *	const char *config_parse_int(const char *text, long *out_value);
 *	const char *config_parse_time(const char *text, char unit, long *out_value);
 *	const char *config_parse_size(const char *text, long *out_value);
 * DESCRIPTION
 *	Each function converts an expanded parameter value, ignoring white
 *	space around it. On success it stores the result and returns NULL;
 *	otherwise it returns a constant text that says what was expected.
 *
 *	config_parse_bool() accepts yes, no, true and false in any case.
 *
 *	config_parse_int() accepts an optionally signed decimal number.
 *
 *	config_parse_time() accepts a decimal number with an optional unit
 *	letter: s (seconds), m (minutes), h (hours), d (days) or w (weeks).
 *	A bare number is in the given unit. The result is in seconds.
 *
 *	config_parse_size() accepts a decimal byte count.
 *
 *	Numbers that do not fit the result (int range for times) are refused.
 *--*/

/* System library. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "stringops.h"

/* Global library. */
#include "config.h"

/* config_trim_copy - copy text without surrounding white space into buf */

static int config_trim_copy(const char *text, char *buf, size_t size)
{
    const char *start = text + strspn(text, BLANKS);
    size_t len = strlen(start);

    while (len > 0 && strchr(BLANKS, start[len - 1]))
        len--;
    if (len >= size)
        return 0;
    memcpy(buf, start, len);
    buf[len] = 0;
    return 1;
}

/* config_parse_bool - yes/no/true/false */

const char *config_parse_bool(const char *text, bool *out_value)
{
    char buf[16];

    if (config_trim_copy(text, buf, sizeof(buf))) {
        if (strcasecmp(buf, "yes") == 0 || strcasecmp(buf, "true") == 0) {
            *out_value = true;
            return NULL;
        }
        if (strcasecmp(buf, "no") == 0 || strcasecmp(buf, "false") == 0) {
            *out_value = false;
            return NULL;
        }
    }
    return "expected yes or no";
}

/* config_parse_long - decimal digits with an optional sign, then the rest */

static int config_parse_long(const char *text, long *out_value, const char **out_end)
{
    char *end;

    if (!isdigit((unsigned char)*text) &&
        !((*text == '-' || *text == '+') && isdigit((unsigned char)text[1])))
        return 0;
    errno = 0;
    *out_value = strtol(text, &end, 10);
    if (errno == ERANGE)
        return 0;
    *out_end = end;
    return 1;
}

/* config_parse_int - signed decimal number */

const char *config_parse_int(const char *text, long *out_value)
{
    char buf[64];
    const char *end;
    long value;

    if (!config_trim_copy(text, buf, sizeof(buf)) || !config_parse_long(buf, &value, &end) ||
        *end != 0 || value > INT_MAX || value < INT_MIN)
        return "expected a decimal number";
    *out_value = value;
    return NULL;
}

/* config_time_multiplier - seconds in one unit, 0 for an unknown unit */

static long config_time_multiplier(int unit)
{
    switch (unit) {
    case 's':
        return 1;
    case 'm':
        return 60;
    case 'h':
        return 3600;
    case 'd':
        return 86400;
    case 'w':
        return 7 * 86400;
    default:
        return 0;
    }
}

/* config_parse_time - number with optional unit, in seconds */

const char *config_parse_time(const char *text, char unit, long *out_value)
{
    static const char expected[] = "expected a number with optional unit s, m, h, d or w";
    char buf[64];
    const char *end;
    long value;
    long multiplier;

    if (!config_trim_copy(text, buf, sizeof(buf)) || *buf == '-' || *buf == '+' ||
        !config_parse_long(buf, &value, &end))
        return expected;
    if (*end == 0)
        multiplier = config_time_multiplier(unit ? unit : 's');
    else if (end[1] == 0)
        multiplier = config_time_multiplier(*end);
    else
        multiplier = 0;
    if (multiplier == 0)
        return expected;
    if (value > INT_MAX / multiplier)
        return "time value too large";
    *out_value = value * multiplier;
    return NULL;
}

/* config_parse_size - byte count */

const char *config_parse_size(const char *text, long *out_value)
{
    char buf[64];
    const char *end;
    long value;

    if (!config_trim_copy(text, buf, sizeof(buf)) || *buf == '-' || *buf == '+' ||
        !config_parse_long(buf, &value, &end) || *end != 0)
        return "expected a number of bytes";
    *out_value = value;
    return NULL;
}
