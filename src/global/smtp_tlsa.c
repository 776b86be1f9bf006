/*++
 * NAME
 *	smtp_tlsa - the DANE TLSA records of one SMTP server
 * SYNOPSIS
 *	#include "smtp_tlsa.h"
 *
 *	int	smtp_tlsa_lookup(DNS_RESOLVER *resolver,
 *				const SMTP_TLSA_QUERY *query,
 *				SMTP_TLSA_LIST *out, VSTRING *why);
 *	int	smtp_tlsa_take(const char *base_domain,
 *				const DNS_ANSWER *answer, int mtype_mask,
 *				SMTP_TLSA_LIST *out);
 *	void	smtp_tlsa_digest(const SMTP_TLSA_LIST *list, VSTRING *out);
 *	void	smtp_tlsa_free(SMTP_TLSA_LIST *list);
 * DESCRIPTION
 *	smtp_tlsa_lookup() looks up the TLSA records of
 *	"_port._tcp.name" with dns_lookup(3) through resolver (either
 *	back end), by RFC 7672 section 2.2:
 *
 *	- When the host's address records were not validated
 *	  (query->host_secure false), nothing is looked up and the result
 *	  is SMTP_TLSA_NONE, unless query->force
 *	  (smtp_tls_force_insecure_host_tlsa_lookup): then the host name
 *	  itself is asked.
 *
 *	- Otherwise, when the host name is an alias (query->rname), the
 *	  expanded name is asked first; when it has no validated TLSA
 *	  records, the host name itself is. A lookup failure at the
 *	  expanded name ends the search.
 *
 *	Only a validated answer counts: an insecure RRset is as good as
 *	none. A CNAME at the TLSA name itself is followed by the resolver;
 *	the base domain stays the name that was asked for.
 *
 *	The result: SMTP_TLSA_FOUND (out->base_domain is the name whose
 *	records were found, out->rr the usable records), SMTP_TLSA_UNUSABLE
 *	(validated records, none usable: out->unusable counts them),
 *	SMTP_TLSA_NONE, or SMTP_TLSA_RETRY with why set (a failed or
 *	bogus lookup: the caller defers).
 *
 *	smtp_tlsa_take() sorts the TLSA records of an answer into out:
 *	usable are certificate usages 2 (DANE-TA) and 3 (DANE-EE), selectors
 *	0 and 1, and matching types whose bit is set in mtype_mask (bit 0,
 *	full data, always counts) with data of the right length (32 bytes
 *	for SHA2-256, 64 for SHA2-512). Usages 0 (PKIX-TA) and 1 (PKIX-EE)
 *	are unusable for SMTP (RFC 7672 section 3.1.3). It returns the
 *	status as smtp_tlsa_lookup() does; base_domain is copied. Each
 *	unusable record is warned about, as Postfix does
 *	("_25._tcp.mx.example.com unsupported TLSA certificate usage: 1 1 1
 *	HEX").
 *
 *	smtp_tlsa_digest() writes into out a SHA2-256 digest (hex) of the
 *	TLSA base domain and the usable records, the same for the same
 *	records in any order (resolvers rotate RRsets), or "none" for an
 *	empty list. Connection reuse keys carry it, so that a connection
 *	authenticated under one RRset never serves under another.
 *
 *	smtp_tlsa_free() releases what a list holds and empties it.
 * DIAGNOSTICS
 *	Returned; warnings for unusable records.
 * SEE ALSO
 *	dns_lookup(3), RFC 6698, RFC 7671, RFC 7672
 *--*/

/* System library. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* OpenSSL. */
#include <openssl/evp.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"

/* Global library. */
#include "dns_lookup.h"
#include "smtp_tlsa.h"

/* smtp_tlsa_unusable - say why a record cannot be used */

static bool smtp_tlsa_unusable(const DNS_RR *rr, const char *what)
{
    VSTRING *hex = vstring_alloc(2 * rr->data_len + 1);

    for (size_t i = 0; i < rr->data_len; i++)
        vstring_sprintf_append(hex, "%02X", rr->data[i]);
    msg_warn("%s %s: %d %d %d %s", rr->name, what, rr->usage, rr->selector, rr->mtype,
             vstring_str(hex));
    vstring_free(hex);
    return false;
}

/* smtp_tlsa_usable - can this record authenticate an SMTP server? */

static bool smtp_tlsa_usable(const DNS_RR *rr, int mtype_mask)
{
    if (rr->usage != 2 && rr->usage != 3)
        return smtp_tlsa_unusable(rr, "unsupported TLSA certificate usage");
    if (rr->selector != 0 && rr->selector != 1)
        return smtp_tlsa_unusable(rr, "unsupported TLSA selector");
    switch (rr->mtype) {
    case 0:
        return rr->data_len > 0 ? true : smtp_tlsa_unusable(rr, "malformed TLSA record");
    case 1:
    case 2:
        if (!(mtype_mask & (1 << rr->mtype)))
            return smtp_tlsa_unusable(rr, "unsupported TLSA matching type");
        if (rr->data_len != (rr->mtype == 1 ? 32u : 64u))
            return smtp_tlsa_unusable(rr, "malformed TLSA record");
        return true;
    default:
        return smtp_tlsa_unusable(rr, "unsupported TLSA matching type");
    }
}

/* smtp_tlsa_take - usable and unusable records of an answer */

int smtp_tlsa_take(const char *base_domain, const DNS_ANSWER *answer, int mtype_mask,
                   SMTP_TLSA_LIST *out)
{
    size_t found = 0;

    for (size_t i = 0; i < answer->count; i++) {
        const DNS_RR *rr = answer->rr + i;
        SMTP_TLSA *one;

        if (rr->type != DNS_T_TLSA)
            continue;
        found++;
        if (!smtp_tlsa_usable(rr, mtype_mask)) {
            out->unusable++;
            continue;
        }
        out->rr = myrealloc(out->rr, (out->count + 1) * sizeof(*out->rr));
        one = out->rr + out->count++;
        one->usage = rr->usage;
        one->selector = rr->selector;
        one->mtype = rr->mtype;
        one->len = rr->data_len;
        one->data = mymalloc(rr->data_len + 1);
        memcpy(one->data, rr->data, rr->data_len);
    }
    if (found == 0)
        return SMTP_TLSA_NONE;
    myfree(out->base_domain);
    out->base_domain = mystrdup(base_domain);
    return out->count > 0 ? SMTP_TLSA_FOUND : SMTP_TLSA_UNUSABLE;
}

/* smtp_tlsa_one - the validated TLSA RRset of one name */

static int smtp_tlsa_one(DNS_RESOLVER *resolver, const char *name, const SMTP_TLSA_QUERY *query,
                         SMTP_TLSA_LIST *out, VSTRING *why)
{
    VSTRING *qname = vstring_alloc(100);
    DNS_ANSWER answer = {0};
    int status;

    vstring_sprintf(qname, "_%u._tcp.%s", query->port, name);
    switch (dns_lookup(resolver, vstring_str(qname), DNS_T_TLSA, &answer, why)) {
    case DNS_OK:
        status =
            answer.secure ? smtp_tlsa_take(name, &answer, query->mtype_mask, out) : SMTP_TLSA_NONE;
        break;
    case DNS_NODATA:
    case DNS_NOTFOUND:
        status = SMTP_TLSA_NONE;
        break;
    default:
        status = SMTP_TLSA_RETRY;
        break;
    }
    dns_answer_free(&answer);
    vstring_free(qname);
    return status;
}

/* smtp_tlsa_lookup - the TLSA records of a server, by RFC 7672 */

int smtp_tlsa_lookup(DNS_RESOLVER *resolver, const SMTP_TLSA_QUERY *query, SMTP_TLSA_LIST *out,
                     VSTRING *why)
{
    int status = SMTP_TLSA_NONE;

    if (!query->host_secure && !query->force)
        return SMTP_TLSA_NONE;
    if (query->host_secure && query->rname && *query->rname)
        status = smtp_tlsa_one(resolver, query->rname, query, out, why);
    if (status == SMTP_TLSA_NONE)
        status = smtp_tlsa_one(resolver, query->host, query, out, why);
    return status;
}

/* smtp_tlsa_compare - order records by their content */

static int smtp_tlsa_compare(const void *a, const void *b)
{
    const SMTP_TLSA *x = *(const SMTP_TLSA *const *)a;
    const SMTP_TLSA *y = *(const SMTP_TLSA *const *)b;
    int diff;

    if ((diff = x->usage - y->usage) != 0 || (diff = x->selector - y->selector) != 0 ||
        (diff = x->mtype - y->mtype) != 0)
        return diff;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return memcmp(x->data, y->data, x->len);
}

/* smtp_tlsa_digest - a digest of the records, whatever their order */

void smtp_tlsa_digest(const SMTP_TLSA_LIST *list, VSTRING *out)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    const SMTP_TLSA **sorted;
    EVP_MD_CTX *ctx;

    VSTRING_RESET(out);
    if (list->count == 0 && list->base_domain == NULL) {
        vstring_strcpy(out, "none");
        return;
    }
    sorted = mymalloc((list->count + 1) * sizeof(*sorted));
    for (size_t i = 0; i < list->count; i++)
        sorted[i] = list->rr + i;
    qsort(sorted, list->count, sizeof(*sorted), smtp_tlsa_compare);
    if ((ctx = EVP_MD_CTX_new()) == NULL || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
        msg_fatal("%s: cannot start a SHA2-256 digest", __func__);
    /* The base domain with its terminator, then each record with its length. */
    EVP_DigestUpdate(ctx, list->base_domain ? list->base_domain : "",
                     list->base_domain ? strlen(list->base_domain) + 1 : 1);
    for (size_t i = 0; i < list->count; i++) {
        unsigned char head[7] = {
            (unsigned char)sorted[i]->usage,       (unsigned char)sorted[i]->selector,
            (unsigned char)sorted[i]->mtype,       (unsigned char)(sorted[i]->len >> 24),
            (unsigned char)(sorted[i]->len >> 16), (unsigned char)(sorted[i]->len >> 8),
            (unsigned char)sorted[i]->len,
        };

        EVP_DigestUpdate(ctx, head, sizeof(head));
        EVP_DigestUpdate(ctx, sorted[i]->data, sorted[i]->len);
    }
    if (!EVP_DigestFinal_ex(ctx, md, &md_len))
        msg_fatal("%s: cannot finish a SHA2-256 digest", __func__);
    EVP_MD_CTX_free(ctx);
    myfree(sorted);
    for (unsigned int i = 0; i < md_len; i++)
        vstring_sprintf_append(out, "%02x", md[i]);
}

/* smtp_tlsa_free - release the records */

void smtp_tlsa_free(SMTP_TLSA_LIST *list)
{
    for (size_t i = 0; i < list->count; i++)
        myfree(list->rr[i].data);
    myfree(list->rr);
    myfree(list->base_domain);
    memset(list, 0, sizeof(*list));
}
