/*
 * rec_type.h - record types of queue files
 *
 * A queue file is a sequence of records: one type byte, the data length as
 * a base-128 number (7 bits per byte, least significant group first, high
 * bit set on every byte but the last), then the data. The order of the
 * records is fixed (see README_FILES/QUEUE_README):
 *
 *	C W T (A)* S (A O o n R D)* M (N L)* X (A O o n R D)* E
 *
 * Records C, W and M have fixed-width data so that they can be rewritten
 * in place; R becomes D by rewriting its type byte.
 */
#ifndef REC_TYPE_H
#define REC_TYPE_H

/* Envelope. */
#define REC_TYPE_SIZE       'C' /* sizes and counts, fixed width, first record */
#define REC_TYPE_SCHED      'W' /* next attempt, attempts, warning time; fixed width */
#define REC_TYPE_TIME       'T' /* arrival time: seconds, microseconds; fixed width */
#define REC_TYPE_ATTR       'A' /* named attribute: "name=value" */
#define REC_TYPE_FROM       'S' /* envelope sender; empty for the null sender */
#define REC_TYPE_ORCP       'O' /* original recipient of the next R */
#define REC_TYPE_DSN_ORCPT  'o' /* DSN ORCPT of the next R: "addr-type;xtext" */
#define REC_TYPE_DSN_NOTIFY 'n' /* DSN NOTIFY mask of the next R, decimal */
#define REC_TYPE_RCPT       'R' /* recipient still to be delivered */
#define REC_TYPE_DONE       'D' /* recipient finished (was R, rewritten in place) */

/* Content and its boundaries. */
#define REC_TYPE_MESG 'M' /* end of envelope; data: offset of the X record, fixed width */
#define REC_TYPE_NORM 'N' /* content line, without its line terminator */
#define REC_TYPE_CONT 'L' /* first part of a longer line; the next N or L continues it */
#define REC_TYPE_XTRA 'X' /* end of content; extracted envelope records follow */
#define REC_TYPE_END  'E' /* message complete: written last, with no data */

/* Results of rec_get() other than a record type. */
#define REC_TYPE_EOF   (-1) /* clean end of input before a record started */
#define REC_TYPE_ERROR (-2) /* truncated, malformed or over-long record, or I/O error */

/* Limits. */
#define REC_MAX_LEN_BYTES 5 /* at most 5 length bytes (35 bits) */

/* Fixed-width numeric fields, so that rewrites never change a record's size. */
#define REC_FIELD_WIDTH 15 /* digits per field, right-aligned, space-padded */

/* Fields of the fixed-width records. */
#define REC_SIZE_CONTENT     0 /* content bytes, counting one LF per line */
#define REC_SIZE_DATA_OFFSET 1 /* file offset of the first content record */
#define REC_SIZE_RCPT_COUNT  2 /* R and D records in the file */
#define REC_SIZE_VERSION     3 /* REC_FORMAT_VERSION */
#define REC_SIZE_FIELDS      4

#define REC_SCHED_NEXT_ATTEMPT 0 /* time of the next delivery attempt, 0: now */
#define REC_SCHED_ATTEMPTS     1 /* delivery attempts made so far */
#define REC_SCHED_WARN_TIME    2 /* time to send a delay warning, 0: none */
#define REC_SCHED_FIELDS       3

#define REC_TIME_SECONDS      0 /* arrival time */
#define REC_TIME_MICROSECONDS 1
#define REC_TIME_FIELDS       2

#define REC_MESG_XTRA_OFFSET 0 /* file offset of the X record */
#define REC_MESG_FIELDS      1

/* The format version that REC_TYPE_SIZE carries. */
#define REC_FORMAT_VERSION 1

/* DSN NOTIFY bits (RFC 3461) in REC_TYPE_DSN_NOTIFY; 0: the sender gave none. */
#define REC_NOTIFY_NEVER   (1 << 0)
#define REC_NOTIFY_SUCCESS (1 << 1)
#define REC_NOTIFY_FAILURE (1 << 2)
#define REC_NOTIFY_DELAY   (1 << 3)
#define REC_NOTIFY_MASK    ((1 << 4) - 1)

/*
 * REC_TYPE_ATTR names: facts about the receiving session and the message.
 * Names that Postfix also keeps are spelled as Postfix spells them.
 */
#define REC_ATTR_CLIENT_NAME     "client_name"         /* verified client host name */
#define REC_ATTR_REVERSE_NAME    "reverse_client_name" /* PTR name, unverified */
#define REC_ATTR_CLIENT_ADDRESS  "client_address"      /* client IP address */
#define REC_ATTR_CLIENT_PORT     "client_port"         /* client TCP port */
#define REC_ATTR_HELO_NAME       "helo_name"           /* HELO/EHLO argument */
#define REC_ATTR_PROTOCOL_NAME   "protocol_name"       /* SMTP, ESMTP, ESMTPS, ESMTPSA, ... */
#define REC_ATTR_SASL_METHOD     "sasl_method"         /* SASL mechanism */
#define REC_ATTR_SASL_USERNAME   "sasl_username"       /* authenticated SASL user */
#define REC_ATTR_SASL_SENDER     "sasl_sender"         /* MAIL FROM AUTH= of a logged-in client */
#define REC_ATTR_TLS_PROTOCOL    "tls_protocol"        /* TLSv1.3, ... */
#define REC_ATTR_TLS_CIPHER      "tls_cipher"          /* cipher suite name */
#define REC_ATTR_TLS_CIPHER_BITS "tls_cipher_bits"     /* symmetric key bits */
#define REC_ATTR_TLS_PEER_TRUST  "tls_peer_trust"      /* Anonymous, Untrusted, Trusted, Verified */
#define REC_ATTR_TLS_PEER_CN     "tls_peer_cn"         /* client certificate common name */
#define REC_ATTR_TLS_PEER_FPRINT "tls_peer_fingerprint" /* client certificate fingerprint */
#define REC_ATTR_DSN_ENVID       "dsn_envid"            /* DSN ENVID, xtext */
#define REC_ATTR_DSN_RET         "dsn_ret"              /* DSN RET: FULL or HDRS */
#define REC_ATTR_ENCODING        "encoding"             /* 7bit, 8bitmime */
#define REC_ATTR_LOG_IDENT       "log_ident"            /* logging identifier */
#define REC_ATTR_REWRITE_CONTEXT "rewrite_context"      /* local or remote */
#define REC_ATTR_FILTER          "filter"       /* FILTER action: transport:destination for all */
#define REC_ATTR_REDIRECT        "redirect"     /* REDIRECT action: the one recipient for all */
#define REC_ATTR_REQUIRETLS      "requiretls"   /* "yes": MAIL FROM REQUIRETLS (RFC 8689) */
#define REC_ATTR_TLS_REQUIRED    "tls_required" /* "no": a TLS-Required: no header was seen */

#endif
