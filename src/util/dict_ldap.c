/*++
 * NAME
 *	dict_ldap - LDAP tables
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	DICT	*dict_ldap_open(const char *name, int open_flags, int dict_flags);
 * DESCRIPTION
 *	dict_ldap_open() opens "ldap:/path/to/file.cf": the settings file
 *	names the servers, the bind, the search and the attributes that make
 *	the result (see ldap_table(5)).
 *
 *	The client library (OpenLDAP's libldap) is loaded with dlopen() when
 *	the first ldap: table of a process is opened.
 *
 *	A lookup expands search_base and query_filter with the key (the
 *	expansions of dict_sql(3)); in the filter each part is escaped with
 *	ldap_bv2escaped_filter_value(), so that a key with '*', '(', ')' or
 *	'\' matches nothing it does not name, and in the base DN with the
 *	escapes of RFC 4514. The values of result_attribute of every entry
 *	found, formatted with result_format, are joined with commas. DN
 *	values of special_result_attribute are searched in turn (base scope),
 *	to recursion_limit levels; leaf_result_attribute values count only
 *	in entries without such DNs; an entry with terminal_result_attribute
 *	values gives those and nothing else.
 *
 *	The connection (server_host, a list that libldap tries in order,
 *	with server_port) is kept; after a failure it is made again once in
 *	the same lookup. Bind: none (bind = no), simple with bind_dn and
 *	bind_pw (bind = yes), or SASL (bind = sasl: sasl_mechs, bind_dn the
 *	authentication id, bind_pw, sasl_realm, sasl_authz_id, sasl_minssf).
 *	dereference (0-3) sets how aliases are followed; with chase_referrals
 *	libldap follows referrals and binds there as configured. TLS:
 *	start_tls, or ldaps:// URLs; tls_ca_cert_file, tls_ca_cert_dir,
 *	tls_cert, tls_key, tls_cipher_suite, tls_random_file and
 *	tls_require_cert (verify the server's certificate and name).
 *	debuglevel sets libldap's LDAP_OPT_DEBUG_LEVEL (a process-wide
 *	setting of libldap) and sends its tracing to the log, each piece as
 *	"dict_ldap_debug: text", as Postfix does. The obsolete settings
 *	cache, cache_expiry and cache_size (ignored by Postfix too: OpenLDAP
 *	dropped its client-side cache) are named in a warning at open.
 * DIAGNOSTICS
 *	A bad settings file or a library that cannot be loaded give a
 *	surrogate table (DICT_ERR_CONFIG). A server that cannot be reached,
 *	refuses TLS or the bind, times out, or answers a search with an
 *	error makes the lookup fail with DICT_ERR_RETRY; it is never "not
 *	found".
 *
 *	When the build found no libldap (makedefs), the type is not
 *	registered.
 *--*/

#include "dict.h"

#ifdef HAVE_LDAP

#define LDAP_DEPRECATED 0
#include <dlfcn.h>
#include <ldap.h>
#include <sasl/sasl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include "argv.h"
#include "dict_sql.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* The libldap functions used here, found with dlsym(). */
static struct {
    int (*initialize)(LDAP **ld, const char *uri);
    int (*set_option)(LDAP *ld, int option, const void *value);
    int (*start_tls_s)(LDAP *ld, LDAPControl **sctrls, LDAPControl **cctrls);
    int (*sasl_bind_s)(LDAP *ld, const char *dn, const char *mechanism, struct berval *cred,
                       LDAPControl **sctrls, LDAPControl **cctrls, struct berval **servercredp);
    int (*sasl_interactive_bind_s)(LDAP *ld, const char *dn, const char *mechs,
                                   LDAPControl **sctrls, LDAPControl **cctrls, unsigned flags,
                                   LDAP_SASL_INTERACT_PROC *proc, void *defaults);
    int (*set_rebind_proc)(LDAP *ld, LDAP_REBIND_PROC *proc, void *params);
    int (*search_ext_s)(LDAP *ld, const char *base, int scope, const char *filter, char **attrs,
                        int attrsonly, LDAPControl **sctrls, LDAPControl **cctrls,
                        struct timeval *timeout, int sizelimit, LDAPMessage **res);
    LDAPMessage *(*first_entry)(LDAP *ld, LDAPMessage *chain);
    LDAPMessage *(*next_entry)(LDAP *ld, LDAPMessage *entry);
    struct berval **(*get_values_len)(LDAP *ld, LDAPMessage *entry, const char *target);
    void (*value_free_len)(struct berval **vals);
    int (*msgfree)(LDAPMessage *lm);
    int (*unbind_ext_s)(LDAP *ld, LDAPControl **sctrls, LDAPControl **cctrls);
    char *(*err2string)(int err);
    int (*bv2escaped_filter_value)(struct berval *in, struct berval *out);
    void (*memfree)(void *p);
    int (*ber_set_option)(void *item, int option, const void *value);
} lp;

static const struct {
    const char *name; /* libldap's name */
    void **slot;      /* where its address goes */
} lp_symbols[] = {
    {"ldap_initialize", (void **)&lp.initialize},
    {"ldap_set_option", (void **)&lp.set_option},
    {"ldap_start_tls_s", (void **)&lp.start_tls_s},
    {"ldap_sasl_bind_s", (void **)&lp.sasl_bind_s},
    {"ldap_sasl_interactive_bind_s", (void **)&lp.sasl_interactive_bind_s},
    {"ldap_set_rebind_proc", (void **)&lp.set_rebind_proc},
    {"ldap_search_ext_s", (void **)&lp.search_ext_s},
    {"ldap_first_entry", (void **)&lp.first_entry},
    {"ldap_next_entry", (void **)&lp.next_entry},
    {"ldap_get_values_len", (void **)&lp.get_values_len},
    {"ldap_value_free_len", (void **)&lp.value_free_len},
    {"ldap_msgfree", (void **)&lp.msgfree},
    {"ldap_unbind_ext_s", (void **)&lp.unbind_ext_s},
    {"ldap_err2string", (void **)&lp.err2string},
    {"ldap_bv2escaped_filter_value", (void **)&lp.bv2escaped_filter_value},
    {"ldap_memfree", (void **)&lp.memfree},
    {"ber_set_option", (void **)&lp.ber_set_option}, /* liblber, a dependency of libldap */
};

typedef struct {
    DICT dict;             /* common part; must be first */
    DICT_SQL_QUERY q;      /* query_filter, result_format, domain, expansion_limit */
    char *uri;             /* server URIs, space-separated; owned */
    char *search_base;     /* template; owned */
    bool dynamic_base;     /* search_base has % expansions */
    int scope;             /* LDAP_SCOPE_* */
    ARGV *result_attrs;    /* result_attribute; owned */
    ARGV *special_attrs;   /* special_result_attribute; owned */
    ARGV *leaf_attrs;      /* leaf_result_attribute; owned */
    ARGV *terminal_attrs;  /* terminal_result_attribute; owned */
    ARGV *all_attrs;       /* every attribute to ask for; owned */
    int bind;              /* DICT_LDAP_BIND_* */
    char *bind_dn;         /* DN (simple), authentication id (SASL); owned */
    char *bind_pw;         /* owned, wiped at close */
    char *sasl_mechs;      /* SASL mechanisms to offer; owned, or NULL */
    char *sasl_realm;      /* owned, or NULL */
    char *sasl_authz_id;   /* authorization id; owned, or NULL */
    int sasl_minssf;       /* least security strength factor */
    int deref;             /* LDAP_DEREF_* */
    bool chase_referrals;  /* follow referrals, binding again as configured */
    bool start_tls;        /* StartTLS after connecting */
    char *tls_ca_file;     /* owned, or NULL */
    char *tls_ca_dir;      /* owned, or NULL */
    char *tls_cert;        /* owned, or NULL */
    char *tls_key;         /* owned, or NULL */
    char *tls_ciphers;     /* tls_cipher_suite; owned, or NULL */
    char *tls_random_file; /* owned, or NULL */
    bool tls_require_cert; /* verify the server */
    int timeout;           /* seconds for each operation */
    int size_limit;        /* entries per search, 0: none */
    int recursion_limit;   /* levels of special_result_attribute */
    int version;           /* protocol version */
    int debuglevel;        /* libldap's LDAP_OPT_DEBUG_LEVEL, 0: off */
    LDAP *ld;              /* the live connection, or NULL */
    VSTRING *base;         /* expanded search base; owned */
    VSTRING *filter;       /* expanded filter; owned */
    VSTRING *result;       /* lookup result; owned */
    VSTRING *why;          /* failure reason; owned */
    int count;             /* values in result */
} DICT_LDAP;

/* Bind modes (bind = no, yes, sasl). */
#define DICT_LDAP_BIND_NONE   0 /* anonymous */
#define DICT_LDAP_BIND_SIMPLE 1 /* bind_dn and bind_pw */
#define DICT_LDAP_BIND_SASL   2 /* SASL with sasl_mechs, bind_dn as authentication id */

/* Settings of Postfix's ldap_table(5) that are obsolete: Postfix ignores them too. */
static const char *const dict_ldap_ignored[] = {"cache", "cache_expiry", "cache_size"};

/* Results of the search steps. */
#define DICT_LDAP_OK     0  /* done */
#define DICT_LDAP_RETRY  -1 /* the connection failed: reconnect and redo */
#define DICT_LDAP_FAILED -2 /* a lookup error, with a reason */

/* dict_ldap_load - dlopen() libldap once per process; 0 or -1 */

static int dict_ldap_load(VSTRING *why)
{
    static void *handle;

    if (handle)
        return 0;
    if ((handle = dlopen(LDAP_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
        vstring_sprintf(why, "cannot load the LDAP client library %s: %s", LDAP_SONAME, dlerror());
        return -1;
    }
    for (size_t i = 0; i < sizeof(lp_symbols) / sizeof(lp_symbols[0]); i++) {
        if ((*lp_symbols[i].slot = dlsym(handle, lp_symbols[i].name)) == NULL) {
            vstring_sprintf(why, "%s lacks %s", LDAP_SONAME, lp_symbols[i].name);
            dlclose(handle);
            handle = NULL;
            return -1;
        }
    }
    return 0;
}

/* dict_ldap_disconnect - drop the connection */

static void dict_ldap_disconnect(DICT_LDAP *dl)
{
    if (dl->ld) {
        lp.unbind_ext_s(dl->ld, NULL, NULL);
        dl->ld = NULL;
    }
}

/* dict_ldap_fail - record why, drop the connection; DICT_LDAP_FAILED */

static int dict_ldap_fail(DICT_LDAP *dl, const char *what, int rc)
{
    vstring_sprintf(dl->why, "%s: %s: %s", dl->uri, what, lp.err2string(rc));
    dict_ldap_disconnect(dl);
    return DICT_LDAP_FAILED;
}

/* dict_ldap_tls_options - TLS settings of a new connection */

static void dict_ldap_tls_options(DICT_LDAP *dl)
{
    int demand = dl->tls_require_cert ? LDAP_OPT_X_TLS_DEMAND : LDAP_OPT_X_TLS_NEVER;
    int zero = 0;

    if (dl->tls_ca_file)
        lp.set_option(dl->ld, LDAP_OPT_X_TLS_CACERTFILE, dl->tls_ca_file);
    if (dl->tls_ca_dir)
        lp.set_option(dl->ld, LDAP_OPT_X_TLS_CACERTDIR, dl->tls_ca_dir);
    if (dl->tls_cert)
        lp.set_option(dl->ld, LDAP_OPT_X_TLS_CERTFILE, dl->tls_cert);
    if (dl->tls_key)
        lp.set_option(dl->ld, LDAP_OPT_X_TLS_KEYFILE, dl->tls_key);
    if (dl->tls_ciphers)
        lp.set_option(dl->ld, LDAP_OPT_X_TLS_CIPHER_SUITE, dl->tls_ciphers);
    if (dl->tls_random_file)
        lp.set_option(dl->ld, LDAP_OPT_X_TLS_RANDOM_FILE, dl->tls_random_file);
    lp.set_option(dl->ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
    lp.set_option(dl->ld, LDAP_OPT_X_TLS_NEWCTX, &zero); /* apply the settings above */
}

/* dict_ldap_sasl_interact - libldap asks for the SASL credentials */

static int dict_ldap_sasl_interact(LDAP *unused_ld, unsigned unused_flags, void *context,
                                   void *prompts)
{
    DICT_LDAP *dl = context;

    for (sasl_interact_t *ip = prompts; ip->id != SASL_CB_LIST_END; ip++) {
        const char *value = NULL;

        switch (ip->id) {
        case SASL_CB_AUTHNAME:
            value = dl->bind_dn;
            break;
        case SASL_CB_PASS:
            value = dl->bind_pw;
            break;
        case SASL_CB_GETREALM:
            value = dl->sasl_realm;
            break;
        case SASL_CB_USER:
            value = dl->sasl_authz_id;
            break;
        }
        if (value == NULL || *value == 0)
            value = ip->defresult ? ip->defresult : "";
        ip->result = value;
        ip->len = (unsigned)strlen(value);
    }
    return LDAP_SUCCESS;
}

/* dict_ldap_bind - bind a connection as configured; an LDAP result code */

static int dict_ldap_bind(DICT_LDAP *dl, LDAP *ld)
{
    struct berval cred = {.bv_len = strlen(dl->bind_pw), .bv_val = dl->bind_pw};

    switch (dl->bind) {
    case DICT_LDAP_BIND_SIMPLE:
        return lp.sasl_bind_s(ld, dl->bind_dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
    case DICT_LDAP_BIND_SASL: {
        ber_len_t ssf = (ber_len_t)dl->sasl_minssf;

        lp.set_option(ld, LDAP_OPT_X_SASL_SSF_MIN, &ssf);
        return lp.sasl_interactive_bind_s(ld, NULL, dl->sasl_mechs, NULL, NULL, LDAP_SASL_QUIET,
                                          dict_ldap_sasl_interact, dl);
    }
    default:
        return LDAP_SUCCESS;
    }
}

/* dict_ldap_rebind - bind the connection of a referral as the first one */

static int dict_ldap_rebind(LDAP *ld, const char *unused_url, ber_tag_t unused_request,
                            ber_int_t unused_msgid, void *context)
{
    return dict_ldap_bind(context, ld);
}

/* dict_ldap_debug_print - one piece of libldap's debug output, to the log */

static void dict_ldap_debug_print(const char *text)
{
    char *copy = mystrdup(text);
    char *end = copy + strlen(copy);

    while (end > copy && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
        *--end = 0;
    if (*copy)
        msg_info("dict_ldap_debug: %s", copy);
    myfree(copy);
}

/* dict_ldap_debug - debuglevel: libldap's own tracing, to the log */

static void dict_ldap_debug(DICT_LDAP *dl)
{
    /* The level is libldap's global one: the Debug() calls consult only that. */
    if (lp.ber_set_option(NULL, LBER_OPT_LOG_PRINT_FN, (const void *)dict_ldap_debug_print) !=
        LBER_OPT_SUCCESS)
        msg_warn("%s:%s: cannot route libldap's debug output to the log", DICT_TYPE_LDAP,
                 dl->dict.name);
    if (lp.set_option(NULL, LDAP_OPT_DEBUG_LEVEL, &dl->debuglevel) != LDAP_OPT_SUCCESS ||
        lp.set_option(dl->ld, LDAP_OPT_DEBUG_LEVEL, &dl->debuglevel) != LDAP_OPT_SUCCESS)
        msg_warn("%s:%s: cannot set LDAP_OPT_DEBUG_LEVEL to %d", DICT_TYPE_LDAP, dl->dict.name,
                 dl->debuglevel);
}

/* dict_ldap_connect - connect, TLS, bind; DICT_LDAP_OK or DICT_LDAP_FAILED */

static int dict_ldap_connect(DICT_LDAP *dl)
{
    static const int on = 1;
    struct timeval tv = {dl->timeout, 0};
    int rc;

    if ((rc = lp.initialize(&dl->ld, dl->uri)) != LDAP_SUCCESS) {
        dl->ld = NULL;
        return dict_ldap_fail(dl, "bad server_host", rc);
    }
    if (dl->debuglevel > 0)
        dict_ldap_debug(dl);
    lp.set_option(dl->ld, LDAP_OPT_PROTOCOL_VERSION, &dl->version);
    lp.set_option(dl->ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
    lp.set_option(dl->ld, LDAP_OPT_TIMEOUT, &tv);
    lp.set_option(dl->ld, LDAP_OPT_DEREF, &dl->deref);
    /* LDAP_OPT_ON names a symbol of liblber, which is not linked: any non-null pointer is "on". */
    lp.set_option(dl->ld, LDAP_OPT_REFERRALS, dl->chase_referrals ? (void *)&on : LDAP_OPT_OFF);
    if (dl->chase_referrals)
        lp.set_rebind_proc(dl->ld, dict_ldap_rebind, dl);
    dict_ldap_tls_options(dl);
    if (dl->start_tls && (rc = lp.start_tls_s(dl->ld, NULL, NULL)) != LDAP_SUCCESS)
        return dict_ldap_fail(dl, "StartTLS", rc);
    if ((rc = dict_ldap_bind(dl, dl->ld)) != LDAP_SUCCESS)
        return dict_ldap_fail(dl, dl->bind == DICT_LDAP_BIND_SASL ? "SASL bind" : "bind", rc);
    return DICT_LDAP_OK;
}

/* dict_ldap_filter_quote - a key part escaped for a search filter */

static void dict_ldap_filter_quote(VSTRING *out, const char *text, void *unused_context)
{
    struct berval in = {.bv_len = strlen(text), .bv_val = (char *)text}, escaped = {0, NULL};

    (void)unused_context;
    if (lp.bv2escaped_filter_value(&in, &escaped) == 0 && escaped.bv_val) {
        vstring_strcat(out, escaped.bv_val);
        lp.memfree(escaped.bv_val);
    } else {
        vstring_strcat(out, "\\00"); /* cannot escape: match nothing */
    }
}

/* dict_ldap_dn_quote - a key part escaped for a DN attribute value (RFC 4514) */

static void dict_ldap_dn_quote(VSTRING *out, const char *text, void *unused_context)
{
    (void)unused_context;
    for (const char *cp = text; *cp; cp++) {
        if (strchr(",+\"\\<>;=", *cp) || ((*cp == ' ' || *cp == '#') && cp == text) ||
            (*cp == ' ' && cp[1] == 0))
            vstring_addch(out, '\\');
        vstring_addch(out, *cp);
    }
}

/* dict_ldap_in - is attr one of list (case-insensitive)? */

static bool dict_ldap_in(const ARGV *list, const char *attr)
{
    for (size_t i = 0; i < list->argc; i++)
        if (strcasecmp(list->argv[i], attr) == 0)
            return true;
    return false;
}

/* dict_ldap_add_values - add an entry's values of the attributes in list */

static int dict_ldap_add_values(DICT_LDAP *dl, LDAPMessage *entry, const ARGV *list,
                                const char *key)
{
    for (size_t i = 0; i < list->argc; i++) {
        struct berval **vals = lp.get_values_len(dl->ld, entry, list->argv[i]);

        for (size_t j = 0; vals && vals[j]; j++) {
            char *value = mystrndup(vals[j]->bv_val, vals[j]->bv_len);
            int rc = strlen(value) == vals[j]->bv_len
                         ? dict_sql_result_add(&dl->q, dl->result, &dl->count, key, value, dl->why)
                         : 0; /* a value with a null byte is skipped */

            myfree(value);
            if (rc < 0) {
                lp.value_free_len(vals);
                return DICT_LDAP_FAILED;
            }
        }
        if (vals)
            lp.value_free_len(vals);
    }
    return DICT_LDAP_OK;
}

static int dict_ldap_search(DICT_LDAP *dl, const char *base, int scope, const char *filter,
                            const char *key, int depth);

/* dict_ldap_entry - the result values of one entry, and of the DNs it names */

static int dict_ldap_entry(DICT_LDAP *dl, LDAPMessage *entry, const char *key, int depth)
{
    struct berval **dns;
    int status;

    for (size_t i = 0; i < dl->terminal_attrs->argc; i++) {
        struct berval **vals = lp.get_values_len(dl->ld, entry, dl->terminal_attrs->argv[i]);

        if (vals) {
            lp.value_free_len(vals);
            return dict_ldap_add_values(dl, entry, dl->terminal_attrs, key);
        }
    }
    if ((status = dict_ldap_add_values(dl, entry, dl->result_attrs, key)) != DICT_LDAP_OK)
        return status;
    for (size_t i = 0, found = 0; i < dl->special_attrs->argc; i++, found = 0) {
        if ((dns = lp.get_values_len(dl->ld, entry, dl->special_attrs->argv[i])) == NULL)
            continue;
        for (size_t j = 0; dns[j] && status == DICT_LDAP_OK; j++, found++) {
            char *dn = mystrndup(dns[j]->bv_val, dns[j]->bv_len);

            if (depth >= dl->recursion_limit) {
                vstring_sprintf(dl->why, "key \"%s\": more than recursion_limit = %d levels", key,
                                dl->recursion_limit);
                status = DICT_LDAP_FAILED;
            } else {
                status =
                    dict_ldap_search(dl, dn, LDAP_SCOPE_BASE, "(objectClass=*)", key, depth + 1);
            }
            myfree(dn);
        }
        lp.value_free_len(dns);
        if (status != DICT_LDAP_OK || found)
            return status;
    }
    return dict_ldap_add_values(dl, entry, dl->leaf_attrs, key);
}

/* dict_ldap_search - one search and its entries */

static int dict_ldap_search(DICT_LDAP *dl, const char *base, int scope, const char *filter,
                            const char *key, int depth)
{
    struct timeval tv = {dl->timeout, 0};
    LDAPMessage *res = NULL, *entry;
    int rc, status = DICT_LDAP_OK;

    rc = lp.search_ext_s(dl->ld, base, scope, filter, dl->all_attrs->argv, 0, NULL, NULL, &tv,
                         dl->size_limit, &res);
    if (rc == LDAP_NO_SUCH_OBJECT && (depth > 0 || dl->dynamic_base)) {
        /* A DN that is gone, or a base made from the key: nothing there. */
        if (res)
            lp.msgfree(res);
        return DICT_LDAP_OK;
    }
    if (rc == LDAP_SERVER_DOWN || rc == LDAP_TIMEOUT || rc == LDAP_CONNECT_ERROR) {
        if (res)
            lp.msgfree(res);
        vstring_sprintf(dl->why, "%s: search: %s", dl->uri, lp.err2string(rc));
        dict_ldap_disconnect(dl);
        return DICT_LDAP_RETRY;
    }
    if (rc != LDAP_SUCCESS) {
        if (res)
            lp.msgfree(res);
        vstring_sprintf(dl->why, "%s: search base \"%s\" filter \"%s\": %s", dl->uri, base, filter,
                        lp.err2string(rc));
        return DICT_LDAP_FAILED;
    }
    for (entry = lp.first_entry(dl->ld, res); entry && status == DICT_LDAP_OK;
         entry = lp.next_entry(dl->ld, entry))
        status = dict_ldap_entry(dl, entry, key, depth);
    lp.msgfree(res);
    return status;
}

/* dict_ldap_lookup - search for a key */

static const char *dict_ldap_lookup(DICT *dict, const char *key)
{
    DICT_LDAP *dl = (DICT_LDAP *)dict;
    int filter_ok, status = DICT_LDAP_RETRY;

    if ((filter_ok = dict_sql_key_ok(&dl->q, key, dl->why)) <= 0) {
        if (filter_ok < 0)
            dict_set_error(dict, DICT_ERR_RETRY, "%s:%s: %s", dict->type, dict->name,
                           vstring_str(dl->why));
        return NULL;
    }
    if (dict_sql_expand(dl->filter, dl->q.query, key, NULL, dict_ldap_filter_quote, NULL) !=
            DICT_SQL_EXPANDED ||
        dict_sql_expand(dl->base, dl->search_base, key, NULL, dict_ldap_dn_quote, NULL) !=
            DICT_SQL_EXPANDED)
        return NULL;
    /* A kept connection may have been closed by the server: one more try afresh. */
    for (int attempt = 0; attempt < 2 && status == DICT_LDAP_RETRY; attempt++) {
        VSTRING_RESET(dl->result);
        dl->count = 0;
        if (dl->ld == NULL && (status = dict_ldap_connect(dl)) != DICT_LDAP_OK)
            break;
        status =
            dict_ldap_search(dl, vstring_str(dl->base), dl->scope, vstring_str(dl->filter), key, 0);
    }
    if (status != DICT_LDAP_OK) {
        dict_set_error(dict, DICT_ERR_RETRY, "%s:%s: %s", dict->type, dict->name,
                       vstring_str(dl->why));
        return NULL;
    }
    return dl->count > 0 ? vstring_str(dl->result) : NULL;
}

/* dict_ldap_close - release the table */

static void dict_ldap_close(DICT *dict)
{
    DICT_LDAP *dl = (DICT_LDAP *)dict;
    char *owned[] = {dl->uri,         dl->search_base, dl->bind_dn,
                     dl->tls_ca_file, dl->tls_ca_dir,  dl->tls_cert,
                     dl->tls_key,     dl->tls_ciphers, dl->tls_random_file,
                     dl->sasl_mechs,  dl->sasl_realm,  dl->sasl_authz_id};
    ARGV *lists[] = {dl->result_attrs, dl->special_attrs, dl->leaf_attrs, dl->terminal_attrs,
                     dl->all_attrs};

    dict_ldap_disconnect(dl);
    for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
        if (owned[i])
            myfree(owned[i]);
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
        if (lists[i])
            argv_free(lists[i]);
    if (dl->bind_pw) {
        memset(dl->bind_pw, 0, strlen(dl->bind_pw));
        myfree(dl->bind_pw);
    }
    dict_sql_query_free(&dl->q);
    vstring_free(dl->base);
    vstring_free(dl->filter);
    vstring_free(dl->result);
    vstring_free(dl->why);
    dict_free(dict);
}

/* dict_ldap_bool - a yes/no setting; -1 for anything else */

static int dict_ldap_bool(const DICT_SQL_CF *cf, const char *name, const char *defval)
{
    const char *value = dict_sql_cf_get(cf, name, defval);

    if (strcasecmp(value, "yes") == 0 || strcasecmp(value, "true") == 0)
        return 1;
    if (strcasecmp(value, "no") == 0 || strcasecmp(value, "false") == 0)
        return 0;
    return -1;
}

/* dict_ldap_string - an optional string setting, copied */

static char *dict_ldap_string(const DICT_SQL_CF *cf, const char *name, const char *defval)
{
    const char *value = dict_sql_cf_get(cf, name, defval);

    return value && *value ? mystrdup(value) : NULL;
}

/* dict_ldap_uri - server_host and server_port as libldap's URI list */

static char *dict_ldap_uri(const DICT_SQL_CF *cf)
{
    ARGV *hosts = argv_split(dict_sql_cf_get(cf, "server_host", "localhost"), ", \t\r\n");
    const char *port = dict_sql_cf_get(cf, "server_port", "389");
    VSTRING *uri = vstring_alloc(100);

    for (size_t i = 0; i < hosts->argc; i++) {
        const char *host = hosts->argv[i];

        if (i > 0)
            vstring_addch(uri, ' ');
        if (strstr(host, "://") != NULL)
            vstring_strcat(uri, host);
        else if (strrchr(host, ':') && strchr(host, ']') < strrchr(host, ':'))
            vstring_sprintf_append(uri, "ldap://%s", host);
        else
            vstring_sprintf_append(uri, "ldap://%s:%s", host, port);
    }
    argv_free(hosts);
    return vstring_export(uri);
}

/* dict_ldap_cf_int - a number setting within 0..max (0: no limit); -1 with why */

static int dict_ldap_cf_int(const DICT_SQL_CF *cf, const char *name, int defval, int max,
                            VSTRING *why)
{
    int value = dict_sql_cf_int(cf, name, defval, why);

    if (value > max && max > 0) {
        vstring_sprintf(why, "bad %s = %d: expected 0 to %d", name, value, max);
        return -1;
    }
    return value;
}

/* dict_ldap_bind_mode - bind = no, yes (simple) or sasl; 0, or -1 with why */

static int dict_ldap_bind_mode(DICT_LDAP *dl, const DICT_SQL_CF *cf)
{
    const char *value = dict_sql_cf_get(cf, "bind", "yes");

    if (strcasecmp(value, "sasl") == 0) {
        dl->bind = DICT_LDAP_BIND_SASL;
    } else if (strcasecmp(value, "yes") == 0 || strcasecmp(value, "true") == 0 ||
               strcasecmp(value, "simple") == 0) {
        dl->bind = *dl->bind_dn ? DICT_LDAP_BIND_SIMPLE : DICT_LDAP_BIND_NONE;
    } else if (strcasecmp(value, "no") == 0 || strcasecmp(value, "false") == 0 ||
               strcasecmp(value, "none") == 0) {
        dl->bind = DICT_LDAP_BIND_NONE;
    } else {
        vstring_sprintf(dl->why, "bad bind = %s: expected no, yes (simple) or sasl", value);
        return -1;
    }
    return 0;
}

/* dict_ldap_warn_ignored - the settings that this version does not act on */

static void dict_ldap_warn_ignored(const char *name, const DICT_SQL_CF *cf)
{
    for (size_t i = 0; i < sizeof(dict_ldap_ignored) / sizeof(dict_ldap_ignored[0]); i++) {
        const char *value = dict_sql_cf_get(cf, dict_ldap_ignored[i], NULL);

        if (value != NULL)
            msg_warn("%s:%s: %s = %s: obsolete (libldap has no client-side cache), ignored",
                     DICT_TYPE_LDAP, name, dict_ldap_ignored[i], value);
    }
}

/* dict_ldap_configure - the settings; NULL or why not */

static const char *dict_ldap_configure(DICT_LDAP *dl, DICT_SQL_CF *cf)
{
    const char *scope = dict_sql_cf_get(cf, "scope", "sub");
    int tls, req, chase;

    dl->uri = dict_ldap_uri(cf);
    dl->search_base = mystrdup(dict_sql_cf_get(cf, "search_base", ""));
    dl->dynamic_base = strchr(dl->search_base, '%') != NULL;
    if (strcasecmp(scope, "sub") == 0)
        dl->scope = LDAP_SCOPE_SUBTREE;
    else if (strcasecmp(scope, "one") == 0)
        dl->scope = LDAP_SCOPE_ONELEVEL;
    else if (strcasecmp(scope, "base") == 0)
        dl->scope = LDAP_SCOPE_BASE;
    else {
        vstring_sprintf(dl->why, "bad scope \"%s\": expected sub, one or base", scope);
        return vstring_str(dl->why);
    }
    dl->result_attrs = argv_split(dict_sql_cf_get(cf, "result_attribute", "maildrop"), ", \t");
    dl->special_attrs = argv_split(dict_sql_cf_get(cf, "special_result_attribute", ""), ", \t");
    dl->leaf_attrs = argv_split(dict_sql_cf_get(cf, "leaf_result_attribute", ""), ", \t");
    dl->terminal_attrs = argv_split(dict_sql_cf_get(cf, "terminal_result_attribute", ""), ", \t");
    dl->all_attrs = argv_alloc(10);
    {
        ARGV *lists[] = {dl->result_attrs, dl->special_attrs, dl->leaf_attrs, dl->terminal_attrs};

        for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
            for (size_t j = 0; j < lists[i]->argc; j++)
                if (!dict_ldap_in(dl->all_attrs, lists[i]->argv[j]))
                    argv_add(dl->all_attrs, lists[i]->argv[j]);
    }
    dl->bind_dn = mystrdup(dict_sql_cf_get(cf, "bind_dn", ""));
    dl->bind_pw = mystrdup(dict_sql_cf_get(cf, "bind_pw", ""));
    dl->tls_ca_file = dict_ldap_string(cf, "tls_ca_cert_file", NULL);
    dl->tls_ca_dir = dict_ldap_string(cf, "tls_ca_cert_dir", NULL);
    dl->tls_cert = dict_ldap_string(cf, "tls_cert", NULL);
    dl->tls_key = dict_ldap_string(cf, "tls_key", NULL);
    dl->tls_ciphers = dict_ldap_string(cf, "tls_cipher_suite", NULL);
    dl->tls_random_file = dict_ldap_string(cf, "tls_random_file", NULL);
    dl->sasl_mechs = dict_ldap_string(cf, "sasl_mechs", NULL);
    dl->sasl_realm = dict_ldap_string(cf, "sasl_realm", NULL);
    dl->sasl_authz_id = dict_ldap_string(cf, "sasl_authz_id", NULL);
    if ((tls = dict_ldap_bool(cf, "start_tls", "no")) < 0 ||
        (req = dict_ldap_bool(cf, "tls_require_cert", "no")) < 0 ||
        (chase = dict_ldap_bool(cf, "chase_referrals", "no")) < 0) {
        vstring_strcpy(dl->why, "start_tls, tls_require_cert and chase_referrals take yes or no");
        return vstring_str(dl->why);
    }
    if (dict_ldap_bind_mode(dl, cf) < 0)
        return vstring_str(dl->why);
    dl->start_tls = tls;
    dl->tls_require_cert = req;
    dl->chase_referrals = chase;
    if ((dl->deref = dict_ldap_cf_int(cf, "dereference", 0, 3, dl->why)) < 0 ||
        (dl->sasl_minssf = dict_ldap_cf_int(cf, "sasl_minssf", 0, 0, dl->why)) < 0 ||
        (dl->debuglevel = dict_ldap_cf_int(cf, "debuglevel", 0, 0, dl->why)) < 0)
        return vstring_str(dl->why);
    if ((dl->timeout = dict_sql_cf_int(cf, "timeout", 10, dl->why)) < 0 ||
        (dl->size_limit = dict_sql_cf_int(cf, "size_limit", 0, dl->why)) < 0 ||
        (dl->recursion_limit = dict_sql_cf_int(cf, "recursion_limit", 1000, dl->why)) < 0 ||
        (dl->version = dict_sql_cf_int(cf, "version", 3, dl->why)) < 0)
        return vstring_str(dl->why);
    if (dl->timeout == 0)
        dl->timeout = 10;
    if (dl->version != 2 && dl->version != 3) {
        vstring_sprintf(dl->why, "bad version %d: expected 2 or 3", dl->version);
        return vstring_str(dl->why);
    }
    return NULL;
}

/* dict_ldap_open - open "ldap:/path/to/file.cf" */

DICT *dict_ldap_open(const char *name, int open_flags, int dict_flags)
{
    DICT_LDAP *dl = (DICT_LDAP *)dict_alloc(DICT_TYPE_LDAP, name, sizeof(*dl), open_flags,
                                            dict_flags | DICT_FLAG_FIXED);
    const char *problem = NULL;
    DICT_SQL_CF *cf;

    dl->base = vstring_alloc(100);
    dl->filter = vstring_alloc(100);
    dl->result = vstring_alloc(100);
    dl->why = vstring_alloc(100);
    dl->dict.close = dict_ldap_close;
    if (dict_ldap_load(dl->why) < 0 || (cf = dict_sql_cf_read(name, dl->why)) == NULL) {
        problem = vstring_str(dl->why);
    } else {
        /* query_filter is the "query" of the shared expansion rules. */
        const char *filter = dict_sql_cf_get(cf, "query_filter", "(mailacceptinggeneralid=%s)");
        VSTRING *copy = vstring_alloc(100);

        vstring_strcpy(copy, filter);
        dict_sql_cf_set(cf, "query", vstring_str(copy));
        vstring_free(copy);
        dict_ldap_warn_ignored(name, cf);
        if ((problem = dict_ldap_configure(dl, cf)) == NULL &&
            (dict_sql_query_init(&dl->q, cf, dl->why) < 0 ||
             dict_sql_template_ok(dl->search_base, 1, dl->why) < 0))
            problem = vstring_str(dl->why);
        dict_sql_cf_free(cf);
    }
    if (problem) {
        DICT *sur = dict_surrogate(DICT_TYPE_LDAP, name, open_flags, dict_flags, DICT_ERR_CONFIG,
                                   "%s:%s: %s", DICT_TYPE_LDAP, name, problem);

        dict_ldap_close(&dl->dict);
        return sur;
    }
    dl->dict.lookup = dict_ldap_lookup;
    return &dl->dict;
}

#else

/* Keeps the translation unit non-empty without libldap. */
typedef int dict_ldap_unused;

#endif
