/* sts_discover_test - the MTA-STS policy cache and which policy is in force (RFC 8461 3.3, 5.1) */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "dict.h"
#include "msg.h"
#include "vstring.h"

#include "sts_cache.h"
#include "sts_discover.h"
#include "sts_fetch.h"
#include "table_fixture.h"
#include "test.h"

#define NOW 1700000000L

/* A stand-in for DNS and HTTPS: what the "domain" publishes now. */
typedef struct FAKE {
    int txt;          /* STS_TXT_* or STS_FETCH_RETRY */
    const char *id;   /* its id */
    const char *text; /* the policy file, or NULL: the fetch fails */
    int failure;      /* STS_FETCH_ERROR or STS_FETCH_INVALID when it fails */
    int fetches;      /* fetches so far */
} FAKE;

static int fake_txt(void *context, const char *domain, VSTRING *out_id, VSTRING *why)
{
    FAKE *fake = context;

    if (fake->txt == STS_TXT_OK)
        vstring_strcpy(out_id, fake->id);
    return fake->txt;
}

static STS_POLICY *fake_fetch(void *context, const char *domain, VSTRING *out_text,
                              int *out_failure, VSTRING *why)
{
    FAKE *fake = context;
    STS_POLICY *policy = NULL;

    fake->fetches++;
    if (fake->text == NULL) {
        *out_failure = fake->failure;
        vstring_strcpy(why, "connection refused");
        return NULL;
    }
    vstring_strcpy(out_text, fake->text);
    if ((policy = sts_policy_parse(fake->text, strlen(fake->text), why)) == NULL)
        *out_failure = STS_FETCH_INVALID;
    return policy;
}

#define POLICY_A    "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n"
#define POLICY_B    "version: STSv1\nmode: testing\nmx: *.example.net\nmax_age: 86400\n"
#define POLICY_NONE "version: STSv1\nmode: none\nmax_age: 86400\n"

/* discover - one sts_discover() call */
static int discover(STS_CACHE *cache, FAKE *fake, long now, STS_ANSWER *answer)
{
    STS_SOURCE source = {.txt = fake_txt, .fetch = fake_fetch, .context = fake};

    return sts_discover(cache, &source, "example.com", (time_t)now, answer);
}

static void test_cache(void)
{
    VSTRING *why = vstring_alloc(100);
    STS_CACHE *cache = sts_cache_open(table_fixture_db("cache"), why);
    STS_CACHE_ENTRY entry;
    ARGV *domains = argv_alloc(2);

    TEST_CHECK(cache != NULL, "open a btree cache: %s", vstring_str(why));
    TEST_CHECK(sts_cache_put(cache, "example.com", "20240101", POLICY_A, NOW), "store a policy");
    TEST_CHECK(!sts_cache_put(cache, "example.org", "x", "mode: enforce\n", NOW),
               "an invalid policy is not stored");
    TEST_CHECK(table_fixture_logged("refusing an invalid policy"), "... with a warning");
    TEST_CHECK(!sts_cache_put(cache, "example.org", "a b", POLICY_A, NOW),
               "an id with a space is refused");
    cache = sts_cache_close(cache);

    /* Another process, later: the entry is still there. */
    cache = sts_cache_open(table_fixture_db("cache"), why);
    sts_cache_entry_init(&entry);
    TEST_CHECK(sts_cache_get(cache, "EXAMPLE.com.", NOW + 100, &entry),
               "reopened: the policy is there (key case and trailing dot ignored)");
    TEST_STR_EQ(vstring_str(entry.id), "20240101", "the id");
    TEST_STR_EQ(vstring_str(entry.text), POLICY_A, "the text as fetched");
    TEST_INT_EQ(entry.policy ? entry.policy->mode : -1, STS_MODE_ENFORCE, "the policy parsed");
    TEST_INT_EQ((long)sts_cache_expires(&entry), NOW + 86400, "expires after max_age");
    sts_cache_entry_free(&entry);
    sts_cache_domains(cache, domains);
    TEST_INT_EQ((long)domains->argc, 1, "one domain in the walk");
    TEST_STR_EQ(domains->argc ? domains->argv[0] : "", "example.com", "its name");

    sts_cache_entry_init(&entry);
    TEST_CHECK(!sts_cache_get(cache, "example.com", NOW + 86400, &entry), "expired at max_age");
    TEST_CHECK(!sts_cache_get(cache, "example.com", NOW, &entry), "... and deleted");
    sts_cache_entry_free(&entry);

    TEST_CHECK(sts_cache_put(cache, "example.com", "1", POLICY_A, NOW + 1000), "store again");
    sts_cache_entry_init(&entry);
    TEST_CHECK(!sts_cache_get(cache, "example.com", NOW, &entry), "fetched in the future: refused");
    TEST_CHECK(table_fixture_logged("fetched in the future"), "... with a warning");
    sts_cache_entry_free(&entry);
    cache = sts_cache_close(cache);

    /* Damage planted with a raw table. */
    DICT *dict = dict_open(table_fixture_db("cache"), O_RDWR, DICT_FLAG_DUP_REPLACE);
    dict_put(dict, "damaged.example", "1 123 id !!!notbase64");
    dict_put(dict, "other.example", "9 123 id eA==");
    dict_close(dict);
    cache = sts_cache_open(table_fixture_db("cache"), why);
    sts_cache_entry_init(&entry);
    TEST_CHECK(!sts_cache_get(cache, "damaged.example", NOW, &entry), "bad encoding: no policy");
    TEST_CHECK(!sts_cache_get(cache, "other.example", NOW, &entry), "unknown format: no policy");
    TEST_CHECK(table_fixture_logged("unknown format: deleting it"), "... with a warning");
    sts_cache_entry_free(&entry);
    cache = sts_cache_close(cache);

    cache = sts_cache_open("texthash:/dev/null", why);
    TEST_CHECK(cache == NULL, "a read-only table type is refused: %s", vstring_str(why));
    cache = sts_cache_open("/no/type", why);
    TEST_CHECK(cache == NULL, "a name without type is refused");
    argv_free(domains);
    vstring_free(why);
}

static void test_discover(void)
{
    VSTRING *why = vstring_alloc(100);
    STS_CACHE *cache = sts_cache_open(table_fixture_db("discover"), why);
    STS_ANSWER answer;
    FAKE fake = {.txt = STS_TXT_OK, .id = "1", .text = POLICY_A};

    sts_answer_init(&answer);
    TEST_INT_EQ(discover(cache, &fake, NOW, &answer), STS_ANSWER_POLICY, "first: fetched");
    TEST_STR_EQ(answer.source, "fetched", "source fetched");
    TEST_STR_EQ(vstring_str(answer.text), POLICY_A, "the policy");
    TEST_INT_EQ(fake.fetches, 1, "one fetch");

    TEST_INT_EQ(discover(cache, &fake, NOW + 60, &answer), STS_ANSWER_POLICY, "same id: cached");
    TEST_STR_EQ(answer.source, "cached", "source cached");
    TEST_INT_EQ(fake.fetches, 1, "no fetch for the same id");

    fake.id = "2";
    fake.text = POLICY_B;
    discover(cache, &fake, NOW + 120, &answer);
    TEST_INT_EQ(fake.fetches, 2, "new id: fetched again");
    TEST_STR_EQ(vstring_str(answer.text), POLICY_B, "new id: the new policy");
    TEST_STR_EQ(vstring_str(answer.id), "2", "... with its id");

    fake.id = "3";
    fake.text = NULL;
    fake.failure = STS_FETCH_ERROR;
    TEST_INT_EQ(discover(cache, &fake, NOW + 180, &answer), STS_ANSWER_POLICY,
                "new id, fetch fails: a policy is still in force");
    TEST_STR_EQ(vstring_str(answer.text), POLICY_B, "... the cached one");
    TEST_STR_EQ(answer.source, "cached", "... from the cache");
    TEST_CHECK(answer.failure == NULL, "... and no discovery failure");
    TEST_CHECK(table_fixture_logged("the cached policy (id 2) stays in force"), "... logged");

    TEST_INT_EQ(discover(cache, &fake, NOW + 190, &answer), STS_ANSWER_POLICY,
                "a moment after a failed fetch: the cached policy");
    TEST_INT_EQ(fake.fetches, 3, "... without another fetch");
    fake.text = "version: STSv1\nmode: sometimes\n";
    TEST_INT_EQ(discover(cache, &fake, NOW + 180 + 300, &answer), STS_ANSWER_POLICY,
                "new id, invalid policy: the cached one stays");
    TEST_INT_EQ(fake.fetches, 4, "... fetched again 300 seconds after the failure");
    TEST_STR_EQ(vstring_str(answer.id), "2", "... with its id");

    fake.txt = STS_TXT_NONE;
    TEST_INT_EQ(discover(cache, &fake, NOW + 200, &answer), STS_ANSWER_POLICY,
                "TXT record gone: the cached policy until it expires");
    fake.txt = STS_FETCH_RETRY;
    TEST_INT_EQ(discover(cache, &fake, NOW + 200, &answer), STS_ANSWER_POLICY,
                "TXT lookup fails: the cached policy");
    TEST_INT_EQ(discover(cache, &fake, NOW + 120 + 86400, &answer), STS_ANSWER_NONE,
                "TXT lookup fails after max_age: no policy");

    /* Proactive refresh: same id, half of max_age used. */
    fake = (FAKE){.txt = STS_TXT_OK, .id = "5", .text = POLICY_A};
    discover(cache, &fake, NOW, &answer);
    TEST_INT_EQ(fake.fetches, 1, "refresh: first fetch");
    discover(cache, &fake, NOW + 43199, &answer);
    TEST_INT_EQ(fake.fetches, 1, "refresh: not before half of max_age");
    discover(cache, &fake, NOW + 43200, &answer);
    TEST_INT_EQ(fake.fetches, 2, "refresh: fetched again at half of max_age");
    fake.text = NULL;
    TEST_INT_EQ(discover(cache, &fake, NOW + 43200 + 50000, &answer), STS_ANSWER_POLICY,
                "refresh fails: the refreshed policy still counts beyond the first max_age");

    /* No cache entry at all. */
    sts_cache_delete(cache, "example.com");
    fake = (FAKE){.txt = STS_TXT_OK, .id = "6", .text = NULL, .failure = STS_FETCH_ERROR};
    TEST_INT_EQ(discover(cache, &fake, NOW, &answer), STS_ANSWER_NONE,
                "no cache, fetch fails: no policy");
    TEST_STR_EQ(answer.failure, STS_RESULT_FETCH_ERROR, "... sts-policy-fetch-error");
    TEST_STR_EQ(vstring_str(answer.why), "connection refused", "... with the reason");
    fake.failure = STS_FETCH_WEBPKI;
    TEST_INT_EQ(discover(cache, &fake, NOW, &answer), STS_ANSWER_NONE,
                "no cache, the policy host's certificate fails: no policy");
    TEST_STR_EQ(answer.failure, STS_RESULT_WEBPKI, "... sts-webpki-invalid");
    fake.text = "version: STSv1\nmode: enforce\nmax_age: 86400\n";
    TEST_INT_EQ(discover(cache, &fake, NOW, &answer), STS_ANSWER_NONE,
                "no cache, invalid policy (no mx): no policy");
    TEST_STR_EQ(answer.failure, STS_RESULT_INVALID, "... sts-policy-invalid");
    fake.txt = STS_TXT_INVALID;
    TEST_INT_EQ(discover(cache, &fake, NOW, &answer), STS_ANSWER_NONE,
                "no cache, malformed TXT: no policy");
    TEST_CHECK(answer.failure == NULL, "... no failure type");
    fake = (FAKE){.txt = STS_TXT_OK, .id = "7", .text = POLICY_NONE};
    TEST_INT_EQ(discover(cache, &fake, NOW, &answer), STS_ANSWER_POLICY,
                "mode none is a policy too (it withdraws an earlier one)");
    TEST_CHECK(strstr(vstring_str(answer.text), "mode: none") != NULL, "... the none policy");

    /* Without a cache. */
    fake = (FAKE){.txt = STS_TXT_OK, .id = "8", .text = POLICY_A};
    TEST_INT_EQ(discover(NULL, &fake, NOW, &answer), STS_ANSWER_POLICY, "no cache: fetched");
    discover(NULL, &fake, NOW, &answer);
    TEST_INT_EQ(fake.fetches, 2, "no cache: fetched every time");

    sts_answer_free(&answer);
    sts_cache_close(cache);
    vstring_free(why);
}

int main(void)
{
    int status;

    msg_init("sts_discover_test");
    table_fixture_start("sts_discover_test");
    test_cache();
    test_discover();
    status = test_summary("sts_discover_test");
    table_fixture_stop();
    return status;
}
