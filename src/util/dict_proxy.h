/*
 * dict_proxy.h - the proxymap protocol, and where proxy: tables find it
 *
 * A "proxy:type:name" table (dict_proxy.c) is a client of proxymap(8):
 * the service opens "type:name" in its own process and answers lookups,
 * updates, deletes and walks over the attribute protocol (attr.h). A table
 * opened read-only asks the proxymap service; one opened for writing asks
 * the proxywrite service (the same program under the second name). This
 * header is the protocol's whole vocabulary, shared by the client and the
 * server (src/proxymap).
 *
 * Requests (every request carries request, table and flags; every reply
 * starts with status and reason):
 *
 *	open					-> status, reason, flags
 *	lookup		key			-> status, reason, value
 *	update		key, value		-> status, reason
 *	delete		key			-> status, reason
 *	sequence	function		-> status, reason, key, value
 *
 * table is "type:name" without "proxy:"; flags are the DICT_FLAG_* the
 * client opened it with (the open reply gives the table's own flags, so
 * that the client knows fixed-string tables from pattern tables). reason
 * is empty unless status says an error. Bump PROXY_VERSION whenever a
 * request or attribute changes in a way that an older peer would misread.
 */
#ifndef DICT_PROXY_H
#define DICT_PROXY_H

/* Service and protocol. */
#define PROXY_CLASS         "private"           /* socket directory below queue_directory */
#define PROXY_READ_SERVICE  "proxymap"          /* default read-only service name */
#define PROXY_WRITE_SERVICE "proxywrite"        /* default read-write service name */
#define PROXY_PROTOCOL      "proxymap_protocol" /* server greeting (attr_hello) */
#define PROXY_VERSION       1                   /* protocol version in the greeting */
#define PROXY_PREFIX        "proxy:"            /* the table type, as written in main.cf */

/* Requests: the value of PROXY_ATTR_REQ, the first attribute. */
#define PROXY_ATTR_REQ     "request"
#define PROXY_REQ_OPEN     "open"
#define PROXY_REQ_LOOKUP   "lookup"
#define PROXY_REQ_UPDATE   "update"
#define PROXY_REQ_DELETE   "delete"
#define PROXY_REQ_SEQUENCE "sequence"

/* Request and reply attributes. */
#define PROXY_ATTR_TABLE    "table"    /* type:name */
#define PROXY_ATTR_FLAGS    "flags"    /* DICT_FLAG_* */
#define PROXY_ATTR_KEY      "key"      /* lookup, update, delete; sequence reply */
#define PROXY_ATTR_VALUE    "value"    /* update; lookup and sequence replies */
#define PROXY_ATTR_FUNCTION "function" /* sequence: DICT_SEQ_FUN_FIRST or _NEXT */
#define PROXY_ATTR_STATUS   "status"   /* PROXY_STAT_* */
#define PROXY_ATTR_REASON   "reason"   /* error text, or "" */

/* Status codes. */
#define PROXY_STAT_OK     0 /* found, done */
#define PROXY_STAT_NOKEY  1 /* not found, end of a walk, duplicate kept */
#define PROXY_STAT_RETRY  2 /* the table failed for now (DICT_ERR_RETRY) */
#define PROXY_STAT_CONFIG 3 /* the table is broken (DICT_ERR_CONFIG) */
#define PROXY_STAT_DENY   4 /* the table is not approved for this service */
#define PROXY_STAT_BAD    5 /* a malformed request */

/* The client's settings (dict_proxy.c). */
extern void dict_proxy_init(const char *socket_dir, const char *read_service,
                            const char *write_service, int timeout, int max_idle, int max_ttl);

#endif
