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
 *	each file that a private key parameter names (*_tls_key_file,
 *	*_tls_dkey_file, *_tls_eckey_file and *_tls_chain_files, whose files
 *	hold keys too) in main.cf, and in every master.cf "-o" override of
 *	such a parameter when master_cf is not null. A file named twice is
 *	passed once. where is "" for main.cf, else "FILE, line N, service
 *	NAME" of the master.cf entry; the strings live until fn returns.
 * DIAGNOSTICS
 *	None: a value that does not expand is skipped (postfix check and
 *	the daemons report it).
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "argv.h"
#include "vstring.h"

/* Application-specific. */
#include "postfix.h"

/* Parameters that name files with private keys. */
static const char *const postfix_keys_params[] = {
    VAR_SMTPD_TLS_KEY_FILE,
    VAR_SMTPD_TLS_DKEY_FILE,
    VAR_SMTPD_TLS_ECKEY_FILE,
    VAR_SMTPD_TLS_CHAIN_FILES,
    VAR_SMTP_TLS_KEY_FILE,
    VAR_SMTP_TLS_DKEY_FILE,
    VAR_SMTP_TLS_ECKEY_FILE,
    VAR_SMTP_TLS_CHAIN_FILES,
    VAR_LMTP_TLS_KEY_FILE,
    VAR_LMTP_TLS_DKEY_FILE,
    VAR_LMTP_TLS_ECKEY_FILE,
    VAR_LMTP_TLS_CHAIN_FILES,
    VAR_TLSPROXY_TLS_KEY_FILE,
    VAR_TLSPROXY_TLS_DKEY_FILE,
    VAR_TLSPROXY_TLS_ECKEY_FILE,
    VAR_TLSPROXY_TLS_CHAIN_FILES,
    NULL,
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

/* postfix_keys_param - the index of a key parameter named by "name=value", or -1 */

static int postfix_keys_param(const char *setting, const char *eq)
{
    for (int i = 0; postfix_keys_params[i]; i++)
        if (strncmp(setting, postfix_keys_params[i], eq - setting) == 0 &&
            postfix_keys_params[i][eq - setting] == 0)
            return i;
    return -1;
}

/* postfix_keys_walk - every private key file of main.cf and master.cf */

void postfix_keys_walk(CONFIG *config, const MASTER_CF *master_cf, POSTFIX_KEYS_FN fn,
                       void *context)
{
    ARGV *seen = argv_alloc(10);
    VSTRING *value = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    VSTRING *where = vstring_alloc(100);

    for (int i = 0; postfix_keys_params[i]; i++)
        postfix_keys_files(seen, postfix_keys_params[i],
                           config_get_str(config, postfix_keys_params[i]), "", fn, context);
    for (size_t e = 0; master_cf && e < master_cf->count; e++) {
        const MASTER_CF_ENTRY *entry = master_cf->entries[e];

        for (size_t o = 0; o < entry->overrides->argc; o++) {
            const char *setting = entry->overrides->argv[o];
            const char *eq = strchr(setting, '=');
            int i;

            if (eq == NULL || (i = postfix_keys_param(setting, eq)) < 0 ||
                config_expand(config, eq + 1, value, why) < 0)
                continue;
            vstring_sprintf(where, "%s, line %d, service %s", entry->file, entry->line,
                            entry->service);
            postfix_keys_files(seen, postfix_keys_params[i], vstring_str(value), vstring_str(where),
                               fn, context);
        }
    }
    argv_free(seen);
    vstring_free(value);
    vstring_free(why);
    vstring_free(where);
}
