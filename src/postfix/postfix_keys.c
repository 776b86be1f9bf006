/*++
 * NAME
 *	postfix_keys - the private key files that a configuration names
 * SYNOPSIS
 *	#include "postfix.h"
 *
 *	void	postfix_keys_walk(CONFIG *config, const MASTER_CF *master_cf,
 *				  POSTFIX_KEYS_FN fn, void *context);
 * DESCRIPTION
 *	postfix_keys_walk() calls fn(param, file, where, context) once for
 *	each file that a private key parameter names: every parameter of
 *	the table whose name ends in _tls_key_file, _tls_dkey_file,
 *	_tls_eckey_file or _tls_chain_files (chain files hold keys too), in
 *	main.cf, and in every master.cf "-o" override of such a parameter
 *	when master_cf is not null. A file named twice is passed once.
 *	where is "" for main.cf, else "FILE, line N, service NAME" of the
 *	master.cf entry; the strings live until fn returns.
 *
 *	"postfix check" warns about the keys that others can read, and
 *	"postfix set-permissions" takes their access away.
 * DIAGNOSTICS
 *	None: a value that does not expand is skipped (postfix check and
 *	the daemons report it).
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "argv.h"
#include "mymalloc.h"
#include "vstring.h"

/* Application-specific. */
#include "postfix.h"

/* Parameter name endings of the files with private keys. */
static const char *const postfix_keys_suffixes[] = {
    "_tls_key_file", "_tls_dkey_file", "_tls_eckey_file", "_tls_chain_files", NULL,
};

/* postfix_keys_files - each new file of one list */

static void postfix_keys_files(ARGV *seen, const char *param, const char *value, const char *where,
                               POSTFIX_KEYS_FN fn, void *context)
{
    ARGV *files = argv_split(value, ", \t\r\n");

    for (size_t i = 0; i < files->argc; i++) {
        size_t n;

        for (n = 0; n < seen->argc && strcmp(seen->argv[n], files->argv[i]) != 0; n++)
            /* void */;
        if (n < seen->argc)
            continue;
        argv_add(seen, files->argv[i]);
        fn(param, files->argv[i], where, context);
    }
    argv_free(files);
}

/* postfix_keys_param - does the parameter name private key files */

static bool postfix_keys_param(const char *name)
{
    size_t len = strlen(name);

    for (int i = 0; postfix_keys_suffixes[i]; i++) {
        size_t suffix_len = strlen(postfix_keys_suffixes[i]);

        if (len > suffix_len && strcmp(name + len - suffix_len, postfix_keys_suffixes[i]) == 0)
            return param_table_find(name) != NULL;
    }
    return false;
}

/* postfix_keys_walk - every private key file of main.cf and master.cf */

void postfix_keys_walk(CONFIG *config, const MASTER_CF *master_cf, POSTFIX_KEYS_FN fn,
                       void *context)
{
    ARGV *seen = argv_alloc(10);
    VSTRING *value = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    VSTRING *where = vstring_alloc(100);
    size_t count;
    const PARAM_INFO *const *all = param_table_sorted(&count);

    for (size_t i = 0; i < count; i++)
        if (postfix_keys_param(all[i]->name))
            postfix_keys_files(seen, all[i]->name, config_get_str(config, all[i]->name), "", fn,
                               context);
    for (size_t e = 0; master_cf && e < master_cf->count; e++) {
        const MASTER_CF_ENTRY *entry = master_cf->entries[e];

        for (size_t o = 0; o < entry->overrides->argc; o++) {
            const char *setting = entry->overrides->argv[o];
            const char *eq = strchr(setting, '=');
            char *name;

            if (eq == NULL)
                continue;
            name = mystrndup(setting, eq - setting);
            if (postfix_keys_param(name) && config_expand(config, eq + 1, value, why) >= 0) {
                vstring_sprintf(where, "%s, line %d, service %s", entry->file, entry->line,
                                entry->service);
                postfix_keys_files(seen, name, vstring_str(value), vstring_str(where), fn, context);
            }
            myfree(name);
        }
    }
    argv_free(seen);
    vstring_free(value);
    vstring_free(why);
    vstring_free(where);
}
