/* maps_test - Postfix lookup orders: tables in order, addresses, domains, IPs, match lists */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "domain_find.h"
#include "hostaddr_find.h"
#include "mail_addr_find.h"
#include "maps.h"
#include "match_list.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

static char test_dir[] = "/tmp/maps_testXXXXXX";
static VSTRING *map_buf;

/* text_map - write a file; return "type:path" (valid until the next call) */

static const char *text_map(const char *type, const char *name, const char *text)
{
    char path[256];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", test_dir, name);
    if ((fp = fopen(path, "w")) == NULL || fputs(text, fp) < 0 || fclose(fp) != 0)
        msg_fatal("write %s: %m", path);
    return vstring_str(vstring_sprintf(map_buf, "%s:%s", type, path));
}

static void test_maps_order(void)
{
    VSTRING *names = vstring_alloc(100);
    MAPS *maps;

    vstring_sprintf(names, "%s, inline:{ {both = from inline}, only=inline }",
                    text_map("texthash", "first", "Both  from texthash\n"));
    maps = maps_create("test_maps", vstring_str(names), 0);
    TEST_STR_EQ(maps_find(maps, "both", 0), "from texthash", "maps: first table wins");
    TEST_STR_EQ(maps_find(maps, "ONLY", 0), "inline", "maps: later table answers, keys folded");
    TEST_CHECK(maps_find(maps, "none", 0) == NULL && maps->error == DICT_ERR_NONE,
               "maps: not found is not an error");
    maps_free(maps);

    vstring_sprintf(names, "inline:{a=1}, fail:broken, inline:{b=2}");
    maps = maps_create("test_maps", vstring_str(names), 0);
    TEST_STR_EQ(maps_find(maps, "a", 0), "1", "maps: table before a failing one answers");
    TEST_CHECK(maps_find(maps, "b", 0) == NULL && maps->error == DICT_ERR_RETRY,
               "maps: lookup error stops the search and is reported");
    TEST_CHECK(strstr(maps_reason(maps), "fail:broken lookup error for \"b\"") != NULL,
               "maps: error reason names table and key: %s", maps_reason(maps));
    maps_free(maps);

    maps = maps_create("test_maps", "hash:/nonexistent/table, inline:{x=y}", 0);
    TEST_CHECK(maps_find(maps, "x", 0) == NULL && maps->error == DICT_ERR_CONFIG,
               "maps: missing table is an error, not a miss");
    maps_free(maps);

    vstring_sprintf(names, "%s, inline:{x.example.com=fixed}",
                    text_map("regexp", "re", "/example/ pattern\n"));
    maps = maps_create("test_maps", vstring_str(names), 0);
    TEST_STR_EQ(maps_find(maps, "x.example.com", MAPS_FIND_ALL), "pattern",
                "maps: pattern tables answer full keys");
    TEST_STR_EQ(maps_find(maps, "x.example.com", MAPS_FIND_FIXED), "fixed",
                "maps: MAPS_FIND_FIXED skips pattern tables");
    maps_free(maps);
    vstring_free(names);
}

static void test_domain_find(void)
{
    MAPS *maps = maps_create("smtpd_access_maps",
                             "inline:{example.com=parent, .example.org=dotparent, "
                             "mail.example.net=exact}",
                             0);
    const char *matched;

    TEST_STR_EQ(domain_find(maps, "a.b.example.com", DOMAIN_FIND_PARENT, &matched), "parent",
                "domain: parent style finds example.com");
    TEST_STR_EQ(matched, "example.com", "domain: matched key reported");
    TEST_CHECK(domain_find(maps, "a.example.com", DOMAIN_FIND_DOT_PARENT, NULL) == NULL,
               "domain: dot style does not use example.com for subdomains");
    TEST_STR_EQ(domain_find(maps, "a.example.org", DOMAIN_FIND_DOT_PARENT, &matched), "dotparent",
                "domain: dot style finds .example.org");
    TEST_STR_EQ(matched, ".example.org", "domain: matched .parent key reported");
    TEST_CHECK(domain_find(maps, "example.org", DOMAIN_FIND_DOT_PARENT, NULL) == NULL,
               "domain: .example.org does not match example.org itself");
    TEST_STR_EQ(domain_find(maps, "Mail.Example.NET.", DOMAIN_FIND_EXACT, NULL), "exact",
                "domain: exact, case-insensitive, trailing dot ignored");
    TEST_CHECK(domain_find(maps, "x.mail.example.net", DOMAIN_FIND_EXACT, NULL) == NULL,
               "domain: exact does not walk parents");
    maps_free(maps);

    /* smtp_tls_policy_maps: nexthop, then .parent; errors defer. */
    maps = maps_create("smtp_tls_policy_maps", "inline:{.example.com=secure}", 0);
    TEST_STR_EQ(domain_find(maps, "mx.example.com", DOMAIN_FIND_DOT_PARENT, NULL), "secure",
                "tls policy: .example.com matches mx.example.com");
    maps_free(maps);
    maps = maps_create("smtp_tls_policy_maps", "inline:{example.com=may}, fail:policy", 0);
    TEST_CHECK(domain_find(maps, "mx.example.com", DOMAIN_FIND_DOT_PARENT, NULL) == NULL &&
                   maps->error == DICT_ERR_RETRY,
               "tls policy: a failing table is an error, never a weaker policy");
    maps_free(maps);

    maps = maps_create("test", text_map("regexp", "dom", "/^example\\.com$/ regexp\n"), 0);
    TEST_CHECK(domain_find(maps, "a.example.com", DOMAIN_FIND_PARENT, NULL) == NULL,
               "domain: regexp tables see only the full name");
    maps_free(maps);
}

static void test_hostaddr_find(void)
{
    VSTRING *names = vstring_alloc(100);
    MAPS *maps;
    const char *matched;

    vstring_sprintf(names, "inline:{192.0.2=net, 198.51=short, 2001:db8=six}, %s",
                    text_map("cidr", "nets", "203.0.113.0/24 cidr\n10.0.0.0/8 cidr-ten\n"));
    maps = maps_create("check_client_access", vstring_str(names), 0);
    TEST_STR_EQ(hostaddr_find(maps, "192.0.2.55", &matched), "net", "ip: 192.0.2 network");
    TEST_STR_EQ(matched, "192.0.2", "ip: matched prefix reported");
    TEST_STR_EQ(hostaddr_find(maps, "198.51.100.1", NULL), "short", "ip: 198.51 prefix");
    TEST_STR_EQ(hostaddr_find(maps, "203.0.113.9", NULL), "cidr", "ip: cidr table, full address");
    TEST_CHECK(hostaddr_find(maps, "10.1.2.3", NULL) != NULL, "ip: cidr /8");
    TEST_STR_EQ(hostaddr_find(maps, "2001:db8::1", &matched), "six", "ip: IPv6 prefix");
    TEST_STR_EQ(matched, "2001:db8", "ip: IPv6 matched prefix");
    TEST_CHECK(hostaddr_find(maps, "192.168.1.1", NULL) == NULL && maps->error == 0,
               "ip: not found");
    maps_free(maps);
    vstring_free(names);
}

/* is_local - example.com is ours; error.example fails */

static int is_local(const char *domain, void *context)
{
    (void)context;
    if (strcmp(domain, "error.example") == 0)
        return -1;
    return strcasecmp(domain, "example.com") == 0;
}

static void test_mail_addr_find(void)
{
    MAPS *maps = maps_create("virtual_alias_maps",
                             "inline:{ user+special@example.com=full-ext, "
                             "user@example.com=full, bob=localpart, @example.org=catchall, "
                             "carol@=localpart-at, example.net=domain }",
                             0);
    MAIL_ADDR_FIND_OPTS virtual = {
        .strategy = MAIL_ADDR_FIND_VIRTUAL, .delimiters = "+-", .is_local = is_local};
    MAIL_ADDR_FIND_OPTS access = {
        .strategy = MAIL_ADDR_FIND_ACCESS, .delimiters = "+", .domain_flags = DOMAIN_FIND_PARENT};
    char *ext;

    TEST_STR_EQ(mail_addr_find(maps, "user+special@example.com", &virtual, &ext), "full-ext",
                "addr: full address with extension first");
    TEST_CHECK(ext == NULL, "addr: no extension returned for a full match");
    TEST_STR_EQ(mail_addr_find(maps, "User+Other@Example.COM", &virtual, &ext), "full",
                "addr: extension stripped");
    TEST_STR_EQ(ext, "+Other", "addr: stripped extension returned");
    myfree(ext);
    TEST_STR_EQ(mail_addr_find(maps, "bob-list@example.com", &virtual, &ext), "localpart",
                "addr: localpart for a local domain, any delimiter");
    TEST_STR_EQ(ext, "-list", "addr: extension with '-' delimiter");
    myfree(ext);
    TEST_CHECK(mail_addr_find(maps, "bob@example.net", &virtual, NULL) == NULL,
               "addr: no localpart lookup for a remote domain");
    TEST_STR_EQ(mail_addr_find(maps, "anyone@example.org", &virtual, NULL), "catchall",
                "addr: @domain last");
    TEST_CHECK(mail_addr_find(maps, "bob@error.example", &virtual, NULL) == NULL &&
                   maps->error == DICT_ERR_RETRY,
               "addr: local-domain check failure is an error");
    TEST_STR_EQ(mail_addr_find(maps, "x@mail.example.net", &access, NULL), "domain",
                "access: domain with parent after the address");
    TEST_STR_EQ(mail_addr_find(maps, "carol+x@example.de", &access, &ext), "localpart-at",
                "access: localpart@ without extension");
    myfree(ext);
    TEST_CHECK(mail_addr_find(maps, "anyone@example.org", &access, NULL) == NULL,
               "access: no @domain lookup");
    maps_free(maps);

    maps = maps_create("virtual_alias_maps", "inline:{owner-list@example.com=owner}", 0);
    TEST_STR_EQ(mail_addr_find(maps, "owner-list@example.com", &virtual, NULL), "owner",
                "addr: owner- is not split");
    maps_free(maps);
    maps = maps_create("virtual_alias_maps", "fail:virtual, inline:{a@b=c}", 0);
    TEST_CHECK(mail_addr_find(maps, "a@b", &virtual, NULL) == NULL && maps->error,
               "addr: lookup error propagates");
    maps_free(maps);
}

static void test_match_list(void)
{
    VSTRING *why = vstring_alloc(100);
    VSTRING *patterns = vstring_alloc(100);
    MATCH_LIST *list;

    vstring_sprintf(patterns, "example.com, .example.net, !bad.example.org, example.org, %s, ",
                    text_map("texthash", "relay", "relay.test OK\n"));
    vstring_strcat(patterns, text_map("", "more", "# more\nmore.test  also.test\n") + 1);
    list = match_list_create("relay_domains", vstring_str(patterns), MATCH_FLAG_PARENT, why);
    if (!TEST_CHECK(list != NULL, "list: created (%s)", vstring_str(why)))
        return;
    TEST_INT_EQ(match_list_domain(list, "EXAMPLE.com"), 1, "list: exact domain");
    TEST_INT_EQ(match_list_domain(list, "a.example.com"), 1, "list: parent style subdomain");
    TEST_INT_EQ(match_list_domain(list, "a.example.net"), 1, "list: .domain subdomain");
    TEST_INT_EQ(match_list_domain(list, "example.net"), 0, "list: .domain not the domain");
    TEST_INT_EQ(match_list_domain(list, "bad.example.org"), 0, "list: !pattern excludes");
    TEST_INT_EQ(match_list_domain(list, "good.example.org"), 1, "list: later pattern matches");
    TEST_INT_EQ(match_list_domain(list, "sub.relay.test"), 1, "list: table with parent walk");
    TEST_INT_EQ(match_list_domain(list, "also.test"), 1, "list: patterns from a file");
    TEST_INT_EQ(match_list_domain(list, "other.test"), 0, "list: no match");
    TEST_INT_EQ(match_list_error(list), 0, "list: no match is not an error");
    match_list_free(list);

    list = match_list_create("relay_domains", "example.com", MATCH_FLAG_NONE, why);
    TEST_INT_EQ(match_list_domain(list, "a.example.com"), 0,
                "list: without parent style, domain does not match subdomains");
    match_list_free(list);

    list = match_list_create("mynetworks",
                             "127.0.0.0/8, [::1]/128, !192.168.1.66, 192.168.0.0/16, "
                             "[2001:db8::]/32, 3com.example",
                             MATCH_FLAG_NONE, why);
    if (!TEST_CHECK(list != NULL, "mynetworks: created (%s)", vstring_str(why)))
        return;
    TEST_INT_EQ(match_list_addr(list, "127.1.2.3"), 1, "mynetworks: IPv4 network");
    TEST_INT_EQ(match_list_addr(list, "::1"), 1, "mynetworks: IPv6 loopback");
    TEST_INT_EQ(match_list_addr(list, "192.168.1.66"), 0, "mynetworks: excluded address");
    TEST_INT_EQ(match_list_addr(list, "192.168.1.67"), 1, "mynetworks: rest of the network");
    TEST_INT_EQ(match_list_addr(list, "2001:db8:1::5"), 1, "mynetworks: IPv6 network");
    TEST_INT_EQ(match_list_addr(list, "8.8.8.8"), 0, "mynetworks: outside");
    TEST_INT_EQ(match_list_namadr(list, "3com.example", "8.8.8.8"), 1,
                "namadr: name pattern starting with a digit");
    match_list_free(list);

    list = match_list_create("mynetworks", "192.168.1.1/24", MATCH_FLAG_NONE, why);
    TEST_CHECK(list == NULL && strstr(vstring_str(why), "non-null host address bits"),
               "mynetworks: host bits set is an error: %s", vstring_str(why));
    list = match_list_create("relay_domains", "/nonexistent/file", MATCH_FLAG_NONE, why);
    TEST_CHECK(list == NULL && strstr(vstring_str(why), "/nonexistent/file"),
               "list: missing file named: %s", vstring_str(why));
    list = match_list_create("relay_domains", "hash:/nonexistent/table", MATCH_FLAG_NONE, why);
    TEST_CHECK(list == NULL && strstr(vstring_str(why), "nonexistent/table.db"),
               "list: missing table named: %s", vstring_str(why));

    list = match_list_create("relay_domains", "fail:relay, example.com", MATCH_FLAG_NONE, why);
    TEST_INT_EQ(match_list_domain(list, "example.com"), 0, "list: table error gives no match");
    TEST_INT_EQ(match_list_error(list), DICT_ERR_RETRY, "list: and reports the error");
    match_list_free(list);
    vstring_free(why);
    vstring_free(patterns);
}

int main(void)
{
    char cmd[300];

    msg_init("maps_test");
    msg_stderr_enable(0);
    map_buf = vstring_alloc(100);
    if (mkdtemp(test_dir) == NULL)
        msg_fatal("mkdtemp: %m");
    test_maps_order();
    test_domain_find();
    test_hostaddr_find();
    test_mail_addr_find();
    test_match_list();
    snprintf(cmd, sizeof(cmd), "rm -rf %s", test_dir);
    if (system(cmd) != 0)
        msg_warn("cannot remove %s", test_dir);
    vstring_free(map_buf);
    return test_summary("maps_test");
}
