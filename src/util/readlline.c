/*++
 * NAME
 *	readlline - read logical lines of a configuration or table file
 * SYNOPSIS
 *	#include <readlline.h>
 *
 *	int	readlline(VSTRING *buf, FILE *fp, const char *path,
 *			int *lineno, int *first_line);
 * DESCRIPTION
 *	readlline() reads the next logical line from fp into buf, without
 *	newline and without trailing white space. It returns 1 when it read
 *	one, 0 at end of file.
 *
 *	A logical line starts with non-blank text. Each following physical
 *	line that starts with white space continues it: the newline goes and
 *	the continuation is appended with its leading white space, so words
 *	stay apart. Empty lines, blank lines and comment lines (whose first
 *	non-blank character is '#') are skipped, also between the parts of a
 *	logical line.
 *
 *	*lineno counts physical lines read so far (start it at 0); it is the
 *	last line of the logical line on return. *first_line (may be NULL)
 *	receives the line number where the logical line started, for
 *	messages.
 * DIAGNOSTICS
 *	A continuation line with nothing before it is skipped with a warning
 *	that names path and line. A null byte in the input ends the physical
 *	line's text at that point.
 *--*/

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "readlline.h"
#include "vstring.h"

/* readlline_physical - read one physical line into buf; 0 at end of file */

static int readlline_physical(VSTRING *buf, FILE *fp)
{
    int ch;

    VSTRING_RESET(buf);
    while ((ch = getc(fp)) != EOF && ch != '\n')
        vstring_addch(buf, ch);
    if (ch == EOF && VSTRING_LEN(buf) == 0)
        return 0;
    vstring_truncate(buf, strlen(vstring_str(buf)));
    while (VSTRING_LEN(buf) > 0 && isspace((unsigned char)vstring_end(buf)[-1]))
        vstring_truncate(buf, VSTRING_LEN(buf) - 1);
    return 1;
}

/* readlline_skippable - a blank or comment line */

static int readlline_skippable(const char *line)
{
    line += strspn(line, " \t\r\f\v");
    return *line == 0 || *line == '#';
}

/* readlline_continues - does the next line continue this one? */

static int readlline_continues(FILE *fp)
{
    int ch = getc(fp);

    if (ch != EOF)
        ungetc(ch, fp);
    return ch == ' ' || ch == '\t' || ch == '#' || ch == '\n' || ch == '\r';
}

/* readlline - read one logical line */

int readlline(VSTRING *buf, FILE *fp, const char *path, int *lineno, int *first_line)
{
    VSTRING *line = vstring_alloc(100);
    int found = 0;

    VSTRING_RESET(buf);
    while (readlline_physical(line, fp)) {
        ++*lineno;
        if (readlline_skippable(vstring_str(line))) {
            if (found && !readlline_continues(fp))
                break;
            continue;
        }
        if (isspace((unsigned char)vstring_str(line)[0]) && !found) {
            msg_warn("%s, line %d: logical line must not start with white space: \"%.30s\"", path,
                     *lineno, vstring_str(line));
            continue;
        }
        if (!found && first_line)
            *first_line = *lineno;
        vstring_strcat(buf, vstring_str(line));
        found = 1;
        if (!readlline_continues(fp))
            break;
    }
    vstring_free(line);
    return found;
}
