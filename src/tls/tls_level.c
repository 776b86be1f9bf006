/*++
 * NAME
 *	tls_level - TLS security levels by name and number
 * SYNOPSIS
 *	#include <tls_level.h>
 *
 *	int	tls_level_lookup(const char *name);
 *	const char *tls_level_name(int level);
 * DESCRIPTION
 *	tls_level_lookup() maps a level name as written in main.cf or a
 *	policy table (none, may, encrypt, fingerprint, dane, dane-only,
 *	verify, secure; case-insensitive) to its number, or TLS_LEV_INVALID.
 *	The output-only level halfdane is not accepted.
 *
 *	tls_level_name() maps a number back to its name ("invalid" for an
 *	unknown number).
 *--*/

#include <stddef.h>
#include <strings.h>

#include "tls_level.h"

static const struct {
    const char *name;
    int level;
    int parse; /* accepted on input */
} tls_level_table[] = {
    {"none", TLS_LEV_NONE, 1},           {"may", TLS_LEV_MAY, 1},
    {"encrypt", TLS_LEV_ENCRYPT, 1},     {"fingerprint", TLS_LEV_FPRINT, 1},
    {"halfdane", TLS_LEV_HALF_DANE, 0},  {"dane", TLS_LEV_DANE, 1},
    {"dane-only", TLS_LEV_DANE_ONLY, 1}, {"verify", TLS_LEV_VERIFY, 1},
    {"secure", TLS_LEV_SECURE, 1},
};

#define TLS_LEVEL_COUNT (sizeof(tls_level_table) / sizeof(tls_level_table[0]))

/* tls_level_lookup - level number by name */

int tls_level_lookup(const char *name)
{
    for (size_t i = 0; name && i < TLS_LEVEL_COUNT; i++)
        if (tls_level_table[i].parse && strcasecmp(name, tls_level_table[i].name) == 0)
            return tls_level_table[i].level;
    return TLS_LEV_INVALID;
}

/* tls_level_name - level name by number */

const char *tls_level_name(int level)
{
    for (size_t i = 0; i < TLS_LEVEL_COUNT; i++)
        if (tls_level_table[i].level == level)
            return tls_level_table[i].name;
    return "invalid";
}
