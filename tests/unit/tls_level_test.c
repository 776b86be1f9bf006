/*
 * tls_level_test - TLS level names for clients and servers, and the legacy switches
 */
#include <stdbool.h>
#include <stddef.h>

#include "tls_level.h"

#include "test.h"

/* One server case. */
typedef struct SERVER_CASE {
    const char *label;  /* what the case shows */
    const char *name;   /* *_tls_security_level */
    bool use_tls;       /* *_use_tls */
    bool enforce_tls;   /* *_enforce_tls */
    int want;           /* the level */
    bool want_promoted; /* a client level taken as encrypt */
} SERVER_CASE;

static const SERVER_CASE server_cases[] = {
    {"empty, no switches: none", "", false, false, TLS_LEV_NONE, false},
    {"empty, use_tls: may", "", true, false, TLS_LEV_MAY, false},
    {"empty, enforce_tls: encrypt", "", false, true, TLS_LEV_ENCRYPT, false},
    {"empty, both switches: encrypt", "", true, true, TLS_LEV_ENCRYPT, false},
    {"a name wins over the switches", "none", true, true, TLS_LEV_NONE, false},
    {"may", "may", false, false, TLS_LEV_MAY, false},
    {"Encrypt, any case", "Encrypt", false, false, TLS_LEV_ENCRYPT, false},
    {"verify is taken as encrypt", "verify", false, false, TLS_LEV_ENCRYPT, true},
    {"dane means nothing to a server", "dane", false, false, TLS_LEV_INVALID, false},
    {"an unknown name", "maybe", false, false, TLS_LEV_INVALID, false},
};

int main(void)
{
    for (size_t i = 0; i < sizeof(server_cases) / sizeof(server_cases[0]); i++) {
        const SERVER_CASE *c = server_cases + i;
        bool promoted = !c->want_promoted;

        TEST_INT_EQ(tls_level_server_legacy(c->name, c->use_tls, c->enforce_tls, &promoted),
                    c->want, "%s", c->label);
        if (c->want != TLS_LEV_INVALID)
            TEST_CHECK(promoted == c->want_promoted, "%s: promoted", c->label);
    }
    TEST_INT_EQ(tls_level_server_legacy(NULL, true, false, &(bool){false}), TLS_LEV_MAY,
                "a null name is an empty one");
    TEST_INT_EQ(tls_level_lookup("secure"), TLS_LEV_SECURE, "a client level by name");
    TEST_INT_EQ(tls_level_lookup("halfdane"), TLS_LEV_INVALID, "halfdane is output only");
    return test_summary("tls_level");
}
