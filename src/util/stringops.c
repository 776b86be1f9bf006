/*++
 * NAME
 *	stringops - small in-place string operations
 * SYNOPSIS
 *	#include <stringops.h>
 *
 *	char	*mystrtok(char **bufp, const char *delim);
 *	char	*mystrtok_braced(char **bufp, const char *delim);
 *	const char *strip_braces(char **strp);
 *	char	*trim_blanks(char *str);
 *	char	*lowercase(char *str);
 *	char	*uppercase(char *str);
 *	const char *split_nameval(char *buf, char **out_name, char **out_value);
 *	int	alldig(const char *str);
 * DESCRIPTION
 *	mystrtok() returns the next token of *bufp separated by any byte of
 *	delim, null-terminates it in place and advances *bufp; it returns
 *	NULL when no token is left.
 *
 *	mystrtok_braced() is mystrtok() that keeps a "{ ... }" group (which
 *	may nest) together as one token, braces included. It returns NULL
 *	at the end of the buffer and also for an unbalanced group.
 *
 *	strip_braces() removes the outer "{" and "}" of *strp and the white
 *	space just inside them. It returns NULL on success or a text that
 *	says what is wrong ("missing '}'", "text after '}'").
 *
 *	trim_blanks() removes leading and trailing white space and returns a
 *	pointer to the first non-blank byte.
 *
 *	lowercase() and uppercase() convert ASCII letters in place.
 *
 *	split_nameval() splits "name = value" in place, trimming white space.
 *	It returns NULL on success or a text that says what is wrong.
 *
 *	alldig() is true for a non-empty string of decimal digits.
 *--*/

#include <ctype.h>
#include <string.h>

#include "stringops.h"

/* mystrtok - next token, in place */

char *mystrtok(char **bufp, const char *delim)
{
    char *start = *bufp + strspn(*bufp, delim);
    char *end;

    if (*start == 0) {
        *bufp = start;
        return NULL;
    }
    end = start + strcspn(start, delim);
    if (*end)
        *end++ = 0;
    *bufp = end;
    return start;
}

/* mystrtok_braced - next token, keeping { } groups together */

char *mystrtok_braced(char **bufp, const char *delim)
{
    char *start = *bufp + strspn(*bufp, delim);
    char *cp;
    int depth = 0;

    if (*start == 0) {
        *bufp = start;
        return NULL;
    }
    for (cp = start; *cp; cp++) {
        if (*cp == '{')
            depth++;
        else if (*cp == '}' && depth > 0)
            depth--;
        else if (depth == 0 && strchr(delim, *cp))
            break;
    }
    if (depth > 0)
        return NULL;
    if (*cp)
        *cp++ = 0;
    *bufp = cp;
    return start;
}

/* strip_braces - remove the outer braces of a group */

const char *strip_braces(char **strp)
{
    char *str = trim_blanks(*strp);
    size_t len = strlen(str);
    int depth = 0;

    if (*str != '{')
        return "missing '{'";
    for (size_t i = 0; i < len; i++) {
        if (str[i] == '{')
            depth++;
        else if (str[i] == '}' && --depth == 0 && i != len - 1)
            return "text after '}'";
    }
    if (depth != 0 || str[len - 1] != '}')
        return "missing '}'";
    str[len - 1] = 0;
    *strp = trim_blanks(str + 1);
    return NULL;
}

/* trim_blanks - remove leading and trailing white space */

char *trim_blanks(char *str)
{
    char *end;

    while (*str && isspace((unsigned char)*str))
        str++;
    end = str + strlen(str);
    while (end > str && isspace((unsigned char)end[-1]))
        *--end = 0;
    return str;
}

/* lowercase - ASCII to lower case in place */

char *lowercase(char *str)
{
    for (char *cp = str; *cp; cp++)
        if (*cp >= 'A' && *cp <= 'Z')
            *cp += 'a' - 'A';
    return str;
}

/* uppercase - ASCII to upper case in place */

char *uppercase(char *str)
{
    for (char *cp = str; *cp; cp++)
        if (*cp >= 'a' && *cp <= 'z')
            *cp -= 'a' - 'A';
    return str;
}

/* split_nameval - split "name = value" in place */

const char *split_nameval(char *buf, char **out_name, char **out_value)
{
    char *eq = strchr(buf, '=');
    char *name;

    if (eq == NULL)
        return "missing '=' after attribute name";
    *eq = 0;
    name = trim_blanks(buf);
    if (*name == 0)
        return "missing attribute name";
    for (char *cp = name; *cp; cp++)
        if (isspace((unsigned char)*cp))
            return "white space in attribute name";
    *out_name = name;
    *out_value = trim_blanks(eq + 1);
    return NULL;
}

/* alldig - a non-empty string of digits */

int alldig(const char *str)
{
    if (*str == 0)
        return 0;
    for (; *str; str++)
        if (!isdigit((unsigned char)*str))
            return 0;
    return 1;
}
