/* dict_text_test - texthash, inline and static tables; logical lines; base64 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base64_code.h"
#include "dict.h"
#include "dict_file.h"
#include "msg.h"
#include "mymalloc.h"
#include "readlline.h"
#include "vstring.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

static char test_dir[] = "/tmp/dict_text_testXXXXXX";
static VSTRING *warnings; /* captured warnings */

/* capture - keep warnings for checks */

static void capture(enum msg_level level, const char *text, void *unused_context)
{
    (void)unused_context;
    if (level == MSG_WARN)
        vstring_sprintf_append(warnings, "%s\n", text);
}

/* write_text - create a file in the test directory; returns its path */

static const char *write_text(const char *name, const char *text)
{
    static char path[256];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", test_dir, name);
    if ((fp = fopen(path, "w")) == NULL || fputs(text, fp) < 0 || fclose(fp) != 0)
        msg_fatal("write %s: %m", path);
    return path;
}

static void test_readlline(void)
{
    const char *path = write_text("lines", "# comment\n"
                                           "\n"
                                           "first  line   \n"
                                           "  continued\n"
                                           "# inner comment\n"
                                           "\tand more\n"
                                           "second\r\n"
                                           "  \n"
                                           "third\n");
    FILE *fp = fopen(path, "r");
    VSTRING *buf = vstring_alloc(10);
    int lineno = 0, first = 0;

    TEST_INT_EQ(readlline(buf, fp, path, &lineno, &first), 1, "readlline: first logical line");
    TEST_STR_EQ(vstring_str(buf), "first  line  continued\tand more",
                "readlline: continuation lines joined, comments skipped");
    TEST_INT_EQ(first, 3, "readlline: logical line starts at line 3");
    TEST_INT_EQ(readlline(buf, fp, path, &lineno, &first), 1, "readlline: second line");
    TEST_STR_EQ(vstring_str(buf), "second", "readlline: trailing CR removed");
    TEST_INT_EQ(first, 7, "readlline: second starts at line 7");
    TEST_INT_EQ(readlline(buf, fp, path, &lineno, &first), 1, "readlline: third line");
    TEST_STR_EQ(vstring_str(buf), "third", "readlline: third after blank line");
    TEST_INT_EQ(readlline(buf, fp, path, &lineno, &first), 0, "readlline: end of file");
    fclose(fp);
    vstring_free(buf);
}

static void test_entry_split(void)
{
    static const struct {
        const char *line, *key, *value, *err;
    } cases[] = {
        {"key value", "key", "value", NULL},
        {"key   value with  spaces  ", "key", "value with  spaces", NULL},
        {"\"a b\"@example.com  OK", "\"a b\"@example.com", "OK", NULL},
        {"a\\ b c", "a\\ b", "c", NULL},
        {"lonely", NULL, NULL, "expected format: key whitespace value"},
        {"\"open value", NULL, NULL, "unbalanced '\"'"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *copy = mystrdup(cases[i].line);
        char *key = NULL, *value = NULL;
        const char *err = dict_entry_split(copy, &key, &value);

        TEST_STR_EQ(err, cases[i].err, "entry split \"%s\": error", cases[i].line);
        if (err == NULL) {
            TEST_STR_EQ(key, cases[i].key, "entry split \"%s\": key", cases[i].line);
            TEST_STR_EQ(value, cases[i].value, "entry split \"%s\": value", cases[i].line);
        }
        myfree(copy);
    }
}

static void test_base64(void)
{
    VSTRING *enc = vstring_alloc(10), *dec = vstring_alloc(10);
    static const char *plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};

    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        base64_encode(enc, plain[i], strlen(plain[i]));
        TEST_STR_EQ(vstring_str(enc), coded[i], "base64 encode \"%s\" (RFC 4648)", plain[i]);
        TEST_CHECK(base64_decode(dec, coded[i], strlen(coded[i])) != NULL &&
                       strcmp(vstring_str(dec), plain[i]) == 0,
                   "base64 decode \"%s\"", coded[i]);
    }
    TEST_CHECK(base64_decode(dec, "Zm9", 3) == NULL, "base64 decode refuses a bad length");
    TEST_CHECK(base64_decode(dec, "Zm=v", 4) == NULL, "base64 decode refuses misplaced padding");
    TEST_CHECK(base64_decode(dec, "Zm9*", 4) == NULL, "base64 decode refuses a bad character");
    vstring_free(enc);
    vstring_free(dec);
}

static void test_texthash(void)
{
    char map[300];
    const char *path = write_text("access", "# access table\n"
                                            "Example.COM   OK\n"
                                            "user@example.org  REJECT no\n"
                                            "   thanks\n"
                                            "badline\n"
                                            "dup   first\n"
                                            "dup   second\n");
    DICT *dict;
    const char *key, *value;
    int count = 0;

    snprintf(map, sizeof(map), "texthash:%s", path);
    VSTRING_RESET(warnings);
    dict = dict_open(map, O_RDONLY, DICT_FLAG_FOLD_FIX | DICT_FLAG_DUP_WARN);
    TEST_CHECK(dict_open_ok(dict), "texthash opens");
    TEST_STR_EQ(dict_get(dict, "example.com"), "OK", "texthash key folded at load");
    TEST_STR_EQ(dict_get(dict, "EXAMPLE.com"), "OK", "texthash key folded at lookup");
    TEST_STR_EQ(dict_get(dict, "user@example.org"), "REJECT no   thanks",
                "texthash value with continuation line");
    TEST_STR_EQ(dict_get(dict, "dup"), "first", "texthash duplicate: first wins");
    TEST_CHECK(dict_get(dict, "nothere") == NULL && dict->error == 0,
               "texthash missing key: not found");
    TEST_CHECK(strstr(vstring_str(warnings), ", line 5: expected format: key whitespace value"),
               "texthash warns about a malformed line with its number");
    TEST_CHECK(strstr(vstring_str(warnings), ", line 7: duplicate entry: \"dup\""),
               "texthash warns about a duplicate with its line");
    for (int s = dict_seq(dict, DICT_SEQ_FUN_FIRST, &key, &value); s == DICT_STAT_SUCCESS;
         s = dict_seq(dict, DICT_SEQ_FUN_NEXT, &key, &value))
        count++;
    TEST_INT_EQ(count, 3, "texthash sequence");
    TEST_INT_EQ(dict_put(dict, "x", "y"), DICT_STAT_ERROR, "texthash has no update");
    TEST_INT_EQ(dict->error, DICT_ERR_CONFIG, "texthash update error is a config error");
    dict_close(dict);

    dict = dict_open(map, O_RDONLY, DICT_FLAG_DUP_REPLACE);
    TEST_STR_EQ(dict_get(dict, "dup"), "second", "texthash DUP_REPLACE: last wins");
    TEST_CHECK(dict_get(dict, "example.com") == NULL, "texthash without FOLD_FIX is exact");
    dict_close(dict);

    dict = dict_open(map, O_RDONLY, 0);
    TEST_CHECK(!dict_open_ok(dict) && strstr(dict_reason(dict), "line 7: duplicate entry"),
               "texthash without DUP flags: duplicate is an error: %s", dict_reason(dict));
    dict_close(dict);

    snprintf(map, sizeof(map), "texthash:%s/nonexistent", test_dir);
    dict = dict_open(map, O_RDONLY, 0);
    TEST_CHECK(!dict_open_ok(dict) && dict->error == DICT_ERR_CONFIG &&
                   strstr(dict_reason(dict), "nonexistent: No such file"),
               "texthash missing file: %s", dict_reason(dict));
    TEST_CHECK(dict_get(dict, "a") == NULL && dict->error == DICT_ERR_CONFIG,
               "missing table: lookup fails, not not-found");
    dict_close(dict);
}

/* test_empty - tables without entries open, and find nothing */

static void test_empty(void)
{
    static const char *const inline_maps[] = {"inline:{}", "inline:{ }", "inline:{ , }"};
    char map[300];
    DICT *dict;

    snprintf(map, sizeof(map), "texthash:%s", write_text("empty", "# nothing here\n\n"));
    dict = dict_open(map, O_RDONLY, DICT_FLAG_DUP_WARN);
    TEST_CHECK(dict_open_ok(dict), "an empty texthash table opens (%s)", dict_reason(dict));
    TEST_CHECK(dict_get(dict, "a") == NULL && dict->error == 0,
               "an empty texthash table finds nothing, without an error");
    dict_close(dict);
    for (size_t i = 0; i < sizeof(inline_maps) / sizeof(inline_maps[0]); i++) {
        dict = dict_open(inline_maps[i], O_RDONLY, 0);
        TEST_CHECK(dict_open_ok(dict) && dict_get(dict, "a") == NULL && dict->error == 0,
                   "%s opens and finds nothing (%s)", inline_maps[i], dict_reason(dict));
        dict_close(dict);
    }
}

static void test_rhs_is_file(void)
{
    char map[600];
    const char *pem1 = "-----BEGIN X-----\nAAAA\n-----END X-----\n";
    char p1[256], p2[256];
    DICT *dict;

    snprintf(p1, sizeof(p1), "%s", write_text("one.pem", pem1));
    snprintf(p2, sizeof(p2), "%s", write_text("two.pem", "second\n"));
    snprintf(map, sizeof(map), "inline:{ {example.com = %s, %s} }", p1, p2);
    dict = dict_open(map, O_RDONLY, DICT_FLAG_SRC_RHS_IS_FILE);
    TEST_CHECK(dict_open_ok(dict), "SRC_RHS_IS_FILE inline opens (%s)", dict_reason(dict));
    TEST_STR_EQ(dict_get(dict, "example.com"),
                "-----BEGIN X-----\nAAAA\n-----END X-----\n\nsecond\n",
                "SRC_RHS_IS_FILE: files joined with a newline, decoded at lookup");
    dict_close(dict);
}

static void test_inline_static(void)
{
    DICT *dict = dict_open("inline:{ Key1=value1, { key2 = value with, comma }, k3=v3 }", O_RDONLY,
                           DICT_FLAG_FOLD_FIX);

    TEST_CHECK(dict_open_ok(dict), "inline opens (%s)", dict_reason(dict));
    TEST_STR_EQ(dict_get(dict, "key1"), "value1", "inline simple entry");
    TEST_STR_EQ(dict_get(dict, "KEY2"), "value with, comma", "inline braced entry");
    TEST_STR_EQ(dict_get(dict, "k3"), "v3", "inline third entry");
    TEST_CHECK(dict_get(dict, "k4") == NULL && dict->error == 0, "inline not found");
    dict_close(dict);

    dict = dict_open("inline:{ a=b, novalue }", O_RDONLY, 0);
    TEST_CHECK(!dict_open_ok(dict) && strstr(dict_reason(dict), "\"novalue\": missing '='"),
               "inline syntax error names the entry: %s", dict_reason(dict));
    dict_close(dict);
    dict = dict_open("inline:a=b", O_RDONLY, 0);
    TEST_CHECK(!dict_open_ok(dict), "inline without braces is refused: %s", dict_reason(dict));
    dict_close(dict);
    dict = dict_open("inline:{ a=b, {c=d }", O_RDONLY, 0);
    TEST_CHECK(!dict_open_ok(dict), "inline with unbalanced braces is refused: %s",
               dict_reason(dict));
    dict_close(dict);

    dict = dict_open("static:OK", O_RDONLY, 0);
    TEST_STR_EQ(dict_get(dict, "anything"), "OK", "static returns its value");
    dict_close(dict);
    dict = dict_open("static:{ REJECT no thanks }", O_RDONLY, 0);
    TEST_STR_EQ(dict_get(dict, "x"), "REJECT no thanks", "static with braces");
    dict_close(dict);
    dict = dict_open("static:{ open", O_RDONLY, 0);
    TEST_CHECK(!dict_open_ok(dict), "static with unbalanced brace is refused");
    dict_close(dict);
}

int main(void)
{
    char cmd[300];

    msg_init("dict_text_test");
    msg_stderr_enable(0);
    warnings = vstring_alloc(100);
    msg_output_add(capture, NULL);
    if (mkdtemp(test_dir) == NULL)
        msg_fatal("mkdtemp: %m");
    test_readlline();
    test_entry_split();
    test_base64();
    test_texthash();
    test_empty();
    test_rhs_is_file();
    test_inline_static();
    snprintf(cmd, sizeof(cmd), "rm -rf %s", test_dir);
    if (system(cmd) != 0)
        msg_warn("cannot remove %s", test_dir);
    msg_output_remove(capture, NULL);
    vstring_free(warnings);
    return test_summary("dict_text_test");
}
