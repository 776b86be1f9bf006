/*
 * dnsbl_sites_test - postscreen_dnsbl_sites entries, reply filters,
 * weights and scores, and the reversed query names.
 */

#include "argv.h"
#include "dnsbl_sites.h"
#include "msg.h"
#include "vstring.h"

#include "test.h"

/* test_filter - filters against addresses */

static void test_filter(void)
{
    static const struct {
        const char *filter, *addr;
        bool want;
    } cases[] = {
        {NULL, "127.0.0.2", true},
        {"127.0.0.2", "127.0.0.2", true},
        {"127.0.0.2", "127.0.0.3", false},
        {"127.0.0.[2..11]", "127.0.0.11", true},
        {"127.0.0.[2..11]", "127.0.0.12", false},
        {"127.0.[0..255].[1;3;5..6]", "127.0.7.6", true},
        {"127.0.[0..255].[1;3;5..6]", "127.0.7.4", false},
        {"127.0.0", "127.0.0.2", false},
        {"127.0.0.2.1", "127.0.0.2", false},
        {"127.0.0.[2", "127.0.0.2", false},
        {"127.0.0.2", "::1", false},
        {"127.0.0.2", "not an address", false},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        TEST_CHECK(dnsbl_filter_match(cases[i].filter, cases[i].addr) == cases[i].want,
                   "filter %s against %s: %s", cases[i].filter ? cases[i].filter : "(none)",
                   cases[i].addr, cases[i].want ? "match" : "no match");
}

/* test_parse - good and bad lists */

static void test_parse(void)
{
    static const struct {
        const char *list;
        bool ok;
    } cases[] = {
        {"zen.example*3 bl.example=127.0.0.[2..5]*2 wl.example*-2 ZEN.example=127.0.0.4", true},
        {"zen.example*x", false},
        {"zen.example*", false},
        {"zen.example=127.0.0.[2..]", false},
        {"zen.example=127.0.0.300", false},
        {"=127.0.0.2", false},
        {"*3", false},
    };
    VSTRING *why = vstring_alloc(100);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ARGV *list = argv_split(cases[i].list, " ");
        DNSBL_SITES *sites = dnsbl_sites_parse(list, why);

        TEST_CHECK((sites != NULL) == cases[i].ok, "parse \"%s\": %s", cases[i].list,
                   cases[i].ok ? "accepted" : "refused");
        if (sites)
            dnsbl_sites_free(sites);
        argv_free(list);
    }
    vstring_free(why);
}

/* test_score - weights of matching entries */

static void test_score(void)
{
    ARGV *list = argv_split("zen.example*3 bl.example=127.0.0.[2..5]*2 wl.example*-2 "
                            "ZEN.example=127.0.0.4 bl.example=127.0.0.10",
                            " ");
    VSTRING *why = vstring_alloc(100);
    DNSBL_SITES *sites = dnsbl_sites_parse(list, why);
    ARGV *addrs;
    const char *name = NULL;
    int weight = 0;

    if (sites == NULL)
        msg_fatal("parse: %s", vstring_str(why));
    TEST_INT_EQ((int)sites->domains->argc, 3, "each zone is queried once");
    TEST_STR_EQ(sites->domains->argv[0], "zen.example", "zones are lower case");
    addrs = argv_split("127.0.0.2 127.0.0.4", " ");
    TEST_INT_EQ(dnsbl_sites_score(sites, "zen.example", addrs, &name, &weight), 4,
                "zen: the plain entry (3) and the filtered one (1) add up");
    TEST_STR_EQ(name, "zen.example", "zen: the heaviest entry's name");
    TEST_INT_EQ(weight, 3, "zen: the heaviest entry's weight");
    TEST_INT_EQ(dnsbl_sites_score(sites, "bl.example", addrs, NULL, NULL), 2,
                "bl: only the entry whose filter matches counts");
    TEST_INT_EQ(dnsbl_sites_score(sites, "wl.example", addrs, NULL, NULL), -2,
                "wl: a negative weight");
    TEST_INT_EQ(dnsbl_sites_score(sites, "other.example", addrs, NULL, NULL), 0,
                "an unknown zone counts nothing");
    argv_free(addrs);
    addrs = argv_split("127.0.0.9", " ");
    TEST_INT_EQ(dnsbl_sites_score(sites, "bl.example", addrs, NULL, NULL), 0,
                "bl: a record that no filter matches counts nothing");
    argv_free(addrs);
    dnsbl_sites_free(sites);
    argv_free(list);
    vstring_free(why);
}

/* test_reverse - query prefixes */

static void test_reverse(void)
{
    VSTRING *out = vstring_alloc(100);

    TEST_STR_EQ(dnsbl_reverse("192.0.2.1", out), "1.2.0.192", "IPv4 reversed");
    TEST_STR_EQ(dnsbl_reverse("2001:db8::1", out),
                "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2",
                "IPv6 nibbles reversed");
    TEST_CHECK(dnsbl_reverse("example.com", out) == NULL, "a name is no address");
    vstring_free(out);
}

int main(void)
{
    msg_init("dnsbl_sites_test");
    test_filter();
    test_parse();
    test_score();
    test_reverse();
    return test_summary("dnsbl_sites_test");
}
