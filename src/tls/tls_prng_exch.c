/*++
 * NAME
 *	tls_prng_exch - the PRNG exchange file
 * SYNOPSIS
 *	#include <tls_prng.h>
 *
 *	TLS_PRNG_EXCH *tls_prng_exch_open(const char *path, VSTRING *why);
 *	int	tls_prng_exch_update(TLS_PRNG_EXCH *exch, VSTRING *why);
 *	int	tls_prng_exch_removed(const TLS_PRNG_EXCH *exch);
 *	const char *tls_prng_exch_name(const TLS_PRNG_EXCH *exch);
 *	TLS_PRNG_EXCH *tls_prng_exch_close(TLS_PRNG_EXCH *exch);
 * DESCRIPTION
 *	The exchange file (tls_random_exchange_name) carries generator
 *	state across restarts of tlsmgr(8), so that a fresh process never
 *	starts from the operating system's entropy alone.
 *
 *	tls_prng_exch_open() opens path for reading and writing, creating
 *	it with mode 0600 when it does not exist (safe_open(3): no symlinks,
 *	one hard link). An existing file that others may read is made 0600.
 *	It returns NULL with a reason in why.
 *
 *	tls_prng_exch_update() takes an exclusive lock, reads the file's
 *	old content (at most TLS_PRNG_EXCH_SIZE bytes) into OpenSSL's
 *	generator with RAND_seed(), writes TLS_PRNG_EXCH_SIZE fresh bytes
 *	from RAND_bytes() in its place, and unlocks. Several processes may
 *	share one file. It returns 0, or -1 with a reason in why.
 *
 *	tls_prng_exch_removed() is true when the file has been unlinked
 *	since it was opened (tlsmgr then exits, to be restarted with a
 *	new one).
 *
 *	tls_prng_exch_name() returns the path; tls_prng_exch_close() closes
 *	the file and returns NULL.
 * DIAGNOSTICS
 *	Returned: reasons name the file and the system error.
 * SEE ALSO
 *	tls_prng_src(3), safe_open(3), myflock(3)
 *--*/

/* System library. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* OpenSSL. */
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

/* Utility library. */
#include "msg.h"
#include "myflock.h"
#include "mymalloc.h"
#include "safe_open.h"

/* TLS library. */
#include "tls_prng.h"

struct TLS_PRNG_EXCH {
    int fd;     /* open descriptor */
    char *name; /* path, owned */
};

/* tls_prng_exch_open - open or create the exchange file */

TLS_PRNG_EXCH *tls_prng_exch_open(const char *path, VSTRING *why)
{
    TLS_PRNG_EXCH *exch;
    struct stat st;
    int fd;

    if ((fd = safe_open(path, O_RDWR | O_CREAT, 0600, &st, SAFE_OPEN_ANY_OWNER, SAFE_OPEN_ANY_GROUP,
                        why)) < 0)
        return NULL;
    if ((st.st_mode & 077) != 0 && fchmod(fd, 0600) < 0)
        msg_warn("fchmod %s 0600: %m", path);
    exch = mymalloc(sizeof(*exch));
    exch->fd = fd;
    exch->name = mystrdup(path);
    return exch;
}

/* tls_prng_exch_rewrite - mix in the old state, write the new (under the lock) */

static int tls_prng_exch_rewrite(TLS_PRNG_EXCH *exch, unsigned char *buf, VSTRING *why)
{
    size_t got = 0;
    ssize_t n;

    if (lseek(exch->fd, 0, SEEK_SET) < 0) {
        vstring_sprintf(why, "seek %s: %m", exch->name);
        return -1;
    }
    while (got < TLS_PRNG_EXCH_SIZE &&
           (n = read(exch->fd, buf + got, TLS_PRNG_EXCH_SIZE - got)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            vstring_sprintf(why, "read %s: %m", exch->name);
            return -1;
        }
        got += n;
    }
    if (got > 0)
        RAND_seed(buf, (int)got);
    if (RAND_bytes(buf, TLS_PRNG_EXCH_SIZE) != 1) {
        ERR_clear_error();
        vstring_sprintf(why, "no random bytes for %s", exch->name);
        return -1;
    }
    if (pwrite(exch->fd, buf, TLS_PRNG_EXCH_SIZE, 0) != TLS_PRNG_EXCH_SIZE) {
        vstring_sprintf(why, "write %s: %m", exch->name);
        return -1;
    }
    if (ftruncate(exch->fd, TLS_PRNG_EXCH_SIZE) < 0) {
        vstring_sprintf(why, "truncate %s: %m", exch->name);
        return -1;
    }
    return 0;
}

/* tls_prng_exch_update - lock, read and stir, write back, unlock */

int tls_prng_exch_update(TLS_PRNG_EXCH *exch, VSTRING *why)
{
    unsigned char buf[TLS_PRNG_EXCH_SIZE];
    int status;

    if (myflock(exch->fd, MYFLOCK_EXCLUSIVE) < 0) {
        vstring_sprintf(why, "lock %s: %m", exch->name);
        return -1;
    }
    status = tls_prng_exch_rewrite(exch, buf, why);
    OPENSSL_cleanse(buf, sizeof(buf));
    if (myflock(exch->fd, MYFLOCK_NONE) < 0 && status == 0) {
        vstring_sprintf(why, "unlock %s: %m", exch->name);
        status = -1;
    }
    return status;
}

/* tls_prng_exch_removed - has the file been unlinked */

int tls_prng_exch_removed(const TLS_PRNG_EXCH *exch)
{
    struct stat st;

    return fstat(exch->fd, &st) < 0 || st.st_nlink == 0;
}

/* tls_prng_exch_name - the path */

const char *tls_prng_exch_name(const TLS_PRNG_EXCH *exch)
{
    return exch->name;
}

/* tls_prng_exch_close - close the file */

TLS_PRNG_EXCH *tls_prng_exch_close(TLS_PRNG_EXCH *exch)
{
    if (exch) {
        if (close(exch->fd) < 0)
            msg_warn("close %s: %m", exch->name);
        myfree(exch->name);
        myfree(exch);
    }
    return NULL;
}
