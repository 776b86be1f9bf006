/*++
 * NAME
 *	postconf_master - show master.cf entries
 * SYNOPSIS
 *	#include "postconf.h"
 *
 *	void	postconf_show_master(POSTCONF *pc, char **selectors);
 * DESCRIPTION
 *	postconf_show_master() prints master.cf entries in file order, in
 *	the column layout of master_cf_format() (folded with -f). With
 *	selectors, only entries that match one of them: "service" (any type)
 *	or "service/type"; "*" in either part matches anything. With -x,
 *	$name in -o values and arguments is expanded.
 * DIAGNOSTICS
 *	Fatal: master.cf cannot be read or is malformed. Warning: a selector
 *	that matches no entry ("unmatched request").
 *--*/

/* System library. */
#include <stdio.h>
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"

/* Application-specific. */
#include "postconf.h"

/* postconf_selector_match - does an entry match "service[/type]" */

static int postconf_selector_match(const char *selector, const MASTER_CF_ENTRY *entry)
{
    const char *slash = strchr(selector, '/');
    size_t service_len = slash ? (size_t)(slash - selector) : strlen(selector);

    if (!(service_len == 1 && *selector == '*') &&
        (strlen(entry->service) != service_len ||
         strncmp(entry->service, selector, service_len) != 0))
        return 0;
    return slash == NULL || strcmp(slash + 1, "*") == 0 || strcmp(slash + 1, entry->type) == 0;
}

/* postconf_entry_selected - no selectors, or one matches */

static int postconf_entry_selected(char **selectors, const MASTER_CF_ENTRY *entry, int *matched)
{
    int any = 0;

    if (selectors == NULL || *selectors == NULL)
        return 1;
    for (int i = 0; selectors[i]; i++) {
        if (postconf_selector_match(selectors[i], entry)) {
            matched[i] = 1;
            any = 1;
        }
    }
    return any;
}

/* postconf_print_entry - one entry, expanded with -x */

static void postconf_print_entry(POSTCONF *pc, const MASTER_CF_ENTRY *entry)
{
    VSTRING *out = vstring_alloc(200);
    VSTRING *expanded = vstring_alloc(200);
    VSTRING *why = vstring_alloc(100);
    int flags = (pc->flags & POSTCONF_FLAG_FOLD) ? MASTER_CF_FORMAT_FOLD : 0;

    master_cf_format(entry, out, flags);
    if ((pc->flags & POSTCONF_FLAG_EXPAND) &&
        config_expand(pc->config, vstring_str(out), expanded, why) == 0)
        vstring_strcpy(out, vstring_str(expanded));
    printf("%s\n", vstring_str(out));
    vstring_free(out);
    vstring_free(expanded);
    vstring_free(why);
}

/* postconf_show_master - print selected master.cf entries */

void postconf_show_master(POSTCONF *pc, char **selectors)
{
    size_t count = 0;
    int *matched;

    while (selectors && selectors[count])
        count++;
    matched = mycalloc(count + 1, sizeof(*matched));
    for (size_t i = 0; i < pc->master_cf->count; i++)
        if (postconf_entry_selected(selectors, pc->master_cf->entries[i], matched))
            postconf_print_entry(pc, pc->master_cf->entries[i]);
    for (size_t i = 0; i < count; i++)
        if (!matched[i])
            msg_warn("unmatched request: \"%s\"", selectors[i]);
    myfree(matched);
}
