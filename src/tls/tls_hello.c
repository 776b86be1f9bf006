/*++
 * NAME
 *	tls_hello - what our ClientHello offered, as sent on the wire
 * SYNOPSIS
 *	#include <tls_hello.h>
 *
 *	int	tls_hello_parse(const unsigned char *msg, size_t len,
 *				TLS_HELLO *out);
 *	const char *tls_hello_names(VSTRING *out, const int *groups,
 *				int count);
 *	void	tls_hello_note(TLS_SESS_STATE *state, SSL *ssl, int write_p,
 *				int content_type, const void *buf, size_t len);
 *	bool	tls_hello_offered_pq(const TLS_SESS_STATE *state);
 * DESCRIPTION
 *	tls_hello_parse() reads one ClientHello handshake message (type,
 *	length, body) and fills out with its size as one TLS record and
 *	the groups of its supported_groups and key_share extensions (the
 *	first TLS_HELLO_MAX_GROUPS of each). It returns 0, or -1 when msg
 *	is not a well-formed ClientHello.
 *
 *	tls_hello_names() writes the names of count group code points,
 *	separated by spaces, into out and returns it: the TLS group names
 *	that OpenSSL lists ("X25519MLKEM768", "x25519", "secp256r1"), or
 *	"0x001f"-style hex for a code point not in the table.
 *
 *	tls_hello_note() is called by the engine for every protocol
 *	message of a client session. Each ClientHello sent is counted, and
 *	its size, offered groups and key-share groups replace those of the
 *	previous one in state (hello_count, hello_size, hello_groups,
 *	hello_shares); a ServerHello that is not a HelloRetryRequest sets
 *	state->server_hello.
 *
 *	tls_hello_offered_pq() tells whether the last ClientHello sent a
 *	key share for a post-quantum group, or offered one before any
 *	ServerHello came back.
 *--*/

#include <string.h>

#include <openssl/ssl.h>

#include "mymalloc.h"
#include "vstring.h"

#include "tls.h"
#include "tls_dh.h"
#include "tls_hello.h"

#define TLS_HELLO_TYPE_CLIENT 1  /* handshake type ClientHello */
#define TLS_HELLO_TYPE_SERVER 2  /* handshake type ServerHello (and HRR) */
#define TLS_HELLO_EXT_GROUPS  10 /* supported_groups */
#define TLS_HELLO_EXT_SHARE   51 /* key_share */
#define TLS_HELLO_RECORD_HDR  5  /* TLS record header bytes */

/* The ServerHello.random that marks a HelloRetryRequest (RFC 8446, 4.1.3). */
static const unsigned char tls_hello_hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/* A bounded reader over a message. */
typedef struct TLS_HELLO_READER {
    const unsigned char *cp;  /* next byte */
    const unsigned char *end; /* end of the data */
    bool bad;                 /* read past the end */
} TLS_HELLO_READER;

/* tls_hello_int - big-endian integer of n bytes */

static unsigned tls_hello_int(TLS_HELLO_READER *r, int n)
{
    unsigned val = 0;

    if (r->end - r->cp < n) {
        r->bad = true;
        r->cp = r->end;
        return 0;
    }
    while (n-- > 0)
        val = (val << 8) | *r->cp++;
    return val;
}

/* tls_hello_skip - skip n bytes */

static void tls_hello_skip(TLS_HELLO_READER *r, size_t n)
{
    if ((size_t)(r->end - r->cp) < n) {
        r->bad = true;
        r->cp = r->end;
    } else {
        r->cp += n;
    }
}

/* tls_hello_sub - a reader over the next n bytes */

static TLS_HELLO_READER tls_hello_sub(TLS_HELLO_READER *r, size_t n)
{
    TLS_HELLO_READER sub = {.cp = r->cp, .end = r->cp};

    if ((size_t)(r->end - r->cp) < n)
        sub.bad = true;
    else
        sub.end = r->cp + n;
    tls_hello_skip(r, n);
    return sub;
}

/* tls_hello_groups - the supported_groups extension */

static void tls_hello_groups(TLS_HELLO_READER ext, TLS_HELLO *out)
{
    TLS_HELLO_READER list = tls_hello_sub(&ext, tls_hello_int(&ext, 2));

    while (!list.bad && list.cp < list.end) {
        unsigned id = tls_hello_int(&list, 2);

        if (!list.bad && out->group_count < TLS_HELLO_MAX_GROUPS)
            out->groups[out->group_count++] = (int)id;
    }
}

/* tls_hello_shares - the key_share extension */

static void tls_hello_shares(TLS_HELLO_READER ext, TLS_HELLO *out)
{
    TLS_HELLO_READER list = tls_hello_sub(&ext, tls_hello_int(&ext, 2));

    while (!list.bad && list.cp < list.end) {
        unsigned id = tls_hello_int(&list, 2);

        tls_hello_skip(&list, tls_hello_int(&list, 2));
        if (!list.bad && out->share_count < TLS_HELLO_MAX_GROUPS)
            out->shares[out->share_count++] = (int)id;
    }
}

/* tls_hello_parse - size and groups of one ClientHello */

int tls_hello_parse(const unsigned char *msg, size_t len, TLS_HELLO *out)
{
    TLS_HELLO_READER r = {.cp = msg, .end = msg + len};
    TLS_HELLO_READER body, exts;

    memset(out, 0, sizeof(*out));
    if (tls_hello_int(&r, 1) != TLS_HELLO_TYPE_CLIENT)
        return -1;
    body = tls_hello_sub(&r, tls_hello_int(&r, 3));
    if (body.bad)
        return -1;
    out->record_size = len + TLS_HELLO_RECORD_HDR;
    tls_hello_skip(&body, 2 + 32);                  /* version, random */
    tls_hello_skip(&body, tls_hello_int(&body, 1)); /* session id */
    tls_hello_skip(&body, tls_hello_int(&body, 2)); /* cipher suites */
    tls_hello_skip(&body, tls_hello_int(&body, 1)); /* compression */
    if (body.cp == body.end)
        return body.bad ? -1 : 0; /* no extensions */
    exts = tls_hello_sub(&body, tls_hello_int(&body, 2));
    while (!exts.bad && exts.cp < exts.end) {
        unsigned type = tls_hello_int(&exts, 2);
        TLS_HELLO_READER ext = tls_hello_sub(&exts, tls_hello_int(&exts, 2));

        if (type == TLS_HELLO_EXT_GROUPS)
            tls_hello_groups(ext, out);
        else if (type == TLS_HELLO_EXT_SHARE)
            tls_hello_shares(ext, out);
    }
    return body.bad || exts.bad ? -1 : 0;
}

/*
 * TLS group code points (IANA "TLS Supported Groups") and the names OpenSSL
 * lists them by ("openssl list -tls-groups"). A table, because OpenSSL 3.0
 * names groups by NID, not by code point.
 */
static const struct {
    int id;           /* code point */
    const char *name; /* OpenSSL's TLS group name */
} tls_hello_group_names[] = {
    {23, "secp256r1"},
    {24, "secp384r1"},
    {25, "secp521r1"},
    {29, "x25519"},
    {30, "x448"},
    {31, "brainpoolP256r1tls13"},
    {32, "brainpoolP384r1tls13"},
    {33, "brainpoolP512r1tls13"},
    {256, "ffdhe2048"},
    {257, "ffdhe3072"},
    {258, "ffdhe4096"},
    {259, "ffdhe6144"},
    {260, "ffdhe8192"},
    {0x0200, "MLKEM512"},
    {0x0201, "MLKEM768"},
    {0x0202, "MLKEM1024"},
    {0x11eb, "SecP256r1MLKEM768"},
    {0x11ec, "X25519MLKEM768"},
    {0x11ed, "SecP384r1MLKEM1024"},
};

/* tls_hello_group_name - name of a code point, or NULL */

static const char *tls_hello_group_name(int id)
{
    for (size_t i = 0; i < sizeof(tls_hello_group_names) / sizeof(tls_hello_group_names[0]); i++)
        if (tls_hello_group_names[i].id == id)
            return tls_hello_group_names[i].name;
    return NULL;
}

/* tls_hello_names - group names of code points */

const char *tls_hello_names(VSTRING *out, const int *groups, int count)
{
    VSTRING_RESET(out);
    for (int i = 0; i < count; i++) {
        const char *name = tls_hello_group_name(groups[i]);

        if (i > 0)
            vstring_addch(out, ' ');
        if (name)
            vstring_strcat(out, name);
        else
            vstring_sprintf_append(out, "0x%04x", groups[i]);
    }
    return vstring_str(out);
}

/* tls_hello_replace - replace an owned string */

static void tls_hello_replace(char **slot, const char *value)
{
    myfree(*slot);
    *slot = mystrdup(value);
}

/* tls_hello_note - follow the ClientHellos sent and the ServerHello */

void tls_hello_note(TLS_SESS_STATE *state, SSL *ssl, int write_p, int content_type, const void *buf,
                    size_t len)
{
    const unsigned char *msg = buf;
    TLS_HELLO hello;
    VSTRING *names;

    if (state->am_server || content_type != SSL3_RT_HANDSHAKE || len < 4)
        return;
    if (write_p && msg[0] == TLS_HELLO_TYPE_CLIENT && tls_hello_parse(msg, len, &hello) == 0) {
        names = vstring_alloc(100);
        state->hello_count++;
        state->hello_size = hello.record_size;
        tls_hello_replace(&state->hello_groups,
                          tls_hello_names(names, hello.groups, hello.group_count));
        tls_hello_replace(&state->hello_shares,
                          tls_hello_names(names, hello.shares, hello.share_count));
        vstring_free(names);
    } else if (!write_p && msg[0] == TLS_HELLO_TYPE_SERVER && len >= 4 + 2 + 32 &&
               memcmp(msg + 6, tls_hello_hrr_random, sizeof(tls_hello_hrr_random)) != 0) {
        state->server_hello = true;
    }
}

/* tls_hello_offered_pq - did the ClientHello offer a post-quantum group */

bool tls_hello_offered_pq(const TLS_SESS_STATE *state)
{
    const char *list = state->server_hello ? state->hello_shares : state->hello_groups;
    bool found = false;

    if (list && *list) {
        char *copy = mystrdup(list), *cp = copy, *tok;

        while (!found && (tok = strsep(&cp, " ")) != NULL)
            found = tls_dh_group_is_pq(tok);
        myfree(copy);
    }
    return found;
}
