/*++
 * NAME
 *	config_family - parameters whose names are known only later
 * SYNOPSIS
 *	#include <config.h>
 *
 *	CONFIG_PER_TRANSPORT *config_per_transport_alloc(CONFIG *config,
 *				const char *suffix);
 *	int	config_per_transport_int(CONFIG_PER_TRANSPORT *family,
 *				const char *transport);
 *	CONFIG_PER_TRANSPORT *config_per_transport_free(
 *				CONFIG_PER_TRANSPORT *family);
 *
 *	CONFIG_DEFINITIONS *config_definitions_alloc(CONFIG *config,
 *				const char *name);
 *	const char *config_definitions_find(
 *				const CONFIG_DEFINITIONS *definitions,
 *				const char *name);
 *	CONFIG_DEFINITIONS *config_definitions_free(
 *				CONFIG_DEFINITIONS *definitions);
 * DESCRIPTION
 *	config_bind() calls these for the CONFIG_BIND_PER_TRANSPORT() and
 *	CONFIG_BIND_DEFINITIONS() entries of a daemon's table, so that the
 *	daemon's modules get what they need from its start-up and never
 *	look at the configuration themselves.
 *
 *	config_per_transport_alloc() binds the integer per-transport
 *	parameters <transport>_<suffix> (param_service(3)), for example
 *	suffix "destination_concurrency_limit". config_per_transport_int()
 *	returns the value for one transport, read and checked like
 *	config_get_int() when that transport is first asked for and
 *	remembered after that. The family keeps a reference to config,
 *	which must outlive it. config_per_transport_free() releases the
 *	family and returns NULL.
 *
 *	config_definitions_alloc() reads the list parameter name, whose
 *	elements (separated by white space and commas) name user-defined
 *	parameters, and keeps the expanded value
 *	of each, as config_lookup() returns it. config_definitions_find()
 *	returns the value of one of those names, or NULL when the name is
 *	defined nowhere or is not in the list. The values are owned by the
 *	CONFIG. config_definitions_free() releases the table and returns
 *	NULL.
 * DIAGNOSTICS
 *	Panic: a suffix that is not a per-transport suffix of type
 *	integer. Fatal: as config_get_int() and config_lookup().
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* Global library. */
#include "config.h"
#include "param_table.h"

/* A bound per-transport family. */
struct CONFIG_PER_TRANSPORT {
    CONFIG *config; /* not owned: the process configuration */
    char *suffix;   /* owned: "destination_concurrency_limit" */
    HTABLE *values; /* owned: transport to int *, filled on first use */
};

/* The values of the names that one list parameter lists. */
struct CONFIG_DEFINITIONS {
    HTABLE *values; /* owned: name to expanded value (owned by the CONFIG), or NULL */
};

/* config_per_transport_alloc - bind a per-transport family */

CONFIG_PER_TRANSPORT *config_per_transport_alloc(CONFIG *config, const char *suffix)
{
    CONFIG_PER_TRANSPORT *family;
    VSTRING *probe = vstring_alloc(60);
    const PARAM_SERVICE_SUFFIX *sp;

    vstring_sprintf(probe, "x_%s", suffix);
    sp = param_service_match(vstring_str(probe), NULL);
    vstring_free(probe);
    if (sp == NULL || strcmp(sp->info.name, suffix) != 0 || sp->info.type != PARAM_TYPE_INT)
        msg_panic("%s: \"%s\" is not an integer per-transport suffix", __func__, suffix);
    family = mymalloc(sizeof(*family));
    family->config = config;
    family->suffix = mystrdup(suffix);
    family->values = htable_create(10);
    return family;
}

/* config_per_transport_int - the value for one transport */

int config_per_transport_int(CONFIG_PER_TRANSPORT *family, const char *transport)
{
    int *value;

    if ((value = htable_find(family->values, transport)) == NULL) {
        VSTRING *name = vstring_alloc(60);

        value = mymalloc(sizeof(*value));
        vstring_sprintf(name, "%s_%s", transport, family->suffix);
        *value = config_get_int(family->config, vstring_str(name));
        htable_enter(family->values, transport, value);
        vstring_free(name);
    }
    return *value;
}

/* config_per_transport_free - release a family */

CONFIG_PER_TRANSPORT *config_per_transport_free(CONFIG_PER_TRANSPORT *family)
{
    htable_free(family->values, myfree);
    myfree(family->suffix);
    myfree(family);
    return NULL;
}

/* config_definitions_alloc - the values of the names a list parameter lists */

CONFIG_DEFINITIONS *config_definitions_alloc(CONFIG *config, const char *name)
{
    CONFIG_DEFINITIONS *definitions = mymalloc(sizeof(*definitions));
    char *copy = mystrdup(config_get_str(config, name));
    char *cp = copy;
    char *word;

    definitions->values = htable_create(10);
    while ((word = mystrtok_braced(&cp, ", \t\r\n")) != NULL)
        if (htable_locate(definitions->values, word) == NULL)
            htable_enter(definitions->values, word, (void *)config_lookup(config, word));
    myfree(copy);
    return definitions;
}

/* config_definitions_find - the value of one listed name */

const char *config_definitions_find(const CONFIG_DEFINITIONS *definitions, const char *name)
{
    return htable_find(definitions->values, name);
}

/* config_definitions_free - release the table */

CONFIG_DEFINITIONS *config_definitions_free(CONFIG_DEFINITIONS *definitions)
{
    htable_free(definitions->values, NULL);
    myfree(definitions);
    return NULL;
}
