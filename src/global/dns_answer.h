/*
 * dns_answer.h - DNS answers with their DNSSEC status
 *
 * dns_answer_parse() reads the records of one type (and the CNAMEs that
 * lead to them) from an answer packet, with the rcode and the AD bit;
 * dns_lookup() (dns_lookup.h) asks a resolver and hands the packet to it.
 * The parser is apart so that tests and fuzzers can feed packets.
 */
#ifndef DNS_ANSWER_H
#define DNS_ANSWER_H

#include <stdbool.h>
#include <stddef.h>

#include "vstring.h"

/* Lookup results. */
#define DNS_OK       0 /* found */
#define DNS_NODATA   1 /* the name exists, without records of this type */
#define DNS_NOTFOUND 2 /* the name does not exist */
#define DNS_RETRY    3 /* temporary failure (SERVFAIL, timeout, malformed) */
#define DNS_FAIL     4 /* permanent failure (REFUSED, FORMERR, NOTIMP) */

/* Record types that the module parses. */
#define DNS_T_A     1
#define DNS_T_NS    2
#define DNS_T_CNAME 5
#define DNS_T_MX    15
#define DNS_T_TXT   16
#define DNS_T_AAAA  28
#define DNS_T_TLSA  52

/* One record. */
typedef struct DNS_RR {
    char *name;          /* owner name, lowercase, no trailing dot, owned */
    int type;            /* DNS_T_* */
    unsigned ttl;        /* time to live, seconds */
    int pref;            /* MX preference */
    char *host;          /* MX exchange, NS host or CNAME target, lowercase, owned */
    char addr[48];       /* A or AAAA as text */
    int usage;           /* TLSA certificate usage */
    int selector;        /* TLSA selector */
    int mtype;           /* TLSA matching type */
    unsigned char *data; /* TLSA association data, TXT strings joined; owned */
    size_t data_len;     /* bytes in data */
} DNS_RR;

/* One answer. */
typedef struct DNS_ANSWER {
    DNS_RR *rr;   /* records: the type asked for and CNAMEs, in packet order, owned */
    size_t count; /* records used */
    int rcode;    /* the reply's rcode, -1 without a reply */
    bool secure;  /* AD bit: validated by the (trusted) resolver */
} DNS_ANSWER;

extern int dns_answer_parse(const unsigned char *packet, int len, int qtype, DNS_ANSWER *out,
                            VSTRING *why);
extern size_t dns_answer_count(const DNS_ANSWER *answer, int type);
extern void dns_answer_free(DNS_ANSWER *answer);
extern const char *dns_type_name(int type);
extern int dns_type_code(const char *name);

#endif
