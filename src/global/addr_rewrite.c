/*++
 * NAME
 *	addr_rewrite - canonical form, canonical(5) tables, masquerading
 * SYNOPSIS
 *	#include <addr_rewrite.h>
 *
 *	const char *addr_canonical(VSTRING *out, const char *address,
 *				const ADDR_CANONICAL_PROPS *props);
 *	int	addr_map_one(VSTRING *out, MAPS *maps, const char *address,
 *				const ADDR_MAP_PROPS *props);
 *	ARGV	*addr_masquerade_domains(const char *value);
 *	const char *addr_masquerade(VSTRING *out, const char *address,
 *				const ARGV *domains, MATCH_LIST *exceptions);
 * DESCRIPTION
 *	addr_canonical() writes the canonical form of address into out and
 *	returns it. The null address stays empty. Without '@': with
 *	props->swap_bangpath, "site!user" becomes "user@site" (at the first
 *	'!'); otherwise, with props->allow_percent_hack, "user%site" becomes
 *	"user@site" (at the last '%'); an address still without a domain
 *	gets "@origin" when props->origin is set. A domain without a dot
 *	(not an address literal) gets ".domain" when props->domain is set.
 *	A trailing dot of the domain goes.
 *
 *	addr_map_one() looks address up in maps with the keys of
 *	canonical(5) (mail_addr_find(): user@domain with and without the
 *	extension, user for a local domain, @domain). A result that begins
 *	with '@' replaces the domain only ("@old -> @new"). With
 *	props->propagate_extension, an extension that the lookup did not
 *	match is added to the result. It returns ADDR_MAP_CHANGED with the
 *	result in out, ADDR_MAP_SAME with the address in out, or
 *	ADDR_MAP_RETRY when the lookup failed.
 *
 *	addr_masquerade_domains() splits a masquerade_domains value into a
 *	list (caller frees). addr_masquerade() strips the subdomain part of
 *	the address's domain down to the first entry of domains that is a
 *	parent of it ("user@a.b.example.com" with "example.com": "user@
 *	example.com"). Entries are tried in order; an entry equal to the
 *	domain, or "!entry" that equals or is a parent of it, stops the
 *	search without a change. A local part that matches exceptions
 *	(masquerade_exceptions, may be NULL) is never changed.
 * SEE ALSO
 *	canonical(5), mail_addr_find(3)
 *--*/

/* System library. */
#include <string.h>
#include <strings.h>

/* Utility library. */
#include "mymalloc.h"
#include "stringops.h"

/* Global library. */
#include "addr_rewrite.h"
#include "virtual_alias.h"

/* addr_canonical - complete an address */

const char *addr_canonical(VSTRING *out, const char *address, const ADDR_CANONICAL_PROPS *props)
{
    char *at, *cp;
    size_t len;

    vstring_strcpy(out, address);
    if (*address == 0)
        return vstring_str(out);
    if (strchr(address, '@') == NULL) {
        char *bang = strchr(address, '!');

        if (props->swap_bangpath && bang && bang > address && bang[1]) {
            vstring_sprintf(out, "%s@%.*s", bang + 1, (int)(bang - address), address);
        } else if (props->allow_percent_hack && (cp = strrchr(vstring_str(out), '%')) != NULL &&
                   cp > vstring_str(out) && cp[1]) {
            *cp = '@';
        }
    }
    if ((at = strrchr(vstring_str(out), '@')) == NULL) {
        if (props->origin && *props->origin)
            vstring_sprintf_append(out, "@%s", props->origin);
        return vstring_str(out);
    }
    len = strlen(at + 1);
    if (len > 1 && at[len] == '.')
        vstring_truncate(out, VSTRING_LEN(out) - 1);
    at = strrchr(vstring_str(out), '@');
    if (props->domain && *props->domain && at[1] && at[1] != '[' && strchr(at + 1, '.') == NULL)
        vstring_sprintf_append(out, ".%s", props->domain);
    return vstring_str(out);
}

/* addr_map_one - one canonical(5) lookup */

int addr_map_one(VSTRING *out, MAPS *maps, const char *address, const ADDR_MAP_PROPS *props)
{
    MAIL_ADDR_FIND_OPTS opts = {
        .strategy = MAIL_ADDR_FIND_VIRTUAL,
        .delimiters = props->delimiters,
        .is_local = props->is_local,
        .local_context = props->local_context,
    };
    char *extension = NULL;
    const char *value = mail_addr_find(maps, address, &opts, &extension);
    char *result;

    if (value == NULL) {
        vstring_strcpy(out, address);
        return maps->error ? ADDR_MAP_RETRY : ADDR_MAP_SAME;
    }
    if (*value == '@') {
        /* "@new": the local part stays. */
        const char *at = strrchr(address, '@');

        result = mystrdup(value);
        vstring_strncpy(out, address, at ? (size_t)(at - address) : strlen(address));
        if (extension) {
            /* The local part already holds the extension. */
            myfree(extension);
            extension = NULL;
        }
        vstring_strcat(out, result);
        myfree(result);
    } else {
        vstring_strcpy(out, value);
    }
    if (extension && props->propagate_extension) {
        result = mystrdup(vstring_str(out));
        virtual_alias_extend(out, result, extension);
        myfree(result);
    }
    if (extension)
        myfree(extension);
    return ADDR_MAP_CHANGED;
}

/* addr_masquerade_domains - the list of masquerade_domains */

ARGV *addr_masquerade_domains(const char *value)
{
    return argv_split(value ? value : "", ", \t\r\n");
}

/* addr_masquerade - strip subdomains */

const char *addr_masquerade(VSTRING *out, const char *address, const ARGV *domains,
                            MATCH_LIST *exceptions)
{
    const char *at = strrchr(address, '@');
    const char *domain;
    size_t domain_len;

    vstring_strcpy(out, address);
    if (at == NULL || domains == NULL || domains->argc == 0)
        return vstring_str(out);
    if (exceptions) {
        char *user = lowercase(mystrndup(address, (size_t)(at - address)));
        int excepted = match_list_domain(exceptions, user);

        myfree(user);
        if (excepted)
            return vstring_str(out);
    }
    domain = at + 1;
    domain_len = strlen(domain);
    for (size_t i = 0; i < domains->argc; i++) {
        const char *masq = domains->argv[i];
        bool strip = *masq != '!';
        size_t masq_len;

        if (!strip)
            masq++;
        if ((masq_len = strlen(masq)) == 0)
            continue;
        if (masq_len == domain_len && strcasecmp(masq, domain) == 0)
            break;
        if (masq_len < domain_len && domain[domain_len - masq_len - 1] == '.' &&
            strcasecmp(masq, domain + domain_len - masq_len) == 0) {
            if (strip)
                vstring_sprintf(out, "%.*s@%s", (int)(at - address), address, masq);
            break;
        }
    }
    return vstring_str(out);
}
