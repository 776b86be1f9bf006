/*++
 * NAME
 *	https_fetch - one HTTPS GET with libcurl, within limits
 * SYNOPSIS
 *	#include <https_fetch.h>
 *
 *	int	https_fetch(const HTTPS_FETCH_PROPS *props, VSTRING *body,
 *				VSTRING *why);
 *	int	https_post(const HTTPS_FETCH_PROPS *props,
 *				const char *content_type, const void *data,
 *				size_t len, VSTRING *reply, VSTRING *why);
 * DESCRIPTION
 *	https_fetch() gets props->url, which must be an https: URL, and
 *	puts the response body into body. The rules are those of RFC 8461
 *	section 3.3 for MTA-STS policies:
 * .IP \(bu
 *	the server certificate must chain to a trusted CA (props->CAfile
 *	and props->CApath, or else the system's store) and match the host
 *	name of the URL (libcurl's PKIX and host name checks, never turned
 *	off);
 * .IP \(bu
 *	no redirects: a 3xx answer is an error, as is any status but 200;
 * .IP \(bu
 *	the whole transfer takes at most props->timeout seconds, and a
 *	body larger than props->max_size bytes is an error (the transfer
 *	stops there);
 * .IP \(bu
 *	with props->content_type, the response's media type must be that
 *	one (case-insensitive; parameters such as charset are allowed).
 * .PP
 *	It returns HTTPS_FETCH_OK; HTTPS_FETCH_PKIX when the server
 *	certificate did not chain to a trusted CA or did not match the
 *	host name (libcurl's CURLE_PEER_FAILED_VERIFICATION); or
 *	HTTPS_FETCH_ERROR; the reason is in why ("SSL certificate problem:
 *	...", "HTTP status 404", "response larger than 65536 bytes", ...).
 *
 *	https_post() sends len bytes of data to props->url as the body of
 *	a POST with that content_type (the TLSRPT reports of RFC 8460
 *	section 5.2), under the same rules, except that any 2xx status is
 *	success; the response body (at most props->max_size bytes, of any
 *	media type unless props->content_type says) goes into reply.
 *
 *	libcurl is initialised on the first call (curl_global_init()), which
 *	a program must make before it goes multi-threaded; ours are not.
 * SEE ALSO
 *	RFC 8461 section 3.3, libcurl(3)
 *--*/

/* System library. */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* Outside library. */
#include <curl/curl.h>

/* Utility library. */
#include "msg.h"

/* Global library. */
#include "https_fetch.h"

/* The transfer in progress. */
typedef struct HTTPS_FETCH_STATE {
    VSTRING *body;   /* the caller's buffer */
    size_t max_size; /* limit */
    bool too_large;  /* the limit stopped the transfer */
} HTTPS_FETCH_STATE;

/* https_fetch_write_cb - body bytes from libcurl */

static size_t https_fetch_write_cb(char *data, size_t size, size_t count, void *context)
{
    HTTPS_FETCH_STATE *state = context;
    size_t len = size * count;

    if (VSTRING_LEN(state->body) + len > state->max_size) {
        state->too_large = true;
        return 0; /* libcurl ends the transfer with CURLE_WRITE_ERROR */
    }
    vstring_memcat(state->body, data, len);
    return len;
}

/* https_fetch_type_ok - the media type, without parameters, equals want */

static bool https_fetch_type_ok(const char *type, const char *want)
{
    size_t len = strlen(want);

    return type != NULL && strncasecmp(type, want, len) == 0 &&
           (type[len] == 0 || type[len] == ';' || type[len] == ' ' || type[len] == '\t');
}

/* https_fetch_setup - the options of one transfer */

static void https_fetch_setup(CURL *curl, const HTTPS_FETCH_PROPS *props, HTTPS_FETCH_STATE *state,
                              char *errbuf)
{
    curl_easy_setopt(curl, CURLOPT_URL, props->url);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)props->timeout);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)props->timeout);
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)props->max_size);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "postern-mta-sts");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, https_fetch_write_cb);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, state);
    if (props->CAfile && *props->CAfile)
        curl_easy_setopt(curl, CURLOPT_CAINFO, props->CAfile);
    if (props->CApath && *props->CApath)
        curl_easy_setopt(curl, CURLOPT_CAPATH, props->CApath);
}

/* https_fetch_transfer - one GET, or one POST when post_type is not NULL */

static int https_fetch_transfer(const HTTPS_FETCH_PROPS *props, const char *post_type,
                                const void *post_data, size_t post_len, VSTRING *body, VSTRING *why)
{
    static bool initialised;
    HTTPS_FETCH_STATE state = {.body = body, .max_size = props->max_size};
    struct curl_slist *headers = NULL;
    VSTRING *header = NULL;
    char errbuf[CURL_ERROR_SIZE] = "";
    CURL *curl;
    CURLcode code;
    long status = 0;
    char *type = NULL;
    int result = HTTPS_FETCH_ERROR;

    VSTRING_RESET(body);
    if (strncasecmp(props->url, "https://", 8) != 0) {
        vstring_sprintf(why, "not an https: URL");
        return HTTPS_FETCH_ERROR;
    }
    if (!initialised && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        vstring_sprintf(why, "cannot initialise libcurl");
        return HTTPS_FETCH_ERROR;
    }
    initialised = true;
    if ((curl = curl_easy_init()) == NULL) {
        vstring_sprintf(why, "cannot initialise libcurl");
        return HTTPS_FETCH_ERROR;
    }
    https_fetch_setup(curl, props, &state, errbuf);
    if (post_type) {
        header = vstring_alloc(100);
        vstring_sprintf(header, "Content-Type: %s", post_type);
        headers = curl_slist_append(headers, vstring_str(header));
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post_data);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)post_len);
    }
    code = curl_easy_perform(curl);
    if (code == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
    }
    if (state.too_large || code == CURLE_FILESIZE_EXCEEDED)
        vstring_sprintf(why, "response larger than %zu bytes", props->max_size);
    else if (code != CURLE_OK)
        vstring_sprintf(why, "%s", *errbuf ? errbuf : curl_easy_strerror(code));
    else if (post_type ? status / 100 != 2 : status != 200)
        vstring_sprintf(why, "HTTP status %ld", status);
    else if (props->content_type && !https_fetch_type_ok(type, props->content_type))
        vstring_sprintf(why, "media type \"%s\", not %s", type ? type : "", props->content_type);
    else
        result = HTTPS_FETCH_OK;
    if (code == CURLE_PEER_FAILED_VERIFICATION)
        result = HTTPS_FETCH_PKIX;
    if (result != HTTPS_FETCH_OK) {
        VSTRING_RESET(body);
        if (msg_verbose)
            msg_info("%s: %s: %s", __func__, props->url, vstring_str(why));
    }
    curl_easy_cleanup(curl);
    if (headers)
        curl_slist_free_all(headers);
    if (header)
        vstring_free(header);
    return result;
}

/* https_fetch - GET one https: URL */

int https_fetch(const HTTPS_FETCH_PROPS *props, VSTRING *body, VSTRING *why)
{
    return https_fetch_transfer(props, NULL, NULL, 0, body, why);
}

/* https_post - POST data to one https: URL */

int https_post(const HTTPS_FETCH_PROPS *props, const char *content_type, const void *data,
               size_t len, VSTRING *reply, VSTRING *why)
{
    return https_fetch_transfer(props, content_type, data, len, reply, why);
}
