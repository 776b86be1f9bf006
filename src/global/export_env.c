/*++
 * NAME
 *	export_env - the environment that daemons give to commands
 * SYNOPSIS
 *	#include "export_env.h"
 *
 *	ARGV	*export_env(const char *names);
 * DESCRIPTION
 *	export_env() returns "name=value" for each variable that names (an
 *	export_environment value: names separated by white space or commas)
 *	lists and this process's environment has, in the order listed, for
 *	spawn_command(3)'s env. A "name=value" word is passed as written,
 *	as Postfix allows. The caller frees the result with argv_free().
 * SEE ALSO
 *	spawn_command(3), master(8) (import_environment)
 *--*/

/* System library. */
#include <stdlib.h>
#include <string.h>

/* Utility library. */
#include "argv.h"
#include "vstring.h"

/* Global library. */
#include "export_env.h"

/* export_env - export_environment from this process's environment */

ARGV *export_env(const char *names)
{
    ARGV *list = argv_split(names ? names : "", ", \t\r\n");
    ARGV *env = argv_alloc(list->argc + 1);
    VSTRING *buf = vstring_alloc(100);

    for (size_t i = 0; i < list->argc; i++) {
        const char *value;

        if (strchr(list->argv[i], '=') != NULL) {
            argv_add(env, list->argv[i]);
        } else if ((value = getenv(list->argv[i])) != NULL) {
            vstring_sprintf(buf, "%s=%s", list->argv[i], value);
            argv_add(env, vstring_str(buf));
        }
    }
    vstring_free(buf);
    argv_free(list);
    return env;
}
