/*
 * smtpd_config_test - smtpd_forbid_bare_newline and the TLS level
 *
 * TEST_UNDER_VALGRIND
 */

#include "../../src/smtpd/smtpd_check.c"
#include "../../src/smtpd/smtpd_check_access.c"
#include "../../src/smtpd/smtpd_check_addr.c"
#include "../../src/smtpd/smtpd_check_flow.c"
#include "../../src/smtpd/smtpd_check_host.c"
#include "../../src/smtpd/smtpd_check_policy.c"
#include "../../src/smtpd/smtpd_check_rbl.c"
#include "../../src/smtpd/smtpd_check_server.c"
#include "../../src/smtpd/smtpd_check_login.c"
#include "../../src/smtpd/smtpd_config.c"
#include "../../src/smtpd/smtpd_limits_config.c"
#include "../../src/smtpd/smtpd_tls.c"
#include "../../src/smtpd/smtpd_unlisted_config.c"

#include "test.h"

/* The SASL back end is not part of these cases (smtpd_sasl.c). */
void smtpd_sasl_init(SMTPD_CONFIG *unused_cfg)
{
}

void smtpd_sasl_done(SMTPD_CONFIG *unused_cfg)
{
}

/* One TLS level case. */
typedef struct LEVEL_CASE {
    const char *level; /* smtpd_tls_security_level */
    bool use_tls;      /* smtpd_use_tls */
    bool enforce_tls;  /* smtpd_enforce_tls */
    bool wrappermode;  /* smtpd_tls_wrappermode */
    int want;          /* SMTPD_TLS_LEVEL_*, or -1 for an error */
} LEVEL_CASE;

static const LEVEL_CASE level_cases[] = {
    {"", false, false, false, SMTPD_TLS_LEVEL_NONE},
    {"", true, false, false, SMTPD_TLS_LEVEL_MAY},
    {"", true, true, false, SMTPD_TLS_LEVEL_ENCRYPT},
    {"", false, true, false, SMTPD_TLS_LEVEL_ENCRYPT},
    {"none", true, true, false, SMTPD_TLS_LEVEL_NONE},
    {"may", false, true, false, SMTPD_TLS_LEVEL_MAY},
    {"encrypt", false, false, false, SMTPD_TLS_LEVEL_ENCRYPT},
    {"verify", false, false, false, SMTPD_TLS_LEVEL_ENCRYPT},
    {"none", false, false, true, SMTPD_TLS_LEVEL_ENCRYPT},
    {"dane", false, false, false, -1},
    {"bogus", false, false, false, -1},
};

/* One bare-LF case. */
typedef struct BARE_LF_CASE {
    const char *value;
    int want; /* SMTPD_BARE_LF_*, or -1 */
} BARE_LF_CASE;

static const BARE_LF_CASE bare_lf_cases[] = {
    {"normalize", SMTPD_BARE_LF_NORMALIZE},
    {"yes", SMTPD_BARE_LF_NORMALIZE},
    {"reject", SMTPD_BARE_LF_REJECT},
    {"REJECT", SMTPD_BARE_LF_REJECT},
    {"no", SMTPD_BARE_LF_NO},
    {"maybe", -1},
    {"", -1},
};

int main(void)
{
    msg_init("smtpd_config_test");
    msg_stderr_enable(0);
    for (size_t i = 0; i < sizeof(level_cases) / sizeof(level_cases[0]); i++) {
        const LEVEL_CASE *c = &level_cases[i];
        SMTPD_TLS_LEVEL got = SMTPD_TLS_LEVEL_NONE;
        int status =
            smtpd_config_tls_level(c->level, c->use_tls, c->enforce_tls, c->wrappermode, &got);

        TEST_INT_EQ(status < 0 ? -1 : (int)got, c->want,
                    "level \"%s\" use=%d enforce=%d wrapper=%d", c->level, c->use_tls,
                    c->enforce_tls, c->wrappermode);
    }
    for (size_t i = 0; i < sizeof(bare_lf_cases) / sizeof(bare_lf_cases[0]); i++) {
        SMTPD_BARE_LF got = SMTPD_BARE_LF_NO;
        int status = smtpd_config_bare_lf(bare_lf_cases[i].value, &got);

        TEST_INT_EQ(status < 0 ? -1 : (int)got, bare_lf_cases[i].want,
                    "smtpd_forbid_bare_newline = %s", bare_lf_cases[i].value);
    }
    return test_summary("smtpd_config_test");
}
