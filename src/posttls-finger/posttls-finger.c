/*++
 * NAME
 *	posttls-finger - probe the TLS properties of an SMTP or LMTP server
 * SYNOPSIS
 *	posttls-finger [-acCfSvwx] [-a family] [-A trust-anchor.pem]
 *		[-d mdalg] [-F CAfile] [-g grade] [-h host_lookup]
 *		[-H chainfiles] [-k certfile] [-K keyfile] [-l level]
 *		[-L logopts] [-m count] [-M insecure_mx_policy]
 *		[-o name=value] [-p protocols] [-P CApath] [-Q pq] [-r delay]
 *		[-s servername] [-t conn_tmout] [-T cmd_tmout]
 *		[inet:]domain[:port] | [host][:port] | unix:path [match ...]
 * DESCRIPTION
 *	posttls-finger connects to a server, greets it, starts TLS (or
 *	speaks TLS from the start with -w), and reports what it finds: the
 *	SMTP dialogue, the server certificate's names and fingerprints, the
 *	trust (Untrusted, Trusted, Verified) at the chosen security level
 *	(-l, default secure), the summary line of the handshake, with -C the
 *	certificate chain, and with -r whether a reconnection resumes the
 *	session. It is the administrator's diagnostic and this package's own
 *	test client. See posttls-finger(1) for the options.
 *
 *	posttls-finger reads main.cf when there is one (MAIL_CONFIG or
 *	/etc/postfix), for myhostname (the EHLO name), the tls_* settings,
 *	smtp_tls_fingerprint_digest, the DNS resolver of the SMTP client
 *	(smtp_dns_resolver, smtp_dns_trust_anchor_file,
 *	smtp_dns_forwarders) and MTA-STS (smtp_tls_mta_sts_enable,
 *	mta_sts_CAfile, mta_sts_fetch_timeout, and smtp_dns_support_level
 *	for DANE before a policy: ptf_sts.c); -o overrides it. It never talks to
 *	tlsmgr(8): sessions are cached in memory, for -r.
 * DIAGNOSTICS
 *	Everything goes to standard error, except the -C chain (standard
 *	output). Exit status 0 when every session ended as the level
 *	requires, 1 otherwise, 2 for usage errors.
 * SEE ALSO
 *	ptf_dest(3), ptf_smtp(3), ptf_tls(3), posttls-finger(1)
 *--*/

/* System library. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* Utility library. */
#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "config.h"
#include "mail_tls_params.h"
#include "mail_params.h"

/* TLS library. */
#include "tls_dane.h"
#include "tls_dh.h"
#include "tls_level.h"
#include "tls_log.h"

/* Application-specific. */
#include "posttls-finger.h"

#define PTF_DEFAULT_LEVEL   TLS_LEV_SECURE
#define PTF_DEFAULT_LOGOPTS "routine,certmatch"
#define PTF_DEFAULT_TIMEOUT 30
#define PTF_DEFAULT_MAX     5

/* Command-line values that need more than one step. */
typedef struct PTF_ARGS {
    ARGV *overrides;   /* -o name=value */
    ARGV *tafiles;     /* -A */
    ARGV *chains;      /* -H */
    const char *level; /* -l, or NULL for PTF_DEFAULT_LEVEL */
    const char *mdalg;
    const char *protocols;
    const char *grade;
    const char *host_lookup;
} PTF_ARGS;

/* ptf_usage - complain and exit */

static _Noreturn void ptf_usage(void)
{
    msg_fatal_status(2,
                     "usage: posttls-finger [-acCfSvwx] [-a family] [-A trust-anchor.pem] "
                     "[-d mdalg] [-F CAfile] [-g grade] [-h host_lookup] [-H chainfiles] "
                     "[-k certfile] [-K keyfile] [-l level] [-L logopts] [-m count] "
                     "[-M insecure_mx_policy] [-o name=value] [-p protocols] [-P CApath] [-Q pq] "
                     "[-r delay] [-s servername] [-t conn_tmout] [-T cmd_tmout] destination "
                     "[match ...]");
}

/* ptf_number - a positive number option */

static int ptf_number(int opt, const char *text, int min)
{
    if (!alldig(text) || *text == 0 || strlen(text) > 6 || atoi(text) < min)
        msg_fatal_status(2, "bad -%c value \"%s\": expected a number of at least %d", opt, text,
                         min);
    return atoi(text);
}

/* ptf_family - the -a value */

static int ptf_family(const char *text)
{
    if (strcasecmp(text, "any") == 0)
        return AF_UNSPEC;
    if (strcasecmp(text, "ipv4") == 0)
        return AF_INET;
    if (strcasecmp(text, "ipv6") == 0)
        return AF_INET6;
    msg_fatal_status(2, "bad -a value \"%s\": expected ipv4, ipv6 or any", text);
}

/* ptf_option - one option; 0 when it is known */

static int ptf_option(PTF_STATE *state, PTF_ARGS *args, int ch, const char *arg)
{
    const struct {
        int ch;             /* option letter */
        const char **where; /* its value goes here */
    } strings[] = {
        {'d', &args->mdalg},       {'F', &state->CAfile},     {'g', &args->grade},
        {'h', &args->host_lookup}, {'k', &state->cert_file},  {'K', &state->key_file},
        {'l', &args->level},       {'L', &state->logopts},    {'p', &args->protocols},
        {'P', &state->CApath},     {'s', &state->servername},
    };

    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
        if (strings[i].ch == ch) {
            *strings[i].where = arg;
            return 0;
        }
    }
    switch (ch) {
    case 'a':
        state->family = ptf_family(arg);
        break;
    case 'A':
        argv_add(args->tafiles, arg);
        break;
    case 'c':
        state->chat = false;
        break;
    case 'C':
        state->print_chain = true;
        break;
    case 'f':
        state->force_tlsa = true;
        break;
    case 'M':
        state->insecure_mx_policy = tls_level_lookup(arg);
        if (state->insecure_mx_policy != TLS_LEV_MAY &&
            state->insecure_mx_policy != TLS_LEV_ENCRYPT &&
            state->insecure_mx_policy != TLS_LEV_DANE)
            msg_fatal_status(2, "bad -M value \"%s\": expected may, encrypt or dane", arg);
        break;
    case 'H':
        argv_add(args->chains, arg);
        break;
    case 'Q':
        if ((state->pq_mode = tls_dh_pq_mode(arg)) < 0)
            msg_fatal_status(2, "bad -Q value \"%s\": expected yes, no or only", arg);
        break;
    case 'm':
        state->max_reconnect = ptf_number(ch, arg, 1);
        break;
    case 'o':
        argv_add(args->overrides, arg);
        break;
    case 'r':
        state->reconnect_delay = ptf_number(ch, arg, 1);
        break;
    case 'S':
        state->lmtp = true;
        break;
    case 't':
        state->connect_timeout = ptf_number(ch, arg, 1);
        break;
    case 'T':
        state->command_timeout = ptf_number(ch, arg, 1);
        break;
    case 'v':
        msg_verbose++;
        break;
    case 'w':
        state->wrapper = true;
        break;
    case 'x':
        state->enable_rpk = true;
        break;
    case 'X':
        msg_fatal_status(2, "-X: tlsproxy mode is not supported");
    default:
        return -1;
    }
    return 0;
}

/* ptf_config - main.cf when there is one, with the -o overrides */

static CONFIG *ptf_config(const ARGV *overrides)
{
    const char *dir = config_dir_choose(NULL);
    VSTRING *path = vstring_alloc(100);
    struct stat st;
    CONFIG *config;

    vstring_sprintf(path, "%s/%s", dir, CONFIG_MAIN_CF);
    if (stat(vstring_str(path), &st) == 0) {
        config = config_startup(dir, overrides, "posttls-finger");
    } else {
        config = config_alloc(dir);
        for (size_t i = 0; i < overrides->argc; i++)
            if (config_override_arg(config, overrides->argv[i]) < 0)
                msg_fatal_status(2, "bad -o option \"%s\": expected name=value",
                                 overrides->argv[i]);
        config_set_current(config);
    }
    vstring_free(path);
    return config;
}

/* ptf_settings - what the options and main.cf leave to decide */

static void ptf_settings(PTF_STATE *state, PTF_ARGS *args, char **match, int count)
{
    const CONFIG_BIND parameters[] = {
        CONFIG_BIND_STR(VAR_MYHOSTNAME, &state->helo),
        CONFIG_BIND_STR(VAR_SMTP_TLS_FINGERPRINT_DIGEST, &state->mdalg),
        CONFIG_BIND_INT(VAR_SMTP_TLS_SCERT_VERIFYDEPTH, &state->verifydepth),
        CONFIG_BIND_STR(VAR_SMTP_TLS_EXCLUDE_CIPHERS, &state->exclude_ciphers),
        CONFIG_BIND_STR(VAR_SMTP_TLS_MANDATORY_EXCLUDE_CIPHERS, &state->mandatory_exclude_ciphers),
        MAIL_TLS_PARAMS_BIND(&state->params),
        CONFIG_BIND_STR(VAR_TLS_DANE_DIGESTS, &state->dane_digests),
        CONFIG_BIND_STR(VAR_SMTP_DNS_RESOLVER, &state->resolver_props.type),
        CONFIG_BIND_STR(VAR_SMTP_DNS_TRUST_ANCHOR_FILE, &state->resolver_props.trust_anchor_file),
        CONFIG_BIND_STR(VAR_SMTP_DNS_FORWARDERS, &state->resolver_props.forwarders),
        CONFIG_BIND_BOOL(VAR_SMTP_TLS_MTA_STS_ENABLE, &state->sts_enable),
        CONFIG_BIND_STR(VAR_MTA_STS_CAFILE, &state->sts_CAfile),
        CONFIG_BIND_TIME(VAR_MTA_STS_FETCH_TIMEOUT, &state->sts_fetch_timeout),
        CONFIG_BIND_STR(VAR_SMTP_DNS_SUPPORT_LEVEL, &state->dns_support),
        CONFIG_BIND_END,
    };
    VSTRING *buf = vstring_alloc(100);

    state->config = ptf_config(args->overrides);
    config_bind(state->config, parameters);
    if (args->mdalg)
        state->mdalg = args->mdalg;
    state->protocols = args->protocols ? args->protocols : ">=TLSv1";
    state->grade = args->grade ? args->grade : "medium";
    state->level = args->level ? tls_level_lookup(args->level) : PTF_DEFAULT_LEVEL;
    if (state->level == TLS_LEV_INVALID)
        msg_fatal_status(2, "bad -l value \"%s\": expected a TLS security level", args->level);
    if (TLS_DANE_BASED(state->level) || state->sts_enable)
        state->dane_mtype_mask = tls_dane_digest_mask(state->dane_digests, buf);
    if (TLS_DANE_BASED(state->level) && state->dane_mtype_mask < 0) {
        msg_info("%s: using level secure", vstring_str(buf));
        state->level = TLS_LEV_SECURE;
    }
    if (state->wrapper && state->level == TLS_LEV_NONE) {
        msg_info("-w needs TLS: using level encrypt");
        state->level = TLS_LEV_ENCRYPT;
    }
    if (tls_log_mask("-L option", state->logopts) < 0)
        msg_fatal_status(2, "bad -L value \"%s\"", state->logopts);
    if (args->host_lookup && strstr(args->host_lookup, "dns") == NULL)
        state->dest.mx_lookup = false;
    for (int i = 0; i < count; i++)
        vstring_sprintf_append(buf, "%s%s", i ? ", " : "", match[i]);
    state->match = count > 0 ? mystrdup(vstring_str(buf)) : NULL;
    if (args->chains->argc > 0)
        state->chain_files = argv_join(args->chains, ", ");
    if (args->tafiles->argc > 0)
        state->tafile = argv_join(args->tafiles, ", ");
    vstring_free(buf);
}

/* ptf_one_session - connect, talk, disconnect */

static int ptf_one_session(PTF_STATE *state)
{
    VSTRING *why = vstring_alloc(100);
    int status;

    VSTRING_RESET(state->server_name);
    if (ptf_dest_connect(state, why) < 0) {
        vstring_free(why);
        return -1;
    }
    status = ptf_smtp_session(state);
    ptf_sts_verdict(state);
    ptf_tls_stop(state, status < 0);
    ptf_dest_disconnect(state);
    vstring_free(why);
    return status;
}

/* ptf_seen - is a server name in the list */

static bool ptf_seen(const ARGV *seen, const char *name)
{
    for (size_t i = 0; i < seen->argc; i++)
        if (strcasecmp(seen->argv[i], name) == 0)
            return true;
    return false;
}

/* ptf_reconnect - -r: reconnect while the server is a new one */

static int ptf_reconnect(PTF_STATE *state)
{
    ARGV *seen = argv_alloc(5);
    int status = 0;

    argv_add(seen, vstring_str(state->server_name));
    state->quiet_chat = true;
    for (int n = 0; n < state->max_reconnect; n++) {
        if (!ptf_tls_cached(state)) {
            msg_info("No session to resume from %s: not reconnecting", state->namaddr);
            break;
        }
        msg_info("Reconnecting after %d seconds", state->reconnect_delay);
        sleep(state->reconnect_delay);
        if ((status = ptf_one_session(state)) < 0)
            break;
        if (ptf_seen(seen, vstring_str(state->server_name))) {
            msg_info("Found a previously used server.  Done reconnecting.");
            break;
        }
        argv_add(seen, vstring_str(state->server_name));
    }
    argv_free(seen);
    return status;
}

int main(int argc, char **argv)
{
    PTF_STATE state = {
        .chat = true,
        .logopts = PTF_DEFAULT_LOGOPTS,
        .family = AF_UNSPEC,
        .max_reconnect = PTF_DEFAULT_MAX,
        .connect_timeout = PTF_DEFAULT_TIMEOUT,
        .command_timeout = PTF_DEFAULT_TIMEOUT,
        .insecure_mx_policy = TLS_LEV_DANE,
    };
    PTF_ARGS args = {0};
    VSTRING *why = vstring_alloc(100);
    int ch, status;

    msg_init("posttls-finger");
    if (getenv("MAIL_VERBOSE"))
        msg_verbose++;
    args.overrides = argv_alloc(5);
    args.tafiles = argv_alloc(2);
    args.chains = argv_alloc(2);
    while ((ch = getopt(argc, argv, "a:A:cCd:fF:g:h:H:k:K:l:L:m:M:o:p:P:Q:r:s:St:T:vwxX")) != -1)
        if (ch == '?' || ptf_option(&state, &args, ch, optarg) < 0)
            ptf_usage();
    if (optind >= argc)
        ptf_usage();
    state.dest_arg = argv[optind];
    if (ptf_dest_parse(argv[optind], state.lmtp, &state.dest, why) < 0)
        msg_fatal_status(2, "%s", vstring_str(why));
    ptf_settings(&state, &args, argv + optind + 1, argc - optind - 1);
    if ((state.resolver = dns_resolver_open(&state.resolver_props, why)) == NULL)
        msg_fatal("%s = %s: %s", VAR_SMTP_DNS_RESOLVER, state.resolver_props.type,
                  vstring_str(why));
    state.server_name = vstring_alloc(50);
    state.chain = vstring_alloc(1000);
    if ((state.level != TLS_LEV_NONE || state.sts_enable) && ptf_tls_init(&state) < 0)
        msg_fatal("cannot use TLS: see the messages above");
    state.session_level = state.level;
    ptf_sts_discover(&state);
    status = ptf_one_session(&state);
    if (status == 0 && state.reconnect_delay > 0 && state.level != TLS_LEV_NONE)
        status = ptf_reconnect(&state);
    ptf_dane_free(&state);
    ptf_sts_free(&state);
    vstring_free(why);
    return status == 0 ? 0 : 1;
}
