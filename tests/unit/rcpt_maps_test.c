/*
 * rcpt_maps_test - unlisted senders and recipients: classes, tables, replies
 */
/* TEST_UNDER_VALGRIND */
#include "msg.h"
#include "vstring.h"

#include "rcpt_maps.h"

#include "test.h"

/* One address and the verdict on it. */
typedef struct RCPT_CASE {
    RCPT_MAPS_ROLE role; /* sender or recipient */
    const char *address; /* as the client gave it */
    int result;          /* want: RCPT_MAPS_* */
    const char *reply;   /* want, when not known */
} RCPT_CASE;

static const RCPT_CASE cases[] = {
    {RCPT_MAPS_RECIPIENT, "alice@example.org", RCPT_MAPS_KNOWN, NULL},
    {RCPT_MAPS_RECIPIENT, "alice+ext@example.org", RCPT_MAPS_KNOWN, NULL},
    {RCPT_MAPS_RECIPIENT, "staff@example.org", RCPT_MAPS_KNOWN, NULL},
    {RCPT_MAPS_RECIPIENT, "postmaster@example.org", RCPT_MAPS_KNOWN, NULL},
    {RCPT_MAPS_RECIPIENT, "MAILER-DAEMON@example.org", RCPT_MAPS_KNOWN, NULL},
    {RCPT_MAPS_RECIPIENT, "bounces@example.org", RCPT_MAPS_KNOWN, NULL},
    {RCPT_MAPS_RECIPIENT, "carl@example.org", RCPT_MAPS_UNKNOWN,
     "551 5.1.1 <carl@example.org>: Recipient address rejected: User unknown in local recipient "
     "table"},
    {RCPT_MAPS_RECIPIENT, "bob@mbox.example", RCPT_MAPS_KNOWN, NULL},
    {RCPT_MAPS_RECIPIENT, "eve@mbox.example", RCPT_MAPS_UNKNOWN,
     "452 4.1.1 <eve@mbox.example>: Recipient address rejected: User unknown in virtual mailbox "
     "table"},
    {RCPT_MAPS_RECIPIENT, "info@alias.example", RCPT_MAPS_KNOWN, NULL},
    {RCPT_MAPS_RECIPIENT, "x@alias.example", RCPT_MAPS_UNKNOWN,
     "553 5.1.1 <x@alias.example>: Recipient address rejected: User unknown in virtual alias "
     "table"},
    {RCPT_MAPS_RECIPIENT, "renamed@alias.example", RCPT_MAPS_KNOWN, NULL},
    {RCPT_MAPS_RECIPIENT, "dave@relay.example", RCPT_MAPS_UNKNOWN,
     "554 5.1.1 <dave@relay.example>: Recipient address rejected: User unknown in relay "
     "recipient table"},
    {RCPT_MAPS_RECIPIENT, "anyone@elsewhere.example", RCPT_MAPS_KNOWN, NULL},
    {RCPT_MAPS_RECIPIENT, "old@example.org", RCPT_MAPS_UNKNOWN,
     "550 5.1.6 <old@example.org>: Recipient address rejected: User has moved to "
     "new@elsewhere.example"},
    {RCPT_MAPS_RECIPIENT, "", RCPT_MAPS_KNOWN, NULL},
    {RCPT_MAPS_SENDER, "carl@example.org", RCPT_MAPS_UNKNOWN,
     "551 5.1.0 <carl@example.org>: Sender address rejected: User unknown in local recipient "
     "table"},
    {RCPT_MAPS_SENDER, "old@example.org", RCPT_MAPS_UNKNOWN,
     "550 5.1.0 <old@example.org>: Sender address rejected: User has moved to "
     "new@elsewhere.example"},
    {RCPT_MAPS_SENDER, "from-only@example.org", RCPT_MAPS_KNOWN, NULL},
    {RCPT_MAPS_RECIPIENT, "from-only@example.org", RCPT_MAPS_UNKNOWN,
     "551 5.1.1 <from-only@example.org>: Recipient address rejected: User unknown in local "
     "recipient table"},
};

int main(void)
{
    VSTRING *why = vstring_alloc(100), *reply = vstring_alloc(100);
    RCPT_MAPS_SETTINGS settings = {
        .resolve =
            {
                .mydestination = "example.org",
                .virtual_alias_domains = "alias.example",
                .virtual_mailbox_domains = "mbox.example",
                .relay_domains = "relay.example",
                .relocated_maps = "inline:{ old@example.org=new@elsewhere.example }",
                .recipient_delimiter = "+",
                .show_user_unknown_table_name = true,
            },
        .local_recipient_maps = "inline:{ alice=x, staff@example.org=x }",
        .virtual_alias_maps = "inline:{ info@alias.example=bob@mbox.example }",
        .virtual_mailbox_maps = "inline:{ bob@mbox.example=bob/ }",
        .relay_recipient_maps = "inline:{ carol@relay.example=x }",
        .canonical_maps = "inline:{ renamed@alias.example=bob@mbox.example }",
        .sender_canonical_maps = "inline:{ from-only@example.org=alice@example.org }",
        .double_bounce_sender = "bounces",
        .local_code = 551,
        .virtual_mailbox_code = 452,
        .virtual_alias_code = 553,
        .relay_code = 554,
        .reject_unlisted_recipient = true,
    };
    RCPT_MAPS *maps;

    msg_init("rcpt_maps_test");
    maps = rcpt_maps_create(&settings, why);
    TEST_CHECK(maps != NULL, "create: %s", vstring_str(why));
    TEST_CHECK(rcpt_maps_implicit(maps, RCPT_MAPS_RECIPIENT), "smtpd_reject_unlisted_recipient");
    TEST_CHECK(!rcpt_maps_implicit(maps, RCPT_MAPS_SENDER), "smtpd_reject_unlisted_sender");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const RCPT_CASE *c = cases + i;

        vstring_strcpy(reply, "");
        TEST_INT_EQ(rcpt_maps_check(maps, c->role, "", c->address, reply), c->result, "%s <%s>",
                    c->role == RCPT_MAPS_SENDER ? "sender" : "recipient", c->address);
        if (c->reply)
            TEST_STR_EQ(vstring_str(reply), c->reply, "%s: reply", c->address);
    }
    maps = rcpt_maps_free(maps);

    /* Without table names, and with the default codes. */
    settings.resolve.show_user_unknown_table_name = false;
    settings.local_code = 550;
    maps = rcpt_maps_create(&settings, why);
    TEST_INT_EQ(rcpt_maps_check(maps, RCPT_MAPS_RECIPIENT, "", "carl@example.org", reply),
                RCPT_MAPS_UNKNOWN, "carl, no table names");
    TEST_STR_EQ(vstring_str(reply),
                "550 5.1.1 <carl@example.org>: Recipient address rejected: User unknown",
                "no table name");
    TEST_INT_EQ(rcpt_maps_check(maps, RCPT_MAPS_RECIPIENT, "", "x@alias.example", reply),
                RCPT_MAPS_UNKNOWN, "x@alias.example, no table names");
    TEST_STR_EQ(vstring_str(reply),
                "553 5.1.1 <x@alias.example>: Recipient address rejected: User unknown",
                "no table name for the alias class");
    rcpt_maps_free(maps);

    /* An empty local_recipient_maps lists every local name. */
    settings.local_recipient_maps = "";
    maps = rcpt_maps_create(&settings, why);
    TEST_INT_EQ(rcpt_maps_check(maps, RCPT_MAPS_RECIPIENT, "", "carl@example.org", reply),
                RCPT_MAPS_KNOWN, "empty local_recipient_maps");
    rcpt_maps_free(maps);

    /* A failing table defers; it never reads as "unknown". */
    settings.virtual_mailbox_maps = "fail:broken";
    maps = rcpt_maps_create(&settings, why);
    TEST_INT_EQ(rcpt_maps_check(maps, RCPT_MAPS_RECIPIENT, "", "eve@mbox.example", reply),
                RCPT_MAPS_RETRY, "failing virtual_mailbox_maps");
    TEST_STR_EQ(vstring_str(reply), "451 4.3.0 <eve@mbox.example>: Temporary lookup failure",
                "failing table: reply");
    rcpt_maps_free(maps);
    vstring_free(why);
    vstring_free(reply);
    return test_summary("rcpt_maps");
}
