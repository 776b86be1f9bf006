/* mail_trigger_test - wake-up requests to sockets and fifos */

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mail_trigger.h"
#include "msg.h"
#include "sockets.h"
#include "timed_io.h"
#include "vstring.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

int main(void)
{
    char dir[] = "/tmp/mail_trigger_test.XXXXXX";
    VSTRING *why = vstring_alloc(10);
    char buf[16];
    int listen_fd, fd;
    ssize_t got;

    if (mkdtemp(dir) == NULL || chdir(dir) < 0 || mkdir(MAIL_CLASS_PUBLIC, 0700) < 0)
        msg_fatal("temporary directory: %m");

    TEST_INT_EQ(mail_trigger(MAIL_CLASS_PUBLIC, "qmgr", "I", 1, 1, why), -1, "absent endpoint: -1");
    TEST_CHECK(strstr(vstring_str(why), "public/qmgr") != NULL, "reason names the path: %s",
               vstring_str(why));

    listen_fd = unix_listen("public/qmgr", 0600, 0, why);
    TEST_INT_EQ(mail_trigger(MAIL_CLASS_PUBLIC, "qmgr", "I", 1, 1, why), 0, "socket: sent");
    got = -1;
    if (poll_fd(listen_fd, POLLIN, 1000) > 0 && (fd = sock_accept(listen_fd)) >= 0) {
        got = timed_read(fd, buf, sizeof(buf), 1000, NULL);
        close(fd);
    }
    TEST_CHECK(got == 1 && buf[0] == 'I', "socket: the listener read one byte 'I'");
    close(listen_fd);
    unlink("public/qmgr");

    listen_fd = fifo_listen("public/pickup", 0622, why);
    TEST_INT_EQ(mail_trigger(MAIL_CLASS_PUBLIC, "pickup", "W", 1, 1, why), 0, "fifo: sent");
    got = read(listen_fd, buf, sizeof(buf));
    TEST_CHECK(got == 1 && buf[0] == 'W', "fifo: the listener read one byte 'W'");
    close(listen_fd);
    unlink("public/pickup");

    if (mkdir("public/file", 0700) == 0)
        TEST_INT_EQ(mail_trigger(MAIL_CLASS_PUBLIC, "file", "W", 1, 1, why), -1,
                    "a directory is no endpoint");
    rmdir("public/file");
    rmdir(MAIL_CLASS_PUBLIC);
    if (chdir("/") == 0)
        rmdir(dir);
    vstring_free(why);
    return test_summary("mail_trigger_test");
}
