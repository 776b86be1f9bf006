/*++
 * NAME
 *	proxy_proto_fuzz - fuzz the HAProxy PROXY protocol parser
 * SUMMARY
 *	libFuzzer harness for proxy_proto(3)
 * DESCRIPTION
 *	The input is what a peer sends at the start of a connection to
 *	postscreen(8) with postscreen_upstream_proxy_protocol = haproxy.
 *
 *	Properties: the result is -1, 0, or a length within the input; a
 *	reason comes with -1; a complete header gives numeric addresses
 *	and decimal ports 0..65535 (unless local), and every
 *	shorter prefix of it reads as "need more" (0), never as a header or
 *	an error, so that a header arriving in pieces is read the same way.
 *	No memory error or undefined behaviour.
 *
 *	Fatal errors: proxy_proto(3) has no fatal reactions, so a
 *	msg_fatal() is a finding (FUZZ_FATAL_FINDING).
 * SEE ALSO
 *	proxy_proto(3), tests/fuzz/README
 *--*/

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "proxy_proto.h"

#include "fuzz.h"

struct proxy_job {
    const uint8_t *data; /* the input */
    size_t size;         /* its length */
};

/* proxy_check_addr - a numeric address and a port */

static void proxy_check_addr(const char *addr, const char *port, int *family)
{
    unsigned char bin[16];
    int this = inet_pton(AF_INET, addr, bin) == 1    ? AF_INET
               : inet_pton(AF_INET6, addr, bin) == 1 ? AF_INET6
                                                     : 0;

    if (this == 0)
        msg_panic("proxy_proto_parse: address \"%s\" is not numeric", addr);
    *family = this;
    if (*port == 0 || strspn(port, "0123456789") != strlen(port) || atol(port) > 65535)
        msg_panic("proxy_proto_parse: bad port \"%s\"", port);
}

/* proxy_run - parse, check, and check every prefix */

static void proxy_run(void *context)
{
    struct proxy_job *job = context;
    PROXY_PROTO_INFO info;
    const char *why;
    int n, family = 0;

    n = proxy_proto_parse((const char *)job->data, job->size, &info, &why);
    if (n < -1 || n > (int)job->size)
        msg_panic("proxy_proto_parse: result %d for %zu bytes", n, job->size);
    if (n == -1 && (why == NULL || *why == 0))
        msg_panic("proxy_proto_parse: -1 without a reason");
    if (n <= 0)
        return;
    if (info.version != 1 && info.version != 2)
        msg_panic("proxy_proto_parse: version %d", info.version);
    if (!info.local) {
        proxy_check_addr(info.client_addr, info.client_port, &family);
        proxy_check_addr(info.server_addr, info.server_port, &family);
    }
    for (int k = 0; k < n; k++)
        if (proxy_proto_parse((const char *)job->data, (size_t)k, &info, &why) != 0)
            msg_panic("proxy_proto_parse: a %d-byte prefix of a %d-byte header is not "
                      "\"need more\"",
                      k, n);
}

/* LLVMFuzzerTestOneInput - one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct proxy_job job = {data, size};

    fuzz_init("proxy_proto_fuzz");
    fuzz_call(proxy_run, &job, FUZZ_FATAL_FINDING);
    return 0;
}
