/*++
 * NAME
 *	dict_cidr - CIDR tables: results by IPv4 or IPv6 network
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	DICT	*dict_cidr_open(const char *path, int open_flags, int dict_flags);
 * DESCRIPTION
 *	dict_cidr_open() loads a cidr_table(5) file. Each logical line is
 *	one of:
 *
 *	    network/length result	result for addresses in the network
 *	    address result		result for that address
 *	    !network/length result	result for addresses outside it
 *	    if network/length		rules up to the matching "endif"
 *	    if !network/length		apply only inside (outside) it
 *	    endif
 *
 *	Addresses may be written in "[]". Rules are tried in file order,
 *	and the first match wins. A lookup key that is not an address is
 *	simply not found. The table has lookup only and carries
 *	DICT_FLAG_PATTERN.
 * DIAGNOSTICS
 *	Any syntax error makes the whole table fail with DICT_ERR_CONFIG,
 *	whose reason reads "cidr map PATH, line N: ...", for example
 *	"non-null host address bits in "192.0.2.1/24", perhaps you should
 *	use "192.0.2.0/24" instead". A missing file fails the same way.
 *--*/

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cidr_match.h"
#include "dict.h"
#include "msg.h"
#include "mymalloc.h"
#include "readlline.h"
#include "vstring.h"

#define RULE_MATCH 1
#define RULE_IF    2
#define RULE_ENDIF 3

typedef struct {
    int op;         /* RULE_* */
    int lineno;     /* where it was written */
    int negate;     /* applies to addresses outside the network */
    CIDR_MATCH net; /* the network (not RULE_ENDIF) */
    char *result;   /* owned (RULE_MATCH) */
    size_t endif;   /* RULE_IF: index of the matching endif */
} DICT_CIDR_RULE;

typedef struct {
    DICT dict;             /* common part; must be first */
    DICT_CIDR_RULE *rules; /* in file order */
    size_t count;          /* rules in use */
    size_t size;           /* rules allocated */
} DICT_CIDR;

/* dict_cidr_add_rule - append a rule */

static DICT_CIDR_RULE *dict_cidr_add_rule(DICT_CIDR *dc, int op, int lineno)
{
    DICT_CIDR_RULE *rule;

    if (dc->count == dc->size) {
        dc->size = dc->size ? 2 * dc->size : 16;
        dc->rules = myrealloc(dc->rules, dc->size * sizeof(*dc->rules));
    }
    rule = dc->rules + dc->count++;
    memset(rule, 0, sizeof(*rule));
    rule->op = op;
    rule->lineno = lineno;
    return rule;
}

/* dict_cidr_parse_rule - "[!]net[/len] result" or the part after "if" */

static int dict_cidr_parse_rule(DICT_CIDR *dc, char *cp, int op, int lineno, VSTRING *why)
{
    DICT_CIDR_RULE *rule = dict_cidr_add_rule(dc, op, lineno);
    char *pattern, *result;

    if (*cp == '!') {
        rule->negate = 1;
        cp++;
    }
    pattern = cp;
    cp += strcspn(cp, " \t\r\n");
    if (*cp)
        *cp++ = 0;
    result = cp + strspn(cp, " \t\r\n");
    if (cidr_match_parse(&rule->net, pattern, why) < 0)
        return -1;
    if (op == RULE_IF) {
        if (*result) {
            vstring_sprintf(why, "extra text after IF pattern: \"%.30s\"", result);
            return -1;
        }
        return 0;
    }
    if (*result == 0) {
        vstring_sprintf(why, "no lookup result");
        return -1;
    }
    rule->result = mystrdup(result);
    return 0;
}

/* dict_cidr_is_keyword - does line start with word and a separator? */

static int dict_cidr_is_keyword(const char *line, const char *word)
{
    size_t len = strlen(word);

    return strncasecmp(line, word, len) == 0 &&
           (line[len] == 0 || isspace((unsigned char)line[len]));
}

/* dict_cidr_parse_line - one logical line; 0, or -1 with why set */

static int dict_cidr_parse_line(DICT_CIDR *dc, char *line, int lineno, size_t *if_stack,
                                size_t *if_depth, VSTRING *why)
{
    if (dict_cidr_is_keyword(line, "endif")) {
        if (line[5 + strspn(line + 5, " \t\r\n")]) {
            vstring_sprintf(why, "extra text after ENDIF");
            return -1;
        }
        if (*if_depth == 0) {
            vstring_sprintf(why, "ignoring ENDIF without matching IF");
            return -1;
        }
        dc->rules[if_stack[--*if_depth]].endif = dc->count;
        dict_cidr_add_rule(dc, RULE_ENDIF, lineno);
        return 0;
    }
    if (dict_cidr_is_keyword(line, "if")) {
        if (*if_depth >= 100) {
            vstring_sprintf(why, "IF nesting too deep");
            return -1;
        }
        if_stack[(*if_depth)++] = dc->count;
        return dict_cidr_parse_rule(dc, line + 2 + strspn(line + 2, " \t\r\n"), RULE_IF, lineno,
                                    why);
    }
    return dict_cidr_parse_rule(dc, line, RULE_MATCH, lineno, why);
}

/* dict_cidr_load - read all rules; 0, or -1 with why set */

static int dict_cidr_load(DICT_CIDR *dc, FILE *fp, const char *path, VSTRING *why)
{
    VSTRING *line = vstring_alloc(100);
    VSTRING *detail = vstring_alloc(100);
    size_t if_stack[100], if_depth = 0;
    int lineno = 0, first_line = 0, status = 0;

    while (status == 0 && readlline(line, fp, path, &lineno, &first_line)) {
        if ((status = dict_cidr_parse_line(dc, vstring_str(line), first_line, if_stack, &if_depth,
                                           detail)) < 0)
            vstring_sprintf(why, "cidr map %s, line %d: %s", path, first_line, vstring_str(detail));
    }
    if (status == 0 && if_depth > 0) {
        vstring_sprintf(why, "cidr map %s, line %d: IF has no matching ENDIF", path,
                        dc->rules[if_stack[if_depth - 1]].lineno);
        status = -1;
    }
    vstring_free(line);
    vstring_free(detail);
    return status;
}

/* dict_cidr_lookup - first rule that applies to the address */

static const char *dict_cidr_lookup(DICT *dict, const char *key)
{
    DICT_CIDR *dc = (DICT_CIDR *)dict;
    unsigned char unused_addr[CIDR_MATCH_ADDR_MAX];
    int unused_family;

    if (cidr_match_text_to_addr(key, unused_addr, &unused_family) == 0)
        return NULL;
    for (size_t i = 0; i < dc->count; i++) {
        const DICT_CIDR_RULE *rule = dc->rules + i;
        int inside;

        if (rule->op == RULE_ENDIF)
            continue;
        inside = cidr_match_addr(&rule->net, key);
        if (rule->negate)
            inside = !inside;
        if (rule->op == RULE_IF) {
            if (!inside)
                i = rule->endif;
            continue;
        }
        if (inside)
            return rule->result;
    }
    return NULL;
}

/* dict_cidr_close - release the rules */

static void dict_cidr_close(DICT *dict)
{
    DICT_CIDR *dc = (DICT_CIDR *)dict;

    for (size_t i = 0; i < dc->count; i++)
        myfree(dc->rules[i].result);
    myfree(dc->rules);
    dict_free(dict);
}

/* dict_cidr_open - load a CIDR table */

DICT *dict_cidr_open(const char *path, int open_flags, int dict_flags)
{
    DICT_CIDR *dc;
    VSTRING *why;
    FILE *fp;

    if ((open_flags & O_ACCMODE) != O_RDONLY)
        return dict_surrogate(DICT_TYPE_CIDR, path, open_flags, dict_flags, DICT_ERR_CONFIG,
                              "%s:%s map requires O_RDONLY access mode", DICT_TYPE_CIDR, path);
    if ((fp = fopen(path, "r")) == NULL)
        return dict_surrogate(DICT_TYPE_CIDR, path, open_flags, dict_flags, DICT_ERR_CONFIG,
                              "open %s: %m", path);
    dc = (DICT_CIDR *)dict_alloc(DICT_TYPE_CIDR, path, sizeof(*dc), open_flags,
                                 dict_flags | DICT_FLAG_PATTERN);
    dc->dict.lookup = dict_cidr_lookup;
    dc->dict.close = dict_cidr_close;
    why = vstring_alloc(100);
    if (dict_cidr_load(dc, fp, path, why) < 0) {
        DICT *sur = dict_surrogate(DICT_TYPE_CIDR, path, open_flags, dict_flags, DICT_ERR_CONFIG,
                                   "%s", vstring_str(why));

        fclose(fp);
        vstring_free(why);
        dict_cidr_close(&dc->dict);
        return sur;
    }
    dict_watch(&dc->dict, path, fileno(fp));
    fclose(fp);
    vstring_free(why);
    return &dc->dict;
}
