/*++
 * NAME
 *	socketmap_proto - the socketmap protocol: requests and replies
 * SYNOPSIS
 *	#include <socketmap_proto.h>
 *
 *	void	socketmap_request(VSTRING *buf, const char *name,
 *			const char *key);
 *	long	socketmap_reply_frame(const char *buf, size_t len,
 *			VSTRING *why);
 *	int	socketmap_reply_parse(const char *data, size_t len,
 *			const char **out_text, size_t *out_text_len);
 * DESCRIPTION
 *	A socketmap client sends "name key" as one netstring and the server
 *	answers with one netstring: "OK value", "NOTFOUND ", "TEMP reason",
 *	"TIMEOUT reason" or "PERM reason".
 *
 *	socketmap_request() replaces buf with the request for key in the
 *	server's map name.
 *
 *	socketmap_reply_frame() looks at the len bytes received so far: it
 *	returns 0 while they can still become a netstring of at most
 *	SOCKETMAP_MAX_REPLY bytes, the number of bytes of the complete
 *	netstring, or -1 with a reason in why (a dict_remote(3) parser).
 *
 *	socketmap_reply_parse() classifies the data of a reply netstring
 *	(len bytes at data) and sets *out_text and *out_text_len to the text
 *	after the status word and its space (the value, or the reason), a
 *	part of data. A reply with a null byte, an unknown status word, or
 *	a status word without its space (except a bare "NOTFOUND") is
 *	SOCKETMAP_BAD.
 *--*/

#include <string.h>

#include "dict_remote.h"
#include "netstring.h"
#include "socketmap_proto.h"

/* socketmap_request - "name key" as a netstring */

void socketmap_request(VSTRING *buf, const char *name, const char *key)
{
    VSTRING *data = vstring_alloc(100);

    vstring_sprintf(data, "%s %s", name, key);
    VSTRING_RESET(buf);
    netstring_put(buf, vstring_str(data), VSTRING_LEN(data));
    vstring_free(data);
}

/* socketmap_reply_frame - is a whole reply netstring there yet? */

long socketmap_reply_frame(const char *buf, size_t len, VSTRING *why)
{
    const char *data;
    size_t data_len, used;
    int status = netstring_parse(buf, len, SOCKETMAP_MAX_REPLY, &data, &data_len, &used);

    if (status == NETSTRING_MORE)
        return DICT_REMOTE_MORE;
    if (status != NETSTRING_OK) {
        vstring_sprintf(why, "malformed reply: %s", netstring_strerror(status));
        return DICT_REMOTE_BAD;
    }
    return (long)used;
}

/* socketmap_reply_parse - the status and text of a reply */

int socketmap_reply_parse(const char *data, size_t len, const char **out_text, size_t *out_text_len)
{
    static const struct {
        const char *word;
        int status;
    } words[] = {
        {"OK", SOCKETMAP_OK},           {"NOTFOUND", SOCKETMAP_NOTFOUND}, {"TEMP", SOCKETMAP_TEMP},
        {"TIMEOUT", SOCKETMAP_TIMEOUT}, {"PERM", SOCKETMAP_PERM},
    };

    if (memchr(data, 0, len) != NULL)
        return SOCKETMAP_BAD;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        size_t wlen = strlen(words[i].word);

        if (len < wlen || memcmp(data, words[i].word, wlen) != 0)
            continue;
        if (len == wlen && words[i].status == SOCKETMAP_NOTFOUND) {
            *out_text = data + len;
            *out_text_len = 0;
            return SOCKETMAP_NOTFOUND;
        }
        if (len == wlen || data[wlen] != ' ')
            return SOCKETMAP_BAD;
        *out_text = data + wlen + 1;
        *out_text_len = len - wlen - 1;
        return words[i].status;
    }
    return SOCKETMAP_BAD;
}
