/*++
 * NAME
 *	config_get - typed parameter values
 * SYNOPSIS
 *	#include <config.h>
 *
 *	const char *config_get_str(CONFIG *config, const char *name);
 *	int	config_get_int(CONFIG *config, const char *name);
 *	bool	config_get_bool(CONFIG *config, const char *name);
 *	int	config_get_time(CONFIG *config, const char *name);
 *	long	config_get_size(CONFIG *config, const char *name);
 *	ARGV	*config_get_list(CONFIG *config, const char *name);
 *	const char *config_lookup(CONFIG *config, const char *name);
 *	void	config_bind(CONFIG *config, const CONFIG_BIND *table);
 *
 *	#include "config_private.h"
 *
 *	int	config_check_value(CONFIG *config, const char *name, VSTRING *why);
 * DESCRIPTION
 *	The getters return the expanded value of a parameter that the
 *	table lists (or a per-transport name), converted to its type.
 *
 *	config_get_str() works for every type and returns the expanded text,
 *	owned by the CONFIG and valid until config_free().
 *	config_get_int() reads an integer parameter, config_get_bool() a
 *	boolean, config_get_time() a time in seconds (a bare number is in
 *	the parameter's own unit, usually seconds) and config_get_size() a
 *	byte count. config_get_list() splits a string or list parameter at
 *	white space and commas, keeping each {...} group (braces included)
 *	as one element; the caller frees the ARGV.
 *
 *	config_lookup() returns the expanded value of any name, including
 *	user-defined ones, or NULL when the name is defined nowhere.
 *
 *	config_bind() fills the variables of a CONFIG_BIND table, as the
 *	getters would, until the entry whose name is NULL. Per-transport
 *	and definitions entries are filled by config_family(3).
 *
 *	config_check_value() checks that the value of a parameter expands,
 *	fits its type, its bounds and the table's extra check. It returns
 *	0, or -1 with a full sentence in why that names where the value was
 *	set, the value and the parameter.
 * DIAGNOSTICS
 *	Panic: a name the table does not know, or a getter that does not
 *	match the parameter's type. Fatal: a value that does not expand,
 *	does not fit the type or is out of bounds, for example
 *	"/etc/postfix/main.cf, line 12: bad value "5x" for parameter
 *	smtpd_timeout: expected a number with optional unit s, m, h, d or w".
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "config_private.h"

/* Converted value of one parameter. */
typedef struct CONFIG_VALUE {
    const char *text; /* expanded text, owned by the CONFIG */
    long number;      /* int, time (seconds) or size */
    bool flag;        /* bool */
} CONFIG_VALUE;

/* config_info - table entry of a name, or panic */

static const PARAM_INFO *config_info(const char *name, const char *caller)
{
    const PARAM_INFO *info = config_param_info(name);

    if (info == NULL)
        msg_panic("%s: unknown parameter name \"%s\"", caller, name);
    return info;
}

/* config_bounds - is a number within the bounds of the table */

static const char *config_bounds(const PARAM_INFO *info, long number, VSTRING *buf)
{
    const char *unit = info->type == PARAM_TYPE_TIME ? "s" : "";

    if (number < info->min)
        vstring_sprintf(buf, "must be at least %ld%s", info->min, unit);
    else if (info->max != 0 && number > info->max)
        vstring_sprintf(buf, "must be at most %ld%s", info->max, unit);
    else
        return NULL;
    return vstring_str(buf);
}

/* config_problem - what is wrong with an expanded value, or NULL */

static const char *config_problem(const PARAM_INFO *info, const char *text, CONFIG_VALUE *out,
                                  VSTRING *buf)
{
    const char *problem = NULL;

    switch (info->type) {
    case PARAM_TYPE_INT:
        problem = config_parse_int(text, &out->number);
        break;
    case PARAM_TYPE_TIME:
        problem = config_parse_time(text, info->unit, &out->number);
        break;
    case PARAM_TYPE_SIZE:
        problem = config_parse_size(text, &out->number);
        break;
    case PARAM_TYPE_BOOL:
        return config_parse_bool(text, &out->flag);
    case PARAM_TYPE_LIST:
    case PARAM_TYPE_STR:
        return info->check ? info->check(text) : NULL;
    }
    if (problem == NULL)
        problem = config_bounds(info, out->number, buf);
    if (problem == NULL && info->check)
        problem = info->check(text);
    return problem;
}

/* config_convert - expand and convert; 0 or -1 with a sentence in why */

static int config_convert(CONFIG *config, const char *name, const PARAM_INFO *info,
                          CONFIG_VALUE *out, VSTRING *why)
{
    VSTRING *where = vstring_alloc(100);
    VSTRING *detail = vstring_alloc(100);
    const char *raw = config_raw_value(config, name, NULL, NULL, NULL, NULL);
    const char *problem;

    config_where(config, name, where);
    if ((out->text = config_value_expanded(config, name, detail)) == NULL) {
        vstring_sprintf(why, "%s: parameter %s: %s", vstring_str(where), name, vstring_str(detail));
    } else if ((problem = config_problem(info, out->text, out, detail)) != NULL) {
        vstring_sprintf(why, "%s: bad value \"%s\" for parameter %s", vstring_str(where), out->text,
                        name);
        if (raw && strcmp(raw, out->text) != 0)
            vstring_sprintf_append(why, " (set to \"%s\")", raw);
        vstring_sprintf_append(why, ": %s", problem);
        out->text = NULL;
    }
    vstring_free(where);
    vstring_free(detail);
    return out->text ? 0 : -1;
}

/* config_check_value - does the value in effect fit the table */

int config_check_value(CONFIG *config, const char *name, VSTRING *why)
{
    const PARAM_INFO *info = config_param_info(name);
    CONFIG_VALUE value;

    if (info == NULL) {
        VSTRING *detail = vstring_alloc(100);
        int status = 0;

        if (config_value_expanded(config, name, detail) == NULL) {
            config_where(config, name, why);
            vstring_sprintf_append(why, ": parameter %s: %s", name, vstring_str(detail));
            status = -1;
        }
        vstring_free(detail);
        return status;
    }
    return config_convert(config, name, info, &value, why);
}

/* config_typed - convert a parameter of the expected type, or die */

static CONFIG_VALUE config_typed(CONFIG *config, const char *name, PARAM_TYPE want,
                                 const char *caller)
{
    const PARAM_INFO *info = config_info(name, caller);
    VSTRING *why;
    CONFIG_VALUE value = {0};

    if (info->type != want && !(want == PARAM_TYPE_STR && info->type == PARAM_TYPE_LIST))
        msg_panic("%s: parameter %s is of type %s, not %s", caller, name,
                  param_type_name(info->type), param_type_name(want));
    why = vstring_alloc(100);
    if (config_convert(config, name, info, &value, why) < 0)
        msg_fatal("%s", vstring_str(why));
    vstring_free(why);
    return value;
}

/* config_get_str - expanded text of any parameter */

const char *config_get_str(CONFIG *config, const char *name)
{
    const PARAM_INFO *info = config_info(name, __func__);
    VSTRING *why = vstring_alloc(100);
    CONFIG_VALUE value = {0};

    if (config_convert(config, name, info, &value, why) < 0)
        msg_fatal("%s", vstring_str(why));
    vstring_free(why);
    return value.text;
}

/* config_get_int - integer parameter */

int config_get_int(CONFIG *config, const char *name)
{
    return (int)config_typed(config, name, PARAM_TYPE_INT, __func__).number;
}

/* config_get_bool - boolean parameter */

bool config_get_bool(CONFIG *config, const char *name)
{
    return config_typed(config, name, PARAM_TYPE_BOOL, __func__).flag;
}

/* config_get_time - time parameter, in seconds */

int config_get_time(CONFIG *config, const char *name)
{
    return (int)config_typed(config, name, PARAM_TYPE_TIME, __func__).number;
}

/* config_get_size - size parameter, in bytes */

long config_get_size(CONFIG *config, const char *name)
{
    return config_typed(config, name, PARAM_TYPE_SIZE, __func__).number;
}

/* config_get_list - string or list parameter, split */

ARGV *config_get_list(CONFIG *config, const char *name)
{
    const char *text = config_get_str(config, name);
    char *copy = mystrdup(text);
    char *cp = copy;
    char *word;
    ARGV *list = argv_alloc(10);

    while ((word = mystrtok_braced(&cp, ", \t\r\n")) != NULL)
        argv_add(list, word);
    if (*cp != 0) {
        VSTRING *where = vstring_alloc(100);

        config_where(config, name, where);
        msg_fatal("%s: bad value \"%s\" for parameter %s: missing '}'", vstring_str(where), text,
                  name);
    }
    myfree(copy);
    return list;
}

/* config_lookup - expanded value of any name, or NULL */

const char *config_lookup(CONFIG *config, const char *name)
{
    VSTRING *why = vstring_alloc(100);
    const char *value;

    if (config_raw_value(config, name, NULL, NULL, NULL, why) == NULL && VSTRING_LEN(why) == 0) {
        vstring_free(why);
        return NULL;
    }
    if ((value = config_value_expanded(config, name, why)) == NULL) {
        VSTRING *where = vstring_alloc(100);

        config_where(config, name, where);
        msg_fatal("%s: parameter %s: %s", vstring_str(where), name, vstring_str(why));
    }
    vstring_free(why);
    return value;
}

/* config_bind - fill a daemon's variables */

void config_bind(CONFIG *config, const CONFIG_BIND *table)
{
    for (const CONFIG_BIND *bp = table; bp->name; bp++) {
        if (bp->kind == CONFIG_BIND_KIND_PER_TRANSPORT) {
            *bp->target.per_transport = config_per_transport_alloc(config, bp->name);
            continue;
        }
        if (bp->kind == CONFIG_BIND_KIND_DEFINITIONS) {
            *bp->target.definitions = config_definitions_alloc(config, bp->name);
            continue;
        }
        switch (bp->type) {
        case PARAM_TYPE_STR:
            *bp->target.str = config_get_str(config, bp->name);
            break;
        case PARAM_TYPE_LIST:
            *bp->target.list = config_get_list(config, bp->name);
            break;
        case PARAM_TYPE_INT:
            *bp->target.num = config_get_int(config, bp->name);
            break;
        case PARAM_TYPE_BOOL:
            *bp->target.flag = config_get_bool(config, bp->name);
            break;
        case PARAM_TYPE_TIME:
            *bp->target.num = config_get_time(config, bp->name);
            break;
        case PARAM_TYPE_SIZE:
            *bp->target.size = config_get_size(config, bp->name);
            break;
        }
    }
}
