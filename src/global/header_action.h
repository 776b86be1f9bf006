/*
 * header_action.h - what a header_checks(5) or body_checks table result means
 *
 * cleanup(8) looks each header and body line up in the checks tables and
 * acts on the value it finds; the smtp client does the same with
 * smtp_header_checks and smtp_body_checks (a smaller set of actions).
 */
#ifndef HEADER_ACTION_H
#define HEADER_ACTION_H

typedef enum HEADER_ACTION {
    HEADER_ACTION_DUNNO,    /* DUNNO or OK: keep the line, no action */
    HEADER_ACTION_REJECT,   /* REJECT [text]: refuse the message */
    HEADER_ACTION_WARN,     /* WARN [text]: log, keep the line */
    HEADER_ACTION_INFO,     /* INFO [text]: log, keep the line */
    HEADER_ACTION_DISCARD,  /* DISCARD [text]: accept and drop the message */
    HEADER_ACTION_HOLD,     /* HOLD [text]: into the hold queue */
    HEADER_ACTION_IGNORE,   /* IGNORE: delete the line */
    HEADER_ACTION_REPLACE,  /* REPLACE text: the line becomes text */
    HEADER_ACTION_PREPEND,  /* PREPEND text: text goes before the line */
    HEADER_ACTION_REDIRECT, /* REDIRECT user@domain */
    HEADER_ACTION_FILTER,   /* FILTER transport:destination */
    HEADER_ACTION_BCC,      /* BCC user@domain */
    HEADER_ACTION_STRIP,    /* STRIP [text]: delete the line, log (smtp client) */
    HEADER_ACTION_UNKNOWN,  /* anything else */
} HEADER_ACTION;

/* What header_action_parse() found; pointers into the value. */
typedef struct HEADER_ACTION_RESULT {
    HEADER_ACTION action; /* the kind */
    const char *keyword;  /* as Postfix spells it ("REJECT"), or NULL for UNKNOWN */
    const char *text;     /* the text after the keyword, "" when none */
} HEADER_ACTION_RESULT;

extern HEADER_ACTION header_action_parse(const char *value, HEADER_ACTION_RESULT *out);

#endif
