/* attr_dispatch_test - one request read, dispatched by name and answered; wake-ups skipped */

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "attr.h"
#include "attr_dispatch.h"
#include "msg.h"
#include "vstream.h"
#include "vstring.h"
#include "test.h"

/* Warnings are captured here instead of going to stderr. */
static VSTRING *warnings;

static void capture(enum msg_level level, const char *text, void *context)
{
    vstring_sprintf_append(warnings, "%s\n", text);
}

static int echo_calls; /* how often echo_request() ran */

/* echo_request - reads "value", replies with it */

static int echo_request(VSTREAM *client)
{
    VSTRING *value = vstring_alloc(10);
    int result = -1;

    echo_calls++;
    if (attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_STR("value", value), ATTR_TYPE_END) == 1)
        result = attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_STR("echo", vstring_str(value)),
                            ATTR_TYPE_END);
    vstring_free(value);
    return result;
}

/* fail_request - a handler that wants the client dropped */

static int fail_request(VSTREAM *client)
{
    return -1;
}

static const ATTR_DISPATCH table[] = {
    {"echo", echo_request},
    {"fail", fail_request},
    {NULL, NULL},
};

/* pair - a connected server stream and client stream */

static void pair(VSTREAM **server, VSTREAM **client)
{
    int sv[2];

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    *server = vstream_fdopen(sv[0], VSTREAM_FLAG_RW);
    *client = vstream_fdopen(sv[1], VSTREAM_FLAG_RW);
    vstream_set_timeout(*server, 2);
    vstream_set_timeout(*client, 2);
}

/* send_request - one request from the client side */

static void send_request(VSTREAM *client, const char *name, const char *value)
{
    attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_STR("request", name),
               SEND_ATTR_STR("value", value), ATTR_TYPE_END);
    vstream_fflush(client);
}

static void test_requests(void)
{
    VSTREAM *server, *client;
    VSTRING *echo = vstring_alloc(10);

    pair(&server, &client);
    send_request(client, "echo", "one");
    send_request(client, "echo", "two");
    TEST_INT_EQ(attr_dispatch(server, "request", table), 0, "a known request is served");
    TEST_INT_EQ(attr_dispatch(server, "request", table), 0, "the next one on the same stream");
    TEST_INT_EQ(echo_calls, 2, "the handler ran once for each");
    TEST_CHECK(attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_STR("echo", echo), ATTR_TYPE_END) ==
                       1 &&
                   strcmp(vstring_str(echo), "one") == 0,
               "the first reply was flushed: %s", vstring_str(echo));
    TEST_CHECK(attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_STR("echo", echo), ATTR_TYPE_END) ==
                       1 &&
                   strcmp(vstring_str(echo), "two") == 0,
               "the second reply was flushed: %s", vstring_str(echo));

    send_request(client, "fail", "x");
    TEST_INT_EQ(attr_dispatch(server, "request", table), -1, "a failing handler: drop");

    vstream_close(server);
    vstream_close(client);

    /* A dropped client's stream is not read again: a new one for each. */
    pair(&server, &client);
    VSTRING_RESET(warnings);
    send_request(client, "bogus", "x");
    TEST_INT_EQ(attr_dispatch(server, "request", table), -1, "an unknown request: drop");
    TEST_STR_EQ(vstring_str(warnings), "warning: unknown request \"bogus\"\n",
                "an unknown request is warned");
    vstream_close(server);
    vstream_close(client);

    /* The request name under another attribute name is malformed. */
    pair(&server, &client);
    VSTRING_RESET(warnings);
    attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_STR("value", "x"), ATTR_TYPE_END);
    vstream_fflush(client);
    echo_calls = 0;
    TEST_INT_EQ(attr_dispatch(server, "request", table), -1, "no request name: drop");
    TEST_INT_EQ(echo_calls, 0, "no request name: no handler ran");
    vstream_close(server);
    vstream_close(client);
    vstring_free(echo);
}

static void test_wakeup(void)
{
    VSTREAM *server, *client;

    /* Master's wake-up byte is not a request. */
    pair(&server, &client);
    vstream_putc(client, 'W');
    vstream_fflush(client);
    echo_calls = 0;
    TEST_INT_EQ(attr_dispatch(server, "request", table), -1, "a wake-up: drop");
    TEST_INT_EQ(echo_calls, 0, "a wake-up: no handler ran");
    vstream_close(server);
    vstream_close(client);

    /* The end of input is not a request either. */
    pair(&server, &client);
    vstream_close(client);
    TEST_INT_EQ(attr_dispatch_ready(server), -1, "end of input: not ready");
    vstream_close(server);

    /* A request is ready, and nothing of it is consumed by asking. */
    pair(&server, &client);
    send_request(client, "echo", "three");
    TEST_INT_EQ(attr_dispatch_ready(server), 0, "a request: ready");
    TEST_INT_EQ(attr_dispatch(server, "request", table), 0, "then served whole");
    vstream_close(server);
    vstream_close(client);
}

int main(void)
{
    msg_init("attr_dispatch_test");
    warnings = vstring_alloc(100);
    msg_output_add(capture, NULL);
    msg_stderr_enable(0);
    test_requests();
    test_wakeup();
    vstring_free(warnings);
    return test_summary("attr_dispatch_test");
}
