/*++
 * NAME
 *	qmgr_sched - the retry arithmetic of the queue manager
 * SYNOPSIS
 *	#include <qmgr_sched.h>
 *
 *	long long qmgr_sched_backoff(long long attempts,
 *				long long min_backoff, long long max_backoff);
 *	long long qmgr_sched_next(long long now, long long attempts,
 *				long long min_backoff, long long max_backoff);
 *	bool	qmgr_sched_expired(long long arrival, long long now,
 *				long long lifetime);
 *	bool	qmgr_sched_due(long long next_attempt, long long now);
 * DESCRIPTION
 *	All times are seconds.
 *
 *	qmgr_sched_backoff() is the wait after the attempts-th failed
 *	attempt: min_backoff, doubled for each earlier attempt, and never
 *	more than max_backoff (nor less than min_backoff: a max_backoff
 *	below min_backoff is raised to it).
 *
 *	qmgr_sched_next() is the time of the next attempt: now plus the
 *	back-off.
 *
 *	qmgr_sched_expired() is true when a message that arrived at arrival
 *	has been queued for lifetime seconds or more by now.
 *
 *	qmgr_sched_due() is true when a next attempt time has come (0
 *	means as soon as possible).
 *--*/

/* Global library. */
#include "qmgr_sched.h"

/* qmgr_sched_backoff - the wait after a failed attempt */

long long qmgr_sched_backoff(long long attempts, long long min_backoff, long long max_backoff)
{
    long long delay = min_backoff > 0 ? min_backoff : 1;

    if (max_backoff < delay)
        max_backoff = delay;
    for (long long i = 1; i < attempts && delay < max_backoff; i++)
        delay *= 2;
    return delay < max_backoff ? delay : max_backoff;
}

/* qmgr_sched_next - the next attempt time */

long long qmgr_sched_next(long long now, long long attempts, long long min_backoff,
                          long long max_backoff)
{
    return now + qmgr_sched_backoff(attempts, min_backoff, max_backoff);
}

/* qmgr_sched_expired - has a message outlived its lifetime? */

bool qmgr_sched_expired(long long arrival, long long now, long long lifetime)
{
    return now - arrival >= lifetime;
}

/* qmgr_sched_due - has the next attempt time come? */

bool qmgr_sched_due(long long next_attempt, long long now)
{
    return next_attempt <= now;
}
