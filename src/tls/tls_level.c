/*++
 * NAME
 *	tls_level - TLS security levels by name, number and role
 * SYNOPSIS
 *	#include <tls_level.h>
 *
 *	int	tls_level_lookup(const char *name);
 *	int	tls_level_server(const char *name, bool *out_promoted);
 *	int	tls_level_server_legacy(const char *name, bool use_tls,
 *				bool enforce_tls, bool *out_promoted);
 *	const char *tls_level_name(int level);
 *	const char *tls_level_list(VSTRING *out, int role);
 * DESCRIPTION
 *	This module holds the one table of TLS security level names; no
 *	other file spells them.
 *
 *	tls_level_lookup() maps a level name as a client reads it from
 *	main.cf, a policy table or a command line (none, may, encrypt,
 *	fingerprint, dane, dane-only, verify, secure; case-insensitive) to
 *	its number, or TLS_LEV_INVALID. The output-only level halfdane is
 *	not accepted.
 *
 *	tls_level_server() maps a level name as a server reads it to the
 *	level the server applies: TLS_LEV_NONE, TLS_LEV_MAY or
 *	TLS_LEV_ENCRYPT, or TLS_LEV_INVALID for a name that means nothing
 *	to a server. *out_promoted is set when the name is a client level
 *	that the server takes as encrypt (fingerprint, verify, secure), so
 *	that the caller can warn.
 *
 *	tls_level_server_legacy() is tls_level_server() for the servers
 *	that also have the legacy switches (smtpd, postscreen, tlsproxy:
 *	*_use_tls, *_enforce_tls): an empty name takes the level from them
 *	(encrypt with enforce_tls, else may with use_tls, else none).
 *
 *	tls_level_name() maps a number back to its name ("invalid" for an
 *	unknown number).
 *
 *	tls_level_list() writes the names that a role accepts
 *	(TLS_LEVEL_ROLE_CLIENT, TLS_LEVEL_ROLE_SERVER), in level order and
 *	separated by ", ", into out, and returns its text, for messages.
 *--*/

#include <stddef.h>
#include <strings.h>

#include "tls_level.h"

/* One level. */
typedef struct TLS_LEVEL_INFO {
    const char *name; /* as written in main.cf and policy tables */
    int level;        /* TLS_LEV_* */
    int roles;        /* TLS_LEVEL_ROLE_*: who accepts the name as it is */
    int server_level; /* what a server makes of it, TLS_LEV_INVALID: nothing */
} TLS_LEVEL_INFO;

#define CLIENT TLS_LEVEL_ROLE_CLIENT
#define SERVER TLS_LEVEL_ROLE_SERVER

static const TLS_LEVEL_INFO tls_level_table[] = {
    {"none", TLS_LEV_NONE, CLIENT | SERVER, TLS_LEV_NONE},
    {"may", TLS_LEV_MAY, CLIENT | SERVER, TLS_LEV_MAY},
    {"encrypt", TLS_LEV_ENCRYPT, CLIENT | SERVER, TLS_LEV_ENCRYPT},
    {"fingerprint", TLS_LEV_FPRINT, CLIENT, TLS_LEV_ENCRYPT},
    {"halfdane", TLS_LEV_HALF_DANE, 0, TLS_LEV_INVALID},
    {"dane", TLS_LEV_DANE, CLIENT, TLS_LEV_INVALID},
    {"dane-only", TLS_LEV_DANE_ONLY, CLIENT, TLS_LEV_INVALID},
    {"verify", TLS_LEV_VERIFY, CLIENT, TLS_LEV_ENCRYPT},
    {"secure", TLS_LEV_SECURE, CLIENT, TLS_LEV_ENCRYPT},
};

#define TLS_LEVEL_COUNT (sizeof(tls_level_table) / sizeof(tls_level_table[0]))

/* tls_level_find - table entry by name, or NULL */

static const TLS_LEVEL_INFO *tls_level_find(const char *name)
{
    for (size_t i = 0; name && i < TLS_LEVEL_COUNT; i++)
        if (strcasecmp(name, tls_level_table[i].name) == 0)
            return tls_level_table + i;
    return NULL;
}

/* tls_level_lookup - client level number by name */

int tls_level_lookup(const char *name)
{
    const TLS_LEVEL_INFO *info = tls_level_find(name);

    return info && (info->roles & CLIENT) ? info->level : TLS_LEV_INVALID;
}

/* tls_level_server - the level a server applies, by name */

int tls_level_server(const char *name, bool *out_promoted)
{
    const TLS_LEVEL_INFO *info = tls_level_find(name);

    *out_promoted = info && info->server_level != TLS_LEV_INVALID && !(info->roles & SERVER);
    return info ? info->server_level : TLS_LEV_INVALID;
}

/* tls_level_server_legacy - the server level, the legacy switches for an empty name */

int tls_level_server_legacy(const char *name, bool use_tls, bool enforce_tls, bool *out_promoted)
{
    if (name == NULL || *name == 0) {
        *out_promoted = false;
        return enforce_tls ? TLS_LEV_ENCRYPT : use_tls ? TLS_LEV_MAY : TLS_LEV_NONE;
    }
    return tls_level_server(name, out_promoted);
}

/* tls_level_name - level name by number */

const char *tls_level_name(int level)
{
    for (size_t i = 0; i < TLS_LEVEL_COUNT; i++)
        if (tls_level_table[i].level == level)
            return tls_level_table[i].name;
    return "invalid";
}

/* tls_level_list - the names a role accepts, for messages */

const char *tls_level_list(VSTRING *out, int role)
{
    vstring_strcpy(out, "");
    for (size_t i = 0; i < TLS_LEVEL_COUNT; i++)
        if (tls_level_table[i].roles & role)
            vstring_sprintf_append(out, "%s%s", VSTRING_LEN(out) ? ", " : "",
                                   tls_level_table[i].name);
    return vstring_str(out);
}
