/*++
 * NAME
 *	master_cf_fuzz - fuzz master.cf parsing and postconf -M formatting
 * SUMMARY
 *	libFuzzer harness for master_cf(3)
 * DESCRIPTION
 *	The input is parsed as a master.cf file with master_cf_parse(). Each
 *	entry of a file that parses is formatted as postconf -M shows it
 *	(master_cf_format(), one line and folded), and each form is parsed
 *	again; its process limit is resolved against a configuration.
 *
 *	Properties: a file is read or refused with a reason; a formatted
 *	entry parses again to one entry with the same service, type,
 *	columns, command, arguments, -o overrides and end of the daemon
 *	options, which formats to the
 *	same text (postconf -M output can be pasted back into master.cf).
 *	Entries with a control character other than a tab are left out of
 *	that check, as master_cf(3) says (a form feed at the end of a line
 *	is white space to the line reader, but a word to the column split);
 *	no memory error, leak or undefined behaviour.
 *
 *	Fatal errors: master_cf_parse() reports errors through its result
 *	and master_cf_maxproc() has no fatal reaction to a parsed entry, so a
 *	msg_fatal() is a finding (FUZZ_FATAL_FINDING).
 * SEE ALSO
 *	master_cf(3), postconf(1), tests/fuzz/README
 *--*/

#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "config.h"
#include "master_cf.h"
#include "msg.h"
#include "vstring.h"

#include "fuzz.h"

struct master_cf_job {
    char *text; /* the master.cf text */
};

/* master_cf_same_argv - two argument lists are equal */

static int master_cf_same_argv(const ARGV *a, const ARGV *b)
{
    if (a->argc != b->argc)
        return 0;
    for (size_t i = 0; i < a->argc; i++)
        if (strcmp(a->argv[i], b->argv[i]) != 0)
            return 0;
    return 1;
}

/* master_cf_same - two entries say the same */

static int master_cf_same(const MASTER_CF_ENTRY *a, const MASTER_CF_ENTRY *b)
{
    if (strcmp(a->service, b->service) != 0 || strcmp(a->type, b->type) != 0 ||
        strcmp(a->command, b->command) != 0)
        return 0;
    for (int i = 0; i < 5; i++)
        if (strcmp(a->columns[i], b->columns[i]) != 0)
            return 0;
    return a->first_argument == b->first_argument && master_cf_same_argv(a->args, b->args) &&
           master_cf_same_argv(a->overrides, b->overrides) && master_cf_same_argv(a->argv, b->argv);
}

/* master_cf_controls - a control character other than a tab */

static int master_cf_controls(const char *text)
{
    for (const char *cp = text; *cp; cp++)
        if ((*cp > 0 && *cp < ' ' && *cp != '\t') || *cp == 0x7f)
            return 1;
    return 0;
}

/* master_cf_odd_argv - an argument with a control character (see above) */

static int master_cf_odd_argv(const ARGV *argv)
{
    for (size_t i = 0; i < argv->argc; i++)
        if (master_cf_controls(argv->argv[i]))
            return 1;
    return 0;
}

/* master_cf_again - format an entry, parse it again, compare */

static void master_cf_again(const MASTER_CF_ENTRY *entry, int flags, CONFIG *config)
{
    VSTRING *text = vstring_alloc(100);
    VSTRING *text2 = vstring_alloc(100);
    VSTRING *why = vstring_alloc(10);
    MASTER_CF *again;
    int odd = master_cf_controls(entry->service) || master_cf_controls(entry->type) ||
              master_cf_controls(entry->command) || master_cf_odd_argv(entry->args) ||
              master_cf_odd_argv(entry->overrides);

    for (int i = 0; i < 5; i++)
        odd |= master_cf_controls(entry->columns[i]);
    master_cf_format(entry, text, flags);
    /* Such an entry is shown, but cannot be read back (see above). */
    if (odd) {
        vstring_free(text);
        vstring_free(text2);
        vstring_free(why);
        return;
    }
    if ((again = master_cf_parse("formatted", vstring_str(text), why)) == NULL)
        msg_panic("formatted entry does not parse: %s: \"%s\"", vstring_str(why),
                  vstring_str(text));
    if (again->count != 1)
        msg_panic("formatted entry parses as %zu entries: \"%s\"", again->count, vstring_str(text));
    if (!master_cf_same(entry, again->entries[0]))
        msg_panic("formatted entry parses differently: \"%s\"", vstring_str(text));
    master_cf_format(again->entries[0], text2, flags);
    if (strcmp(vstring_str(text), vstring_str(text2)) != 0)
        msg_panic("formatting is not stable: \"%s\" then \"%s\"", vstring_str(text),
                  vstring_str(text2));
    (void)master_cf_maxproc(again->entries[0], config);
    master_cf_free(again);
    vstring_free(text);
    vstring_free(text2);
    vstring_free(why);
}

/* master_cf_run - parse, then each entry formatted and parsed again */

static void master_cf_run(void *context)
{
    struct master_cf_job *job = context;
    VSTRING *why = vstring_alloc(10);
    CONFIG *config = config_alloc("/nonexistent/postern-fuzz");
    MASTER_CF *master_cf;

    if ((master_cf = master_cf_parse("master.cf", job->text, why)) != NULL) {
        for (size_t i = 0; i < master_cf->count; i++) {
            master_cf_again(master_cf->entries[i], 0, config);
            master_cf_again(master_cf->entries[i], MASTER_CF_FORMAT_FOLD, config);
        }
        (void)master_cf_find(master_cf, "smtp", "inet");
        master_cf_free(master_cf);
    } else if (VSTRING_LEN(why) == 0) {
        msg_panic("master_cf_parse failed without a reason");
    }
    config_free(config);
    vstring_free(why);
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct master_cf_job job = {fuzz_strndup(data, size)};

    fuzz_init("master_cf_fuzz");
    fuzz_call(master_cf_run, &job, FUZZ_FATAL_FINDING);
    free(job.text);
    return 0;
}
