/*++
 * NAME
 *	tls_tafile - trust anchor files for one client connection
 * SYNOPSIS
 *	#include <tls_tafile.h>
 *
 *	int	tls_tafile_load(SSL *ssl, const char *files, VSTRING *why);
 *	void	tls_tafile_identity(VSTRING *out, const char *files);
 * DESCRIPTION
 *	tls_tafile_load() reads the PEM certificates of each file in files
 *	(separated by whitespace or commas) into a new certificate store
 *	and makes it the only trust of ssl's peer verification, so that a
 *	chain verifies only when it leads to one of them; an anchor may be
 *	an intermediate CA or the server certificate itself. It returns 0, or
 *	-1 with a reason in why (an unreadable file, a file without
 *	certificates, a file with a public key alone: trust anchors that
 *	are bare public keys are not supported); the caller must then make
 *	sure that the peer cannot match.
 *
 *	tls_tafile_identity() appends "path:size:mtime" of each file to
 *	out, for the session cache key.
 * DIAGNOSTICS
 *	Returned.
 *--*/

#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "argv.h"
#include "vstring.h"

#include "tls_certkey.h"
#include "tls_tafile.h"

/* tls_tafile_read - the certificates of one file into store */

static int tls_tafile_read(X509_STORE *store, const char *path, VSTRING *why)
{
    BIO *bio = BIO_new_file(path, "r");
    X509 *cert;
    int count = 0;

    if (bio == NULL) {
        vstring_sprintf(why, "cannot open trust anchor file \"%s\"", path);
        return -1;
    }
    while ((cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        if (X509_STORE_add_cert(store, cert) == 1)
            count++;
        X509_free(cert);
    }
    ERR_clear_error();
    BIO_free(bio);
    if (count == 0) {
        vstring_sprintf(why,
                        "no certificates in trust anchor file \"%s\" (public keys alone are "
                        "not supported)",
                        path);
        return -1;
    }
    return 0;
}

/* tls_tafile_load - replace the trust of one connection */

int tls_tafile_load(SSL *ssl, const char *files, VSTRING *why)
{
    ARGV *list = argv_split(files, " \t\r\n,");
    X509_STORE *store = X509_STORE_new();
    int status = store ? 0 : -1;

    if (store == NULL)
        vstring_sprintf(why, "cannot allocate a certificate store");
    for (size_t i = 0; status == 0 && i < list->argc; i++)
        status = tls_tafile_read(store, list->argv[i], why);
    if (status == 0 && SSL_set1_verify_cert_store(ssl, store) != 1) {
        vstring_sprintf(why, "cannot install the trust anchors");
        status = -1;
    }
    /* A trust anchor need not be a self-signed root. */
    if (status == 0)
        X509_VERIFY_PARAM_set_flags(SSL_get0_param(ssl), X509_V_FLAG_PARTIAL_CHAIN);
    X509_STORE_free(store);
    argv_free(list);
    return status;
}

/* tls_tafile_identity - file identities for the cache key */

void tls_tafile_identity(VSTRING *out, const char *files)
{
    ARGV *list = argv_split(files ? files : "", " \t\r\n,");

    for (size_t i = 0; i < list->argc; i++)
        tls_certkey_file_identity(out, list->argv[i]);
    argv_free(list);
}
