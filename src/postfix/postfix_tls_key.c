/*++
 * NAME
 *	postfix_tls_key - keys, certificates, CSRs and digests for "postfix tls"
 * SYNOPSIS
 *	#include "postfix_tls.h"
 *
 *	EVP_PKEY *postfix_tls_key_generate(const char *algorithm,
 *					const char *bits, VSTRING *why);
 *	EVP_PKEY *postfix_tls_key_read(const char *path, VSTRING *why);
 *	int	postfix_tls_key_read_each(const char *path,
 *				void (*fn)(EVP_PKEY *key, void *context),
 *				void *context, VSTRING *why);
 *	const char *postfix_tls_key_algorithm(const EVP_PKEY *key);
 *	int	postfix_tls_key_write(const EVP_PKEY *key, const char *path,
 *					VSTRING *why);
 *	int	postfix_tls_cert_write(EVP_PKEY *key, const ARGV *names,
 *					const char *path, VSTRING *why);
 *	EVP_PKEY *postfix_tls_cert_pubkey(const char *path, VSTRING *why);
 *	int	postfix_tls_csr_write(EVP_PKEY *key, const ARGV *names, int fd,
 *					VSTRING *why);
 *	void	postfix_tls_spki_sha256(const EVP_PKEY *key, VSTRING *out);
 * DESCRIPTION
 *	These functions do the cryptography of postfix_tls(3) with the
 *	OpenSSL library, so that no openssl(1) command is needed.
 *
 *	postfix_tls_key_generate() makes a new key: algorithm "rsa" with
 *	bits the modulus size (2048 to 16384), or "ecdsa" with bits a curve
 *	name (secp256r1, also called prime256v1, secp384r1, secp521r1).
 *
 *	postfix_tls_key_read() reads the first private key of a PEM file.
 *	It never asks for a passphrase: an encrypted key is an error.
 *
 *	postfix_tls_key_read_each() calls fn for every private key of a
 *	PEM file (a chain file holds one per algorithm), in file order; the
 *	key is freed after the call. It returns the number of keys, or -1
 *	with why set when the file cannot be opened or has no key.
 *
 *	postfix_tls_key_algorithm() returns "rsa", "ecdsa", or NULL for
 *	other key types.
 *
 *	postfix_tls_key_write() writes key unencrypted into a new file,
 *	created with mode 0600 (never readable by others, whatever the
 *	umask); an existing file is an error and stays untouched.
 *
 *	postfix_tls_cert_write() writes a new self-signed certificate for
 *	key into a new file (mode 0644): X.509 version 3, a random 128-bit
 *	serial number, valid from now for 36525 days, subject and issuer
 *	CN=names[0], every name as a DNS subject alternative name, not a CA,
 *	extended key usage serverAuth and clientAuth, signed with SHA-256.
 *
 *	postfix_tls_cert_pubkey() returns the public key of the first
 *	certificate in a PEM file.
 *
 *	postfix_tls_csr_write() writes to fd a PEM certificate signing
 *	request for key: an empty subject and the names as DNS subject
 *	alternative names (what certificate authorities read today),
 *	extended key usage serverAuth and clientAuth, signed with SHA-256.
 *
 *	postfix_tls_spki_sha256() sets out to the lower-case hex SHA-256
 *	digest of the DER SubjectPublicKeyInfo of key: the data of a DANE
 *	TLSA "3 1 1" record.
 *
 *	Keys are the caller's to free with EVP_PKEY_free(). Names must be
 *	host names (letters, digits, "-", "." and a leading "*.").
 * DIAGNOSTICS
 *	Functions that can fail return NULL or -1 with one sentence in why,
 *	naming the file and, when OpenSSL failed, its reason.
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* OpenSSL. */
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* Utility library. */
#include "argv.h"
#include "msg.h"
#include "vstring.h"

/* Application-specific. */
#include "postfix_tls.h"

#define TLS_KEY_RSA_MIN_BITS 2048  /* smaller keys are refused by peers */
#define TLS_KEY_RSA_MAX_BITS 16384 /* larger ones take minutes to make */
#define TLS_KEY_CERT_DAYS    36525 /* about a century, as Postfix's certificates */
#define TLS_KEY_SERIAL_BITS  128   /* random serial number */

/* tls_key_error - why = text + OpenSSL's reason; returns -1 */

static int tls_key_error(VSTRING *why, const char *text, const char *path)
{
    unsigned long err = ERR_peek_last_error();
    char reason[256];

    vstring_sprintf(why, "%s%s%s", text, path ? " " : "", path ? path : "");
    if (err != 0) {
        ERR_error_string_n(err, reason, sizeof(reason));
        vstring_sprintf_append(why, ": %s", reason);
    }
    ERR_clear_error();
    return -1;
}

/* tls_key_no_passphrase - never prompt for a passphrase */

static int tls_key_no_passphrase(char *unused_buf, int unused_size, int unused_rwflag,
                                 void *unused_context)
{
    return -1;
}

/* postfix_tls_key_generate - a new RSA or ECDSA key */

EVP_PKEY *postfix_tls_key_generate(const char *algorithm, const char *bits, VSTRING *why)
{
    EVP_PKEY *key = NULL;

    if (strcmp(algorithm, POSTFIX_TLS_ALG_RSA) == 0) {
        char *end;
        long n = strtol(bits, &end, 10);

        if (*bits == 0 || *end != 0 || n < TLS_KEY_RSA_MIN_BITS || n > TLS_KEY_RSA_MAX_BITS) {
            vstring_sprintf(why, "bad RSA key size \"%s\": want %d to %d bits", bits,
                            TLS_KEY_RSA_MIN_BITS, TLS_KEY_RSA_MAX_BITS);
            return NULL;
        }
        key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)n);
    } else if (strcmp(algorithm, POSTFIX_TLS_ALG_ECDSA) == 0) {
        /* OpenSSL knows the SEC name of P-256 by its X9.62 name only. */
        const char *curve = strcmp(bits, "secp256r1") == 0 ? "prime256v1" : bits;

        key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
    } else {
        vstring_sprintf(why, "unsupported key algorithm \"%s\": want %s or %s", algorithm,
                        POSTFIX_TLS_ALG_RSA, POSTFIX_TLS_ALG_ECDSA);
        return NULL;
    }
    if (key == NULL) {
        VSTRING *text = vstring_alloc(100);

        vstring_sprintf(text, "cannot generate a key (%s %s)", algorithm, bits);
        (void)tls_key_error(why, vstring_str(text), NULL);
        vstring_free(text);
    }
    return key;
}

/* postfix_tls_key_read - the private key of a PEM file */

EVP_PKEY *postfix_tls_key_read(const char *path, VSTRING *why)
{
    BIO *bio = BIO_new_file(path, "r");
    EVP_PKEY *key;

    if (bio == NULL) {
        vstring_sprintf(why, "cannot open private key file %s: %m", path);
        ERR_clear_error();
        return NULL;
    }
    key = PEM_read_bio_PrivateKey(bio, NULL, tls_key_no_passphrase, NULL);
    BIO_free(bio);
    if (key == NULL)
        (void)tls_key_error(why, "no usable private key in", path);
    return key;
}

/* postfix_tls_key_read_each - every private key of a PEM file */

int postfix_tls_key_read_each(const char *path, void (*fn)(EVP_PKEY *key, void *context),
                              void *context, VSTRING *why)
{
    BIO *bio = BIO_new_file(path, "r");
    EVP_PKEY *key;
    int count = 0;

    if (bio == NULL) {
        vstring_sprintf(why, "cannot open private key file %s: %m", path);
        ERR_clear_error();
        return -1;
    }
    while ((key = PEM_read_bio_PrivateKey(bio, NULL, tls_key_no_passphrase, NULL)) != NULL) {
        fn(key, context);
        EVP_PKEY_free(key);
        count++;
    }
    BIO_free(bio);
    if (count == 0)
        return tls_key_error(why, "no usable private key in", path);
    ERR_clear_error(); /* the end of the file is an error to PEM_read_bio */
    return count;
}

/* postfix_tls_key_algorithm - "rsa", "ecdsa" or NULL */

const char *postfix_tls_key_algorithm(const EVP_PKEY *key)
{
    if (EVP_PKEY_is_a(key, "RSA"))
        return POSTFIX_TLS_ALG_RSA;
    if (EVP_PKEY_is_a(key, "EC"))
        return POSTFIX_TLS_ALG_ECDSA;
    return NULL;
}

/* tls_key_create - a new file with a mode, as a BIO */

static BIO *tls_key_create(const char *path, mode_t mode, VSTRING *why)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    BIO *bio;

    if (fd < 0) {
        vstring_sprintf(why, "cannot create %s: %m", path);
        return NULL;
    }
    if (fchmod(fd, mode) < 0) {
        vstring_sprintf(why, "cannot set the mode of %s: %m", path);
        (void)close(fd);
        (void)unlink(path);
        return NULL;
    }
    if ((bio = BIO_new_fd(fd, BIO_CLOSE)) == NULL) {
        (void)tls_key_error(why, "cannot write", path);
        (void)close(fd);
        (void)unlink(path);
    }
    return bio;
}

/* tls_key_close - flush and close a new file; remove it after a failure */

static int tls_key_close(BIO *bio, const char *path, bool ok, VSTRING *why)
{
    int fd = -1;

    if (ok && BIO_flush(bio) <= 0) {
        (void)tls_key_error(why, "cannot write", path);
        ok = false;
    }
    if (ok && BIO_get_fd(bio, &fd) >= 0 && fsync(fd) < 0) {
        vstring_sprintf(why, "cannot write %s: %m", path);
        ok = false;
    }
    BIO_free_all(bio);
    if (!ok)
        (void)unlink(path);
    return ok ? 0 : -1;
}

/* postfix_tls_key_write - the key, unencrypted, into a new mode 0600 file */

int postfix_tls_key_write(const EVP_PKEY *key, const char *path, VSTRING *why)
{
    BIO *bio = tls_key_create(path, 0600, why);
    bool ok;

    if (bio == NULL)
        return -1;
    ok = PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) == 1;
    if (!ok)
        (void)tls_key_error(why, "cannot write", path);
    return tls_key_close(bio, path, ok, why);
}

/* tls_key_names_ok - host names only: they go into an extension text */

static int tls_key_names_ok(const ARGV *names, VSTRING *why)
{
    if (names->argc == 0) {
        vstring_strcpy(why, "no host name for the certificate");
        return -1;
    }
    for (size_t i = 0; i < names->argc; i++) {
        const char *name = names->argv[i];
        const char *rest = strncmp(name, "*.", 2) == 0 ? name + 2 : name;

        if (*rest == 0 || strspn(rest, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "0123456789-.") != strlen(rest)) {
            vstring_sprintf(why, "bad host name \"%s\"", name);
            return -1;
        }
    }
    return 0;
}

/* tls_key_add_ext - add one extension, given as OpenSSL configuration text */

static int tls_key_add_ext(STACK_OF(X509_EXTENSION) * exts, X509V3_CTX *ctx, int nid,
                           const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);

    if (ext == NULL)
        return -1;
    if (sk_X509_EXTENSION_push(exts, ext) <= 0) {
        X509_EXTENSION_free(ext);
        return -1;
    }
    return 0;
}

/* tls_key_extensions - the extensions of a certificate or a request */

static STACK_OF(X509_EXTENSION) * tls_key_extensions(X509V3_CTX *ctx, const ARGV *names, bool cert)
{
    STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
    VSTRING *alt = vstring_alloc(100);
    int status = exts ? 0 : -1;

    for (size_t i = 0; i < names->argc; i++)
        vstring_sprintf_append(alt, "%sDNS:%s", i ? "," : "", names->argv[i]);
    if (status == 0 && cert)
        status = tls_key_add_ext(exts, ctx, NID_basic_constraints, "critical,CA:FALSE");
    if (status == 0 && cert)
        status = tls_key_add_ext(exts, ctx, NID_subject_key_identifier, "hash");
    if (status == 0)
        status = tls_key_add_ext(exts, ctx, NID_ext_key_usage, "serverAuth,clientAuth");
    if (status == 0)
        status = tls_key_add_ext(exts, ctx, NID_subject_alt_name, vstring_str(alt));
    vstring_free(alt);
    if (status < 0 && exts) {
        sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
        exts = NULL;
    }
    return exts;
}

/* tls_key_serial - a random positive serial number */

static int tls_key_serial(X509 *cert)
{
    BIGNUM *bn = BN_new();
    int ok = bn && BN_rand(bn, TLS_KEY_SERIAL_BITS, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
             BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != NULL;

    BN_free(bn);
    return ok ? 0 : -1;
}

/* tls_key_cert_build - the self-signed certificate, or NULL */

static X509 *tls_key_cert_build(EVP_PKEY *key, const ARGV *names)
{
    X509 *cert = X509_new();
    X509_NAME *name = X509_get_subject_name(cert);
    STACK_OF(X509_EXTENSION) *exts = NULL;
    X509V3_CTX ctx;
    bool ok;

    ok = cert && X509_set_version(cert, X509_VERSION_3) == 1 && tls_key_serial(cert) == 0 &&
         X509_gmtime_adj(X509_getm_notBefore(cert), 0) != NULL &&
         X509_time_adj_ex(X509_getm_notAfter(cert), TLS_KEY_CERT_DAYS, 0, NULL) != NULL &&
         X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)names->argv[0],
                                    -1, -1, 0) == 1 &&
         X509_set_issuer_name(cert, name) == 1 && X509_set_pubkey(cert, key) == 1;
    if (ok) {
        X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
        ok = (exts = tls_key_extensions(&ctx, names, true)) != NULL;
    }
    for (int i = 0; ok && i < sk_X509_EXTENSION_num(exts); i++)
        ok = X509_add_ext(cert, sk_X509_EXTENSION_value(exts, i), -1) == 1;
    ok = ok && X509_sign(cert, key, EVP_sha256()) > 0;
    if (exts)
        sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    if (!ok) {
        X509_free(cert);
        return NULL;
    }
    return cert;
}

/* postfix_tls_cert_write - a self-signed certificate into a new file */

int postfix_tls_cert_write(EVP_PKEY *key, const ARGV *names, const char *path, VSTRING *why)
{
    X509 *cert;
    BIO *bio;
    bool ok;

    if (tls_key_names_ok(names, why) < 0)
        return -1;
    if ((cert = tls_key_cert_build(key, names)) == NULL)
        return tls_key_error(why, "cannot make a certificate for", path);
    if ((bio = tls_key_create(path, 0644, why)) == NULL) {
        X509_free(cert);
        return -1;
    }
    ok = PEM_write_bio_X509(bio, cert) == 1;
    if (!ok)
        (void)tls_key_error(why, "cannot write", path);
    X509_free(cert);
    return tls_key_close(bio, path, ok, why);
}

/* postfix_tls_cert_pubkey - the public key of a PEM certificate file */

EVP_PKEY *postfix_tls_cert_pubkey(const char *path, VSTRING *why)
{
    BIO *bio = BIO_new_file(path, "r");
    EVP_PKEY *key = NULL;
    X509 *cert;

    if (bio == NULL) {
        vstring_sprintf(why, "cannot open certificate file %s: %m", path);
        ERR_clear_error();
        return NULL;
    }
    cert = PEM_read_bio_X509(bio, NULL, tls_key_no_passphrase, NULL);
    BIO_free(bio);
    if (cert == NULL || (key = X509_get_pubkey(cert)) == NULL)
        (void)tls_key_error(why, "no usable certificate in", path);
    X509_free(cert);
    return key;
}

/* postfix_tls_csr_write - a certificate signing request */

int postfix_tls_csr_write(EVP_PKEY *key, const ARGV *names, int fd, VSTRING *why)
{
    X509_REQ *req = X509_REQ_new();
    STACK_OF(X509_EXTENSION) *exts = NULL;
    BIO *bio = NULL;
    X509V3_CTX ctx;
    bool ok;

    if (tls_key_names_ok(names, why) < 0) {
        X509_REQ_free(req);
        return -1;
    }
    X509V3_set_ctx(&ctx, NULL, NULL, req, NULL, 0);
    ok = req && X509_REQ_set_version(req, X509_REQ_VERSION_1) == 1 &&
         X509_REQ_set_pubkey(req, key) == 1 &&
         (exts = tls_key_extensions(&ctx, names, false)) != NULL &&
         X509_REQ_add_extensions(req, exts) == 1 && X509_REQ_sign(req, key, EVP_sha256()) > 0 &&
         (bio = BIO_new_fd(fd, BIO_NOCLOSE)) != NULL && PEM_write_bio_X509_REQ(bio, req) == 1 &&
         BIO_flush(bio) > 0;
    if (!ok)
        (void)tls_key_error(why, "cannot make a certificate signing request", NULL);
    if (exts)
        sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    BIO_free(bio);
    X509_REQ_free(req);
    return ok ? 0 : -1;
}

/* postfix_tls_spki_sha256 - hex SHA-256 of the DER public key */

void postfix_tls_spki_sha256(const EVP_PKEY *key, VSTRING *out)
{
    unsigned char *der = NULL;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    int len = i2d_PUBKEY(key, &der);

    if (len <= 0 || EVP_Digest(der, (size_t)len, md, &md_len, EVP_sha256(), NULL) != 1)
        msg_fatal("%s: cannot compute a SHA-256 digest: OpenSSL failed", __func__);
    OPENSSL_free(der);
    vstring_truncate(out, 0);
    for (unsigned int i = 0; i < md_len; i++)
        vstring_sprintf_append(out, "%02x", md[i]);
}
