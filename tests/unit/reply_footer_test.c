/*
 * reply_footer_test - footers under SMTP replies
 */
#include <string.h>

#include "vstring.h"

#include "reply_footer.h"

#include "test.h"

/* One case. */
typedef struct FOOTER_CASE {
    const char *label;    /* what the case shows */
    const char *reply;    /* the reply before */
    const char *template; /* the footer */
    int want_status;      /* 0 or -1 */
    const char *want;     /* the reply after */
} FOOTER_CASE;

static const FOOTER_CASE cases[] = {
    {"one line with an enhanced status code", "550 5.5.1 Protocol error", "Call $server_name", 0,
     "550-5.5.1 Protocol error\r\n550 5.5.1 Call mail.example.test"},
    {"no enhanced status code", "450 Try later", "See ${client_address}", 0,
     "450-Try later\r\n450 See 192.0.2.1"},
    {"\\n makes more lines", "421 4.3.2 Busy", "one\\ntwo", 0,
     "421-4.3.2 Busy\r\n421-4.3.2 one\r\n421 4.3.2 two"},
    {"\\c goes on on the last line", "550 5.7.1 Rejected", "\\c. Client $client_address", 0,
     "550 5.7.1 Rejected. Client 192.0.2.1"},
    {"\\c, then more lines", "550 5.7.1 Rejected", "\\c.\\nsecond", 0,
     "550-5.7.1 Rejected.\r\n550 5.7.1 second"},
    {"a multi-line reply", "550-5.7.1 first\r\n550 5.7.1 last", "foot", 0,
     "550-5.7.1 first\r\n550-5.7.1 last\r\n550 5.7.1 foot"},
    {"$$ is one dollar", "550 5.7.1 No", "costs $$5", 0, "550-5.7.1 No\r\n550 5.7.1 costs $5"},
    {"a status-like word that is none", "502 5.5.x odd", "f", 0, "502-5.5.x odd\r\n502 f"},
    {"an unknown macro leaves the reply alone", "550 5.7.1 No", "see $nosuch", -1, "550 5.7.1 No"},
    {"a malformed macro leaves the reply alone", "550 5.7.1 No", "see ${client_address", -1,
     "550 5.7.1 No"},
    {"no reply code", "hello", "f", -1, "hello"},
};

/* lookup - the macros of the cases */

static const char *lookup(const char *name, void *unused_context)
{
    if (strcmp(name, "server_name") == 0)
        return "mail.example.test";
    if (strcmp(name, "client_address") == 0)
        return "192.0.2.1";
    return NULL;
}

int main(void)
{
    VSTRING *reply = vstring_alloc(10), *why = vstring_alloc(10);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const FOOTER_CASE *c = cases + i;

        vstring_strcpy(reply, c->reply);
        TEST_INT_EQ(reply_footer(reply, c->template, lookup, NULL, why), c->want_status, "%s",
                    c->label);
        TEST_STR_EQ(vstring_str(reply), c->want, "%s", c->label);
        if (c->want_status < 0)
            TEST_CHECK(VSTRING_LEN(why) > 0, "%s: a reason", c->label);
    }
    vstring_free(reply);
    vstring_free(why);
    return test_summary("reply_footer");
}
