/* maildrop_test - checking untrusted maildrop files */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup_client.h"
#include "mail_queue.h"
#include "maildrop.h"
#include "msg.h"
#include "queue_file.h"
#include "queue_msg.h"
#include "rec_type.h"
#include "vstring.h"
#include "queue_fixture.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

/* A message as sendmail might write it. */
typedef struct TEST_DROP {
    const char *sender;
    const char *rcpts[5]; /* then NULL */
    const char *attrs[8]; /* "name", "value" pairs, then NULL */
    const char *orcpt;    /* DSN ORCPT of the first recipient, or NULL */
} TEST_DROP;

static char test_id[MAIL_QUEUE_ID_MAX_LEN + 1];

/* write_drop - write a maildrop file; returns its queue ID */

static const char *write_drop(const TEST_DROP *drop)
{
    QUEUE_FILE *qf = queue_file_create_mode(MAIL_QUEUE_MAILDROP, MAILDROP_FILE_MODE);

    for (int i = 0; drop->attrs[i]; i += 2)
        queue_file_attr(qf, drop->attrs[i], drop->attrs[i + 1]);
    queue_file_sender(qf, drop->sender);
    for (int i = 0; drop->rcpts[i]; i++)
        queue_file_rcpt(
            qf, &(QUEUE_RCPT){.address = drop->rcpts[i], .dsn_orcpt = i == 0 ? drop->orcpt : NULL});
    queue_file_content(qf);
    queue_file_line(qf, "Subject: test", 13);
    queue_file_line(qf, "", 0);
    queue_file_line(qf, "body", 4);
    queue_file_extra(qf);
    if (queue_file_commit(qf) < 0)
        msg_fatal("commit: %m");
    snprintf(test_id, sizeof(test_id), "%s", queue_file_id(qf));
    queue_file_close(qf);
    return test_id;
}

/* path_of - maildrop/ID */

static const char *path_of(const char *id)
{
    static VSTRING *buf;

    if (buf == NULL)
        buf = vstring_alloc(50);
    return mail_queue_path(buf, MAIL_QUEUE_MAILDROP, id);
}

/*
 * file_mode - change the mode of maildrop/ID. The files are read-only
 * (MAILDROP_FILE_MODE); a test that is not run by root makes one writable
 * to damage it, then read-only again.
 */

static void file_mode(const char *id, mode_t mode)
{
    if (chmod(path_of(id), mode) < 0)
        msg_fatal("chmod %s: %m", path_of(id));
}

static const MAILDROP_LIMITS limits = {.max_size = 10000, .max_rcpt = 3};

static void test_valid(void)
{
    TEST_DROP drop = {
        .sender = "alice",
        .rcpts = {"bob@example.com", "carol"},
        .attrs = {CLEANUP_ATTR_FULL_NAME, "Alice L.", REC_ATTR_DSN_RET, "HDRS", REC_ATTR_DSN_ENVID,
                  "id+2B1+20x"},
        .orcpt = "rfc822;bob+2Bx@example.com",
    };
    VSTRING *why = vstring_alloc(50), *buf = vstring_alloc(50), *content = vstring_alloc(50);
    MAILDROP *md;
    const char *id = write_drop(&drop);
    int type;

    TEST_INT_EQ(maildrop_open(id, &limits, &md, why), MAILDROP_STAT_OK, "valid file: OK (%s)",
                vstring_str(why));
    if (md == NULL)
        return;
    TEST_INT_EQ(maildrop_uid(md), getuid(), "the owner is the submitting user");
    TEST_STR_EQ(maildrop_sender(md), "alice", "sender");
    TEST_INT_EQ(maildrop_rcpt_count(md), 2, "two recipients");
    TEST_STR_EQ(maildrop_rcpt(md, 1)->address, "carol", "second recipient");
    TEST_STR_EQ(maildrop_attr(md, CLEANUP_ATTR_FULL_NAME), "Alice L.", "full name believed");
    TEST_STR_EQ(maildrop_attr(md, REC_ATTR_DSN_RET), "HDRS", "DSN RET believed");
    TEST_STR_EQ(maildrop_attr(md, REC_ATTR_DSN_ENVID), "id+2B1+20x", "DSN ENVID believed");
    TEST_STR_EQ(maildrop_rcpt(md, 0)->dsn_orcpt, "rfc822;bob+2Bx@example.com", "DSN ORCPT kept");
    TEST_INT_EQ(maildrop_dropped(md), 0, "nothing dropped");
    while ((type = maildrop_content_get(md, buf)) > 0)
        vstring_sprintf_append(content, "%c:%s|", type, vstring_str(buf));
    TEST_INT_EQ(type, 0, "content ends cleanly");
    TEST_STR_EQ(vstring_str(content), "N:Subject: test|N:|N:body|", "content records");
    maildrop_close(md);
    TEST_CHECK(access(path_of(id), F_OK) == 0, "close leaves the file in place");
    mail_queue_remove(MAIL_QUEUE_MAILDROP, id);
    vstring_free(why);
    vstring_free(buf);
    vstring_free(content);
}

static void test_dropped_attributes(void)
{
    TEST_DROP drop = {
        .sender = "mallory",
        .rcpts = {"bob@example.com"},
        .attrs = {REC_ATTR_CLIENT_ADDRESS, "192.0.2.1", REC_ATTR_TLS_PEER_TRUST, "Verified",
                  REC_ATTR_SASL_USERNAME, "admin"},
    };
    VSTRING *why = vstring_alloc(50);
    MAILDROP *md;
    const char *id = write_drop(&drop);

    TEST_INT_EQ(maildrop_open(id, &limits, &md, why), MAILDROP_STAT_OK,
                "session facts from a user: still a valid message");
    if (md) {
        TEST_INT_EQ(maildrop_dropped(md), 3, "three facts dropped");
        TEST_CHECK(maildrop_attr(md, REC_ATTR_CLIENT_ADDRESS) == NULL &&
                       maildrop_attr(md, REC_ATTR_TLS_PEER_TRUST) == NULL &&
                       maildrop_attr(md, REC_ATTR_SASL_USERNAME) == NULL,
                   "and none of them is believed");
        maildrop_close(md);
    }
    mail_queue_remove(MAIL_QUEUE_MAILDROP, id);
    vstring_free(why);
}

/* expect_bad - a file that must be refused */

static void expect_bad(const char *id, const char *what, const char *reason_part)
{
    VSTRING *why = vstring_alloc(50);
    MAILDROP *md;
    int status = maildrop_open(id, &limits, &md, why);

    TEST_CHECK(status == MAILDROP_STAT_BAD && md == NULL &&
                   strstr(vstring_str(why), reason_part) != NULL,
               "%s: refused (%d: %s)", what, status, vstring_str(why));
    vstring_free(why);
}

static void test_refused(void)
{
    TEST_DROP bad_ret = {.sender = "a", .rcpts = {"b"}, .attrs = {REC_ATTR_DSN_RET, "ALL"}};
    TEST_DROP many = {.sender = "a", .rcpts = {"b", "c", "d", "e"}};
    TEST_DROP ctrl = {.sender = "a", .rcpts = {"b\r\nRCPT TO:<x>"}};
    TEST_DROP plain = {.sender = "a", .rcpts = {"b"}};
    TEST_DROP envid_inject = {
        .sender = "a",
        .rcpts = {"b"},
        .attrs = {REC_ATTR_DSN_ENVID, "X\r\nRCPT TO:<injected@evil.test>\r\nNOOP Y"}};
    TEST_DROP envid_encoded_crlf = {
        .sender = "a", .rcpts = {"b"}, .attrs = {REC_ATTR_DSN_ENVID, "X+0D+0ANOOP"}};
    TEST_DROP orcpt_inject = {
        .sender = "a", .rcpts = {"b"}, .orcpt = "rfc822;b\r\nRCPT TO:<injected@evil.test>"};
    TEST_DROP orcpt_no_type = {.sender = "a", .rcpts = {"b"}, .orcpt = "b@example.com"};
    char id[MAIL_QUEUE_ID_MAX_LEN + 1];
    char other[MAIL_QUEUE_ID_MAX_LEN + 1];
    char old_path[100];
    VSTRING *why = vstring_alloc(50);
    QUEUE_MSG *msg;
    MAILDROP *md;
    size_t zero = 0;
    int fd;

    expect_bad(write_drop(&bad_ret), "DSN RET outside FULL/HDRS", "bad dsn_ret value");
    expect_bad(write_drop(&many), "more recipients than allowed", "exceed the limit");
    expect_bad(write_drop(&ctrl), "control characters in a recipient", "malformed recipient");
    expect_bad(write_drop(&envid_inject), "ENVID with a command line in it",
               "malformed dsn_envid attribute");
    expect_bad(write_drop(&envid_encoded_crlf), "ENVID that decodes to CR LF",
               "malformed dsn_envid attribute");
    expect_bad(write_drop(&orcpt_inject), "ORCPT with a command line in it", "malformed DSN ORCPT");
    expect_bad(write_drop(&orcpt_no_type), "ORCPT without an address type", "malformed DSN ORCPT");

    /* A recipient already marked done. */
    snprintf(id, sizeof(id), "%s", write_drop(&plain));
    file_mode(id, 0644);
    if (queue_msg_open(MAIL_QUEUE_MAILDROP, id, QUEUE_MSG_FLAG_UPDATE, &msg, why) != 0)
        msg_fatal("%s", vstring_str(why));
    queue_msg_mark_done(msg, &zero, 1);
    queue_msg_close(msg);
    file_mode(id, MAILDROP_FILE_MODE);
    expect_bad(id, "a recipient marked done", "malformed recipient");

    /* Truncated: the end marker is gone. */
    snprintf(id, sizeof(id), "%s", write_drop(&plain));
    file_mode(id, 0644);
    if (truncate(path_of(id), 40) < 0)
        msg_fatal("truncate: %m");
    file_mode(id, MAILDROP_FILE_MODE);
    expect_bad(id, "truncated file", "");

    /* Not a queue file at all. */
    snprintf(id, sizeof(id), "%s", write_drop(&plain));
    file_mode(id, 0644);
    fd = open(path_of(id), O_WRONLY | O_TRUNC);
    if (fd < 0 || write(fd, "From: x\n\nhello\n", 15) != 15)
        msg_fatal("rewrite: %m");
    close(fd);
    file_mode(id, MAILDROP_FILE_MODE);
    expect_bad(id, "plain text file", "");

    /* Larger than the limit. */
    snprintf(id, sizeof(id), "%s", write_drop(&plain));
    file_mode(id, 0644);
    if (truncate(path_of(id), 20000) < 0)
        msg_fatal("truncate: %m");
    file_mode(id, MAILDROP_FILE_MODE);
    expect_bad(id, "file over the size limit", "exceeds the limit");

    /* A hard link to another file, and a symbolic link. */
    snprintf(id, sizeof(id), "%s", write_drop(&plain));
    snprintf(other, sizeof(other), "%s", write_drop(&plain));
    unlink(path_of(other));
    snprintf(old_path, sizeof(old_path), "%s", path_of(id));
    if (link(old_path, path_of(other)) < 0)
        msg_fatal("link: %m");
    expect_bad(other, "hard link", "one link");
    unlink(path_of(other));
    if (symlink("/etc/passwd", path_of(other)) < 0)
        msg_fatal("symlink: %m");
    expect_bad(other, "symbolic link", "regular file");
    unlink(path_of(other));

    TEST_INT_EQ(maildrop_open(other, &limits, &md, why), MAILDROP_STAT_MISSING,
                "a file that is gone: MISSING");
    vstring_free(why);
}

int main(void)
{
    msg_stderr_enable(0);
    queue_fixture_start();
    test_valid();
    test_dropped_attributes();
    test_refused();
    queue_fixture_stop();
    return test_summary("maildrop_test");
}
