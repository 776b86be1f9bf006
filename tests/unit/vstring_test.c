/* vstring_test - growable strings, string arrays and in-place string operations */

#include <errno.h>
#include <string.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

static void test_vstring(void)
{
    VSTRING *vp = vstring_alloc(1);
    char *exported;

    for (int i = 0; i < 1000; i++)
        vstring_addch(vp, 'a' + i % 26);
    TEST_INT_EQ(VSTRING_LEN(vp), 1000, "vstring grows by addch");
    TEST_INT_EQ(vstring_str(vp)[1000], 0, "vstring stays terminated");
    vstring_sprintf(vp, "%s-%d", "x", 42);
    TEST_STR_EQ(vstring_str(vp), "x-42", "vstring_sprintf replaces");
    vstring_sprintf_append(vp, "/%0300d", 7);
    TEST_INT_EQ(VSTRING_LEN(vp), 4 + 1 + 300, "vstring_sprintf_append grows");
    vstring_memcpy(vp, "a\0b", 3);
    TEST_INT_EQ(VSTRING_LEN(vp), 3, "vstring is binary safe");
    vstring_strncpy(vp, "hello", 3);
    TEST_STR_EQ(vstring_str(vp), "hel", "vstring_strncpy limits");
    vstring_truncate(vp, 1);
    TEST_STR_EQ(vstring_str(vp), "h", "vstring_truncate");
    errno = ENOENT;
    vstring_sprintf(vp, "%0200d %m", 1);
    TEST_CHECK(strstr(vstring_str(vp), "No such file") != NULL, "vstring keeps errno for %%m");
    exported = vstring_export(vp);
    TEST_CHECK(strncmp(exported, "000", 3) == 0, "vstring_export hands over the buffer");
    vp = vstring_import(exported);
    TEST_CHECK(VSTRING_LEN(vp) > 200, "vstring_import adopts a buffer");
    vp = vstring_free(vp);
    TEST_CHECK(vp == NULL, "vstring_free returns NULL");
}

static void test_argv(void)
{
    ARGV *ap = argv_split("  a, b,,c  ", ", ");
    char *joined;

    TEST_INT_EQ(ap->argc, 3, "argv_split skips empty tokens");
    TEST_STR_EQ(ap->argv[2], "c", "argv_split last token");
    TEST_CHECK(ap->argv[3] == NULL, "argv is null-terminated");
    argv_insert(ap, 0, "first");
    argv_delete(ap, 2);
    joined = argv_join(ap, "|");
    TEST_STR_EQ(joined, "first|a|c", "argv_insert, argv_delete, argv_join");
    myfree(joined);
    for (int i = 0; i < 100; i++)
        argv_add(ap, "x");
    TEST_INT_EQ(ap->argc, 103, "argv grows");
    argv_truncate(ap, 1);
    TEST_INT_EQ(ap->argc, 1, "argv_truncate");
    argv_free(ap);
}

static void test_stringops(void)
{
    char buf[] = "  one {two {three} x} four {bad";
    char *bp = buf;
    char *tok;
    char *name, *value;
    char nv[] = "  key =  some value  ";
    char nv_bad[] = "no equals";
    char braced[] = " { a = b , c } ";
    char *bp2 = braced;

    TEST_STR_EQ(mystrtok_braced(&bp, " "), "one", "mystrtok_braced plain token");
    TEST_STR_EQ(mystrtok_braced(&bp, " "), "{two {three} x}", "mystrtok_braced nested group");
    TEST_STR_EQ(mystrtok_braced(&bp, " "), "four", "mystrtok_braced after group");
    tok = mystrtok_braced(&bp, " ");
    TEST_CHECK(tok == NULL, "mystrtok_braced refuses an unbalanced group");
    TEST_CHECK(split_nameval(nv, &name, &value) == NULL, "split_nameval accepts name = value");
    TEST_STR_EQ(name, "key", "split_nameval name");
    TEST_STR_EQ(value, "some value", "split_nameval value");
    TEST_CHECK(split_nameval(nv_bad, &name, &value) != NULL, "split_nameval reports missing =");
    TEST_CHECK(strip_braces(&bp2) == NULL, "strip_braces accepts a group");
    TEST_STR_EQ(bp2, "a = b , c", "strip_braces result");
    TEST_CHECK(alldig("0123") && !alldig("") && !alldig("12a"), "alldig");
    {
        char mixed[] = "MiXeD";
        TEST_STR_EQ(lowercase(mixed), "mixed", "lowercase");
        TEST_STR_EQ(uppercase(mixed), "MIXED", "uppercase");
    }
}

int main(int argc, char **argv)
{
    msg_init(argv[0]);
    test_vstring();
    test_argv();
    test_stringops();
    return test_summary("vstring_test");
}
