/*
 * alias_parse.h - the syntax of aliases(5)
 *
 *	name: value, value, ...
 *
 * where each value is an address, "|command", /file/name or
 * :include:/file/name; values that contain commas or blanks are written
 * in double quotes. Lines that start with white space continue the
 * previous one (readlline(3) joins them).
 */
#ifndef ALIAS_PARSE_H
#define ALIAS_PARSE_H

#include <stddef.h>

#include "vstring.h"

#define ALIAS_ITEM_ADDRESS 1 /* deliver to this address */
#define ALIAS_ITEM_COMMAND 2 /* pipe to this command (without the "|") */
#define ALIAS_ITEM_FILE    3 /* append to this file */
#define ALIAS_ITEM_INCLUDE 4 /* read more values from this file */

typedef struct ALIAS_ITEM {
    int type;    /* ALIAS_ITEM_* */
    char *value; /* owned */
} ALIAS_ITEM;

typedef struct ALIAS_LIST {
    ALIAS_ITEM *items; /* owned */
    size_t count;      /* entries in items */
} ALIAS_LIST;

extern int alias_parse_line(char *line, char **out_name, char **out_value, VSTRING *why);
extern ALIAS_LIST *alias_parse_value(const char *value, VSTRING *why);
extern ALIAS_LIST *alias_list_free(ALIAS_LIST *list);

#endif
