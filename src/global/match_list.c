/*++
 * NAME
 *	match_list - pattern lists for domains, hosts and networks
 * SYNOPSIS
 *	#include <match_list.h>
 *
 *	MATCH_LIST *match_list_create(const char *title, const char *patterns,
 *			int flags, VSTRING *why);
 *	int	match_list_domain(MATCH_LIST *list, const char *domain);
 *	int	match_list_addr(MATCH_LIST *list, const char *addr);
 *	int	match_list_namadr(MATCH_LIST *list, const char *name,
 *			const char *addr);
 *	int	match_list_error(const MATCH_LIST *list);
 *	MATCH_LIST *match_list_free(MATCH_LIST *list);
 *
 *	int	match_list_parent_flag(const char *param, const char *parents);
 * DESCRIPTION
 *	match_list_create() parses patterns (separated by commas and/or
 *	white space) for the parameter title. Each pattern is one of:
 *
 *	    domain.tld		that domain; with MATCH_FLAG_PARENT (the
 *				parameter is in parent_domain_matches_subdomains)
 *				also its subdomains
 *	    .domain.tld		subdomains of domain.tld
 *	    192.0.2.0/24	an IPv4 network; "192.0.2.1" one address
 *	    [2001:db8::]/32	an IPv6 network (brackets required, as ':'
 *				otherwise means a table); "[::1]" one address
 *	    type:table		a lookup table: a key that is found matches
 *	    /file/name		the patterns in that file (one or more per
 *				line, '#' comments), in its place
 *	    !pattern		a match of pattern means "no match"; for
 *				"!/file/name", a match of any pattern in
 *				the file
 *
 *	With MATCH_FLAG_STRING the patterns are plain strings (user names):
 *	a name pattern matches only the whole string, nothing is taken for a
 *	network, and a table is asked for the string alone.
 *
 *	It returns the list, or NULL with the reason in why (a network with
 *	host bits set, a bad network, an unreadable file, a table that
 *	cannot be opened): a bad list is a configuration error.
 *
 *	match_list_domain() matches a domain or host name against the name
 *	patterns and tables (a table is asked for the name, then for its
 *	parent domains in the style MATCH_FLAG_PARENT selects: "parent" or
 *	".parent"; pattern tables only for the name). match_list_addr()
 *	matches an IP address text against the network patterns and tables
 *	(exact address). match_list_namadr() matches either. All three
 *	return 1 (match) or 0 (no match, or "!pattern" matched, or a lookup
 *	error: see match_list_error()).
 *
 *	match_list_error() returns the DICT_ERR_* of the last match: after
 *	a result of 0 a non-zero value means "could not decide" (defer).
 *
 *	match_list_parent_flag() returns MATCH_FLAG_PARENT when the
 *	parameter name param is listed in parents (the value of
 *	parent_domain_matches_subdomains), MATCH_FLAG_NONE otherwise.
 * DIAGNOSTICS
 *	Lookup errors are logged with the table and key.
 *--*/

#include <ctype.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "argv.h"
#include "cidr_match.h"
#include "dict.h"
#include "match_list.h"
#include "msg.h"
#include "mymalloc.h"
#include "readlline.h"
#include "stringops.h"
#include "vstring.h"

#define MATCH_PAT_NAME  1 /* domain or host name */
#define MATCH_PAT_NET   2 /* address or network */
#define MATCH_PAT_TABLE 3 /* lookup table */

typedef struct {
    int kind;       /* MATCH_PAT_* */
    int negate;     /* "!pattern" */
    char *text;     /* the pattern as written (without '!'); owned */
    CIDR_MATCH net; /* MATCH_PAT_NET */
    DICT *dict;     /* MATCH_PAT_TABLE; owned */
} MATCH_PATTERN;

struct MATCH_LIST {
    char *title;             /* parameter name; owned */
    int flags;               /* MATCH_FLAG_* */
    int error;               /* DICT_ERR_* of the last match */
    MATCH_PATTERN *patterns; /* in order */
    size_t count;            /* patterns in use */
    size_t size;             /* patterns allocated */
};

#define MATCH_LIST_MAX_DEPTH 10 /* nested /file/name inclusions */

static int match_list_add_text(MATCH_LIST *, const char *, int, bool, VSTRING *);

/* match_list_add_file - add the patterns of a file */

static int match_list_add_file(MATCH_LIST *list, const char *path, int depth, bool negate,
                               VSTRING *why)
{
    FILE *fp;
    VSTRING *line;
    int lineno = 0, status = 0;

    if (depth >= MATCH_LIST_MAX_DEPTH) {
        vstring_sprintf(why, "%s: %s: file inclusion nested too deeply", list->title, path);
        return -1;
    }
    if ((fp = fopen(path, "r")) == NULL) {
        vstring_sprintf(why, "%s: open %s: %m", list->title, path);
        return -1;
    }
    line = vstring_alloc(100);
    while (status == 0 && readlline(line, fp, path, &lineno, NULL))
        status = match_list_add_text(list, vstring_str(line), depth + 1, negate, why);
    vstring_free(line);
    fclose(fp);
    return status;
}

/* match_list_is_net - does a pattern look like an address or network? */

static int match_list_is_net(const char *token)
{
    unsigned char addr[CIDR_MATCH_ADDR_MAX];
    char *copy = mystrndup(token, strcspn(token, "/"));
    int family, is_net;

    is_net = *token == '[' || cidr_match_text_to_addr(copy, addr, &family) != 0 ||
             (strchr(token, '/') != NULL && isdigit((unsigned char)*token));
    myfree(copy);
    return is_net;
}

/* match_list_add_one - add one pattern */

static int match_list_add_one(MATCH_LIST *list, const char *token, int depth, bool negate_all,
                              VSTRING *why)
{
    MATCH_PATTERN *pat;
    bool negate = *token == '!';

    if (negate)
        token++;
    if (*token == 0) {
        vstring_sprintf(why, "%s: empty pattern after '!'", list->title);
        return -1;
    }
    if (*token == '/') /* "!/file/name" excludes every pattern of the file */
        return match_list_add_file(list, token, depth, negate != negate_all, why);
    negate = negate != negate_all;
    if (list->count == list->size) {
        list->size = list->size ? 2 * list->size : 8;
        list->patterns = myrealloc(list->patterns, list->size * sizeof(*list->patterns));
    }
    pat = list->patterns + list->count;
    memset(pat, 0, sizeof(*pat));
    pat->negate = negate;
    pat->text = mystrdup(token);
    list->count++;
    if (*token != '[' && strchr(token, ':') != NULL) {
        pat->kind = MATCH_PAT_TABLE;
        pat->dict =
            dict_open(token, O_RDONLY, DICT_FLAG_LOCK | DICT_FLAG_FOLD_FIX | DICT_FLAG_DUP_WARN);
        if (!dict_open_ok(pat->dict)) {
            vstring_sprintf(why, "%s: %s", list->title, dict_reason(pat->dict));
            return -1;
        }
    } else if ((list->flags & MATCH_FLAG_STRING) == 0 && match_list_is_net(token)) {
        VSTRING *detail = vstring_alloc(100);

        pat->kind = MATCH_PAT_NET;
        if (cidr_match_parse(&pat->net, token, detail) < 0) {
            vstring_sprintf(why, "%s: %s", list->title, vstring_str(detail));
            vstring_free(detail);
            return -1;
        }
        vstring_free(detail);
    } else {
        pat->kind = MATCH_PAT_NAME;
    }
    return 0;
}

/* match_list_add_text - add every pattern of a text */

static int match_list_add_text(MATCH_LIST *list, const char *text, int depth, bool negate,
                               VSTRING *why)
{
    char *copy = mystrdup(text);
    char *cursor = copy, *token;
    int status = 0;

    while (status == 0 && (token = mystrtok_braced(&cursor, ", \t\r\n")) != NULL)
        status = match_list_add_one(list, token, depth, negate, why);
    myfree(copy);
    return status;
}

/* match_list_free - release a list */

MATCH_LIST *match_list_free(MATCH_LIST *list)
{
    for (size_t i = 0; i < list->count; i++) {
        myfree(list->patterns[i].text);
        if (list->patterns[i].dict)
            dict_close(list->patterns[i].dict);
    }
    myfree(list->patterns);
    myfree(list->title);
    myfree(list);
    return NULL;
}

/* match_list_parent_flag - does parent_domain_matches_subdomains name this list? */

int match_list_parent_flag(const char *param, const char *parents)
{
    ARGV *names = argv_split(parents ? parents : "", ", \t\r\n");
    int flags = MATCH_FLAG_NONE;

    for (size_t i = 0; i < names->argc; i++)
        if (strcmp(names->argv[i], param) == 0)
            flags = MATCH_FLAG_PARENT;
    argv_free(names);
    return flags;
}

/* match_list_create - parse a pattern list */

MATCH_LIST *match_list_create(const char *title, const char *patterns, int flags, VSTRING *why)
{
    MATCH_LIST *list = mycalloc(1, sizeof(*list));

    list->title = mystrdup(title);
    list->flags = flags;
    if (match_list_add_text(list, patterns, 0, false, why) < 0)
        return match_list_free(list);
    return list;
}

/* match_list_lookup - ask a table; 1 found, 0 not, -1 error */

static int match_list_lookup(MATCH_LIST *list, DICT *dict, const char *key)
{
    if (dict_get(dict, key) != NULL)
        return 1;
    if (dict->error) {
        list->error = dict->error;
        msg_warn("%s: %s:%s lookup error for \"%s\": %s", list->title, dict->type, dict->name, key,
                 dict_reason(dict));
        return -1;
    }
    return 0;
}

/* match_list_table_name - a name, then its parents, in a table */

static int match_list_table_name(MATCH_LIST *list, DICT *dict, const char *name)
{
    int status = match_list_lookup(list, dict, name);

    if (status != 0 || (dict->flags & DICT_FLAG_FIXED) == 0 || (list->flags & MATCH_FLAG_STRING))
        return status;
    for (const char *dot = strchr(name + 1, '.'); dot && dot[1]; dot = strchr(dot + 1, '.'))
        if ((status = match_list_lookup(list, dict,
                                        (list->flags & MATCH_FLAG_PARENT) ? dot + 1 : dot)) != 0)
            return status;
    return 0;
}

/* match_list_name - does a name pattern match? */

static int match_list_name(const MATCH_LIST *list, const char *pattern, const char *name)
{
    size_t nlen = strlen(name), plen = strlen(pattern);

    if (strcasecmp(name, pattern) == 0)
        return 1;
    if (list->flags & MATCH_FLAG_STRING)
        return 0;
    if (*pattern == '.')
        return nlen > plen && strcasecmp(name + nlen - plen, pattern) == 0;
    return (list->flags & MATCH_FLAG_PARENT) && nlen > plen + 1 && name[nlen - plen - 1] == '.' &&
           strcasecmp(name + nlen - plen, pattern) == 0;
}

/* match_list_run - the first deciding pattern; name and/or addr may be NULL */

static int match_list_run(MATCH_LIST *list, const char *name, const char *addr)
{
    list->error = DICT_ERR_NONE;
    for (size_t i = 0; i < list->count; i++) {
        MATCH_PATTERN *pat = list->patterns + i;
        int match = 0;

        if (pat->kind == MATCH_PAT_NAME && name)
            match = match_list_name(list, pat->text, name);
        else if (pat->kind == MATCH_PAT_NET && addr)
            match = cidr_match_addr(&pat->net, addr);
        else if (pat->kind == MATCH_PAT_TABLE) {
            if (name)
                match = match_list_table_name(list, pat->dict, name);
            if (match == 0 && addr)
                match = match_list_lookup(list, pat->dict, addr);
            if (match < 0)
                return 0;
        }
        if (match)
            return !pat->negate;
    }
    return 0;
}

/* match_list_domain - match a domain or host name */

int match_list_domain(MATCH_LIST *list, const char *domain)
{
    return match_list_run(list, domain, NULL);
}

/* match_list_addr - match an address */

int match_list_addr(MATCH_LIST *list, const char *addr)
{
    return match_list_run(list, NULL, addr);
}

/* match_list_namadr - match a name or an address */

int match_list_namadr(MATCH_LIST *list, const char *name, const char *addr)
{
    return match_list_run(list, name, addr);
}

/* match_list_error - DICT_ERR_* of the last match */

int match_list_error(const MATCH_LIST *list)
{
    return list->error;
}
