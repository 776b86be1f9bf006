/* record_test - record encoding, decoding, limits, fixed-width fields */

#include <string.h>

#include "msg.h"
#include "record.h"
#include "vstream.h"
#include "vstring.h"
#include "test.h"

/* TEST_UNDER_VALGRIND */

/* Every record type with data of a telling size. */
static const struct {
    int type;
    size_t len;
} round_trip_cases[] = {
    {REC_TYPE_SIZE, 63},       {REC_TYPE_SCHED, 47},     {REC_TYPE_TIME, 31},
    {REC_TYPE_ATTR, 20},       {REC_TYPE_FROM, 0},       {REC_TYPE_ORCP, 127},
    {REC_TYPE_DSN_ORCPT, 128}, {REC_TYPE_DSN_NOTIFY, 1}, {REC_TYPE_RCPT, 16383},
    {REC_TYPE_DONE, 16384},    {REC_TYPE_MESG, 15},      {REC_TYPE_NORM, 70000},
    {REC_TYPE_CONT, 4096},     {REC_TYPE_XTRA, 0},       {REC_TYPE_END, 0},
};

#define CASES (sizeof(round_trip_cases) / sizeof(round_trip_cases[0]))

static void test_round_trip(void)
{
    VSTRING *file = vstring_alloc(100);
    VSTRING *data = vstring_alloc(100);
    VSTRING *got = vstring_alloc(10);
    VSTREAM *stream;
    size_t total = 0;

    stream = vstream_memopen(file, VSTREAM_FLAG_WRITE);
    for (size_t i = 0; i < CASES; i++) {
        VSTRING_RESET(data);
        for (size_t j = 0; j < round_trip_cases[i].len; j++)
            vstring_addch(data, (int)((i * 31 + j) & 0xff)); /* binary, with null bytes */
        TEST_INT_EQ(rec_put(stream, round_trip_cases[i].type, vstring_str(data), VSTRING_LEN(data)),
                    round_trip_cases[i].type, "rec_put %s",
                    rec_type_name(round_trip_cases[i].type));
        total += rec_size(round_trip_cases[i].len);
    }
    vstream_close(stream);
    TEST_INT_EQ(VSTRING_LEN(file), total, "rec_size predicts the encoded size");

    stream = vstream_memopen(file, VSTREAM_FLAG_READ);
    for (size_t i = 0; i < CASES; i++) {
        int type = rec_get(stream, got, 1 << 20, NULL);
        int same = VSTRING_LEN(got) == round_trip_cases[i].len;

        for (size_t j = 0; same && j < round_trip_cases[i].len; j++)
            same = (unsigned char)vstring_str(got)[j] == ((i * 31 + j) & 0xff);
        TEST_INT_EQ(type, round_trip_cases[i].type, "rec_get type of %s",
                    rec_type_name(round_trip_cases[i].type));
        TEST_CHECK(same, "rec_get data of %s (%zu bytes)", rec_type_name(round_trip_cases[i].type),
                   round_trip_cases[i].len);
    }
    TEST_INT_EQ(rec_get(stream, got, 1 << 20, NULL), REC_TYPE_EOF, "clean end of input");
    vstream_close(stream);
    vstring_free(file);
    vstring_free(data);
    vstring_free(got);
}

/* rec_get_bytes - decode one record from raw bytes */

static int rec_get_bytes(const char *bytes, size_t len, size_t limit, const char **why)
{
    VSTRING *in = vstring_alloc(len);
    VSTRING *got = vstring_alloc(10);
    VSTREAM *stream;
    int type;

    vstring_memcpy(in, bytes, len);
    stream = vstream_memopen(in, VSTREAM_FLAG_READ);
    *why = "";
    type = rec_get(stream, got, limit, why);
    vstream_close(stream);
    vstring_free(in);
    vstring_free(got);
    return type;
}

static void test_malformed(void)
{
    static const struct {
        const char *name;
        const char *bytes;
        size_t len;
        size_t limit;
        int want;
        const char *why;
    } cases[] = {
        {"empty input", "", 0, 100, REC_TYPE_EOF, ""},
        {"unknown type", "Q\001x", 3, 100, REC_TYPE_ERROR, "unknown record type"},
        {"type only", "N", 1, 100, REC_TYPE_ERROR, "truncated record length"},
        {"length continues past end", "N\x80", 2, 100, REC_TYPE_ERROR, "truncated record length"},
        {"non-minimal length", "N\x81\x00x", 4, 100, REC_TYPE_ERROR, "non-minimal record length"},
        {"six length bytes", "N\x80\x80\x80\x80\x80\x01", 7, 100, REC_TYPE_ERROR,
         "record length too long"},
        {"over the limit", "N\x05hello", 7, 4, REC_TYPE_ERROR, "record longer than the limit"},
        {"at the limit", "N\x05hello", 7, 5, REC_TYPE_NORM, ""},
        {"short data", "N\x05hell", 6, 100, REC_TYPE_ERROR, "truncated record data"},
        {"two-byte length", "N\x80\x01", 3, 1000, REC_TYPE_ERROR, "truncated record data"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *why;
        int type = rec_get_bytes(cases[i].bytes, cases[i].len, cases[i].limit, &why);

        TEST_INT_EQ(type, cases[i].want, "malformed: %s: result", cases[i].name);
        TEST_STR_EQ(why, cases[i].why, "malformed: %s: reason", cases[i].name);
    }
}

static void test_fields(void)
{
    VSTRING *buf = vstring_alloc(10);
    long long values[3] = {0, 123456789012345LL, 42};
    long long got[3] = {-1, -1, -1};

    rec_fields_format(buf, 3, values);
    TEST_INT_EQ(VSTRING_LEN(buf), rec_fields_len(3), "fixed-width length");
    TEST_INT_EQ(rec_fields_parse(vstring_str(buf), VSTRING_LEN(buf), 3, got), 0, "fields parse");
    TEST_CHECK(got[0] == 0 && got[1] == 123456789012345LL && got[2] == 42, "fields round trip");
    TEST_INT_EQ(rec_fields_parse(vstring_str(buf), VSTRING_LEN(buf) - 1, 3, got), -1,
                "fields: wrong length refused");
    vstring_str(buf)[20] = 'x';
    TEST_INT_EQ(rec_fields_parse(vstring_str(buf), VSTRING_LEN(buf), 3, got), -1,
                "fields: non-digit refused");
    rec_fields_format(buf, 1, values);
    TEST_STR_EQ(vstring_str(buf), "              0", "zero is padded to the field width");
    vstring_strcpy(buf, "               ");
    TEST_INT_EQ(rec_fields_parse(vstring_str(buf), VSTRING_LEN(buf), 1, got), -1,
                "fields: blank field refused");
    vstring_strcpy(buf, "12 34          ");
    TEST_INT_EQ(rec_fields_parse(vstring_str(buf), VSTRING_LEN(buf), 1, got), -1,
                "fields: embedded blank refused");
    vstring_free(buf);
}

static void test_names(void)
{
    TEST_STR_EQ(rec_type_name(REC_TYPE_RCPT), "recipient", "name of R");
    TEST_STR_EQ(rec_type_name('?'), "unknown", "name of an unknown type");
    TEST_CHECK(rec_type_ok(REC_TYPE_END) && !rec_type_ok(0), "rec_type_ok");
}

int main(void)
{
    msg_init("record_test");
    test_round_trip();
    test_malformed();
    test_fields();
    test_names();
    return test_summary("record_test");
}
