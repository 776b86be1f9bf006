/*++
 * NAME
 *	tlsmgr_request_fuzz - fuzz the requests that tlsmgr serves
 * SUMMARY
 *	libFuzzer harness for tlsmgr_dispatch() in src/tlsmgr
 * DESCRIPTION
 *	The input is what a client of tlsmgr sends over private/tlsmgr:
 *	any number of requests (seed, policy, lookup, update, delete,
 *	tktkey) in the attribute protocol. They are served one after the
 *	other, as tlsmgr serves a connection, until one is refused or the
 *	input ends. The smtpd and smtp session caches are open (btree files
 *	in a temporary directory, kept from one input to the next, as
 *	tlsmgr keeps them: what Berkeley DB allocates for them is left out
 *	of the leak check), and the ticket keys are the daemon's
 *	(tlsmgr_ticket.c, local keys only).
 *
 *	Properties: the loop ends (no more requests served than input
 *	bytes); each request served gets exactly one reply, an attribute
 *	list that attr_scan(3) reads back with a status, and a refused one
 *	gets none; no memory error, leak or undefined behaviour.
 *
 *	Fatal errors: tlsmgr(8) has no fatal reaction to a request (a
 *	malformed one drops the client), so a msg_fatal() is a finding
 *	(FUZZ_FATAL_FINDING).
 * SEE ALSO
 *	tlsmgr(8), tls_mgr(3), tests/fuzz/README
 *--*/

#include <stdbool.h>
#include <string.h>
#include <sys/types.h>

#include "attr.h"
#include "msg.h"
#include "vstream.h"
#include "vstring.h"

#include "tls_mgr.h"

#include "tlsmgr.h"

#include "fuzz.h"

struct tlsmgr_request_job {
    const uint8_t *data; /* the client's bytes */
    size_t size;         /* their length */
    size_t offset;       /* what has been read */
    VSTRING *out;        /* the replies */
};

static bool tlsmgr_fuzz_ready; /* caches and keys set up */

const char *__lsan_default_suppressions(void);

/* __lsan_default_suppressions - the open caches live as long as the process */

const char *__lsan_default_suppressions(void)
{
    /* Berkeley DB keeps its handles where the leak check does not look. */
    return "leak:libdb\n";
}

/* tlsmgr_owner_enter - tlsmgr.c's privilege switch: nothing to switch here */

void tlsmgr_owner_enter(MAIL_SERVER *unused_server)
{
}

/* tlsmgr_owner_leave - see tlsmgr_owner_enter() */

void tlsmgr_owner_leave(void)
{
}

/* tlsmgr_fuzz_read - the client's bytes, as a connection would give them */

static ssize_t tlsmgr_fuzz_read(int unused_fd, void *buf, size_t len, int unused_timeout,
                                void *context)
{
    struct tlsmgr_request_job *job = context;
    size_t n = job->size - job->offset < len ? job->size - job->offset : len;

    memcpy(buf, job->data + job->offset, n);
    job->offset += n;
    return (ssize_t)n;
}

/* tlsmgr_fuzz_write - keep the replies */

static ssize_t tlsmgr_fuzz_write(int unused_fd, const void *buf, size_t len, int unused_timeout,
                                 void *context)
{
    struct tlsmgr_request_job *job = context;

    vstring_memcat(job->out, buf, len);
    return (ssize_t)len;
}

/* tlsmgr_fuzz_check - each reply reads back as an attribute list with a status */

static void tlsmgr_fuzz_check(VSTRING *out, int replies)
{
    VSTREAM *stream = vstream_memopen(out, VSTREAM_FLAG_READ);
    int status;

    for (int i = 0; i < replies; i++)
        if (attr_scan(stream, ATTR_FLAG_MORE, RECV_ATTR_INT(TLS_MGR_ATTR_STATUS, &status),
                      ATTR_TYPE_END) != 1 ||
            attr_scan(stream, ATTR_FLAG_NONE, ATTR_TYPE_END) < 0)
            msg_panic("reply %d does not read back", i + 1);
    if (vstream_getc(stream) != VSTREAM_EOF)
        msg_panic("more reply bytes than %d replies", replies);
    vstream_close(stream);
}

/* tlsmgr_request_run - serve the requests of one connection */

static void tlsmgr_request_run(void *context)
{
    struct tlsmgr_request_job *job = context;
    VSTRING *dummy = vstring_alloc(10);
    VSTREAM *client = vstream_memopen(dummy, VSTREAM_FLAG_RW);
    int replies = 0;

    vstream_set_io(client, tlsmgr_fuzz_read, tlsmgr_fuzz_write, job);
    while (tlsmgr_dispatch(client) == 0)
        if (++replies > (int)job->size)
            msg_panic("more requests served than input bytes");
    (void)vstream_fflush(client);
    vstream_close(client);
    /* A request that is refused gets no reply. */
    tlsmgr_fuzz_check(job->out, replies);
    vstring_free(dummy);
}

/* tlsmgr_fuzz_setup - the caches and keys, once */

static void tlsmgr_fuzz_setup(void)
{
    static TLSMGR_CONFIG config;
    static char smtpd_db[4200], smtp_db[4200];
    const char *path;
    size_t dir_len;

    if (tlsmgr_fuzz_ready)
        return;
    tlsmgr_fuzz_ready = true;
    path = fuzz_tempfile("placeholder", "", 0);
    dir_len = strrchr(path, '/') - path;
    snprintf(smtpd_db, sizeof(smtpd_db), "btree:%.*s/smtpd_scache", (int)dir_len, path);
    snprintf(smtp_db, sizeof(smtp_db), "btree:%.*s/smtp_scache", (int)dir_len, path);
    config.smtpd = (TLSMGR_CACHE_CONFIG){smtpd_db, 3600, "0"};
    config.smtp = (TLSMGR_CACHE_CONFIG){smtp_db, 3600, "0"};
    config.lmtp = (TLSMGR_CACHE_CONFIG){"", 3600, "0"};
    tlsmgr_cache_pre_jail(NULL, &config, NULL, 0);
    tlsmgr_ticket_pre_jail(NULL, &config, tlsmgr_cache_timeout(TLS_MGR_SCACHE_SMTPD), NULL, 0);
    tlsmgr_ticket_post_jail();
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tlsmgr_request_job job = {data, size, 0, vstring_alloc(100)};

    fuzz_init("tlsmgr_request_fuzz");
    tlsmgr_fuzz_setup();
    fuzz_call(tlsmgr_request_run, &job, FUZZ_FATAL_FINDING);
    vstring_free(job.out);
    return 0;
}
