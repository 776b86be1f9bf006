/*++
 * NAME
 *	memcache_proto - the memcache text protocol: get, set and delete
 * SYNOPSIS
 *	#include <memcache_proto.h>
 *
 *	int	memcache_key_ok(const char *key);
 *	long	memcache_reply_frame(const char *buf, size_t len,
 *			size_t max_data, VSTRING *why);
 *	int	memcache_reply_parse(const char *buf, size_t len,
 *			const char **out_text, size_t *out_text_len);
 * DESCRIPTION
 *	memcache_key_ok() tells whether a key can be sent: 1 to 250 bytes,
 *	none of them white space or a control character.
 *
 *	memcache_reply_frame() looks at the len bytes received so far after
 *	a get, set or delete command: it returns 0 while they can still
 *	become a reply, the length of the complete reply, or -1 with a reason
 *	(a dict_remote(3) parser). A get reply is "END\r\n" or "VALUE key
 *	flags bytes\r\n", the data, "\r\nEND\r\n"; data longer than max_data
 *	bytes is refused as soon as its header is read. Other replies are
 *	one line (STORED, NOT_STORED, DELETED, NOT_FOUND, ERROR,
 *	CLIENT_ERROR text, SERVER_ERROR text), at most 1024 bytes.
 *
 *	memcache_reply_parse() classifies a complete reply: MEMCACHE_FOUND
 *	with the value (a VALUE reply) or for STORED and DELETED,
 *	MEMCACHE_MISS for END, NOT_STORED and NOT_FOUND, MEMCACHE_ERROR with
 *	the server's text, MEMCACHE_BAD for anything else, and for a value
 *	with a null byte. *out_text and *out_text_len point into buf.
 *--*/

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dict_remote.h"
#include "memcache_proto.h"

#define MEMCACHE_LINE_MAX 1024

/* memcache_key_ok - can the key be sent? */

int memcache_key_ok(const char *key)
{
    size_t len = strlen(key);

    if (len == 0 || len > 250)
        return 0;
    for (const unsigned char *cp = (const unsigned char *)key; *cp; cp++)
        if (isspace(*cp) || iscntrl(*cp))
            return 0;
    return 1;
}

/* memcache_value_header - parse "VALUE key flags bytes[ cas]"; the byte count or -1 */

static long memcache_value_header(const char *line, size_t len)
{
    char copy[MEMCACHE_LINE_MAX + 1], *fields[5], *cp, *end;
    int n = 0;
    long bytes;

    memcpy(copy, line, len);
    copy[len] = 0;
    for (cp = strtok(copy, " "); cp && n < 5; cp = strtok(NULL, " "))
        fields[n++] = cp;
    if ((n != 4 && n != 5) || strcmp(fields[0], "VALUE") != 0 ||
        !isdigit((unsigned char)*fields[3]))
        return -1;
    bytes = strtol(fields[3], &end, 10);
    return *end == 0 && bytes >= 0 && bytes < 1000000000 ? bytes : -1;
}

/* memcache_reply_frame - is a whole reply there yet? */

long memcache_reply_frame(const char *buf, size_t len, size_t max_data, VSTRING *why)
{
    const char *crlf = NULL;
    size_t line_len;
    long bytes;

    for (size_t i = 0; i + 1 < len && i < MEMCACHE_LINE_MAX + 2; i++)
        if (buf[i] == '\r' && buf[i + 1] == '\n') {
            crlf = buf + i;
            break;
        }
    if (crlf == NULL) {
        if (len >= MEMCACHE_LINE_MAX + 2) {
            vstring_sprintf(why, "reply line is longer than %d bytes", MEMCACHE_LINE_MAX);
            return DICT_REMOTE_BAD;
        }
        return DICT_REMOTE_MORE;
    }
    line_len = (size_t)(crlf - buf);
    if (line_len < 6 || strncmp(buf, "VALUE ", 6) != 0)
        return (long)line_len + 2;
    if ((bytes = memcache_value_header(buf, line_len)) < 0) {
        vstring_strcpy(why, "malformed VALUE line");
        return DICT_REMOTE_BAD;
    }
    if ((size_t)bytes > max_data) {
        vstring_sprintf(why, "value of %ld bytes is longer than %zu", bytes, max_data);
        return DICT_REMOTE_BAD;
    }
    if (len < line_len + 2 + (size_t)bytes + 7)
        return DICT_REMOTE_MORE;
    if (memcmp(buf + line_len + 2 + bytes, "\r\nEND\r\n", 7) != 0) {
        vstring_strcpy(why, "value not followed by END");
        return DICT_REMOTE_BAD;
    }
    return (long)(line_len + 2 + (size_t)bytes + 7);
}

/* memcache_reply_parse - the status and text of a complete reply */

int memcache_reply_parse(const char *buf, size_t len, const char **out_text, size_t *out_text_len)
{
    static const struct {
        const char *line;
        int status;
    } lines[] = {
        {"END", MEMCACHE_MISS},      {"STORED", MEMCACHE_FOUND},   {"NOT_STORED", MEMCACHE_MISS},
        {"DELETED", MEMCACHE_FOUND}, {"NOT_FOUND", MEMCACHE_MISS}, {"ERROR", MEMCACHE_ERROR},
    };
    const char *crlf = len >= 2 ? memchr(buf, '\r', len) : NULL;
    size_t line_len;

    if (crlf == NULL || crlf + 1 >= buf + len || crlf[1] != '\n')
        return MEMCACHE_BAD;
    line_len = (size_t)(crlf - buf);
    *out_text = buf;
    *out_text_len = line_len;
    if (line_len >= 6 && strncmp(buf, "VALUE ", 6) == 0) {
        long bytes = memcache_value_header(buf, line_len);

        if (bytes < 0 || len != line_len + 2 + (size_t)bytes + 7)
            return MEMCACHE_BAD;
        *out_text = buf + line_len + 2;
        *out_text_len = (size_t)bytes;
        return memchr(*out_text, 0, *out_text_len) ? MEMCACHE_BAD : MEMCACHE_FOUND;
    }
    if (len != line_len + 2)
        return MEMCACHE_BAD;
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
        if (line_len == strlen(lines[i].line) && memcmp(buf, lines[i].line, line_len) == 0)
            return lines[i].status;
    if ((line_len >= 13 && strncmp(buf, "CLIENT_ERROR ", 13) == 0) ||
        (line_len >= 13 && strncmp(buf, "SERVER_ERROR ", 13) == 0))
        return MEMCACHE_ERROR;
    return MEMCACHE_BAD;
}
