/* tls_keyring_test - ticket keys: encrypt for half the timeout, decrypt for the whole, two kept */

#include <string.h>

#include "msg.h"

#include "tls.h"
#include "tls_keyring.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

#define NOW 1700000000L
#define T   3600

static int same(const TLS_TICKET_KEY *a, const TLS_TICKET_KEY *b)
{
    return memcmp(a->name, b->name, TLS_TICKET_NAMELEN) == 0 &&
           memcmp(a->bits, b->bits, TLS_TICKET_KEYLEN) == 0 &&
           memcmp(a->hmac, b->hmac, TLS_TICKET_MACLEN) == 0 && a->tout == b->tout;
}

static void test_rotation(void)
{
    TLS_KEYRING *ring = tls_keyring_create(T);
    TLS_TICKET_KEY k1, k2, k3, got;

    TEST_INT_EQ(tls_keyring_count(ring), 0, "empty at first");
    TEST_INT_EQ(tls_keyring_get(ring, NULL, NOW, &k1), 1, "first current key made on demand");
    TEST_INT_EQ(k1.tout, NOW + T / 2 - 1, "it encrypts for half the timeout");
    TEST_INT_EQ(tls_keyring_get(ring, NULL, NOW + T / 2 - 1, &got), 1, "current key again");
    TEST_CHECK(same(&got, &k1), "the same key until it stops encrypting");
    TEST_INT_EQ(tls_keyring_get(ring, k1.name, NOW + 100, &got), 1, "found by name");
    TEST_CHECK(same(&got, &k1), "by name: the same key");

    TEST_INT_EQ(tls_keyring_get(ring, NULL, NOW + T / 2, &k2), 1,
                "rotation after half the timeout");
    TEST_CHECK(memcmp(k1.name, k2.name, TLS_TICKET_NAMELEN) != 0 &&
                   memcmp(k1.bits, k2.bits, TLS_TICKET_KEYLEN) != 0,
               "the new key is a different key");
    TEST_INT_EQ(tls_keyring_count(ring), 2, "two keys held");
    TEST_INT_EQ(tls_keyring_get(ring, k1.name, NOW + T / 2, &got), 1,
                "previous key still decrypts");
    TEST_INT_EQ(tls_keyring_get(ring, k1.name, NOW + T - 2, &got), 1,
                "previous key decrypts until about the full timeout");
    TEST_INT_EQ(tls_keyring_get(ring, k1.name, NOW + T - 1, &got), 0,
                "previous key refused after the full timeout");

    TEST_INT_EQ(tls_keyring_get(ring, NULL, NOW + T, &k3), 1, "second rotation");
    TEST_INT_EQ(tls_keyring_count(ring), 2, "still two keys held");
    TEST_INT_EQ(tls_keyring_get(ring, k2.name, NOW + T, &got), 1, "key 2 decrypts");
    TEST_INT_EQ(tls_keyring_get(ring, k3.name, NOW + T, &got), 1, "key 3 decrypts");
    TEST_INT_EQ(tls_keyring_get(ring, k1.name, NOW + T, &got), 0, "key 1 is forgotten");
    tls_keyring_free(ring);
}

static void test_idle_and_off(void)
{
    TLS_KEYRING *ring = tls_keyring_create(T);
    TLS_TICKET_KEY k1, k2, got;
    unsigned char unknown[TLS_TICKET_NAMELEN] = {0};

    tls_keyring_get(ring, NULL, NOW, &k1);
    /* Nobody asked for a while: a decryption request does not rotate. */
    TEST_INT_EQ(tls_keyring_get(ring, k1.name, NOW + T / 2 + 10, &got), 1,
                "idle: old current key still decrypts");
    TEST_INT_EQ(tls_keyring_count(ring), 1, "idle: decryption requests make no keys");
    /* Long idle: the next encryption key is new, and the old one is past decrypting. */
    tls_keyring_get(ring, NULL, NOW + 10 * T, &k2);
    TEST_CHECK(memcmp(k1.name, k2.name, TLS_TICKET_NAMELEN) != 0, "idle: new key after long idle");
    TEST_INT_EQ(tls_keyring_get(ring, k1.name, NOW + 10 * T, &got), 0,
                "idle: the old key no longer decrypts");
    TEST_INT_EQ(tls_keyring_get(ring, unknown, NOW + 10 * T, &got), 0, "unknown name refused");
    tls_keyring_free(ring);

    ring = tls_keyring_create(0);
    TEST_INT_EQ(tls_keyring_get(ring, NULL, NOW, &got), 0, "timeout 0: no keys, no tickets");
    tls_keyring_free(ring);
    ring = tls_keyring_create(-1);
    TEST_INT_EQ(tls_keyring_get(ring, NULL, NOW, &got), 0, "negative timeout: no keys");
    tls_keyring_free(ring);
}

int main(void)
{
    msg_init("tls_keyring_test");
    test_rotation();
    test_idle_and_off();
    return test_summary("tls_keyring_test");
}
