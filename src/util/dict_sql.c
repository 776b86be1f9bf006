/*++
 * NAME
 *	dict_sql - what the SQL table types share
 * SYNOPSIS
 *	#include <dict_sql.h>
 *
 *	DICT_SQL_CF *dict_sql_cf_read(const char *path, VSTRING *why);
 *	const char *dict_sql_cf_get(const DICT_SQL_CF *cf, const char *name,
 *			const char *defval);
 *	int	dict_sql_cf_int(const DICT_SQL_CF *cf, const char *name,
 *			int defval, VSTRING *why);
 *	void	dict_sql_cf_set(DICT_SQL_CF *cf, const char *name,
 *			const char *value);
 *	void	dict_sql_cf_free(DICT_SQL_CF *cf);
 *
 *	void	dict_sql_host_order(const char *const *hosts, size_t count,
 *			size_t *order);
 *
 *	int	dict_sql_query_init(DICT_SQL_QUERY *q, const DICT_SQL_CF *cf,
 *			VSTRING *why);
 *	void	dict_sql_query_free(DICT_SQL_QUERY *q);
 *	int	dict_sql_template_ok(const char *template, int is_query,
 *			VSTRING *why);
 *	int	dict_sql_expand(VSTRING *out, const char *template,
 *			const char *key, const char *value,
 *			DICT_SQL_QUOTE_FN quote, void *context);
 *	int	dict_sql_key_ok(const DICT_SQL_QUERY *q, const char *key,
 *			VSTRING *why);
 *	int	dict_sql_result_add(const DICT_SQL_QUERY *q, VSTRING *result,
 *			int *count, const char *key, const char *value,
 *			VSTRING *why);
 * DESCRIPTION
 *	The SQL tables (sqlite:, and the client-server types) read their
 *	settings from a file in main.cf syntax, such as
 *	"sqlite:/etc/postfix/aliases.cf", and share Postfix's rules for
 *	building a query from a key and a result from the rows.
 *
 *	dict_sql_cf_read() reads "name = value" lines (comments, blank
 *	lines and continuation lines as in main.cf; white space around
 *	the value is removed). It returns NULL with a reason that names the
 *	file and line on a malformed line or when the file cannot be read.
 *	dict_sql_cf_get() returns a value or defval; dict_sql_cf_int() a
 *	non-negative decimal value or defval, -1 with a reason for anything
 *	else. dict_sql_cf_set() sets a value (a type's own name for a
 *	shared setting, such as LDAP's query_filter).
 *
 *	dict_sql_host_order() fills order (count elements) with the
 *	indexes of the hosts entries in the order a new connection tries
 *	them, as Postfix does: the UNIX-domain sockets ("unix:/path", or a
 *	path) first, then the TCP servers, each group in random order, so
 *	that the clients of mirrored servers spread over them.
 *
 *	dict_sql_query_init() takes from the settings: query (or, when it
 *	is absent, the legacy select_field, table, where_field and
 *	additional_conditions, as "SELECT select_field FROM table WHERE
 *	where_field = '%s' additional_conditions"), result_format (default
 *	"%s"), expansion_limit (default 0, no limit) and domain (a list of
 *	domain names, /file/names and type:table tables, separated by
 *	commas or white space). It checks the templates and returns 0, or
 *	-1 with a reason. dict_sql_query_free() releases what it holds.
 *
 *	dict_sql_template_ok() checks a template: '%' must be followed by
 *	%, s, u, d, S, U, D or 1-9; in a query template the lower-case
 *	forms and the upper-case forms mean the same.
 *
 *	dict_sql_expand() replaces out with template expanded. With value
 *	NULL it expands a query: %s is the key, %u its local part (the
 *	whole key when it has no '@'), %d its domain, %1 ... %9 the
 *	domain's labels from the right (%1 the top-level domain); %S, %U, %D
 *	as %s, %u, %d; %% a '%'. Each expansion goes through quote(), so
 *	that the key cannot change the statement. With a value it expands
 *	result_format: %s, %u and %d take the parts of the value, the
 *	upper-case forms and %1 ... %9 those of the key, nothing is quoted.
 *	It returns DICT_SQL_SUPPRESSED, and the lookup must find nothing,
 *	when a part that the template names is missing or empty (a %d for a
 *	key without '@', an empty local part, too few domain labels, an
 *	empty value), else DICT_SQL_EXPANDED.
 *
 *	dict_sql_key_ok() applies the domain filter: with a domain list, a
 *	key is looked up only when it is user@domain with a non-empty
 *	local part and a listed domain. It returns 1 (look it up), 0 (do
 *	not: not found), or -1 when a table of the domain list failed (a
 *	temporary error, with a reason).
 *
 *	dict_sql_result_add() formats one result value with result_format
 *	and appends it to result, comma-separated, counting it in *count. A
 *	value that result_format suppresses is skipped. It returns 0, or -1
 *	with a reason when the count goes over expansion_limit.
 * DIAGNOSTICS
 *	Nothing is fatal; every problem is returned with a reason.
 *--*/

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "argv.h"
#include "dict.h"
#include "dict_sql.h"
#include "htable.h"
#include "mymalloc.h"
#include "readlline.h"
#include "stringops.h"
#include "vstring.h"

struct DICT_SQL_CF {
    HTABLE *table; /* name -> value, owned strings */
    char *path;    /* the file, for messages; owned */
};

/* One item of a domain list. */
typedef struct {
    char *name; /* a domain (lower case), or NULL */
    DICT *dict; /* a table to look the domain up in, or NULL */
} DICT_SQL_DOMAIN_ITEM;

struct DICT_SQL_DOMAIN {
    DICT_SQL_DOMAIN_ITEM *items; /* owned */
    size_t count;                /* items in use */
};

/* dict_sql_shuffle - put order[0..count-1] in random order */

static void dict_sql_shuffle(size_t *order, size_t count)
{
    static unsigned seed;
    static bool seeded;

    /*
     * Spreading clients over servers needs no cryptographic randomness, but
     * processes started in the same second must not all choose alike.
     */
    if (!seeded) {
        if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t)sizeof(seed))
            seed = (unsigned)time(NULL) * 2654435761u ^ (unsigned)getpid() * 40503u;
        seeded = true;
    }
    for (size_t i = count; i > 1; i--) {
        /* The high bits of rand_r() vary more than the low ones. */
        size_t j = (size_t)((unsigned long long)rand_r(&seed) * i /
                            ((unsigned long long)RAND_MAX + 1)),
               tmp = order[i - 1];

        order[i - 1] = order[j];
        order[j] = tmp;
    }
}

/* dict_sql_host_order - UNIX-domain sockets first, then TCP, each in random order */

void dict_sql_host_order(const char *const *hosts, size_t count, size_t *order)
{
    size_t n = 0, unix_count;

    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < count; i++) {
            bool is_unix = strncmp(hosts[i], "unix:", 5) == 0 || hosts[i][0] == '/';

            if (is_unix == (pass == 0))
                order[n++] = i;
        }
        if (pass == 0)
            unix_count = n;
    }
    dict_sql_shuffle(order, unix_count);
    dict_sql_shuffle(order + unix_count, count - unix_count);
}

/* dict_sql_cf_read - name = value settings of a .cf file */

DICT_SQL_CF *dict_sql_cf_read(const char *path, VSTRING *why)
{
    FILE *fp = fopen(path, "r");
    VSTRING *line;
    DICT_SQL_CF *cf;
    int lineno = 0, first_line = 0;

    if (fp == NULL) {
        vstring_sprintf(why, "open %s: %m", path);
        return NULL;
    }
    cf = mymalloc(sizeof(*cf));
    cf->table = htable_create(20);
    cf->path = mystrdup(path);
    line = vstring_alloc(100);
    while (readlline(line, fp, path, &lineno, &first_line)) {
        char *name, *value;
        const char *err;

        if ((err = split_nameval(vstring_str(line), &name, &value)) != NULL) {
            vstring_sprintf(why, "%s, line %d: %s", path, first_line, err);
            dict_sql_cf_free(cf);
            cf = NULL;
            break;
        }
        if (htable_locate(cf->table, name) != NULL)
            htable_delete(cf->table, name, myfree);
        htable_enter(cf->table, name, mystrdup(value));
    }
    if (cf && ferror(fp)) {
        vstring_sprintf(why, "read %s: %m", path);
        dict_sql_cf_free(cf);
        cf = NULL;
    }
    fclose(fp);
    vstring_free(line);
    return cf;
}

/* dict_sql_cf_get - a setting, or the default */

const char *dict_sql_cf_get(const DICT_SQL_CF *cf, const char *name, const char *defval)
{
    const char *value = htable_find(cf->table, name);

    return value ? value : defval;
}

/* dict_sql_cf_int - a non-negative number setting */

int dict_sql_cf_int(const DICT_SQL_CF *cf, const char *name, int defval, VSTRING *why)
{
    const char *value = htable_find(cf->table, name);
    char *end;
    long num;

    if (value == NULL)
        return defval;
    errno = 0;
    num = strtol(value, &end, 10);
    if (*value == 0 || *end != 0 || errno != 0 || num < 0 || num > 1000000000) {
        vstring_sprintf(why, "%s: bad %s value \"%s\": expected a number", cf->path, name, value);
        return -1;
    }
    return (int)num;
}

/* dict_sql_cf_set - set a value */

void dict_sql_cf_set(DICT_SQL_CF *cf, const char *name, const char *value)
{
    if (htable_locate(cf->table, name) != NULL)
        htable_delete(cf->table, name, myfree);
    htable_enter(cf->table, name, mystrdup(value));
}

/* dict_sql_cf_free - release the settings */

void dict_sql_cf_free(DICT_SQL_CF *cf)
{
    htable_free(cf->table, myfree);
    myfree(cf->path);
    myfree(cf);
}

/* dict_sql_domain_free - release a domain list */

static void dict_sql_domain_free(DICT_SQL_DOMAIN *domain)
{
    for (size_t i = 0; i < domain->count; i++) {
        if (domain->items[i].name)
            myfree(domain->items[i].name);
        if (domain->items[i].dict)
            dict_close(domain->items[i].dict);
    }
    myfree(domain->items);
    myfree(domain);
}

/* dict_sql_domain_add - one domain name */

static void dict_sql_domain_add(DICT_SQL_DOMAIN *domain, const char *name, DICT *dict)
{
    domain->items = myrealloc(domain->items, (domain->count + 1) * sizeof(*domain->items));
    domain->items[domain->count].name = name ? lowercase(mystrdup(name)) : NULL;
    domain->items[domain->count].dict = dict;
    domain->count++;
}

/* dict_sql_domain_file - the names in a file, separated by white space */

static int dict_sql_domain_file(DICT_SQL_DOMAIN *domain, const char *path, VSTRING *why)
{
    FILE *fp = fopen(path, "r");
    char word[1024];

    if (fp == NULL) {
        vstring_sprintf(why, "domain list file %s: %m", path);
        return -1;
    }
    while (fscanf(fp, " %1023s", word) == 1)
        if (word[0] != '#')
            dict_sql_domain_add(domain, word, NULL);
    fclose(fp);
    return 0;
}

/* dict_sql_domain_create - parse the domain setting */

static DICT_SQL_DOMAIN *dict_sql_domain_create(const char *spec, VSTRING *why)
{
    DICT_SQL_DOMAIN *domain = mycalloc(1, sizeof(*domain));
    ARGV *words = argv_split(spec, ", \t\r\n");

    for (size_t i = 0; i < words->argc; i++) {
        const char *word = words->argv[i];

        if (*word == '/') {
            if (dict_sql_domain_file(domain, word, why) < 0)
                break;
        } else if (strchr(word, ':') != NULL) {
            DICT *dict = dict_open(word, O_RDONLY, DICT_FLAG_LOCK | DICT_FLAG_FOLD_FIX);

            if (!dict_open_ok(dict)) {
                vstring_sprintf(why, "domain list table %s: %s", word, dict_reason(dict));
                dict_close(dict);
                break;
            }
            dict_sql_domain_add(domain, NULL, dict);
        } else {
            dict_sql_domain_add(domain, word, NULL);
        }
    }
    if (VSTRING_LEN(why) > 0) {
        dict_sql_domain_free(domain);
        domain = NULL;
    }
    argv_free(words);
    return domain;
}

/* dict_sql_template_ok - every % names an expansion */

int dict_sql_template_ok(const char *template, int is_query, VSTRING *why)
{
    for (const char *cp = template; *cp; cp++) {
        if (*cp != '%')
            continue;
        cp++;
        if (*cp == 0 || strchr("%sudSUD123456789", *cp) == NULL) {
            vstring_sprintf(why, "%s \"%s\": unknown expansion \"%%%.1s\"",
                            is_query ? "query" : "result_format", template, cp);
            return -1;
        }
    }
    return 0;
}

/* dict_sql_query_init - query, result_format, expansion_limit and domain */

int dict_sql_query_init(DICT_SQL_QUERY *q, const DICT_SQL_CF *cf, VSTRING *why)
{
    const char *query = dict_sql_cf_get(cf, "query", NULL);
    const char *domain = dict_sql_cf_get(cf, "domain", "");

    memset(q, 0, sizeof(*q));
    VSTRING_RESET(why);
    if (query) {
        q->query = mystrdup(query);
    } else {
        const char *select = dict_sql_cf_get(cf, "select_field", NULL);
        const char *table = dict_sql_cf_get(cf, "table", NULL);
        const char *where = dict_sql_cf_get(cf, "where_field", NULL);
        VSTRING *buf;

        if (select == NULL || table == NULL || where == NULL) {
            vstring_sprintf(why, "%s: no query, and no select_field, table and where_field",
                            cf->path);
            return -1;
        }
        buf = vstring_alloc(100);
        vstring_sprintf(buf, "SELECT %s FROM %s WHERE %s = '%%s' %s", select, table, where,
                        dict_sql_cf_get(cf, "additional_conditions", ""));
        q->query = vstring_export(buf);
    }
    q->result_format = mystrdup(dict_sql_cf_get(cf, "result_format", "%s"));
    if (dict_sql_template_ok(q->query, 1, why) < 0 ||
        dict_sql_template_ok(q->result_format, 0, why) < 0 ||
        (q->expansion_limit = dict_sql_cf_int(cf, "expansion_limit", 0, why)) < 0 ||
        (*domain && (q->domain = dict_sql_domain_create(domain, why)) == NULL)) {
        dict_sql_query_free(q);
        return -1;
    }
    return 0;
}

/* dict_sql_query_free - release what dict_sql_query_init() made */

void dict_sql_query_free(DICT_SQL_QUERY *q)
{
    if (q->query)
        myfree(q->query);
    if (q->result_format)
        myfree(q->result_format);
    if (q->domain)
        dict_sql_domain_free(q->domain);
    memset(q, 0, sizeof(*q));
}

/* dict_sql_label - the n-th domain label from the right, in buf; NULL if none */

static const char *dict_sql_label(VSTRING *buf, const char *domain, int n)
{
    const char *end = domain + strlen(domain);

    for (const char *cp = end;; cp--) {
        if (cp == domain || cp[-1] == '.') {
            if (--n == 0) {
                if (cp == end)
                    return NULL;
                vstring_strncpy(buf, cp, (size_t)(end - cp));
                return vstring_str(buf);
            }
            if (cp == domain)
                return NULL;
            end = cp - 1;
        }
    }
}

/* dict_sql_part - one expansion of an address: s, u, d or 1-9; NULL if missing */

static const char *dict_sql_part(VSTRING *buf, const char *addr, int which)
{
    const char *at = strrchr(addr, '@');

    switch (which) {
    case 's':
        return *addr ? addr : NULL;
    case 'u':
        if (at == NULL)
            return *addr ? addr : NULL;
        if (at == addr)
            return NULL;
        vstring_strncpy(buf, addr, (size_t)(at - addr));
        return vstring_str(buf);
    case 'd':
        return at && at[1] ? at + 1 : NULL;
    default:
        return at && at[1] ? dict_sql_label(buf, at + 1, which - '0') : NULL;
    }
}

/* dict_sql_expand - a query or result template, expanded */

int dict_sql_expand(VSTRING *out, const char *template, const char *key, const char *value,
                    DICT_SQL_QUOTE_FN quote, void *context)
{
    VSTRING *part = vstring_alloc(100);
    int status = DICT_SQL_EXPANDED;

    VSTRING_RESET(out);
    for (const char *cp = template; *cp && status == DICT_SQL_EXPANDED; cp++) {
        const char *text;
        int which;

        if (*cp != '%' || cp[1] == 0) {
            vstring_addch(out, *cp);
            continue;
        }
        which = *++cp;
        if (which == '%') {
            vstring_addch(out, '%');
            continue;
        }
        if (isupper(which) || isdigit(which) || value == NULL)
            text = dict_sql_part(part, key, tolower(which));
        else
            text = dict_sql_part(part, value, which);
        if (text == NULL)
            status = DICT_SQL_SUPPRESSED;
        else if (quote && value == NULL)
            quote(out, text, context);
        else
            vstring_strcat(out, text);
    }
    vstring_free(part);
    return status;
}

/* dict_sql_key_ok - does the domain filter let the key through? */

int dict_sql_key_ok(const DICT_SQL_QUERY *q, const char *key, VSTRING *why)
{
    const char *at = strrchr(key, '@');
    char *domain;
    int found = 0;

    if (q->domain == NULL)
        return 1;
    if (at == NULL || at == key || at[1] == 0)
        return 0;
    domain = lowercase(mystrdup(at + 1));
    for (size_t i = 0; i < q->domain->count && !found; i++) {
        DICT_SQL_DOMAIN_ITEM *item = q->domain->items + i;

        if (item->name) {
            found = strcmp(item->name, domain) == 0;
        } else if (dict_get(item->dict, domain) != NULL) {
            found = 1;
        } else if (item->dict->error != DICT_ERR_NONE) {
            vstring_sprintf(why, "domain list table %s:%s: %s", item->dict->type, item->dict->name,
                            dict_reason(item->dict));
            found = -1;
        }
    }
    myfree(domain);
    return found;
}

/* dict_sql_result_add - one row's value, formatted and counted */

int dict_sql_result_add(const DICT_SQL_QUERY *q, VSTRING *result, int *count, const char *key,
                        const char *value, VSTRING *why)
{
    VSTRING *formatted = vstring_alloc(100);

    if (dict_sql_expand(formatted, q->result_format, key, value, NULL, NULL) == DICT_SQL_EXPANDED) {
        if (q->expansion_limit > 0 && *count >= q->expansion_limit) {
            vstring_sprintf(why, "key \"%s\": more than expansion_limit = %d results", key,
                            q->expansion_limit);
            vstring_free(formatted);
            return -1;
        }
        if (*count > 0)
            vstring_addch(result, ',');
        vstring_strcat(result, vstring_str(formatted));
        (*count)++;
    }
    vstring_free(formatted);
    return 0;
}
