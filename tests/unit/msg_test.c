/* msg_test - log text is one printable line: CR/LF become spaces, other controls '?' */

#include <string.h>

#include "msg.h"
#include "test.h"

static char captured[512];

static void capture(enum msg_level unused_level, const char *text, void *unused_context)
{
    snprintf(captured, sizeof(captured), "%s", text);
}

int main(void)
{
    msg_init("msg_test");
    msg_stderr_enable(0);
    msg_output_add(capture, NULL);

    msg_info("plain text, 8-bit \xc3\xa9 kept");
    TEST_STR_EQ(captured, "plain text, 8-bit \xc3\xa9 kept",
                "printable and 8-bit text is unchanged");
    msg_info("< host[192.0.2.1]: %s", "NOOP\r\nDec  7 00:00:00 host postfix/smtpd[1]: forged");
    TEST_STR_EQ(captured, "< host[192.0.2.1]: NOOP  Dec  7 00:00:00 host postfix/smtpd[1]: forged",
                "CR and LF cannot start a second log line");
    msg_warn("helo=%s", "\x1b[2J\x1b]0;title\x07x\ty\x7fz\x01");
    TEST_STR_EQ(captured, "warning: helo=?[2J?]0;title?x?y?z?",
                "escape, bell, tab, DEL and other controls become '?'");
    return test_summary("msg_test");
}
