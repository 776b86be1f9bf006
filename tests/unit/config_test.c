/* config_test - main.cf parsing, expansion, typed values and checks */

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "config.h"
#include "master_cf.h"
#include "msg.h"
#include "mymalloc.h"
#include "param_table.h"
#include "vstring.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

static char test_dir[] = "/tmp/config_test.XXXXXX";
static VSTRING *test_log;  /* messages captured from msg_* */
static jmp_buf test_jump;  /* where msg_fatal and msg_panic land */
static ARGV *test_reports; /* config_validate/config_check_names output */

/* test_capture - remember the text of every message */

static void test_capture(enum msg_level level, const char *text, void *context)
{
    (void)level;
    (void)context;
    vstring_sprintf_append(test_log, "%s\n", text);
}

/* test_report_cb - collect problem reports */

static void test_report_cb(CONFIG_REPORT_LEVEL level, const char *text, void *context)
{
    VSTRING *buf = vstring_alloc(100);

    (void)context;
    vstring_sprintf(buf, "%s: %s", level == CONFIG_REPORT_ERROR ? "error" : "warning", text);
    argv_add(test_reports, vstring_str(buf));
    vstring_free(buf);
}

/* test_write - write DIR/name */

static void test_write(const char *name, const char *text)
{
    char path[256];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", test_dir, name);
    if ((fp = fopen(path, "w")) == NULL)
        msg_fatal("create %s: %m", path);
    fputs(text, fp);
    fclose(fp);
}

/* test_load - write main.cf and load it */

static CONFIG *test_load(const char *main_cf)
{
    test_write("main.cf", main_cf);
    return config_load(test_dir);
}

/* test_reports_text - all reports joined by newlines */

static char *test_reports_text(void)
{
    return argv_join(test_reports, "\n");
}
/* name and default of each TLS parameter of the compatibility contract */
static const char *const test_tls_defaults[][2] = {
    {"smtpd_tls_security_level", ""},
    {"smtpd_use_tls", "no"},
    {"smtpd_enforce_tls", "no"},
    {"smtpd_tls_wrappermode", "no"},
    {"smtpd_tls_auth_only", "no"},
    {"smtpd_tls_ask_ccert", "no"},
    {"smtpd_tls_req_ccert", "no"},
    {"smtpd_tls_ccert_verifydepth", "9"},
    {"smtpd_tls_cert_file", ""},
    {"smtpd_tls_key_file", "$smtpd_tls_cert_file"},
    {"smtpd_tls_dcert_file", ""},
    {"smtpd_tls_dkey_file", "$smtpd_tls_dcert_file"},
    {"smtpd_tls_eccert_file", ""},
    {"smtpd_tls_eckey_file", "$smtpd_tls_eccert_file"},
    {"smtpd_tls_chain_files", ""},
    {"smtpd_tls_CAfile", ""},
    {"smtpd_tls_CApath", ""},
    {"smtpd_tls_loglevel", "0"},
    {"smtpd_tls_received_header", "no"},
    {"smtpd_tls_session_cache_database", ""},
    {"smtpd_tls_session_cache_timeout", "3600s"},
    {"smtpd_tls_always_issue_session_ids", "yes"},
    {"smtpd_tls_protocols", ">=TLSv1"},
    {"smtpd_tls_mandatory_protocols", ">=TLSv1"},
    {"smtpd_tls_ciphers", "medium"},
    {"smtpd_tls_mandatory_ciphers", "medium"},
    {"smtpd_tls_exclude_ciphers", ""},
    {"smtpd_tls_mandatory_exclude_ciphers", ""},
    {"smtpd_tls_dh1024_param_file", ""},
    {"smtpd_tls_dh512_param_file", ""},
    {"smtpd_tls_eecdh_grade", "auto"},
    {"smtpd_tls_fingerprint_digest", "${{$compatibility_level} <level {3.6} ? {md5} : {sha256}}"},
    {"smtpd_tls_enable_rpk", "no"},
    {"smtpd_starttls_timeout", "${stress?{10}:{300}}s"},
    {"smtpd_client_new_tls_session_rate_limit", "0"},
    {"smtpd_sasl_tls_security_options", "$smtpd_sasl_security_options"},
    {"smtpd_discard_ehlo_keywords", ""},
    {"relay_clientcerts", ""},
    {"postscreen_tls_security_level", "$smtpd_tls_security_level"},
    {"postscreen_use_tls", "$smtpd_use_tls"},
    {"postscreen_enforce_tls", "$smtpd_enforce_tls"},
    {"smtp_tls_security_level", ""},
    {"smtp_use_tls", "no"},
    {"smtp_enforce_tls", "no"},
    {"smtp_tls_enforce_peername", "yes"},
    {"smtp_tls_policy_maps", ""},
    {"smtp_tls_per_site", ""},
    {"smtp_tls_wrappermode", "no"},
    {"smtp_tls_cert_file", ""},
    {"smtp_tls_key_file", "$smtp_tls_cert_file"},
    {"smtp_tls_dcert_file", ""},
    {"smtp_tls_dkey_file", "$smtp_tls_dcert_file"},
    {"smtp_tls_eccert_file", ""},
    {"smtp_tls_eckey_file", "$smtp_tls_eccert_file"},
    {"smtp_tls_chain_files", ""},
    {"smtp_tls_CAfile", ""},
    {"smtp_tls_CApath", ""},
    {"smtp_tls_trust_anchor_file", ""},
    {"smtp_tls_loglevel", "0"},
    {"smtp_tls_session_cache_database", ""},
    {"smtp_tls_session_cache_timeout", "3600s"},
    {"smtp_tls_protocols", ">=TLSv1"},
    {"smtp_tls_mandatory_protocols", ">=TLSv1"},
    {"smtp_tls_ciphers", "medium"},
    {"smtp_tls_mandatory_ciphers", "medium"},
    {"smtp_tls_exclude_ciphers", ""},
    {"smtp_tls_mandatory_exclude_ciphers", ""},
    {"smtp_tls_scert_verifydepth", "9"},
    {"smtp_tls_verify_cert_match", "hostname"},
    {"smtp_tls_secure_cert_match", "nexthop, dot-nexthop"},
    {"smtp_tls_fingerprint_cert_match", ""},
    {"smtp_tls_fingerprint_digest", "${{$compatibility_level} <level {3.6} ? {md5} : {sha256}}"},
    {"smtp_tls_servername", ""},
    {"smtp_tls_dane_insecure_mx_policy", "dane"},
    {"smtp_tls_force_insecure_host_tlsa_lookup", "no"},
    {"smtp_tls_connection_reuse", "no"},
    {"smtp_tls_enable_rpk", "no"},
    {"smtp_tls_note_starttls_offer", "no"},
    {"smtp_tls_block_early_mail_reply", "no"},
    {"smtp_starttls_timeout", "300s"},
    {"smtp_sasl_tls_security_options", "$smtp_sasl_security_options"},
    {"smtp_sasl_tls_verified_security_options", "$smtp_sasl_tls_security_options"},
    {"smtp_dns_support_level", ""},
    {"tls_random_source", "dev:/dev/urandom"},
    {"tls_random_bytes", "32"},
    {"tls_random_exchange_name", "${data_directory}/prng_exch"},
    {"tls_random_reseed_period", "3600s"},
    {"tls_random_prng_update_period", "3600s"},
    {"tls_daemon_random_bytes", "32"},
    {"tls_high_cipherlist",
     "aNULL:-aNULL:HIGH:!SEED:!IDEA:!3DES:!RC2:!RC4:!RC5:!kDH:!kECDH:!aDSS:!MD5:@STRENGTH"},
    {"tls_medium_cipherlist", "aNULL:-aNULL:HIGH:MEDIUM:!SEED:!IDEA:!3DES:!RC2:!RC4:!RC5:!kDH:!"
                              "kECDH:!aDSS:!MD5:+RC4:@STRENGTH"},
    {"tls_null_cipherlist", "eNULL:!kDH:!kECDH:!aDSS:!MD5:!aNULL"},
    {"tls_low_cipherlist", ""},
    {"tls_export_cipherlist", ""},
    {"tls_preempt_cipherlist", "no"},
    {"tls_eecdh_auto_curves", "X25519MLKEM768 X25519 X448 prime256v1 secp521r1 secp384r1"},
    {"tls_ffdhe_auto_groups", "ffdhe2048 ffdhe3072"},
    {"tls_eecdh_strong_curve", "prime256v1"},
    {"tls_eecdh_ultra_curve", "secp384r1"},
    {"tls_disable_workarounds", ""},
    {"tls_ssl_options", ""},
    {"tls_append_default_CA", "no"},
    {"tls_dane_digests", "sha512 sha256"},
    {"tls_legacy_public_key_fingerprints", "no"},
    {"tls_wildcard_matches_multiple_labels", "yes"},
    {"tls_session_ticket_cipher", "aes-256-cbc"},
    {"tls_server_sni_maps", ""},
    {"tls_fast_shutdown_enable", "yes"},
    {"tls_config_file", "default"},
    {"tls_config_name", ""},
    {"tlsmgr_service_name", "tlsmgr"},
    {"tlsproxy_service_name", "tlsproxy"},
    {"tlsproxy_watchdog_timeout", "10s"},
    {"openssl_path", "openssl"},
    {"milter_helo_macros", "{tls_version} {cipher} {cipher_bits} {cert_subject} {cert_issuer}"},
    {"lmtp_tls_secure_cert_match", "nexthop"},
    {"lmtp_tls_enable_rpk", "no"},
    {"tlsproxy_tls_enable_rpk", "$smtpd_tls_enable_rpk"},
    {"tlsproxy_client_loglevel_parameter", "smtp_tls_loglevel"},
    {"tlsproxy_client_security_level",
     "${tlsproxy_client_level?{$tlsproxy_client_level}:{$smtp_tls_security_level}}"},
    {"tlsproxy_client_policy_maps",
     "${tlsproxy_client_policy?{$tlsproxy_client_policy}:{$smtp_tls_policy_maps}}"},
    {"tlsproxy_tls_session_cache_timeout", "$smtpd_tls_session_cache_timeout"},
    {"tlsproxy_watchdog_timeout", "10s"},
};

/* Which getter a fatal-error test calls. */
typedef enum { GET_STR, GET_INT, GET_BOOL, GET_TIME, GET_SIZE, GET_LIST } GET_KIND;

/* test_get - call one getter and drop the result */

static void test_get(CONFIG *config, GET_KIND kind, const char *name)
{
    switch (kind) {
    case GET_STR:
        (void)config_get_str(config, name);
        break;
    case GET_INT:
        (void)config_get_int(config, name);
        break;
    case GET_BOOL:
        (void)config_get_bool(config, name);
        break;
    case GET_TIME:
        (void)config_get_time(config, name);
        break;
    case GET_SIZE:
        (void)config_get_size(config, name);
        break;
    case GET_LIST:
        argv_free(config_get_list(config, name));
        break;
    }
}

/* test_dies - the getter must end in msg_fatal (1) or msg_panic (2) saying want */

static void test_dies(CONFIG *config, GET_KIND kind, const char *name, int how, const char *want,
                      const char *label)
{
    int jumped;

    VSTRING_RESET(test_log);
    msg_set_longjmp(&test_jump);
    if ((jumped = setjmp(test_jump)) == 0)
        test_get(config, kind, name);
    msg_set_longjmp(NULL);
    TEST_INT_EQ(jumped, how, "%s: %s", label, how == 1 ? "fatal" : "panic");
    if (strstr(vstring_str(test_log), want) == NULL)
        TEST_STR_EQ(vstring_str(test_log), want, "%s: message", label);
    else
        TEST_CHECK(1, "%s: message names it", label);
}

static void test_parsing(void)
{
    CONFIG *config = test_load("# comment\n"
                               "   # indented comment\n"
                               "\n"
                               "myorigin = first\n"
                               "mydestination = a,\n"
                               "    b\n"
                               "# a comment inside a continued setting\n"
                               "\n"
                               "\tc\n"
                               "myorigin=second   \n"
                               "user_thing   =   with  inner   space  \n"
                               "empty_value =\n");
    CONFIG_SOURCE source;

    TEST_STR_EQ(config_get_str(config, VAR_MYORIGIN), "second", "last setting wins");
    TEST_STR_EQ(config_get_raw(config, VAR_MYDESTINATION, &source), "a,    b\tc",
                "continuation lines join, comments and blank lines skipped");
    TEST_INT_EQ(source, CONFIG_SOURCE_MAIN_CF, "source is main.cf");
    TEST_STR_EQ(config_lookup(config, "user_thing"), "with  inner   space",
                "value trimmed at both ends, inner space kept");
    TEST_STR_EQ(config_lookup(config, "empty_value"), "", "empty value");
    TEST_CHECK(config_lookup(config, "never_set") == NULL, "undefined user name is NULL");
    TEST_STR_EQ(config_get_raw(config, VAR_MYORIGIN, NULL), "second", "raw value");
    TEST_STR_EQ(config_get_default(config, VAR_MYORIGIN, NULL), "$myhostname",
                "default of myorigin");
    config_free(config);
}

/* State for test_walk_cb. */
static VSTRING *test_walk_buf;

static void test_walk_cb(const CONFIG_SETTING *setting, void *context)
{
    (void)context;
    vstring_sprintf_append(test_walk_buf, "%s@%d;", setting->name, setting->line);
}

static void test_walk_and_errors(void)
{
    CONFIG *config = test_load("a = 1\n\n# x\nb = 2\n  more\nc = 3\na = 4\n");
    VSTRING *why = vstring_alloc(100);
    char path[300];

    test_walk_buf = vstring_alloc(100);
    config_walk(config, CONFIG_SOURCE_MAIN_CF, test_walk_cb, NULL);
    TEST_STR_EQ(vstring_str(test_walk_buf), "a@7;b@4;c@6;", "walk: first-set order, last line");
    vstring_free(test_walk_buf);
    config_free(config);

    config = config_alloc(test_dir);
    test_write("bad.cf", "good = 1\n# c\nthis line has no equals\n");
    snprintf(path, sizeof(path), "%s/bad.cf", test_dir);
    TEST_INT_EQ(config_read_file(config, path, why), -1, "line without '=' is an error");
    TEST_CHECK(strstr(vstring_str(why), "bad.cf, line 3: missing '='") != NULL,
               "error names file and line: %s", vstring_str(why));
    test_write("bad2.cf", "bad name = 1\n");
    snprintf(path, sizeof(path), "%s/bad2.cf", test_dir);
    TEST_INT_EQ(config_read_file(config, path, why), -1, "white space in a name is an error");
    snprintf(path, sizeof(path), "%s/none.cf", test_dir);
    TEST_INT_EQ(config_read_file(config, path, why), -1, "missing file");
    TEST_CHECK(strstr(vstring_str(why), "No such file") != NULL, "missing file reason");
    config_free(config);
    vstring_free(why);
}

static void test_expansion(void)
{
    CONFIG *config = test_load("a = A\n"
                               "b = [$a] [${a}] [$(a)] $$a $ x\n"
                               "c = ${a?yes} ${a:no} ${nothing?yes}${nothing:no}\n"
                               "d = ${a?{x $a y}:{z}} ${nothing?{x}:{z $a}}\n"
                               "e = ${a?{${nothing:{deep $a}}}}\n"
                               "f = ${ a ? { spaced } : { other } }\n"
                               "g = $undefined_name|\n"
                               "h = ${a?$b}\n"
                               "loop1 = x $loop2\n"
                               "loop2 = y ${loop3?{z}}\n"
                               "loop3 = $loop1\n"
                               "self = $self\n"
                               "lazy = ${a?{fine}:{$self}}\n"
                               "unclosed = ${a\n");
    VSTRING *out = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);

    TEST_STR_EQ(config_lookup(config, "b"), "[A] [A] [A] $a $ x", "$name ${name} $(name) $$");
    TEST_STR_EQ(config_lookup(config, "c"), "yes  no", "${name?value} and ${name:value}");
    TEST_STR_EQ(config_lookup(config, "d"), "x A y z A", "${name?{v1}:{v2}}");
    TEST_STR_EQ(config_lookup(config, "e"), "deep A", "nested conditionals");
    TEST_STR_EQ(config_lookup(config, "f"), "spaced", "white space around {value} ignored");
    TEST_STR_EQ(config_lookup(config, "g"), "|", "undefined name expands to nothing");
    TEST_STR_EQ(config_lookup(config, "h"), "[A] [A] [A] $a $ x", "value of ?value expands");
    TEST_STR_EQ(config_lookup(config, "lazy"), "fine", "branch not taken is not expanded");
    TEST_INT_EQ(config_expand(config, "${nothing:{deep ${a?{$a$a}}}}", out, why), 0,
                "config_expand nested");
    TEST_STR_EQ(vstring_str(out), "deep AA", "nested result");
    TEST_INT_EQ(config_expand(config, "$loop1", out, why), -1, "loop detected");
    TEST_STR_EQ(vstring_str(why), "parameter expansion loop: loop1 -> loop2 -> loop3 -> loop1",
                "loop names every parameter");
    TEST_INT_EQ(config_expand(config, "$self", out, why), -1, "self loop detected");
    TEST_STR_EQ(vstring_str(why), "parameter expansion loop: self -> self", "self loop text");
    TEST_INT_EQ(config_expand(config, "$unclosed", out, why), -1, "missing brace detected");
    TEST_CHECK(strstr(vstring_str(why), "missing '}'") != NULL, "missing brace: %s",
               vstring_str(why));
    TEST_INT_EQ(config_expand(config, "${{1} <> {2} ? {x}}", out, why), -1, "bad operator");
    vstring_free(out);
    vstring_free(why);
    config_free(config);
}

static void test_relational(void)
{
    CONFIG *config = test_load("compatibility_level = 3.8\n");
    VSTRING *out = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    static const char *const cases[][2] = {
        {"${{10} > {9} ? {num} : {text}}", "num"},
        {"${{abc} < {abd} ? {lt} : {ge}}", "lt"},
        {"${{a} == {a} ? {eq}}", "eq"},
        {"${{a} != {a} ? {ne} : {same}}", "same"},
        {"${{a}=={b}:{differ}}", "differ"},
        {"${{3.10} <level {3.9} ? {older} : {newer}}", "newer"},
        {"${{3.10} < {3.9} ? {lexically smaller} : {no}}", "lexically smaller"},
        {"${{3.6.1} >=level {3.6} ? {yes} : {no}}", "yes"},
        {"${{3.6} <=level {3.6.0} ? {yes} : {no}}", "yes"},
        {"${{2} >level {1} ? {yes} : {no}}", "yes"},
        {"${{$compatibility_level} ==level {3.8.0} ? {same level}}", "same level"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        TEST_INT_EQ(config_expand(config, cases[i][0], out, why), 0, "expand %s", cases[i][0]);
        TEST_STR_EQ(vstring_str(out), cases[i][1], "result of %s", cases[i][0]);
    }
    TEST_STR_EQ(config_get_str(config, VAR_SMTPD_TLS_FINGERPRINT_DIGEST), "sha256",
                "CL36 default at compatibility_level 3.8");
    TEST_STR_EQ(config_get_str(config, VAR_TLSPROXY_TLS_FINGERPRINT_DIGEST), "sha256",
                "tlsproxy digest follows smtpd");
    TEST_STR_EQ(config_get_str(config, VAR_MYNETWORKS_STYLE), "host", "mynetworks_style at 3.8");
    config_override(config, VAR_COMPATIBILITY_LEVEL, "2");
    TEST_STR_EQ(config_get_str(config, VAR_SMTPD_TLS_FINGERPRINT_DIGEST), "md5",
                "CL36 default at compatibility_level 2");
    TEST_STR_EQ(config_get_str(config, VAR_SMTP_TLS_FINGERPRINT_DIGEST), "md5",
                "client digest at level 2");
    config_override(config, VAR_COMPATIBILITY_LEVEL, "0");
    TEST_STR_EQ(config_get_str(config, VAR_MYNETWORKS_STYLE), "subnet", "mynetworks_style at 0");
    TEST_STR_EQ(config_get_str(config, VAR_SMTPD_RELAY_RESTRICTIONS), "",
                "relay restrictions at 0");
    TEST_INT_EQ(config_expand(config, "${{x.y} <level {3}?{a}}", out, why), -1, "bad level");
    TEST_CHECK(strstr(vstring_str(why), "bad compatibility level") != NULL, "bad level text");
    vstring_free(out);
    vstring_free(why);
    config_free(config);
}

static void test_typed_values(void)
{
    CONFIG *config = test_load("smtpd_timeout = 5m\n"
                               "smtp_helo_timeout = 2h\n"
                               "ipc_timeout = 1d\n"
                               "daemon_timeout = 1w\n"
                               "maximal_queue_lifetime = 5\n"
                               "bounce_queue_lifetime = 90\n"
                               "minimal_backoff_time = 300\n"
                               "biff = No\n"
                               "disable_vrfy_command = TRUE\n"
                               "smtpd_helo_required = false\n"
                               "smtpd_delay_reject = yes\n"
                               "message_size_limit = 20480000\n"
                               "smtpd_recipient_limit = 250\n"
                               "smtpd_tls_loglevel = routine, certmatch\n"
                               "smtp_tls_loglevel = 2\n"
                               "mydestination = a, b  c,{ d e },inline:{x=1, y=2}\n");

    TEST_INT_EQ(config_get_time(config, VAR_SMTPD_TIMEOUT), 300, "5m");
    TEST_INT_EQ(config_get_time(config, VAR_SMTP_HELO_TIMEOUT), 7200, "2h");
    TEST_INT_EQ(config_get_time(config, VAR_IPC_TIMEOUT), 86400, "1d");
    TEST_INT_EQ(config_get_time(config, VAR_DAEMON_TIMEOUT), 604800, "1w");
    TEST_INT_EQ(config_get_time(config, VAR_MAXIMAL_QUEUE_LIFETIME), 5 * 86400,
                "bare number in days for maximal_queue_lifetime");
    TEST_INT_EQ(config_get_time(config, VAR_BOUNCE_QUEUE_LIFETIME), 90 * 86400,
                "bare number in days for bounce_queue_lifetime");
    TEST_INT_EQ(config_get_time(config, VAR_MINIMAL_BACKOFF_TIME), 300, "bare number in seconds");
    TEST_INT_EQ(config_get_time(config, VAR_SMTPD_STARTTLS_TIMEOUT), 300,
                "default ${stress?{10}:{300}}s");
    TEST_INT_EQ(config_get_time(config, VAR_QUEUE_RUN_DELAY), 300, "default 300s");
    TEST_CHECK(!config_get_bool(config, VAR_BIFF), "No is false");
    TEST_CHECK(config_get_bool(config, VAR_DISABLE_VRFY_COMMAND), "TRUE is true");
    TEST_CHECK(!config_get_bool(config, VAR_SMTPD_HELO_REQUIRED), "false is false");
    TEST_CHECK(config_get_bool(config, VAR_SMTPD_DELAY_REJECT), "yes is true");
    TEST_CHECK(config_get_bool(config, VAR_SMTPD_TLS_RECEIVED_HEADER) == false, "default no");
    TEST_INT_EQ(config_get_size(config, VAR_MESSAGE_SIZE_LIMIT), 20480000, "size");
    TEST_INT_EQ(config_get_size(config, VAR_MAILBOX_SIZE_LIMIT), 51200000, "size default");
    TEST_INT_EQ(config_get_int(config, VAR_SMTPD_RECIPIENT_LIMIT), 250, "int");
    TEST_INT_EQ(config_get_int(config, VAR_SMTPD_HARD_ERROR_LIMIT), 20, "int default via stress");
    TEST_STR_EQ(config_get_str(config, VAR_SMTPD_TLS_LOGLEVEL), "routine, certmatch",
                "TLS log level keywords accepted");
    TEST_STR_EQ(config_get_str(config, VAR_SMTP_TLS_LOGLEVEL), "2", "TLS log level number");
    TEST_STR_EQ(config_get_str(config, VAR_LMTP_TLS_LOGLEVEL), "0", "TLS log level default");
    ARGV *list = config_get_list(config, VAR_MYDESTINATION);
    char *joined = argv_join(list, "|");

    TEST_STR_EQ(joined, "a|b|c|{ d e }|inline:{x=1, y=2}", "list: commas, spaces, braces group");
    myfree(joined);
    argv_free(list);

    config_override(config, VAR_STRESS, "yes");
    TEST_INT_EQ(config_get_time(config, VAR_SMTPD_STARTTLS_TIMEOUT), 10,
                "override of stress shows through the default");
    TEST_INT_EQ(config_get_int(config, VAR_SMTPD_HARD_ERROR_LIMIT), 1, "stress int");
    config_free(config);
}

static void test_bad_values(void)
{
    CONFIG *config = test_load("myorigin = x\n"
                               "smtpd_timeout = 5x\n"
                               "smtpd_tls_loglevel = high\n"
                               "smtp_tls_loglevel = routine high\n"
                               "biff = maybe\n"
                               "smtpd_recipient_limit = 0\n"
                               "message_size_limit = 10M\n"
                               "smtpd_hard_error_limit = $myorigin\n"
                               "smtpd_tls_security_level = mandatory\n"
                               "tls_random_bytes = 256\n"
                               "queue_run_delay = -5s\n"
                               "loop_a = $loop_b\n"
                               "loop_b = $loop_a\n"
                               "smtpd_banner = $loop_a\n"
                               "mydestination = {a, b\n");

    test_dies(config, GET_TIME, VAR_SMTPD_TIMEOUT, 1,
              "main.cf, line 2: bad value \"5x\" for parameter smtpd_timeout: expected a number "
              "with optional unit s, m, h, d or w",
              "malformed time");
    test_dies(config, GET_STR, VAR_SMTPD_TLS_LOGLEVEL, 1,
              "main.cf, line 3: bad value \"high\" for parameter smtpd_tls_loglevel: expected a "
              "number 0..9 or keywords",
              "TLS log level high");
    test_dies(config, GET_STR, VAR_SMTP_TLS_LOGLEVEL, 1, "line 4: bad value \"routine high\"",
              "TLS log level with one bad keyword");
    test_dies(config, GET_BOOL, VAR_BIFF, 1,
              "line 5: bad value \"maybe\" for parameter biff: expected yes or no",
              "malformed boolean");
    test_dies(config, GET_INT, VAR_SMTPD_RECIPIENT_LIMIT, 1,
              "line 6: bad value \"0\" for parameter smtpd_recipient_limit: must be at least 1",
              "int below bound");
    test_dies(config, GET_SIZE, VAR_MESSAGE_SIZE_LIMIT, 1,
              "line 7: bad value \"10M\" for parameter message_size_limit", "malformed size");
    test_dies(config, GET_INT, VAR_SMTPD_HARD_ERROR_LIMIT, 1,
              "line 8: bad value \"x\" for parameter smtpd_hard_error_limit (set to "
              "\"$myorigin\"): expected a decimal number",
              "expanded value shown with the raw one");
    test_dies(config, GET_STR, VAR_SMTPD_TLS_SECURITY_LEVEL, 1,
              "line 9: bad value \"mandatory\" for parameter smtpd_tls_security_level",
              "unknown TLS level");
    test_dies(config, GET_INT, VAR_TLS_RANDOM_BYTES, 1, "must be at most 255", "int above bound");
    test_dies(config, GET_TIME, VAR_QUEUE_RUN_DELAY, 1, "line 11: bad value \"-5s\"",
              "negative time");
    test_dies(config, GET_STR, VAR_SMTPD_BANNER, 1,
              "line 14: parameter smtpd_banner: parameter expansion loop: loop_a -> loop_b -> "
              "loop_a",
              "loop is fatal and names the parameters");
    test_dies(config, GET_LIST, VAR_MYDESTINATION, 1, "missing '}'", "unbalanced list");
    test_dies(config, GET_STR, "no_such_parameter", 2, "unknown parameter name",
              "unknown name is a panic");
    test_dies(config, GET_INT, VAR_MYORIGIN, 2, "is of type string, not integer",
              "wrong getter is a panic");
    config_override(config, VAR_SMTPD_TIMEOUT, "7q");
    test_dies(config, GET_TIME, VAR_SMTPD_TIMEOUT, 1,
              "-o smtpd_timeout=7q: bad value \"7q\" for parameter smtpd_timeout",
              "override named in the error");
    config_override_origin(config, VAR_SMTPD_TIMEOUT, "9z", "/etc/postfix/master.cf, line 20");
    test_dies(config, GET_TIME, VAR_SMTPD_TIMEOUT, 1,
              "/etc/postfix/master.cf, line 20: bad value \"9z\" for parameter smtpd_timeout",
              "override origin named in the error");
    config_free(config);
}

static void test_validate(void)
{
    CONFIG *config = test_load("myhostname = mail.example.com\n"
                               "smtpd_timeout = 5x\n"
                               "user_defined = ${broken\n"
                               "smtpd_tls_loglevel = 1\n"
                               "biff = perhaps\n");
    char *text;

    test_reports = argv_alloc(5);
    config_override(config, VAR_SMTPD_RECIPIENT_LIMIT, "-1");
    TEST_INT_EQ(config_validate(config, test_report_cb, NULL), 4, "four problems found");
    text = test_reports_text();
    TEST_CHECK(strstr(text, "error: -o smtpd_recipient_limit=-1: bad value") != NULL,
               "override checked");
    TEST_CHECK(strstr(text, "main.cf, line 2: bad value \"5x\" for parameter smtpd_timeout") !=
                   NULL,
               "time checked");
    TEST_CHECK(strstr(text, "main.cf, line 3: parameter user_defined: missing '}'") != NULL,
               "user-defined value must expand");
    TEST_CHECK(strstr(text, "main.cf, line 5: bad value \"perhaps\" for parameter biff") != NULL,
               "boolean checked");
    TEST_CHECK(strstr(text, "smtpd_tls_loglevel") == NULL, "good value not reported");
    myfree(text);
    argv_free(test_reports);
    config_free(config);
}

static void test_names(void)
{
    CONFIG *config = test_load("myhostname = mail.example.com\n"
                               "\n"
                               "smtpd_tls_cert_flie = /etc/ssl/cert.pem\n"
                               "mua_client_restrictions = permit_sasl_authenticated, reject\n"
                               "local_helper = x\n"
                               "my_own_thing = 1\n"
                               "smtpd_banner = $myhostname ESMTP $local_helper $mispeled\n"
                               "smtp_destination_concurrency_limit = 5\n"
                               "relay_destination_recipient_limit = 10\n"
                               "nosuch_destination_concurrency_limit = 3\n"
                               "maildrop_time_limit = 60s\n"
                               "smtp_time_limit = 60s\n"
                               "tlsproxy_client_level = may\n");
    VSTRING *why = vstring_alloc(100);
    MASTER_CF *master_cf;
    char *text;

    master_cf = master_cf_parse("/x/master.cf",
                                "smtp inet n - n - - smtpd\n"
                                "submission inet n - n - - smtpd\n"
                                "  -o smtpd_client_restrictions=$mua_client_restrictions\n"
                                "  -o smtpd_tls_secrity_level=encrypt\n"
                                "smtp unix - - n - - smtp\n"
                                "relay unix - - n - - smtp\n"
                                "maildrop unix - n n - - pipe flags=DRXhu argv=/bin/true\n",
                                why);
    TEST_CHECK(master_cf != NULL, "master.cf parsed: %s", vstring_str(why));
    test_reports = argv_alloc(5);
    TEST_INT_EQ(config_check_names(config, master_cf, test_report_cb, NULL), 5,
                "five unknown names");
    text = test_reports_text();
    TEST_CHECK(strstr(text, "/main.cf, line 3: unknown parameter \"smtpd_tls_cert_flie\"; "
                            "did you mean \"smtpd_tls_cert_file\"?") != NULL,
               "misspelled name with file, line and suggestion");
    TEST_CHECK(strstr(text, "line 6: unknown parameter \"my_own_thing\"") != NULL,
               "unreferenced user name reported");
    TEST_CHECK(strstr(text, "my_own_thing\"; did you") == NULL, "no suggestion when none is close");
    TEST_CHECK(strstr(text, "mua_client_restrictions") == NULL,
               "user name referenced from master.cf -o is legal");
    TEST_CHECK(strstr(text, "\"local_helper\"") == NULL,
               "user name referenced in main.cf is legal");
    TEST_CHECK(
        strstr(text, "line 10: unknown parameter \"nosuch_destination_concurrency_limit\"") != NULL,
        "per-transport name of an unknown transport reported");
    TEST_CHECK(strstr(text, "smtp_destination_concurrency_limit") == NULL &&
                   strstr(text, "relay_destination_recipient_limit") == NULL &&
                   strstr(text, "maildrop_time_limit") == NULL,
               "per-transport names of master.cf transports accepted");
    TEST_CHECK(strstr(text, "line 12: unknown parameter \"smtp_time_limit\"") != NULL,
               "time_limit only for pipe transports");
    TEST_CHECK(strstr(text, "tlsproxy_client_level") == NULL,
               "legacy name referenced by a built-in default is legal");
    TEST_CHECK(strstr(text,
                      "/x/master.cf, line 2: -o smtpd_tls_secrity_level: unknown parameter "
                      "\"smtpd_tls_secrity_level\"; did you mean \"smtpd_tls_security_level\"?") !=
                   NULL,
               "misspelled -o name in master.cf reported with its line");
    TEST_CHECK(strstr(text, "warning: ") &&
                   strstr(text, "line 7: undefined parameter \"mispeled\""),
               "reference to an undefined name is a warning");
    TEST_INT_EQ(config_get_int(config, "smtp_destination_concurrency_limit"), 5,
                "per-transport value");
    TEST_INT_EQ(config_get_int(config, "lmtp_destination_concurrency_limit"), 20,
                "per-transport default follows default_destination_concurrency_limit");
    TEST_INT_EQ(config_get_time(config, "maildrop_time_limit"), 60, "per-transport time");
    TEST_INT_EQ(config_get_int(config, VAR_LOCAL_DESTINATION_RECIPIENT_LIMIT), 1,
                "local_destination_recipient_limit is a table entry");
    myfree(text);
    argv_free(test_reports);
    master_cf_free(master_cf);
    vstring_free(why);
    config_free(config);
}

static void test_overrides_and_bind(void)
{
    CONFIG *config = test_load("myhostname = mail.example.com\n"
                               "smtpd_banner = $myhostname ESMTP\n");
    const char *banner = NULL;
    const char *before;
    int timeout = 0;
    bool helo = false;
    long size = 0;
    ARGV *dest = NULL;
    CONFIG_BIND binds[] = {
        CONFIG_BIND_STR(VAR_SMTPD_BANNER, &banner),
        CONFIG_BIND_TIME(VAR_SMTPD_TIMEOUT, &timeout),
        CONFIG_BIND_BOOL(VAR_SMTPD_HELO_REQUIRED, &helo),
        CONFIG_BIND_SIZE(VAR_MESSAGE_SIZE_LIMIT, &size),
        CONFIG_BIND_LIST(VAR_MYDESTINATION, &dest),
        CONFIG_BIND_END,
    };

    before = config_get_str(config, VAR_SMTPD_BANNER);
    TEST_STR_EQ(before, "mail.example.com ESMTP", "banner expands myhostname");
    TEST_INT_EQ(config_override_arg(config, "myhostname=relay.example.net"), 0, "name=value");
    TEST_INT_EQ(config_override_arg(config, "{ smtpd_helo_required = yes }"), 0, "{ name = v }");
    TEST_INT_EQ(config_override_arg(config, "no_equals_sign"), -1, "no '=' refused");
    TEST_INT_EQ(config_override_arg(config, "{ unbalanced"), -1, "unbalanced braces refused");
    TEST_STR_EQ(before, "mail.example.com ESMTP", "old value stays valid after an override");
    config_bind(config, binds);
    TEST_STR_EQ(banner, "relay.example.net ESMTP", "override shows through $myhostname");
    TEST_INT_EQ(timeout, 300, "bound time");
    TEST_CHECK(helo, "bound boolean from { } override");
    TEST_INT_EQ(size, 10240000, "bound size");
    TEST_INT_EQ(dest->argc, 3, "bound list");
    TEST_STR_EQ(dest->argv[1], "localhost.example.net", "list element expanded");
    argv_free(dest);
    config_set_runtime(config, VAR_SERVICE_NAME, "submission");
    TEST_STR_EQ(config_get_str(config, VAR_SERVICE_NAME), "submission", "runtime value");
    TEST_STR_EQ(config_get_str(config, VAR_SYSLOG_NAME), "postfix", "syslog_name default");
    config_override(config, VAR_MULTI_INSTANCE_NAME, "postfix-out");
    TEST_STR_EQ(config_get_str(config, VAR_SYSLOG_NAME), "postfix-out",
                "syslog_name follows multi_instance_name");
    TEST_STR_EQ(config_get_str(config, VAR_DEFAULT_RBL_REPLY),
                config_get_default(config, VAR_DEFAULT_RBL_REPLY, NULL),
                "raw parameter not expanded");
    config_free(config);
}

static void test_computed_defaults(void)
{
    CONFIG *config = test_load("");
    const char *host = config_get_str(config, VAR_MYHOSTNAME);
    const char *networks;

    TEST_CHECK(strchr(host, '.') != NULL, "myhostname is qualified: %s", host);
    TEST_CHECK(*config_get_str(config, VAR_MYDOMAIN) != 0, "mydomain is set");
    networks = config_get_str(config, VAR_MYNETWORKS);
    TEST_CHECK(strstr(networks, "127.0.0.0/8") != NULL, "mynetworks has loopback: %s", networks);
    TEST_STR_EQ(config_get_str(config, VAR_INET_INTERFACES), "all", "inet_interfaces");
    TEST_STR_EQ(config_get_str(config, VAR_PROCESS_NAME), msg_program(), "process_name");
    TEST_INT_EQ(config_get_int(config, VAR_PROCESS_ID), getpid(), "process_id");
    config_free(config);

    config = test_load("myhostname = mail.example.com\n");
    TEST_STR_EQ(config_get_str(config, VAR_MYDOMAIN), "example.com", "mydomain from myhostname");
    TEST_STR_EQ(config_get_str(config, VAR_MYDESTINATION),
                "mail.example.com, localhost.example.com, localhost", "mydestination default");
    TEST_STR_EQ(config_get_str(config, VAR_MYORIGIN), "mail.example.com", "myorigin default");
    TEST_STR_EQ(config_get_str(config, VAR_SMTPD_BANNER), "mail.example.com ESMTP Postern",
                "smtpd_banner default");
    config_override(config, VAR_MYHOSTNAME, "example.com");
    TEST_STR_EQ(config_get_str(config, VAR_MYDOMAIN), "localdomain", "two labels: localdomain");
    config_override(config, VAR_MYHOSTNAME, "$mydomain");
    test_dies(config, GET_STR, VAR_MYDOMAIN, 1,
              "parameter mydomain: parameter expansion loop: default of mydomain -> myhostname -> "
              "mydomain; setting mydomain explicitly breaks it",
              "loop through a computed default");
    config_free(config);
}

/* test_validate_no_fatal - config_validate() must report, never end the program */

static int test_validate_no_fatal(CONFIG *config, const char *label)
{
    int jumped;
    volatile int count = -1;

    VSTRING_RESET(test_log);
    msg_set_longjmp(&test_jump);
    if ((jumped = setjmp(test_jump)) == 0)
        count = config_validate(config, test_report_cb, NULL);
    msg_set_longjmp(NULL);
    TEST_INT_EQ(jumped, 0, "%s: validated without a fatal error (%s)", label,
                vstring_str(test_log));
    return count;
}

/*
 * test_computed_default_loops - a value that refers back to a parameter
 * whose default is computed from it is a configuration error that names
 * every parameter of the loop, found by the checks that postfix check and
 * postconf run (the main_cf fuzz harness found "myhostname = x$mydomain"
 * ending the program with a misleading fatal error instead)
 */
static void test_computed_default_loops(void)
{
    static const struct {
        const char *main_cf;  /* the configuration */
        const char *name;     /* the parameter whose value loops */
        const char *loop;     /* the error */
        const char *computed; /* the computed default that cannot be computed */
    } cases[] = {
        {"myhostname = maio$mydomain\n", VAR_MYHOSTNAME,
         "main.cf, line 1: parameter myhostname: parameter expansion loop: myhostname -> default "
         "of mydomain -> myhostname; setting mydomain explicitly breaks it",
         VAR_MYDOMAIN},
        {"myhostname = me = {r$mydomain(yh:{:{])ti\n", VAR_MYHOSTNAME,
         "parameter expansion loop: myhostname -> default of mydomain -> myhostname", VAR_MYDOMAIN},
        {"smtpd_banner = $myhostname ESMTP\nmyhostname = host.${mydomain?{$mydomain}:{x}}\n",
         VAR_SMTPD_BANNER,
         "main.cf, line 1: parameter smtpd_banner: parameter expansion loop: myhostname -> "
         "default of mydomain -> myhostname",
         VAR_MYDOMAIN},
        {"inet_interfaces = $mynetworks\n", VAR_INET_INTERFACES,
         "main.cf, line 1: parameter inet_interfaces: parameter expansion loop: inet_interfaces "
         "-> default of mynetworks -> inet_interfaces; setting mynetworks explicitly breaks it",
         VAR_MYNETWORKS},
    };
    VSTRING *why = vstring_alloc(100);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CONFIG *config = test_load(cases[i].main_cf);
        char *text;

        test_reports = argv_alloc(5);
        TEST_CHECK(test_validate_no_fatal(config, cases[i].name) >= 1, "%s: reported",
                   cases[i].name);
        text = test_reports_text();
        TEST_CHECK(strstr(text, cases[i].loop) != NULL, "%s: report names the loop: got \"%s\"",
                   cases[i].name, text);
        TEST_CHECK(strstr(text, "bad parameter name") == NULL, "%s: no misleading text",
                   cases[i].name);
        myfree(text);
        argv_free(test_reports);
        TEST_INT_EQ(config_check_value(config, cases[i].name, why), -1, "%s: check fails",
                    cases[i].name);
        TEST_CHECK(config_get_default(config, cases[i].computed, why) == NULL && VSTRING_LEN(why),
                   "%s: no default, with a reason: %s", cases[i].computed, vstring_str(why));
        TEST_CHECK(strstr(vstring_str(why), "parameter expansion loop: default of") != NULL,
                   "%s: the reason is the loop", cases[i].computed);
        test_dies(config, GET_STR, cases[i].name, 1,
                  "parameter expansion loop:", "a getter is fatal, naming the loop");
        config_free(config);
    }

    /* Set explicitly, the computed default is not read: no loop. */
    {
        CONFIG *config = test_load("myhostname = maio.$mydomain\nmydomain = example.org\n");

        test_reports = argv_alloc(5);
        TEST_INT_EQ(test_validate_no_fatal(config, "mydomain set"), 0, "mydomain set: no problem");
        argv_free(test_reports);
        TEST_STR_EQ(config_get_str(config, VAR_MYHOSTNAME), "maio.example.org", "myhostname");
        config_free(config);
    }
    vstring_free(why);
}

static void test_directory_choice(void)
{
    CONFIG *config;

    unsetenv(CONFIG_DIR_ENV);
    TEST_STR_EQ(config_dir_choose(NULL), "/etc/postfix", "default directory");
    setenv(CONFIG_DIR_ENV, test_dir, 1);
    TEST_STR_EQ(config_dir_choose(NULL), test_dir, "MAIL_CONFIG");
    TEST_STR_EQ(config_dir_choose("/other"), "/other", "-c wins over MAIL_CONFIG");
    test_write("main.cf", "myorigin = from-env\n");
    config = config_load(NULL);
    TEST_STR_EQ(config_get_str(config, VAR_MYORIGIN), "from-env", "config_load(NULL) uses env");
    TEST_STR_EQ(config_get_str(config, VAR_CONFIG_DIRECTORY), test_dir,
                "config_directory reports the directory in use");
    TEST_STR_EQ(config_get_default(config, VAR_CONFIG_DIRECTORY, NULL), "/etc/postfix",
                "config_directory default");
    config_free(config);
    unsetenv(CONFIG_DIR_ENV);
}

static void test_startup(void)
{
    CONFIG *config;
    ARGV *overrides = argv_alloc(2);
    int jumped;

    test_write("main.cf", "myhostname = mail.example.com\nsmtpd_tls_cert_flie = x\n");
    test_write("master.cf", "smtp inet n - n - - smtpd\n");
    argv_add(overrides, "smtpd_timeout=60s");
    argv_add(overrides, "service_name=smtp");
    VSTRING_RESET(test_log);
    config = config_startup(test_dir, overrides, "smtpd");
    TEST_CHECK(config_current() == config, "startup installs the process CONFIG");
    TEST_INT_EQ(config_get_time(config, VAR_SMTPD_TIMEOUT), 60, "startup override");
    TEST_STR_EQ(config_get_str(config, VAR_PROCESS_NAME), "smtpd", "startup process_name");
    TEST_CHECK(strstr(vstring_str(test_log), "warning: ") != NULL &&
                   strstr(vstring_str(test_log), "line 2: unknown parameter "
                                                 "\"smtpd_tls_cert_flie\"; did you mean") != NULL,
               "daemons warn about unknown names");
    config_free(config);
    TEST_CHECK(config_current() == NULL, "freeing the process CONFIG clears it");

    argv_add(overrides, "smtpd_tls_loglevel=high");
    VSTRING_RESET(test_log);
    msg_set_longjmp(&test_jump);
    if ((jumped = setjmp(test_jump)) == 0)
        (void)config_startup(test_dir, overrides, "smtpd");
    msg_set_longjmp(NULL);
    TEST_INT_EQ(jumped, 1, "malformed override is fatal at start-up");
    TEST_CHECK(strstr(vstring_str(test_log), "fatal: -o smtpd_tls_loglevel=high: bad value "
                                             "\"high\" for parameter smtpd_tls_loglevel") != NULL,
               "start-up error names parameter and value");
    argv_free(overrides);
}

static void test_tls_table(void)
{
    CONFIG *config = config_alloc(test_dir);
    size_t count;
    const PARAM_INFO *const *all = param_table_sorted(&count);
    int missing = 0;
    int wrong = 0;

    for (size_t i = 0; i < sizeof(test_tls_defaults) / sizeof(test_tls_defaults[0]); i++) {
        const char *name = test_tls_defaults[i][0];
        const char *got = config_get_default(config, name, NULL);

        if (param_table_find(name) == NULL) {
            TEST_CHECK(0, "TLS parameter %s is in the table", name);
            missing++;
        } else if (strcmp(got, test_tls_defaults[i][1]) != 0) {
            TEST_STR_EQ(got, test_tls_defaults[i][1], "default of %s", name);
            wrong++;
        }
    }
    TEST_CHECK(missing == 0 && wrong == 0, "all %zu TLS parameters with Postfix defaults",
               sizeof(test_tls_defaults) / sizeof(test_tls_defaults[0]));
    TEST_CHECK(count > 800, "table lists %zu parameters", count);
    for (size_t i = 1; i < count; i++)
        if (strcmp(all[i - 1]->name, all[i]->name) >= 0)
            TEST_CHECK(0, "table sorted at %s", all[i]->name);
    for (size_t i = 0; i < count; i++) {
        VSTRING *why = vstring_alloc(100);

        if (strcmp(all[i]->name, VAR_PROCESS_ID) != 0 &&
            config_check_value(config, all[i]->name, why) != 0)
            TEST_CHECK(0, "default of %s is valid: %s", all[i]->name, vstring_str(why));
        vstring_free(why);
    }
    TEST_CHECK(1, "every default fits its own type");
    config_free(config);
}

/* smtp_line_length_limit: 0 (no limit) or a usable length, nothing between */

static void test_line_length_limit(void)
{
    static const struct {
        const char *value;
        int ok;
    } cases[] = {{"0", 1}, {"40", 1}, {"998", 1}, {"1", 0}, {"2", 0}, {"39", 0}, {"-1", 0}};
    VSTRING *text = vstring_alloc(100), *want = vstring_alloc(100), *label = vstring_alloc(100);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CONFIG *config;

        vstring_sprintf(text, "smtp_line_length_limit = %s\n", cases[i].value);
        config = test_load(vstring_str(text));
        if (cases[i].ok)
            TEST_INT_EQ(config_get_int(config, VAR_SMTP_LINE_LENGTH_LIMIT), atoi(cases[i].value),
                        "smtp_line_length_limit = %s accepted", cases[i].value);
        else {
            vstring_sprintf(want, "bad value \"%s\" for parameter smtp_line_length_limit",
                            cases[i].value);
            vstring_sprintf(label, "smtp_line_length_limit = %s refused", cases[i].value);
            test_dies(config, GET_INT, VAR_SMTP_LINE_LENGTH_LIMIT, 1, vstring_str(want),
                      vstring_str(label));
        }
        config_free(config);
    }
    vstring_free(text);
    vstring_free(want);
    vstring_free(label);
}

int main(void)
{
    if (mkdtemp(test_dir) == NULL)
        msg_fatal("mkdtemp: %m");
    msg_init("config_test");
    test_log = vstring_alloc(1000);
    msg_output_add(test_capture, NULL);
    msg_stderr_enable(0);
    unsetenv(CONFIG_DIR_ENV);

    test_parsing();
    test_walk_and_errors();
    test_expansion();
    test_relational();
    test_typed_values();
    test_bad_values();
    test_line_length_limit();
    test_validate();
    test_names();
    test_overrides_and_bind();
    test_computed_defaults();
    test_computed_default_loops();
    test_directory_choice();
    test_startup();
    test_tls_table();

    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", test_dir);
    if (system(cmd) != 0)
        msg_warn("cannot remove %s", test_dir);
    vstring_free(test_log);
    return test_summary("config_test");
}
