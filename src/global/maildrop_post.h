/*
 * maildrop_post.h - write one local submission for pickup
 *
 * The one writer of maildrop messages for sendmail and smtpd -S: the
 * message goes straight into maildrop when this process may write
 * there, else into a private file that postdrop(1) reads on standard
 * input and commits into maildrop.
 */
#ifndef MAILDROP_POST_H
#define MAILDROP_POST_H

#include "queue_file.h"
#include "vstring.h"

typedef struct MAILDROP_POST MAILDROP_POST;

extern MAILDROP_POST *maildrop_post_create(const char *postdrop, const char *config_dir,
                                           VSTRING *why);
extern QUEUE_FILE *maildrop_post_file(const MAILDROP_POST *mp);
extern int maildrop_post_commit(MAILDROP_POST *mp, VSTRING *why);
extern MAILDROP_POST *maildrop_post_close(MAILDROP_POST *mp);

#endif
