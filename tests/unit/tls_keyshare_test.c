/* tls_keyshare_test - ticket keys shared through a table: agreement, races, rotation, damage */

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "argv.h"
#include "base64_code.h"
#include "dict.h"
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "tls_keyshare.h"
#include "test.h"

#define TIMEOUT 3600
#define HALF    (TIMEOUT / 2)
#define NOW     (1700000000L / HALF * HALF + 100) /* early in a period */

static ARGV *logged;

static void capture(enum msg_level level, const char *text, void *unused_context)
{
    argv_add(logged, text);
}

static int log_has(const char *text)
{
    int count = 0;

    for (size_t i = 0; i < logged->argc; i++)
        count += strstr(logged->argv[i], text) != NULL;
    return count;
}

/*
 * The table that memcached would be: shared by the "hosts" of a test
 * (each opens its own handle onto one HTABLE), adding only where there
 * is no value (DICT_FLAG_DUP_IGNORE), with switches for an outage and
 * for a host that looked before another one added.
 */
typedef struct {
    DICT dict;      /* common part; must be first */
    HTABLE *values; /* shared: key -> mystrdup'd value; not owned */
    bool *down;     /* shared: every operation fails */
    int blind;      /* lookups that see nothing, as if made before an add */
} FAKE_DICT;

static const char *fake_lookup(DICT *dict, const char *key)
{
    FAKE_DICT *fd = (FAKE_DICT *)dict;

    if (*fd->down) {
        dict_set_error(dict, DICT_ERR_RETRY, "fake: server down");
        return NULL;
    }
    if (fd->blind > 0) {
        fd->blind--;
        return NULL;
    }
    return htable_find(fd->values, key);
}

static int fake_update(DICT *dict, const char *key, const char *value)
{
    FAKE_DICT *fd = (FAKE_DICT *)dict;

    if (*fd->down) {
        dict_set_error(dict, DICT_ERR_RETRY, "fake: server down");
        return DICT_STAT_ERROR;
    }
    if (htable_find(fd->values, key)) {
        if ((dict->flags & DICT_FLAG_DUP_IGNORE) == 0)
            htable_delete(fd->values, key, myfree);
        else
            return DICT_STAT_FAIL;
    }
    htable_enter(fd->values, key, mystrdup(value));
    return DICT_STAT_SUCCESS;
}

static void fake_close(DICT *dict)
{
    dict_free(dict);
}

static FAKE_DICT *fake_open(HTABLE *values, bool *down)
{
    FAKE_DICT *fd =
        (FAKE_DICT *)dict_alloc("fake", "shared", sizeof(*fd), O_RDWR, DICT_FLAG_DUP_IGNORE);

    fd->values = values;
    fd->down = down;
    fd->dict.lookup = fake_lookup;
    fd->dict.update = fake_update;
    fd->dict.close = fake_close;
    return fd;
}

#define SECRET_A "0123456789abcdef0123456789abcdef-cluster-one"
#define SECRET_B "0123456789abcdef0123456789abcdef-cluster-two"

static TLS_KEYSHARE *host(HTABLE *values, bool *down, const char *secret, FAKE_DICT **out_fd)
{
    FAKE_DICT *fd = fake_open(values, down);

    if (out_fd)
        *out_fd = fd;
    return tls_keyshare_create(&fd->dict, (const unsigned char *)secret, strlen(secret), TIMEOUT);
}

static void test_agreement(void)
{
    HTABLE *values = htable_create(10);
    bool down = false;
    VSTRING *why = vstring_alloc(100), *tkey = vstring_alloc(40), *raw = vstring_alloc(200);
    TLS_KEYSHARE *a = host(values, &down, SECRET_A, NULL), *b = host(values, &down, SECRET_A, NULL);
    TLS_TICKET_KEY ka, kb, k2, old;
    long long period = NOW / HALF;
    const char *value;

    TEST_INT_EQ(tls_keyshare_get(a, NULL, NOW, 0, &ka, why), TLS_KEYSHARE_FOUND, "A makes a key");
    TEST_CHECK(htable_find(values, tls_keyshare_table_key(period, tkey)) != NULL,
               "A's key is in the table as %s", vstring_str(tkey));
    TEST_CHECK(memcmp(htable_find(values, vstring_str(tkey)), "VExTaw", 6) == 0,
               "the entry is ours (\"TLSk\" in base64)");
    value = htable_find(values, vstring_str(tkey));
    base64_decode(raw, value, strlen(value));
    TEST_CHECK(memmem(vstring_str(raw), VSTRING_LEN(raw), ka.bits, sizeof(ka.bits)) == NULL &&
                   memmem(vstring_str(raw), VSTRING_LEN(raw), ka.hmac, sizeof(ka.hmac)) == NULL,
               "the table does not hold the key in clear");
    TEST_INT_EQ((long)ka.tout, (long)((period + 1) * HALF - 1),
                "the key encrypts to the period's end");
    TEST_INT_EQ(tls_keyshare_get(b, NULL, NOW + 5, 0, &kb, why), TLS_KEYSHARE_FOUND,
                "B finds a key");
    TEST_CHECK(memcmp(&ka, &kb, sizeof(ka)) == 0, "B uses A's key");
    TEST_INT_EQ(tls_keyshare_get(b, ka.name, NOW + 6, 0, &kb, why), TLS_KEYSHARE_FOUND,
                "B decrypts with A's key by name");
    ka.name[15] ^= 1;
    TEST_INT_EQ(tls_keyshare_get(b, ka.name, NOW + 6, 0, &kb, why), TLS_KEYSHARE_NONE,
                "another name of the period is unknown");
    ka.name[15] ^= 1;

    /* The next period: B is first this time. */
    TEST_INT_EQ(tls_keyshare_get(b, NULL, NOW + HALF, 0, &kb, why), TLS_KEYSHARE_FOUND,
                "next period: B makes a key");
    TEST_CHECK(memcmp(kb.name, ka.name, sizeof(ka.name)) != 0, "next period: a new key");
    old = ka;
    TEST_INT_EQ(tls_keyshare_get(a, old.name, NOW + HALF + 1, 0, &k2, why), TLS_KEYSHARE_FOUND,
                "next period: the previous key still decrypts");
    TEST_INT_EQ(tls_keyshare_get(a, old.name, NOW + 2 * HALF, 0, &k2, why), TLS_KEYSHARE_NONE,
                "a key decrypts for a whole timeout only");
    tls_keyshare_free(a);
    tls_keyshare_free(b);
    htable_free(values, myfree);
    vstring_free(why);
    vstring_free(tkey);
    vstring_free(raw);
}

static void test_race(void)
{
    HTABLE *values = htable_create(10);
    bool down = false;
    VSTRING *why = vstring_alloc(100);
    FAKE_DICT *fd_b;
    TLS_KEYSHARE *a = host(values, &down, SECRET_A, NULL),
                 *b = host(values, &down, SECRET_A, &fd_b);
    TLS_TICKET_KEY ka, kb;

    TEST_INT_EQ(tls_keyshare_get(a, NULL, NOW, 0, &ka, why), TLS_KEYSHARE_FOUND, "race: A adds");
    fd_b->blind = 1; /* B looked before A added, then tries to add its own */
    TEST_INT_EQ(tls_keyshare_get(b, NULL, NOW, 0, &kb, why), TLS_KEYSHARE_FOUND,
                "race: B loses the add and reads back");
    TEST_CHECK(memcmp(&ka, &kb, sizeof(ka)) == 0, "race: both use the key that was added first");
    tls_keyshare_free(a);
    tls_keyshare_free(b);
    htable_free(values, myfree);
    vstring_free(why);
}

static void test_damage(void)
{
    HTABLE *values = htable_create(10);
    bool down = false;
    VSTRING *why = vstring_alloc(100), *tkey = vstring_alloc(40), *entry = vstring_alloc(200);
    TLS_KEYSHARE *a = host(values, &down, SECRET_A, NULL), *x = host(values, &down, SECRET_B, NULL);
    TLS_TICKET_KEY ka, kx;
    long long period = NOW / HALF;
    int warned = log_has("ignoring the entry");

    TEST_INT_EQ(tls_keyshare_get(a, NULL, NOW, 0, &ka, why), TLS_KEYSHARE_FOUND, "A makes a key");
    TEST_INT_EQ(tls_keyshare_get(x, NULL, NOW, 0, &kx, why), TLS_KEYSHARE_NONE,
                "another secret: the entry is not used");
    TEST_INT_EQ(log_has("authentication failed"), 1, "another secret: logged");
    TEST_INT_EQ(tls_keyshare_get(x, ka.name, NOW, 0, &kx, why), TLS_KEYSHARE_NONE,
                "another secret: not by name either");
    TEST_INT_EQ(tls_keyshare_get(x, NULL, NOW + 1, 0, &kx, why), TLS_KEYSHARE_NONE,
                "another secret: still not used");
    TEST_INT_EQ(log_has("ignoring the entry") - warned, 1, "another secret: logged once");

    /* Garbage, a wrong length, an entry moved to another period's key. */
    tls_keyshare_table_key(period + 1, tkey);
    htable_enter(values, vstring_str(tkey), mystrdup("garbage!"));
    TEST_INT_EQ(tls_keyshare_get(a, NULL, NOW + HALF, 0, &ka, why), TLS_KEYSHARE_NONE,
                "garbage: not used");
    TEST_INT_EQ(log_has("not base64") + log_has("wrong length"), 1, "garbage: logged");
    tls_keyshare_seal(a, period + 2, &ka, entry);
    tls_keyshare_table_key(period + 3, tkey);
    htable_enter(values, vstring_str(tkey), mystrdup(vstring_str(entry)));
    TEST_INT_EQ(tls_keyshare_get(a, NULL, NOW + 3 * HALF, 0, &ka, why), TLS_KEYSHARE_NONE,
                "an entry under another period's key: not used");
    TEST_INT_EQ(log_has("made for another period"), 1,
                "an entry under another period's key: logged");
    tls_keyshare_free(a);
    tls_keyshare_free(x);
    htable_free(values, myfree);
    vstring_free(why);
    vstring_free(tkey);
    vstring_free(entry);
}

static void test_outage(void)
{
    HTABLE *values = htable_create(10);
    bool down = false;
    VSTRING *why = vstring_alloc(100);
    TLS_KEYSHARE *a = host(values, &down, SECRET_A, NULL);
    TLS_TICKET_KEY ka, k;

    TEST_INT_EQ(tls_keyshare_get(a, NULL, NOW, 0, &ka, why), TLS_KEYSHARE_FOUND, "A makes a key");
    down = true;
    TEST_INT_EQ(tls_keyshare_get(a, NULL, NOW + 1, 0, &k, why), TLS_KEYSHARE_FOUND,
                "down: the key in memory needs no table");
    TEST_INT_EQ(tls_keyshare_get(a, NULL, NOW + HALF, 0, &k, why), TLS_KEYSHARE_FAILED,
                "down: a new period fails");
    TEST_CHECK(strstr(vstring_str(why), "server down") != NULL, "down: why (%s)", vstring_str(why));
    TEST_INT_EQ(tls_keyshare_get(a, ka.name, NOW + HALF, TLS_KEYSHARE_FLAG_MEMORY, &k, why),
                TLS_KEYSHARE_FOUND, "down: the old key still decrypts from memory");
    down = false;
    TEST_INT_EQ(tls_keyshare_get(a, NULL, NOW + HALF, TLS_KEYSHARE_FLAG_MEMORY, &k, why),
                TLS_KEYSHARE_NONE, "memory only: no new key");
    TEST_INT_EQ(tls_keyshare_get(a, NULL, NOW + HALF, 0, &k, why), TLS_KEYSHARE_FOUND,
                "back: a new key");
    tls_keyshare_free(a);
    htable_free(values, myfree);
    vstring_free(why);
}

int main(void)
{
    msg_init("tls_keyshare_test");
    logged = argv_alloc(10);
    msg_output_add(capture, NULL);
    test_agreement();
    test_race();
    test_damage();
    test_outage();
    argv_free(logged);
    return test_summary("tls_keyshare_test");
}
