/*++
 * NAME
 *	smtp_generic - generic(5) mapping of outgoing addresses
 * SYNOPSIS
 *	#include "smtp.h"
 *
 *	void	smtp_generic_open(SMTP_GENERIC_CONFIG *generic, bool lmtp);
 *	int	smtp_generic_state(SMTP_STATE *state, VSTRING *why);
 *	bool	smtp_generic_header(const SMTP_GENERIC_CONFIG *generic,
 *				const char *text, size_t len, VSTRING *out);
 * DESCRIPTION
 *	smtp_generic_maps (lmtp_generic_maps for LMTP) rewrites the
 *	addresses of mail as it leaves, typically a locally valid address
 *	into a globally valid one ("his@localdomain.local" becomes
 *	"hisaccount@hisisp.example"): the envelope sender, each envelope
 *	recipient, and the addresses of the message's own sender and
 *	recipient headers (header_addr_class(3): From:, Sender:,
 *	Reply-To:, To:, Cc:, ...; not those of attached messages or MIME
 *	parts). The queue file is not changed. The lookup keys are those of
 *	generic(5): user@domain (with, then without the address
 *	extension), user when the domain is $myorigin, in $mydestination,
 *	$inet_interfaces or $proxy_interfaces, then @domain. A result that
 *	begins with '@' replaces the domain only. An extension that the
 *	lookup did not match is added to the result when
 *	propagate_unmatched_extensions names "generic". The null sender is
 *	not mapped.
 *
 *	smtp_generic_open() opens the tables and the local domain lists,
 *	once per process (under the lmtp_* name for LMTP).
 *
 *	smtp_generic_state() maps the envelope of a request into
 *	state->sender and state->rcpts[i].address (NULL: unchanged). It
 *	returns 0, or -1 with a reason when a lookup failed (the caller
 *	defers the request).
 *
 *	smtp_generic_header() rewrites one primary header (name, value and
 *	folding, as smtp_checks(3) sees it); true with the new header in
 *	out. An address whose lookup failed stays as it was, with a warning.
 * SEE ALSO
 *	generic(5), addr_rewrite(3), header_addr(3)
 *--*/

/* System library. */
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "addr_rewrite.h"
#include "ext_prop.h"
#include "header_addr.h"
#include "mail_params.h"

/* Application-specific. */
#include "smtp.h"

/* smtp_generic_is_local - mail_addr_find() callback: a domain whose "user" key is tried */

static int smtp_generic_is_local(const char *domain, void *context)
{
    SMTP_GENERIC_CONFIG *generic = context;
    VSTRING *why;
    int class;

    if (strcasecmp(domain, generic->myorigin) == 0)
        return 1;
    why = vstring_alloc(100);
    class = resolve_class_domain(&generic->resolve, domain, why);
    vstring_free(why);
    return class < 0 ? -1 : class == RESOLVE_CLASS_LOCAL;
}

/* smtp_generic_open - the tables and the local domains */

void smtp_generic_open(SMTP_GENERIC_CONFIG *generic, bool lmtp)
{
    VSTRING *why;

    if (generic->maps_names == NULL || *generic->maps_names == 0)
        return;
    why = vstring_alloc(100);
    if (resolve_props_init(&generic->resolve, &generic->local, why) < 0)
        msg_fatal("%s", vstring_str(why));
    vstring_free(why);
    generic->maps = maps_create(lmtp ? VAR_LMTP_GENERIC_MAPS : VAR_SMTP_GENERIC_MAPS,
                                generic->maps_names, DICT_FLAG_LOCK);
    generic->propagate = (ext_prop_mask(generic->propagate_names) & EXT_PROP_GENERIC) != 0;
}

/* smtp_generic_map - one address; ADDR_MAP_* */

static int smtp_generic_map(const SMTP_GENERIC_CONFIG *generic, const char *address, VSTRING *out)
{
    ADDR_MAP_PROPS props = {
        .delimiters = generic->resolve.recipient_delimiter,
        .is_local = smtp_generic_is_local,
        .local_context = (void *)generic,
        .propagate_extension = generic->propagate,
    };

    return addr_map_one(out, generic->maps, address, &props);
}

/* smtp_generic_envelope - one envelope address: a mymalloc()ed result, NULL when unchanged */

static int smtp_generic_envelope(const SMTP_GENERIC_CONFIG *generic, const char *address,
                                 char **out, VSTRING *why)
{
    VSTRING *buf = vstring_alloc(100);
    int status = smtp_generic_map(generic, address, buf);

    *out = status == ADDR_MAP_CHANGED ? mystrdup(vstring_str(buf)) : NULL;
    if (status == ADDR_MAP_RETRY)
        vstring_sprintf(why, "%s map lookup problem for %s", generic->maps->title, address);
    vstring_free(buf);
    return status == ADDR_MAP_RETRY ? -1 : 0;
}

/* smtp_generic_state - the envelope of a request */

int smtp_generic_state(SMTP_STATE *state, VSTRING *why)
{
    const SMTP_GENERIC_CONFIG *generic = &state->config->generic;
    DELIVER_REQUEST *request = state->request;

    if (generic->maps == NULL)
        return 0;
    if (*request->sender &&
        smtp_generic_envelope(generic, request->sender, &state->sender, why) < 0)
        return -1;
    for (size_t i = 0; i < request->rcpt_count; i++)
        if (state->rcpts[i].status != SMTP_RCPT_SKIP &&
            smtp_generic_envelope(generic, request->rcpts[i].address, &state->rcpts[i].address,
                                  why) < 0)
            return -1;
    return 0;
}

/* smtp_generic_header_cb - header_addr_rewrite() callback */

static bool smtp_generic_header_cb(void *context, const char *address, VSTRING *out)
{
    const SMTP_GENERIC_CONFIG *generic = context;

    switch (smtp_generic_map(generic, address, out)) {
    case ADDR_MAP_CHANGED:
        return strcmp(vstring_str(out), address) != 0;
    case ADDR_MAP_RETRY:
        msg_warn("%s map lookup problem for %s: the header keeps it", generic->maps->title,
                 address);
        return false;
    default:
        return false;
    }
}

/* smtp_generic_header - the addresses of one sender or recipient header */

bool smtp_generic_header(const SMTP_GENERIC_CONFIG *generic, const char *text, size_t len,
                         VSTRING *out)
{
    if (generic->maps == NULL || header_addr_class(text, len) == HEADER_ADDR_NONE)
        return false;
    return header_addr_rewrite(out, text, len, smtp_generic_header_cb, (void *)generic);
}
