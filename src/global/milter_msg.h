/*
 * milter_msg.h - a message held back while milters look at it
 *
 * With milters, a mail transaction is collected in a MILTER_MSG (the
 * envelope, the headers, the body) instead of going straight to the
 * queue file; the milters' modifications edit it, and then it is replayed
 * through a MILTER_MSG_SINK into the cleanup service, which writes the
 * final queue file before the client hears 250.
 */
#ifndef MILTER_MSG_H
#define MILTER_MSG_H

#include <stdbool.h>
#include <stddef.h>

typedef struct MILTER_MSG MILTER_MSG;

/* Where milter_msg_replay() sends the message. */
typedef struct MILTER_MSG_SINK {
    int (*sender)(void *context, const char *sender, const char *dsn_envid, int dsn_ret);
    int (*rcpt)(void *context, const char *rcpt, const char *dsn_orcpt, int dsn_notify);
    int (*line)(void *context, const char *data, size_t len, bool partial);
} MILTER_MSG_SINK;

extern MILTER_MSG *milter_msg_create(void);
extern MILTER_MSG *milter_msg_free(MILTER_MSG *msg);

/* Collecting. */
extern void milter_msg_sender(MILTER_MSG *msg, const char *sender, const char *dsn_envid,
                              int dsn_ret);
extern void milter_msg_rcpt(MILTER_MSG *msg, const char *rcpt, const char *dsn_orcpt,
                            int dsn_notify);
extern void milter_msg_line(MILTER_MSG *msg, const char *data, size_t len, bool partial);

/* Reading. */
extern const char *milter_msg_get_sender(const MILTER_MSG *msg);
extern size_t milter_msg_rcpt_count(const MILTER_MSG *msg);
extern const char *milter_msg_get_rcpt(const MILTER_MSG *msg, size_t i);
extern size_t milter_msg_header_count(const MILTER_MSG *msg);
extern const char *milter_msg_header(const MILTER_MSG *msg, size_t i);
extern const char *milter_msg_body(const MILTER_MSG *msg, size_t *out_len);

/* Editing. */
extern void milter_msg_add_header(MILTER_MSG *msg, const char *name, const char *value,
                                  bool leadspace);
extern void milter_msg_insert_header(MILTER_MSG *msg, long index, const char *name,
                                     const char *value, bool leadspace);
extern void milter_msg_change_header(MILTER_MSG *msg, long index, const char *name,
                                     const char *value, bool leadspace);
extern void milter_msg_add_rcpt(MILTER_MSG *msg, const char *rcpt);
extern int milter_msg_del_rcpt(MILTER_MSG *msg, const char *rcpt);
extern void milter_msg_change_sender(MILTER_MSG *msg, const char *sender);
extern void milter_msg_replace_body(MILTER_MSG *msg, const char *data, size_t len);
extern char *milter_msg_format_field(const char *name, const char *value, bool leadspace);

/* Writing. */
extern int milter_msg_replay(const MILTER_MSG *msg, const MILTER_MSG_SINK *sink, void *context);

#endif
