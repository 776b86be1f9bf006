/*++
 * NAME
 *	dict_proxy - "proxy:type:name" tables, opened in the process itself
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	DICT	*dict_proxy_open(const char *name, int open_flags,
 *			int dict_flags);
 * DESCRIPTION
 *	dict_proxy_open() opens "proxy:type:name" as "type:name": the
 *	Postfix configurations that name a table through proxymap(8), such
 *	as the default local_recipient_maps "proxy:unix:passwd.byname
 *	$alias_maps", read the same table here, in the process that asks.
 *	There is no proxymap service: a process that cannot read the table
 *	itself (a chrooted daemon) gets the table's open error.
 * SEE ALSO
 *	dict_open(3)
 *--*/

#include "dict.h"

/* dict_proxy_open - open the table behind "proxy:" */

DICT *dict_proxy_open(const char *name, int open_flags, int dict_flags)
{
    return dict_open(name, open_flags, dict_flags);
}
