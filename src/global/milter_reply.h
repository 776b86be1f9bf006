/*
 * milter_reply.h - parse the packets that a milter sends
 *
 * milter_reply_parse() checks one reply packet (command byte and data)
 * and describes it in a MILTER_REPLY whose strings point into the data.
 * milter_reply_optneg() reads the negotiation answer. Both read peer
 * input and trust none of it.
 */
#ifndef MILTER_REPLY_H
#define MILTER_REPLY_H

#include <stddef.h>

#include "vstring.h"

#include "milter_proto.h"

typedef struct MILTER_REPLY {
    int cmd;           /* MILTER_REPLY_* */
    const char *name;  /* header name (ADDHEADER, INSHEADER, CHGHEADER) */
    const char *value; /* header value (may be empty for CHGHEADER: delete) */
    long index;        /* INSHEADER position, CHGHEADER occurrence */
    const char *addr;  /* ADDRCPT*, DELRCPT, CHGFROM address */
    const char *args;  /* ESMTP arguments of ADDRCPT_PAR or CHGFROM, or NULL */
    const char *text;  /* REPLYCODE reply (checked), QUARANTINE reason */
    const char *data;  /* REPLBODY bytes */
    size_t len;        /* their length */
} MILTER_REPLY;

/* The negotiation answer. */
typedef struct MILTER_OPTNEG {
    unsigned version;                        /* the milter's protocol version */
    unsigned actions;                        /* MILTER_ACT_* it wants */
    unsigned proto;                          /* MILTER_PROTO_* it wants */
    const char *macros[MILTER_MACRO_STAGES]; /* SETSYMLIST lists, or NULL; point into data */
} MILTER_OPTNEG;

extern int milter_reply_parse(int cmd, const char *data, size_t len, MILTER_REPLY *out,
                              VSTRING *why);
extern int milter_reply_optneg(const char *data, size_t len, MILTER_OPTNEG *out, VSTRING *why);
extern int milter_reply_code_ok(const char *text, VSTRING *why);

#endif
