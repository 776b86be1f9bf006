/*++
 * NAME
 *	dns_answer - DNS answers with their DNSSEC status
 * SYNOPSIS
 *	#include "dns_answer.h"
 *
 *	int	dns_answer_parse(const unsigned char *packet, int len,
 *				int qtype, DNS_ANSWER *out, VSTRING *why);
 *	size_t	dns_answer_count(const DNS_ANSWER *answer, int type);
 *	void	dns_answer_free(DNS_ANSWER *answer);
 *	const char *dns_type_name(int type);
 *	int	dns_type_code(const char *name);
 * DESCRIPTION
 *	dns_answer_parse() reads a reply packet: its rcode, its AD bit
 *	(whether a validating resolver found the answer DNSSEC-secure;
 *	meaningful only from a resolver that the program trusts, see
 *	dns_lookup(3)) and the answer section's records of class IN of
 *	type qtype (DNS_T_A, DNS_T_AAAA, DNS_T_MX, DNS_T_NS, DNS_T_TXT, DNS_T_TLSA)
 *	and of type CNAME, appended to out in packet order. Other records
 *	are skipped. The status: DNS_OK (records of type qtype found),
 *	DNS_NODATA (NOERROR without them), DNS_NOTFOUND (NXDOMAIN),
 *	DNS_RETRY (SERVFAIL, or a malformed packet: why says what),
 *	DNS_FAIL (another rcode: "Non-recoverable error"). out->rcode and out->secure are set
 *	whenever the header could be read.
 *
 *	dns_answer_count() counts the records of one type.
 *
 *	dns_answer_free() releases the records and empties the answer.
 *
 *	dns_type_name() and dns_type_code() convert between DNS_T_* and
 *	the names "A", "NS", "AAAA", "CNAME", "MX", "TXT", "TLSA" (NULL, -1 for
 *	others).
 * DIAGNOSTICS
 *	Returned.
 *--*/

/* System library. */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "mymalloc.h"
#include "stringops.h"

/* Application-specific. */
#include "dns_answer.h"

static const struct {
    int type;         /* DNS_T_* */
    const char *name; /* its name */
} dns_types[] = {
    {DNS_T_A, "A"},   {DNS_T_NS, "NS"},   {DNS_T_AAAA, "AAAA"}, {DNS_T_CNAME, "CNAME"},
    {DNS_T_MX, "MX"}, {DNS_T_TXT, "TXT"}, {DNS_T_TLSA, "TLSA"},
};

/* dns_type_name - the name of a type */

const char *dns_type_name(int type)
{
    for (size_t i = 0; i < sizeof(dns_types) / sizeof(dns_types[0]); i++)
        if (dns_types[i].type == type)
            return dns_types[i].name;
    return 0;
}

/* dns_type_code - the type of a name */

int dns_type_code(const char *name)
{
    for (size_t i = 0; i < sizeof(dns_types) / sizeof(dns_types[0]); i++)
        if (strcasecmp(dns_types[i].name, name) == 0)
            return dns_types[i].type;
    return -1;
}

/* dns_name_copy - a domain name, lowercase, without the trailing dot */

static char *dns_name_copy(const char *name)
{
    char *copy = lowercase(mystrdup(name));
    size_t len = strlen(copy);

    if (len > 1 && copy[len - 1] == '.')
        copy[len - 1] = 0;
    return copy;
}

/* dns_rr_data - the typed data of one record; false when malformed */

static bool dns_rr_data(const ns_msg *msg, const ns_rr *rr, DNS_RR *out)
{
    const unsigned char *rd = ns_rr_rdata(*rr);
    size_t len = ns_rr_rdlen(*rr);
    char name[NS_MAXDNAME];

    switch (out->type) {
    case DNS_T_A:
        return len == 4 && inet_ntop(AF_INET, rd, out->addr, sizeof(out->addr)) != 0;
    case DNS_T_AAAA:
        return len == 16 && inet_ntop(AF_INET6, rd, out->addr, sizeof(out->addr)) != 0;
    case DNS_T_MX:
    case DNS_T_NS:
    case DNS_T_CNAME: {
        size_t skip = out->type == DNS_T_MX ? 2 : 0;

        if (len < skip + 1 || ns_name_uncompress(ns_msg_base(*msg), ns_msg_end(*msg), rd + skip,
                                                 name, sizeof(name)) < 0)
            return false;
        if (skip)
            out->pref = ns_get16(rd);
        out->host = dns_name_copy(name);
        return true;
    }
    case DNS_T_TLSA:
        if (len < 3)
            return false;
        out->usage = rd[0];
        out->selector = rd[1];
        out->mtype = rd[2];
        out->data_len = len - 3;
        out->data = mymalloc(out->data_len + 1);
        memcpy(out->data, rd + 3, out->data_len);
        return true;
    case DNS_T_TXT:
        out->data = mymalloc(len + 1);
        out->data_len = 0;
        for (size_t pos = 0; pos < len; pos += 1 + rd[pos]) {
            if (pos + 1 + rd[pos] > len)
                return false;
            memcpy(out->data + out->data_len, rd + pos + 1, rd[pos]);
            out->data_len += rd[pos];
        }
        out->data[out->data_len] = 0;
        return true;
    }
    return false;
}

/* dns_rr_release - the owned parts of one record */

static void dns_rr_release(DNS_RR *rr)
{
    myfree(rr->name);
    if (rr->host)
        myfree(rr->host);
    if (rr->data)
        myfree(rr->data);
}

/* dns_answer_parse - records, rcode and AD bit from a reply */

int dns_answer_parse(const unsigned char *packet, int len, int qtype, DNS_ANSWER *out, VSTRING *why)
{
    ns_msg msg;
    ns_rr rr;
    size_t found = 0;

    out->rcode = -1;
    out->secure = false;
    if (len < NS_HFIXEDSZ || ns_initparse(packet, len, &msg) < 0)
        return (vstring_sprintf(why, "malformed name server reply"), DNS_RETRY);
    out->rcode = ns_msg_getflag(msg, ns_f_rcode);
    out->secure = ns_msg_getflag(msg, ns_f_ad) != 0;
    switch (out->rcode) {
    case ns_r_noerror:
        break;
    case ns_r_nxdomain:
        return (vstring_sprintf(why, "Host not found"), DNS_NOTFOUND);
    case ns_r_servfail:
        return (vstring_sprintf(why, "Host not found, try again"), DNS_RETRY);
    default:
        return (vstring_sprintf(why, "Non-recoverable error"), DNS_FAIL);
    }
    for (int i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
        DNS_RR one = {0};

        if (ns_parserr(&msg, ns_s_an, i, &rr) < 0)
            return (vstring_sprintf(why, "malformed name server reply"), DNS_RETRY);
        if (ns_rr_class(rr) != ns_c_in ||
            ((int)ns_rr_type(rr) != qtype && ns_rr_type(rr) != ns_t_cname))
            continue;
        one.type = ns_rr_type(rr);
        one.ttl = ns_rr_ttl(rr);
        one.name = dns_name_copy(ns_rr_name(rr));
        if (!dns_rr_data(&msg, &rr, &one)) {
            dns_rr_release(&one);
            vstring_sprintf(why, "malformed %s record in name server reply",
                            dns_type_name(ns_rr_type(rr)) ? dns_type_name(ns_rr_type(rr))
                                                          : "unknown");
            return DNS_RETRY;
        }
        out->rr = myrealloc(out->rr, (out->count + 1) * sizeof(*out->rr));
        out->rr[out->count++] = one;
        if (one.type == qtype)
            found++;
    }
    if (found == 0)
        return (vstring_sprintf(why, "No address associated with name"), DNS_NODATA);
    return DNS_OK;
}

/* dns_answer_count - records of one type */

size_t dns_answer_count(const DNS_ANSWER *answer, int type)
{
    size_t n = 0;

    for (size_t i = 0; i < answer->count; i++)
        n += answer->rr[i].type == type;
    return n;
}

/* dns_answer_free - release the records */

void dns_answer_free(DNS_ANSWER *answer)
{
    for (size_t i = 0; i < answer->count; i++)
        dns_rr_release(&answer->rr[i]);
    if (answer->rr)
        myfree(answer->rr);
    answer->rr = 0;
    answer->count = 0;
}
