/*++
 * NAME
 *	cidr_table_fuzz - fuzz cidr: table files
 * SUMMARY
 *	libFuzzer harness for dict_cidr(3)
 * DESCRIPTION
 *	The input is written to a file and opened as a cidr: table, as
 *	postmap -q and the daemons open one; a few IPv4 and IPv6 addresses,
 *	a non-address and the start of every input line are then looked up.
 *
 *	Properties: a table either opens or fails with DICT_ERR_CONFIG and
 *	a reason; a lookup result is either a string or not found with an
 *	error code; no memory error, leak or undefined behaviour.
 *
 *	Fatal errors: dict_cidr(3) reports every syntax error as a failing
 *	table (DICT_ERR_CONFIG), not as a fatal error, so that a daemon
 *	defers mail instead of dying: a msg_fatal() is a finding
 *	(FUZZ_FATAL_FINDING).
 * SEE ALSO
 *	dict_cidr(3), cidr_table(5), tests/fuzz/README
 *--*/

#include <fcntl.h>
#include <string.h>

#include "dict.h"
#include "msg.h"

#include "fuzz.h"

struct cidr_table_job {
    const uint8_t *data; /* the table text */
    size_t size;         /* its length */
};

/* cidr_table_lookup - one lookup, with the result checked */

static void cidr_table_lookup(DICT *dict, const char *key)
{
    const char *result = dict_get(dict, key);

    if (result == NULL && dict->error != 0 && dict->error != DICT_ERR_CONFIG &&
        dict->error != DICT_ERR_RETRY)
        msg_panic("cidr lookup \"%s\": unknown error code %d", key, dict->error);
    if (result != NULL)
        (void)strlen(result);
}

/* cidr_table_run - open the table and look things up */

static void cidr_table_run(void *context)
{
    static const char *keys[] = {
        "192.0.2.1",   "10.0.0.0",         "255.255.255.255", "0.0.0.0",        "::",
        "2001:db8::1", "::ffff:192.0.2.1", "[192.0.2.1]",     "not-an-address", "",
    };
    struct cidr_table_job *job = context;
    const char *path = fuzz_tempfile("table.cidr", job->data, job->size);
    DICT *dict = dict_open3("cidr", path, O_RDONLY, 0);
    char key[64];

    if (!dict_open_ok(dict) && dict->error != DICT_ERR_CONFIG && dict->error != DICT_ERR_RETRY)
        msg_panic("cidr open failed with error code %d", dict->error);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        cidr_table_lookup(dict, keys[i]);
    /* The first word of each line, as a key. */
    for (size_t i = 0; i < job->size; i++) {
        if (i == 0 || job->data[i - 1] == '\n') {
            size_t len = 0;

            while (i + len < job->size && len < sizeof(key) - 1 && job->data[i + len] > ' ' &&
                   job->data[i + len] != '/')
                len++;
            memcpy(key, job->data + i, len);
            key[len] = 0;
            if (memchr(key, 0, len) == NULL)
                cidr_table_lookup(dict, key);
        }
    }
    dict_close(dict);
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cidr_table_job job = {data, size};

    fuzz_init("cidr_table_fuzz");
    fuzz_call(cidr_table_run, &job, FUZZ_FATAL_FINDING);
    return 0;
}
