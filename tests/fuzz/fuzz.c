/*++
 * NAME
 *	fuzz - what every libFuzzer harness shares
 * SUMMARY
 *	fatal and panic handling, quiet logging, temporary files
 * SYNOPSIS
 *	#include "fuzz.h"
 *
 *	void	fuzz_init(const char *name);
 *	int	fuzz_call(FUZZ_FN fn, void *context, int fatal_policy);
 *	char	*fuzz_strndup(const uint8_t *data, size_t len);
 *	const char *fuzz_tempfile(const char *suffix, const void *data,
 *				size_t len);
 * DESCRIPTION
 *	fuzz_init() prepares the process once (a harness calls it at its
 *	first input): the program name for diagnostics is name, routine
 *	logging (info, warnings, errors) is discarded unless the environment
 *	has FUZZ_VERBOSE set, and fatal errors and panics are always written
 *	to stderr so that a crash report says what happened. Errors never
 *	add up to a fatal error.
 *
 *	fuzz_call() runs fn(context) with msg_fatal() and msg_panic() caught.
 *	A panic aborts the process where it happens: libFuzzer records the
 *	input as a crash, with the panic's stack trace. A fatal error aborts
 *	the same way when fatal_policy is FUZZ_FATAL_FINDING; with
 *	FUZZ_FATAL_EXPECTED it jumps back and makes fuzz_call() return -1
 *	(whatever fn allocated before the fatal error is lost, as it would
 *	be at process exit). Otherwise fuzz_call() returns 0.
 *
 *	fuzz_strndup() returns a null-terminated copy of len bytes of data
 *	(which may hold null bytes of its own); the caller frees it.
 *
 *	fuzz_tempfile() writes len bytes of data to a file in the process's
 *	own temporary directory (TMPDIR or /tmp) named after suffix, and
 *	returns its path (a static buffer, valid until the next call). The
 *	directory is removed at exit.
 * DIAGNOSTICS
 *	A harness crash is an abort() after a "panic:" or "fatal:" line.
 *	fuzz_tempfile() aborts when it cannot write the file.
 *--*/

#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"

#include "fuzz.h"

static int fuzz_fatal_policy;    /* of the fuzz_call() in progress */
static char fuzz_dir[PATH_MAX];  /* the temporary directory, or empty */
static char fuzz_path[PATH_MAX]; /* fuzz_tempfile()'s result */

/* fuzz_output - show fatal errors and panics, and the rest on request */

static void fuzz_output(enum msg_level level, const char *text, void *context)
{
    int verbose = context != NULL;

    if (verbose || level >= MSG_FATAL)
        fprintf(stderr, "%s: %s\n", msg_program(), text);

    /*
     * Abort here, not after the jump back, so that the crash report's stack
     * trace shows where the panic or the fatal error happened.
     */
    if (level == MSG_PANIC) {
        fprintf(stderr, "fuzz: msg_panic() is a crash\n");
        abort();
    }
    if (level == MSG_FATAL && fuzz_fatal_policy != FUZZ_FATAL_EXPECTED) {
        fprintf(stderr, "fuzz: msg_fatal() on this input is a finding\n");
        abort();
    }
}

/* fuzz_cleanup - remove the temporary directory at exit */

static void fuzz_cleanup(void)
{
    char cmd[PATH_MAX + 32];

    if (fuzz_dir[0] == 0)
        return;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fuzz_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz: cannot remove %s\n", fuzz_dir);
}

/* fuzz_init - quiet logging, once per process */

void fuzz_init(const char *name)
{
    static int done;
    const char *verbose = getenv("FUZZ_VERBOSE");

    if (done)
        return;
    done = 1;
    msg_init(name);
    msg_stderr_enable(0);
    msg_output_add(fuzz_output, verbose && *verbose ? (void *)1 : NULL);
    msg_error_limit(INT_MAX);
}

/* fuzz_call - run fn with fatal errors and panics caught */

int fuzz_call(FUZZ_FN fn, void *context, int fatal_policy)
{
    jmp_buf target;
    volatile int status;

    fuzz_fatal_policy = fatal_policy;
    if ((status = setjmp(target)) == 0) {
        msg_set_longjmp(&target);
        fn(context);
    }
    msg_set_longjmp(NULL);
    if (status == 2) {
        fprintf(stderr, "fuzz: msg_panic() is a crash\n");
        abort();
    }
    if (status == 1) {
        if (fatal_policy != FUZZ_FATAL_EXPECTED) {
            fprintf(stderr, "fuzz: msg_fatal() on this input is a finding\n");
            abort();
        }
        return -1;
    }
    return 0;
}

/* fuzz_strndup - a null-terminated copy of the input */

char *fuzz_strndup(const uint8_t *data, size_t len)
{
    char *copy = malloc(len + 1);

    if (copy == NULL)
        abort();
    memcpy(copy, data, len);
    copy[len] = 0;
    return copy;
}

/* fuzz_tempfile - write the input to a file of our own */

const char *fuzz_tempfile(const char *suffix, const void *data, size_t len)
{
    FILE *fp;

    if (fuzz_dir[0] == 0) {
        const char *tmp = getenv("TMPDIR");

        snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (mkdtemp(fuzz_dir) == NULL) {
            perror("fuzz: mkdtemp");
            abort();
        }
        atexit(fuzz_cleanup);
    }
    snprintf(fuzz_path, sizeof(fuzz_path), "%s/%s", fuzz_dir, suffix);
    if ((fp = fopen(fuzz_path, "w")) == NULL || fwrite(data, 1, len, fp) != len ||
        fclose(fp) != 0) {
        perror(fuzz_path);
        abort();
    }
    return fuzz_path;
}
