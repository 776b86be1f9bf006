/*
 * config_family_test - per-transport families and definitions bound at start-up
 *
 * TEST_UNDER_VALGRIND
 */

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "msg.h"
#include "test.h"

/* Values that a table binds. */
static struct {
    int timeout;                       /* smtpd_timeout */
    CONFIG_PER_TRANSPORT *concurrency; /* <transport>_destination_concurrency_limit */
    CONFIG_DEFINITIONS *classes;       /* smtpd_restriction_classes */
} bound;

int main(void)
{
    static const CONFIG_BIND table[] = {
        CONFIG_BIND_TIME(VAR_SMTPD_TIMEOUT, &bound.timeout),
        CONFIG_BIND_PER_TRANSPORT("destination_concurrency_limit", &bound.concurrency),
        CONFIG_BIND_DEFINITIONS(VAR_SMTPD_RESTRICTION_CLASSES, &bound.classes),
        CONFIG_BIND_END,
    };
    CONFIG *config;

    msg_init("config_family_test");
    msg_stderr_enable(0);
    config = config_alloc("/nonexistent");
    config_override(config, VAR_SMTPD_TIMEOUT, "2m");
    config_override(config, "default_destination_concurrency_limit", "7");
    config_override(config, "relay_destination_concurrency_limit", "3");
    config_override(config, VAR_SMTPD_RESTRICTION_CLASSES, "friendly, {strict}");
    config_override(config, "friendly", "permit_mynetworks, $strict");
    config_override(config, "strict", "reject");
    config_bind(config, table);

    TEST_INT_EQ(bound.timeout, 120, "a plain entry is bound as before");
    TEST_INT_EQ(config_per_transport_int(bound.concurrency, "relay"), 3,
                "a transport with its own setting");
    TEST_INT_EQ(config_per_transport_int(bound.concurrency, "smtp"), 7,
                "a transport without one takes the default");
    config_override(config, "smtp_destination_concurrency_limit", "9");
    TEST_INT_EQ(config_per_transport_int(bound.concurrency, "smtp"), 7,
                "a transport's value is read once, when it is first used");
    TEST_STR_EQ(config_definitions_find(bound.classes, "friendly"), "permit_mynetworks, reject",
                "a listed name has its expanded value");
    TEST_STR_EQ(config_definitions_find(bound.classes, "{strict}"), NULL,
                "a listed name defined nowhere has none");
    TEST_STR_EQ(config_definitions_find(bound.classes, "strict"), NULL,
                "a name that is not listed has none");

    bound.concurrency = config_per_transport_free(bound.concurrency);
    bound.classes = config_definitions_free(bound.classes);
    config_free(config);
    return test_summary("config_family_test");
}
