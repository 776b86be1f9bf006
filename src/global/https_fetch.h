/*
 * https_fetch.h - one HTTPS GET with libcurl, within limits
 *
 * The only module that calls libcurl (MTA-STS policy fetches, the
 * TLSRPT POST). A program that uses it links $(CURL_LIBS) (Makefile.in,
 * LIBS_<program>); the others never load libcurl. See https_fetch.c.
 */
#ifndef HTTPS_FETCH_H
#define HTTPS_FETCH_H

#include <stddef.h>

#include "vstring.h"

typedef struct HTTPS_FETCH_PROPS {
    const char *url;          /* "https://..." */
    const char *CAfile;       /* trusted CAs (PEM), or NULL/"": the system's */
    const char *CApath;       /* hashed CA directory, or NULL/"" */
    int timeout;              /* seconds for the whole transfer */
    size_t max_size;          /* body bytes at most */
    const char *content_type; /* required media type ("text/plain"), or NULL */
} HTTPS_FETCH_PROPS;

#define HTTPS_FETCH_OK    0    /* body holds the response body */
#define HTTPS_FETCH_ERROR (-1) /* why says what failed */
#define HTTPS_FETCH_PKIX  (-2) /* the server certificate failed PKIX or name checks (why) */

extern int https_fetch(const HTTPS_FETCH_PROPS *props, VSTRING *body, VSTRING *why);
extern int https_post(const HTTPS_FETCH_PROPS *props, const char *content_type, const void *data,
                      size_t len, VSTRING *reply, VSTRING *why);

#endif
