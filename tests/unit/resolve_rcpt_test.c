/*
 * resolve_rcpt_test - address classes, transports, next hops: the decision table
 */
/* TEST_UNDER_VALGRIND */
#include <string.h>

#include "dict.h"
#include "mymalloc.h"
#include "msg.h"
#include "vstring.h"

#include "maps.h"
#include "match_list.h"
#include "resolve_rcpt.h"

#include "test.h"

/* One row of the decision table. */
typedef struct ROUTE_CASE {
    const char *sender;    /* envelope sender, or NULL */
    const char *address;   /* recipient */
    const char *transport; /* want */
    const char *nexthop;   /* want */
    int class;             /* want: RESOLVE_CLASS_* */
} ROUTE_CASE;

static void check_routes(const RESOLVE_PROPS *props, const char *title, const ROUTE_CASE *cases,
                         size_t count)
{
    VSTRING *t = vstring_alloc(20), *n = vstring_alloc(20), *why = vstring_alloc(100);

    for (size_t i = 0; i < count; i++) {
        const ROUTE_CASE *c = cases + i;
        int flags = -1;

        TEST_INT_EQ(resolve_rcpt(props, c->sender, c->address, t, n, &flags, why), RESOLVE_OK,
                    "%s: %s resolves", title, c->address);
        TEST_STR_EQ(vstring_str(t), c->transport, "%s: %s: transport", title, c->address);
        TEST_STR_EQ(vstring_str(n), c->nexthop, "%s: %s: next hop", title, c->address);
        TEST_STR_EQ(resolve_class_name(flags), resolve_class_name(c->class), "%s: %s: class", title,
                    c->address);
    }
    vstring_free(t);
    vstring_free(n);
    vstring_free(why);
}

#define CHECK_ROUTES(props, title, cases)                                                          \
    check_routes((props), (title), (cases), sizeof(cases) / sizeof((cases)[0]))

/* The classes and their default transports. */
static const ROUTE_CASE class_cases[] = {
    {NULL, "user@mx.example.org", "local", "mx.example.org", RESOLVE_CLASS_LOCAL},
    {NULL, "User@MX.Example.ORG.", "local", "mx.example.org", RESOLVE_CLASS_LOCAL},
    {NULL, "user", "local", "mx.example.org", RESOLVE_CLASS_LOCAL},
    {NULL, "user@localhost", "local", "mx.example.org", RESOLVE_CLASS_LOCAL},
    {NULL, "user@[127.0.0.1]", "local", "mx.example.org", RESOLVE_CLASS_LOCAL},
    {NULL, "user@[IPv6:::1]", "local", "mx.example.org", RESOLVE_CLASS_LOCAL},
    {NULL, "user@[192.0.2.1]", "smtp", "[192.0.2.1]", RESOLVE_CLASS_DEFAULT},
    {NULL, "a@alias.example", "error", "5.1.1 User unknown in virtual alias table",
     RESOLVE_CLASS_ALIAS},
    {NULL, "a@mbox.example", "lmtp", "unix:private/dovecot-lmtp", RESOLVE_CLASS_VIRTUAL},
    {NULL, "a@relayed.example", "relay", "relayed.example", RESOLVE_CLASS_RELAY},
    {NULL, "bob@example.com", "smtp", "example.com", RESOLVE_CLASS_DEFAULT},
    /* transport_maps: full address, domain, .parent; not for the alias class */
    {NULL, "special@example.com", "error", "5.1.1_gone", RESOLVE_CLASS_DEFAULT},
    {NULL, "a@fast.example", "relay", "[10.0.0.1]:2525", RESOLVE_CLASS_DEFAULT},
    {NULL, "a@deep.sub.example", "smtp", "deep.sub.example", RESOLVE_CLASS_DEFAULT},
    {NULL, "a@onlyhop.example", "smtp", "[192.0.2.9]", RESOLVE_CLASS_DEFAULT},
    {NULL, "user@example.org", "local", "elsewhere", RESOLVE_CLASS_LOCAL},
    {NULL, "x@alias.example", "error", "5.1.1 User unknown in virtual alias table",
     RESOLVE_CLASS_ALIAS},
    /* relocated_maps: user@domain, user for a local domain, @domain */
    {NULL, "moved@example.com", "error", "5.1.6 User has moved to moved@new.example",
     RESOLVE_CLASS_DEFAULT},
    {NULL, "gone@mx.example.org", "error", "5.1.6 User has moved to gone@new.example",
     RESOLVE_CLASS_LOCAL},
    {NULL, "gone+ext@mx.example.org", "error", "5.1.6 User has moved to gone@new.example",
     RESOLVE_CLASS_LOCAL},
    {NULL, "anyone@oldcorp.example", "error", "5.1.6 User has moved to newcorp.example",
     RESOLVE_CLASS_DEFAULT},
    /* the percent hack, only through a local domain */
    {NULL, "joe%example.com@mx.example.org", "smtp", "example.com", RESOLVE_CLASS_DEFAULT},
    {NULL, "joe%mbox.example@localhost", "lmtp", "unix:private/dovecot-lmtp",
     RESOLVE_CLASS_VIRTUAL},
    {NULL, "joe%example.com@example.net", "smtp", "example.net", RESOLVE_CLASS_DEFAULT},
};

/* relayhost, the sender-dependent tables, and transports with a next hop. */
static const ROUTE_CASE relayhost_cases[] = {
    {"", "bob@example.com", "smtp", "[bounces.example]", RESOLVE_CLASS_DEFAULT},
    {"a@sender.example", "bob@example.com", "smtp", "[sender-relay.example]",
     RESOLVE_CLASS_DEFAULT},
    {"boss@sender.example", "bob@example.com", "smtp", "[boss-relay.example]:587",
     RESOLVE_CLASS_DEFAULT},
    {"dunno@sender.example", "bob@example.com", "smtp", "[smarthost.example]:587",
     RESOLVE_CLASS_DEFAULT},
    {"x@other.example", "bob@example.com", "smtp", "[smarthost.example]:587",
     RESOLVE_CLASS_DEFAULT},
    {NULL, "bob@example.com", "smtp", "[smarthost.example]:587", RESOLVE_CLASS_DEFAULT},
    {NULL, "a@relayed.example", "relay", "[smarthost.example]:587", RESOLVE_CLASS_RELAY},
    {"a@sender.example", "a@relayed.example", "relay", "[sender-relay.example]",
     RESOLVE_CLASS_RELAY},
    {"t@transport.example", "bob@example.com", "special", "[special-hop.example]",
     RESOLVE_CLASS_DEFAULT},
    {"t@transport.example", "a@relayed.example", "relay", "[smarthost.example]:587",
     RESOLVE_CLASS_RELAY},
    {"u@transport.example", "bob@example.com", "uucp", "[smarthost.example]:587",
     RESOLVE_CLASS_DEFAULT},
    {"<>", "bob@example.com", "smtp", "[smarthost.example]:587", RESOLVE_CLASS_DEFAULT},
    {"a@fast.example", "a@fast.example", "relay", "[10.0.0.1]:2525", RESOLVE_CLASS_DEFAULT},
    {NULL, "user@mx.example.org", "local", "mx.example.org", RESOLVE_CLASS_LOCAL},
    {NULL, "a@mbox.example", "lmtp", "unix:private/dovecot-lmtp", RESOLVE_CLASS_VIRTUAL},
};

/* Routing inside a local localpart, and malformed domains, Postfix's defaults. */
static const ROUTE_CASE syntax_default_cases[] = {
    {NULL, "joe@example.com@mx.example.org", "smtp", "example.com", RESOLVE_CLASS_DEFAULT},
    {NULL, "joe@mbox.example@localhost@mx.example.org", "lmtp", "unix:private/dovecot-lmtp",
     RESOLVE_CLASS_VIRTUAL},
    {NULL, "joe%example.com@mx.example.org", "smtp", "example.com", RESOLVE_CLASS_DEFAULT},
    {NULL, "joe@", "error", "5.1.3 bad address syntax", RESOLVE_CLASS_DEFAULT},
    {NULL, "joe@example.com@", "smtp", "example.com", RESOLVE_CLASS_DEFAULT},
    {NULL, "joe@192.0.2.1", "error", "5.1.3 bad address syntax", RESOLVE_CLASS_DEFAULT},
    {NULL, "joe@2001:db8::1", "error", "5.1.3 bad address syntax", RESOLVE_CLASS_DEFAULT},
    {NULL, "joe@192.0.2.1@mx.example.org", "error", "5.1.3 bad address syntax",
     RESOLVE_CLASS_DEFAULT},
    {NULL, "joe@[no-address]", "error", "5.1.3 bad address syntax", RESOLVE_CLASS_DEFAULT},
    {NULL, "joe@[192.0.2.1]", "smtp", "[192.0.2.1]", RESOLVE_CLASS_DEFAULT},
    {NULL, "joe@[IPv6:2001:db8::1]", "smtp", "[ipv6:2001:db8::1]", RESOLVE_CLASS_DEFAULT},
    {NULL, "joe@1.example", "smtp", "1.example", RESOLVE_CLASS_DEFAULT},
    {NULL, "joe@under_score.example.", "smtp", "under_score.example", RESOLVE_CLASS_DEFAULT},
    {NULL, "joe@-bad.example", "error", "5.1.3 bad address syntax", RESOLVE_CLASS_DEFAULT},
    {NULL, "joe@bad-.example", "error", "5.1.3 bad address syntax", RESOLVE_CLASS_DEFAULT},
    {NULL, "joe@a..example", "error", "5.1.3 bad address syntax", RESOLVE_CLASS_DEFAULT},
    {NULL, "joe@example.com..", "error", "5.1.3 bad address syntax", RESOLVE_CLASS_DEFAULT},
    {NULL, "joe@123", "error", "5.1.3 bad address syntax", RESOLVE_CLASS_DEFAULT},
    {NULL, "joe@[1.2.3]", "error", "5.1.3 bad address syntax", RESOLVE_CLASS_DEFAULT},
};

/* The same with resolve_dequoted_address = no, resolve_null_domain and resolve_numeric_domain = yes. */
static const ROUTE_CASE syntax_other_cases[] = {
    {NULL, "joe@example.com@mx.example.org", "local", "mx.example.org", RESOLVE_CLASS_LOCAL},
    {NULL, "joe%example.com@mx.example.org", "smtp", "example.com", RESOLVE_CLASS_DEFAULT},
    {NULL, "a@b%example.com@mx.example.org", "local", "mx.example.org", RESOLVE_CLASS_LOCAL},
    {NULL, "joe@", "local", "mx.example.org", RESOLVE_CLASS_LOCAL},
    {NULL, "joe@example.com@", "local", "mx.example.org", RESOLVE_CLASS_LOCAL},
    {NULL, "joe@192.0.2.1", "smtp", "[192.0.2.1]", RESOLVE_CLASS_DEFAULT},
    {NULL, "joe@127.0.0.1", "local", "mx.example.org", RESOLVE_CLASS_LOCAL},
    {NULL, "joe@2001:db8::1", "smtp", "[2001:db8::1]", RESOLVE_CLASS_DEFAULT},
};

/* check_syntax_flag - a malformed domain says so in the flags; a good one does not */

static void check_syntax_flag(const RESOLVE_PROPS *props)
{
    VSTRING *t = vstring_alloc(20), *n = vstring_alloc(20), *why = vstring_alloc(100);
    int flags = 0;

    resolve_rcpt(props, NULL, "joe@192.0.2.1", t, n, &flags, why);
    TEST_CHECK((flags & RESOLVE_FLAG_SYNTAX) && (flags & RESOLVE_FLAG_ERROR),
               "a bare address: RESOLVE_FLAG_SYNTAX and RESOLVE_FLAG_ERROR");
    resolve_rcpt(props, NULL, "joe@example.com", t, n, &flags, why);
    TEST_CHECK(!(flags & RESOLVE_FLAG_SYNTAX), "a domain: no RESOLVE_FLAG_SYNTAX");
    vstring_free(t);
    vstring_free(n);
    vstring_free(why);
}

int main(void)
{
    VSTRING *why = vstring_alloc(100);
    RESOLVE_PROPS props;
    RESOLVE_SETTINGS settings = {
        .mydestination = "mx.example.org, example.org, localhost",
        .inet_interfaces = "127.0.0.1, ::1",
        .proxy_interfaces = "",
        .inet_protocols = "all",
        .virtual_alias_domains = "alias.example",
        .virtual_mailbox_domains = "inline:{ mbox.example=yes }",
        .relay_domains = "relayed.example",
        .transport_maps = "inline:{ special@example.com=error:5.1.1_gone, "
                          "fast.example=relay:[10.0.0.1]:2525, "
                          ".sub.example=smtp:, example.org=local:elsewhere, "
                          "onlyhop.example=:[192.0.2.9], x@alias.example=smtp:nowhere }",
        .relocated_maps = "inline:{ moved@example.com=moved@new.example, gone=gone@new.example, "
                          "@oldcorp.example=newcorp.example }",
        .myhostname = "mx.example.org",
        .local_transport = "local:$myhostname",
        .virtual_transport = "lmtp:unix:private/dovecot-lmtp",
        .relay_transport = "relay",
        .default_transport = "smtp",
        .relayhost = "",
        .recipient_delimiter = "+",
        .allow_percent_hack = true,
        .show_user_unknown_table_name = true,
    };

    msg_init("resolve_rcpt_test");
    TEST_INT_EQ(resolve_props_init(&props, &settings, why), 0, "props: %s", vstring_str(why));
    /* "$myhostname" is expanded by the configuration, not here: set what main.cf gives. */
    myfree((void *)props.local_transport);
    props.local_transport = mystrdup("local:mx.example.org");
    CHECK_ROUTES(&props, "classes", class_cases);
    resolve_props_free(&props);

    settings.relocated_maps = "";
    settings.relayhost = "[smarthost.example]:587";
    settings.sender_dependent_relayhost_maps =
        "inline:{ <bounce>=[bounces.example], @sender.example=[sender-relay.example], "
        "boss@sender.example=[boss-relay.example]:587, dunno@sender.example=DUNNO }";
    settings.empty_address_relayhost_maps_lookup_key = "<bounce>";
    settings.sender_dependent_default_transport_maps =
        "inline:{ t@transport.example=special:[special-hop.example], u@transport.example=uucp }";
    settings.empty_address_default_transport_maps_lookup_key = "<>";
    settings.local_transport = "local";
    TEST_INT_EQ(resolve_props_init(&props, &settings, why), 0, "props: %s", vstring_str(why));
    CHECK_ROUTES(&props, "relayhost", relayhost_cases);
    resolve_props_free(&props);

    settings.relayhost = "";
    settings.transport_maps = "";
    settings.resolve_dequoted_address = true;
    TEST_INT_EQ(resolve_props_init(&props, &settings, why), 0, "props: %s", vstring_str(why));
    CHECK_ROUTES(&props, "syntax, Postfix's defaults", syntax_default_cases);
    check_syntax_flag(&props);
    resolve_props_free(&props);
    settings.resolve_dequoted_address = false;
    settings.resolve_null_domain = true;
    settings.resolve_numeric_domain = true;
    TEST_INT_EQ(resolve_props_init(&props, &settings, why), 0, "props: %s", vstring_str(why));
    CHECK_ROUTES(&props, "syntax, the other settings", syntax_other_cases);
    resolve_props_free(&props);
    settings.resolve_null_domain = false;
    settings.resolve_numeric_domain = false;

    /* A failing table defers; it never reads as "not found". */
    settings.sender_dependent_relayhost_maps = "";
    settings.sender_dependent_default_transport_maps = "";
    settings.transport_maps = "fail:transport";
    TEST_INT_EQ(resolve_props_init(&props, &settings, why), 0, "props: %s", vstring_str(why));
    {
        VSTRING *t = vstring_alloc(20), *n = vstring_alloc(20);
        int flags = 0;

        TEST_INT_EQ(resolve_rcpt(&props, NULL, "a@example.com", t, n, &flags, why), RESOLVE_RETRY,
                    "failing transport_maps: retry");
        TEST_CHECK(strstr(vstring_str(why), "transport_maps") != NULL, "reason names the table: %s",
                   vstring_str(why));
        TEST_INT_EQ(resolve_rcpt(&props, NULL, "a@alias.example", t, n, &flags, why), RESOLVE_OK,
                    "the alias class does not consult transport_maps");
        resolve_props_free(&props);
        settings.transport_maps = "";
        settings.virtual_mailbox_domains = "fail:domains";
        TEST_INT_EQ(resolve_props_init(&props, &settings, why), 0, "props");
        TEST_INT_EQ(resolve_rcpt(&props, NULL, "a@example.com", t, n, &flags, why), RESOLVE_RETRY,
                    "failing virtual_mailbox_domains: retry");
        TEST_INT_EQ(resolve_rcpt(&props, NULL, "a@mx.example.org", t, n, &flags, why), RESOLVE_OK,
                    "a local domain is decided before the failing list");
        TEST_INT_EQ(resolve_class_domain(&props, "alias.example", why), RESOLVE_CLASS_ALIAS,
                    "virtual_alias_domains before virtual_mailbox_domains");
        vstring_free(t);
        vstring_free(n);
        resolve_props_free(&props);
    }
    vstring_free(why);
    return test_summary("resolve_rcpt");
}
