/*++
 * NAME
 *	postscreen_access - postscreen_access_list
 * SYNOPSIS
 *	#include "postscreen.h"
 *
 *	struct PSC_ACCESS *psc_access_create(const char *list,
 *				const char *mynetworks);
 *	int	psc_access_check(struct PSC_ACCESS *access, const char *addr);
 * DESCRIPTION
 *	psc_access_create() reads the permanent allow and deny list: a list
 *	of permit_mynetworks (the client matches mynetworks: permit) and
 *	lookup tables ("cidr:/etc/postfix/postscreen_access.cidr") that map
 *	the client address to permit, reject or dunno. Anything else in the
 *	list is fatal.
 *
 *	psc_access_check() evaluates the list from left to right for a
 *	client address and returns PSC_ACCESS_PERMIT, PSC_ACCESS_REJECT, or
 *	PSC_ACCESS_DUNNO when no element decides. A table lookup error or
 *	an unknown table result is logged and counts as dunno for that
 *	element.
 * DIAGNOSTICS
 *	Fatal: a malformed list. Warnings: lookup errors, unknown results.
 *--*/

/* System library. */
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "mail_params.h"
#include "maps.h"
#include "match_list.h"

/* Application-specific. */
#include "postscreen.h"

#define PSC_ACCESS_MYNETWORKS "permit_mynetworks"

typedef struct PSC_ACCESS_ITEM {
    MATCH_LIST *mynetworks; /* permit_mynetworks, or NULL; owned */
    MAPS *table;            /* a table, or NULL; owned */
} PSC_ACCESS_ITEM;

struct PSC_ACCESS {
    PSC_ACCESS_ITEM *items; /* the list, in order; owned */
    size_t count;           /* items */
};

/* psc_access_create - parse postscreen_access_list */

struct PSC_ACCESS *psc_access_create(const char *list, const char *mynetworks)
{
    struct PSC_ACCESS *access = mycalloc(1, sizeof(*access));
    char *copy = mystrdup(list);
    char *cp = copy;
    char *item;
    VSTRING *why = vstring_alloc(100);

    access->items = mycalloc(strlen(list) / 2 + 1, sizeof(PSC_ACCESS_ITEM));
    while ((item = mystrtok(&cp, ", \t\r\n")) != NULL) {
        PSC_ACCESS_ITEM *it = access->items + access->count++;

        if (strcasecmp(item, PSC_ACCESS_MYNETWORKS) == 0) {
            if ((it->mynetworks =
                     match_list_create(VAR_MYNETWORKS, mynetworks, MATCH_FLAG_NONE, why)) == NULL)
                msg_fatal("%s: %s", VAR_MYNETWORKS, vstring_str(why));
        } else if (strchr(item, ':') != NULL) {
            it->table = maps_create(VAR_POSTSCREEN_ACCESS_LIST, item, DICT_FLAG_LOCK);
        } else {
            msg_fatal("%s: unknown element \"%s\": specify permit_mynetworks or type:table",
                      VAR_POSTSCREEN_ACCESS_LIST, item);
        }
    }
    myfree(copy);
    vstring_free(why);
    return access;
}

/* psc_access_item - one element's verdict */

static int psc_access_item(PSC_ACCESS_ITEM *it, const char *addr)
{
    const char *value;

    if (it->mynetworks) {
        if (match_list_addr(it->mynetworks, addr))
            return PSC_ACCESS_PERMIT;
        if (match_list_error(it->mynetworks))
            msg_warn("%s: %s lookup error for %s", VAR_POSTSCREEN_ACCESS_LIST,
                     PSC_ACCESS_MYNETWORKS, addr);
        return PSC_ACCESS_DUNNO;
    }
    if ((value = maps_find(it->table, addr, 0)) == NULL) {
        if (it->table->error)
            msg_warn("%s: lookup of %s failed: %s", VAR_POSTSCREEN_ACCESS_LIST, addr,
                     maps_reason(it->table));
        return PSC_ACCESS_DUNNO;
    }
    if (strcasecmp(value, "permit") == 0)
        return PSC_ACCESS_PERMIT;
    if (strcasecmp(value, "reject") == 0)
        return PSC_ACCESS_REJECT;
    if (strcasecmp(value, "dunno") != 0)
        msg_warn("%s: %s: unknown result \"%s\" for %s: specify permit, reject or dunno",
                 VAR_POSTSCREEN_ACCESS_LIST, it->table->names->argv[0], value, addr);
    return PSC_ACCESS_DUNNO;
}

/* psc_access_check - the list's verdict for a client */

int psc_access_check(struct PSC_ACCESS *access, const char *addr)
{
    int verdict;

    for (size_t i = 0; i < access->count; i++)
        if ((verdict = psc_access_item(access->items + i, addr)) != PSC_ACCESS_DUNNO)
            return verdict;
    return PSC_ACCESS_DUNNO;
}
