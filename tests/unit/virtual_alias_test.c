/*
 * virtual_alias_test - virtual_alias_maps expansion: recursion, self-reference, the limits
 */
/* TEST_UNDER_VALGRIND */
#include <string.h>
#include <strings.h>

#include "argv.h"
#include "dict.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "virtual_alias.h"

#include "test.h"

/* is_local - example.org is the local domain */

static int is_local(const char *domain, void *unused_context)
{
    return strcasecmp(domain, "example.org") == 0;
}

/* expand - the expansion as one string, or "LIMIT: why" / "RETRY: why" */

static const char *expand(VIRTUAL_ALIAS_PROPS *props, const char *address, VSTRING *buf)
{
    ARGV *out = argv_alloc(4);
    VSTRING *why = vstring_alloc(100);
    int status = virtual_alias_expand(props, address, out, why);
    char *joined = argv_join(out, " ");

    if (status == VIRTUAL_ALIAS_OK)
        vstring_strcpy(buf, joined);
    else
        vstring_sprintf(buf, "%s: %s", status == VIRTUAL_ALIAS_LIMIT ? "LIMIT" : "RETRY",
                        vstring_str(why));
    myfree(joined);
    argv_free(out);
    vstring_free(why);
    return vstring_str(buf);
}

/* A chain of depth aliases: c0 -> c1 -> ... -> c<depth> */

static MAPS *chain_maps(int depth)
{
    VSTRING *spec = vstring_alloc(1000);
    MAPS *maps;

    vstring_strcpy(spec, "inline:{ ");
    for (int i = 0; i < depth; i++)
        vstring_sprintf_append(spec, "c%d@chain.example=c%d@chain.example, ", i, i + 1);
    vstring_strcat(spec, "}");
    maps = maps_create("virtual_alias_maps", vstring_str(spec), DICT_FLAG_LOCK);
    vstring_free(spec);
    return maps;
}

int main(void)
{
    VSTRING *buf = vstring_alloc(100);
    VIRTUAL_ALIAS_PROPS props = {
        .maps = maps_create("virtual_alias_maps",
                            "inline:{ {info@example.com = a@example.net, b@example.net}, "
                            "a@example.net=alice@mbox.example, "
                            "{self@example.com = self@example.com, copy@example.net}, "
                            "@catch.example=catchall@mbox.example, "
                            "joe@example.com=joe@mbox.example, "
                            "postmaster=root@example.net, "
                            "{loop1@example.com = loop2@example.com}, "
                            "{loop2@example.com = loop1@example.com}, "
                            "{wide@example.com = w1@x, w2@x, w3@x, w4@x} }",
                            DICT_FLAG_LOCK),
        .delimiters = "+",
        .is_local = is_local,
        .expansion_limit = 1000,
        .recursion_limit = 1000,
        .length_limit = 1000,
        .propagate_extension = true,
    };

    msg_init("virtual_alias_test");
    TEST_STR_EQ(expand(&props, "nobody@example.com", buf), "nobody@example.com", "no entry");
    TEST_STR_EQ(expand(&props, "info@example.com", buf), "alice@mbox.example b@example.net",
                "two results, the first expanded again");
    TEST_STR_EQ(expand(&props, "self@example.com", buf), "self@example.com copy@example.net",
                "an address that maps to itself is kept once");
    TEST_STR_EQ(expand(&props, "anyone@catch.example", buf), "catchall@mbox.example",
                "@domain catch-all");
    TEST_STR_EQ(expand(&props, "joe+list@example.com", buf), "joe+list@mbox.example",
                "the unmatched extension is propagated");
    props.propagate_extension = false;
    TEST_STR_EQ(expand(&props, "joe+list@example.com", buf), "joe@mbox.example",
                "without propagate_unmatched_extensions=virtual");
    props.propagate_extension = true;
    TEST_STR_EQ(expand(&props, "postmaster@example.org", buf), "root@example.net",
                "a bare user name matches in a local domain");
    TEST_STR_EQ(expand(&props, "postmaster@example.com", buf), "postmaster@example.com",
                "but not in another domain");
    TEST_STR_EQ(expand(&props, "loop1@example.com", buf),
                "LIMIT: unreasonable virtual_alias_maps map nesting for loop1@example.com -- "
                "message not accepted",
                "a loop hits virtual_alias_recursion_limit");

    /* virtual_alias_expansion_limit: 4 addresses pass a limit of 4, not of 3. */
    props.expansion_limit = 4;
    TEST_STR_EQ(expand(&props, "wide@example.com", buf), "w1@x w2@x w3@x w4@x",
                "expansion at the limit");
    props.expansion_limit = 3;
    TEST_STR_EQ(expand(&props, "wide@example.com", buf),
                "LIMIT: unreasonable virtual_alias_maps map expansion size for wide@example.com "
                "-- message not accepted",
                "expansion over the limit");
    props.expansion_limit = 1000;

    /*
     * virtual_alias_recursion_limit counts lookups, the last one (that finds
     * nothing) included, as Postfix does: a chain of 5 aliases passes a
     * limit of 6, not of 5.
     */
    maps_free(props.maps);
    props.maps = chain_maps(5);
    props.recursion_limit = 6;
    TEST_STR_EQ(expand(&props, "c0@chain.example", buf), "c5@chain.example",
                "nesting at the limit");
    props.recursion_limit = 5;
    TEST_STR_EQ(expand(&props, "c0@chain.example", buf),
                "LIMIT: unreasonable virtual_alias_maps map nesting for c5@chain.example -- "
                "message not accepted",
                "nesting over the limit");

    /* virtual_alias_address_length_limit drops long results. */
    maps_free(props.maps);
    props.maps = maps_create("virtual_alias_maps",
                             "inline:{ {x@example.com = short@x, averyveryverylongname@x} }", 0);
    props.length_limit = 10;
    TEST_STR_EQ(expand(&props, "x@example.com", buf), "short@x", "a result over the length limit");

    /* A failing table defers. */
    maps_free(props.maps);
    props.maps = maps_create("virtual_alias_maps", "fail:aliases", 0);
    TEST_STR_EQ(expand(&props, "x@example.com", buf),
                "RETRY: virtual_alias_maps map lookup problem for x@example.com -- message not "
                "accepted, try again later",
                "lookup failure");
    maps_free(props.maps);
    vstring_free(buf);
    return test_summary("virtual_alias");
}
