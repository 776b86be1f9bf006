/*
 * tlsrpt_client.h - the TLSRPT collector protocol and its client
 *
 * tlsrpt(8) collects, for RFC 8460 reports, the result of each TLS
 * session that the smtp and lmtp clients attempt: success, or a failure
 * with the RFC's result type, under the policy that applied (a DANE TLSA
 * RRset, an MTA-STS policy, or none) for the policy domain. Clients
 * reach it over the attribute protocol (attr.h) at
 * private/tlsrpt (smtp_tlsrpt_socket_name). This header is the
 * protocol's whole vocabulary, shared by the client (tlsrpt_client.c)
 * and the server (src/tlsrpt).
 *
 * One request: record, with the attributes below, all strings; the
 * reply is a status. Multi-valued attributes (policy strings, MX host
 * patterns) are one string with the values separated by newlines.
 * Bump TLSRPT_VERSION whenever an attribute changes in a way that an
 * older peer would misread.
 */
#ifndef TLSRPT_CLIENT_H
#define TLSRPT_CLIENT_H

#include <stdbool.h>

/* Service and protocol. */
#define TLSRPT_SERVICE  "private/tlsrpt"  /* default smtp_tlsrpt_socket_name */
#define TLSRPT_PROTOCOL "tlsrpt_protocol" /* server greeting (attr_hello) */
#define TLSRPT_VERSION  1                 /* protocol version in the greeting */

/* Requests: the value of TLSRPT_ATTR_REQ, the first attribute of a request. */
#define TLSRPT_ATTR_REQ   "request"
#define TLSRPT_REQ_RECORD "record"

/* Request attributes (record), in this order. */
#define TLSRPT_ATTR_DOMAIN  "policy_domain"  /* the policy domain (next-hop domain) */
#define TLSRPT_ATTR_TYPE    "policy_type"    /* tlsa, sts, no-policy-found */
#define TLSRPT_ATTR_STRINGS "policy_string"  /* TLSA records or STS policy lines */
#define TLSRPT_ATTR_MX_HOST "mx_host"        /* STS mx patterns */
#define TLSRPT_ATTR_RESULT  "result"         /* "success" or an RFC 8460 result type */
#define TLSRPT_ATTR_SEND_IP "sending_mta_ip" /* our address, or "" */
#define TLSRPT_ATTR_MX_NAME "receiving_mx"   /* the MX host name, or "" */
#define TLSRPT_ATTR_MX_HELO "receiving_helo" /* its greeting name, or "" */
#define TLSRPT_ATTR_MX_IP   "receiving_ip"   /* its address, or "" */
#define TLSRPT_ATTR_REASON  "reason"         /* failure-reason-code text, or "" */
#define TLSRPT_ATTR_STATUS  "status"         /* reply */

/* Policy types (RFC 8460 section 4.4). */
#define TLSRPT_POLICY_TLSA "tlsa"
#define TLSRPT_POLICY_STS  "sts"
#define TLSRPT_POLICY_NONE "no-policy-found"

/* Results: success, or the RFC 8460 section 4.3 result types. */
#define TLSRPT_SUCCESS                "success"
#define TLSRPT_STARTTLS_NOT_SUPPORTED "starttls-not-supported"
#define TLSRPT_CERT_HOST_MISMATCH     "certificate-host-mismatch"
#define TLSRPT_CERT_EXPIRED           "certificate-expired"
#define TLSRPT_CERT_NOT_TRUSTED       "certificate-not-trusted"
#define TLSRPT_VALIDATION_FAILURE     "validation-failure"
#define TLSRPT_TLSA_INVALID           "tlsa-invalid"
#define TLSRPT_DNSSEC_INVALID         "dnssec-invalid"
#define TLSRPT_DANE_REQUIRED          "dane-required"
#define TLSRPT_STS_POLICY_FETCH_ERROR "sts-policy-fetch-error"
#define TLSRPT_STS_POLICY_INVALID     "sts-policy-invalid"
#define TLSRPT_STS_WEBPKI_INVALID     "sts-webpki-invalid"

/* Status codes. */
#define TLSRPT_STAT_OK   0    /* recorded */
#define TLSRPT_STAT_ERR  (-1) /* refused: a malformed record */
#define TLSRPT_STAT_FAIL (-2) /* the collector could not be reached or could not store it */

/* Limits both ends enforce. */
#define TLSRPT_FIELD_MAX 4096 /* bytes in one attribute value */

/* One session's result (strings not owned; NULL is the same as ""). */
typedef struct TLSRPT_RECORD {
    const char *policy_domain;  /* required */
    const char *policy_type;    /* TLSRPT_POLICY_* */
    const char *policy_strings; /* newline-separated, or NULL */
    const char *mx_host;        /* newline-separated patterns, or NULL */
    const char *result;         /* TLSRPT_SUCCESS or a result type */
    const char *sending_ip;     /* or NULL */
    const char *receiving_mx;   /* or NULL */
    const char *receiving_helo; /* or NULL */
    const char *receiving_ip;   /* or NULL */
    const char *reason;         /* or NULL */
} TLSRPT_RECORD;

extern void tlsrpt_client_init(const char *endpoint, int timeout);
extern int tlsrpt_client_send(const TLSRPT_RECORD *record);
extern bool tlsrpt_result_ok(const char *result);
extern bool tlsrpt_policy_type_ok(const char *type);

#endif
