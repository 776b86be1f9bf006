/*++
 * NAME
 *	param_table - index of the parameter table
 * SYNOPSIS
 *	#include <param_table.h>
 *
 *	const PARAM_INFO *param_table_find(const char *name);
 *	const PARAM_INFO *const *param_table_sorted(size_t *out_count);
 *	const char *param_type_name(PARAM_TYPE type);
 * DESCRIPTION
 *	param_table_find() returns the table entry of the named parameter,
 *	or NULL when the table does not list it. Per-transport names are
 *	not listed; see param_service_match().
 *
 *	param_table_sorted() returns every entry sorted by name and stores
 *	their number in *out_count. The array is built on first use and
 *	lives as long as the process; it is never modified afterwards.
 *
 *	param_type_name() returns "string", "list", "integer", "boolean",
 *	"time" or "size".
 * DIAGNOSTICS
 *	Panic: a name listed twice in the table.
 * SEE ALSO
 *	param_table_core(3) and the other parts of the table
 *--*/

/* System library. */
#include <stdlib.h>
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"

/* Global library. */
#include "param_table.h"

/* The parts of the table, in no particular order. */
static const PARAM_INFO *const param_table_parts[] = {
    param_table_core, param_table_queue, param_table_smtpd, param_table_smtp, param_table_tls,
};

/* The sorted index: immutable once built, so one copy serves the process. */
static const PARAM_INFO **param_index;
static size_t param_index_count;

/* param_compare - order entries by name */

static int param_compare(const void *a, const void *b)
{
    const PARAM_INFO *const *pa = a;
    const PARAM_INFO *const *pb = b;

    return strcmp((*pa)->name, (*pb)->name);
}

/* param_index_build - collect and sort every part of the table */

static void param_index_build(void)
{
    size_t parts = sizeof(param_table_parts) / sizeof(param_table_parts[0]);
    size_t count = 0;
    size_t n = 0;

    for (size_t i = 0; i < parts; i++)
        for (const PARAM_INFO *p = param_table_parts[i]; p->name; p++)
            count++;
    param_index = mymalloc(count * sizeof(*param_index));
    for (size_t i = 0; i < parts; i++)
        for (const PARAM_INFO *p = param_table_parts[i]; p->name; p++)
            param_index[n++] = p;
    qsort(param_index, count, sizeof(*param_index), param_compare);
    for (size_t i = 1; i < count; i++)
        if (strcmp(param_index[i - 1]->name, param_index[i]->name) == 0)
            msg_panic("%s: parameter %s is listed twice", __func__, param_index[i]->name);
    param_index_count = count;
}

/* param_table_sorted - every entry, sorted by name */

const PARAM_INFO *const *param_table_sorted(size_t *out_count)
{
    if (param_index == NULL)
        param_index_build();
    *out_count = param_index_count;
    return param_index;
}

/* param_table_find - look up one parameter */

const PARAM_INFO *param_table_find(const char *name)
{
    size_t lo = 0;
    size_t hi;

    if (param_index == NULL)
        param_index_build();
    hi = param_index_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(name, param_index[mid]->name);

        if (cmp == 0)
            return param_index[mid];
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* param_type_name - printable type name */

const char *param_type_name(PARAM_TYPE type)
{
    switch (type) {
    case PARAM_TYPE_STR:
        return "string";
    case PARAM_TYPE_LIST:
        return "list";
    case PARAM_TYPE_INT:
        return "integer";
    case PARAM_TYPE_BOOL:
        return "boolean";
    case PARAM_TYPE_TIME:
        return "time";
    case PARAM_TYPE_SIZE:
        return "size";
    }
    return "unknown";
}
