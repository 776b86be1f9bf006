/*++
 * NAME
 *	reject_footer - the reject footer of smtpd and postscreen replies
 * SYNOPSIS
 *	#include "reject_footer.h"
 *
 *	REJECT_FOOTER *reject_footer_create(const char *template,
 *				const char *maps_param, const char *maps_names,
 *				const char *filter);
 *	void	reject_footer_apply(const REJECT_FOOTER *footer, VSTRING *reply,
 *				const REJECT_FOOTER_MACROS *macros);
 *	REJECT_FOOTER *reject_footer_free(REJECT_FOOTER *footer);
 * DESCRIPTION
 *	smtpd_reject_footer and postscreen_reject_footer, with their
 *	_maps and _expansion_filter companions, for both servers.
 *
 *	reject_footer_create() takes the footer template as written in
 *	main.cf (a raw value, "" for none), the lookup tables by complete
 *	reply (maps_names, "" for none; maps_param names them in warnings)
 *	and the expansion filter, in which \t, \n, \r, \\ and \ooo stand for
 *	their characters.
 *
 *	reject_footer_apply() appends a footer to a 4XX or 5XX reply
 *	(reply_footer(3) gives the form): the template that the tables give
 *	for the complete reply, else the default template. The macros
 *	$client_address, $client_port, $localtime and $server_name are
 *	replaced by their values, in which every character outside the
 *	expansion filter becomes "_": a client cannot bring text of its
 *	choosing into a reply through them. Any other reply is left alone.
 *
 *	reject_footer_free() releases everything and returns NULL.
 * DIAGNOSTICS
 *	A table lookup error or a bad template is logged with the client
 *	(macros->namaddr); the reply then goes out without a footer.
 *--*/

/* System library. */
#include <string.h>
#include <time.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "reject_footer.h"
#include "reply_footer.h"

struct REJECT_FOOTER {
    char *template;   /* the default template, "": none; owned */
    MAPS *maps;       /* templates by complete reply, or NULL; owned */
    char *maps_param; /* the tables' parameter name; owned */
    char *filter;     /* the characters a macro value may bring in; owned */
};

/* The lookup context of one reply. */
typedef struct REJECT_FOOTER_CONTEXT {
    const REJECT_FOOTER *footer;
    const REJECT_FOOTER_MACROS *macros;
    VSTRING *value; /* the filtered value last returned */
} REJECT_FOOTER_CONTEXT;

/* reject_footer_unescape - the characters of an expansion filter */

static char *reject_footer_unescape(const char *text)
{
    VSTRING *out = vstring_alloc(100);

    for (const char *cp = text; *cp; cp++) {
        int ch = (unsigned char)*cp, len = 0;

        if (ch == '\\' && cp[1]) {
            ch = (unsigned char)*++cp;
            if (ch == 't')
                ch = '\t';
            else if (ch == 'n')
                ch = '\n';
            else if (ch == 'r')
                ch = '\r';
            else if (ch >= '0' && ch <= '7')
                for (ch = 0; len < 3 && *cp >= '0' && *cp <= '7'; len++, cp++)
                    ch = ch * 8 + (*cp - '0');
            if (len > 0)
                cp--;
        }
        if (ch != 0)
            vstring_addch(out, (char)ch);
    }
    return vstring_export(out);
}

/* reject_footer_create - the settings of one server */

REJECT_FOOTER *reject_footer_create(const char *template, const char *maps_param,
                                    const char *maps_names, const char *filter)
{
    REJECT_FOOTER *footer = mymalloc(sizeof(*footer));

    footer->template = mystrdup(template);
    footer->maps = *maps_names ? maps_create(maps_param, maps_names, DICT_FLAG_LOCK) : NULL;
    footer->maps_param = mystrdup(maps_param);
    footer->filter = reject_footer_unescape(filter);
    return footer;
}

/* reject_footer_value - the raw value of a macro, or NULL */

static const char *reject_footer_value(const REJECT_FOOTER_MACROS *macros, const char *name)
{
    static char now[64];
    time_t t;

    if (strcmp(name, "client_address") == 0)
        return macros->client_address;
    if (strcmp(name, "client_port") == 0)
        return macros->client_port;
    if (strcmp(name, "server_name") == 0)
        return macros->server_name;
    if (strcmp(name, "localtime") == 0) {
        t = time(NULL);
        if (strftime(now, sizeof(now), "%b %d %H:%M:%S", localtime(&t)) == 0)
            now[0] = 0;
        return now;
    }
    return NULL;
}

/* reject_footer_lookup - a macro value, characters outside the filter as "_" */

static const char *reject_footer_lookup(const char *name, void *ptr)
{
    REJECT_FOOTER_CONTEXT *context = ptr;
    const char *value = reject_footer_value(context->macros, name);

    if (value == NULL)
        return NULL;
    VSTRING_RESET(context->value);
    for (const char *cp = value; *cp; cp++)
        vstring_addch(context->value, strchr(context->footer->filter, *cp) ? *cp : '_');
    return vstring_str(context->value);
}

/* reject_footer_apply - the footer under a 4XX or 5XX reply */

void reject_footer_apply(const REJECT_FOOTER *footer, VSTRING *reply,
                         const REJECT_FOOTER_MACROS *macros)
{
    const char *template = NULL;
    REJECT_FOOTER_CONTEXT context = {.footer = footer, .macros = macros};
    VSTRING *why;

    if (*vstring_str(reply) != '4' && *vstring_str(reply) != '5')
        return;
    if (footer->maps && (template = maps_find(footer->maps, vstring_str(reply), 0)) == NULL &&
        footer->maps->error)
        msg_warn("%s lookup error for \"%.100s\": %s", footer->maps_param, vstring_str(reply),
                 maps_reason(footer->maps));
    if (template == NULL)
        template = footer->template;
    if (*template == 0)
        return;
    why = vstring_alloc(100);
    context.value = vstring_alloc(100);
    if (reply_footer(reply, template, reject_footer_lookup, &context, why) < 0)
        msg_warn("%s: reject footer: %s", macros->namaddr, vstring_str(why));
    vstring_free(context.value);
    vstring_free(why);
}

/* reject_footer_free - release everything */

REJECT_FOOTER *reject_footer_free(REJECT_FOOTER *footer)
{
    if (footer) {
        myfree(footer->template);
        if (footer->maps)
            maps_free(footer->maps);
        myfree(footer->maps_param);
        myfree(footer->filter);
        myfree(footer);
    }
    return NULL;
}
