/* tls_cachedb_test - tlsmgr's session cache: fresh start, expiry, damage, limits, the walk */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "base64_code.h"
#include "dict.h"
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "tls_cachedb.h"
#include "tls_mgr.h"
#include "table_fixture.h"
#include "test.h"

#define NOW     1700000000L
#define TIMEOUT 3600

/* entries - count entries with a raw walk */
static int entries(DICT *dict)
{
    const char *key, *value;
    int count = 0;

    for (int f = DICT_SEQ_FUN_FIRST; dict_seq(dict, f, &key, &value) == DICT_STAT_SUCCESS;
         f = DICT_SEQ_FUN_NEXT)
        count++;
    return count;
}

static void test_fresh_at_open(void)
{
    VSTRING *why = vstring_alloc(100), *got = vstring_alloc(100);
    DICT *old = dict_open(table_fixture_db("fresh"), O_RDWR | O_CREAT, DICT_FLAG_DUP_REPLACE);
    TLS_CACHEDB *db;

    dict_put(old, "left-over", "anything");
    dict_close(old);
    db = tls_cachedb_open("smtpd", table_fixture_db("fresh"), TIMEOUT, false, why);
    TEST_CHECK(db != NULL, "open btree cache");
    TEST_INT_EQ(tls_cachedb_lookup(db, "left-over", NOW, got), 0,
                "open: entries from before are gone");
    TEST_INT_EQ(tls_cachedb_update(db, "id1", "abc", 3, NOW), 1, "update");
    TEST_INT_EQ(tls_cachedb_lookup(db, "id1", NOW + 10, got), 1, "lookup");
    TEST_CHECK(VSTRING_LEN(got) == 3 && memcmp(vstring_str(got), "abc", 3) == 0, "lookup: value");
    tls_cachedb_close(db);

    TEST_CHECK(tls_cachedb_open("smtp", "no-colon", TIMEOUT, false, why) == NULL &&
                   strstr(vstring_str(why), "expected type:name") != NULL,
               "open: a name without type refused (%s)", vstring_str(why));
    TEST_CHECK(tls_cachedb_open("smtp", "static:x", TIMEOUT, false, why) == NULL &&
                   strstr(vstring_str(why), "cannot update and delete") != NULL,
               "open: a read-only table type refused (%s)", vstring_str(why));
    TEST_CHECK(tls_cachedb_open("smtp", "btree:/nonexistent/dir/x", TIMEOUT, false, why) == NULL,
               "open: missing directory refused (%s)", vstring_str(why));
    vstring_free(why);
    vstring_free(got);
}

static void test_expiry_and_damage(void)
{
    DICT *dict =
        dict_open(table_fixture_db("damage"), O_RDWR | O_CREAT | O_TRUNC, DICT_FLAG_DUP_REPLACE);
    TLS_CACHEDB *db = tls_cachedb_create("smtp", dict, TIMEOUT, true);
    VSTRING *got = vstring_alloc(100);
    char *big = calloc(1, TLS_MGR_SESSION_MAX + 1);
    char longid[TLS_MGR_ID_MAX + 2];

    tls_cachedb_update(db, "a", "A", 1, NOW);
    TEST_INT_EQ(tls_cachedb_lookup(db, "a", NOW + TIMEOUT, got), 1, "alive at stored + timeout");
    TEST_INT_EQ(tls_cachedb_lookup(db, "a", NOW + TIMEOUT + 1, got), 0, "expired after timeout");
    TEST_INT_EQ(tls_cachedb_lookup(db, "a", NOW, got), 0, "expired entry was deleted");
    TEST_CHECK(table_fixture_logged("lookup smtp session id=a: expired: removing it") == 1,
               "expired entry logged when verbose");

    tls_cachedb_update(db, "future", "F", 1, NOW + 3600);
    TEST_INT_EQ(tls_cachedb_lookup(db, "future", NOW, got), 0, "stored in the future: refused");

    dict_put(dict, "garbage", "not base64 at all!");
    TEST_INT_EQ(tls_cachedb_lookup(db, "garbage", NOW, got), 0, "garbage value refused");
    TEST_CHECK(dict_get(dict, "garbage") == NULL, "garbage value deleted");
    tls_cachedb_update(db, "flip", "session", 7, NOW);
    {
        VSTRING *value = vstring_alloc(100);

        vstring_strcpy(value, dict_get(dict, "flip"));
        vstring_str(value)[10] = vstring_str(value)[10] == 'A' ? 'B' : 'A';
        dict_put(dict, "flip", vstring_str(value));
        vstring_free(value);
    }
    TEST_INT_EQ(tls_cachedb_lookup(db, "flip", NOW, got), 0, "one changed character: refused");
    TEST_CHECK(table_fixture_logged("checksum mismatch") + table_fixture_logged("bad magic") +
                       table_fixture_logged("bad length") ==
                   1,
               "damage reported");
    dict_put(dict, "short", "VExTYwE=");
    TEST_INT_EQ(tls_cachedb_lookup(db, "short", NOW, got), 0, "truncated value refused");

    TEST_INT_EQ(tls_cachedb_update(db, "big", big, TLS_MGR_SESSION_MAX + 1, NOW), 0,
                "oversized session refused");
    TEST_CHECK(table_fixture_logged("refusing session id=big of 32769 bytes") == 1,
               "oversized: warned");
    TEST_INT_EQ(tls_cachedb_update(db, "max", big, TLS_MGR_SESSION_MAX, NOW), 1,
                "session at the limit stored");
    TEST_INT_EQ(tls_cachedb_lookup(db, "max", NOW, got), 1, "session at the limit found");
    TEST_INT_EQ(VSTRING_LEN(got), TLS_MGR_SESSION_MAX, "session at the limit intact");
    TEST_INT_EQ(tls_cachedb_update(db, "", "x", 1, NOW), 0, "empty id refused");
    TEST_INT_EQ(tls_cachedb_update(db, "a\tb", "x", 1, NOW), 0, "id with a tab refused");
    memset(longid, 'x', sizeof(longid) - 1);
    longid[sizeof(longid) - 1] = 0;
    TEST_INT_EQ(tls_cachedb_update(db, longid, "x", 1, NOW), 0, "overlong id refused");
    TEST_INT_EQ(tls_cachedb_update(db, "ok-id", "x", 0, NOW), 0, "empty session refused");
    tls_cachedb_close(db);
    free(big);
    vstring_free(got);
}

static void test_sweep(void)
{
    DICT *dict =
        dict_open(table_fixture_db("sweep"), O_RDWR | O_CREAT | O_TRUNC, DICT_FLAG_DUP_REPLACE);
    TLS_CACHEDB *db = tls_cachedb_create("smtpd", dict, TIMEOUT, false);
    VSTRING *got = vstring_alloc(100);
    char id[32];
    int steps = 0, alive = 0;

    /* 100 entries: even ones stored long ago, odd ones now; id051 damaged. */
    for (int i = 0; i < 100; i++) {
        snprintf(id, sizeof(id), "id%03d", i);
        tls_cachedb_update(db, id, "s", 1, i % 2 ? NOW : NOW - 2 * TIMEOUT);
    }
    dict_put(dict, "id051", "damaged");
    TEST_CHECK(!tls_cachedb_sweeping(db), "no walk before start");
    tls_cachedb_sweep_start(db);
    while (tls_cachedb_sweep_step(db, NOW)) {
        /* Requests between steps: delete the entry under the cursor, update a later one. */
        if (steps == 11) {
            TEST_INT_EQ(tls_cachedb_delete(db, "id011", NOW), 1,
                        "delete under the cursor accepted");
            TEST_INT_EQ(tls_cachedb_lookup(db, "id011", NOW, got), 0,
                        "entry deleted under the cursor is no longer found");
        }
        if (steps == 20)
            tls_cachedb_update(db, "id099", "new", 3, NOW);
        if (steps == 30)
            TEST_INT_EQ(tls_cachedb_update(db, "id030", "back", 4, NOW), 1,
                        "expired entry under the cursor updated");
        steps++;
    }
    TEST_INT_EQ(steps, 100, "walk visited every entry");
    TEST_CHECK(!tls_cachedb_sweeping(db), "walk over");
    for (int i = 0; i < 100; i++) {
        snprintf(id, sizeof(id), "id%03d", i);
        alive += tls_cachedb_lookup(db, id, NOW, got);
    }
    TEST_INT_EQ(entries(dict), 49, "walk removed expired and damaged entries, and id011");
    TEST_INT_EQ(alive, 49, "the live entries are all there");
    TEST_INT_EQ(tls_cachedb_lookup(db, "id099", NOW, got), 1, "entry updated during the walk");
    TEST_CHECK(VSTRING_LEN(got) == 3, "entry updated during the walk has the new value");
    TEST_INT_EQ(tls_cachedb_lookup(db, "id030", NOW, got), 1, "update under the cursor kept");
    tls_cachedb_sweep_start(db);
    while (tls_cachedb_sweep_step(db, NOW + 2 * TIMEOUT))
        ;
    TEST_INT_EQ(entries(dict), 0, "a later walk removes what has expired since");
    tls_cachedb_close(db);
    vstring_free(got);
}

/*
 * A table that can update and delete but not walk, like memcache:, with a
 * switch that makes every operation fail as a server that went away.
 */
typedef struct {
    DICT dict;      /* common part; must be first */
    HTABLE *values; /* key -> mystrdup'd value */
    bool down;      /* every operation fails */
} FLAKY_DICT;

static const char *flaky_lookup(DICT *dict, const char *key)
{
    FLAKY_DICT *fd = (FLAKY_DICT *)dict;

    if (fd->down) {
        dict_set_error(dict, DICT_ERR_RETRY, "flaky:test: server down");
        return NULL;
    }
    return htable_find(fd->values, key);
}

static int flaky_update(DICT *dict, const char *key, const char *value)
{
    FLAKY_DICT *fd = (FLAKY_DICT *)dict;

    if (fd->down) {
        dict_set_error(dict, DICT_ERR_RETRY, "flaky:test: server down");
        return DICT_STAT_ERROR;
    }
    htable_delete(fd->values, key, myfree);
    htable_enter(fd->values, key, mystrdup(value));
    return DICT_STAT_SUCCESS;
}

static int flaky_delete(DICT *dict, const char *key)
{
    FLAKY_DICT *fd = (FLAKY_DICT *)dict;

    if (fd->down) {
        dict_set_error(dict, DICT_ERR_RETRY, "flaky:test: server down");
        return DICT_STAT_ERROR;
    }
    return htable_delete(fd->values, key, myfree) ? DICT_STAT_SUCCESS : DICT_STAT_FAIL;
}

static void flaky_close(DICT *dict)
{
    htable_free(((FLAKY_DICT *)dict)->values, myfree);
    dict_free(dict);
}

static FLAKY_DICT *flaky_open_type(const char *type)
{
    FLAKY_DICT *fd = (FLAKY_DICT *)dict_alloc(type, "test", sizeof(*fd), O_RDWR, 0);

    fd->values = htable_create(10);
    fd->dict.lookup = flaky_lookup;
    fd->dict.update = flaky_update;
    fd->dict.delete = flaky_delete;
    fd->dict.close = flaky_close;
    return fd;
}

static FLAKY_DICT *flaky_open(void)
{
    return flaky_open_type("flaky");
}

static int flaky_sequence(DICT *unused_dict, int unused_function, const char **unused_key,
                          const char **unused_value)
{
    return DICT_STAT_FAIL;
}

static void test_shared(void)
{
    VSTRING *got = vstring_alloc(100), *list = vstring_alloc(100);
    FLAKY_DICT *fd = flaky_open();
    TLS_CACHEDB *db = tls_cachedb_create("smtpd", &fd->dict, TIMEOUT, false);
    int warned;

    TEST_CHECK(tls_cachedb_shared(db), "a table that cannot walk is shared");
    {
        FLAKY_DICT *mc = flaky_open_type(DICT_TYPE_MEMCACHE);
        TLS_CACHEDB *mdb;

        mc->dict.sequence = flaky_sequence; /* a memcache: table with a backup walks that */
        mdb = tls_cachedb_create("smtp", &mc->dict, TIMEOUT, false);
        TEST_CHECK(tls_cachedb_shared(mdb), "a memcache: table is shared, walk or not");
        tls_cachedb_close(mdb);
    }
    TEST_INT_EQ(tls_cachedb_update(db, "id1", "one", 3, NOW), 1, "shared: update");
    TEST_INT_EQ(tls_cachedb_lookup(db, "id1", NOW + 1, got), 1, "shared: lookup");
    tls_cachedb_sweep_start(db);
    TEST_INT_EQ(tls_cachedb_sweep_step(db, NOW + 2 * TIMEOUT), 0, "shared: no walk");
    TEST_INT_EQ(tls_cachedb_list(db, NOW, list), 0, "shared: nothing to list");
    TEST_INT_EQ(tls_cachedb_lookup(db, "id1", NOW + 2, got), 1, "shared: the walk removed nothing");

    fd->down = true;
    warned = table_fixture_logged("using a local in-memory cache");
    TEST_INT_EQ(tls_cachedb_lookup(db, "id1", NOW + 3, got), 0,
                "down: the shared entry is out of reach");
    TEST_INT_EQ(tls_cachedb_update(db, "id2", "two", 3, NOW + 4), 1, "down: update goes local");
    TEST_INT_EQ(tls_cachedb_lookup(db, "id2", NOW + 5, got), 1, "down: lookup finds it locally");
    TEST_INT_EQ(tls_cachedb_delete(db, "id2", NOW + 6), 1, "down: delete locally");
    TEST_INT_EQ(tls_cachedb_lookup(db, "id2", NOW + 7, got), 0, "down: deleted");
    TEST_INT_EQ(tls_cachedb_update(db, "id3", "three", 5, NOW + 20), 1,
                "down: a retry that fails goes local");
    TEST_INT_EQ(table_fixture_logged("using a local in-memory cache") - warned, 1,
                "down: logged once");
    TEST_CHECK(table_fixture_logged("flaky:test: server down") >= 1, "down: the log says why");

    fd->down = false;
    TEST_INT_EQ(tls_cachedb_lookup(db, "id3", NOW + 25, got), 1,
                "back: within the rest, still local");
    TEST_INT_EQ(tls_cachedb_lookup(db, "id1", NOW + 31, got), 1,
                "back: after the rest, shared again");
    TEST_INT_EQ(table_fixture_logged("works again: dropping"), 1, "back: logged once");
    TEST_INT_EQ(tls_cachedb_lookup(db, "id3", NOW + 32, got), 0,
                "back: the local entries are gone");
    tls_cachedb_close(db);
    vstring_free(got);
    vstring_free(list);
}

/* raw - what a flaky table holds under key */
static const char *raw(FLAKY_DICT *fd, const char *key)
{
    return htable_find(fd->values, key);
}

static void test_sealed(void)
{
    static const unsigned char secret_a[] = "a secret of more than 32 bytes, for cluster A";
    static const unsigned char secret_b[] = "a secret of more than 32 bytes, for cluster B";
    VSTRING *got = vstring_alloc(100), *bin = vstring_alloc(100);
    FLAKY_DICT *fa = flaky_open(), *fb = flaky_open(), *fp = flaky_open();
    TLS_CACHEDB *a = tls_cachedb_create("smtpd", &fa->dict, TIMEOUT, true);
    TLS_CACHEDB *b = tls_cachedb_create("smtpd", &fb->dict, TIMEOUT, true);
    TLS_CACHEDB *plain = tls_cachedb_create("smtpd", &fp->dict, TIMEOUT, true);

    tls_cachedb_seal(a, secret_a, sizeof(secret_a) - 1);
    tls_cachedb_seal(b, secret_b, sizeof(secret_b) - 1);
    TEST_INT_EQ(tls_cachedb_update(a, "id1", "master-secret-here", 18, NOW), 1, "sealed: update");
    TEST_INT_EQ(tls_cachedb_lookup(a, "id1", NOW + 1, got), 1, "sealed: lookup");
    TEST_CHECK(VSTRING_LEN(got) == 18 && memcmp(vstring_str(got), "master-secret-here", 18) == 0,
               "sealed: the session comes back");
    TEST_CHECK(memcmp(raw(fa, "id1"), "VExTcw", 6) == 0, "sealed: stored as \"TLSs\"");
    base64_decode(bin, raw(fa, "id1"), strlen(raw(fa, "id1")));
    TEST_CHECK(memmem(vstring_str(bin), VSTRING_LEN(bin), "master-secret", 13) == NULL,
               "sealed: the table does not hold the session in clear");

    /* An entry moved to another id, sealed with another secret, or not sealed. */
    dict_put(&fa->dict, "id2", raw(fa, "id1"));
    TEST_INT_EQ(tls_cachedb_lookup(a, "id2", NOW + 2, got), 0, "moved to another id: refused");
    TEST_INT_EQ(table_fixture_logged("id=id2: authentication failed"), 1,
                "moved to another id: logged");
    TEST_INT_EQ(tls_cachedb_update(b, "id3", "planted", 7, NOW), 1, "cluster B stores id3");
    dict_put(&fa->dict, "id3", raw(fb, "id3"));
    TEST_INT_EQ(tls_cachedb_lookup(a, "id3", NOW + 3, got), 0, "another secret: refused");
    TEST_INT_EQ(table_fixture_logged("id=id3: authentication failed"), 1, "another secret: logged");
    TEST_CHECK(raw(fa, "id3") == NULL, "another secret: removed");
    TEST_INT_EQ(tls_cachedb_update(plain, "id4", "planted", 7, NOW), 1,
                "an unsealed cache stores id4");
    dict_put(&fa->dict, "id4", raw(fp, "id4"));
    TEST_INT_EQ(tls_cachedb_lookup(a, "id4", NOW + 4, got), 0, "not sealed: refused");
    TEST_INT_EQ(table_fixture_logged("id=id4: not sealed"), 1, "not sealed: logged");
    dict_put(&fp->dict, "id5", raw(fa, "id1"));
    TEST_INT_EQ(tls_cachedb_lookup(plain, "id5", NOW + 5, got), 0,
                "a sealed entry in an unsealed cache: refused");
    tls_cachedb_close(a);
    tls_cachedb_close(b);
    tls_cachedb_close(plain);
    vstring_free(got);
    vstring_free(bin);
}

int main(void)
{
    int status;

    msg_init("tls_cachedb_test");
    table_fixture_start("tls_cachedb_test");
    test_fresh_at_open();
    test_expiry_and_damage();
    test_sweep();
    test_shared();
    test_sealed();
    status = test_summary("tls_cachedb_test");
    table_fixture_stop();
    return status;
}
