/*
 * qmgr_sched.h - the retry arithmetic of the queue manager
 *
 * Back-off doubles from minimal_backoff_time with each attempt, up to
 * maximal_backoff_time. A message whose age has reached its lifetime
 * (maximal_queue_lifetime, or bounce_queue_lifetime for a message with
 * the null sender) is returned to its sender instead of being deferred
 * again; a lifetime of 0 means a single attempt.
 */
#ifndef QMGR_SCHED_H
#define QMGR_SCHED_H

#include <stdbool.h>

extern long long qmgr_sched_backoff(long long attempts, long long min_backoff,
                                    long long max_backoff);
extern long long qmgr_sched_next(long long now, long long attempts, long long min_backoff,
                                 long long max_backoff);
extern bool qmgr_sched_expired(long long arrival, long long now, long long lifetime);
extern bool qmgr_sched_due(long long next_attempt, long long now);

#endif
