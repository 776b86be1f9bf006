/*++
 * NAME
 *	queue_msg_fuzz - fuzz the reader of committed queue files
 * SUMMARY
 *	libFuzzer harness for queue_msg(3)
 * DESCRIPTION
 *	The process works in a temporary queue directory of its own (the
 *	first input makes it the working directory). The input is written
 *	as the queue file active/ID and opened with
 *	queue_msg_open(), as qmgr and the delivery agents open one; when it
 *	opens, the envelope is read back (sender, attributes, schedule,
 *	recipients) and the content is read to its end twice (with a rewind
 *	in between).
 *
 *	Properties: a file is either opened or refused as
 *	QUEUE_MSG_STAT_CORRUPT with a reason; an opened file has a sender,
 *	every recipient has an address, and no more recipients are left
 *	than there are; reading the content ends (0 or -1) and gives the
 *	same records after a rewind; no memory error, leak or undefined
 *	behaviour.
 *
 *	Fatal errors: a damaged queue file is reported as
 *	QUEUE_MSG_STAT_CORRUPT, so that qmgr moves it aside and goes on; a
 *	msg_fatal() is a finding (FUZZ_FATAL_FINDING).
 * SEE ALSO
 *	queue_msg(3), record(3), README_FILES/QUEUE_README,
 *	tests/fuzz/README
 *--*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "msg.h"
#include "vstring.h"

#include "mail_queue.h"
#include "queue_msg.h"
#include "record.h"

#include "fuzz.h"

struct queue_msg_job {
    const uint8_t *data; /* the queue file */
    size_t size;         /* its length */
};

/* queue_msg_content - read the content to its end, count the bytes */

static int queue_msg_content(QUEUE_MSG *msg, size_t *out_records, size_t *out_bytes)
{
    VSTRING *buf = vstring_alloc(100);
    int type;

    *out_records = *out_bytes = 0;
    while ((type = queue_msg_content_get(msg, buf)) > 0) {
        if (type != REC_TYPE_NORM && type != REC_TYPE_CONT)
            msg_panic("queue_msg_content_get returns record type %d", type);
        *out_records += 1;
        *out_bytes += VSTRING_LEN(buf);
    }
    vstring_free(buf);
    return type;
}

/* queue_msg_run - open the file and read everything */

static void queue_msg_run(void *context)
{
    struct queue_msg_job *job = context;
    struct timeval when = {1700000000, 0};
    VSTRING *id = vstring_alloc(32);
    VSTRING *why = vstring_alloc(100);
    VSTRING *name = vstring_alloc(32);
    QUEUE_MSG *msg;
    int status;

    mail_queue_id_make(id, &when, 12345);
    vstring_sprintf(name, "%s/%s", MAIL_QUEUE_ACTIVE, vstring_str(id));
    (void)fuzz_tempfile(vstring_str(name), job->data, job->size);
    status = queue_msg_open(MAIL_QUEUE_ACTIVE, vstring_str(id), 0, &msg, why);
    if (status == QUEUE_MSG_STAT_OK) {
        size_t records, bytes, records2, bytes2;
        int end, end2;

        if (queue_msg_sender(msg) == NULL)
            msg_panic("an opened queue file without a sender");
        (void)queue_msg_attr(msg, "log_ident");
        (void)queue_msg_sched(msg);
        (void)queue_msg_content_size(msg);
        for (size_t i = 0; i < queue_msg_rcpt_count(msg); i++)
            if (queue_msg_rcpt(msg, i)->address == NULL)
                msg_panic("recipient %zu without an address", i);
        if (queue_msg_rcpt_left(msg) > queue_msg_rcpt_count(msg))
            msg_panic("%zu recipients left of %zu", queue_msg_rcpt_left(msg),
                      queue_msg_rcpt_count(msg));
        end = queue_msg_content(msg, &records, &bytes);
        if (queue_msg_content_rewind(msg) == 0) {
            end2 = queue_msg_content(msg, &records2, &bytes2);
            if (end != end2 || records != records2 || bytes != bytes2)
                msg_panic("content reads differently after a rewind");
        }
        queue_msg_close(msg);
    } else if (status != QUEUE_MSG_STAT_CORRUPT || VSTRING_LEN(why) == 0) {
        msg_panic("queue_msg_open status %d: %s", status, vstring_str(why));
    }
    vstring_free(id);
    vstring_free(why);
    vstring_free(name);
}

/* queue_msg_chdir - work in a queue directory of our own, once */

static void queue_msg_chdir(void)
{
    static int done;
    const char *path;
    char dir[4096];

    if (done)
        return;
    done = 1;
    path = fuzz_tempfile("main.cf", "", 0);
    snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(path, '/') - path), path);
    if (chdir(dir) != 0 || mkdir(MAIL_QUEUE_ACTIVE, 0700) != 0) {
        perror(dir);
        abort();
    }
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct queue_msg_job job = {data, size};

    fuzz_init("queue_msg_fuzz");
    queue_msg_chdir();
    fuzz_call(queue_msg_run, &job, FUZZ_FATAL_FINDING);
    return 0;
}
