/*
 * alias_parse_test - aliases(5) lines and values
 */
/* TEST_UNDER_VALGRIND */
#include <string.h>

#include "mymalloc.h"
#include "vstring.h"

#include "alias_parse.h"

#include "test.h"

static void test_lines(void)
{
    static const struct {
        const char *line, *name, *value;
    } good[] = {
        {"root: admin", "root", "admin"},
        {"Postmaster :   root  ", "postmaster", "root"},
        {"\"odd name\": x", "odd name", "x"},
        {"list: a, b,\n\tc", "list", "a, b,\n\tc"},
    };
    static const char *const bad[] = {"no colon here", ": x", "empty:", "empty:   "};
    VSTRING *why = vstring_alloc(100);
    char *name, *value;

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        char *copy = mystrdup(good[i].line);

        TEST_INT_EQ(alias_parse_line(copy, &name, &value, why), 0, "line \"%s\" parses",
                    good[i].line);
        TEST_STR_EQ(name, good[i].name, "name of \"%s\"", good[i].line);
        TEST_STR_EQ(value, good[i].value, "value of \"%s\"", good[i].line);
        myfree(copy);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *copy = mystrdup(bad[i]);

        TEST_INT_EQ(alias_parse_line(copy, &name, &value, why), -1, "line \"%s\" is refused (%s)",
                    bad[i], vstring_str(why));
        myfree(copy);
    }
    vstring_free(why);
}

static void test_values(void)
{
    VSTRING *why = vstring_alloc(100);
    ALIAS_LIST *list =
        alias_parse_value("alice, <bob@example.org>,\"|/usr/bin/filter -a, -b\" , /var/log/mail,"
                          " :include:/etc/mail/list, \"Carol Q\"@example.com",
                          why);
    static const struct {
        int type;
        const char *value;
    } want[] = {
        {ALIAS_ITEM_ADDRESS, "alice"},
        {ALIAS_ITEM_ADDRESS, "bob@example.org"},
        {ALIAS_ITEM_COMMAND, "/usr/bin/filter -a, -b"},
        {ALIAS_ITEM_FILE, "/var/log/mail"},
        {ALIAS_ITEM_INCLUDE, "/etc/mail/list"},
        {ALIAS_ITEM_ADDRESS, "Carol Q@example.com"},
    };

    TEST_CHECK(list != NULL && list->count == 6, "six items (%s)", vstring_str(why));
    for (size_t i = 0; list && i < list->count && i < 6; i++) {
        TEST_INT_EQ(list->items[i].type, want[i].type, "type of item %zu", i);
        TEST_STR_EQ(list->items[i].value, want[i].value, "value of item %zu", i);
    }
    if (list)
        alias_list_free(list);
    TEST_CHECK(alias_parse_value("a,,b", why) == NULL, "an empty item is refused");
    TEST_CHECK(alias_parse_value("\"|cmd", why) == NULL &&
                   strstr(vstring_str(why), "unterminated") != NULL,
               "an unterminated quote is refused");
    TEST_CHECK(alias_parse_value("   ", why) == NULL, "a blank value is refused");
    vstring_free(why);
}

int main(void)
{
    test_lines();
    test_values();
    return test_summary("alias_parse");
}
