/*
 * milter_proto.h - the vocabulary of the Sendmail milter protocol
 *
 * Every packet, in both directions, is a four-byte length in network byte
 * order (counting the command byte and the data), one command byte and
 * the data. The MTA sends commands (MILTER_CMD_*), the milter answers with
 * replies (MILTER_REPLY_*). MILTER_ACT_* are the modifications that a
 * milter may ask for at negotiation, MILTER_PROTO_* the events that it
 * may ask to skip (NO*) or to send without a reply (NR_*), and
 * MILTER_MACRO_STAGE_* the stages whose macro lists it may choose
 * (protocol 6). The values are those of Sendmail's libmilter, which every
 * milter speaks.
 */
#ifndef MILTER_PROTO_H
#define MILTER_PROTO_H

/* Protocol versions that milter_protocol may name. */
#define MILTER_VERSION_MIN 2
#define MILTER_VERSION_MAX 6

/* Commands: MTA to milter. */
#define MILTER_CMD_ABORT   'A' /* abandon the message, keep the connection */
#define MILTER_CMD_BODY    'B' /* a chunk of the body */
#define MILTER_CMD_CONNECT 'C' /* hostname, family, port, address */
#define MILTER_CMD_MACRO   'D' /* command byte, then name/value pairs */
#define MILTER_CMD_EOB     'E' /* end of the message */
#define MILTER_CMD_HELO    'H' /* the HELO argument */
#define MILTER_CMD_HEADER  'L' /* name, value */
#define MILTER_CMD_MAIL    'M' /* sender and ESMTP arguments */
#define MILTER_CMD_EOH     'N' /* end of the headers */
#define MILTER_CMD_OPTNEG  'O' /* negotiation */
#define MILTER_CMD_QUIT    'Q' /* end of the session */
#define MILTER_CMD_RCPT    'R' /* recipient and ESMTP arguments */
#define MILTER_CMD_DATA    'T' /* the DATA command */
#define MILTER_CMD_UNKNOWN 'U' /* an unknown SMTP command */

/* Replies: milter to MTA. */
#define MILTER_REPLY_ADDRCPT     '+' /* add a recipient */
#define MILTER_REPLY_DELRCPT     '-' /* delete a recipient */
#define MILTER_REPLY_ADDRCPT_PAR '2' /* add a recipient with ESMTP arguments */
#define MILTER_REPLY_SHUTDOWN    '4' /* 421: close the SMTP session */
#define MILTER_REPLY_ACCEPT      'a' /* accept; no more events for this message */
#define MILTER_REPLY_REPLBODY    'b' /* (part of) a new body */
#define MILTER_REPLY_CONTINUE    'c' /* go on */
#define MILTER_REPLY_DISCARD     'd' /* accept and drop the message */
#define MILTER_REPLY_CHGFROM     'e' /* change the sender */
#define MILTER_REPLY_CONN_FAIL   'f' /* cause a connection failure */
#define MILTER_REPLY_ADDHEADER   'h' /* append a header */
#define MILTER_REPLY_INSHEADER   'i' /* insert a header at a position */
#define MILTER_REPLY_SETSYMLIST  'l' /* macro list of a stage (only in negotiation) */
#define MILTER_REPLY_CHGHEADER   'm' /* change or delete the Nth header of a name */
#define MILTER_REPLY_PROGRESS    'p' /* still working: restart the timer */
#define MILTER_REPLY_QUARANTINE  'q' /* put the message on hold */
#define MILTER_REPLY_REJECT      'r' /* 5xx */
#define MILTER_REPLY_SKIP        's' /* send no more body chunks */
#define MILTER_REPLY_TEMPFAIL    't' /* 4xx */
#define MILTER_REPLY_REPLYCODE   'y' /* an SMTP reply of its own */

/* Modification actions (negotiation). */
#define MILTER_ACT_ADDHDRS     0x001 /* add headers */
#define MILTER_ACT_CHGBODY     0x002 /* replace the body */
#define MILTER_ACT_ADDRCPT     0x004 /* add recipients */
#define MILTER_ACT_DELRCPT     0x008 /* delete recipients */
#define MILTER_ACT_CHGHDRS     0x010 /* change or delete headers */
#define MILTER_ACT_QUARANTINE  0x020 /* quarantine */
#define MILTER_ACT_CHGFROM     0x040 /* change the sender */
#define MILTER_ACT_ADDRCPT_PAR 0x080 /* add recipients with ESMTP arguments */
#define MILTER_ACT_SETSYMLIST  0x100 /* choose macro lists */

/* Protocol steps (negotiation). */
#define MILTER_PROTO_NOCONNECT   0x000001 /* no connect event */
#define MILTER_PROTO_NOHELO      0x000002 /* no HELO event */
#define MILTER_PROTO_NOMAIL      0x000004 /* no MAIL event */
#define MILTER_PROTO_NORCPT      0x000008 /* no RCPT event */
#define MILTER_PROTO_NOBODY      0x000010 /* no body chunks */
#define MILTER_PROTO_NOHDRS      0x000020 /* no headers */
#define MILTER_PROTO_NOEOH       0x000040 /* no end of headers */
#define MILTER_PROTO_NR_HDR      0x000080 /* no reply to a header */
#define MILTER_PROTO_NOUNKNOWN   0x000100 /* no unknown-command event */
#define MILTER_PROTO_NODATA      0x000200 /* no DATA event */
#define MILTER_PROTO_SKIP        0x000400 /* the MTA understands SKIP */
#define MILTER_PROTO_RCPT_REJ    0x000800 /* also rejected recipients */
#define MILTER_PROTO_NR_CONN     0x001000 /* no reply to connect */
#define MILTER_PROTO_NR_HELO     0x002000 /* no reply to HELO */
#define MILTER_PROTO_NR_MAIL     0x004000 /* no reply to MAIL */
#define MILTER_PROTO_NR_RCPT     0x008000 /* no reply to RCPT */
#define MILTER_PROTO_NR_DATA     0x010000 /* no reply to DATA */
#define MILTER_PROTO_NR_UNKN     0x020000 /* no reply to an unknown command */
#define MILTER_PROTO_NR_EOH      0x040000 /* no reply to end of headers */
#define MILTER_PROTO_NR_BODY     0x080000 /* no reply to a body chunk */
#define MILTER_PROTO_HDR_LEADSPC 0x100000 /* header values keep their leading space */

/* What the MTA offers per protocol version (Postfix's choice of steps). */
#define MILTER_PROTO_OFFER_V2 0x00003f
#define MILTER_PROTO_OFFER_V3 0x00007f
#define MILTER_PROTO_OFFER_V4 0x0003ff
#define MILTER_PROTO_OFFER_V6 0x1fffff
#define MILTER_ACT_OFFER_V2   0x03f
#define MILTER_ACT_OFFER_V6   0x1ff

/* Macro stages (SETSYMLIST), in protocol order. */
#define MILTER_MACRO_STAGE_CONNECT 0
#define MILTER_MACRO_STAGE_HELO    1
#define MILTER_MACRO_STAGE_MAIL    2
#define MILTER_MACRO_STAGE_RCPT    3
#define MILTER_MACRO_STAGE_DATA    4
#define MILTER_MACRO_STAGE_EOM     5
#define MILTER_MACRO_STAGE_EOH     6
#define MILTER_MACRO_STAGE_UNKNOWN 7 /* ours: no SETSYMLIST stage of its own */
#define MILTER_MACRO_STAGES        8

/* Largest body chunk we send, and largest packet we accept. */
#define MILTER_CHUNK_SIZE 65535
#define MILTER_PACKET_MAX (1024 * 1024 + 16)

#endif
