/*
 * smtp_dns_test - MX records from answer packets built here (no DNS
 * server is asked), their order by preference with ties shuffled, the
 * loop-back check, and server addresses of IP literals.
 */
/* TEST_UNDER_VALGRIND */

#include <string.h>

#include "msg.h"
#include "test.h"

#include "../../src/global/smtp_dns.c"

/* A DNS answer under construction. */
typedef struct PACKET {
    unsigned char data[2048];
    size_t len;
} PACKET;

static void put16(PACKET *p, unsigned v)
{
    p->data[p->len++] = (unsigned char)(v >> 8);
    p->data[p->len++] = (unsigned char)v;
}

/* put_name - a domain name as labels, or a pointer when ptr >= 0 */

static void put_name(PACKET *p, const char *name, int ptr)
{
    if (ptr >= 0) {
        put16(p, 0xC000 | (unsigned)ptr);
        return;
    }
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t len = dot ? (size_t)(dot - name) : strlen(name);

        p->data[p->len++] = (unsigned char)len;
        memcpy(p->data + p->len, name, len);
        p->len += len;
        name += len + (dot != NULL);
    }
    p->data[p->len++] = 0;
}

/* packet_start - header and question for domain, type MX */

static void packet_start(PACKET *p, const char *domain, unsigned answers)
{
    p->len = 0;
    put16(p, 0x1234);
    put16(p, 0x8180);
    put16(p, 1);
    put16(p, answers);
    put16(p, 0);
    put16(p, 0);
    put_name(p, domain, -1);
    put16(p, ns_t_mx);
    put16(p, ns_c_in);
}

/* packet_mx - one MX answer record */

static void packet_mx(PACKET *p, unsigned type, unsigned pref, const char *host)
{
    size_t rdlen_at;

    put_name(p, NULL, 12);
    put16(p, type);
    put16(p, ns_c_in);
    put16(p, 0);
    put16(p, 300);
    rdlen_at = p->len;
    put16(p, 0);
    put16(p, pref);
    put_name(p, host, -1);
    p->data[rdlen_at] = (unsigned char)((p->len - rdlen_at - 2) >> 8);
    p->data[rdlen_at + 1] = (unsigned char)(p->len - rdlen_at - 2);
}

static long fake_random_value;

static long fake_random(void)
{
    return fake_random_value++;
}

/* test_parse - answers to MX queries */

static void test_parse(void)
{
    VSTRING *why = vstring_alloc(100);
    SMTP_MX_LIST list = {0};
    PACKET p;

    packet_start(&p, "example.com", 3);
    packet_mx(&p, ns_t_mx, 20, "MX2.example.com");
    packet_mx(&p, ns_t_mx, 10, "mx1.example.com");
    packet_mx(&p, ns_t_cname, 5, "ignored.example.com");
    TEST_INT_EQ(smtp_dns_mx_parse(p.data, (int)p.len, &list, why), SMTP_DNS_OK, "parse: two MX");
    TEST_INT_EQ((int)list.count, 2, "parse: CNAME record skipped");
    TEST_STR_EQ(list.count > 0 ? list.mx[0].host : NULL, "mx2.example.com", "parse: lowercase");
    TEST_INT_EQ(list.count > 1 ? list.mx[1].pref : -1, 10, "parse: preference");
    smtp_mx_free(&list);

    packet_start(&p, "example.com", 0);
    TEST_INT_EQ(smtp_dns_mx_parse(p.data, (int)p.len, &list, why), SMTP_DNS_NODATA,
                "parse: no answers is NODATA");
    packet_start(&p, "example.com", 1);
    packet_mx(&p, ns_t_mx, 0, "");
    TEST_INT_EQ(smtp_dns_mx_parse(p.data, (int)p.len, &list, why), SMTP_DNS_NULLMX,
                "parse: RFC 7505 null MX");
    packet_start(&p, "example.com", 2);
    packet_mx(&p, ns_t_mx, 10, "mx1.example.com");
    TEST_INT_EQ(smtp_dns_mx_parse(p.data, (int)p.len, &list, why), SMTP_DNS_RETRY,
                "parse: truncated packet is a temporary error");
    smtp_mx_free(&list);
    TEST_INT_EQ(smtp_dns_mx_parse(p.data, 5, &list, why), SMTP_DNS_RETRY,
                "parse: short header is a temporary error");
    vstring_free(why);
}

/* test_sort - preference order, ties shuffled */

static void test_sort(void)
{
    SMTP_MX_LIST list = {0};
    bool seen_a_first = false, seen_b_first = false;

    for (int round = 0; round < 8; round++) {
        smtp_mx_append(&list, "c", 30);
        smtp_mx_append(&list, "a", 10);
        smtp_mx_append(&list, "b", 10);
        smtp_mx_append(&list, "d", 5);
        fake_random_value = round;
        smtp_mx_sort(&list, fake_random);
        TEST_CHECK(strcmp(list.mx[0].host, "d") == 0 && strcmp(list.mx[3].host, "c") == 0,
                   "sort round %d: best first, worst last", round);
        TEST_CHECK(list.mx[1].pref == 10 && list.mx[2].pref == 10,
                   "sort round %d: equal preferences together", round);
        seen_a_first |= strcmp(list.mx[1].host, "a") == 0;
        seen_b_first |= strcmp(list.mx[1].host, "b") == 0;
        smtp_mx_free(&list);
    }
    TEST_CHECK(seen_a_first && seen_b_first, "sort: equal preferences in varying order");
    smtp_mx_append(&list, "z", 20);
    smtp_mx_append(&list, "y", 20);
    smtp_mx_sort(&list, NULL);
    TEST_STR_EQ(list.mx[0].host, "z", "sort: no random function keeps ties in order");
    smtp_mx_free(&list);
}

/* test_self - mail must not loop back */

static void test_self(void)
{
    SMTP_MX_LIST list = {0};

    smtp_mx_append(&list, "mx1.example.com", 10);
    smtp_mx_append(&list, "backup.example.com", 10);
    smtp_mx_append(&list, "me.example.com", 20);
    smtp_mx_append(&list, "mx3.example.com", 30);
    TEST_INT_EQ((int)smtp_mx_truncate_self(&list, "ME.example.com"), 2,
                "self: ourselves and worse dropped");
    TEST_INT_EQ((int)smtp_mx_truncate_self(&list, "other.example.com"), 2,
                "self: not listed changes nothing");
    smtp_mx_free(&list);
    smtp_mx_append(&list, "me.example.com", 10);
    smtp_mx_append(&list, "peer.example.com", 10);
    TEST_INT_EQ((int)smtp_mx_truncate_self(&list, "me.example.com"), 0,
                "self: best MX is us: nothing left");
    smtp_mx_free(&list);
}

/* test_addr - literal addresses */

static void test_addr(void)
{
    SMTP_ADDR_LIST list = {0};
    VSTRING *why = vstring_alloc(100);

    TEST_INT_EQ(smtp_addr_add(&list, "127.0.0.1", 0, 2525, why), SMTP_DNS_OK, "addr: IPv4");
    TEST_INT_EQ(smtp_addr_add(&list, "::1", 10, 25, why), SMTP_DNS_OK, "addr: IPv6");
    TEST_INT_EQ((int)list.count, 2, "addr: two addresses");
    TEST_STR_EQ(list.addr[0].addr, "127.0.0.1", "addr: text");
    TEST_INT_EQ(ntohs(((struct sockaddr_in *)&list.addr[0].sa)->sin_port), 2525, "addr: port");
    TEST_STR_EQ(list.addr[1].addr, "::1", "addr: IPv6 text");
    TEST_INT_EQ(list.addr[1].pref, 10, "addr: preference kept");
    smtp_addr_free(&list);
    vstring_free(why);
}

int main(void)
{
    msg_init("smtp_dns_test");
    test_parse();
    test_sort();
    test_self();
    test_addr();
    return test_summary("smtp_dns_test");
}
