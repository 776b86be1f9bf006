/*++
 * NAME
 *	dict_unix - the system's user and group databases as tables
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	DICT	*dict_unix_open(const char *name, int open_flags,
 *			int dict_flags);
 * DESCRIPTION
 *	dict_unix_open() opens "unix:passwd.byname" (the key is a login
 *	name, the result the passwd(5) line of that user) or
 *	"unix:group.byname" (the key is a group name, the result the
 *	group(5) line). As with every fixed-key table, a map list
 *	(maps(3)) folds keys to lower case. The tables are read-only; any
 *	other name is a configuration error (a surrogate table).
 * DIAGNOSTICS
 *	A failing getpwnam() or getgrnam() (other than "no such entry") sets
 *	DICT_ERR_RETRY.
 * SEE ALSO
 *	dict(3), getpwnam(3), getgrnam(3)
 *--*/

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <string.h>

#include "dict.h"
#include "mymalloc.h"
#include "vstring.h"

typedef struct {
    DICT dict;      /* common part; must be first */
    bool passwd;    /* passwd.byname, else group.byname */
    VSTRING *value; /* the last result, owned */
} DICT_UNIX;

/* dict_unix_passwd - a passwd(5) line */

static const char *dict_unix_passwd(DICT_UNIX *du, const char *key)
{
    struct passwd *pw;

    errno = 0;
    if ((pw = getpwnam(key)) == NULL) {
        if (errno != 0 && errno != ENOENT && errno != ESRCH)
            dict_set_error(&du->dict, DICT_ERR_RETRY, "unix:passwd.byname: getpwnam(%s): %m", key);
        return NULL;
    }
    vstring_sprintf(du->value, "%s:%s:%ld:%ld:%s:%s:%s", pw->pw_name, pw->pw_passwd,
                    (long)pw->pw_uid, (long)pw->pw_gid, pw->pw_gecos, pw->pw_dir, pw->pw_shell);
    return vstring_str(du->value);
}

/* dict_unix_group - a group(5) line */

static const char *dict_unix_group(DICT_UNIX *du, const char *key)
{
    struct group *gr;

    errno = 0;
    if ((gr = getgrnam(key)) == NULL) {
        if (errno != 0 && errno != ENOENT && errno != ESRCH)
            dict_set_error(&du->dict, DICT_ERR_RETRY, "unix:group.byname: getgrnam(%s): %m", key);
        return NULL;
    }
    vstring_sprintf(du->value, "%s:%s:%ld:", gr->gr_name, gr->gr_passwd, (long)gr->gr_gid);
    for (char **member = gr->gr_mem; *member; member++)
        vstring_sprintf_append(du->value, "%s%s", member == gr->gr_mem ? "" : ",", *member);
    return vstring_str(du->value);
}

/* dict_unix_lookup - one name */

static const char *dict_unix_lookup(DICT *dict, const char *key)
{
    DICT_UNIX *du = (DICT_UNIX *)dict;

    return du->passwd ? dict_unix_passwd(du, key) : dict_unix_group(du, key);
}

/* dict_unix_close - release the table */

static void dict_unix_close(DICT *dict)
{
    vstring_free(((DICT_UNIX *)dict)->value);
    dict_free(dict);
}

/* dict_unix_open - open unix:passwd.byname or unix:group.byname */

DICT *dict_unix_open(const char *name, int open_flags, int dict_flags)
{
    DICT_UNIX *du;
    bool passwd = strcmp(name, "passwd.byname") == 0;

    if (!passwd && strcmp(name, "group.byname") != 0)
        return dict_surrogate(DICT_TYPE_UNIX, name, open_flags, dict_flags, DICT_ERR_CONFIG,
                              "unknown table: %s:%s", DICT_TYPE_UNIX, name);
    du = (DICT_UNIX *)dict_alloc(DICT_TYPE_UNIX, name, sizeof(*du), open_flags,
                                 dict_flags | DICT_FLAG_FIXED);
    du->passwd = passwd;
    du->value = vstring_alloc(100);
    du->dict.lookup = dict_unix_lookup;
    du->dict.close = dict_unix_close;
    return &du->dict;
}
