/*++
 * NAME
 *	param_service - per-transport parameter names
 * SYNOPSIS
 *	#include <param_table.h>
 *
 *	const PARAM_SERVICE_SUFFIX param_service_suffixes[];
 *
 *	const PARAM_SERVICE_SUFFIX *param_service_match(const char *name,
 *					size_t *out_prefix_len);
 *	int	param_service_is_agent(const char *command, int *out_pipe);
 * DESCRIPTION
 *	The queue manager reads some parameters per transport: the name is
 *	the master.cf service name, an underscore and a fixed suffix, as in
 *	smtp_destination_concurrency_limit or relay_initial_destination_concurrency.
 *	param_service_suffixes lists the suffixes with their type and
 *	default, ending with an entry whose suffix is NULL.
 *
 *	param_service_match() returns the suffix entry that name ends with,
 *	when a non-empty transport name precedes it, and stores the length
 *	of that transport name in *out_prefix_len. It returns NULL otherwise.
 *	The longest matching suffix wins, so that x_destination_recipient_limit
 *	is not read as transport "x_destination" with suffix recipient_limit.
 *
 *	param_service_is_agent() says whether a master.cf command (the
 *	program name) is a delivery agent that the queue manager schedules,
 *	so that its service has per-transport parameters; *out_pipe is set
 *	for pipe(8) and spawn(8), which also have <service>_time_limit.
 *--*/

/* System library. */
#include <string.h>

/* Global library. */
#include "param_table.h"

/*
 * Entry builders: suffix, default, lower bound. SERVICE_UNIMPLEMENTED(INT,
 * ...) marks a suffix that no program reads yet (see param_table.h).
 */
#define SERVICE_UNIMPLEMENTED(KIND, ...) SERVICE_##KIND##_F(PARAM_FLAG_UNIMPLEMENTED, __VA_ARGS__)
#define SERVICE_INT(S, D, MIN)           SERVICE_INT_F(0, S, D, MIN)
#define SERVICE_INT_F(F, S, D, MIN)                                                                \
    {{.name = (S), .type = PARAM_TYPE_INT, .defval = (D), .min = (MIN), .flags = (F)}, 0}
#define SERVICE_STR_F(F, S, D)                                                                     \
    {{.name = (S), .type = PARAM_TYPE_STR, .defval = (D), .flags = (F)}, 0}
#define SERVICE_TIME_F(F, S, D, MIN)                                                               \
    {{.name = (S),                                                                                 \
      .type = PARAM_TYPE_TIME,                                                                     \
      .defval = (D),                                                                               \
      .min = (MIN),                                                                                \
      .unit = 's',                                                                                 \
      .flags = (F)},                                                                               \
     0}

const PARAM_SERVICE_SUFFIX param_service_suffixes[] = {
    SERVICE_UNIMPLEMENTED(INT, "delivery_slot_cost", "$default_delivery_slot_cost", 0),
    SERVICE_UNIMPLEMENTED(INT, "delivery_slot_discount", "$default_delivery_slot_discount", 0),
    SERVICE_UNIMPLEMENTED(INT, "delivery_slot_loan", "$default_delivery_slot_loan", 0),
    SERVICE_UNIMPLEMENTED(INT, "destination_concurrency_failed_cohort_limit",
                          "$default_destination_concurrency_failed_cohort_limit", 0),
    SERVICE_INT("destination_concurrency_limit", "$default_destination_concurrency_limit", 0),
    SERVICE_UNIMPLEMENTED(STR, "destination_concurrency_negative_feedback",
                          "$default_destination_concurrency_negative_feedback"),
    SERVICE_UNIMPLEMENTED(STR, "destination_concurrency_positive_feedback",
                          "$default_destination_concurrency_positive_feedback"),
    SERVICE_UNIMPLEMENTED(TIME, "destination_rate_delay", "$default_destination_rate_delay", 0),
    SERVICE_INT("destination_recipient_limit", "$default_destination_recipient_limit", 0),
    SERVICE_UNIMPLEMENTED(INT, "extra_recipient_limit", "$default_extra_recipient_limit", 0),
    SERVICE_UNIMPLEMENTED(INT, "initial_destination_concurrency",
                          "$initial_destination_concurrency", 1),
    SERVICE_UNIMPLEMENTED(INT, "minimum_delivery_slots", "$default_minimum_delivery_slots", 0),
    SERVICE_UNIMPLEMENTED(INT, "recipient_limit", "$default_recipient_limit", 0),
    SERVICE_UNIMPLEMENTED(TIME, "recipient_refill_delay", "$default_recipient_refill_delay", 1),
    SERVICE_UNIMPLEMENTED(INT, "recipient_refill_limit", "$default_recipient_refill_limit", 1),
    {{.name = "time_limit", .type = PARAM_TYPE_TIME, .defval = "$command_time_limit", .unit = 's'},
     1},
    SERVICE_UNIMPLEMENTED(TIME, "transport_rate_delay", "$default_transport_rate_delay", 0),
    {{.name = NULL}, 0},
};

/* Delivery agents: the master.cf commands that the queue manager talks to. */
static const char *const param_agents[] = {"smtp",  "lmtp", "local", "virtual",
                                           "error", "pipe", "spawn", NULL};

/* param_service_match - match a per-transport parameter name */

const PARAM_SERVICE_SUFFIX *param_service_match(const char *name, size_t *out_prefix_len)
{
    const PARAM_SERVICE_SUFFIX *best = NULL;
    size_t name_len = strlen(name);
    size_t best_len = 0;

    for (const PARAM_SERVICE_SUFFIX *sp = param_service_suffixes; sp->info.name; sp++) {
        size_t suffix_len = strlen(sp->info.name);

        if (name_len < suffix_len + 2 || name[name_len - suffix_len - 1] != '_' ||
            strcmp(name + name_len - suffix_len, sp->info.name) != 0)
            continue;
        if (suffix_len > best_len) {
            best = sp;
            best_len = suffix_len;
        }
    }
    if (best && out_prefix_len)
        *out_prefix_len = name_len - best_len - 1;
    return best;
}

/* param_service_is_agent - is this master.cf command a delivery agent */

int param_service_is_agent(const char *command, int *out_pipe)
{
    const char *base = strrchr(command, '/');

    base = base ? base + 1 : command;
    for (int i = 0; param_agents[i]; i++) {
        if (strcmp(base, param_agents[i]) == 0) {
            if (out_pipe)
                *out_pipe = strcmp(base, "pipe") == 0 || strcmp(base, "spawn") == 0;
            return 1;
        }
    }
    return 0;
}
