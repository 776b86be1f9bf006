/*
 * tls_mgr_test - the tlsmgr client against a real tlsmgr process
 *
 * The test plays master(8): it makes a private directory with main.cf,
 * listens on queue/private/tlsmgr, and runs libexec/tlsmgr (the copy in
 * $TEST_STAGE/libexec when tests/run staged the programs) with the
 * listener on descriptor 5 and the status and watch pipes on 3 and 4.
 * Then: seed, policy, update/lookup/delete, refusals, ticket keys,
 * sessions and tickets that one process stores and another resumes, a
 * fresh cache after a restart, the exchange file, two types sharing a
 * file, and a tlsmgr that dies or hangs (logged once, nothing fails).
 */

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "sockets.h"
#include "vstring.h"

#include "tls.h"
#include "tls_client.h"
#include "tls_level.h"
#include "tls_log.h"
#include "tls_mgr.h"
#include "tls_prng.h"
#include "tls_server.h"
#include "test.h"
#include "tls_test.h"

/* The tlsmgr process and its directory. */
typedef struct TLSMGR_PROC {
    char dir[256];    /* private directory */
    char socket[300]; /* queue/private/tlsmgr */
    pid_t pid;        /* the tlsmgr process, or 0 */
    int listen_fd;    /* our copy of the listener */
    int watch_fd;     /* write end of the watch pipe; closing it stops tlsmgr */
    int status_fd;    /* read end of the status pipe */
} TLSMGR_PROC;

static TLSMGR_PROC proc;

/* path - a file in the private directory */
static const char *path(const char *name)
{
    static char buf[4][400];
    static int slot;
    char *p = buf[slot++ % 4];

    snprintf(p, sizeof(buf[0]), "%s/%s", proc.dir, name);
    return p;
}

/* file_has - count lines of a file that contain a string */
static int file_has(const char *file, const char *text)
{
    char cmd[1000];
    FILE *fp;
    int count = 0;

    snprintf(cmd, sizeof(cmd), "grep -cF -- '%s' '%s' 2>/dev/null", text, file);
    if ((fp = popen(cmd, "r")) != NULL) {
        if (fscanf(fp, "%d", &count) != 1)
            count = 0;
        pclose(fp);
    }
    return count;
}

/* write_main_cf - main.cf for the private tlsmgr, plus extra lines */
static void write_main_cf(const char *extra)
{
    FILE *fp = fopen(path("conf/main.cf"), "w");

    if (fp == NULL)
        msg_fatal("create main.cf: %m");
    fprintf(fp,
            "queue_directory = %s/queue\n"
            "data_directory = %s/data\n"
            "maillog_file = %s/maillog\n"
            "maillog_file_prefixes = %s\n"
            "tls_random_exchange_name = %s/data/prng_exch\n"
            "tls_random_source = dev:/dev/urandom\n"
            "smtpd_tls_session_cache_database = btree:%s/data/smtpd_scache\n"
            "smtp_tls_session_cache_database = btree:%s/data/smtp_scache\n"
            "smtp_tls_session_cache_timeout = 10s\n"
            "smtp_tls_loglevel = 2\n"
            "%s\n",
            proc.dir, proc.dir, proc.dir, proc.dir, proc.dir, proc.dir, proc.dir, extra);
    fclose(fp);
}

/* make_dirs - the private directory; owned by nobody when we are root */
static void make_dirs(void)
{
    char cmd[1200];

    snprintf(proc.dir, sizeof(proc.dir), "/tmp/tls_mgr_test.XXXXXX");
    if (mkdtemp(proc.dir) == NULL)
        msg_fatal("mkdtemp: %m");
    snprintf(cmd, sizeof(cmd), "mkdir -p %s/conf %s/queue/private %s/data && chmod -R 755 %s",
             proc.dir, proc.dir, proc.dir, proc.dir);
    if (system(cmd) != 0)
        msg_fatal("cannot make %s", proc.dir);
    if (geteuid() == 0) {
        snprintf(cmd, sizeof(cmd), "chown -R nobody %s", proc.dir);
        if (system(cmd) != 0)
            msg_fatal("cannot chown %s", proc.dir);
    }
    snprintf(proc.socket, sizeof(proc.socket), "%s/queue/private/tlsmgr", proc.dir);
}

/* child_exec - become tlsmgr as master would start it */
static _Noreturn void child_exec(int status_w, int watch_r)
{
    char tlsmgr[400], cwd[300];
    const char *stage;
    struct passwd *pw;
    int fds[3] = {status_w, watch_r, proc.listen_fd};

    /* Move the three out of the way first: any of them may be 3, 4 or 5 already. */
    for (int i = 0; i < 3; i++)
        if ((fds[i] = fcntl(fds[i], F_DUPFD, 100)) < 0)
            _exit(110);
    for (int i = 0; i < 3; i++)
        if (dup2(fds[i], 3 + i) < 0)
            _exit(111);
    for (int fd = 6; fd < 256; fd++)
        close(fd);
    if (geteuid() == 0 && (pw = getpwnam("nobody")) != NULL &&
        (setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0))
        _exit(112);
    /* tests/run stages the programs where nobody can reach them (TEST_STAGE). */
    if ((stage = getenv("TEST_STAGE")) != NULL && *stage)
        snprintf(tlsmgr, sizeof(tlsmgr), "%s/libexec/tlsmgr", stage);
    else
        snprintf(tlsmgr, sizeof(tlsmgr), "%s/libexec/tlsmgr", getcwd(cwd, sizeof(cwd)) ? cwd : ".");
    execl(tlsmgr, "tlsmgr", "-c", path("conf"), "-n", "tlsmgr", "-t", "unix", "-s", "1", "-l",
          (char *)NULL);
    _exit(113);
}

/* start_tlsmgr - listen and run tlsmgr; 0 when it is there */
static int start_tlsmgr(void)
{
    VSTRING *why = vstring_alloc(100);
    int status_pipe[2], watch_pipe[2];

    if (proc.listen_fd <= 0 && (proc.listen_fd = unix_listen(proc.socket, 0666, 0, why)) < 0)
        msg_fatal("%s", vstring_str(why));
    vstring_free(why);
    if (pipe(status_pipe) < 0 || pipe(watch_pipe) < 0)
        msg_fatal("pipe: %m");
    if ((proc.pid = fork()) == 0) {
        close(status_pipe[0]);
        close(watch_pipe[1]);
        child_exec(status_pipe[1], watch_pipe[0]);
    }
    close(status_pipe[1]);
    close(watch_pipe[0]);
    proc.status_fd = status_pipe[0];
    proc.watch_fd = watch_pipe[1];
    fcntl(proc.watch_fd, F_SETFD, FD_CLOEXEC);
    fcntl(proc.status_fd, F_SETFD, FD_CLOEXEC);
    tls_mgr_init(proc.socket, 5);
    tls_mgr_reset();
    return proc.pid > 0 ? 0 : -1;
}

/* wait_tlsmgr - wait for tlsmgr to exit; its exit status */
static int wait_tlsmgr(void)
{
    int status = -1;

    if (proc.pid > 0 && test_waitpid(proc.pid, &status, 30) != proc.pid)
        status = -1;
    proc.pid = 0;
    close(proc.watch_fd);
    close(proc.status_fd);
    return status;
}

/* stop_tlsmgr - close the watch pipe, as master does at reload or stop */
static int stop_tlsmgr(void)
{
    close(proc.watch_fd);
    proc.watch_fd = -1;
    return wait_tlsmgr();
}

static void test_seed_and_policy(void)
{
    VSTRING *a = vstring_alloc(32), *b = vstring_alloc(32);
    int cachable = -1, timeout = -1;

    TEST_INT_EQ(tls_mgr_seed(a, 32), TLS_MGR_STAT_OK, "seed: 32 bytes asked");
    TEST_INT_EQ(VSTRING_LEN(a), 32, "seed: 32 bytes received");
    tls_mgr_seed(b, 32);
    TEST_CHECK(VSTRING_LEN(b) == 32 && memcmp(vstring_str(a), vstring_str(b), 32) != 0,
               "seed: two answers differ");
    TEST_INT_EQ(tls_mgr_policy("smtpd", &cachable, &timeout), TLS_MGR_STAT_OK, "policy: smtpd");
    TEST_CHECK(cachable == 1 && timeout == 3600, "policy: smtpd cached for 3600s (got %d, %d)",
               cachable, timeout);
    tls_mgr_policy("smtp", &cachable, &timeout);
    TEST_CHECK(cachable == 1 && timeout == 120,
               "policy: smtp timeout of 10s is raised to 120s (got %d, %d)", cachable, timeout);
    TEST_INT_EQ(tls_mgr_policy("lmtp", &cachable, &timeout), TLS_MGR_STAT_OK, "policy: lmtp");
    TEST_INT_EQ(cachable, 0, "policy: lmtp has no database, so no cache");
    TEST_INT_EQ(tls_mgr_policy("bogus", &cachable, &timeout), TLS_MGR_STAT_ERR,
                "policy: unknown type refused");
    vstring_free(a);
    vstring_free(b);
}

static void test_cache_ops(void)
{
    VSTRING *got = vstring_alloc(100);
    char *big = calloc(1, 40000);

    TEST_INT_EQ(tls_mgr_update("smtp", "id-1&x", "session\0bytes", 13), TLS_MGR_STAT_OK,
                "update: stored");
    TEST_INT_EQ(tls_mgr_lookup("smtp", "id-1&x", got), TLS_MGR_STAT_OK, "lookup: found");
    TEST_CHECK(VSTRING_LEN(got) == 13 && memcmp(vstring_str(got), "session\0bytes", 13) == 0,
               "lookup: binary session intact");
    TEST_INT_EQ(tls_mgr_lookup("smtpd", "id-1&x", got), TLS_MGR_STAT_ERR,
                "lookup: types are separate caches");
    TEST_INT_EQ(tls_mgr_lookup("lmtp", "id-1&x", got), TLS_MGR_STAT_ERR,
                "lookup: a type without cache finds nothing");
    TEST_INT_EQ(tls_mgr_delete("smtp", "id-1&x"), TLS_MGR_STAT_OK, "delete: done");
    TEST_INT_EQ(tls_mgr_lookup("smtp", "id-1&x", got), TLS_MGR_STAT_ERR, "lookup: deleted");
    TEST_INT_EQ(VSTRING_LEN(got), 0, "lookup: nothing returned when not found");
    TEST_INT_EQ(tls_mgr_delete("smtp", "id-1&x"), TLS_MGR_STAT_ERR, "delete: already gone");
    TEST_INT_EQ(tls_mgr_update("smtp", "big", big, 40000), TLS_MGR_STAT_ERR,
                "update: 40000-byte session refused");
    TEST_INT_EQ(tls_mgr_update("smtp", "bad id", "x", 1), TLS_MGR_STAT_ERR,
                "update: id with a space refused");
    TEST_INT_EQ(tls_mgr_lookup("bogus", "x", got), TLS_MGR_STAT_ERR, "lookup: unknown type");
    TEST_CHECK(tls_mgr_available(), "client still on after refusals");
    free(big);
    vstring_free(got);
}

static void test_ticket_keys(void)
{
    TLS_TICKET_KEY k1, k2, k3;
    unsigned char unknown[TLS_TICKET_NAMELEN] = {1, 2, 3};

    TEST_INT_EQ(tls_mgr_ticket_key(NULL, &k1), TLS_MGR_STAT_OK, "ticket key: current");
    TEST_CHECK(k1.tout > time(NULL) + 1700 && k1.tout <= time(NULL) + 1800,
               "ticket key: encrypts for half of smtpd_tls_session_cache_timeout");
    tls_mgr_reset();
    TEST_INT_EQ(tls_mgr_ticket_key(NULL, &k2), TLS_MGR_STAT_OK, "ticket key: current again");
    TEST_CHECK(memcmp(k1.name, k2.name, TLS_TICKET_NAMELEN) == 0 &&
                   memcmp(k1.bits, k2.bits, TLS_TICKET_KEYLEN) == 0,
               "ticket key: the same key for every client");
    tls_mgr_reset();
    TEST_INT_EQ(tls_mgr_ticket_key(k1.name, &k3), TLS_MGR_STAT_OK, "ticket key: by name");
    TEST_CHECK(memcmp(k1.hmac, k3.hmac, TLS_TICKET_MACLEN) == 0, "ticket key: by name, same key");
    TEST_INT_EQ(tls_mgr_ticket_key(unknown, &k3), TLS_MGR_STAT_ERR, "ticket key: unknown name");
}

/* Contexts of a server and a client that keep their sessions in tlsmgr. */
typedef struct PEERS {
    TLS_APPL_STATE *server;
    TLS_APPL_STATE *client;
} PEERS;

static PEERS peers_init(const char *ssl_options)
{
    static TLS_PARAMS params;
    PEERS p;

    tls_params_init(&params);
    params.ssl_options = ssl_options;
    p.server = tls_server_init(&(TLS_SERVER_INIT_PROPS){
        .params = &params,
        .log_level = "1",
        .chain_files = tls_test_file("ecdsa-chain.pem"),
        .session_timeout = 3600,
        .serverid = "smtp",
        .cache_type = "smtpd",
        .cache = tls_mgr_cache_ops("smtpd"),
    });
    p.client = tls_client_init(&(TLS_CLIENT_INIT_PROPS){
        .log_level = "1",
        .CAfile = tls_test_file("root.pem"),
        .session_timeout = 3600,
        .cache_type = "smtp",
        .cache = tls_mgr_cache_ops("smtp"),
    });
    return p;
}

/* one_connection - a handshake and one reply; bit 0 ok, bit 1 resumed, bit 2 ticket issued */
static int one_connection(PEERS *p, const char *protocols)
{
    TLS_CLIENT_START_PROPS cprops = {
        .ctx = p->client,
        .tls_level = TLS_LEV_VERIFY,
        .nexthop = "example.com",
        .host = "mail.example.com",
        .addr = "192.0.2.1",
        .port = 25,
        .namaddr = "mail.example.com[192.0.2.1]:25",
        .serverid = "smtp",
        .protocols = protocols,
    };
    TLS_SERVER_START_PROPS sprops = {.ctx = p->server, .namaddr = "client[198.51.100.7]"};
    TLS_TEST_PAIR pair;
    VSTRING *got = vstring_alloc(100);
    int result = 0;

    if (tls_test_pair(&pair, &cprops, &sprops, 0) == 0 && tls_test_handshake(&pair) == 0) {
        tls_test_send(pair.client, pair.server, "EHLO x\r\n", got);
        if (strcmp(tls_test_send(pair.server, pair.client, "250 ok\r\n", got), "250 ok\r\n") == 0)
            result |= 1;
        if (pair.client->session_reused && pair.server->session_reused)
            result |= 2;
        if (pair.server->ticket_issued)
            result |= 4;
        tls_bio_step(pair.client, TLS_BIO_OP_SHUTDOWN, NULL, 0, NULL);
    }
    tls_test_pair_free(&pair);
    vstring_free(got);
    return result;
}

/* other_process - one connection in a new process with its own contexts */
static int other_process(const char *ssl_options, const char *protocols)
{
    pid_t pid;
    int status;

    fflush(stdout);
    if ((pid = fork()) == 0) {
        PEERS p = peers_init(ssl_options);

        tls_mgr_reset();
        _exit(one_connection(&p, protocols));
    }
    if (pid < 0 || test_waitpid(pid, &status, 30) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

static void test_shared_sessions(void)
{
    PEERS p = peers_init("");
    int r;

    r = one_connection(&p, NULL);
    TEST_INT_EQ(r, 1 | 4, "TLS 1.3: first connection: full handshake, ticket issued");
    r = other_process("", NULL);
    TEST_INT_EQ(r, 1 | 2 | 4,
                "TLS 1.3: another process resumes with the ticket (client cache and ticket key "
                "from tlsmgr)");
    r = one_connection(&p, "<=TLSv1.2");
    TEST_INT_EQ(r & 3, 1, "TLS 1.2 ticket: first connection full");
    r = other_process("", "<=TLSv1.2");
    TEST_INT_EQ(r & 3, 3, "TLS 1.2 ticket: another process resumes");
    tls_server_free(p.server);
    tls_client_free(p.client);

    p = peers_init("NO_TICKET");
    r = one_connection(&p, "<=TLSv1.2");
    TEST_INT_EQ(r, 1, "TLS 1.2 session id: first connection full, no ticket");
    r = other_process("NO_TICKET", "<=TLSv1.2");
    TEST_INT_EQ(r, 1 | 2, "TLS 1.2 session id: another process resumes from the smtpd cache");
    TEST_CHECK(file_has(path("maillog"), "save smtp session id=smtp&example.com") > 0,
               "tlsmgr logs cache updates at smtp_tls_loglevel 2");
    tls_server_free(p.server);
    tls_client_free(p.client);
}

static void test_restart(void)
{
    struct stat st;
    VSTRING *got = vstring_alloc(100);
    char before[TLS_PRNG_EXCH_SIZE], after[TLS_PRNG_EXCH_SIZE];
    FILE *fp;

    TEST_CHECK(stat(path("data/prng_exch"), &st) == 0 && st.st_size == 1024 &&
                   (st.st_mode & 0777) == 0600,
               "exchange file: 1024 bytes, mode 0600");
    TEST_CHECK(stat(path("data/smtp_scache.db"), &st) == 0 && (st.st_mode & 0777) == 0600,
               "cache file: mode 0600 (sessions hold secrets)");
    fp = fopen(path("data/prng_exch"), "r");
    TEST_CHECK(fp && fread(before, 1, sizeof(before), fp) == sizeof(before), "exchange file read");
    if (fp)
        fclose(fp);
    tls_mgr_update("smtp", "survivor", "x", 1);
    TEST_INT_EQ(stop_tlsmgr(), 0, "tlsmgr exits when master closes the watch pipe");
    fp = fopen(path("data/prng_exch"), "r");
    TEST_CHECK(fp && fread(after, 1, sizeof(after), fp) == sizeof(after) &&
                   memcmp(before, after, sizeof(before)) != 0,
               "exchange file rewritten at exit");
    if (fp)
        fclose(fp);
    start_tlsmgr();
    TEST_INT_EQ(tls_mgr_lookup("smtp", "survivor", got), TLS_MGR_STAT_ERR,
                "restart: the cache starts empty");
    vstring_free(got);
}

static void test_shared_file_refused(void)
{
    int status;

    stop_tlsmgr();
    write_main_cf("smtp_tls_session_cache_database = btree:$data_directory/smtpd_scache");
    start_tlsmgr();
    status = wait_tlsmgr();
    TEST_CHECK(WIFEXITED(status) && WEXITSTATUS(status) != 0, "two types, one file: tlsmgr exits");
    TEST_CHECK(file_has(path("maillog"), "do not use the same TLS cache file") == 1,
               "two types, one file: logged");
    write_main_cf("");
    start_tlsmgr();
}

static void test_tlsmgr_gone(void)
{
    VSTRING *got = vstring_alloc(10);
    TLS_TICKET_KEY key;
    time_t start;

    tls_test_capture();
    tls_test_log_reset();
    kill(proc.pid, SIGKILL);
    wait_tlsmgr();
    close(proc.listen_fd);
    proc.listen_fd = 0;
    unlink(proc.socket);
    start = time(NULL);
    TEST_INT_EQ(tls_mgr_lookup("smtp", "x", got), TLS_MGR_STAT_FAIL, "tlsmgr gone: lookup fails");
    TEST_INT_EQ(tls_mgr_update("smtp", "x", "y", 1), TLS_MGR_STAT_FAIL, "tlsmgr gone: update");
    TEST_INT_EQ(tls_mgr_ticket_key(NULL, &key), TLS_MGR_STAT_FAIL, "tlsmgr gone: no ticket key");
    TEST_CHECK(time(NULL) - start < 2, "tlsmgr gone: no waiting");
    TEST_INT_EQ(tls_test_logged("disabling the TLS session cache"), 1, "tlsmgr gone: logged once");
    TEST_CHECK(!tls_mgr_available(), "tlsmgr gone: client off");
    {
        PEERS p = peers_init("");

        TEST_INT_EQ(one_connection(&p, NULL) & 3, 1, "tlsmgr gone: handshakes still complete");
        tls_server_free(p.server);
        tls_client_free(p.client);
    }
    TEST_INT_EQ(tls_test_logged("disabling the TLS session cache"), 1,
                "tlsmgr gone: still logged only once");
    vstring_free(got);
}

static void test_tlsmgr_hung(void)
{
    VSTRING *got = vstring_alloc(10);
    time_t start;

    start_tlsmgr();
    tls_mgr_init(proc.socket, 1);
    TEST_INT_EQ(tls_mgr_update("smtp", "x", "y", 1), TLS_MGR_STAT_OK, "restarted tlsmgr works");
    kill(proc.pid, SIGSTOP);
    tls_test_log_reset();
    start = time(NULL);
    TEST_INT_EQ(tls_mgr_lookup("smtp", "x", got), TLS_MGR_STAT_FAIL, "hung tlsmgr: lookup fails");
    TEST_INT_EQ(tls_mgr_lookup("smtp", "x", got), TLS_MGR_STAT_FAIL, "hung tlsmgr: again");
    TEST_CHECK(time(NULL) - start <= 3, "hung tlsmgr: one timeout, not one per request");
    TEST_INT_EQ(tls_test_logged("disabling the TLS session cache"), 1, "hung tlsmgr: logged once");
    kill(proc.pid, SIGCONT);
    stop_tlsmgr();
    vstring_free(got);
}

int main(void)
{
    msg_init("tls_mgr_test");
    tls_test_certs();
    make_dirs();
    write_main_cf("");
    if (start_tlsmgr() < 0) {
        printf("not ok - cannot start tlsmgr\n");
        return 1;
    }
    test_seed_and_policy();
    test_cache_ops();
    test_ticket_keys();
    test_shared_sessions();
    test_restart();
    test_shared_file_refused();
    test_tlsmgr_gone();
    test_tlsmgr_hung();
    {
        char cmd[400];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", proc.dir);
        if (system(cmd) != 0)
            printf("# cannot remove %s\n", proc.dir);
    }
    return test_summary("tls_mgr_test");
}
