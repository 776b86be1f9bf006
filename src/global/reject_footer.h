#ifndef REJECT_FOOTER_H
#define REJECT_FOOTER_H

/*++
 * NAME
 *	reject_footer 3h
 * SUMMARY
 *	the reject footer of smtpd and postscreen replies
 * SYNOPSIS
 *	#include "reject_footer.h"
 *--*/

#include "maps.h"
#include "vstring.h"

/* The macro values of one client. */
typedef struct REJECT_FOOTER_MACROS {
    const char *client_address; /* $client_address */
    const char *client_port;    /* $client_port */
    const char *server_name;    /* $server_name: myhostname */
    const char *namaddr;        /* the client in warnings, "name[addr]" */
} REJECT_FOOTER_MACROS;

typedef struct REJECT_FOOTER REJECT_FOOTER;

extern REJECT_FOOTER *reject_footer_create(const char *template, const char *maps_param,
                                           const char *maps_names, const char *filter);
extern void reject_footer_apply(const REJECT_FOOTER *footer, VSTRING *reply,
                                const REJECT_FOOTER_MACROS *macros);
extern REJECT_FOOTER *reject_footer_free(REJECT_FOOTER *footer);

#endif
