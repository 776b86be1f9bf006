/*++
 * NAME
 *	tls_keyshare - session ticket keys shared by several hosts through a table
 * SYNOPSIS
 *	#include <tls_keyshare.h>
 *
 *	TLS_KEYSHARE *tls_keyshare_create(DICT *dict,
 *				const unsigned char *secret, size_t len,
 *				int timeout);
 *	int	tls_keyshare_get(TLS_KEYSHARE *share,
 *				const unsigned char *name, time_t now,
 *				int flags, TLS_TICKET_KEY *out_key,
 *				VSTRING *why);
 *	int	tls_keyshare_seal(TLS_KEYSHARE *share, long long period,
 *				const TLS_TICKET_KEY *key, VSTRING *out);
 *	const char *tls_keyshare_table_key(long long period, VSTRING *out);
 *	TLS_KEYSHARE *tls_keyshare_free(TLS_KEYSHARE *share);
 * DESCRIPTION
 *	Time is cut into periods of half the session timeout (period p
 *	starts at p * timeout/2 seconds after the epoch). The key of period
 *	p encrypts tickets until the end of p and decrypts them for half a
 *	timeout more, the lifetimes of tls_keyring(3); every host computes
 *	the same periods from its clock, so the hosts agree on the key to
 *	use without talking to each other. The first 8 bytes of a key's
 *	name are its period (big-endian), the other 8 random; the table key
 *	of period p is "ticket-key-p" (tls_keyshare_table_key()).
 *
 *	tls_keyshare_create() takes over dict, an open table that can
 *	update (memcache:, opened with DICT_FLAG_DUP_IGNORE so that an
 *	update adds a key only where there is none), derives the sealing key
 *	from the secret (tls_seal(3); the caller wipes its copy) and returns
 *	the share. timeout is smtpd_tls_session_cache_timeout (> 0).
 *
 *	tls_keyshare_get() with a null name returns the key of the current
 *	period: from memory, else from the table, else made here and added
 *	to the table; when another host added one first, that one is read
 *	back and used. With a name it returns the key of that name while it
 *	still decrypts (read from the table, never made). With
 *	TLS_KEYSHARE_FLAG_MEMORY it looks in memory only. Keys read from the
 *	table are kept in memory for as long as they decrypt. It returns
 *	TLS_KEYSHARE_FOUND with the key in out_key; TLS_KEYSHARE_NONE when
 *	there is no such key, or the table holds an entry for the period
 *	that does not open (logged once per period and then ignored for the
 *	rest of it: the caller uses keys of its own); TLS_KEYSHARE_FAILED
 *	with a reason in why when the table fails.
 *
 *	tls_keyshare_seal() writes the table entry of key for period into
 *	out and returns 0 (-1 when OpenSSL fails): base64 of "TLSk", version
 *	(1 byte), the period (8 bytes), a random 12-byte IV, the key (name,
 *	cipher key, HMAC key, end of encryption as 8 bytes) encrypted with
 *	AES-256-GCM, and the 16-byte tag; the 13 header bytes are
 *	authenticated too. An entry opens only when it decrypts with this
 *	secret, names its own period, and ends encryption where this
 *	host's timeout says: anything else is damaged or foreign.
 *
 *	tls_keyshare_free() wipes the keys, closes the table and returns
 *	NULL.
 * DIAGNOSTICS
 *	Warnings: an entry that does not open (once per period). Fatal: no
 *	HKDF in OpenSSL.
 * SEE ALSO
 *	tls_keyring(3) the keys of one host, tlsmgr(8)
 *--*/

/* System library. */
#include <string.h>

/* OpenSSL. */
#include <openssl/crypto.h>
#include <openssl/rand.h>

/* Utility library. */
#include "base64_code.h"
#include "msg.h"
#include "mymalloc.h"

/* TLS library. */
#include "tls_keyshare.h"
#include "tls_seal.h"
#include "tls_ticket.h"

#define TLS_KEYSHARE_MAGIC   "TLSk"
#define TLS_KEYSHARE_VERSION 1
#define TLS_KEYSHARE_HDRLEN  13 /* magic, version, period */
#define TLS_KEYSHARE_IVLEN   TLS_SEAL_IVLEN
#define TLS_KEYSHARE_TAGLEN  TLS_SEAL_TAGLEN
#define TLS_KEYSHARE_KEYLEN  (TLS_TICKET_NAMELEN + TLS_TICKET_KEYLEN + TLS_TICKET_MACLEN + 8)
#define TLS_KEYSHARE_ENTRYLEN                                                                      \
    (TLS_KEYSHARE_HDRLEN + TLS_KEYSHARE_IVLEN + TLS_KEYSHARE_KEYLEN + TLS_KEYSHARE_TAGLEN)
#define TLS_KEYSHARE_PURPOSE "tlsmgr ticket key table, version 1" /* HKDF info */
#define TLS_KEYSHARE_SLOTS   4                                    /* periods kept in memory */

/* One period's key in memory. */
typedef struct TLS_KEYSHARE_SLOT {
    long long period;   /* the key's period, or -1: empty */
    bool bad;           /* the table's entry did not open: logged, not used */
    TLS_TICKET_KEY key; /* the key, when not bad */
} TLS_KEYSHARE_SLOT;

struct TLS_KEYSHARE {
    DICT *dict;                                  /* the shared table; owned */
    unsigned char seal[TLS_SEAL_KEYLEN];         /* AES-256-GCM key from the secret */
    int half;                                    /* seconds of a period */
    TLS_KEYSHARE_SLOT slots[TLS_KEYSHARE_SLOTS]; /* by period modulo TLS_KEYSHARE_SLOTS */
    VSTRING *table_key;                          /* scratch: the table key */
    VSTRING *buf;                                /* scratch: an entry */
};

/* tls_keyshare_put - append a big-endian number */

static void tls_keyshare_put(unsigned char *out, unsigned long long value)
{
    for (int i = 7; i >= 0; i--, value >>= 8)
        out[i] = (unsigned char)(value & 0xff);
}

/* tls_keyshare_get64 - read a big-endian number */

static unsigned long long tls_keyshare_get64(const unsigned char *p)
{
    unsigned long long value = 0;

    for (int i = 0; i < 8; i++)
        value = (value << 8) | p[i];
    return value;
}

/* tls_keyshare_tout - when the key of a period stops encrypting */

static time_t tls_keyshare_tout(const TLS_KEYSHARE *share, long long period)
{
    return (time_t)((period + 1) * share->half - 1);
}

/* tls_keyshare_seal - the table entry of a key */

int tls_keyshare_seal(TLS_KEYSHARE *share, long long period, const TLS_TICKET_KEY *key,
                      VSTRING *out)
{
    unsigned char entry[TLS_KEYSHARE_ENTRYLEN], plain[TLS_KEYSHARE_KEYLEN];
    unsigned char *hdr = entry, *iv = hdr + TLS_KEYSHARE_HDRLEN, *ct = iv + TLS_KEYSHARE_IVLEN;
    unsigned char *p = plain;
    int status;

    memcpy(hdr, TLS_KEYSHARE_MAGIC, 4);
    hdr[4] = TLS_KEYSHARE_VERSION;
    tls_keyshare_put(hdr + 5, (unsigned long long)period);
    memcpy(p, key->name, TLS_TICKET_NAMELEN), p += TLS_TICKET_NAMELEN;
    memcpy(p, key->bits, TLS_TICKET_KEYLEN), p += TLS_TICKET_KEYLEN;
    memcpy(p, key->hmac, TLS_TICKET_MACLEN), p += TLS_TICKET_MACLEN;
    tls_keyshare_put(p, (unsigned long long)key->tout);
    status = RAND_bytes(iv, TLS_KEYSHARE_IVLEN) == 1
                 ? tls_seal_crypt(share->seal, true, hdr, TLS_KEYSHARE_HDRLEN, iv, plain,
                                  TLS_KEYSHARE_KEYLEN, ct, ct + TLS_KEYSHARE_KEYLEN)
                 : -1;
    if (status == 0)
        base64_encode(out, (char *)entry, sizeof(entry));
    OPENSSL_cleanse(plain, sizeof(plain));
    OPENSSL_cleanse(entry, sizeof(entry));
    return status;
}

/* tls_keyshare_open - the key in a table entry; NULL, or why it does not open */

static const char *tls_keyshare_open(TLS_KEYSHARE *share, long long period, const char *value,
                                     TLS_TICKET_KEY *out_key)
{
    unsigned char plain[TLS_KEYSHARE_KEYLEN];
    unsigned char *entry, *iv, *ct, *p = plain;
    const char *why = NULL;

    if (base64_decode(share->buf, value, strlen(value)) == NULL)
        return "not base64";
    if (VSTRING_LEN(share->buf) != TLS_KEYSHARE_ENTRYLEN)
        return "wrong length";
    entry = (unsigned char *)vstring_str(share->buf);
    iv = entry + TLS_KEYSHARE_HDRLEN;
    ct = iv + TLS_KEYSHARE_IVLEN;
    if (memcmp(entry, TLS_KEYSHARE_MAGIC, 4) != 0)
        return "not a ticket key entry";
    if (entry[4] != TLS_KEYSHARE_VERSION)
        return "unknown version";
    if ((long long)tls_keyshare_get64(entry + 5) != period)
        return "made for another period";
    if (tls_seal_crypt(share->seal, false, entry, TLS_KEYSHARE_HDRLEN, iv, ct, TLS_KEYSHARE_KEYLEN,
                       plain, ct + TLS_KEYSHARE_KEYLEN) < 0) {
        why = "authentication failed (damaged, or sealed with another secret)";
    } else {
        memcpy(out_key->name, p, TLS_TICKET_NAMELEN), p += TLS_TICKET_NAMELEN;
        memcpy(out_key->bits, p, TLS_TICKET_KEYLEN), p += TLS_TICKET_KEYLEN;
        memcpy(out_key->hmac, p, TLS_TICKET_MACLEN), p += TLS_TICKET_MACLEN;
        out_key->tout = (time_t)tls_keyshare_get64(p);
        if ((long long)tls_keyshare_get64(out_key->name) != period)
            why = "the key name is not of its period";
        else if (out_key->tout != tls_keyshare_tout(share, period))
            why = "made for another smtpd_tls_session_cache_timeout";
    }
    OPENSSL_cleanse(plain, sizeof(plain));
    OPENSSL_cleanse(vstring_str(share->buf), VSTRING_LEN(share->buf));
    if (why)
        OPENSSL_cleanse(out_key, sizeof(*out_key));
    return why;
}

/* tls_keyshare_table_key - the table key of a period */

const char *tls_keyshare_table_key(long long period, VSTRING *out)
{
    vstring_sprintf(out, "ticket-key-%lld", period);
    return vstring_str(out);
}

/* tls_keyshare_read - a period's entry from the table, checked */

static int tls_keyshare_read(TLS_KEYSHARE *share, long long period, TLS_KEYSHARE_SLOT *slot,
                             VSTRING *why)
{
    const char *tkey = tls_keyshare_table_key(period, share->table_key);
    const char *value = dict_get(share->dict, tkey), *problem;

    if (value == NULL) {
        if (share->dict->error == DICT_ERR_NONE)
            return TLS_KEYSHARE_NONE;
        vstring_strcpy(why, dict_reason(share->dict));
        return TLS_KEYSHARE_FAILED;
    }
    slot->period = period;
    if ((problem = tls_keyshare_open(share, period, value, &slot->key)) != NULL) {
        msg_warn("ticket key table %s:%s: ignoring the entry \"%s\": %s; this host uses keys of "
                 "its own until the next period",
                 share->dict->type, share->dict->name, tkey, problem);
        slot->bad = true;
        return TLS_KEYSHARE_NONE;
    }
    slot->bad = false;
    return TLS_KEYSHARE_FOUND;
}

/* tls_keyshare_make - a new key for a period, added unless another host was first */

static int tls_keyshare_make(TLS_KEYSHARE *share, long long period, TLS_KEYSHARE_SLOT *slot,
                             VSTRING *why)
{
    VSTRING *entry = vstring_alloc(200);
    int status = TLS_KEYSHARE_FAILED;

    vstring_strcpy(why, "cannot make a ticket key: OpenSSL failed");
    if (tls_ticket_key_new(&slot->key, tls_keyshare_tout(share, period)) == 0) {
        tls_keyshare_put(slot->key.name, (unsigned long long)period);
        if (tls_keyshare_seal(share, period, &slot->key, entry) == 0) {
            switch (dict_put(share->dict, tls_keyshare_table_key(period, share->table_key),
                             vstring_str(entry))) {
            case DICT_STAT_SUCCESS:
                slot->period = period;
                slot->bad = false;
                status = TLS_KEYSHARE_FOUND;
                break;
            case DICT_STAT_FAIL: /* another host was first: use its key */
                status = tls_keyshare_read(share, period, slot, why);
                break;
            default:
                vstring_strcpy(why, dict_reason(share->dict));
                break;
            }
        }
    }
    OPENSSL_cleanse(vstring_str(entry), VSTRING_LEN(entry));
    vstring_free(entry);
    if (status != TLS_KEYSHARE_FOUND && !slot->bad) {
        OPENSSL_cleanse(slot, sizeof(*slot));
        slot->period = -1;
    }
    return status;
}

/* tls_keyshare_create - a share over an open table */

TLS_KEYSHARE *tls_keyshare_create(DICT *dict, const unsigned char *secret, size_t len, int timeout)
{
    TLS_KEYSHARE *share = mycalloc(1, sizeof(*share));

    share->dict = dict;
    share->half = timeout / 2 > 0 ? timeout / 2 : 1;
    for (int i = 0; i < TLS_KEYSHARE_SLOTS; i++)
        share->slots[i].period = -1;
    share->table_key = vstring_alloc(40);
    share->buf = vstring_alloc(200);
    tls_seal_derive(secret, len, TLS_KEYSHARE_PURPOSE, share->seal);
    return share;
}

/* tls_keyshare_get - the current key, or one by name */

int tls_keyshare_get(TLS_KEYSHARE *share, const unsigned char *name, time_t now, int flags,
                     TLS_TICKET_KEY *out_key, VSTRING *why)
{
    long long current = (long long)now / share->half, period;
    TLS_KEYSHARE_SLOT *slot;
    int status;

    period = name ? (long long)tls_keyshare_get64(name) : current;
    if (period < 0 || period > current + 1 ||
        (long long)tls_keyshare_tout(share, period) + share->half <= (long long)now)
        return TLS_KEYSHARE_NONE;
    slot = share->slots + period % TLS_KEYSHARE_SLOTS;
    if (slot->period != period) {
        if (flags & TLS_KEYSHARE_FLAG_MEMORY)
            return TLS_KEYSHARE_NONE;
        OPENSSL_cleanse(slot, sizeof(*slot));
        slot->period = -1;
        status = tls_keyshare_read(share, period, slot, why);
        if (status == TLS_KEYSHARE_NONE && name == NULL && !slot->bad)
            status = tls_keyshare_make(share, period, slot, why);
        if (status == TLS_KEYSHARE_FAILED)
            return status;
    }
    if (slot->period != period || slot->bad ||
        (name && memcmp(name, slot->key.name, TLS_TICKET_NAMELEN) != 0))
        return TLS_KEYSHARE_NONE;
    *out_key = slot->key;
    return TLS_KEYSHARE_FOUND;
}

/* tls_keyshare_free - wipe and close */

TLS_KEYSHARE *tls_keyshare_free(TLS_KEYSHARE *share)
{
    if (share) {
        OPENSSL_cleanse(share->seal, sizeof(share->seal));
        OPENSSL_cleanse(share->slots, sizeof(share->slots));
        dict_close(share->dict);
        vstring_free(share->table_key);
        vstring_free(share->buf);
        myfree(share);
    }
    return NULL;
}
