/*++
 * NAME
 *	postfix_tls - "postfix tls": TLS settings, server keys and certificates
 * SYNOPSIS
 *	#include "postfix.h"
 *
 *	int	postfix_tls(CONFIG *config, int argc, char **argv);
 * DESCRIPTION
 *	postfix_tls() runs "postfix tls subcommand [options] [arguments]";
 *	argv[0] is "tls". It returns the exit status. The subcommands are
 *	those of Postfix 3.1 and later (postfix-tls(1)):
 *
 *	enable-client [-r randsource]
 *	enable-server [-r randsource] [-a algorithm] [-b bits] [hostname ...]
 *	new-server-key [-a algorithm] [-b bits] [hostname ...]
 *	new-server-cert [-a algorithm] [-b bits] [hostname ...]
 *	deploy-server-cert certfile keyfile
 *	output-server-csr [-k keyfile] [hostname ...] (also new-server-csr)
 *	output-server-tlsa [-h hostname] [-p port] [keyfile ...]
 *	all-default-client, all-default-server
 *
 *	and two of our own for the TLS capability cache of the smtp and
 *	lmtp clients (kept by tlsmgr(8)): show-capabilities prints one line
 *	per live entry on standard output ("host:port<TAB>finding<TAB>
 *	expires in Ns"), flush-capabilities removes every entry. Both talk
 *	to tlsmgr through $queue_directory/private/$tlsmgr_service_name.
 *
 *	New files go into config_directory, named key-, cert-, eckey- and
 *	eccert-YYYYMMDD-HHMMSS.pem (UTC); keys are created with mode 0600
 *	(postfix_tls_key(3)), and a key that deploy-server-cert deploys
 *	loses every permission for others. main.cf is edited only through
 *	"$command_directory/postconf -e", all settings of a step at once.
 *	Relative file names are relative to config_directory.
 * DIAGNOSTICS
 *	Advice and progress as informational messages (standard error and
 *	the log); TLSA records and CSRs on standard output. Problems are
 *	fatal.
 *--*/

/* System library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */
#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "spawn_command.h"
#include "stringops.h"
#include "vstring.h"

/* TLS library. */
#include "tls_level.h"
#include "tls_mgr.h"

/* Application-specific. */
#include "postfix.h"
#include "postfix_tls.h"

#define TLS_POSTCONF_TIMEOUT_MS 30000 /* bound on the main.cf edit */

extern char **environ;

#define TLS_ALG_ID_RSA   0 /* TLS_ALG ids: indexes of TLS_CONFIG key_file */
#define TLS_ALG_ID_ECDSA 1
#define TLS_ALG_COUNT    2

/* The parameters that "postfix tls" reads, bound at its start. */
typedef struct TLS_CONFIG {
    CONFIG *config;                      /* main.cf: its directory, and where settings come from */
    const char *command_directory;       /* where postconf is */
    const char *myhostname;              /* default certificate name and TLSA owner */
    const char *key_file[TLS_ALG_COUNT]; /* deployed key by TLS_ALG id */
    const char *chain_files;             /* smtpd_tls_chain_files */
    const char *queue_directory;         /* where tlsmgr's socket is */
    const char *tlsmgr_service;          /* tlsmgr_service_name */
} TLS_CONFIG;

/* A server key algorithm and the parameters that deploy it. */
typedef struct TLS_ALG {
    const char *name;         /* POSTFIX_TLS_ALG_* */
    const char *default_bits; /* RSA modulus size or EC curve */
    const char *key_param;    /* main.cf private key parameter */
    int id;                   /* TLS_ALG_ID_* */
    const char *cert_param;   /* main.cf certificate parameter */
    const char *key_prefix;   /* new key file name prefix */
    const char *cert_prefix;  /* new certificate file name prefix */
} TLS_ALG;

static const TLS_ALG tls_algs[] = {
    {POSTFIX_TLS_ALG_RSA, "2048", VAR_SMTPD_TLS_KEY_FILE, TLS_ALG_ID_RSA, VAR_SMTPD_TLS_CERT_FILE,
     "key", "cert"},
    {POSTFIX_TLS_ALG_ECDSA, "secp256r1", VAR_SMTPD_TLS_ECKEY_FILE, TLS_ALG_ID_ECDSA,
     VAR_SMTPD_TLS_ECCERT_FILE, "eckey", "eccert"},
    {NULL},
};

/* Settings that, when any is set in main.cf, make enable-* only advise. */
static const char *const tls_client_settings[] = {
    VAR_SMTP_USE_TLS,
    VAR_SMTP_ENFORCE_TLS,
    VAR_SMTP_TLS_ENFORCE_PEERNAME,
    VAR_SMTP_TLS_SECURITY_LEVEL,
    VAR_SMTP_TLS_CERT_FILE,
    VAR_SMTP_TLS_DCERT_FILE,
    VAR_SMTP_TLS_ECCERT_FILE,
    VAR_SMTP_TLS_CHAIN_FILES,
    NULL,
};
static const char *const tls_server_settings[] = {
    VAR_SMTPD_USE_TLS,
    VAR_SMTPD_ENFORCE_TLS,
    VAR_SMTPD_TLS_SECURITY_LEVEL,
    VAR_SMTPD_TLS_CERT_FILE,
    VAR_SMTPD_TLS_DCERT_FILE,
    VAR_SMTPD_TLS_ECCERT_FILE,
    VAR_SMTPD_TLS_CHAIN_FILES,
    NULL,
};

/* The options of one subcommand line. */
typedef struct TLS_OPTS {
    const char *algorithm; /* -a: key algorithm */
    const char *bits;      /* -b: RSA bits or EC curve */
    const char *random;    /* -r: new tls_random_source */
    const char *hostname;  /* -h: TLSA owner host */
    const char *port;      /* -p: TLSA owner port */
    const char *keyfile;   /* -k: CSR key */
    ARGV *args;            /* the positional arguments */
} TLS_OPTS;

/* What happens to a new key and certificate. */
typedef enum TLS_DEPLOY {
    TLS_DEPLOY_NO,     /* leave them for deploy-server-cert */
    TLS_DEPLOY_YES,    /* set the key and certificate parameters */
    TLS_DEPLOY_ENABLE, /* and turn on opportunistic TLS */
} TLS_DEPLOY;

/* tls_alg - an algorithm by name, or NULL */

static const TLS_ALG *tls_alg(const char *name)
{
    for (const TLS_ALG *alg = tls_algs; alg->name; alg++)
        if (strcmp(alg->name, name) == 0)
            return alg;
    return NULL;
}

/* tls_all_default - no setting of the list in main.cf */

static bool tls_all_default(TLS_CONFIG *tc, const char *const *names)
{
    for (int i = 0; names[i]; i++) {
        CONFIG_SOURCE source = CONFIG_SOURCE_NONE;

        (void)config_get_raw(tc->config, names[i], &source);
        if (source >= CONFIG_SOURCE_MAIN_CF)
            return false;
    }
    return true;
}

/* tls_postfix_cmd - "postfix" or "postfix -c dir", for advice */

static const char *tls_postfix_cmd(TLS_CONFIG *tc, VSTRING *out)
{
    if (strcmp(config_directory(tc->config), CONFIG_DIR_DEFAULT) == 0)
        vstring_strcpy(out, "postfix");
    else
        vstring_sprintf(out, "postfix -c %s", config_directory(tc->config));
    return vstring_str(out);
}

/* tls_postconf - set main.cf parameters with "postconf -e" */

static void tls_postconf(TLS_CONFIG *tc, const ARGV *settings)
{
    ARGV *argv = argv_alloc(10);
    VSTRING *path = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    pid_t pid;
    int status;

    vstring_sprintf(path, "%s/postconf", tc->command_directory);
    argv_add(argv, vstring_str(path));
    argv_add(argv, "-c");
    argv_add(argv, config_directory(tc->config));
    argv_add(argv, "-e");
    for (size_t i = 0; i < settings->argc; i++)
        argv_add(argv, settings->argv[i]);
    pid = spawn_command(&(SPAWN_PROPS){.argv = (const char *const *)argv->argv,
                                       .env = (const char *const *)environ},
                        why);
    if (pid < 0)
        msg_fatal("%s", vstring_str(why));
    if (spawn_wait(pid, TLS_POSTCONF_TIMEOUT_MS, &status) < 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        msg_fatal("%s -e failed: main.cf is unchanged", vstring_str(path));
    argv_free(argv);
    vstring_free(path);
    vstring_free(why);
}

/* tls_path - a file name relative to config_directory made absolute */

static const char *tls_path(TLS_CONFIG *tc, const char *name, VSTRING *out)
{
    if (name[0] == '/')
        vstring_strcpy(out, name);
    else
        vstring_sprintf(out, "%s/%s", config_directory(tc->config), name);
    return vstring_str(out);
}

/* tls_configured_key - the key file that main.cf deploys for alg, or NULL */

static const char *tls_configured_key(TLS_CONFIG *tc, const TLS_ALG *alg)
{
    const char *file = tc->key_file[alg->id];

    return *file == 0 || strcmp(file, "none") == 0 ? NULL : file;
}

/* tls_keyfile - a key file argument: an algorithm name or a file name */

static const char *tls_keyfile(TLS_CONFIG *tc, const char *arg, VSTRING *out)
{
    const TLS_ALG *alg = tls_alg(arg);

    if (alg)
        return tls_configured_key(tc, alg);
    if (strcmp(arg, "none") == 0 || *arg == 0)
        return NULL;
    return tls_path(tc, arg, out);
}

/* tls_names - the certificate names: the arguments, else myhostname */

static ARGV *tls_names(TLS_CONFIG *tc, const ARGV *args)
{
    ARGV *names = argv_alloc(4);

    for (size_t i = 0; i < args->argc; i++)
        argv_add(names, args->argv[i]);
    if (names->argc == 0)
        argv_add(names, tc->myhostname);
    return names;
}

/* tls_read_key - a key file's key, or fatal */

static EVP_PKEY *tls_read_key(const char *path)
{
    VSTRING *why = vstring_alloc(100);
    EVP_PKEY *key = postfix_tls_key_read(path, why);

    if (key == NULL)
        msg_fatal("%s", vstring_str(why));
    vstring_free(why);
    return key;
}

/* tls_key_private - remove every permission for others from a key file */

static void tls_key_private(const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0)
        msg_fatal("stat %s: %m", path);
    if ((st.st_mode & S_IRWXO) == 0)
        return;
    if (chmod(path, st.st_mode & 07777 & ~S_IRWXO) < 0)
        msg_fatal("chmod %s: %m", path);
    msg_info("private key file %s: removed access by others", path);
}

/* tls_deploy - point main.cf at a matching certificate and key */

static void tls_deploy(TLS_CONFIG *tc, const char *certfile, const char *keyfile, TLS_DEPLOY deploy,
                       const char *random)
{
    VSTRING *why = vstring_alloc(100);
    EVP_PKEY *key = tls_read_key(keyfile);
    EVP_PKEY *pub = postfix_tls_cert_pubkey(certfile, why);
    const char *name = postfix_tls_key_algorithm(key);
    const TLS_ALG *alg = name ? tls_alg(name) : NULL;
    ARGV *settings = argv_alloc(8);

    if (pub == NULL)
        msg_fatal("%s", vstring_str(why));
    if (alg == NULL)
        msg_fatal("the key in %s is neither RSA nor ECDSA", keyfile);
    if (EVP_PKEY_eq(key, pub) != 1)
        msg_fatal("the certificate in %s does not match the key in %s", certfile, keyfile);
    tls_key_private(keyfile);
    argv_add(settings, vstring_str(vstring_sprintf(why, "%s = %s", alg->key_param, keyfile)));
    argv_add(settings, vstring_str(vstring_sprintf(why, "%s = %s", alg->cert_param, certfile)));
    if (deploy == TLS_DEPLOY_ENABLE) {
        argv_add(settings, vstring_str(vstring_sprintf(why, "%s = %s", VAR_SMTPD_TLS_SECURITY_LEVEL,
                                                       tls_level_name(TLS_LEV_MAY))));
        argv_add(settings, VAR_SMTPD_TLS_RECEIVED_HEADER " = yes");
        argv_add(settings, VAR_SMTPD_TLS_LOGLEVEL " = 1");
    }
    if (random)
        argv_add(settings,
                 vstring_str(vstring_sprintf(why, "%s = %s", VAR_TLS_RANDOM_SOURCE, random)));
    tls_postconf(tc, settings);
    argv_free(settings);
    EVP_PKEY_free(key);
    EVP_PKEY_free(pub);
    vstring_free(why);
}

/* tls_new_files - the stamped names of a new key and certificate */

static void tls_new_files(TLS_CONFIG *tc, const TLS_ALG *alg, VSTRING *keyfile, VSTRING *certfile)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;

    (void)strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", gmtime_r(&now, &tm));
    vstring_sprintf(keyfile, "%s/%s-%s.pem", config_directory(tc->config), alg->key_prefix, stamp);
    vstring_sprintf(certfile, "%s/%s-%s.pem", config_directory(tc->config), alg->cert_prefix,
                    stamp);
    if (access(vstring_str(keyfile), F_OK) == 0)
        msg_fatal("new private key file already exists: %s", vstring_str(keyfile));
    if (access(vstring_str(certfile), F_OK) == 0)
        msg_fatal("new certificate file already exists: %s", vstring_str(certfile));
}

/* tls_server_key - the key of a new certificate: new, or the deployed one */

static EVP_PKEY *tls_server_key(TLS_CONFIG *tc, const TLS_ALG *alg, const char *bits, bool reuse,
                                bool *out_reused)
{
    const char *old = reuse ? tls_configured_key(tc, alg) : NULL;
    VSTRING *why = vstring_alloc(100);
    EVP_PKEY *key;

    *out_reused = old != NULL;
    if (old) {
        const char *name;

        key = tls_read_key(old);
        if ((name = postfix_tls_key_algorithm(key)) == NULL || strcmp(name, alg->name) != 0)
            msg_fatal("the key in %s (%s) is not an %s key", old, VAR_SMTPD_TLS_KEY_FILE,
                      alg->name);
    } else if ((key = postfix_tls_key_generate(alg->name, bits, why)) == NULL) {
        msg_fatal("%s", vstring_str(why));
    }
    vstring_free(why);
    return key;
}

/* tls_advise_new - what to do with a key and certificate */

static void tls_advise_new(TLS_CONFIG *tc, const char *certfile, const char *keyfile,
                           TLS_DEPLOY deploy, bool reused)
{
    VSTRING *cmd = vstring_alloc(100);
    const char *postfix = tls_postfix_cmd(tc, cmd);

    if (deploy == TLS_DEPLOY_NO) {
        msg_info("new private key and self-signed certificate created; to deploy them run:");
        msg_info("  %s tls deploy-server-cert %s %s", postfix, certfile, keyfile);
    } else {
        if (deploy == TLS_DEPLOY_ENABLE)
            msg_info("enabled opportunistic TLS in the SMTP server");
        msg_info("new private key and certificate deployed; run \"%s reload\" for the running"
                 " mail system to use them",
                 postfix);
    }
    msg_info("for a certificate signing request run: %s tls output-server-csr -k %s"
             " [hostname ...]",
             postfix, keyfile);
    msg_info("for DANE TLSA records run: %s tls output-server-tlsa %s", postfix, keyfile);
    if (!reused)
        msg_info(deploy == TLS_DEPLOY_NO
                     ? "publish new TLSA records before deploying a new key, and wait until"
                       " stale ones have expired from DNS caches"
                     : "if you publish DANE TLSA records, update them now to match the new key");
    vstring_free(cmd);
}

/* tls_new_server_cert - a new certificate, with a new or the deployed key */

static int tls_new_server_cert(TLS_CONFIG *tc, TLS_OPTS *opts, bool reuse, TLS_DEPLOY deploy)
{
    const TLS_ALG *alg = tls_alg(opts->algorithm ? opts->algorithm : POSTFIX_TLS_ALG_RSA);
    VSTRING *keyfile = vstring_alloc(100);
    VSTRING *certfile = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    ARGV *names = tls_names(tc, opts->args);
    EVP_PKEY *key;
    bool reused;

    if (alg == NULL)
        msg_fatal("unsupported private key algorithm: %s", opts->algorithm);
    tls_new_files(tc, alg, keyfile, certfile);
    key = tls_server_key(tc, alg, opts->bits ? opts->bits : alg->default_bits, reuse, &reused);
    if (postfix_tls_key_write(key, vstring_str(keyfile), why) < 0)
        msg_fatal("%s", vstring_str(why));
    if (postfix_tls_cert_write(key, names, vstring_str(certfile), why) < 0) {
        (void)unlink(vstring_str(keyfile));
        msg_fatal("%s", vstring_str(why));
    }
    if (deploy != TLS_DEPLOY_NO)
        tls_deploy(tc, vstring_str(certfile), vstring_str(keyfile), deploy, opts->random);
    tls_advise_new(tc, vstring_str(certfile), vstring_str(keyfile), deploy, reused);
    EVP_PKEY_free(key);
    argv_free(names);
    vstring_free(keyfile);
    vstring_free(certfile);
    vstring_free(why);
    return 0;
}

/* tls_enable_client - opportunistic TLS in the SMTP client */

static int tls_enable_client(TLS_CONFIG *tc, TLS_OPTS *opts)
{
    ARGV *settings = argv_alloc(4);
    VSTRING *buf = vstring_alloc(100);

    if (!tls_all_default(tc, tls_client_settings)) {
        msg_info("SMTP client TLS settings in main.cf are not at their defaults; nothing changed."
                 " Typical settings for opportunistic TLS:");
        msg_info("  %s = %s", VAR_SMTP_TLS_SECURITY_LEVEL, tls_level_name(TLS_LEV_MAY));
        msg_info("  %s = 1", VAR_SMTP_TLS_LOGLEVEL);
        msg_info("  %s = btree:${%s}/smtp_scache", VAR_SMTP_TLS_SESSION_CACHE_DATABASE,
                 VAR_DATA_DIRECTORY);
    } else {
        argv_add(settings, vstring_str(vstring_sprintf(buf, "%s = %s", VAR_SMTP_TLS_SECURITY_LEVEL,
                                                       tls_level_name(TLS_LEV_MAY))));
        argv_add(settings, VAR_SMTP_TLS_LOGLEVEL " = 1");
        argv_add(settings, VAR_SMTP_TLS_SESSION_CACHE_DATABASE " = btree:${" VAR_DATA_DIRECTORY
                                                               "}/smtp_scache");
        if (opts->random)
            argv_add(settings, vstring_str(vstring_sprintf(buf, "%s = %s", VAR_TLS_RANDOM_SOURCE,
                                                           opts->random)));
        tls_postconf(tc, settings);
        msg_info("enabled opportunistic TLS in the SMTP client; run \"%s reload\" for the"
                 " running mail system to use it",
                 tls_postfix_cmd(tc, buf));
    }
    argv_free(settings);
    vstring_free(buf);
    return 0;
}

/* tls_enable_server - a key, a certificate and opportunistic TLS in the SMTP server */

static int tls_enable_server(TLS_CONFIG *tc, TLS_OPTS *opts)
{
    VSTRING *buf;

    if (tls_all_default(tc, tls_server_settings))
        return tls_new_server_cert(tc, opts, false, TLS_DEPLOY_ENABLE);
    buf = vstring_alloc(100);
    msg_info("SMTP server TLS settings in main.cf are not at their defaults; nothing changed."
             " Typical settings for opportunistic TLS:");
    msg_info("  %s = %s", VAR_SMTPD_TLS_SECURITY_LEVEL, tls_level_name(TLS_LEV_MAY));
    msg_info("  %s = 1", VAR_SMTPD_TLS_LOGLEVEL);
    msg_info("\"%s tls new-server-cert\" makes a new certificate for the deployed key,"
             " \"%s tls new-server-key\" a new key too",
             tls_postfix_cmd(tc, buf), vstring_str(buf));
    vstring_free(buf);
    return 0;
}

/* tls_new_server_key - a new key and certificate, not deployed */

static int tls_new_server_key(TLS_CONFIG *tc, TLS_OPTS *opts)
{
    return tls_new_server_cert(tc, opts, false, TLS_DEPLOY_NO);
}

/* tls_new_server_cert_cmd - a new certificate for the deployed key */

static int tls_new_server_cert_cmd(TLS_CONFIG *tc, TLS_OPTS *opts)
{
    return tls_new_server_cert(tc, opts, true, TLS_DEPLOY_NO);
}

/* tls_deploy_server_cert - deploy a given certificate and key */

static int tls_deploy_server_cert(TLS_CONFIG *tc, TLS_OPTS *opts)
{
    VSTRING *certfile = vstring_alloc(100);
    VSTRING *keyfile = vstring_alloc(100);
    VSTRING *buf = vstring_alloc(100);

    tls_deploy(tc, tls_path(tc, opts->args->argv[0], certfile),
               tls_path(tc, opts->args->argv[1], keyfile), TLS_DEPLOY_YES, NULL);
    msg_info("new private key and certificate deployed; run \"%s reload\" for the running"
             " mail system to use them",
             tls_postfix_cmd(tc, buf));
    vstring_free(certfile);
    vstring_free(keyfile);
    vstring_free(buf);
    return 0;
}

/* tls_output_server_csr - a certificate signing request on standard output */

static int tls_output_server_csr(TLS_CONFIG *tc, TLS_OPTS *opts)
{
    VSTRING *buf = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    const char *keyfile = NULL;
    ARGV *names = tls_names(tc, opts->args);
    EVP_PKEY *key;

    if (opts->keyfile)
        keyfile = tls_keyfile(tc, opts->keyfile, buf);
    for (const TLS_ALG *alg = tls_algs; keyfile == NULL && opts->keyfile == NULL && alg->name;
         alg++)
        keyfile = tls_configured_key(tc, alg);
    if (keyfile == NULL)
        msg_fatal("no usable key file specified or configured");
    key = tls_read_key(keyfile);
    if (postfix_tls_csr_write(key, names, STDOUT_FILENO, why) < 0)
        msg_fatal("%s", vstring_str(why));
    EVP_PKEY_free(key);
    argv_free(names);
    vstring_free(buf);
    vstring_free(why);
    return 0;
}

/* What one TLSA record line needs. */
typedef struct TLS_TLSA_OUT {
    const char *file; /* the key file, for the comment line */
    const char *host; /* owner host */
    const char *port; /* owner port */
    VSTRING *digest;  /* scratch */
} TLS_TLSA_OUT;

/* tls_tlsa_print - one "3 1 1" record for a key */

static void tls_tlsa_print(EVP_PKEY *key, void *context)
{
    TLS_TLSA_OUT *out = context;

    postfix_tls_spki_sha256(key, out->digest);
    printf("; %s\n_%s._tcp.%s. IN TLSA 3 1 1 %s\n", out->file, out->port, out->host,
           vstring_str(out->digest));
}

/* tls_output_server_tlsa - "3 1 1" TLSA records on standard output */

static int tls_output_server_tlsa(TLS_CONFIG *tc, TLS_OPTS *opts)
{
    VSTRING *buf = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    TLS_TLSA_OUT out = {
        .host = opts->hostname ? opts->hostname : tc->myhostname,
        .port = opts->port ? opts->port : "25",
        .digest = vstring_alloc(100),
    };
    int found = 0;

    if (!alldig(out.port) || *out.port == 0 || strlen(out.port) > 5 || atoi(out.port) < 1 ||
        atoi(out.port) > 65535)
        msg_fatal("bad -p value \"%s\": expected a port number", out.port);
    /* Without key file arguments: the keys of smtpd_tls_chain_files, if set. */
    if (opts->args->argc == 0 && tc->chain_files && *tc->chain_files) {
        ARGV *files = argv_split(tc->chain_files, ", \t\r\n");

        for (size_t i = 0; i < files->argc; i++) {
            int n;

            out.file = tls_path(tc, files->argv[i], buf);
            if ((n = postfix_tls_key_read_each(out.file, tls_tlsa_print, &out, why)) < 0)
                msg_fatal("%s", vstring_str(why));
            found += n;
        }
        argv_free(files);
    }
    if (opts->args->argc == 0 && found == 0)
        for (const TLS_ALG *alg = tls_algs; alg->name; alg++)
            argv_add(opts->args, alg->name);
    for (size_t i = 0; i < opts->args->argc; i++) {
        const char *keyfile = tls_keyfile(tc, opts->args->argv[i], buf);
        EVP_PKEY *key;

        if (keyfile == NULL)
            continue;
        key = tls_read_key(keyfile);
        out.file = keyfile;
        tls_tlsa_print(key, &out);
        EVP_PKEY_free(key);
        found++;
    }
    if (found == 0)
        msg_fatal("no usable key files specified or configured");
    if (fflush(stdout) != 0)
        msg_fatal("write to standard output: %m");
    vstring_free(buf);
    vstring_free(why);
    vstring_free(out.digest);
    return 0;
}

/* tls_all_default_client - exit status 0 when no client TLS setting is made */

static int tls_all_default_client(TLS_CONFIG *tc, TLS_OPTS *unused_opts)
{
    return tls_all_default(tc, tls_client_settings) ? 0 : 1;
}

/* tls_all_default_server - exit status 0 when no server TLS setting is made */

static int tls_all_default_server(TLS_CONFIG *tc, TLS_OPTS *unused_opts)
{
    return tls_all_default(tc, tls_server_settings) ? 0 : 1;
}

/* tls_caps_connect - the tlsmgr client, set up for this instance */

static void tls_caps_connect(const TLS_CONFIG *tc)
{
    VSTRING *path = vstring_alloc(100);

    if (strchr(tc->tlsmgr_service, '/') != NULL || strncmp(tc->tlsmgr_service, "unix:", 5) == 0)
        vstring_strcpy(path, tc->tlsmgr_service);
    else
        vstring_sprintf(path, "%s/%s/%s", tc->queue_directory, TLS_MGR_CLASS, tc->tlsmgr_service);
    tls_mgr_init(vstring_str(path), 0);
    vstring_free(path);
}

/* tls_show_capabilities - the live entries of the TLS capability cache */

static int tls_show_capabilities(TLS_CONFIG *tc, TLS_OPTS *unused_opts)
{
    VSTRING *entries = vstring_alloc(100);
    char *copy, *cp, *line;

    tls_caps_connect(tc);
    if (tls_mgr_list(TLS_MGR_SCACHE_CAPS, entries) != TLS_MGR_STAT_OK)
        msg_fatal("cannot list the TLS capability cache: is tlsmgr running, with "
                  "smtp_tls_capability_cache_database set?");
    cp = copy = mystrdup(vstring_str(entries));
    while ((line = strsep(&cp, "\n")) != NULL) {
        char *id = strsep(&line, "\t"), *left = strsep(&line, "\t");

        if (*id && left && line)
            printf("%s\t%s\texpires in %ss\n", id, line, left);
    }
    fflush(stdout);
    myfree(copy);
    vstring_free(entries);
    return 0;
}

/* tls_flush_capabilities - empty the TLS capability cache */

static int tls_flush_capabilities(TLS_CONFIG *tc, TLS_OPTS *unused_opts)
{
    tls_caps_connect(tc);
    if (tls_mgr_flush(TLS_MGR_SCACHE_CAPS) != TLS_MGR_STAT_OK)
        msg_fatal("cannot flush the TLS capability cache: is tlsmgr running, with "
                  "smtp_tls_capability_cache_database set?");
    msg_info("TLS capability cache flushed");
    return 0;
}

/* The subcommands. */
typedef struct TLS_CMD {
    const char *name;                              /* subcommand word */
    const char *options;                           /* option letters; each takes a value */
    int min_args;                                  /* positional arguments at least */
    int max_args;                                  /* at most; -1: any number */
    int (*action)(TLS_CONFIG *tc, TLS_OPTS *opts); /* returns the exit status */
    const char *usage;                             /* what follows the name */
} TLS_CMD;

static const TLS_CMD tls_cmds[] = {
    {"enable-client", "r", 0, 0, tls_enable_client, "[-r randsource]"},
    {"enable-server", "rab", 0, -1, tls_enable_server,
     "[-r randsource] [-a algorithm] [-b bits] [hostname ...]"},
    {"new-server-key", "ab", 0, -1, tls_new_server_key, "[-a algorithm] [-b bits] [hostname ...]"},
    {"new-server-cert", "ab", 0, -1, tls_new_server_cert_cmd,
     "[-a algorithm] [-b bits] [hostname ...]"},
    {"deploy-server-cert", "", 2, 2, tls_deploy_server_cert, "certfile keyfile"},
    {"output-server-csr", "k", 0, -1, tls_output_server_csr, "[-k keyfile] [hostname ...]"},
    {"new-server-csr", "k", 0, -1, tls_output_server_csr, "[-k keyfile] [hostname ...]"},
    {"output-server-tlsa", "hp", 0, -1, tls_output_server_tlsa,
     "[-h hostname] [-p port] [keyfile ...]"},
    {"all-default-client", "", 0, 0, tls_all_default_client, ""},
    {"all-default-server", "", 0, 0, tls_all_default_server, ""},
    {"show-capabilities", "", 0, 0, tls_show_capabilities, ""},
    {"flush-capabilities", "", 0, 0, tls_flush_capabilities, ""},
    {NULL},
};

/* tls_usage - complain about a subcommand line */

static _Noreturn void tls_usage(const TLS_CMD *cmd)
{
    if (cmd)
        msg_fatal("usage: postfix tls %s %s", cmd->name, cmd->usage);
    msg_fatal("usage: postfix tls enable-client|enable-server|new-server-key|new-server-cert|"
              "deploy-server-cert|output-server-csr|output-server-tlsa|all-default-client|"
              "all-default-server|show-capabilities|flush-capabilities ...");
}

/* tls_parse_opts - options (each with a value), then positional arguments */

static void tls_parse_opts(const TLS_CMD *cmd, int argc, char **argv, TLS_OPTS *opts)
{
    int i;

    for (i = 0; i < argc && argv[i][0] == '-' && argv[i][1] != 0; i++) {
        int letter = argv[i][1];
        const char *value;

        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (strchr(cmd->options, letter) == NULL)
            tls_usage(cmd);
        value = argv[i][2] ? argv[i] + 2 : (i + 1 < argc ? argv[++i] : NULL);
        if (value == NULL)
            tls_usage(cmd);
        switch (letter) {
        case 'a':
            opts->algorithm = value;
            break;
        case 'b':
            opts->bits = value;
            break;
        case 'r':
            opts->random = value;
            break;
        case 'h':
            opts->hostname = value;
            break;
        case 'p':
            opts->port = value;
            break;
        case 'k':
            opts->keyfile = value;
            break;
        }
    }
    for (; i < argc; i++)
        argv_add(opts->args, argv[i]);
    if ((int)opts->args->argc < cmd->min_args ||
        (cmd->max_args >= 0 && (int)opts->args->argc > cmd->max_args))
        tls_usage(cmd);
}

/* postfix_tls - run one "postfix tls" subcommand */

int postfix_tls(CONFIG *config, int argc, char **argv)
{
    TLS_CONFIG tc = {.config = config};
    const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_COMMAND_DIRECTORY, &tc.command_directory),
        CONFIG_BIND_STR(VAR_MYHOSTNAME, &tc.myhostname),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_KEY_FILE, &tc.key_file[TLS_ALG_ID_RSA]),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_CHAIN_FILES, &tc.chain_files),
        CONFIG_BIND_STR(VAR_SMTPD_TLS_ECKEY_FILE, &tc.key_file[TLS_ALG_ID_ECDSA]),
        CONFIG_BIND_STR(VAR_QUEUE_DIRECTORY, &tc.queue_directory),
        CONFIG_BIND_STR(VAR_TLSMGR_SERVICE_NAME, &tc.tlsmgr_service),
        CONFIG_BIND_END,
    };
    TLS_OPTS opts = {.args = argv_alloc(4)};
    const TLS_CMD *cmd;
    int status;

    if (argc < 2)
        tls_usage(NULL);
    for (cmd = tls_cmds; cmd->name && strcmp(cmd->name, argv[1]) != 0; cmd++)
        /* void */;
    if (cmd->name == NULL)
        tls_usage(NULL);
    tls_parse_opts(cmd, argc - 2, argv + 2, &opts);
    config_bind(config, parameters);
    (void)umask(022);
    status = cmd->action(&tc, &opts);
    argv_free(opts.args);
    return status;
}
