/*++
 * NAME
 *	valid_hostname - the syntax of host names and address literals
 * SYNOPSIS
 *	#include <valid_hostname.h>
 *
 *	bool	valid_hostname(const char *name);
 *	bool	valid_hostaddr(const char *text);
 *	bool	valid_hostliteral(const char *text);
 * DESCRIPTION
 *	valid_hostname() accepts a host name: labels of letters, digits,
 *	'-' and '_' separated by single dots, at most VALID_LABEL_LEN bytes
 *	each and VALID_HOSTNAME_LEN in all, no '-' at either end of a
 *	label, no dot at either end, and not all digits (that would be an
 *	address, not a name). Callers that allow a trailing dot (HELO)
 *	remove it first.
 *
 *	valid_hostaddr() accepts a numeric IPv4 or IPv6 address.
 *
 *	valid_hostliteral() accepts an address literal as it appears in a
 *	mail address: "[" IPv4 address "]" or "[IPv6:" IPv6 address "]"
 *	(RFC 5321 section 4.1.3).
 *
 *	None of them looks anything up.
 *--*/

/* System library. */
#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "mymalloc.h"
#include "valid_hostname.h"

/* valid_hostname - a syntactically valid host name */

bool valid_hostname(const char *name)
{
    size_t len = strlen(name);
    size_t label = 0;
    bool numeric = true;
    char prev = '.';

    if (len == 0 || len > VALID_HOSTNAME_LEN)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = name[i];

        if (ch == '.') {
            if (label == 0 || prev == '-')
                return false;
            label = 0;
        } else if (isalnum(ch) || ch == '_' || ch == '-') {
            if (ch == '-' && label == 0)
                return false;
            if (++label > VALID_LABEL_LEN)
                return false;
            if (!isdigit(ch))
                numeric = false;
        } else {
            return false;
        }
        prev = ch;
    }
    return prev != '-' && prev != '.' && !numeric;
}

/* valid_hostaddr - a numeric IPv4 or IPv6 address */

bool valid_hostaddr(const char *text)
{
    unsigned char buf[16];

    return inet_pton(AF_INET, text, buf) == 1 || inet_pton(AF_INET6, text, buf) == 1;
}

/* valid_hostliteral - "[ipv4]" or "[IPv6:ipv6]" */

bool valid_hostliteral(const char *text)
{
    size_t len = strlen(text);
    unsigned char buf[16];
    char *inside;
    bool ok;

    if (len < 3 || text[0] != '[' || text[len - 1] != ']')
        return false;
    inside = mystrndup(text + 1, len - 2);
    if (strncasecmp(inside, "IPv6:", 5) == 0)
        ok = inet_pton(AF_INET6, inside + 5, buf) == 1;
    else
        ok = inet_pton(AF_INET, inside, buf) == 1;
    myfree(inside);
    return ok;
}
