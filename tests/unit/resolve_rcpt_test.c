/*
 * resolve_rcpt_test - routing: transport_maps, local domains, relay domains, relayhost
 */
/* TEST_UNDER_VALGRIND */
#include "dict.h"
#include "msg.h"
#include "vstring.h"

#include "maps.h"
#include "match_list.h"
#include "resolve_rcpt.h"

#include "test.h"

static void check_route(const RESOLVE_PROPS *props, const char *address, const char *transport,
                        const char *nexthop, int local)
{
    VSTRING *t = vstring_alloc(20), *n = vstring_alloc(20), *why = vstring_alloc(100);
    int flags = -1;

    TEST_INT_EQ(resolve_rcpt(props, address, t, n, &flags, why), RESOLVE_OK, "%s resolves",
                address);
    TEST_STR_EQ(vstring_str(t), transport, "%s: transport", address);
    TEST_STR_EQ(vstring_str(n), nexthop, "%s: next hop", address);
    TEST_INT_EQ(flags & RESOLVE_FLAG_LOCAL, local, "%s: local flag", address);
    vstring_free(t);
    vstring_free(n);
    vstring_free(why);
}

int main(void)
{
    VSTRING *why = vstring_alloc(100);
    RESOLVE_PROPS props = {
        .mydestination =
            match_list_create("mydestination", "mx.example.org, example.org", MATCH_FLAG_NONE, why),
        .relay_domains =
            match_list_create("relay_domains", "relayed.example", MATCH_FLAG_NONE, why),
        .transport_maps = maps_create("transport_maps",
                                      "inline:{ special@example.com=error:5.1.1_gone, "
                                      "fast.example=relay:[10.0.0.1]:2525, "
                                      ".sub.example=smtp:, example.org=local:elsewhere, "
                                      "onlyhop.example=:[192.0.2.9] }",
                                      DICT_FLAG_LOCK),
        .myhostname = "mx.example.org",
        .local_transport = "local:$myhostname",
        .relay_transport = "relay",
        .default_transport = "smtp",
        .relayhost = "",
    };

    msg_init("resolve_rcpt_test");
    props.local_transport = "local:mx.example.org";
    check_route(&props, "user@mx.example.org", "local", "mx.example.org", 1);
    check_route(&props, "User@MX.Example.ORG.", "local", "mx.example.org", 1);
    check_route(&props, "user", "local", "mx.example.org", 1);
    check_route(&props, "user@localhost", "local", "mx.example.org", 1);
    check_route(&props, "user@example.org", "local", "elsewhere", 1);
    check_route(&props, "bob@example.com", "smtp", "example.com", 0);
    check_route(&props, "special@example.com", "error", "5.1.1_gone", 0);
    check_route(&props, "a@fast.example", "relay", "[10.0.0.1]:2525", 0);
    check_route(&props, "a@deep.sub.example", "smtp", "deep.sub.example", 0);
    check_route(&props, "a@onlyhop.example", "smtp", "[192.0.2.9]", 0);
    check_route(&props, "a@relayed.example", "relay", "relayed.example", 0);
    props.relayhost = "[smarthost.example]:587";
    check_route(&props, "bob@example.com", "smtp", "[smarthost.example]:587", 0);
    check_route(&props, "a@relayed.example", "relay", "[smarthost.example]:587", 0);
    check_route(&props, "a@fast.example", "relay", "[10.0.0.1]:2525", 0);
    check_route(&props, "user@mx.example.org", "local", "mx.example.org", 1);
    maps_free(props.transport_maps);
    props.transport_maps = maps_create("transport_maps", "inline:{ *=discard:all }", 0);
    check_route(&props, "anyone@anywhere.example", "discard", "all", 0);
    maps_free(props.transport_maps);
    match_list_free(props.mydestination);
    match_list_free(props.relay_domains);
    vstring_free(why);
    return test_summary("resolve_rcpt");
}
