/*++
 * NAME
 *	tls_dh - key exchange groups: ECDHE curves, hybrid ML-KEM groups and
 *	FFDHE parameters
 * SYNOPSIS
 *	#include <tls_dh.h>
 *
 *	const char *tls_dh_groups(VSTRING *out, const TLS_PARAMS *params);
 *	int	tls_dh_list(VSTRING *out, const TLS_PARAMS *params,
 *				bool am_server, int pq_mode);
 *	int	tls_dh_apply_groups(SSL_CTX *ctx, const TLS_PARAMS *params,
 *				bool am_server);
 *	int	tls_dh_apply_ssl(SSL *ssl, const TLS_PARAMS *params,
 *				int pq_mode, VSTRING *out_list);
 *	bool	tls_dh_group_is_pq(const char *name);
 *	int	tls_dh_pq_mode(const char *name);
 *	const char *tls_dh_pq_name(int pq_mode);
 *	int	tls_dh_apply_params(SSL_CTX *ctx, const char *param_name,
 *				const char *file);
 * DESCRIPTION
 *	tls_dh_groups() writes into out the colon-separated list of the
 *	groups named in params->eecdh_auto_curves followed by those in
 *	params->ffdhe_auto_groups, keeping only the ones OpenSSL supports and
 *	dropping duplicates and key-share marks, and returns vstring_str(out)
 *	(possibly empty).
 *
 *	tls_dh_list() writes into out the group list to give OpenSSL. Names
 *	come from the two parameters as above; a name may carry OpenSSL's
 *	"*" mark (the client sends a key share for it). pq_mode filters them:
 *	TLS_DH_PQ_NO drops the post-quantum (ML-KEM) groups, TLS_DH_PQ_ONLY
 *	keeps only those. Where OpenSSL has the group-list syntax of 3.5
 *	(makedefs: HAVE_TLS_GROUP_TUPLES), a server list puts the
 *	post-quantum groups in a tuple of their own before the others
 *	("X25519MLKEM768 / X25519:..."), so that the server prefers them even
 *	at the cost of a HelloRetryRequest, and a client list marks the
 *	groups that get a key share: those marked in the parameters (the
 *	first TLS_DH_MAX_SHARES of them), otherwise the first classical
 *	group, otherwise the first group. The default client list
 *	therefore offers X25519MLKEM768 with an X25519 key share and a
 *	ClientHello that fits one TCP segment; a server that prefers the
 *	hybrid asks for its share. It returns 1 with a list, 0 when
 *	both parameters are empty and pq_mode is TLS_DH_PQ_DEFAULT (out is
 *	then empty: OpenSSL's own configuration decides, as in Postfix
 *	3.10), or -1 when no listed group remains. With empty parameters
 *	and another pq_mode the built-in defaults are the starting point.
 *
 *	tls_dh_apply_groups() sets the list for pq_mode TLS_DH_PQ_DEFAULT on
 *	ctx. When no listed group is supported it warns and leaves the
 *	OpenSSL default. It returns 0, or -1 when OpenSSL refuses the list.
 *
 *	tls_dh_apply_ssl() sets the client list for pq_mode on one
 *	connection and copies it into out_list (empty: OpenSSL's
 *	configuration). It returns 0, or -1 when no group remains or
 *	OpenSSL refuses the list.
 *
 *	tls_dh_group_is_pq() tells whether a group name names a
 *	post-quantum group (ML-KEM, alone or in a hybrid).
 *
 *	tls_dh_pq_mode() converts a policy value ("yes", "no", "only") to
 *	a TLS_DH_PQ_* mode, or -1; tls_dh_pq_name() is its inverse ("yes"
 *	for the default).
 *
 *	tls_dh_apply_params() sets the FFDHE parameters for TLS 1.2 DHE
 *	cipher suites: those in file when it is non-empty (PEM "DH
 *	PARAMETERS"), otherwise the built-in RFC 7919 ffdhe2048 group. It
 *	returns 0, or -1 after one warning that names param_name and the
 *	file.
 *--*/

#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#include "tls_dh.h"

#define TLS_DH_SEP " \t\r\n,:"

/* One supported group of the configured lists. */
typedef struct TLS_DH_GROUP {
    char *name; /* as configured, without the mark */
    bool share; /* marked "*": the client sends a key share */
    bool pq;    /* post-quantum (ML-KEM) */
} TLS_DH_GROUP;

/* tls_dh_group_ok - does OpenSSL support this group name */

static int tls_dh_group_ok(SSL_CTX *scratch, const char *name)
{
    int ok = SSL_CTX_set1_groups_list(scratch, name) == 1;

    ERR_clear_error();
    return ok;
}

/* tls_dh_group_is_pq - a post-quantum (ML-KEM) group */

bool tls_dh_group_is_pq(const char *name)
{
    return name != NULL && strcasestr(name, "MLKEM") != NULL;
}

/* tls_dh_find - index of a name in the collected groups, or -1 */

static int tls_dh_find(const TLS_DH_GROUP *groups, int count, const char *name)
{
    for (int i = 0; i < count; i++)
        if (strcasecmp(groups[i].name, name) == 0)
            return i;
    return -1;
}

/* tls_dh_collect - append the supported groups of one list */

static int tls_dh_collect(TLS_DH_GROUP **groups, int count, SSL_CTX *scratch, const char *list)
{
    char *copy = mystrdup(list ? list : "");
    char *cp = copy, *tok;

    while ((tok = mystrtok(&cp, TLS_DH_SEP)) != NULL) {
        bool share = (*tok == '*');

        if (share)
            tok++;
        if (*tok == 0 || tls_dh_find(*groups, count, tok) >= 0 || !tls_dh_group_ok(scratch, tok))
            continue;
        *groups = myrealloc(*groups, (count + 1) * sizeof(**groups));
        (*groups)[count++] =
            (TLS_DH_GROUP){.name = mystrdup(tok), .share = share, .pq = tls_dh_group_is_pq(tok)};
    }
    myfree(copy);
    return count;
}

/* tls_dh_blank - a parameter value with no names */

static bool tls_dh_blank(const char *value)
{
    return value == NULL || value[strspn(value, TLS_DH_SEP)] == 0;
}

/* tls_dh_gather - the supported, filtered groups of the two lists */

static int tls_dh_gather(TLS_DH_GROUP **groups, const TLS_PARAMS *params, int pq_mode)
{
    const char *curves = params->eecdh_auto_curves;
    const char *ffdhe = params->ffdhe_auto_groups;
    SSL_CTX *scratch;
    int count = 0, kept = 0;

    if (tls_dh_blank(curves) && tls_dh_blank(ffdhe)) {
        curves = TLS_DEF_EECDH_AUTO_CURVES;
        ffdhe = TLS_DEF_FFDHE_AUTO_GROUPS;
    }
    *groups = NULL;
    if ((scratch = SSL_CTX_new(TLS_method())) == NULL) {
        ERR_clear_error();
        return 0;
    }
    count = tls_dh_collect(groups, count, scratch, curves);
    count = tls_dh_collect(groups, count, scratch, ffdhe);
    SSL_CTX_free(scratch);
    for (int i = 0; i < count; i++) {
        if ((pq_mode == TLS_DH_PQ_NO && (*groups)[i].pq) ||
            (pq_mode == TLS_DH_PQ_ONLY && !(*groups)[i].pq))
            myfree((*groups)[i].name);
        else
            (*groups)[kept++] = (*groups)[i];
    }
    return kept;
}

/* tls_dh_release - free the collected groups */

static void tls_dh_release(TLS_DH_GROUP *groups, int count)
{
    for (int i = 0; i < count; i++)
        myfree(groups[i].name);
    myfree(groups);
}

/* tls_dh_append - add one name to a list with a separator */

static void tls_dh_append(VSTRING *out, const char *sep, const char *mark, const char *name)
{
    if (VSTRING_LEN(out))
        vstring_strcat(out, sep);
    vstring_sprintf_append(out, "%s%s", mark, name);
}

/* tls_dh_groups - supported groups from the curve and FFDHE lists */

const char *tls_dh_groups(VSTRING *out, const TLS_PARAMS *params)
{
    TLS_DH_GROUP *groups;
    int count;

    params = tls_params_or_default(params);
    VSTRING_RESET(out);
    if (tls_dh_blank(params->eecdh_auto_curves) && tls_dh_blank(params->ffdhe_auto_groups))
        return vstring_str(out);
    count = tls_dh_gather(&groups, params, TLS_DH_PQ_DEFAULT);
    for (int i = 0; i < count; i++)
        tls_dh_append(out, ":", "", groups[i].name);
    tls_dh_release(groups, count);
    return vstring_str(out);
}

#ifdef HAVE_TLS_GROUP_TUPLES

/* tls_dh_server_list - post-quantum groups preferred, as a tuple of their own */

static void tls_dh_server_list(VSTRING *out, const TLS_DH_GROUP *groups, int count)
{
    VSTRING *classic = vstring_alloc(100);

    for (int i = 0; i < count; i++)
        tls_dh_append(groups[i].pq ? out : classic, ":", "", groups[i].name);
    if (VSTRING_LEN(out) && VSTRING_LEN(classic))
        vstring_strcat(out, " / ");
    vstring_strcat(out, vstring_str(classic));
    vstring_free(classic);
}

/* tls_dh_client_list - groups in order, key shares marked */

static void tls_dh_client_list(VSTRING *out, TLS_DH_GROUP *groups, int count)
{
    int marked = 0, chosen = -1;

    for (int i = 0; i < count; i++)
        if (groups[i].share && ++marked > TLS_DH_MAX_SHARES)
            groups[i].share = false;
    if (marked == 0) {
        for (int i = 0; i < count && chosen < 0; i++)
            if (!groups[i].pq)
                chosen = i;
        groups[chosen < 0 ? 0 : chosen].share = true;
    }
    for (int i = 0; i < count; i++)
        tls_dh_append(out, ":", groups[i].share ? "*" : "", groups[i].name);
}

#endif

/* tls_dh_list - the group list for OpenSSL */

int tls_dh_list(VSTRING *out, const TLS_PARAMS *params, bool am_server, int pq_mode)
{
    TLS_DH_GROUP *groups;
    int count;

    params = tls_params_or_default(params);
    VSTRING_RESET(out);
    if (pq_mode == TLS_DH_PQ_DEFAULT && tls_dh_blank(params->eecdh_auto_curves) &&
        tls_dh_blank(params->ffdhe_auto_groups))
        return 0;
    if ((count = tls_dh_gather(&groups, params, pq_mode)) == 0) {
        myfree(groups);
        return -1;
    }
#ifdef HAVE_TLS_GROUP_TUPLES
    if (am_server)
        tls_dh_server_list(out, groups, count);
    else
        tls_dh_client_list(out, groups, count);
#else
    (void)am_server;
    for (int i = 0; i < count; i++)
        tls_dh_append(out, ":", "", groups[i].name);
#endif
    tls_dh_release(groups, count);
    return 1;
}

/* tls_dh_apply_groups - set the key exchange groups of a context */

int tls_dh_apply_groups(SSL_CTX *ctx, const TLS_PARAMS *params, bool am_server)
{
    VSTRING *groups = vstring_alloc(100);
    int status = 0;

    switch (tls_dh_list(groups, params, am_server, TLS_DH_PQ_DEFAULT)) {
    case 0:
        break;
    case -1:
        msg_warn("none of the groups in tls_eecdh_auto_curves or tls_ffdhe_auto_groups is "
                 "supported: using the OpenSSL default groups");
        break;
    default:
        if (SSL_CTX_set1_groups_list(ctx, vstring_str(groups)) != 1) {
            msg_warn("cannot set key exchange groups \"%s\"", vstring_str(groups));
            ERR_clear_error();
            status = -1;
        }
    }
    vstring_free(groups);
    return status;
}

/* tls_dh_apply_ssl - set the client groups of one connection */

int tls_dh_apply_ssl(SSL *ssl, const TLS_PARAMS *params, int pq_mode, VSTRING *out_list)
{
    switch (tls_dh_list(out_list, params, false, pq_mode)) {
    case 0:
        return 0;
    case -1:
        return -1;
    default:
        if (SSL_set1_groups_list(ssl, vstring_str(out_list)) != 1) {
            ERR_clear_error();
            return -1;
        }
        return 0;
    }
}

/* Policy names of the post-quantum modes. */
static const char *const tls_dh_pq_names[] = {
    [TLS_DH_PQ_DEFAULT] = "yes",
    [TLS_DH_PQ_NO] = "no",
    [TLS_DH_PQ_ONLY] = "only",
};

/* tls_dh_pq_mode - policy value to mode */

int tls_dh_pq_mode(const char *name)
{
    for (int i = 0; i < (int)(sizeof(tls_dh_pq_names) / sizeof(tls_dh_pq_names[0])); i++)
        if (name && strcasecmp(name, tls_dh_pq_names[i]) == 0)
            return i;
    return -1;
}

/* tls_dh_pq_name - mode to policy value */

const char *tls_dh_pq_name(int pq_mode)
{
    if (pq_mode < 0 || pq_mode >= (int)(sizeof(tls_dh_pq_names) / sizeof(tls_dh_pq_names[0])))
        msg_panic("%s: bad mode %d", __func__, pq_mode);
    return tls_dh_pq_names[pq_mode];
}

/* tls_dh_builtin - the RFC 7919 ffdhe2048 group as a parameter key */

static EVP_PKEY *tls_dh_builtin(void)
{
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
    OSSL_PARAM params[] = {
        OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"ffdhe2048", 0),
        OSSL_PARAM_END,
    };
    EVP_PKEY *pkey = NULL;

    if (pctx == NULL || EVP_PKEY_fromdata_init(pctx) <= 0 ||
        EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_KEY_PARAMETERS, params) <= 0)
        pkey = NULL;
    EVP_PKEY_CTX_free(pctx);
    return pkey;
}

/* tls_dh_from_file - FFDHE parameters from a PEM file */

static EVP_PKEY *tls_dh_from_file(const char *param_name, const char *file)
{
    BIO *bio = BIO_new_file(file, "r");
    EVP_PKEY *pkey;

    if (bio == NULL) {
        msg_warn("cannot open %s = %s: %m: using the built-in ffdhe2048 group", param_name, file);
        ERR_clear_error();
        return NULL;
    }
    pkey = PEM_read_bio_Parameters(bio, NULL);
    BIO_free(bio);
    if (pkey == NULL || !EVP_PKEY_is_a(pkey, "DH")) {
        msg_warn("no DH parameters in %s = %s: using the built-in ffdhe2048 group", param_name,
                 file);
        EVP_PKEY_free(pkey);
        ERR_clear_error();
        return NULL;
    }
    if (EVP_PKEY_get_bits(pkey) < 2048)
        msg_warn("%s = %s: DH parameters have only %d bits", param_name, file,
                 EVP_PKEY_get_bits(pkey));
    return pkey;
}

/* tls_dh_apply_params - set the FFDHE parameters for DHE cipher suites */

int tls_dh_apply_params(SSL_CTX *ctx, const char *param_name, const char *file)
{
    EVP_PKEY *pkey = NULL;
    int status = 0;

    if (file && *file && (pkey = tls_dh_from_file(param_name, file)) == NULL)
        status = -1;
    if (pkey == NULL && (pkey = tls_dh_builtin()) == NULL) {
        msg_warn("cannot create the built-in ffdhe2048 group");
        ERR_clear_error();
        return -1;
    }
    if (SSL_CTX_set0_tmp_dh_pkey(ctx, pkey) != 1) {
        EVP_PKEY_free(pkey);
        ERR_clear_error();
        return -1;
    }
    return status;
}
