/*++
 * NAME
 *	postfix_check - the checks of "postfix check"
 * SYNOPSIS
 *	#include "postfix.h"
 *
 *	int	postfix_check(CONFIG *config, int flags);
 * DESCRIPTION
 *	postfix_check() checks an installation and repairs what can be
 *	repaired safely. It returns the number of errors; warnings do not
 *	count. With POSTFIX_CHECK_FLAG_QUIET only errors are reported (start
 *	and reload run the same checks).
 *
 *	main.cf: every value must fit its parameter (errors); unknown
 *	parameter names are reported with the closest known name (warnings).
 *
 *	Restriction lists and lookup tables: what would stop smtpd or fail
 *	a lookup, as errors (postfix_check_lists(3)).
 *
 *	Parameters that this version does not implement, set in main.cf or
 *	with a master.cf -o, get a warning each, with file and line.
 *
 *	master.cf: it must parse (errors); a service whose program is not an
 *	executable file gets a warning.
 *
 *	Directories: queue_directory and in it every queue, private, public
 *	and pid, and data_directory, are created when missing: queues,
 *	private and data_directory mode 0700, maildrop 0730 and public 0710
 *	with the setgid_group, pid 0755. Run as root, the directories belong
 *	to mail_owner (pid to root), and existing ones with another owner get
 *	a warning; run as another user they belong to that user.
 *
 *	Private keys: every *_tls_key_file, *_tls_dkey_file,
 *	*_tls_eckey_file and *_tls_chain_files of main.cf and of master.cf
 *	-o overrides (postfix_keys(3)) that names a world-readable file gets
 *	a warning (once per file), and so does a file that does not exist.
 *
 *	Raw public keys: each *_tls_enable_rpk = yes gets a warning when
 *	this OpenSSL lacks RFC 7250 support (before 3.2); the setting is
 *	then ignored, as Postfix ignores it.
 * DIAGNOSTICS
 *	"error: ..." and "warning: ..." lines on standard error and in the
 *	log.
 *--*/

/* System library. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"

/* OpenSSL. */
#include <openssl/crypto.h>

/* Global library. */
#include "mail_owner.h"
#include "mail_params.h"
#include "mail_queue.h"

/* TLS library. */
#include "tls_rpk.h"

/* Application-specific. */
#include "postfix.h"

/* The state of one check run. */
typedef struct POSTFIX_CHECK {
    CONFIG *config;   /* what is checked */
    int flags;        /* POSTFIX_CHECK_FLAG_* */
    int errors;       /* errors so far */
    bool root;        /* running as root: ownership matters */
    MAIL_OWNER owner; /* mail_owner, when root */
} POSTFIX_CHECK;

/* postfix_check_error - one error */

static void postfix_check_error(POSTFIX_CHECK *state, const char *text)
{
    msg_error("%s", text);
    state->errors++;
}

/* postfix_check_report - config_validate() and config_check_names() reports */

static void postfix_check_report(CONFIG_REPORT_LEVEL level, const char *text, void *context)
{
    POSTFIX_CHECK *state = context;

    if (level == CONFIG_REPORT_ERROR)
        postfix_check_error(state, text);
    else if (!(state->flags & POSTFIX_CHECK_FLAG_QUIET))
        msg_warn("%s", text);
}

/* postfix_check_name_report - unknown names are warnings */

static void postfix_check_name_report(CONFIG_REPORT_LEVEL unused_level, const char *text,
                                      void *context)
{
    POSTFIX_CHECK *state = context;

    if (!(state->flags & POSTFIX_CHECK_FLAG_QUIET))
        msg_warn("%s", text);
}

/* postfix_check_rpk - raw public key settings that this OpenSSL cannot honour */

static void postfix_check_rpk(POSTFIX_CHECK *state)
{
    static const char *const names[] = {
        VAR_SMTPD_TLS_ENABLE_RPK,
        VAR_SMTP_TLS_ENABLE_RPK,
        VAR_LMTP_TLS_ENABLE_RPK,
    };

    if (tls_rpk_available())
        return;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (config_get_bool(state->config, names[i]))
            msg_warn("%s = yes: this OpenSSL (%s) lacks raw public key support (RFC 7250, "
                     "OpenSSL 3.2 or later); the setting has no effect",
                     names[i], OpenSSL_version(OPENSSL_VERSION));
}

/* postfix_check_mkdir - create a missing directory; check an existing one */

static void postfix_check_mkdir(POSTFIX_CHECK *state, const char *path, mode_t mode, uid_t uid,
                                gid_t gid)
{
    struct stat st;

    if (lstat(path, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            VSTRING *text = vstring_alloc(100);

            vstring_sprintf(text, "%s exists and is not a directory", path);
            postfix_check_error(state, vstring_str(text));
            vstring_free(text);
        } else if (state->root && uid != (uid_t)-1 && st.st_uid != uid &&
                   !(state->flags & POSTFIX_CHECK_FLAG_QUIET)) {
            msg_warn("not owned by %s: %s", config_get_str(state->config, VAR_MAIL_OWNER), path);
        }
        return;
    }
    if (mkdir(path, mode) < 0 || chmod(path, mode) < 0 ||
        ((uid != (uid_t)-1 || gid != (gid_t)-1) && chown(path, uid, gid) < 0)) {
        VSTRING *text = vstring_alloc(100);

        vstring_sprintf(text, "create directory %s: %m", path);
        postfix_check_error(state, vstring_str(text));
        vstring_free(text);
    }
}

/* postfix_check_dirs - the queue directory tree and the data directory */

static void postfix_check_dirs(POSTFIX_CHECK *state)
{
    const char *queue_dir = config_get_str(state->config, VAR_QUEUE_DIRECTORY);
    uid_t uid = state->root ? state->owner.uid : (uid_t)-1;
    gid_t gid = state->root ? state->owner.gid : (gid_t)-1;
    gid_t setgid_gid = state->root ? state->owner.setgid_gid : (gid_t)-1;
    VSTRING *path = vstring_alloc(100);
    const char *queue;

    postfix_check_mkdir(state, queue_dir, 0755, state->root ? 0 : (uid_t)-1, (gid_t)-1);
    for (int i = 0; (queue = mail_queue_name(i)) != NULL; i++) {
        bool maildrop = strcmp(queue, MAIL_QUEUE_MAILDROP) == 0;

        vstring_sprintf(path, "%s/%s", queue_dir, queue);
        postfix_check_mkdir(state, vstring_str(path), maildrop ? 0730 : 0700, uid,
                            maildrop ? setgid_gid : gid);
    }
    vstring_sprintf(path, "%s/private", queue_dir);
    postfix_check_mkdir(state, vstring_str(path), 0700, uid, gid);
    vstring_sprintf(path, "%s/public", queue_dir);
    postfix_check_mkdir(state, vstring_str(path), 0710, uid, setgid_gid);
    vstring_sprintf(path, "%s/%s", queue_dir,
                    config_get_str(state->config, VAR_PROCESS_ID_DIRECTORY));
    postfix_check_mkdir(state, vstring_str(path), 0755, state->root ? 0 : (uid_t)-1, (gid_t)-1);
    postfix_check_mkdir(state, config_get_str(state->config, VAR_DATA_DIRECTORY), 0700, uid, gid);
    vstring_free(path);
}

/* postfix_check_key - warn about a missing or world-readable private key */

static void postfix_check_key(const char *param, const char *file, const char *where,
                              void *unused_context)
{
    struct stat st;

    if (stat(file, &st) < 0)
        msg_warn("%s%s%s: %s: %m", where, *where ? ": " : "", param, file);
    else if (S_ISREG(st.st_mode) && (st.st_mode & S_IROTH))
        msg_warn("%s%s%s: private key file %s is world-readable (mode %04o): "
                 "run \"chmod o-rwx %s\" or \"postfix set-permissions\"",
                 where, *where ? ": " : "", param, file, (unsigned)(st.st_mode & 07777), file);
}

/* postfix_check_keys - private keys of main.cf and of master.cf overrides */

static void postfix_check_keys(POSTFIX_CHECK *state, const MASTER_CF *master_cf)
{
    postfix_keys_walk(state->config, master_cf, postfix_check_key, NULL);
}

/*
 * Postfix programs whose work the programs here do themselves: a master.cf
 * taken from Postfix may name them; nothing connects to their services.
 */
static const char *const postfix_check_built_in[] = {
    "trivial-rewrite", /* resolve_rcpt(3) in smtpd, cleanup and qmgr */
};

/* postfix_check_built_in_ok - a program whose role is built in */

static bool postfix_check_built_in_ok(const char *command)
{
    for (size_t i = 0; i < sizeof(postfix_check_built_in) / sizeof(postfix_check_built_in[0]); i++)
        if (strcmp(command, postfix_check_built_in[i]) == 0)
            return true;
    return false;
}

/* postfix_check_programs - every service's program must be there */

static void postfix_check_programs(POSTFIX_CHECK *state, const MASTER_CF *master_cf)
{
    const char *daemon_dir = config_get_str(state->config, VAR_DAEMON_DIRECTORY);
    VSTRING *path = vstring_alloc(100);

    for (size_t e = 0; e < master_cf->count; e++) {
        const MASTER_CF_ENTRY *entry = master_cf->entries[e];

        if (postfix_check_built_in_ok(entry->command))
            continue;
        if (entry->command[0] == '/')
            vstring_strcpy(path, entry->command);
        else
            vstring_sprintf(path, "%s/%s", daemon_dir, entry->command);
        if (access(vstring_str(path), X_OK) < 0)
            msg_warn("%s, line %d: service %s: program %s: %m", entry->file, entry->line,
                     entry->service, vstring_str(path));
    }
    vstring_free(path);
}

/* postfix_check - check and repair an installation */

int postfix_check(CONFIG *config, int flags)
{
    POSTFIX_CHECK state = {.config = config, .flags = flags, .root = geteuid() == 0};
    VSTRING *why = vstring_alloc(100);
    VSTRING *path = vstring_alloc(100);
    MASTER_CF *master_cf;

    msg_error_limit(1000);
    (void)config_validate(config, postfix_check_report, &state);
    vstring_sprintf(path, "%s/%s", config_directory(config), CONFIG_MASTER_CF);
    if ((master_cf = master_cf_load(vstring_str(path), why)) == NULL)
        postfix_check_error(&state, vstring_str(why));
    (void)config_check_names(config, master_cf, postfix_check_name_report, &state);
    (void)config_check_unimplemented(config, master_cf, postfix_check_name_report, &state);
    (void)postfix_check_lists(config, master_cf, postfix_check_report, &state);
    if (state.root && mail_owner_lookup(config, &state.owner, why) < 0)
        postfix_check_error(&state, vstring_str(why));
    else
        postfix_check_dirs(&state);
    if (!(flags & POSTFIX_CHECK_FLAG_QUIET)) {
        postfix_check_rpk(&state);
        postfix_check_keys(&state, master_cf);
        if (master_cf)
            postfix_check_programs(&state, master_cf);
    }
    if (master_cf)
        master_cf_free(master_cf);
    vstring_free(why);
    vstring_free(path);
    return state.errors;
}
