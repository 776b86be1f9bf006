/*
 * smtp_tlsa_test - the TLSA records of an answer sorted into usable and
 * unusable ones, and the digest of a record set that connection reuse
 * keys carry: the same for the same records in any order, another for
 * another record, another base domain or no records.
 */
/* TEST_UNDER_VALGRIND */

#include <string.h>

#include "msg.h"
#include "test.h"

#include "../../src/global/smtp_tlsa.c"

/* A TLSA answer record under construction. */
static DNS_RR tlsa_rr(int usage, int selector, int mtype, unsigned char fill, size_t len)
{
    DNS_RR rr = {.name = "_25._tcp.mx.example.com", .type = DNS_T_TLSA};

    rr.usage = usage;
    rr.selector = selector;
    rr.mtype = mtype;
    rr.data = mymalloc(len);
    memset(rr.data, fill, len);
    rr.data_len = len;
    return rr;
}

/* digest_of - the digest of the usable records of rr[0..count) at base */

static char *digest_of(const char *base, DNS_RR *rr, size_t count)
{
    DNS_ANSWER answer = {.rr = rr, .count = count, .secure = true};
    SMTP_TLSA_LIST list = {0};
    VSTRING *digest = vstring_alloc(70);

    smtp_tlsa_take(base, &answer, 0x7, &list);
    smtp_tlsa_digest(&list, digest);
    smtp_tlsa_free(&list);
    return vstring_export(digest);
}

static void test_take(void)
{
    DNS_RR rr[3] = {tlsa_rr(3, 1, 1, 0xaa, 32), tlsa_rr(1, 1, 1, 0xbb, 32),
                    tlsa_rr(2, 0, 2, 0xcc, 63)};
    DNS_ANSWER answer = {.rr = rr, .count = 3, .secure = true};
    SMTP_TLSA_LIST list = {0};

    /* Usage 1 is unusable for SMTP, a SHA2-512 digest of 63 bytes is malformed. */
    TEST_INT_EQ(smtp_tlsa_take("mx.example.com", &answer, 0x7, &list), SMTP_TLSA_FOUND,
                "take: some usable");
    TEST_INT_EQ((int)list.count, 1, "take: one usable record");
    TEST_INT_EQ((int)list.unusable, 2, "take: two unusable records");
    TEST_STR_EQ(list.base_domain, "mx.example.com", "take: the base domain");
    smtp_tlsa_free(&list);
    for (size_t i = 0; i < 3; i++)
        myfree(rr[i].data);
}

static void test_digest(void)
{
    DNS_RR ab[2] = {tlsa_rr(3, 1, 1, 0xaa, 32), tlsa_rr(2, 0, 1, 0xbb, 32)};
    DNS_RR ba[2] = {ab[1], ab[0]};
    DNS_RR other[2] = {tlsa_rr(3, 1, 1, 0xab, 32), ab[1]};
    SMTP_TLSA_LIST empty = {0};
    VSTRING *none = vstring_alloc(10);
    char *d_ab = digest_of("mx.example.com", ab, 2);
    char *d_ba = digest_of("mx.example.com", ba, 2);
    char *d_other = digest_of("mx.example.com", other, 2);
    char *d_base = digest_of("mx2.example.com", ab, 2);
    char *d_one = digest_of("mx.example.com", ab, 1);

    TEST_INT_EQ((int)strlen(d_ab), 64, "digest: SHA2-256 in hex");
    TEST_STR_EQ(d_ba, d_ab, "digest: the same records in another order");
    TEST_CHECK(strcmp(d_other, d_ab) != 0, "digest: another record data");
    TEST_CHECK(strcmp(d_base, d_ab) != 0, "digest: another base domain");
    TEST_CHECK(strcmp(d_one, d_ab) != 0, "digest: one record less");
    smtp_tlsa_digest(&empty, none);
    TEST_STR_EQ(vstring_str(none), "none", "digest: no records");
    vstring_free(none);
    myfree(d_ab);
    myfree(d_ba);
    myfree(d_other);
    myfree(d_base);
    myfree(d_one);
    myfree(ab[0].data);
    myfree(ab[1].data);
    myfree(other[0].data);
}

int main(void)
{
    msg_init("smtp_tlsa_test");
    test_take();
    test_digest();
    return test_summary("smtp_tlsa_test");
}
