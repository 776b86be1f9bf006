/*
 * smtp_nexthop_test - next-hop forms: MX or not, port, literal, key; LMTP's unix: and inet:.
 */
/* TEST_UNDER_VALGRIND */

#include "msg.h"
#include "test.h"

#include "../../src/smtp/smtp_nexthop.c"

typedef struct CASE {
    bool lmtp;
    const char *nexthop;
    int status;
    const char *key;
    const char *name;
    unsigned port;
    bool mx_lookup;
    bool literal;
} CASE;

static const CASE cases[] = {
    {false, "example.com", 0, "example.com", "example.com", 25, true, false},
    {false, "Example.COM:587", 0, "Example.COM:587", "example.com", 587, true, false},
    {false, "[mail.example.com]", 0, "[mail.example.com]", "mail.example.com", 25, false, false},
    {false, "[mail.example.com]:submission", 0, "[mail.example.com]:submission", "mail.example.com",
     587, false, false},
    {false, "[127.0.0.1]:2525", 0, "[127.0.0.1]:2525", "127.0.0.1", 2525, false, true},
    {false, "inet:[127.0.0.1]:2525", 0, "[127.0.0.1]:2525", "127.0.0.1", 2525, false, true},
    {false, "[ipv6:::1]:25", 0, "[ipv6:::1]:25", "::1", 25, false, true},
    {false, "[::1]", 0, "[::1]", "::1", 25, false, true},
    {false, "192.0.2.1", 0, "192.0.2.1", "192.0.2.1", 25, false, true},
    {false, "[mail.example.com", -1, NULL, NULL, 0, false, false},
    {false, "[]:25", -1, NULL, NULL, 0, false, false},
    {false, "[a]x", -1, NULL, NULL, 0, false, false},
    {false, "::1", -1, NULL, NULL, 0, false, false},
    {false, "example.com:99999", -1, NULL, NULL, 0, false, false},
    {false, "example.com:nosuchservice", -1, NULL, NULL, 0, false, false},
    {false, "", -1, NULL, NULL, 0, false, false},
    {false, "exa mple.com", -1, NULL, NULL, 0, false, false},
    {true, "unix:private/dovecot-lmtp", 0, "unix:private/dovecot-lmtp", "private/dovecot-lmtp", 0,
     false, false},
    {true, "unix:/run/dovecot/lmtp", 0, "unix:/run/dovecot/lmtp", "/run/dovecot/lmtp", 0, false,
     false},
    {true, "unix:", -1, NULL, NULL, 0, false, false},
    {true, "inet:mail.example.com", 0, "mail.example.com", "mail.example.com", 24, false, false},
    {true, "mail.example.com:2424", 0, "mail.example.com:2424", "mail.example.com", 2424, false,
     false},
    {true, "inet:[127.0.0.1]:24", 0, "[127.0.0.1]:24", "127.0.0.1", 24, false, true},
    {false, "unix:private/x", -1, NULL, NULL, 0, false, false},
};

int main(void)
{
    VSTRING *why = vstring_alloc(100);

    msg_init("smtp_nexthop_test");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const CASE *c = cases + i;
        SMTP_DEST dest;
        int status = smtp_nexthop_parse(c->nexthop, c->lmtp ? "24" : "smtp", c->lmtp, &dest, why);

        TEST_INT_EQ(status, c->status, "\"%s\": status (%s)", c->nexthop,
                    status < 0 ? vstring_str(why) : "ok");
        if (status < 0 || c->status < 0)
            continue;
        TEST_STR_EQ(dest.key, c->key, "\"%s\": policy key", c->nexthop);
        TEST_STR_EQ(dest.name, c->name, "\"%s\": name", c->nexthop);
        TEST_INT_EQ((int)dest.port, (int)c->port, "\"%s\": port", c->nexthop);
        TEST_INT_EQ(dest.mx_lookup, c->mx_lookup, "\"%s\": MX lookup", c->nexthop);
        TEST_INT_EQ(dest.literal, c->literal, "\"%s\": literal", c->nexthop);
        if (c->lmtp && strncmp(c->nexthop, "unix:", 5) == 0)
            TEST_STR_EQ(dest.unix_path, c->nexthop + 5, "\"%s\": socket path", c->nexthop);
        else
            TEST_INT_EQ(dest.unix_path == NULL, 1, "\"%s\": no socket path", c->nexthop);
        smtp_nexthop_free(&dest);
    }
    vstring_free(why);
    return test_summary("smtp_nexthop_test");
}
