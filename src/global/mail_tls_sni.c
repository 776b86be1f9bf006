/*++
 * NAME
 *	mail_tls_sni - tls_server_sni_maps for the TLS servers
 * SYNOPSIS
 *	#include <mail_tls_sni.h>
 *
 *	MAPS	*mail_tls_sni_open(const char *map_names);
 *	const char *mail_tls_sni_lookup(void *context, const char *name,
 *				int *error);
 * DESCRIPTION
 *	mail_tls_sni_open() opens the tls_server_sni_maps tables map_names
 *	(not empty) so that a lookup returns the PEM text of the keys and
 *	chains: a value names PEM files, which a texthash or inline table
 *	reads when it is opened, or holds their content, base64, in a table
 *	built with "postmap -F". Open it with the keys, before privileges
 *	are dropped. Free the result with maps_free().
 *
 *	mail_tls_sni_lookup() is the TLS library's sni_lookup callback
 *	(tls_server(3)); context is the MAPS. It returns the PEM text of a
 *	name (owned by the table, valid until the next lookup) or NULL, and
 *	sets *error when a table failed.
 * SEE ALSO
 *	tls_sni(3), postmap(1) -F
 *--*/

/* Utility library. */
#include "dict.h"

/* Global library. */
#include "mail_params.h"
#include "mail_tls_sni.h"

/* mail_tls_sni_open - the tables, with file contents as values */

MAPS *mail_tls_sni_open(const char *map_names)
{
    return maps_create(VAR_TLS_SERVER_SNI_MAPS, map_names,
                       DICT_FLAG_LOCK | DICT_FLAG_FOLD_FIX | DICT_FLAG_SRC_RHS_IS_FILE);
}

/* mail_tls_sni_lookup - PEM keys and chains of a name */

const char *mail_tls_sni_lookup(void *context, const char *name, int *error)
{
    MAPS *maps = context;
    const char *pem = maps_find(maps, name, 0);

    *error = maps->error != 0;
    return pem;
}
