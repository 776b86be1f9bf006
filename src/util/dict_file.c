/*++
 * NAME
 *	dict_file - helpers for tables built from text
 * SYNOPSIS
 *	#include <dict_file.h>
 *
 *	const char *dict_entry_split(char *line, char **out_key,
 *			char **out_value);
 *	int	dict_file_to_b64(VSTRING *out, const char *filenames, VSTRING *why);
 * DESCRIPTION
 *	dict_entry_split() splits one logical line of a postmap(1) input
 *	file in place into a key and a value. The key ends at the first
 *	white space outside double quotes (a backslash protects the next
 *	character); it keeps its quotes. The value is the rest of the line
 *	without surrounding white space. It returns NULL, or a text that
 *	says what is wrong ("expected format: key whitespace value",
 *	"unbalanced '\"'").
 *
 *	dict_file_to_b64() reads the files named in filenames (separated
 *	by commas and/or white space), joins their content with a newline
 *	between files, and stores the base64 form in out (postmap -F). It
 *	returns 0, or -1 with the reason in why (which names the file).
 *--*/

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "argv.h"
#include "base64_code.h"
#include "dict_file.h"
#include "vstring.h"

/* dict_entry_split - "key whitespace value", in place */

const char *dict_entry_split(char *line, char **out_key, char **out_value)
{
    char *cp;
    int in_quotes = 0;

    for (cp = line; *cp; cp++) {
        if (*cp == '\\') {
            if (cp[1] == 0)
                break;
            cp++;
        } else if (*cp == '"') {
            in_quotes = !in_quotes;
        } else if (isspace((unsigned char)*cp) && !in_quotes) {
            break;
        }
    }
    if (in_quotes)
        return "unbalanced '\"'";
    if (*cp)
        *cp++ = 0;
    while (isspace((unsigned char)*cp))
        cp++;
    for (char *end = cp + strlen(cp); end > cp && isspace((unsigned char)end[-1]);)
        *--end = 0;
    if (*line == 0 || *cp == 0)
        return "expected format: key whitespace value";
    *out_key = line;
    *out_value = cp;
    return NULL;
}

/* dict_file_read - append one file's content */

static int dict_file_read(VSTRING *data, const char *path, VSTRING *why)
{
    FILE *fp = fopen(path, "r");
    char chunk[4096];
    size_t len;

    if (fp == NULL) {
        vstring_sprintf(why, "open \"%s\": %m", path);
        return -1;
    }
    while ((len = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        vstring_memcat(data, chunk, len);
    if (ferror(fp)) {
        vstring_sprintf(why, "read \"%s\": %m", path);
        fclose(fp);
        return -1;
    }
    fclose(fp);
    return 0;
}

/* dict_file_to_b64 - base64 of the joined content of some files */

int dict_file_to_b64(VSTRING *out, const char *filenames, VSTRING *why)
{
    ARGV *names = argv_split(filenames, ", \t\r\n");
    VSTRING *data = vstring_alloc(1000);
    int status = 0;

    if (names->argc == 0) {
        vstring_sprintf(why, "no file name");
        status = -1;
    }
    for (size_t i = 0; status == 0 && i < names->argc; i++) {
        if (i > 0)
            vstring_addch(data, '\n');
        status = dict_file_read(data, names->argv[i], why);
    }
    if (status == 0)
        base64_encode(out, vstring_str(data), VSTRING_LEN(data));
    vstring_free(data);
    argv_free(names);
    return status;
}
