/*
 * addr_rewrite_test - canonical form, canonical(5) lookups, masquerading
 */
/* TEST_UNDER_VALGRIND */
#include <strings.h>

#include "argv.h"
#include "dict.h"
#include "msg.h"
#include "vstring.h"

#include "addr_rewrite.h"
#include "maps.h"
#include "match_list.h"

#include "test.h"

/* is_local - example.org is the local domain */

static int is_local(const char *domain, void *unused_context)
{
    return strcasecmp(domain, "example.org") == 0;
}

int main(void)
{
    VSTRING *out = vstring_alloc(100), *why = vstring_alloc(100);
    ADDR_CANONICAL_PROPS canon = {
        .origin = "example.org",
        .domain = "example.org",
        .swap_bangpath = true,
        .allow_percent_hack = true,
    };
    static const struct {
        const char *in, *want;
    } canon_cases[] = {
        {"", ""},
        {"user", "user@example.org"},
        {"user@host", "user@host.example.org"},
        {"user@host.example.com", "user@host.example.com"},
        {"user@host.example.com.", "user@host.example.com"},
        {"user@[192.0.2.1]", "user@[192.0.2.1]"},
        {"site!user", "user@site.example.org"},
        {"a.example!b!user", "b!user@a.example"},
        {"user%other.example", "user@other.example"},
        {"user%site%other.example", "user%site@other.example"},
    };
    ADDR_MAP_PROPS map = {.delimiters = "+", .is_local = is_local, .propagate_extension = true};
    MAPS *maps = maps_create("canonical_maps",
                             "inline:{ alice@example.org=Alice.Smith@example.org, "
                             "@old.example=@new.example, bob=robert@example.net }",
                             DICT_FLAG_LOCK);
    ARGV *domains = addr_masquerade_domains("!keep.example.com, example.com, example.net");
    MATCH_LIST *exceptions =
        match_list_create("masquerade_exceptions", "root, mailer-daemon", MATCH_FLAG_NONE, why);

    msg_init("addr_rewrite_test");
    for (size_t i = 0; i < sizeof(canon_cases) / sizeof(canon_cases[0]); i++)
        TEST_STR_EQ(addr_canonical(out, canon_cases[i].in, &canon), canon_cases[i].want,
                    "canonical form of \"%s\"", canon_cases[i].in);
    canon.origin = canon.domain = NULL;
    TEST_STR_EQ(addr_canonical(out, "user", &canon), "user", "append_at_myorigin = no");
    TEST_STR_EQ(addr_canonical(out, "user@host", &canon), "user@host", "append_dot_mydomain = no");

    TEST_INT_EQ(addr_map_one(out, maps, "alice@example.org", &map), ADDR_MAP_CHANGED, "alice");
    TEST_STR_EQ(vstring_str(out), "Alice.Smith@example.org", "full address");
    TEST_INT_EQ(addr_map_one(out, maps, "alice+list@example.org", &map), ADDR_MAP_CHANGED,
                "alice+list");
    TEST_STR_EQ(vstring_str(out), "Alice.Smith+list@example.org", "extension propagated");
    TEST_INT_EQ(addr_map_one(out, maps, "carol+x@old.example", &map), ADDR_MAP_CHANGED, "@domain");
    TEST_STR_EQ(vstring_str(out), "carol+x@new.example", "@domain to @domain keeps the user");
    TEST_INT_EQ(addr_map_one(out, maps, "bob@example.org", &map), ADDR_MAP_CHANGED, "bob local");
    TEST_STR_EQ(vstring_str(out), "robert@example.net", "user key for a local domain");
    TEST_INT_EQ(addr_map_one(out, maps, "bob@example.com", &map), ADDR_MAP_SAME, "bob remote");
    TEST_STR_EQ(vstring_str(out), "bob@example.com", "no user key for another domain");
    maps_free(maps);
    maps = maps_create("canonical_maps", "fail:canonical", 0);
    TEST_INT_EQ(addr_map_one(out, maps, "x@example.com", &map), ADDR_MAP_RETRY, "lookup failure");
    maps_free(maps);

    TEST_STR_EQ(addr_masquerade(out, "user@a.b.example.com", domains, exceptions),
                "user@example.com", "subdomains stripped");
    TEST_STR_EQ(addr_masquerade(out, "user@example.com", domains, exceptions), "user@example.com",
                "the domain itself stays");
    TEST_STR_EQ(addr_masquerade(out, "user@x.keep.example.com", domains, exceptions),
                "user@x.keep.example.com", "!domain keeps its subdomains");
    TEST_STR_EQ(addr_masquerade(out, "user@keep.example.com", domains, exceptions),
                "user@keep.example.com", "!domain keeps itself");
    TEST_STR_EQ(addr_masquerade(out, "Root@a.example.com", domains, exceptions),
                "Root@a.example.com", "masquerade_exceptions, without case");
    TEST_STR_EQ(addr_masquerade(out, "user@notexample.com", domains, exceptions),
                "user@notexample.com", "only at a label boundary");
    TEST_STR_EQ(addr_masquerade(out, "user@host.example.net", domains, NULL), "user@example.net",
                "the second domain");
    argv_free(domains);
    match_list_free(exceptions);
    vstring_free(out);
    vstring_free(why);
    return test_summary("addr_rewrite");
}
