/*++
 * NAME
 *	tls_dh - key exchange groups: ECDHE curves and FFDHE parameters
 * SYNOPSIS
 *	#include <tls_dh.h>
 *
 *	const char *tls_dh_groups(VSTRING *out, const TLS_PARAMS *params);
 *	int	tls_dh_apply_groups(SSL_CTX *ctx, const TLS_PARAMS *params);
 *	int	tls_dh_apply_params(SSL_CTX *ctx, const char *param_name,
 *				const char *file);
 * DESCRIPTION
 *	tls_dh_groups() writes into out the colon-separated list of the
 *	groups named in params->eecdh_auto_curves followed by those in
 *	params->ffdhe_auto_groups, keeping only the ones OpenSSL supports and
 *	dropping duplicates, and returns vstring_str(out) (possibly empty).
 *
 *	tls_dh_apply_groups() sets that list on ctx. When no listed group is
 *	supported it warns and leaves the OpenSSL default. It returns 0, or
 *	-1 when OpenSSL refuses the list.
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

#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#include "tls_dh.h"

#define TLS_DH_SEP " \t\r\n,:"

/* tls_dh_group_ok - does OpenSSL support this group name */

static int tls_dh_group_ok(SSL_CTX *scratch, const char *name)
{
    int ok = SSL_CTX_set1_groups_list(scratch, name) == 1;

    ERR_clear_error();
    return ok;
}

/* tls_dh_has_group - is a name already in the colon-separated list */

static int tls_dh_has_group(VSTRING *list, const char *name)
{
    const char *cp = vstring_str(list);
    size_t len = strlen(name);

    while (*cp) {
        size_t span = strcspn(cp, ":");

        if (span == len && strncasecmp(cp, name, len) == 0)
            return 1;
        cp += span;
        if (*cp == ':')
            cp++;
    }
    return 0;
}

/* tls_dh_add_groups - append the supported groups of one list */

static void tls_dh_add_groups(VSTRING *out, SSL_CTX *scratch, const char *list)
{
    char *copy = mystrdup(list ? list : "");
    char *cp = copy, *tok;

    while ((tok = mystrtok(&cp, TLS_DH_SEP)) != NULL) {
        if (tls_dh_has_group(out, tok) || !tls_dh_group_ok(scratch, tok))
            continue;
        if (VSTRING_LEN(out))
            vstring_addch(out, ':');
        vstring_strcat(out, tok);
    }
    myfree(copy);
}

/* tls_dh_groups - supported groups from the curve and FFDHE lists */

const char *tls_dh_groups(VSTRING *out, const TLS_PARAMS *params)
{
    SSL_CTX *scratch;

    params = tls_params_or_default(params);
    VSTRING_RESET(out);
    if ((scratch = SSL_CTX_new(TLS_method())) == NULL) {
        ERR_clear_error();
        return vstring_str(out);
    }
    tls_dh_add_groups(out, scratch, params->eecdh_auto_curves);
    tls_dh_add_groups(out, scratch, params->ffdhe_auto_groups);
    SSL_CTX_free(scratch);
    return vstring_str(out);
}

/* tls_dh_apply_groups - set the key exchange groups */

int tls_dh_apply_groups(SSL_CTX *ctx, const TLS_PARAMS *params)
{
    VSTRING *groups = vstring_alloc(100);
    int status = 0;

    if (*tls_dh_groups(groups, params) == 0)
        msg_warn("none of the groups in tls_eecdh_auto_curves or tls_ffdhe_auto_groups is "
                 "supported: using the OpenSSL default groups");
    else if (SSL_CTX_set1_groups_list(ctx, vstring_str(groups)) != 1) {
        msg_warn("cannot set key exchange groups \"%s\"", vstring_str(groups));
        ERR_clear_error();
        status = -1;
    }
    vstring_free(groups);
    return status;
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
