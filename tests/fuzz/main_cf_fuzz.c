/*++
 * NAME
 *	main_cf_fuzz - fuzz main.cf parsing and $name expansion
 * SUMMARY
 *	libFuzzer harness for config(3) and config_expand(3)
 * DESCRIPTION
 *	The input is written to a file and read as main.cf with
 *	config_read_file(). Each setting is then expanded as "$name" with
 *	config_expand() (which runs every $name, ${name?value},
 *	${name:value} and ${{a} op {b}?...} form), checked against its type
 *	and bounds when the parameter is a known one (config_check_value()),
 *	and the whole configuration is validated as postfix check does
 *	(config_validate()).
 *
 *	Properties: a file is read or refused with a reason; expansion ends
 *	(loops are reported, not followed); no memory error, leak, stack
 *	overflow or undefined behaviour.
 *
 *	Fatal errors: config_load(), config_lookup() and the typed getters
 *	are fatal on a malformed main.cf or a value that does not expand by
 *	contract, but the functions driven here are their non-fatal forms, which report through a result and a reason;
 *	so a msg_fatal() is a finding (FUZZ_FATAL_FINDING).
 * SEE ALSO
 *	config(3), config_expand(3), config_get(3), config_check(3),
 *	tests/fuzz/README
 *--*/

#include <string.h>

#include "config.h"
#include "msg.h"
#include "vstring.h"

#include "fuzz.h"

struct main_cf_job {
    const uint8_t *data; /* the main.cf text */
    size_t size;         /* its length */
};

/* main_cf_setting - expand and check one setting */

static void main_cf_setting(const CONFIG_SETTING *setting, void *context)
{
    CONFIG *config = context;
    VSTRING *why = vstring_alloc(10);
    VSTRING *text = vstring_alloc(10);
    VSTRING *out = vstring_alloc(10);

    vstring_sprintf(text, "${%s}", setting->name);
    if (config_expand(config, vstring_str(text), out, why) != 0 && VSTRING_LEN(why) == 0)
        msg_panic("config_expand of %s failed without a reason", setting->name);
    if (config_known_name(config, setting->name))
        (void)config_check_value(config, setting->name, why);
    vstring_free(why);
    vstring_free(text);
    vstring_free(out);
}

/* main_cf_report - config_validate() findings are expected: ignore them */

static void main_cf_report(CONFIG_REPORT_LEVEL level, const char *text, void *context)
{
    (void)strlen(text);
}

/* main_cf_run - read, expand, check */

static void main_cf_run(void *context)
{
    struct main_cf_job *job = context;
    const char *path = fuzz_tempfile("main.cf", job->data, job->size);
    CONFIG *config = config_alloc("/nonexistent/postern-fuzz");
    VSTRING *why = vstring_alloc(10);

    if (config_read_file(config, path, why) == 0) {
        config_walk(config, CONFIG_SOURCE_MAIN_CF, main_cf_setting, config);
        (void)config_validate(config, main_cf_report, NULL);
    } else if (VSTRING_LEN(why) == 0) {
        msg_panic("config_read_file failed without a reason");
    }
    vstring_free(why);
    config_free(config);
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct main_cf_job job = {data, size};

    fuzz_init("main_cf_fuzz");
    fuzz_call(main_cf_run, &job, FUZZ_FATAL_FINDING);
    return 0;
}
