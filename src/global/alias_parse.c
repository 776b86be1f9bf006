/*++
 * NAME
 *	alias_parse - the syntax of aliases(5)
 * SYNOPSIS
 *	#include <alias_parse.h>
 *
 *	int	alias_parse_line(char *line, char **out_name,
 *				char **out_value, VSTRING *why);
 *	ALIAS_LIST *alias_parse_value(const char *value, VSTRING *why);
 *	ALIAS_LIST *alias_list_free(ALIAS_LIST *list);
 * DESCRIPTION
 *	alias_parse_line() splits a logical line "name: value" in place:
 *	*out_name is the name without its colon (lower-cased, quotes
 *	removed), *out_value the rest without surrounding blanks. It returns
 *	0, or -1 with a reason (no colon, empty name, empty value).
 *
 *	alias_parse_value() splits a value at commas that are not inside
 *	double quotes, trims blanks, removes the quotes and classifies each
 *	item: "|command", "/file", ":include:/file", or an address (angle
 *	brackets removed). It returns the list, or NULL with a reason when
 *	the value holds no item, an empty item or an unterminated quote.
 *	alias_list_free() frees a list and returns NULL.
 *--*/

/* System library. */
#include <ctype.h>
#include <string.h>

/* Utility library. */
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* Global library. */
#include "alias_parse.h"

#define ALIAS_INCLUDE_PREFIX ":include:"

/* alias_unquote - remove double quotes and backslash escapes */

static char *alias_unquote(const char *text, size_t len)
{
    VSTRING *buf = vstring_alloc(len + 1);

    for (size_t i = 0; i < len; i++) {
        if (text[i] == '"')
            continue;
        if (text[i] == '\\' && i + 1 < len)
            i++;
        vstring_addch(buf, text[i]);
    }
    return vstring_export(buf);
}

/* alias_parse_line - "name: value" */

int alias_parse_line(char *line, char **out_name, char **out_value, VSTRING *why)
{
    char *colon = strchr(line, ':');
    char *name, *value;

    if (colon == NULL) {
        vstring_sprintf(why, "missing colon after the alias name");
        return -1;
    }
    *colon = 0;
    name = trim_blanks(line);
    value = trim_blanks(colon + 1);
    if (*name == '"' && name[strlen(name) - 1] == '"' && strlen(name) >= 2) {
        name[strlen(name) - 1] = 0;
        name++;
    }
    if (*name == 0) {
        vstring_sprintf(why, "empty alias name");
        return -1;
    }
    if (*value == 0) {
        vstring_sprintf(why, "alias \"%s\" has no value", name);
        return -1;
    }
    *out_name = lowercase(name);
    *out_value = value;
    return 0;
}

/* alias_list_add - classify and append one item */

static void alias_list_add(ALIAS_LIST *list, char *item)
{
    ALIAS_ITEM *ip;
    size_t len = strlen(item);

    list->items = myrealloc(list->items, (list->count + 1) * sizeof(*ip));
    ip = list->items + list->count++;
    if (*item == '|') {
        ip->type = ALIAS_ITEM_COMMAND;
        ip->value = mystrdup(trim_blanks(item + 1));
    } else if (*item == '/') {
        ip->type = ALIAS_ITEM_FILE;
        ip->value = mystrdup(item);
    } else if (strncasecmp(item, ALIAS_INCLUDE_PREFIX, strlen(ALIAS_INCLUDE_PREFIX)) == 0) {
        ip->type = ALIAS_ITEM_INCLUDE;
        ip->value = mystrdup(trim_blanks(item + strlen(ALIAS_INCLUDE_PREFIX)));
    } else if (*item == '<' && len >= 2 && item[len - 1] == '>') {
        ip->type = ALIAS_ITEM_ADDRESS;
        ip->value = mystrndup(item + 1, len - 2);
    } else {
        ip->type = ALIAS_ITEM_ADDRESS;
        ip->value = mystrdup(item);
    }
    myfree(item);
}

/* alias_parse_value - the list of destinations */

ALIAS_LIST *alias_parse_value(const char *value, VSTRING *why)
{
    ALIAS_LIST *list = mycalloc(1, sizeof(*list));
    const char *start = value;
    int quoted = 0;

    for (const char *cp = value;; cp++) {
        if (*cp == '\\' && cp[1]) {
            cp++;
            continue;
        }
        if (*cp == '"')
            quoted = !quoted;
        if (*cp == 0 && quoted) {
            vstring_sprintf(why, "unterminated quote in \"%.100s\"", value);
            return alias_list_free(list);
        }
        if (*cp == 0 || (*cp == ',' && !quoted)) {
            char *item = alias_unquote(start, (size_t)(cp - start));
            char *trimmed = trim_blanks(item);

            if (*trimmed == 0) {
                myfree(item);
                vstring_sprintf(why, "empty item in \"%.100s\"", value);
                return alias_list_free(list);
            }
            memmove(item, trimmed, strlen(trimmed) + 1);
            alias_list_add(list, item);
            if (*cp == 0)
                break;
            start = cp + 1;
        }
    }
    return list;
}

/* alias_list_free - release a list */

ALIAS_LIST *alias_list_free(ALIAS_LIST *list)
{
    for (size_t i = 0; i < list->count; i++)
        myfree(list->items[i].value);
    myfree(list->items);
    myfree(list);
    return NULL;
}
