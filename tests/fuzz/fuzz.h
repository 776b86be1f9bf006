/*
 * fuzz.h - what every libFuzzer harness in tests/fuzz shares
 *
 * A harness defines LLVMFuzzerTestOneInput() and calls the code under test
 * through fuzz_call(), which catches msg_fatal() and msg_panic(): a panic
 * is always a crash (abort), and a fatal error is a crash too unless the
 * harness passes FUZZ_FATAL_EXPECTED because the module's contract names
 * fatal as its reaction to such input. fuzz_init() silences routine
 * logging (FUZZ_VERBOSE=1 in the environment keeps it).
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* What a msg_fatal() inside fuzz_call() means. */
#define FUZZ_FATAL_FINDING  0 /* bad input must not be fatal: abort */
#define FUZZ_FATAL_EXPECTED 1 /* fatal is the documented reaction: return -1 */

typedef void (*FUZZ_FN)(void *context);

extern void fuzz_init(const char *name);
extern int fuzz_call(FUZZ_FN fn, void *context, int fatal_policy);
extern char *fuzz_strndup(const uint8_t *data, size_t len);
extern const char *fuzz_tempfile(const char *suffix, const void *data, size_t len);

/* libFuzzer's entry points. */
extern int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
