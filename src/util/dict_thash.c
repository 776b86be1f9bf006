/*++
 * NAME
 *	dict_thash - texthash tables: a postmap(1) source file read into memory
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	DICT	*dict_thash_open(const char *path, int open_flags, int dict_flags);
 * DESCRIPTION
 *	dict_thash_open() reads the file path, in postmap(1) input format
 *	("key whitespace value" logical lines, comments, continuation
 *	lines), into a read-only in-memory table with lookup and sequence.
 *	No .db file is needed: the table is what the file says when it is
 *	opened. With DICT_FLAG_SRC_RHS_IS_FILE each value names files whose
 *	content becomes the value (see postmap -F).
 * DIAGNOSTICS
 *	A missing file, or an open with write access, gives a surrogate
 *	table (DICT_ERR_CONFIG) whose reason names the file. A malformed
 *	line is skipped with a warning "path, line N: ...". Duplicate keys
 *	follow the DICT_FLAG_DUP_* flags (see dict_mem(3)).
 *--*/

#include <fcntl.h>
#include <stdio.h>

#include "dict.h"
#include "dict_file.h"
#include "dict_mem.h"
#include "msg.h"
#include "readlline.h"
#include "vstring.h"

/* dict_thash_load - read the entries of an open file */

static void dict_thash_load(DICT *dict, FILE *fp, const char *path)
{
    VSTRING *line = vstring_alloc(100);
    VSTRING *b64 = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    int lineno = 0, first_line = 0;
    char *key, *value;
    const char *err;

    while (readlline(line, fp, path, &lineno, &first_line)) {
        if ((err = dict_entry_split(vstring_str(line), &key, &value)) != NULL) {
            msg_warn("%s, line %d: %s: skipping this entry", path, first_line, err);
            continue;
        }
        if (dict->flags & DICT_FLAG_SRC_RHS_IS_FILE) {
            if (dict_file_to_b64(b64, value, why) < 0) {
                msg_warn("%s, line %d: %s: skipping this entry", path, first_line,
                         vstring_str(why));
                continue;
            }
            value = vstring_str(b64);
        }
        dict_mem_add(dict, key, value, first_line);
    }
    vstring_free(line);
    vstring_free(b64);
    vstring_free(why);
}

/* dict_thash_open - load a texthash table */

DICT *dict_thash_open(const char *path, int open_flags, int dict_flags)
{
    DICT *dict;
    FILE *fp;

    if ((open_flags & O_ACCMODE) != O_RDONLY)
        return dict_surrogate(DICT_TYPE_TEXTHASH, path, open_flags, dict_flags, DICT_ERR_CONFIG,
                              "%s:%s map requires O_RDONLY access mode", DICT_TYPE_TEXTHASH, path);
    if ((fp = fopen(path, "r")) == NULL)
        return dict_surrogate(DICT_TYPE_TEXTHASH, path, open_flags, dict_flags, DICT_ERR_CONFIG,
                              "open %s: %m", path);
    dict = dict_mem_create(DICT_TYPE_TEXTHASH, path, open_flags, dict_flags);
    dict_thash_load(dict, fp, path);
    dict_watch(dict, path, fileno(fp));
    fclose(fp);
    return dict_mem_finish(dict, path);
}
