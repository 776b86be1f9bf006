/*++
 * NAME
 *	master_cf - master.cf service entries
 * SYNOPSIS
 *	#include <master_cf.h>
 *
 *	MASTER_CF *master_cf_load(const char *path, VSTRING *why);
 *	MASTER_CF *master_cf_parse(const char *origin, const char *text,
 *					VSTRING *why);
 *	MASTER_CF *master_cf_free(MASTER_CF *master_cf);
 *	const MASTER_CF_ENTRY *master_cf_find(const MASTER_CF *master_cf,
 *					const char *service, const char *type);
 *	int	master_cf_maxproc(const MASTER_CF_ENTRY *entry, CONFIG *config);
 *	void	master_cf_format(const MASTER_CF_ENTRY *entry, VSTRING *out,
 *					int flags);
 *	void	master_cf_register(const MASTER_CF *master_cf, CONFIG *config);
 * DESCRIPTION
 *	master_cf_load() reads a master.cf file; master_cf_parse() reads the
 *	same format from text, with origin used as the file name in
 *	messages. Both return NULL with "file, line N: reason" in why when
 *	the file cannot be read or an entry is malformed.
 *
 *	The format: '#' comment lines and blank lines are ignored; a line
 *	that starts with white space continues the previous entry (readlline(3);
 *	one that continues nothing is skipped with a warning). An entry
 *	has the columns service, type (inet, unix, unix-dgram, fifo, pass),
 *	private, unpriv, chroot (y, n or -), wakeup (a number of seconds,
 *	optionally followed by '?', or -), maxproc (a number or -), then the
 *	command and its arguments. "{ text }" keeps white space inside one
 *	argument. "-o name=value" and "-o { name = value }" override a main.cf
 *	parameter for this service. Daemon options (mail_server(3)'s
 *	MAIL_SERVER_OPTIONS) end at the first argument that is not an option,
 *	or at "--", as for the daemon's getopt(3): words after that, such as
 *	"-o" among the arguments of pipe(8)'s argv=, are the program's own.
 *	An option that takes a value is split off into words of its own, as
 *	the daemon reads it ("-vo x=y" becomes "-v", "-o", "x=y"); first_argument
 *	is the argv index of the first non-option. A "-" takes the default: private y
 *	(inet services are never private), unpriv y, chroot n, wakeup 0,
 *	maxproc $default_process_limit. Entries stay in file order; when a
 *	service name and type appear twice, master_cf_find() returns the
 *	last one.
 *
 *	master_cf_free() releases everything and returns NULL.
 *
 *	master_cf_maxproc() resolves the process limit of an entry, reading
 *	default_process_limit from config for "-".
 *
 *	master_cf_format() writes an entry in postconf -M's layout: columns
 *	start at fixed positions (service 0, type 11, then every 8 from 17),
 *	a wider value pushes the rest one space to the right, and -o
 *	settings come out as "-o name=value" (other options with a value
 *	alike). An argument or option value
 *	that has white space or begins with '{' is written in braces
 *	("-o {name=a value}", "{{a}b}"); an empty argument is "{}". Such
 *	output reads back as the same entry. With MASTER_CF_FORMAT_FOLD each -o group
 *	starts a new line indented by four spaces, as does an argument that
 *	would pass column 80, except an argument that begins with '#',
 *	which stays on the line before so that it does not read back as a
 *	comment.
 *
 *	master_cf_register() tells config about every service and its
 *	command, so that per-transport parameter names are known.
 *
 *	master_cf_format() output reads back as the same entry, with one
 *	exception: an argument with a control character other than a tab
 *	may not (a form feed at the end of a line is white space to the line
 *	reader, but part of a word to the column split).
 * DIAGNOSTICS
 *	Among the errors: an argument "{-o}" among the options, which the
 *	daemon would read as the option -o all the same; an option word with
 *	a brace ("-o{a=b}"; braces belong around the value, "-o { a = b }").
 *--*/

/* System library. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "readlline.h"
#include "stringops.h"

/* Global library. */
#include "config.h"
#include "mail_server.h"
#include "master_cf.h"

static const char *const master_cf_column_names[] = {"private", "unpriv", "chroot", "wakeup",
                                                     "process limit"};

/* master_cf_entry_free - release one entry */

static void master_cf_entry_free(MASTER_CF_ENTRY *entry)
{
    myfree(entry->service);
    myfree(entry->type);
    for (int i = 0; i < 5; i++)
        myfree(entry->columns[i]);
    myfree(entry->command);
    argv_free(entry->args);
    argv_free(entry->overrides);
    argv_free(entry->argv);
    myfree(entry->file);
    myfree(entry);
}

/* master_cf_yes_no - resolve a y/n/- column */

static int master_cf_yes_no(const char *text, bool dflt, bool *out)
{
    if (strcmp(text, "-") == 0)
        *out = dflt;
    else if (strcmp(text, "y") == 0)
        *out = true;
    else if (strcmp(text, "n") == 0)
        *out = false;
    else
        return -1;
    return 0;
}

/* master_cf_number - resolve a wakeup or maxproc column */

static int master_cf_number(const char *text, int allow_query, int dflt, int *out, bool *out_query)
{
    char *copy;
    size_t len = strlen(text);
    int ok;

    if (strcmp(text, "-") == 0) {
        *out = dflt;
        return 0;
    }
    copy = mystrdup(text);
    if (allow_query && len > 1 && copy[len - 1] == '?') {
        copy[len - 1] = 0;
        *out_query = true;
    }
    ok = alldig(copy) && strlen(copy) < 10;
    if (ok)
        *out = atoi(copy);
    myfree(copy);
    return ok ? 0 : -1;
}

/* master_cf_columns - check and resolve type and the five flag columns */

static const char *master_cf_columns(MASTER_CF_ENTRY *entry, VSTRING *why)
{
    static const char *const types[] = {MASTER_CF_TYPE_INET,       MASTER_CF_TYPE_UNIX,
                                        MASTER_CF_TYPE_UNIX_DGRAM, MASTER_CF_TYPE_FIFO,
                                        MASTER_CF_TYPE_PASS,       NULL};
    bool dummy = false;
    int bad = -1;
    int i;

    for (i = 0; types[i] && strcmp(types[i], entry->type) != 0; i++)
        /* void */;
    if (types[i] == NULL)
        return vstring_str(vstring_sprintf(why,
                                           "invalid type field \"%s\" (expected inet, unix, "
                                           "unix-dgram, fifo or pass)",
                                           entry->type));
    if (master_cf_yes_no(entry->columns[0], true, &entry->private_access) < 0)
        bad = 0;
    else if (master_cf_yes_no(entry->columns[1], true, &entry->unprivileged) < 0)
        bad = 1;
    else if (master_cf_yes_no(entry->columns[2], false, &entry->chroot) < 0)
        bad = 2;
    else if (master_cf_number(entry->columns[3], 1, 0, &entry->wakeup, &entry->wakeup_if_used) < 0)
        bad = 3;
    else if (master_cf_number(entry->columns[4], 0, MASTER_CF_MAXPROC_DEFAULT, &entry->maxproc,
                              &dummy) < 0)
        bad = 4;
    if (bad >= 0)
        return vstring_str(vstring_sprintf(why, "invalid %s field \"%s\" (expected %s)",
                                           master_cf_column_names[bad], entry->columns[bad],
                                           bad < 3    ? "y, n or -"
                                           : bad == 3 ? "a number of seconds, optionally "
                                                        "followed by '?', or -"
                                                      : "a number or -"));
    if (strcmp(entry->type, MASTER_CF_TYPE_INET) == 0)
        entry->private_access = false;
    return NULL;
}

/* master_cf_option - parse the argument of -o into "name=value" */

static const char *master_cf_option(char *word, ARGV *overrides, VSTRING *why)
{
    char *text = word;
    char *name;
    char *value;
    const char *err;
    VSTRING *pair;

    if (*word == '{' && (err = strip_braces(&text)) != NULL)
        return vstring_str(vstring_sprintf(why, "-o %s: %s", word, err));
    if (split_nameval(text, &name, &value) != NULL || *name == 0 ||
        name[strcspn(name, BLANKS)] != 0)
        return vstring_str(vstring_sprintf(why, "-o %s: expected name=value", word));
    pair = vstring_alloc(100);
    vstring_sprintf(pair, "%s=%s", name, value);
    argv_add(overrides, vstring_str(pair));
    vstring_free(pair);
    return NULL;
}

/* master_cf_value_option - a daemon option letter that takes a value */

static bool master_cf_value_option(int letter)
{
    const char *cp = letter == ':' ? NULL : strchr(MAIL_SERVER_OPTIONS, letter);

    return cp != NULL && cp[1] == ':';
}

/* master_cf_is_option - a word that the daemon reads as options */

static bool master_cf_is_option(const char *word)
{
    return word[0] == '-' && word[1] != 0 && strcmp(word, "--") != 0;
}

/* master_cf_add_arg - an argument other than -o and its setting */

static void master_cf_add_arg(MASTER_CF_ENTRY *entry, const char *word)
{
    argv_add(entry->args, word);
    argv_add(entry->argv, word);
}

/*
 * master_cf_options - one word of daemon options. Flags stay as written;
 * an option that takes a value is split off with it, as the daemon reads
 * it: "-vo x=y" and "-vox=y" both become "-v", "-o", "x=y".
 */
static const char *master_cf_options(MASTER_CF_ENTRY *entry, char *word, char **cpp, VSTRING *why)
{
    char option[3] = {'-', 0, 0};
    char *cp;
    char *value;
    const char *err;

    if (word[strcspn(word, "{}")] != 0)
        return vstring_str(vstring_sprintf(why, "option %s: braces in an option word", word));
    /* "--name" would be a long option, which no daemon has: kept whole. */
    for (cp = word + 1; *cp && word[1] != '-' && !master_cf_value_option(*cp); cp++)
        /* void */;
    if (*cp == 0 || word[1] == '-') {
        master_cf_add_arg(entry, word);
        return NULL;
    }
    option[1] = *cp;
    if (cp > word + 1) {
        *cp = 0;
        master_cf_add_arg(entry, word);
    }
    if (cp[1] != 0)
        value = cp + 1;
    else if ((value = mystrtok_braced(cpp, BLANKS)) == NULL)
        return **cpp ? "unbalanced '{'"
                     : vstring_str(vstring_sprintf(why, "%s without %s", option,
                                                   option[1] == 'o' ? "name=value" : "a value"));
    if (option[1] == 'o') {
        if ((err = master_cf_option(value, entry->overrides, why)) != NULL)
            return err;
        argv_add(entry->argv, option);
        argv_add(entry->argv, entry->overrides->argv[entry->overrides->argc - 1]);
        return NULL;
    }
    if (*value == '{' && (err = strip_braces(&value)) != NULL)
        return vstring_str(vstring_sprintf(why, "%s %s: %s", option, value, err));
    master_cf_add_arg(entry, option);
    master_cf_add_arg(entry, value);
    return NULL;
}

/*
 * master_cf_command - split the command and its arguments. Options end
 * at the first word that is not one, or at "--", as for the daemon's
 * getopt(3): after "argv=/bin/x", "-o y" is the program's own.
 */
static const char *master_cf_command(MASTER_CF_ENTRY *entry, char *cp, VSTRING *why)
{
    bool options = true;
    char *word;
    const char *err;

    entry->args = argv_alloc(5);
    entry->overrides = argv_alloc(5);
    entry->argv = argv_alloc(10);
    argv_add(entry->argv, entry->command);
    while ((word = mystrtok_braced(&cp, BLANKS)) != NULL) {
        if (options && master_cf_is_option(word)) {
            if ((err = master_cf_options(entry, word, &cp, why)) != NULL)
                return err;
            continue;
        }
        if (*word == '{' && (err = strip_braces(&word)) != NULL)
            return vstring_str(vstring_sprintf(why, "argument %s: %s", word, err));
        /* The daemon would see the option all the same. */
        if (options && master_cf_is_option(word))
            return vstring_str(
                vstring_sprintf(why, "argument {%s}: an option in braces (write %s)", word,
                                strchr(word, 'o') ? "-o name=value" : "it without braces"));
        if (options) {
            options = false;
            entry->first_argument = entry->argv->argc;
        }
        master_cf_add_arg(entry, word);
    }
    if (options)
        entry->first_argument = entry->argv->argc;
    return *cp ? "unbalanced '{'" : NULL;
}

/* master_cf_entry - parse one logical line */

static MASTER_CF_ENTRY *master_cf_entry(const char *origin, int line, char *text, VSTRING *why)
{
    MASTER_CF_ENTRY *entry = mycalloc(1, sizeof(*entry));
    char *fields[8];
    char *cp = text;
    const char *err = NULL;
    VSTRING *detail = vstring_alloc(100);
    int n;

    for (n = 0; n < 8 && (fields[n] = mystrtok(&cp, BLANKS)) != NULL; n++)
        /* void */;
    entry->file = mystrdup(origin);
    entry->line = line;
    if (n < 8) {
        err = "bad field count (expected service, type, private, unpriv, chroot, wakeup, "
              "maxproc and command)";
    } else {
        entry->service = mystrdup(fields[0]);
        entry->type = mystrdup(fields[1]);
        for (int i = 0; i < 5; i++)
            entry->columns[i] = mystrdup(fields[2 + i]);
        entry->command = mystrdup(fields[7]);
        if ((err = master_cf_columns(entry, detail)) == NULL)
            err = master_cf_command(entry, cp, detail);
    }
    if (err != NULL) {
        vstring_sprintf(why, "%s, line %d: %s", origin, line, err);
        master_cf_entry_free(entry);
        entry = NULL;
    }
    vstring_free(detail);
    return entry;
}

/* master_cf_add - append an entry */

static void master_cf_add(MASTER_CF *master_cf, MASTER_CF_ENTRY *entry)
{
    master_cf->entries =
        myrealloc(master_cf->entries, (master_cf->count + 1) * sizeof(*master_cf->entries));
    master_cf->entries[master_cf->count++] = entry;
}

/* master_cf_read - parse entries from a stream */

static MASTER_CF *master_cf_read(FILE *fp, const char *origin, VSTRING *why)
{
    MASTER_CF *master_cf = mycalloc(1, sizeof(*master_cf));
    VSTRING *logical = vstring_alloc(200);
    MASTER_CF_ENTRY *entry;
    int lineno = 0;
    int first_line = 0;
    int status = 0;

    master_cf->path = mystrdup(origin);
    while (status == 0 && readlline(logical, fp, origin, &lineno, &first_line)) {
        if ((entry = master_cf_entry(origin, first_line, vstring_str(logical), why)) == NULL)
            status = -1;
        else
            master_cf_add(master_cf, entry);
    }
    if (status == 0 && ferror(fp)) {
        vstring_sprintf(why, "read %s: %s", origin, strerror(errno));
        status = -1;
    }
    vstring_free(logical);
    return status == 0 ? master_cf : master_cf_free(master_cf);
}

/* master_cf_parse - parse master.cf text */

MASTER_CF *master_cf_parse(const char *origin, const char *text, VSTRING *why)
{
    FILE *fp;
    MASTER_CF *master_cf;

    if (*text == 0) {
        master_cf = mycalloc(1, sizeof(*master_cf));
        master_cf->path = mystrdup(origin);
        return master_cf;
    }
    if ((fp = fmemopen((void *)text, strlen(text), "r")) == NULL)
        msg_fatal("%s: fmemopen: %m", __func__);
    master_cf = master_cf_read(fp, origin, why);
    fclose(fp);
    return master_cf;
}

/* master_cf_load - read and parse a master.cf file */

MASTER_CF *master_cf_load(const char *path, VSTRING *why)
{
    FILE *fp;
    MASTER_CF *master_cf;

    if ((fp = fopen(path, "r")) == NULL) {
        vstring_sprintf(why, "open %s: %s", path, strerror(errno));
        return NULL;
    }
    master_cf = master_cf_read(fp, path, why);
    fclose(fp);
    return master_cf;
}

/* master_cf_free - release everything */

MASTER_CF *master_cf_free(MASTER_CF *master_cf)
{
    for (size_t i = 0; i < master_cf->count; i++)
        master_cf_entry_free(master_cf->entries[i]);
    myfree(master_cf->entries);
    myfree(master_cf->path);
    myfree(master_cf);
    return NULL;
}

/* master_cf_find - last entry with this service name and type */

const MASTER_CF_ENTRY *master_cf_find(const MASTER_CF *master_cf, const char *service,
                                      const char *type)
{
    for (size_t i = master_cf->count; i > 0; i--) {
        const MASTER_CF_ENTRY *entry = master_cf->entries[i - 1];

        if (strcmp(entry->service, service) == 0 && strcmp(entry->type, type) == 0)
            return entry;
    }
    return NULL;
}

/* master_cf_maxproc - resolved process limit */

int master_cf_maxproc(const MASTER_CF_ENTRY *entry, CONFIG *config)
{
    if (entry->maxproc != MASTER_CF_MAXPROC_DEFAULT)
        return entry->maxproc;
    return config_get_int(config, VAR_DEFAULT_PROCESS_LIMIT);
}

/* master_cf_column - append text at or after a column position */

static void master_cf_column(VSTRING *out, size_t line_start, size_t column, const char *text)
{
    size_t used = VSTRING_LEN(out) - line_start;

    if (used > 0 && used >= column)
        vstring_addch(out, ' ');
    while (VSTRING_LEN(out) - line_start < column)
        vstring_addch(out, ' ');
    vstring_strcat(out, text);
}

/* master_cf_word - append one argument, folding before it when asked */

static void master_cf_word(VSTRING *out, size_t *line_start, const char *word, int new_line,
                           int fold)
{
    /* At the start of a line, "#..." would read back as a comment: no fold before it. */
    if (fold && *word != '#' &&
        (new_line || VSTRING_LEN(out) - *line_start + 1 + strlen(word) >= 80)) {
        vstring_strcat(out, "\n");
        *line_start = VSTRING_LEN(out);
        vstring_strcat(out, "    ");
    } else {
        vstring_addch(out, ' ');
    }
    vstring_strcat(out, word);
}

/* master_cf_balanced - each '}' closes a '{' before it, and every '{' is closed */

static int master_cf_balanced(const char *text)
{
    int depth = 0;

    for (const char *cp = text; *cp; cp++) {
        if (*cp == '{')
            depth++;
        else if (*cp == '}' && --depth < 0)
            return 0;
    }
    return depth == 0;
}

/*
 * master_cf_needs_braces - an argument that reads back the same only in
 * braces: empty, with white space, or beginning with '{' (bare, "{a}b"
 * would read as a group followed by text, and "{}" as the empty argument).
 * Braces hold only balanced text; an argument with white space whose
 * braces do not balance ("a}{b c}d") was read as one bare word, because
 * its white space is inside a group, and reads back the same bare.
 */
static int master_cf_needs_braces(const char *arg)
{
    return (*arg == 0 || *arg == '{' || arg[strcspn(arg, BLANKS)] != 0) && master_cf_balanced(arg);
}

/* master_cf_format - one entry in postconf -M layout */

void master_cf_format(const MASTER_CF_ENTRY *entry, VSTRING *out, int flags)
{
    static const size_t columns[] = {0, 11, 17, 25, 33, 41, 49, 57};
    const char *fields[8] = {entry->service,    entry->type,       entry->columns[0],
                             entry->columns[1], entry->columns[2], entry->columns[3],
                             entry->columns[4], entry->command};
    size_t line_start = VSTRING_LEN(out);
    int fold = flags & MASTER_CF_FORMAT_FOLD;
    VSTRING *word = vstring_alloc(100);
    int after_option = 0;

    for (int i = 0; i < 8; i++)
        master_cf_column(out, line_start, columns[i], fields[i]);
    for (size_t i = 1; i < entry->argv->argc; i++) {
        const char *arg = entry->argv->argv[i];
        int in_options = i < entry->first_argument;
        /* Parsing left each option that takes a value in a word of its own. */
        int option = in_options && arg[0] == '-' && strlen(arg) == 2 &&
                     master_cf_value_option(arg[1]) && i + 1 < entry->argv->argc;
        int braces;

        if (option) {
            vstring_sprintf(word, "%s ", arg);
            arg = entry->argv->argv[++i];
        } else {
            VSTRING_RESET(word);
        }
        /* A flag word was read bare, and reads back the same bare. */
        braces = (!in_options || option) && master_cf_needs_braces(arg);
        vstring_sprintf_append(word, braces ? "{%s}" : "%s", arg);
        master_cf_word(out, &line_start, vstring_str(word), option || after_option, fold);
        after_option = option;
    }
    vstring_free(word);
}

/* master_cf_register - make per-transport names known to config */

void master_cf_register(const MASTER_CF *master_cf, CONFIG *config)
{
    for (size_t i = 0; i < master_cf->count; i++)
        config_add_service(config, master_cf->entries[i]->service, master_cf->entries[i]->command);
}
