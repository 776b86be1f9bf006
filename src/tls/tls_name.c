/*++
 * NAME
 *	tls_name - peer name matching (RFC 6125)
 * SYNOPSIS
 *	#include <tls_name.h>
 *
 *	int	tls_name_match(const char *reference, const char *presented);
 *	size_t	tls_name_address(const char *name, unsigned char *out_addr);
 *	ARGV	*tls_name_presented(X509 *cert, int *out_has_dns_san);
 *	const char *tls_name_match_cert(X509 *cert, const ARGV *references,
 *				char **out_matched);
 *	ARGV	*tls_name_expand(const char *strategies, const char *hostname,
 *				const char *nexthop);
 * DESCRIPTION
 *	tls_name_match() tells whether one presented DNS name satisfies one
 *	reference name, with the rules in tls_name.h. A reference that is an
 *	IP address never matches a DNS name, not even one that spells the
 *	address ("192.0.2.1", "*.0.2.1"), and neither does its subdomain
 *	form (".192.0.2.1").
 *
 *	tls_name_address() tells whether a name is an IP address: IPv4 in
 *	dotted-quad form, or IPv6, either of them bare or in brackets as a
 *	next hop writes them ("[192.0.2.1]", "[2001:db8::1]", also
 *	"[ipv6:2001:db8::1]"). It returns the length of the address (4 or
 *	16) and stores the address in network order in out_addr (room for
 *	16 bytes; may be NULL), or returns 0 for anything else.
 *
 *	tls_name_presented() returns the names a certificate presents for
 *	matching: its DNS subjectAltNames, or its subject CommonNames when
 *	it has none. Names with an embedded null byte are dropped.
 *	*out_has_dns_san (may be NULL) tells which case applied.
 *
 *	tls_name_match_cert() returns the first reference name that the
 *	certificate satisfies, or NULL. A DNS reference name is matched
 *	against the presented names; an IP address reference only against
 *	the certificate's iPAddress subjectAltNames (RFC 6125 section 1.7.2,
 *	RFC 5280), never against a DNS name or CommonName. When out_matched is not
 *	NULL it receives a new string (free with myfree()) naming the host
 *	that matched: the reference name, or for a ".domain" reference the
 *	presented name.
 *
 *	tls_name_expand() turns a list of match strategies (separated by
 *	whitespace, commas or colons) into reference names: "hostname" is
 *	the server's host name, "nexthop" the next-hop domain, "dot-nexthop"
 *	any subdomain of it, and any other word is taken literally (a host
 *	name, ".domain" for any subdomain, or an IP address, in brackets
 *	when it is an IPv6 address in the list). Names are lower-cased and
 *	lose a trailing dot; IP addresses are kept in their canonical text
 *	form without brackets. Empty and duplicate names are dropped, and so
 *	is the subdomain form of an address ("dot-nexthop" when the next hop
 *	is [192.0.2.1]): an address has no subdomains.
 *--*/

#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <openssl/x509v3.h>

#include "argv.h"
#include "mymalloc.h"
#include "stringops.h"

#include "tls_name.h"

/* tls_name_normal - lower-cased copy without a trailing dot, or NULL if unusable */

static char *tls_name_normal(const char *name, int allow_wildcard)
{
    size_t len = strlen(name);
    char *copy;

    if (len > 0 && name[len - 1] == '.')
        len--;
    if (len == 0 || len > 253)
        return NULL;
    copy = mystrndup(name, len);
    for (char *cp = copy; *cp; cp++) {
        unsigned char ch = *cp;

        if (isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || (allow_wildcard && ch == '*'))
            *cp = (char)tolower(ch);
        else {
            myfree(copy);
            return NULL;
        }
    }
    if (strstr(copy, "..") || (*copy == '.' && allow_wildcard)) {
        myfree(copy);
        return NULL;
    }
    return copy;
}

/* tls_name_is_subdomain - is name strictly below domain */

static int tls_name_is_subdomain(const char *name, const char *domain)
{
    size_t nlen = strlen(name), dlen = strlen(domain);

    return nlen > dlen + 1 && name[nlen - dlen - 1] == '.' &&
           strcmp(name + nlen - dlen, domain) == 0;
}

/* tls_name_wildcard_base - the part after "*." of a usable wildcard, or NULL */

static const char *tls_name_wildcard_base(const char *presented)
{
    const char *base;

    if (strncmp(presented, "*.", 2) != 0)
        return NULL;
    base = presented + 2;
    /* The wildcard needs two labels after it, and no other '*'. */
    if (strchr(base, '*') || strchr(base, '.') == NULL || *base == '.')
        return NULL;
    return base;
}

/* tls_name_compare - match normalised names */

static int tls_name_compare(const char *ref, const char *pres)
{
    const char *base = tls_name_wildcard_base(pres);

    if (strchr(pres, '*') && base == NULL)
        return 0;
    if (*ref == '.') {
        const char *domain = ref + 1;

        if (*domain == 0 || *domain == '.')
            return 0;
        if (base)
            return strcmp(base, domain) == 0 || tls_name_is_subdomain(base, domain);
        return tls_name_is_subdomain(pres, domain);
    }
    if (base) {
        const char *dot = strchr(ref, '.');

        return dot != NULL && dot != ref && strcmp(dot + 1, base) == 0;
    }
    return strcmp(ref, pres) == 0;
}

/* tls_name_address - length and bytes of an IP address name, 0 for other names */

size_t tls_name_address(const char *name, unsigned char *out_addr)
{
    unsigned char addr[sizeof(struct in6_addr)];
    char text[INET6_ADDRSTRLEN + 8];
    size_t len;
    size_t result = 0;

    if (name == NULL)
        return 0;
    len = strlen(name);
    if (*name == '[') {
        if (len < 2 || name[len - 1] != ']')
            return 0;
        name++;
        len -= 2;
        if (len > 5 && strncasecmp(name, "ipv6:", 5) == 0) {
            name += 5;
            len -= 5;
        }
    }
    if (len == 0 || len >= sizeof(text))
        return 0;
    memcpy(text, name, len);
    text[len] = 0;
    if (inet_pton(AF_INET, text, addr) == 1)
        result = 4;
    else if (inet_pton(AF_INET6, text, addr) == 1)
        result = 16;
    if (result && out_addr)
        memcpy(out_addr, addr, result);
    return result;
}

/* tls_name_match - does a presented name satisfy a reference name */

int tls_name_match(const char *reference, const char *presented)
{
    char *ref, *pres;
    int match = 0;

    if (reference == NULL || presented == NULL)
        return 0;
    /* An address is matched against iPAddress names only, and has no subdomains. */
    if (tls_name_address(reference + (*reference == '.'), NULL))
        return 0;
    if ((ref = tls_name_normal(reference, 0)) == NULL)
        return 0;
    if ((pres = tls_name_normal(presented, 1)) != NULL) {
        match = tls_name_compare(ref, pres);
        myfree(pres);
    }
    myfree(ref);
    return match;
}

/* tls_name_add_asn1 - add an ASN.1 string unless it hides a null byte */

static void tls_name_add_asn1(ARGV *names, const ASN1_STRING *str)
{
    unsigned char *utf8 = NULL;
    int len = ASN1_STRING_to_UTF8(&utf8, str);

    if (len >= 0 && memchr(utf8, 0, len) == NULL)
        argv_addn(names, (const char *)utf8, len);
    OPENSSL_free(utf8);
}

/* tls_name_presented - names a certificate presents */

ARGV *tls_name_presented(X509 *cert, int *out_has_dns_san)
{
    ARGV *names = argv_alloc(4);
    GENERAL_NAMES *gens = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    int has_dns = 0;

    for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
        const GENERAL_NAME *gen = sk_GENERAL_NAME_value(gens, i);

        if (gen->type == GEN_DNS) {
            has_dns = 1;
            tls_name_add_asn1(names, gen->d.dNSName);
        }
    }
    GENERAL_NAMES_free(gens);
    if (!has_dns) {
        const X509_NAME *subject = X509_get_subject_name(cert);
        int pos = -1;

        while ((pos = X509_NAME_get_index_by_NID(subject, NID_commonName, pos)) >= 0)
            tls_name_add_asn1(names, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, pos)));
    }
    if (out_has_dns_san)
        *out_has_dns_san = has_dns;
    return names;
}

/* tls_name_match_cert - first reference name that the certificate satisfies */

const char *tls_name_match_cert(X509 *cert, const ARGV *references, char **out_matched)
{
    ARGV *presented = tls_name_presented(cert, NULL);
    const char *found = NULL;
    unsigned char addr[sizeof(struct in6_addr)];
    size_t addr_len;

    for (size_t r = 0; found == NULL && references && r < references->argc; r++) {
        if ((addr_len = tls_name_address(references->argv[r], addr)) != 0) {
            /* iPAddress subjectAltNames only: OpenSSL never looks at the CN here. */
            if (X509_check_ip(cert, addr, addr_len, 0) == 1) {
                found = references->argv[r];
                if (out_matched)
                    *out_matched = mystrdup(found);
            }
            continue;
        }
        for (size_t p = 0; found == NULL && p < presented->argc; p++) {
            if (tls_name_match(references->argv[r], presented->argv[p])) {
                found = references->argv[r];
                if (out_matched)
                    *out_matched = mystrdup(*found == '.' ? presented->argv[p] : found);
            }
        }
    }
    argv_free(presented);
    return found;
}

/* tls_name_add_ref - add a normalised reference name once */

static void tls_name_add_ref(ARGV *refs, const char *prefix, const char *name)
{
    unsigned char addr[sizeof(struct in6_addr)];
    char text[INET6_ADDRSTRLEN];
    size_t addr_len;
    char *norm, *full;

    if (name == NULL || *name == 0)
        return;
    if ((addr_len = tls_name_address(name, addr)) != 0) {
        if (*prefix != 0)
            return; /* an address has no subdomains */
        inet_ntop(addr_len == 4 ? AF_INET : AF_INET6, addr, text, sizeof(text));
        name = text;
    } else if (*name == '.' && tls_name_address(name + 1, NULL)) {
        return; /* ".192.0.2.1" */
    }
    full = mymalloc(strlen(prefix) + strlen(name) + 1);
    strcpy(full, prefix);
    strcat(full, name);
    if (addr_len != 0)
        norm = mystrdup(full);
    else
        norm = tls_name_normal(full, 0);
    if (norm != NULL) {
        size_t i;

        for (i = 0; i < refs->argc && strcmp(refs->argv[i], norm) != 0; i++)
            /* void */;
        if (i == refs->argc)
            argv_add(refs, norm);
        myfree(norm);
    }
    myfree(full);
}

/* tls_name_next_token - next strategy word; a bracketed address may hold ':' */

static char *tls_name_next_token(char **bufp)
{
    static const char sep[] = " \t\r\n,:";
    char *start = *bufp + strspn(*bufp, sep);
    char *end;

    if (*start == 0)
        return NULL;
    end = start;
    if (*start == '[' && (end = strchr(start, ']')) != NULL)
        end++;
    else
        end = start;
    end += strcspn(end, sep);
    if (*end)
        *end++ = 0;
    *bufp = end;
    return start;
}

/* tls_name_expand - match strategies to reference names */

ARGV *tls_name_expand(const char *strategies, const char *hostname, const char *nexthop)
{
    ARGV *refs = argv_alloc(4);
    char *copy = mystrdup(strategies ? strategies : ""), *cp = copy, *tok;

    while ((tok = tls_name_next_token(&cp)) != NULL) {
        if (strcasecmp(tok, "hostname") == 0)
            tls_name_add_ref(refs, "", hostname);
        else if (strcasecmp(tok, "nexthop") == 0)
            tls_name_add_ref(refs, "", nexthop);
        else if (strcasecmp(tok, "dot-nexthop") == 0)
            tls_name_add_ref(refs, ".", nexthop);
        else
            tls_name_add_ref(refs, "", tok);
    }
    myfree(copy);
    return refs;
}
