/*
 * pipe.h - the pipe delivery agent: shared types
 *
 * pipe(8) delivers to a command named in master.cf (argv=), as the user
 * that user= names, never as root. pipe_attr.c reads the command
 * attributes, pipe_expand.c expands the ${name} macros of the command
 * line for one group of recipients, pipe.c writes the message to the
 * command and maps its exit status.
 */
#ifndef PIPE_H
#define PIPE_H

#include <stdbool.h>
#include <sys/types.h>

#include "argv.h"
#include "vstring.h"

#include "deliver_request.h"

/* flags= letters. */
#define PIPE_FLAG_BLANK       (1 << 0)  /* B: an empty line after the message */
#define PIPE_FLAG_DELIVERED   (1 << 1)  /* D: Delivered-To: recipient */
#define PIPE_FLAG_FROM        (1 << 2)  /* F: "From sender date" line */
#define PIPE_FLAG_ORIGINAL    (1 << 3)  /* O: X-Original-To: original recipient */
#define PIPE_FLAG_RETURN_PATH (1 << 4)  /* R: Return-Path: <sender> */
#define PIPE_FLAG_FINAL       (1 << 5)  /* X: final delivery (DSN "delivered") */
#define PIPE_FLAG_FOLD_HOST   (1 << 6)  /* h: lower-case domain, nexthop */
#define PIPE_FLAG_QUOTE       (1 << 7)  /* q: RFC 5321 quoting of address localparts */
#define PIPE_FLAG_FOLD_USER   (1 << 8)  /* u: lower-case recipient localparts */
#define PIPE_FLAG_DOT         (1 << 9)  /* .: a leading dot doubled */
#define PIPE_FLAG_QUOTE_FROM  (1 << 10) /* >: ">" before a leading "From " */

/* The command attributes of one master.cf entry (owned by pipe.c). */
typedef struct PIPE_ATTR {
    int flags;               /* PIPE_FLAG_* */
    uid_t uid;               /* user= */
    gid_t gid;               /* user=name:group, else the user's group */
    ARGV *argv;              /* argv=: the command (an absolute path) and its arguments */
    long long size_limit;    /* size=, 0: none */
    VSTRING *eol;            /* eol=, unescaped; "\n" by default */
    const char *null_sender; /* null_sender=, "MAILER-DAEMON" by default; owned */
    const char *directory;   /* directory=, or NULL: the queue directory; owned */
    const char *chroot;      /* chroot=, or NULL: none; owned */
} PIPE_ATTR;

/* pipe_attr.c */
extern int pipe_attr_parse(const ARGV *args, PIPE_ATTR *attr, VSTRING *why);
extern void pipe_attr_free(PIPE_ATTR *attr);

/* What the macros expand from. */
typedef struct PIPE_MACRO_CONTEXT {
    const DELIVER_REQUEST *request; /* sender, next hop, queue id; not owned */
    const size_t *rcpts;            /* request indexes of this group's recipients */
    size_t rcpt_count;              /* entries in rcpts */
    const char *delimiters;         /* recipient_delimiter, or NULL */
    const char *null_sender;        /* ${sender} of the null sender */
    int flags;                      /* PIPE_FLAG_FOLD_*, PIPE_FLAG_QUOTE */
    long long size;                 /* ${size} */
} PIPE_MACRO_CONTEXT;

/* pipe_expand.c */
extern int pipe_expand_check(const ARGV *argv, VSTRING *why);
extern ARGV *pipe_expand(const ARGV *argv, const PIPE_MACRO_CONTEXT *context);

#endif
