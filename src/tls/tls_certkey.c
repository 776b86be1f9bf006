/*++
 * NAME
 *	tls_certkey - own certificates and keys, trusted CAs
 * SYNOPSIS
 *	#include <tls_certkey.h>
 *
 *	int	tls_certkey_load(SSL_CTX *ctx, const TLS_CERTKEY_FILES *files,
 *				VSTRING *why);
 *	int	tls_certkey_load_pem(SSL *ssl, const char *origin,
 *				const char *pem, size_t len, VSTRING *why);
 *	int	tls_certkey_set_ca(SSL_CTX *ctx, const char *param_prefix,
 *				const char *CAfile, const char *CApath,
 *				bool append_default, VSTRING *why);
 *	int	tls_certkey_file_identity(VSTRING *out, const char *path);
 * DESCRIPTION
 *	tls_certkey_load() loads the local keys and certificates into ctx.
 *	When files->chain_files is non-empty, each file in it (separated by
 *	whitespace or commas) is read as a sequence of groups: a private
 *	key, the certificate for that key, then the issuers of that
 *	certificate; the legacy parameters are then ignored with a warning.
 *	Otherwise the cert_file/key_file, dcert_file/dkey_file and
 *	eccert_file/eckey_file pairs are loaded (an empty key file means
 *	the key is in the certificate file; the certificate file may hold
 *	the issuers after the leaf). A second key of an algorithm that
 *	already has one is ignored with a warning. It returns
 *	TLS_CERTKEY_LOADED, TLS_CERTKEY_NONE when nothing is configured or
 *	cert_file is "none", or -1.
 *
 *	tls_certkey_load_pem() loads key and chain groups from an in-memory
 *	PEM blob (an SNI table value) into one connection; origin names the
 *	blob in messages. It returns 0 or -1.
 *
 *	tls_certkey_set_ca() loads the trusted CAs from CAfile and the
 *	hashed directory CApath (either may be empty), and the system
 *	default store when append_default is set. It returns 0 or -1.
 *
 *	tls_certkey_file_identity() appends "path:size:mtime" (or
 *	"path:missing") to out, so that a cache key changes when the file
 *	does. It returns 0, or -1 when the file is missing.
 * DIAGNOSTICS
 *	On failure "why" receives one sentence that names the parameter
 *	and the file: an unreadable file, no PEM data, malformed PEM, an
 *	undecodable key or certificate, a certificate before any key, a key
 *	without a certificate, or a key that does not match its certificate.
 *	Nothing is logged except the warnings for ignored settings.
 *--*/

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#include "tls_certkey.h"

/* Where a group goes: the context, or one connection (SNI). */
typedef struct TLS_CERTKEY_TARGET {
    SSL_CTX *ctx; /* or NULL */
    SSL *ssl;     /* or NULL */
} TLS_CERTKEY_TARGET;

/* One key with its leaf certificate and issuers, being read. */
typedef struct TLS_CERTKEY_GROUP {
    EVP_PKEY *key;          /* owned */
    X509 *cert;             /* owned */
    STACK_OF(X509) * chain; /* owned */
    int key_index;          /* PEM object number of the key */
} TLS_CERTKEY_GROUP;

/* Parse state for one PEM source. */
typedef struct TLS_CERTKEY_READER {
    const char *what;          /* "param = file" for messages */
    TLS_CERTKEY_TARGET target; /* where groups go */
    TLS_CERTKEY_GROUP group;   /* the group being read */
    int seen_types[4];         /* key types loaded so far */
    int seen_index[4];         /* their PEM object numbers */
    int seen_count;            /* entries in seen_* */
    int loaded;                /* groups installed */
    VSTRING *why;              /* failure reason */
} TLS_CERTKEY_READER;

/* tls_certkey_fail - record a failure reason */

__attribute__((format(printf, 2, 3))) static int tls_certkey_fail(VSTRING *why, const char *fmt,
                                                                  ...)
{
    va_list ap;

    if (why) {
        VSTRING_RESET(why);
        va_start(ap, fmt);
        vstring_vsprintf_append(why, fmt, ap);
        va_end(ap);
    }
    ERR_clear_error();
    return -1;
}

/* tls_certkey_group_reset - release a group */

static void tls_certkey_group_reset(TLS_CERTKEY_GROUP *group)
{
    EVP_PKEY_free(group->key);
    X509_free(group->cert);
    sk_X509_pop_free(group->chain, X509_free);
    memset(group, 0, sizeof(*group));
}

/* tls_certkey_type_name - readable key algorithm name */

static const char *tls_certkey_type_name(int type)
{
    switch (type) {
    case EVP_PKEY_RSA:
        return "RSA";
    case EVP_PKEY_EC:
        return "ECDSA";
    case EVP_PKEY_ED25519:
        return "Ed25519";
    case EVP_PKEY_ED448:
        return "Ed448";
    case EVP_PKEY_DSA:
        return "DSA";
    default:
        return OBJ_nid2sn(type);
    }
}

/* tls_certkey_install - hand a complete group to the context or connection */

static int tls_certkey_install(TLS_CERTKEY_READER *rd)
{
    TLS_CERTKEY_GROUP *g = &rd->group;
    int type = EVP_PKEY_get_base_id(g->key);
    int ok;

    if (g->cert == NULL)
        return tls_certkey_fail(rd->why,
                                "%s: private key at index %d is not followed by its certificate",
                                rd->what, g->key_index);
    for (int i = 0; i < rd->seen_count; i++) {
        if (rd->seen_types[i] == type) {
            msg_warn("%s: ignoring 2nd %s key at index %d after 1st at %d", rd->what,
                     tls_certkey_type_name(type), g->key_index, rd->seen_index[i]);
            tls_certkey_group_reset(g);
            return 0;
        }
    }
    if (rd->target.ctx)
        ok = SSL_CTX_use_cert_and_key(rd->target.ctx, g->cert, g->key, g->chain, 1);
    else
        ok = SSL_use_cert_and_key(rd->target.ssl, g->cert, g->key, g->chain, 1);
    if (ok != 1)
        return tls_certkey_fail(rd->why, "%s: cannot use the %s key at index %d: %s", rd->what,
                                tls_certkey_type_name(type), g->key_index,
                                ERR_reason_error_string(ERR_peek_last_error()));
    if (rd->seen_count < (int)(sizeof(rd->seen_types) / sizeof(rd->seen_types[0]))) {
        rd->seen_types[rd->seen_count] = type;
        rd->seen_index[rd->seen_count++] = g->key_index;
    }
    rd->loaded++;
    tls_certkey_group_reset(g);
    return 0;
}

/* tls_certkey_is_key - is this PEM object a private key */

static int tls_certkey_is_key(const char *name)
{
    size_t len = strlen(name);

    return len >= 11 && strcmp(name + len - 11, "PRIVATE KEY") == 0;
}

/* tls_certkey_add_key - start a group with a key */

static int tls_certkey_add_key(TLS_CERTKEY_READER *rd, const char *name, const unsigned char *data,
                               long len, int index)
{
    const unsigned char *p = data;
    EVP_PKEY *key;

    if (rd->group.key && tls_certkey_install(rd) < 0)
        return -1;
    if (strstr(name, "ENCRYPTED"))
        return tls_certkey_fail(rd->why, "%s: private key at index %d is encrypted", rd->what,
                                index);
    if ((key = d2i_AutoPrivateKey(NULL, &p, len)) == NULL)
        return tls_certkey_fail(rd->why, "%s: cannot decode the private key at index %d", rd->what,
                                index);
    rd->group.key = key;
    rd->group.key_index = index;
    return 0;
}

/* tls_certkey_add_cert - add a leaf or issuer certificate to the group */

static int tls_certkey_add_cert(TLS_CERTKEY_READER *rd, const unsigned char *data, long len,
                                int index)
{
    const unsigned char *p = data;
    X509 *cert;

    if (rd->group.key == NULL)
        return tls_certkey_fail(rd->why,
                                "%s: key not first: certificate at index %d comes before its "
                                "private key",
                                rd->what, index);
    if ((cert = d2i_X509(NULL, &p, len)) == NULL)
        return tls_certkey_fail(rd->why, "%s: cannot decode the certificate at index %d", rd->what,
                                index);
    if (rd->group.cert == NULL) {
        if (X509_check_private_key(cert, rd->group.key) != 1) {
            X509_free(cert);
            return tls_certkey_fail(rd->why,
                                    "%s: private key at index %d does not match the "
                                    "certificate at index %d",
                                    rd->what, rd->group.key_index, index);
        }
        rd->group.cert = cert;
        rd->group.chain = sk_X509_new_null();
    } else {
        sk_X509_push(rd->group.chain, cert);
    }
    return 0;
}

/* tls_certkey_pem_end_ok - did PEM reading stop at a clean end of input */

static int tls_certkey_pem_end_ok(void)
{
    unsigned long err = ERR_peek_last_error();

    return err == 0 ||
           (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE);
}

/* tls_certkey_read - read key and chain groups from a PEM source */

static int tls_certkey_read(TLS_CERTKEY_READER *rd, BIO *bio)
{
    char *name = NULL, *header = NULL;
    unsigned char *data = NULL;
    long len;
    int index = 0, status = 0;

    ERR_clear_error();
    while (status == 0 && PEM_read_bio(bio, &name, &header, &data, &len) == 1) {
        if (tls_certkey_is_key(name))
            status = tls_certkey_add_key(rd, name, data, len, ++index);
        else if (strcmp(name, "CERTIFICATE") == 0 || strcmp(name, "TRUSTED CERTIFICATE") == 0 ||
                 strcmp(name, "X509 CERTIFICATE") == 0)
            status = tls_certkey_add_cert(rd, data, len, ++index);
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(data);
    }
    if (status == 0 && !tls_certkey_pem_end_ok())
        status =
            tls_certkey_fail(rd->why, "%s: malformed PEM data after object %d", rd->what, index);
    if (status == 0 && index == 0)
        status = tls_certkey_fail(rd->why, "%s: no private key or certificate found", rd->what);
    if (status == 0 && rd->group.key)
        status = tls_certkey_install(rd);
    tls_certkey_group_reset(&rd->group);
    ERR_clear_error();
    return status;
}

/* tls_certkey_open - open a file for reading */

static BIO *tls_certkey_open(const char *param, const char *file, VSTRING *why)
{
    BIO *bio;

    errno = 0;
    if ((bio = BIO_new_file(file, "r")) == NULL)
        tls_certkey_fail(why, "cannot read %s = %s: %s", param, file,
                         errno ? strerror(errno) : "cannot open");
    return bio;
}

/* tls_certkey_chain_file - load one chain file */

static int tls_certkey_chain_file(TLS_CERTKEY_READER *rd, const char *param, const char *file)
{
    VSTRING *what = vstring_alloc(100);
    BIO *bio;
    int status;

    if ((bio = tls_certkey_open(param, file, rd->why)) == NULL) {
        vstring_free(what);
        return -1;
    }
    vstring_sprintf(what, "%s = %s", param, file);
    rd->what = vstring_str(what);
    status = tls_certkey_read(rd, bio);
    BIO_free(bio);
    vstring_free(what);
    rd->what = NULL;
    return status;
}

/* tls_certkey_read_certs - leaf and issuers from a certificate file */

static int tls_certkey_read_certs(const char *what, BIO *bio, X509 **out_leaf,
                                  STACK_OF(X509) * *out_chain, VSTRING *why)
{
    X509 *cert;

    ERR_clear_error();
    *out_leaf = NULL;
    *out_chain = sk_X509_new_null();
    while ((cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        if (*out_leaf == NULL)
            *out_leaf = cert;
        else
            sk_X509_push(*out_chain, cert);
    }
    if (!tls_certkey_pem_end_ok() || *out_leaf == NULL) {
        X509_free(*out_leaf);
        sk_X509_pop_free(*out_chain, X509_free);
        *out_leaf = NULL;
        *out_chain = NULL;
        return tls_certkey_fail(why, "%s: %s", what,
                                tls_certkey_pem_end_ok() ? "no certificate found"
                                                         : "malformed PEM certificate data");
    }
    ERR_clear_error();
    return 0;
}

/* tls_certkey_pair - load one legacy certificate and key file pair */

static int tls_certkey_pair(TLS_CERTKEY_READER *rd, const char *prefix, const char *kind,
                            const char *cert_file, const char *key_file)
{
    VSTRING *cert_what = vstring_alloc(100), *key_what = vstring_alloc(100);
    BIO *bio;
    int status = -1;

    if (key_file == NULL || *key_file == 0)
        key_file = cert_file;
    vstring_sprintf(cert_what, "%s_tls_%scert_file", prefix, kind);
    vstring_sprintf(key_what, "%s_tls_%skey_file", prefix, kind);
    if ((bio = tls_certkey_open(vstring_str(key_what), key_file, rd->why)) != NULL) {
        rd->group.key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
        BIO_free(bio);
        if (rd->group.key == NULL)
            tls_certkey_fail(rd->why, "%s = %s: no usable private key found", vstring_str(key_what),
                             key_file);
        else if ((bio = tls_certkey_open(vstring_str(cert_what), cert_file, rd->why)) != NULL) {
            vstring_sprintf_append(cert_what, " = %s", cert_file);
            status = tls_certkey_read_certs(vstring_str(cert_what), bio, &rd->group.cert,
                                            &rd->group.chain, rd->why);
            BIO_free(bio);
            if (status == 0 && X509_check_private_key(rd->group.cert, rd->group.key) != 1)
                status = tls_certkey_fail(
                    rd->why, "%s = %s: private key does not match the certificate in %s",
                    vstring_str(key_what), key_file, vstring_str(cert_what));
            rd->what = vstring_str(cert_what);
            if (status == 0)
                status = tls_certkey_install(rd);
            rd->what = NULL;
        }
    }
    tls_certkey_group_reset(&rd->group);
    vstring_free(cert_what);
    vstring_free(key_what);
    return status;
}

/* tls_certkey_load_chains - load every chain file */

static int tls_certkey_load_chains(TLS_CERTKEY_READER *rd, const TLS_CERTKEY_FILES *files)
{
    VSTRING *param = vstring_alloc(50);
    char *copy = mystrdup(files->chain_files), *cp = copy, *file;
    int status = 0;

    vstring_sprintf(param, "%s_tls_chain_files", files->param_prefix);
    while (status == 0 && (file = mystrtok(&cp, " \t\r\n,")) != NULL)
        status = tls_certkey_chain_file(rd, vstring_str(param), file);
    myfree(copy);
    vstring_free(param);
    return status;
}

/* tls_certkey_legacy_set - are any legacy files configured */

static int tls_certkey_legacy_set(const TLS_CERTKEY_FILES *f)
{
    return (f->cert_file && *f->cert_file) || (f->dcert_file && *f->dcert_file) ||
           (f->eccert_file && *f->eccert_file);
}

/* tls_certkey_load - load the local keys and chains */

int tls_certkey_load(SSL_CTX *ctx, const TLS_CERTKEY_FILES *files, VSTRING *why)
{
    TLS_CERTKEY_READER rd = {.target = {.ctx = ctx}, .why = why};
    const char *prefix = files->param_prefix ? files->param_prefix : "smtpd";
    int status = 0;

    if (files->chain_files && *files->chain_files) {
        if (tls_certkey_legacy_set(files))
            msg_warn("%s_tls_chain_files is set: ignoring the %s_tls_*cert_file and "
                     "%s_tls_*key_file settings",
                     prefix, prefix, prefix);
        status = tls_certkey_load_chains(&rd, files);
    } else {
        if (files->cert_file && strcasecmp(files->cert_file, "none") == 0)
            return TLS_CERTKEY_NONE;
        if (status == 0 && files->cert_file && *files->cert_file)
            status = tls_certkey_pair(&rd, prefix, "", files->cert_file, files->key_file);
        if (status == 0 && files->dcert_file && *files->dcert_file)
            status = tls_certkey_pair(&rd, prefix, "d", files->dcert_file, files->dkey_file);
        if (status == 0 && files->eccert_file && *files->eccert_file)
            status = tls_certkey_pair(&rd, prefix, "ec", files->eccert_file, files->eckey_file);
    }
    if (status < 0)
        return -1;
    return rd.loaded ? TLS_CERTKEY_LOADED : TLS_CERTKEY_NONE;
}

/* tls_certkey_load_pem - load key and chain groups from memory into a connection */

int tls_certkey_load_pem(SSL *ssl, const char *origin, const char *pem, size_t len, VSTRING *why)
{
    TLS_CERTKEY_READER rd = {.target = {.ssl = ssl}, .why = why, .what = origin};
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    int status;

    if (bio == NULL)
        return tls_certkey_fail(why, "%s: out of memory", origin);
    status = tls_certkey_read(&rd, bio);
    BIO_free(bio);
    if (status == 0 && rd.loaded == 0)
        status = tls_certkey_fail(why, "%s: no usable key and certificate", origin);
    return status;
}

/* tls_certkey_set_ca - trusted CAs */

int tls_certkey_set_ca(SSL_CTX *ctx, const char *param_prefix, const char *CAfile,
                       const char *CApath, bool append_default, VSTRING *why)
{
    struct stat st;

    ERR_clear_error();
    if (CAfile && *CAfile) {
        if (stat(CAfile, &st) < 0)
            return tls_certkey_fail(why, "cannot read %s_tls_CAfile = %s: %s", param_prefix, CAfile,
                                    strerror(errno));
        if (SSL_CTX_load_verify_file(ctx, CAfile) != 1)
            return tls_certkey_fail(why, "cannot load CA certificates from %s_tls_CAfile = %s: %s",
                                    param_prefix, CAfile,
                                    ERR_reason_error_string(ERR_peek_last_error()));
    }
    if (CApath && *CApath) {
        if (stat(CApath, &st) < 0 || !S_ISDIR(st.st_mode))
            return tls_certkey_fail(why, "cannot use %s_tls_CApath = %s: %s", param_prefix, CApath,
                                    errno ? strerror(errno) : "not a directory");
        if (SSL_CTX_load_verify_dir(ctx, CApath) != 1)
            return tls_certkey_fail(why, "cannot use %s_tls_CApath = %s", param_prefix, CApath);
    }
    if (append_default && SSL_CTX_set_default_verify_paths(ctx) != 1)
        return tls_certkey_fail(why, "cannot load the default CA store (tls_append_default_CA)");
    return 0;
}

/* tls_certkey_file_identity - path, size and time of a file for cache keys */

int tls_certkey_file_identity(VSTRING *out, const char *path)
{
    struct stat st;

    if (path == NULL || *path == 0)
        return 0;
    if (stat(path, &st) < 0) {
        vstring_sprintf_append(out, "%s:missing;", path);
        return -1;
    }
    vstring_sprintf_append(out, "%s:%lld:%lld.%09ld;", path, (long long)st.st_size,
                           (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
    return 0;
}
