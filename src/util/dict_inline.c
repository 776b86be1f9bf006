/*++
 * NAME
 *	dict_inline - inline tables: entries written in the table name
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	DICT	*dict_inline_open(const char *name, int open_flags, int dict_flags);
 * DESCRIPTION
 *	dict_inline_open() opens "inline:{ key = value, ... }": the name
 *	holds the entries, separated by commas or white space. An entry
 *	whose value contains commas or white space is itself enclosed in
 *	braces: "{ key = value with spaces }". The result is a read-only
 *	in-memory table with lookup and sequence.
 * DIAGNOSTICS
 *	A missing outer brace, an entry without "=", an empty key, or an
 *	open with write access gives a surrogate table (DICT_ERR_CONFIG)
 *	whose reason quotes the offending text. Duplicate keys follow the
 *	DICT_FLAG_DUP_* flags.
 *--*/

#include <fcntl.h>
#include <string.h>

#include "dict.h"
#include "dict_file.h"
#include "dict_mem.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* dict_inline_entry - add one "key = value" entry; NULL or what is wrong */

static const char *dict_inline_entry(DICT *dict, char *token, VSTRING *b64, VSTRING *why)
{
    char *key, *value;
    const char *err;

    if (*token == '{' && (err = strip_braces(&token)) != NULL)
        return err;
    if ((err = split_nameval(token, &key, &value)) != NULL)
        return err;
    if (dict->flags & DICT_FLAG_SRC_RHS_IS_FILE) {
        if (dict_file_to_b64(b64, value, why) < 0)
            return vstring_str(why);
        value = vstring_str(b64);
    }
    dict_mem_add(dict, key, value, 0);
    return NULL;
}

/* dict_inline_parse - add every entry; 0, or -1 with the reason in why */

static int dict_inline_parse(DICT *dict, const char *name, VSTRING *why)
{
    char *copy = mystrdup(name);
    char *body = copy, *cursor, *token = NULL;
    VSTRING *b64 = vstring_alloc(100);
    VSTRING *detail = vstring_alloc(100);
    const char *err;

    if ((err = strip_braces(&body)) == NULL) {
        cursor = body;
        while ((token = mystrtok_braced(&cursor, ", \t\r\n")) != NULL) {
            if ((err = dict_inline_entry(dict, token, b64, detail)) != NULL)
                break;
        }
        if (err == NULL && *cursor) {
            token = cursor;
            err = "unbalanced '{'";
        }
    }
    if (err)
        vstring_sprintf(why, "%s:%s: syntax error at \"%s\": %s", DICT_TYPE_INLINE, name,
                        token ? token : name, err);
    vstring_free(b64);
    vstring_free(detail);
    myfree(copy);
    return err ? -1 : 0;
}

/* dict_inline_open - load an inline table */

DICT *dict_inline_open(const char *name, int open_flags, int dict_flags)
{
    DICT *dict;
    VSTRING *text;

    if ((open_flags & O_ACCMODE) != O_RDONLY)
        return dict_surrogate(DICT_TYPE_INLINE, name, open_flags, dict_flags, DICT_ERR_CONFIG,
                              "%s:%s map requires O_RDONLY access mode", DICT_TYPE_INLINE, name);
    if (*name != '{')
        return dict_surrogate(DICT_TYPE_INLINE, name, open_flags, dict_flags, DICT_ERR_CONFIG,
                              "%s:%s: need \"%s:{name=value...}\"", DICT_TYPE_INLINE, name,
                              DICT_TYPE_INLINE);
    dict = dict_mem_create(DICT_TYPE_INLINE, name, open_flags, dict_flags);
    text = vstring_alloc(100);
    if (dict_inline_parse(dict, name, text) < 0) {
        DICT *sur = dict_surrogate(DICT_TYPE_INLINE, name, open_flags, dict_flags, DICT_ERR_CONFIG,
                                   "%s", vstring_str(text));

        vstring_free(text);
        dict_close(dict);
        return sur;
    }
    vstring_sprintf(text, "%s:%s", DICT_TYPE_INLINE, name);
    dict = dict_mem_finish(dict, vstring_str(text));
    vstring_free(text);
    return dict;
}
