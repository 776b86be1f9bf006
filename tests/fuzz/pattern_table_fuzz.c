/*++
 * NAME
 *	pattern_table_fuzz - fuzz regexp: and pcre: table files
 * SUMMARY
 *	libFuzzer harness for dict_regexp(3) and dict_pcre(3)
 * DESCRIPTION
 *	The input's first byte chooses the table type (even: regexp, odd:
 *	pcre); the rest is written to a file and opened as such a table.
 *	A few keys (addresses, header lines, an empty key) and the first
 *	64 bytes of the table text are then looked up, so that matching
 *	and $N substitution into results run too.
 *
 *	Properties: a table either opens or fails with DICT_ERR_CONFIG or
 *	DICT_ERR_RETRY; a lookup returns a string or not found; no memory
 *	error, leak or undefined behaviour; compiling a table stays within
 *	libFuzzer's memory and time limits (tests/fuzz/run sets them).
 *
 *	Fatal errors: dict_pattern(3) reports syntax errors and patterns
 *	that do not compile as a failing table, not as a fatal error, so a
 *	msg_fatal() is a finding (FUZZ_FATAL_FINDING).
 * SEE ALSO
 *	dict_regexp(3), dict_pcre(3), dict_pattern(3), tests/fuzz/README
 *--*/

#include <fcntl.h>
#include <string.h>

#include "dict.h"
#include "msg.h"

#include "fuzz.h"

struct pattern_table_job {
    const char *type;    /* "regexp" or "pcre" */
    const uint8_t *data; /* the table text */
    size_t size;         /* its length */
};

/* pattern_table_lookup - one lookup, with the result checked */

static void pattern_table_lookup(DICT *dict, const char *key)
{
    const char *result = dict_get(dict, key);

    if (result == NULL && dict->error != 0 && dict->error != DICT_ERR_CONFIG &&
        dict->error != DICT_ERR_RETRY)
        msg_panic("%s lookup: unknown error code %d", dict->type, dict->error);
    if (result != NULL)
        (void)strlen(result);
}

/* pattern_table_run - open the table and look things up */

static void pattern_table_run(void *context)
{
    static const char *keys[] = {
        "user@example.com",
        "Subject: hello world",
        "a",
        "",
        "MAILER-DAEMON",
        "192.0.2.1",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!",
    };
    struct pattern_table_job *job = context;
    const char *path = fuzz_tempfile("table.pattern", job->data, job->size);
    DICT *dict = dict_open3(job->type, path, O_RDONLY, 0);
    char key[65];
    size_t len = job->size < 64 ? job->size : 64;

    if (!dict_open_ok(dict) && dict->error != DICT_ERR_CONFIG && dict->error != DICT_ERR_RETRY)
        msg_panic("%s open failed with error code %d", job->type, dict->error);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        pattern_table_lookup(dict, keys[i]);
    memcpy(key, job->data, len);
    key[len] = 0;
    pattern_table_lookup(dict, key);
    dict_close(dict);
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pattern_table_job job;

    fuzz_init("pattern_table_fuzz");
    if (size < 1)
        return 0;
    job.type = (data[0] & 1) ? "pcre" : "regexp";
    job.data = data + 1;
    job.size = size - 1;
    fuzz_call(pattern_table_run, &job, FUZZ_FATAL_FINDING);
    return 0;
}
