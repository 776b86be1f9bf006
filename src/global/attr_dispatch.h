/*
 * attr_dispatch.h - serve one request of an attribute-protocol client
 *
 * A multi-server daemon that speaks the attribute protocol (tlsmgr,
 * mtasts, tlsrpt) reads each request as an attribute list that starts
 * with the request name, and finds the handler for that name in a table
 * that ends with a null name.
 */
#ifndef ATTR_DISPATCH_H
#define ATTR_DISPATCH_H

#include "vstream.h"

/* One request: its name and the function that serves it. */
typedef struct ATTR_DISPATCH {
    const char *name;                /* request name, or NULL at the table's end */
    int (*handler)(VSTREAM *client); /* reads the arguments, replies; -1: drop the client */
} ATTR_DISPATCH;

extern int attr_dispatch_ready(VSTREAM *client);
extern int attr_dispatch(VSTREAM *client, const char *request_attr, const ATTR_DISPATCH *table);

#endif
