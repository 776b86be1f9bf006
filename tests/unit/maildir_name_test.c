/*
 * maildir_name_test - unique Maildir file names
 */
#include <string.h>

#include "vstring.h"

#include "maildir_name.h"

#include "test.h"

int main(void)
{
    VSTRING *a = vstring_alloc(40), *b = vstring_alloc(40);

    TEST_STR_EQ(maildir_name(a, 1700000000, 123456, 4321, 1, "mail.example.com"),
                "1700000000.M123456P4321Q1.mail.example.com", "the name's fields");
    TEST_STR_EQ(maildir_name(a, 1, 2, 3, 4, "odd/host:name"), "1.M2P3Q4.odd\\057host\\072name",
                "slash and colon in the host name are escaped");
    maildir_name(a, 1700000000, 5, 99, 1, "h");
    maildir_name(b, 1700000000, 5, 99, 2, "h");
    TEST_CHECK(strcmp(vstring_str(a), vstring_str(b)) != 0,
               "two deliveries of one process in one microsecond differ");
    maildir_name(b, 1700000000, 5, 98, 1, "h");
    TEST_CHECK(strcmp(vstring_str(a), vstring_str(b)) != 0, "two processes differ");
    TEST_CHECK(strchr(vstring_str(b), '/') == NULL, "no slash in a name");
    vstring_free(a);
    vstring_free(b);
    return test_summary("maildir_name");
}
