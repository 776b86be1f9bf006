/* dns_answer_test - DNS reply packets built by hand, parsed by dns_answer_parse() */

#include <string.h>

#include "dns_answer.h"
#include "msg.h"
#include "vstring.h"
#include "test.h"

/* TEST_UNDER_VALGRIND TEST_LEAK_CHECK */

/* A packet under construction. */
typedef struct PKT {
    unsigned char buf[1024]; /* the bytes */
    int len;                 /* bytes used */
} PKT;

#define F_AD 0x0020 /* the AD bit in the flags word */

/* put16 - a 16-bit value, network order */

static void put16(PKT *p, unsigned v)
{
    p->buf[p->len++] = v >> 8;
    p->buf[p->len++] = v & 0xff;
}

/* put_bytes - raw bytes */

static void put_bytes(PKT *p, const void *data, int len)
{
    memcpy(p->buf + p->len, data, len);
    p->len += len;
}

/* put_name - a name in wire form, from "\3www\7example\4test" notation plus the root */

static void put_name(PKT *p, const char *labels)
{
    put_bytes(p, labels, (int)strlen(labels) + 1);
}

/* header - the header with rcode, flags and counts; the question for qname/qtype */

static void header(PKT *p, unsigned flags, int rcode, int ancount, const char *qname, int qtype)
{
    p->len = 0;
    put16(p, 0x1234);
    put16(p, 0x8180 | flags | rcode); /* QR RD RA */
    put16(p, 1);
    put16(p, ancount);
    put16(p, 0);
    put16(p, 0);
    put_name(p, qname); /* at offset 12 */
    put16(p, qtype);
    put16(p, 1);
}

/* rr - a record owned by the question name (pointer to offset 12) */

static void rr(PKT *p, int type, const void *rdata, int rdlen)
{
    put16(p, 0xc00c);
    put16(p, type);
    put16(p, 1);
    put16(p, 0);
    put16(p, 300);
    put16(p, rdlen);
    put_bytes(p, rdata, rdlen);
}

/* parse - the packet, into an emptied answer */

static int parse(const PKT *p, int qtype, DNS_ANSWER *a, VSTRING *why)
{
    dns_answer_free(a);
    return dns_answer_parse(p->buf, p->len, qtype, a, why);
}

/* test_records - each type's data */

static void test_records(void)
{
    PKT p;
    DNS_ANSWER a = {0};
    VSTRING *why = vstring_alloc(10);
    static const unsigned char ip4[] = {192, 0, 2, 7};
    static const unsigned char ip6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    /* MX 10 mx.<pointer to example.test at offset 16> */
    static const unsigned char mx[] = {0, 10, 2, 'm', 'x', 0xc0, 16};
    static const unsigned char tlsa[] = {3, 1, 1, 0xde, 0xad, 0xbe, 0xef};
    static const unsigned char txt[] = {5, 'v', '=', 's', 'p', 'f', 4, '1', ' ', '-', 'a'};
    static const unsigned char cname[] = {1, 'h', 0xc0, 12};

    header(&p, F_AD, 0, 1, "\3www\7EXAMPLE\4test", DNS_T_A);
    rr(&p, DNS_T_A, ip4, 4);
    TEST_INT_EQ(parse(&p, DNS_T_A, &a, why), DNS_OK, "A record found");
    TEST_CHECK(a.secure, "AD bit set: secure");
    TEST_INT_EQ(a.rcode, 0, "rcode NOERROR");
    TEST_INT_EQ((int)a.count, 1, "one record");
    TEST_STR_EQ(a.rr[0].name, "www.example.test", "owner name lowercase, no trailing dot");
    TEST_STR_EQ(a.rr[0].addr, "192.0.2.7", "the address");
    TEST_INT_EQ((int)a.rr[0].ttl, 300, "the TTL");

    header(&p, 0, 0, 1, "\3www\7example\4test", DNS_T_AAAA);
    rr(&p, DNS_T_AAAA, ip6, 16);
    TEST_INT_EQ(parse(&p, DNS_T_AAAA, &a, why), DNS_OK, "AAAA record found");
    TEST_CHECK(!a.secure, "AD bit clear: insecure");
    TEST_STR_EQ(a.rr[0].addr, "2001:db8::1", "the IPv6 address");

    header(&p, F_AD, 0, 1, "\3www\7example\4test", DNS_T_MX);
    rr(&p, DNS_T_MX, mx, sizeof(mx));
    TEST_INT_EQ(parse(&p, DNS_T_MX, &a, why), DNS_OK, "MX record found");
    TEST_INT_EQ(a.rr[0].pref, 10, "MX preference");
    TEST_STR_EQ(a.rr[0].host, "mx.example.test", "MX exchange through a compression pointer");

    header(&p, F_AD, 0, 1, "\3_25\4_tcp\2mx\7example\4test", DNS_T_TLSA);
    rr(&p, DNS_T_TLSA, tlsa, sizeof(tlsa));
    TEST_INT_EQ(parse(&p, DNS_T_TLSA, &a, why), DNS_OK, "TLSA record found");
    TEST_STR_EQ(a.rr[0].name, "_25._tcp.mx.example.test", "TLSA owner");
    TEST_CHECK(a.rr[0].usage == 3 && a.rr[0].selector == 1 && a.rr[0].mtype == 1,
               "TLSA usage, selector, matching type");
    TEST_CHECK(a.rr[0].data_len == 4 && memcmp(a.rr[0].data, tlsa + 3, 4) == 0,
               "TLSA association data");

    header(&p, 0, 0, 1, "\7example\4test", DNS_T_TXT);
    rr(&p, DNS_T_TXT, txt, sizeof(txt));
    TEST_INT_EQ(parse(&p, DNS_T_TXT, &a, why), DNS_OK, "TXT record found");
    TEST_STR_EQ((char *)a.rr[0].data, "v=spf1 -a", "TXT strings joined");

    header(&p, F_AD, 0, 2, "\5alias\7example\4test", DNS_T_A);
    rr(&p, DNS_T_CNAME, cname, sizeof(cname));
    rr(&p, DNS_T_A, ip4, 4);
    TEST_INT_EQ(parse(&p, DNS_T_A, &a, why), DNS_OK, "A record behind a CNAME");
    TEST_INT_EQ((int)a.count, 2, "the CNAME and the A record");
    TEST_INT_EQ(a.rr[0].type, DNS_T_CNAME, "CNAME first");
    TEST_STR_EQ(a.rr[0].host, "h.alias.example.test", "CNAME target (pointer into the owner)");
    TEST_INT_EQ((int)dns_answer_count(&a, DNS_T_A), 1, "one A record counted");

    header(&p, F_AD, 0, 1, "\3www\7example\4test", DNS_T_A);
    rr(&p, DNS_T_AAAA, ip6, 16);
    TEST_INT_EQ(parse(&p, DNS_T_A, &a, why), DNS_NODATA, "records of another type are skipped");
    TEST_INT_EQ((int)a.count, 0, "and not kept");

    dns_answer_free(&a);
    vstring_free(why);
}

/* test_rcodes - status, rcode and AD bit without records */

static void test_rcodes(void)
{
    PKT p;
    DNS_ANSWER a = {0};
    VSTRING *why = vstring_alloc(10);

    header(&p, F_AD, 3, 0, "\3www\7example\4test", DNS_T_A);
    TEST_INT_EQ(parse(&p, DNS_T_A, &a, why), DNS_NOTFOUND, "NXDOMAIN: not found");
    TEST_CHECK(a.secure, "a validated NXDOMAIN is secure");
    TEST_INT_EQ(a.rcode, 3, "rcode 3");
    TEST_STR_EQ(vstring_str(why), "Host not found", "NXDOMAIN in Postfix's words");

    header(&p, F_AD, 0, 0, "\3www\7example\4test", DNS_T_TLSA);
    TEST_INT_EQ(parse(&p, DNS_T_TLSA, &a, why), DNS_NODATA, "NOERROR, no records: no data");
    TEST_CHECK(a.secure, "a validated no-data answer is secure");

    header(&p, 0, 2, 0, "\3www\7example\4test", DNS_T_A);
    TEST_INT_EQ(parse(&p, DNS_T_A, &a, why), DNS_RETRY, "SERVFAIL: try again");
    TEST_STR_EQ(vstring_str(why), "Host not found, try again", "SERVFAIL in Postfix's words");

    header(&p, 0, 5, 0, "\3www\7example\4test", DNS_T_A);
    TEST_INT_EQ(parse(&p, DNS_T_A, &a, why), DNS_FAIL, "REFUSED: failure");
    TEST_STR_EQ(vstring_str(why), "Non-recoverable error", "REFUSED in Postfix's words");
    dns_answer_free(&a);
    vstring_free(why);
}

/* test_malformed - broken packets are temporary failures */

static void test_malformed(void)
{
    PKT p;
    DNS_ANSWER a = {0};
    VSTRING *why = vstring_alloc(10);
    static const unsigned char ip4[] = {192, 0, 2, 7};
    static const unsigned char txt_long[] = {9, 'a', 'b'};
    static const unsigned char mx_loop[] = {0, 10, 0xc0, 48};
    static const unsigned char tlsa_short[] = {3, 1};

    memset(&p, 0, sizeof(p));
    TEST_INT_EQ(dns_answer_parse(p.buf, 5, DNS_T_A, &a, why), DNS_RETRY, "a short header");
    TEST_INT_EQ(a.rcode, -1, "has no rcode");

    header(&p, F_AD, 0, 1, "\3www\7example\4test", DNS_T_A);
    rr(&p, DNS_T_A, ip4, 4);
    TEST_INT_EQ(dns_answer_parse(p.buf, p.len - 2, DNS_T_A, &a, why), DNS_RETRY,
                "a record cut short");
    TEST_STR_EQ(vstring_str(why), "malformed name server reply", "is malformed");
    TEST_INT_EQ((int)a.count, 0, "and gives no record");

    header(&p, 0, 0, 1, "\3www\7example\4test", DNS_T_A);
    rr(&p, DNS_T_A, ip4, 3);
    TEST_INT_EQ(parse(&p, DNS_T_A, &a, why), DNS_RETRY, "an A record of 3 bytes");
    TEST_STR_EQ(vstring_str(why), "malformed A record in name server reply", "names the type");

    header(&p, 0, 0, 1, "\3www\7example\4test", DNS_T_TXT);
    rr(&p, DNS_T_TXT, txt_long, sizeof(txt_long));
    TEST_INT_EQ(parse(&p, DNS_T_TXT, &a, why), DNS_RETRY, "a TXT string longer than its record");

    header(&p, 0, 0, 1, "\3www\7example\4test", DNS_T_MX);
    rr(&p, DNS_T_MX, mx_loop, sizeof(mx_loop));
    TEST_INT_EQ(parse(&p, DNS_T_MX, &a, why), DNS_RETRY, "an MX name pointing at itself");

    header(&p, 0, 0, 1, "\3www\7example\4test", DNS_T_TLSA);
    rr(&p, DNS_T_TLSA, tlsa_short, sizeof(tlsa_short));
    TEST_INT_EQ(parse(&p, DNS_T_TLSA, &a, why), DNS_RETRY, "a TLSA record of 2 bytes");
    dns_answer_free(&a);
    vstring_free(why);
}

/* test_type_names - names and codes */

static void test_type_names(void)
{
    TEST_INT_EQ(dns_type_code("tlsa"), DNS_T_TLSA, "type names are case-insensitive");
    TEST_STR_EQ(dns_type_name(DNS_T_AAAA), "AAAA", "AAAA by name");
    TEST_INT_EQ(dns_type_code("SRV"), -1, "an unknown type name");
    TEST_CHECK(dns_type_name(33) == 0, "an unknown type code");
}

/* main - all cases */

int main(void)
{
    msg_init("dns_answer_test");
    test_records();
    test_rcodes();
    test_malformed();
    test_type_names();
    return test_summary("dns_answer_test");
}
