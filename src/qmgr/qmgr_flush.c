/*++
 * NAME
 *	qmgr_flush - tell the fast flush service about deferred mail
 * SYNOPSIS
 *	#include "qmgr.h"
 *
 *	void	qmgr_flush_init(void);
 *	void	qmgr_flush_deferred(const QMGR_MESSAGE *message);
 * DESCRIPTION
 *	qmgr_flush_init() builds the list of fast_flush_domains (with
 *	parent_domain_matches_subdomains), fatal when it is malformed.
 *
 *	qmgr_flush_deferred() runs when a message has just been moved to
 *	the deferred queue: for each domain of a recipient that is still
 *	pending (each domain once) that fast_flush_domains lists, it asks
 *	the fast flush service to add the message to that domain's log
 *	(mail_flush_add()), so that ETRN and "postqueue -s" find it. The
 *	message is in the deferred queue by then, so that a flush that
 *	comes at once finds it there. Domains outside the list are not
 *	sent: a configuration without the flush service costs nothing
 *	unless fast_flush_domains (by default $relay_domains) names
 *	something.
 * DIAGNOSTICS
 *	Warning: the flush service failed ("flush service failure"). The
 *	message stays deferred and is retried as usual.
 * SEE ALSO
 *	flush(8), mail_flush(3)
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "htable.h"
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "mail_flush.h"
#include "mail_params.h"

/* Application-specific. */
#include "qmgr.h"

/* qmgr_flush_init - the eligible domains */

void qmgr_flush_init(void)
{
    VSTRING *why = vstring_alloc(100);

    if (qmgr.fast_flush_domains_text && *qmgr.fast_flush_domains_text &&
        (qmgr.fast_flush_domains = match_list_create(
             VAR_FAST_FLUSH_DOMAINS, qmgr.fast_flush_domains_text,
             match_list_parent_flag(VAR_FAST_FLUSH_DOMAINS, qmgr.parent_domains), why)) == NULL)
        msg_fatal("%s: %s", VAR_FAST_FLUSH_DOMAINS, vstring_str(why));
    vstring_free(why);
}

/* qmgr_flush_deferred - log a deferred message for its fast flush domains */

void qmgr_flush_deferred(const QMGR_MESSAGE *message)
{
    MAIL_FLUSH_PROPS props = {
        .queue_directory = ".",
        .queue_service = "",
        .flush_service = qmgr.flush_service,
        .timeout = qmgr.ipc_timeout,
    };
    HTABLE *done;

    if (qmgr.fast_flush_domains == NULL)
        return;
    done = htable_create(4);
    for (size_t i = 0; i < message->rcpt_count; i++) {
        const char *at = strrchr(qmgr_message_address(message, i), '@');
        int outcome = message->rcpts[i].outcome;

        if ((outcome != DELIVER_OUTCOME_NONE && outcome != DELIVER_OUTCOME_DEFERRED) ||
            at == NULL || at[1] == 0 || htable_find(done, at + 1) != NULL)
            continue;
        htable_enter(done, at + 1, done);
        if (match_list_domain(qmgr.fast_flush_domains, at + 1) == 0)
            continue;
        switch (mail_flush_add(&props, at + 1, message->id)) {
        case MAIL_FLUSH_STAT_OK:
        case MAIL_FLUSH_STAT_DENY:
            break;
        default:
            msg_warn("%s: %s service failure", message->id, qmgr.flush_service);
            break;
        }
    }
    htable_free(done, NULL);
}
