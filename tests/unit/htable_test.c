/* htable_test - string-keyed hash table: enter, find, delete, grow, walk, free */

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "htable.h"
#include "msg.h"
#include "mymalloc.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

static void sum_cb(HTABLE_INFO *entry, void *context)
{
    *(long *)context += (long)(intptr_t)entry->value;
}

static int freed;

static void count_free(void *value)
{
    freed++;
    myfree(value);
}

int main(void)
{
    HTABLE *table = htable_create(0);
    HTABLE_INFO **list, *info;
    char key[32];
    long sum = 0;
    int found = 1, order_ok = 1;
    size_t n;
    jmp_buf jbuf;

    msg_init("htable_test");
    for (int i = 1; i <= 5000; i++) {
        snprintf(key, sizeof(key), "key%d", i);
        htable_enter(table, key, (void *)(intptr_t)i);
    }
    TEST_INT_EQ(htable_used(table), 5000, "entries counted across growth");
    for (int i = 1; i <= 5000; i++) {
        snprintf(key, sizeof(key), "key%d", i);
        found &= (intptr_t)htable_find(table, key) == i;
    }
    TEST_CHECK(found, "every key finds its value after growth");
    TEST_CHECK(htable_find(table, "key0") == NULL, "absent key is NULL");
    TEST_CHECK(htable_locate(table, "") == NULL, "empty key absent");
    htable_walk(table, sum_cb, &sum);
    TEST_INT_EQ(sum, 5000L * 5001 / 2, "walk visits every entry once");
    list = htable_list(table);
    for (n = 0; list[n]; n++)
        order_ok &= strncmp(list[n]->key, "key", 3) == 0;
    TEST_CHECK(n == 5000 && order_ok, "list returns every entry");
    myfree(list);
    TEST_INT_EQ(htable_delete(table, "key77", NULL), 1, "delete present key");
    TEST_INT_EQ(htable_delete(table, "key77", NULL), 0, "delete absent key");
    TEST_CHECK(htable_find(table, "key77") == NULL, "deleted key is gone");
    TEST_INT_EQ(htable_used(table), 4999, "count after delete");
    htable_free(table, NULL);

    table = htable_create(4);
    info = htable_enter(table, "a", mystrdup("one"));
    myfree(info->value);
    info->value = mystrdup("two");
    TEST_STR_EQ(htable_find(table, "a"), "two", "entry value can be replaced");
    htable_enter(table, "", mystrdup("empty key"));
    TEST_STR_EQ(htable_find(table, ""), "empty key", "empty string is a valid key");
    msg_stderr_enable(0);
    msg_set_longjmp(&jbuf);
    if (setjmp(jbuf) == 0) {
        htable_enter(table, "a", NULL);
        TEST_CHECK(0, "duplicate key panics");
    } else {
        TEST_CHECK(1, "duplicate key panics");
    }
    msg_set_longjmp(NULL);
    msg_stderr_enable(1);
    TEST_INT_EQ(htable_delete(table, "", count_free), 1, "delete with free function");
    htable_free(table, count_free);
    TEST_INT_EQ(freed, 2, "free function sees every value");
    return test_summary("htable_test");
}
