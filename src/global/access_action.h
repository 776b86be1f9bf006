/*
 * access_action.h - what an access(5) table result means
 *
 * The value that check_client_access and the other access restrictions
 * find in a table is an action: OK, REJECT text, DEFER text, "4NN text",
 * DUNNO, WARN text, INFO text, DEFER_IF_PERMIT and DEFER_IF_REJECT, an
 * action on the whole message (HOLD, DISCARD, FILTER, REDIRECT, BCC,
 * PREPEND), or else a restriction list.
 * smtpd(8) acts on it; "postfix check" reads the tables it can list and
 * checks their values with the same parser.
 */
#ifndef ACCESS_ACTION_H
#define ACCESS_ACTION_H

typedef enum ACCESS_ACTION {
    ACCESS_ACTION_OK,              /* OK, or all digits: permit */
    ACCESS_ACTION_REJECT,          /* REJECT [text] */
    ACCESS_ACTION_DEFER,           /* DEFER [text] */
    ACCESS_ACTION_DEFER_IF_PERMIT, /* DEFER_IF_PERMIT [text]: defer unless a later one rejects */
    ACCESS_ACTION_DEFER_IF_REJECT, /* DEFER_IF_REJECT [text]: later rejections defer */
    ACCESS_ACTION_CODE,            /* 4NN text or 5NN text */
    ACCESS_ACTION_DUNNO,           /* DUNNO: no decision */
    ACCESS_ACTION_WARN,            /* WARN text: log, no decision */
    ACCESS_ACTION_INFO,            /* INFO text: log, no decision */
    ACCESS_ACTION_HOLD,            /* HOLD [text]: the message goes to the hold queue */
    ACCESS_ACTION_DISCARD,         /* DISCARD [text]: accept and drop the message */
    ACCESS_ACTION_FILTER,          /* FILTER transport:destination */
    ACCESS_ACTION_REDIRECT,        /* REDIRECT address: all recipients replaced */
    ACCESS_ACTION_BCC,             /* BCC address: one more recipient */
    ACCESS_ACTION_PREPEND,         /* PREPEND header: added to the message */
    ACCESS_ACTION_UNSUPPORTED,     /* an action of Postfix's not implemented here */
    ACCESS_ACTION_RESTRICTIONS,    /* anything else: a restriction list */
} ACCESS_ACTION;

/* What access_action_parse() found; pointers into the value. */
typedef struct ACCESS_RESULT {
    ACCESS_ACTION action; /* the kind */
    const char *text;     /* text after the keyword or code, "" when none */
    int code;             /* ACCESS_ACTION_CODE: the reply code */
    const char *keyword;  /* message and unsupported actions: the name, as "HOLD" */
} ACCESS_RESULT;

extern ACCESS_ACTION access_action_parse(const char *value, ACCESS_RESULT *out);
extern const char *access_action_word(const char *value, const char *word);

#endif
