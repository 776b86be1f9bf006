/*
 * proxy_proto_test - the PROXY protocol parser: version 1 and 2 headers,
 * LOCAL and UNKNOWN, headers in pieces, and malformed ones.
 */

#include <string.h>

#include "msg.h"
#include "proxy_proto.h"

#include "test.h"

/* test_v1 - text headers */

static void test_v1(void)
{
    static const struct {
        const char *name, *input;
        int want;
        const char *caddr, *cport, *saddr, *sport;
    } cases[] = {
        {"TCP4", "PROXY TCP4 192.0.2.1 198.51.100.2 4242 25\r\nEHLO", 43, "192.0.2.1", "4242",
         "198.51.100.2", "25"},
        {"TCP6", "PROXY TCP6 2001:db8::1 2001:db8::2 1 65535\r\n", 44, "2001:db8::1", "1",
         "2001:db8::2", "65535"},
        {"UNKNOWN", "PROXY UNKNOWN\r\n", 15, NULL, NULL, NULL, NULL},
        {"UNKNOWN with addresses", "PROXY UNKNOWN ffff:f::1 ffff:f::2 1 2\r\n", 39, NULL, NULL,
         NULL, NULL},
        {"incomplete", "PROXY TCP4 192.0.2.1 198.51", 0, NULL, NULL, NULL, NULL},
        {"a prefix of the word", "PRO", 0, NULL, NULL, NULL, NULL},
        {"not PROXY", "EHLO client.example\r\n", -1, NULL, NULL, NULL, NULL},
        {"TCP4 with an IPv6 address", "PROXY TCP4 2001:db8::1 192.0.2.2 1 2\r\n", -1, NULL, NULL,
         NULL, NULL},
        {"a name for an address", "PROXY TCP4 host.example 192.0.2.2 1 2\r\n", -1, NULL, NULL, NULL,
         NULL},
        {"port over 65535", "PROXY TCP4 192.0.2.1 192.0.2.2 65536 25\r\n", -1, NULL, NULL, NULL,
         NULL},
        {"port with a leading zero", "PROXY TCP4 192.0.2.1 192.0.2.2 025 25\r\n", -1, NULL, NULL,
         NULL, NULL},
        {"too few fields", "PROXY TCP4 192.0.2.1 192.0.2.2 25\r\n", -1, NULL, NULL, NULL, NULL},
        {"too many fields", "PROXY TCP4 192.0.2.1 192.0.2.2 25 25 25\r\n", -1, NULL, NULL, NULL,
         NULL},
        {"two spaces", "PROXY TCP4  192.0.2.1 192.0.2.2 25 25\r\n", -1, NULL, NULL, NULL, NULL},
        {"bare LF", "PROXY TCP4 192.0.2.1 192.0.2.2 1 25\n", -1, NULL, NULL, NULL, NULL},
        {"unknown protocol", "PROXY UDP4 192.0.2.1 192.0.2.2 1 25\r\n", -1, NULL, NULL, NULL, NULL},
    };
    PROXY_PROTO_INFO info;
    const char *why;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got = proxy_proto_parse(cases[i].input, strlen(cases[i].input), &info, &why);

        TEST_INT_EQ(got, cases[i].want, "v1 %s: result", cases[i].name);
        if (got > 0 && cases[i].caddr) {
            TEST_CHECK(!info.local && info.version == 1, "v1 %s: addresses, version 1",
                       cases[i].name);
            TEST_STR_EQ(info.client_addr, cases[i].caddr, "v1 %s: client address", cases[i].name);
            TEST_STR_EQ(info.client_port, cases[i].cport, "v1 %s: client port", cases[i].name);
            TEST_STR_EQ(info.server_addr, cases[i].saddr, "v1 %s: server address", cases[i].name);
            TEST_STR_EQ(info.server_port, cases[i].sport, "v1 %s: server port", cases[i].name);
        } else if (got > 0) {
            TEST_CHECK(info.local, "v1 %s: local", cases[i].name);
        }
    }
    char longer[200];

    memset(longer, 'x', sizeof(longer));
    memcpy(longer, "PROXY TCP4 ", 11);
    TEST_INT_EQ(proxy_proto_parse(longer, sizeof(longer), &info, &why), -1,
                "v1 without CRLF within 107 bytes: refused");
}

/* test_v2 - binary headers */

static void test_v2(void)
{
    static const unsigned char sig[12] = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d,
                                          0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};
    unsigned char buf[600];
    PROXY_PROTO_INFO info;
    const char *why;

    /* PROXY, TCP over IPv4, with a TLV after the addresses. */
    memcpy(buf, sig, 12);
    memcpy(buf + 12, "\x21\x11\x00\x0f", 4);
    memcpy(buf + 16, "\xc0\x00\x02\x01\xc6\x33\x64\x02\x10\x92\x00\x19", 12);
    memcpy(buf + 28, "\x04\x00\x00", 3);
    TEST_INT_EQ(proxy_proto_parse((char *)buf, 31, &info, &why), 31, "v2 TCP4: the whole header");
    TEST_STR_EQ(info.client_addr, "192.0.2.1", "v2 TCP4: client address");
    TEST_STR_EQ(info.client_port, "4242", "v2 TCP4: client port");
    TEST_STR_EQ(info.server_addr, "198.51.100.2", "v2 TCP4: server address");
    TEST_STR_EQ(info.server_port, "25", "v2 TCP4: server port");
    for (int k = 0; k < 31; k++)
        if (proxy_proto_parse((char *)buf, (size_t)k, &info, &why) != 0)
            TEST_CHECK(0, "v2 TCP4: a %d-byte prefix needs more", k);
    TEST_CHECK(1, "v2 TCP4: every prefix needs more");

    /* PROXY, TCP over IPv6, an IPv4-mapped client. */
    memcpy(buf + 12, "\x21\x21\x00\x24", 4);
    memset(buf + 16, 0, 36);
    buf[26] = buf[27] = 0xff;
    memcpy(buf + 28, "\xc0\x00\x02\x07", 4);
    buf[32] = 0x20;
    buf[33] = 0x01;
    buf[47] = 0x01;
    memcpy(buf + 48, "\x00\x50\x00\x19", 4);
    TEST_INT_EQ(proxy_proto_parse((char *)buf, 52, &info, &why), 52, "v2 TCP6: the whole header");
    TEST_STR_EQ(info.client_addr, "192.0.2.7", "v2 TCP6: a mapped client is IPv4");
    TEST_STR_EQ(info.server_addr, "2001::1", "v2 TCP6: server address");
    TEST_STR_EQ(info.client_port, "80", "v2 TCP6: client port");

    /* LOCAL: a health check. */
    memcpy(buf + 12, "\x20\x00\x00\x00", 4);
    TEST_INT_EQ(proxy_proto_parse((char *)buf, 16, &info, &why), 16, "v2 LOCAL: 16 bytes");
    TEST_CHECK(info.local, "v2 LOCAL: no addresses");

    /* Malformed. */
    memcpy(buf + 12, "\x11\x11\x00\x0c", 4);
    TEST_INT_EQ(proxy_proto_parse((char *)buf, 28, &info, &why), -1,
                "v2: version 1 in a v2 header");
    memcpy(buf + 12, "\x22\x11\x00\x0c", 4);
    TEST_INT_EQ(proxy_proto_parse((char *)buf, 28, &info, &why), -1, "v2: command 2");
    memcpy(buf + 12, "\x21\x11\x00\x08", 4);
    TEST_INT_EQ(proxy_proto_parse((char *)buf, 24, &info, &why), -1,
                "v2: IPv4 addresses longer than the header");
    memcpy(buf + 12, "\x21\x11\x02\x10", 4);
    TEST_INT_EQ(proxy_proto_parse((char *)buf, 16, &info, &why), -1, "v2: a length over 520");
    buf[5] = 'x';
    TEST_INT_EQ(proxy_proto_parse((char *)buf, 16, &info, &why), -1, "v2: a bad signature");
}

int main(void)
{
    msg_init("proxy_proto_test");
    test_v1();
    test_v2();
    return test_summary("proxy_proto_test");
}
