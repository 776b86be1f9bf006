/*++
 * NAME
 *	virtual_alias - expand an address through virtual_alias_maps
 * SYNOPSIS
 *	#include <virtual_alias.h>
 *
 *	int	virtual_alias_expand(const VIRTUAL_ALIAS_PROPS *props,
 *				const char *address, ARGV *out, VSTRING *why);
 *	const char *virtual_alias_extend(VSTRING *buf, const char *address,
 *				const char *extension);
 * DESCRIPTION
 *	virtual_alias_expand() appends to out the addresses that address
 *	expands into. Lookups use the keys of virtual(5) (mail_addr_find()
 *	with MAIL_ADDR_FIND_VIRTUAL: user@domain with and without the
 *	extension, user alone for a local domain, @domain). A value is a
 *	list of addresses separated by commas or white space. The first
 *	result takes the place of the address that was looked up and is
 *	looked up again, up to props->recursion_limit times; the others go
 *	to the end of the list and are expanded in their turn. An address
 *	that expands into a list that holds it again stays (it is not
 *	looked up a second time), so "a@x -> a@x, b@y" keeps a copy for
 *	a@x. A list longer than props->expansion_limit, or a chain deeper
 *	than props->recursion_limit, ends the expansion with
 *	VIRTUAL_ALIAS_LIMIT; a failed lookup with VIRTUAL_ALIAS_RETRY. In
 *	both cases why holds Postfix's warning text and out is unchanged.
 *	Results longer than props->length_limit are dropped with a warning.
 *	With props->propagate_extension, an extension that the lookup did
 *	not match is added to each result (user+ext@x -> bob+ext@y).
 *
 *	virtual_alias_extend() writes address with extension (delimiter
 *	included) inserted before its last '@' into buf.
 * SEE ALSO
 *	virtual(5), mail_addr_find(3)
 *--*/

/* System library. */
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"

/* Global library. */
#include "virtual_alias.h"

/* virtual_alias_extend - insert an extension before the domain */

const char *virtual_alias_extend(VSTRING *buf, const char *address, const char *extension)
{
    const char *at = strrchr(address, '@');

    if (at == NULL)
        return vstring_str(vstring_sprintf(buf, "%s%s", address, extension));
    vstring_strncpy(buf, address, (size_t)(at - address));
    return vstring_str(vstring_sprintf_append(buf, "%s%s", extension, at));
}

/* virtual_alias_lookup - one lookup: the results, NULL when none */

static ARGV *virtual_alias_lookup(const VIRTUAL_ALIAS_PROPS *props, const char *address,
                                  VSTRING *why)
{
    MAIL_ADDR_FIND_OPTS opts = {
        .strategy = MAIL_ADDR_FIND_VIRTUAL,
        .delimiters = props->delimiters,
        .is_local = props->is_local,
        .local_context = props->local_context,
    };
    VSTRING *buf = vstring_alloc(100);
    char *extension = NULL;
    const char *value = mail_addr_find(props->maps, address, &opts, &extension);
    ARGV *list, *result;

    if (value == NULL) {
        if (props->maps->error)
            vstring_sprintf(why,
                            "%s map lookup problem for %s -- message not accepted, try again "
                            "later",
                            props->maps->title, address);
        vstring_free(buf);
        return NULL;
    }
    list = argv_split(value, ", \t\r\n");
    result = argv_alloc(list->argc + 1);
    for (size_t i = 0; i < list->argc; i++) {
        const char *item = list->argv[i];

        if (extension && props->propagate_extension)
            item = virtual_alias_extend(buf, item, extension);
        if (props->length_limit > 0 && strlen(item) > (size_t)props->length_limit) {
            msg_warn("%s: unreasonable %s result length for %s -- ignoring %.100s...", __func__,
                     props->maps->title, address, item);
            continue;
        }
        argv_add(result, item);
    }
    if (extension)
        myfree(extension);
    argv_free(list);
    vstring_free(buf);
    return result;
}

/* virtual_alias_chain - expand list->argv[index] in place until it stops */

static int virtual_alias_chain(const VIRTUAL_ALIAS_PROPS *props, ARGV *list, size_t index,
                               HTABLE *done, VSTRING *why)
{
    ARGV *found;

    for (int depth = 0;; depth++) {
        char *current = list->argv[index];

        if (htable_find(done, current) != NULL)
            return VIRTUAL_ALIAS_OK;
        if (depth >= props->recursion_limit) {
            vstring_sprintf(why, "unreasonable %s map nesting for %s -- message not accepted",
                            props->maps->title, current);
            return VIRTUAL_ALIAS_LIMIT;
        }
        if ((found = virtual_alias_lookup(props, current, why)) == NULL)
            return props->maps->error ? VIRTUAL_ALIAS_RETRY : VIRTUAL_ALIAS_OK;
        if (found->argc == 0) {
            argv_free(found);
            return VIRTUAL_ALIAS_OK;
        }
        for (size_t i = 0; i < found->argc; i++) {
            /* An address that maps to itself is looked up once only. */
            if (strcasecmp(found->argv[i], current) == 0 && htable_find(done, current) == NULL)
                htable_enter(done, current, (void *)"");
            if (i > 0)
                argv_add(list, found->argv[i]);
        }
        list->argv[index] = mystrdup(found->argv[0]);
        myfree(current);
        argv_free(found);
    }
}

/* virtual_alias_expand - the whole list */

int virtual_alias_expand(const VIRTUAL_ALIAS_PROPS *props, const char *address, ARGV *out,
                         VSTRING *why)
{
    ARGV *list = argv_alloc(4);
    HTABLE *done = htable_create(10);
    int status = VIRTUAL_ALIAS_OK;

    argv_add(list, address);
    for (size_t i = 0; status == VIRTUAL_ALIAS_OK && i < list->argc; i++) {
        if (props->expansion_limit > 0 && list->argc > (size_t)props->expansion_limit) {
            vstring_sprintf(why,
                            "unreasonable %s map expansion size for %s -- message not "
                            "accepted",
                            props->maps->title, address);
            status = VIRTUAL_ALIAS_LIMIT;
            break;
        }
        status = virtual_alias_chain(props, list, i, done, why);
    }
    if (status == VIRTUAL_ALIAS_OK && props->expansion_limit > 0 &&
        list->argc > (size_t)props->expansion_limit) {
        vstring_sprintf(why, "unreasonable %s map expansion size for %s -- message not accepted",
                        props->maps->title, address);
        status = VIRTUAL_ALIAS_LIMIT;
    }
    if (status == VIRTUAL_ALIAS_OK)
        for (size_t i = 0; i < list->argc; i++)
            argv_add(out, list->argv[i]);
    argv_free(list);
    htable_free(done, NULL);
    return status;
}
