/*++
 * NAME
 *	tls_options - OpenSSL option bits from tls_ssl_options and
 *	tls_disable_workarounds
 * SYNOPSIS
 *	#include <tls_options.h>
 *
 *	int	tls_ssl_options(const char *param_name, const char *value,
 *				uint64_t *out_bits);
 *	int	tls_bug_bits(const char *param_name, const char *value,
 *				uint64_t *out_bits);
 * DESCRIPTION
 *	tls_ssl_options() parses a tls_ssl_options value into the extra
 *	option bits to set: names such as NO_TICKET, NO_COMPRESSION,
 *	PRIORITIZE_CHACHA, ENABLE_MIDDLEBOX_COMPAT, LEGACY_SERVER_CONNECT,
 *	NO_RENEGOTIATION, or hex numbers.
 *
 *	tls_bug_bits() returns SSL_OP_ALL without the workarounds named (or
 *	given as hex) in a tls_disable_workarounds value.
 *
 *	Both return 0, or -1 after a warning that names param_name and the
 *	bad element; *out_bits is then left unchanged.
 *--*/

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/ssl.h>

#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

#include "tls_options.h"

typedef struct {
    const char *name;
    uint64_t bits;
} TLS_OPTION_NAME;

/* Options that tls_ssl_options may add. */
static const TLS_OPTION_NAME tls_ssl_option_names[] = {
    {"ENABLE_MIDDLEBOX_COMPAT", SSL_OP_ENABLE_MIDDLEBOX_COMPAT},
    {"LEGACY_SERVER_CONNECT", SSL_OP_LEGACY_SERVER_CONNECT},
    {"NO_TICKET", SSL_OP_NO_TICKET},
    {"NO_COMPRESSION", SSL_OP_NO_COMPRESSION},
    {"NO_RENEGOTIATION", SSL_OP_NO_RENEGOTIATION},
    {"NO_SESSION_RESUMPTION_ON_RENEGOTIATION", SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION},
    {"PRIORITIZE_CHACHA", SSL_OP_PRIORITIZE_CHACHA},
    {"ALLOW_NO_DHE_KEX", SSL_OP_ALLOW_NO_DHE_KEX},
    {"NO_ANTI_REPLAY", SSL_OP_NO_ANTI_REPLAY},
    {"NO_ENCRYPT_THEN_MAC", SSL_OP_NO_ENCRYPT_THEN_MAC},
    {"NO_EXTENDED_MASTER_SECRET", SSL_OP_NO_EXTENDED_MASTER_SECRET},
    {"DISABLE_TLSEXT_CA_NAMES", SSL_OP_DISABLE_TLSEXT_CA_NAMES},
    {"CLEANSE_PLAINTEXT", SSL_OP_CLEANSE_PLAINTEXT},
    {0, 0},
};

/* Workarounds in SSL_OP_ALL (and historic ones that are now 0). */
static const TLS_OPTION_NAME tls_bug_names[] = {
    {"CRYPTOPRO_TLSEXT_BUG", SSL_OP_CRYPTOPRO_TLSEXT_BUG},
    {"DONT_INSERT_EMPTY_FRAGMENTS", SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS},
    {"TLSEXT_PADDING", SSL_OP_TLSEXT_PADDING},
    {"SAFARI_ECDHE_ECDSA_BUG", SSL_OP_SAFARI_ECDHE_ECDSA_BUG},
    {"LEGACY_SERVER_CONNECT", SSL_OP_LEGACY_SERVER_CONNECT},
    {"TLS_ROLLBACK_BUG", SSL_OP_TLS_ROLLBACK_BUG},
    {"MICROSOFT_BIG_SSLV3_BUFFER", 0},
    {"MICROSOFT_SESS_ID_BUG", 0},
    {"MSIE_SSLV2_RSA_PADDING", 0},
    {"NETSCAPE_CHALLENGE_BUG", 0},
    {"NETSCAPE_REUSE_CIPHER_CHANGE_BUG", 0},
    {"SSLEAY_080_CLIENT_DH_BUG", 0},
    {"SSLREF2_REUSE_CERT_TYPE_BUG", 0},
    {"TLS_BLOCK_PADDING_BUG", 0},
    {"TLS_D5_BUG", 0},
    {0, 0},
};

/* Bits that the library manages through dedicated settings. */
#define TLS_OPTIONS_MANAGED                                                                        \
    (SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_SSL_MASK)

/* tls_options_parse - names or hex numbers to bits */

static int tls_options_parse(const char *param_name, const char *value,
                             const TLS_OPTION_NAME *table, uint64_t *out_bits)
{
    char *copy = mystrdup(value ? value : "");
    char *cp = copy, *tok;
    uint64_t bits = 0;
    int status = 0;

    while (status == 0 && (tok = mystrtok(&cp, " \t\r\n,")) != NULL) {
        const TLS_OPTION_NAME *op;
        char *end;

        for (op = table; op->name && strcasecmp(op->name, tok) != 0; op++)
            /* void */;
        if (op->name) {
            bits |= op->bits;
        } else if (strncasecmp(tok, "0x", 2) == 0 && tok[2] &&
                   (strtoull(tok + 2, &end, 16), *end == 0)) {
            bits |= strtoull(tok + 2, NULL, 16);
        } else {
            msg_warn("%s: unknown option \"%s\" in \"%s\"", param_name, tok, value);
            status = -1;
        }
    }
    myfree(copy);
    if (status == 0)
        *out_bits = bits;
    return status;
}

/* tls_ssl_options - extra option bits */

int tls_ssl_options(const char *param_name, const char *value, uint64_t *out_bits)
{
    uint64_t bits;

    if (tls_options_parse(param_name, value, tls_ssl_option_names, &bits) < 0)
        return -1;
    if (bits & TLS_OPTIONS_MANAGED) {
        msg_warn("%s: ignoring option bits 0x%llx that are managed by other settings", param_name,
                 (unsigned long long)(bits & TLS_OPTIONS_MANAGED));
        bits &= ~(uint64_t)TLS_OPTIONS_MANAGED;
    }
    *out_bits = bits;
    return 0;
}

/* tls_bug_bits - workaround bits to enable */

int tls_bug_bits(const char *param_name, const char *value, uint64_t *out_bits)
{
    uint64_t disable;

    if (tls_options_parse(param_name, value, tls_bug_names, &disable) < 0)
        return -1;
    *out_bits = SSL_OP_ALL & ~disable;
    return 0;
}
