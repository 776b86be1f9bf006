/* dict_proxy_test - proxy: tables without a proxymap service, and malformed names */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "dict.h"
#include "dict_proxy.h"
#include "msg.h"
#include "test.h"

/* test_unavailable - no service: the open waits, every operation fails for now */

static void test_unavailable(void)
{
    DICT *dict;
    const char *key, *value;

    dict_proxy_init("/nonexistent/private", "proxymap", "proxywrite", 2, 5, 1000);
    dict = dict_open("proxy:hash:/etc/postfix/access", O_RDONLY, DICT_FLAG_LOCK);
    TEST_INT_EQ(dict_open_ok(dict), 1, "no service: the open is tried again later");
    TEST_STR_EQ(dict->type, DICT_TYPE_PROXY, "the type is proxy");
    TEST_STR_EQ(dict->name, "hash:/etc/postfix/access", "the name is the proxied table");
    TEST_CHECK(dict_get(dict, "key") == NULL, "a lookup finds nothing");
    TEST_INT_EQ(dict->error, DICT_ERR_RETRY, "... and fails for now, never \"not found\"");
    TEST_CHECK(strstr(dict_reason(dict), "the proxymap service is not available") != NULL,
               "... naming the service: %s", dict_reason(dict));
    TEST_INT_EQ(dict_seq(dict, DICT_SEQ_FUN_FIRST, &key, &value), DICT_STAT_ERROR, "a walk fails");
    TEST_INT_EQ(dict_put(dict, "k", "v"), DICT_STAT_ERROR, "a read-only table takes no update");
    TEST_INT_EQ(dict->error, DICT_ERR_CONFIG, "... a configuration error");
    dict_close(dict);

    dict = dict_open("proxy:btree:/var/lib/postfix/cache", O_RDWR | O_CREAT, DICT_FLAG_NONE);
    TEST_INT_EQ(dict_put(dict, "k", "v"), DICT_STAT_ERROR, "an update without proxywrite fails");
    TEST_INT_EQ(dict->error, DICT_ERR_RETRY, "... for now");
    TEST_CHECK(strstr(dict_reason(dict), "the proxywrite service is not available") != NULL,
               "... naming the write service: %s", dict_reason(dict));
    TEST_INT_EQ(dict_del(dict, "k"), DICT_STAT_ERROR, "so does a delete");
    dict_close(dict);
}

/* test_names - what proxy: cannot name */

static void test_names(void)
{
    static const char *const bad[] = {"proxy:proxy:hash:/x", "proxy:nocolon"};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        DICT *dict = dict_open(bad[i], O_RDONLY, DICT_FLAG_NONE);

        TEST_INT_EQ(dict_open_ok(dict), 0, "%s is refused", bad[i]);
        TEST_INT_EQ(dict->error, DICT_ERR_CONFIG, "%s: a configuration error", bad[i]);
        dict_close(dict);
    }
}

int main(void)
{
    msg_init("dict_proxy_test");
    test_unavailable();
    test_names();
    return test_summary("dict_proxy_test");
}
