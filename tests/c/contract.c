/* API-contract tests: NULL arguments, wrong sizes, every reachable status, out-parameters left
 * untouched on failure, frees that accept NULL, the last error message, versions, and the
 * Fe26.2 salt-reuse window. */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "fe26.h"

#define PW_K1 "contract-password-k1-0123456789-abcdef"
#define PW_K2 "contract-password-k2-0123456789-abcdef"
#define NOW UINT64_C(1764000000000)
#define HOUR UINT64_C(3600000)

static const uint8_t KEY32[32] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
                                  16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31};

static const polyseal_keyring *keyring_k1_k2(const char *current) {
    polyseal_keyring_builder *b = NULL;
    const polyseal_keyring *k = NULL;
    CHECK_OK(polyseal_keyring_builder_new(&b));
    CHECK_OK(polyseal_keyring_builder_add_password(b, S("k1"), S(PW_K1)));
    CHECK_OK(polyseal_keyring_builder_add_password(b, S("k2"), S(PW_K2)));
    CHECK_OK(polyseal_keyring_builder_set_current(b, current, strlen(current)));
    CHECK_OK(polyseal_keyring_builder_build(b, &k));
    polyseal_keyring_builder_free(b);
    return k;
}

static const polyseal_sealer *native_sealer(const polyseal_keyring *k, uint64_t ttl) {
    polyseal_options *o = NULL;
    const polyseal_sealer *s = NULL;
    CHECK_OK(polyseal_options_new(&o));
    CHECK_OK(polyseal_options_set_cookie_name(o, S("session")));
    if (ttl > 0) CHECK_OK(polyseal_options_set_ttl_ms(o, ttl));
    CHECK_OK(polyseal_sealer_new(k, S("native"), o, &s));
    polyseal_options_free(o);
    return s;
}

static void test_versions(void) {
    char expected[64];
    snprintf(expected, sizeof expected, "%d.%d.%d", POLYSEAL_VERSION_MAJOR, POLYSEAL_VERSION_MINOR,
             POLYSEAL_VERSION_PATCH);
    CHECK(strcmp(expected, POLYSEAL_VERSION_STRING) == 0);
    CHECK(strcmp(polyseal_version(), POLYSEAL_VERSION_STRING) == 0);
    CHECK(polyseal_abi_version() == POLYSEAL_ABI_VERSION);
    CHECK(POLYSEAL_ABI_VERSION >= 1);
}

static void test_status_names(void) {
    /* docs/ERRORS.md, in order. */
    static const char *const names[] = {
        "OK",         "MALFORMED",        "UNSUPPORTED_VERSION", "UNKNOWN_KEY",
        "BAD_SEAL",   "EXPIRED",          "NOT_YET_VALID",       "TOO_LARGE",
        "INVALID_JSON", "INVALID_PASSWORD", "INVALID_OPTION",    "INVALID_COOKIE",
        "SESSION_CLEARED", "INVALID_ARGUMENT", "INTERNAL"};
    static const polyseal_status codes[] = {
        POLYSEAL_STATUS_OK,              POLYSEAL_STATUS_MALFORMED,
        POLYSEAL_STATUS_UNSUPPORTED_VERSION, POLYSEAL_STATUS_UNKNOWN_KEY,
        POLYSEAL_STATUS_BAD_SEAL,        POLYSEAL_STATUS_EXPIRED,
        POLYSEAL_STATUS_NOT_YET_VALID,   POLYSEAL_STATUS_TOO_LARGE,
        POLYSEAL_STATUS_INVALID_JSON,    POLYSEAL_STATUS_INVALID_PASSWORD,
        POLYSEAL_STATUS_INVALID_OPTION,  POLYSEAL_STATUS_INVALID_COOKIE,
        POLYSEAL_STATUS_SESSION_CLEARED, POLYSEAL_STATUS_INVALID_ARGUMENT,
        POLYSEAL_STATUS_INTERNAL};
    for (int i = 0; i < (int)(sizeof codes / sizeof codes[0]); i++) {
        CHECK(codes[i] == i);
        CHECK(strcmp(polyseal_status_str(codes[i]), names[i]) == 0);
        CHECK(polyseal_status_str(codes[i]) == polyseal_status_str(codes[i]));
    }
    CHECK(strcmp(polyseal_status_str(-1), "UNKNOWN") == 0);
    CHECK(strcmp(polyseal_status_str(15), "UNKNOWN") == 0);
    CHECK(strcmp(polyseal_status_str(INT32_MAX), "UNKNOWN") == 0);
    CHECK(strcmp(polyseal_status_str(INT32_MIN), "UNKNOWN") == 0);
}

static void test_free_accepts_null(void) {
    polyseal_buf empty = {NULL, 0};
    polyseal_buf_free(NULL);
    polyseal_buf_free(&empty);
    CHECK(empty.ptr == NULL && empty.len == 0);
    polyseal_keyring_builder_free(NULL);
    polyseal_keyring_free(NULL);
    polyseal_options_free(NULL);
    polyseal_sealer_free(NULL);
    polyseal_unsealed_free(NULL);
    CHECK(!polyseal_unsealed_has_issued_at(NULL));
    CHECK(polyseal_unsealed_issued_at(NULL) == 0);
    CHECK(!polyseal_unsealed_has_expires_at(NULL));
    CHECK(polyseal_unsealed_expires_at(NULL) == 0);
    CHECK(!polyseal_unsealed_needs_reseal(NULL));
}

static void test_null_arguments(void) {
    const polyseal_keyring *k = keyring_k1_k2("k1");
    const polyseal_sealer *s = native_sealer(k, HOUR);
    polyseal_keyring_builder *b = NULL;
    polyseal_options *o = NULL;
    const polyseal_unsealed *u = NULL;
    polyseal_buf token = {NULL, 0};
    const polyseal_keyring *k_out = SENTINEL(const polyseal_keyring *);
    const polyseal_sealer *s_out = SENTINEL(const polyseal_sealer *);
    const polyseal_unsealed *u_out = SENTINEL(const polyseal_unsealed *);
    const char *text = SENTINEL(const char *);
    size_t len = 12345;
    const polyseal_status E = POLYSEAL_STATUS_INVALID_ARGUMENT;

    CHECK_OK(polyseal_keyring_builder_new(&b));
    CHECK_OK(polyseal_options_new(&o));
    CHECK_OK(polyseal_sealer_seal_at(s, S("{\"a\":1}"), NOW, &token));
    CHECK_OK(polyseal_sealer_unseal_at(s, (const char *)token.ptr, token.len, NOW, &u));

    CHECK_STATUS(polyseal_keyring_builder_new(NULL), E);
    CHECK(strstr(last_error(), "builder_out is NULL") != NULL);
    check_message_names(E);
    CHECK_STATUS(polyseal_keyring_builder_add_password(NULL, S("k1"), S(PW_K1)), E);
    CHECK_STATUS(polyseal_keyring_builder_add_password(b, NULL, 2, S(PW_K1)), E);
    CHECK_STATUS(polyseal_keyring_builder_add_password(b, S("k1"), NULL, 40), E);
    CHECK_STATUS(polyseal_keyring_builder_add_key(NULL, S("k1"), KEY32, 32), E);
    CHECK_STATUS(polyseal_keyring_builder_add_key(b, S("k1"), NULL, 32), E);
    CHECK_STATUS(polyseal_keyring_builder_add_split(NULL, S("k1"), POLYSEAL_SECRET_KEY, KEY32, 32,
                                                    POLYSEAL_SECRET_KEY, KEY32, 32),
                 E);
    CHECK_STATUS(polyseal_keyring_builder_add_split(b, S("k1"), POLYSEAL_SECRET_KEY, NULL, 32,
                                                    POLYSEAL_SECRET_KEY, KEY32, 32),
                 E);
    CHECK_STATUS(polyseal_keyring_builder_add_split(b, S("k1"), POLYSEAL_SECRET_KEY, KEY32, 32,
                                                    POLYSEAL_SECRET_KEY, NULL, 32),
                 E);
    CHECK_STATUS(polyseal_keyring_builder_set_current(NULL, S("k1")), E);
    CHECK_STATUS(polyseal_keyring_builder_set_current(b, NULL, 1), E);
    CHECK_STATUS(polyseal_keyring_builder_build(NULL, &k_out), E);
    CHECK_STATUS(polyseal_keyring_builder_build(b, NULL), E);
    CHECK_STATUS(polyseal_keyring_from_password(NULL, 40, &k_out), E);
    CHECK_STATUS(polyseal_keyring_from_password(S(PW_K1), NULL), E);
    CHECK_STATUS(polyseal_keyring_from_key(NULL, 32, &k_out), E);
    CHECK_STATUS(polyseal_keyring_from_key(KEY32, 32, NULL), E);
    CHECK(k_out == SENTINEL(const polyseal_keyring *));

    CHECK_STATUS(polyseal_options_new(NULL), E);
    CHECK_STATUS(polyseal_options_set_ttl_ms(NULL, 1), E);
    CHECK_STATUS(polyseal_options_set_cookie_name(NULL, S("x")), E);
    CHECK_STATUS(polyseal_options_set_cookie_name(o, NULL, 1), E);
    CHECK_STATUS(polyseal_options_set_context(NULL, (const uint8_t *)"x", 1), E);
    CHECK_STATUS(polyseal_options_set_context(o, NULL, 1), E);
    CHECK_STATUS(polyseal_options_set_skew_ms(NULL, 1), E);
    CHECK_STATUS(polyseal_options_set_iterations(NULL, 1), E);
    CHECK_STATUS(polyseal_options_set_salt_bits(NULL, 1), E);
    CHECK_STATUS(polyseal_options_set_localtime_offset_ms(NULL, 1), E);
    CHECK_STATUS(polyseal_options_set_salt_reuse_ms(NULL, 1), E);
    CHECK_STATUS(polyseal_options_set_max_token_chars(NULL, 1), E);
    CHECK_STATUS(polyseal_options_set_max_json_bytes(NULL, 1), E);
    CHECK_STATUS(polyseal_options_set_max_depth(NULL, 1), E);

    CHECK_STATUS(polyseal_sealer_new(NULL, S("native"), o, &s_out), E);
    CHECK_STATUS(polyseal_sealer_new(k, NULL, 6, o, &s_out), E);
    CHECK_STATUS(polyseal_sealer_new(k, S("native"), o, NULL), E);
    CHECK(s_out == SENTINEL(const polyseal_sealer *));

    CHECK_STATUS(polyseal_sealer_seal(NULL, S("{}"), &token), E);
    CHECK_STATUS(polyseal_sealer_seal(s, NULL, 2, &token), E);
    CHECK_STATUS(polyseal_sealer_seal(s, S("{}"), NULL), E);
    CHECK_STATUS(polyseal_sealer_seal_at(NULL, S("{}"), NOW, &token), E);
    CHECK_STATUS(polyseal_sealer_seal_at(s, S("{}"), NOW, NULL), E);
    CHECK_STATUS(polyseal_sealer_unseal(NULL, (const char *)token.ptr, token.len, &u_out), E);
    CHECK_STATUS(polyseal_sealer_unseal(s, NULL, 10, &u_out), E);
    CHECK_STATUS(polyseal_sealer_unseal(s, (const char *)token.ptr, token.len, NULL), E);
    CHECK_STATUS(polyseal_sealer_unseal_at(NULL, (const char *)token.ptr, token.len, NOW, &u_out),
                 E);
    CHECK_STATUS(polyseal_sealer_unseal_at(s, (const char *)token.ptr, token.len, NOW, NULL), E);
    CHECK(u_out == SENTINEL(const polyseal_unsealed *));

    CHECK_STATUS(polyseal_unsealed_data(NULL, &text, &len), E);
    CHECK_STATUS(polyseal_unsealed_data(u, NULL, &len), E);
    CHECK_STATUS(polyseal_unsealed_data(u, &text, NULL), E);
    CHECK_STATUS(polyseal_unsealed_key_id(NULL, &text, &len), E);
    CHECK_STATUS(polyseal_unsealed_key_id(u, NULL, &len), E);
    CHECK_STATUS(polyseal_unsealed_key_id(u, &text, NULL), E);
    CHECK(text == SENTINEL(const char *) && len == 12345);

    /* A NULL pointer with length 0 is empty text: here an empty cookie name and context. */
    CHECK_OK(polyseal_options_set_cookie_name(o, NULL, 0));
    CHECK_OK(polyseal_options_set_context(o, NULL, 0));
    /* ... and an empty token, which is malformed rather than a bad argument. */
    CHECK_STATUS(polyseal_sealer_unseal_at(s, NULL, 0, NOW, &u_out), POLYSEAL_STATUS_MALFORMED);

    polyseal_buf_free(&token);
    polyseal_unsealed_free(u);
    polyseal_options_free(o);
    polyseal_keyring_builder_free(b);
    polyseal_sealer_free(s);
    polyseal_keyring_free(k);
}

static void test_sizes_and_encodings(void) {
    const polyseal_keyring *k = keyring_k1_k2("k1");
    const polyseal_sealer *s = native_sealer(k, HOUR);
    polyseal_keyring_builder *b = NULL;
    polyseal_options *o = NULL;
    const polyseal_keyring *k_out = NULL;
    const polyseal_sealer *s_out = NULL;
    const polyseal_unsealed *u_out = NULL;
    polyseal_buf token = {NULL, 0};
    const size_t sizes[] = {0, 1, 16, 31, 33, 64};
    const char bad_utf8[] = "k\xff";

    CHECK_OK(polyseal_keyring_builder_new(&b));
    CHECK_OK(polyseal_options_new(&o));

    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t key[64] = {0};
        CHECK_STATUS(polyseal_keyring_builder_add_key(b, S("k1"), key, sizes[i]),
                     POLYSEAL_STATUS_INVALID_PASSWORD);
        CHECK_STATUS(polyseal_keyring_from_key(key, sizes[i], &k_out),
                     POLYSEAL_STATUS_INVALID_PASSWORD);
    }
    CHECK(k_out == NULL);
    check_message_names(POLYSEAL_STATUS_INVALID_PASSWORD);
    CHECK(strstr(last_error(), "32 bytes") != NULL);
    /* Lengths no object can have are refused before the memory is touched. */
    CHECK_STATUS(polyseal_keyring_builder_add_key(b, S("k1"), KEY32, SIZE_MAX),
                 POLYSEAL_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(polyseal_sealer_unseal_at(s, "x", SIZE_MAX, NOW, &u_out),
                 POLYSEAL_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(polyseal_sealer_seal_at(s, "x", (SIZE_MAX >> 1) + 1, NOW, &token),
                 POLYSEAL_STATUS_INVALID_ARGUMENT);

    /* Passwords: empty, 31 characters, 31 three-byte characters (93 bytes), then 32. */
    CHECK_STATUS(polyseal_keyring_from_password("", 0, &k_out), POLYSEAL_STATUS_INVALID_PASSWORD);
    CHECK_STATUS(polyseal_keyring_from_password(S("0123456789012345678901234567890"), &k_out),
                 POLYSEAL_STATUS_INVALID_PASSWORD);
    {
        char euros[31 * 3];
        for (int i = 0; i < 31; i++) memcpy(euros + 3 * i, "\xe2\x82\xac", 3);
        CHECK_STATUS(polyseal_keyring_from_password(euros, sizeof euros, &k_out),
                     POLYSEAL_STATUS_INVALID_PASSWORD);
    }
    CHECK(k_out == NULL);
    CHECK_OK(polyseal_keyring_from_password(S("01234567890123456789012345678901"), &k_out));
    polyseal_keyring_free(k_out);
    k_out = NULL;

    /* Text that is not UTF-8. */
    CHECK_STATUS(polyseal_keyring_builder_add_password(b, S(bad_utf8), S(PW_K1)),
                 POLYSEAL_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(last_error(), "id is not valid UTF-8") != NULL);
    CHECK_STATUS(polyseal_keyring_builder_add_password(b, S("k1"), S(PW_K1 "\xff")),
                 POLYSEAL_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(polyseal_keyring_builder_set_current(b, S(bad_utf8)),
                 POLYSEAL_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(polyseal_options_set_cookie_name(o, S(bad_utf8)), POLYSEAL_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(polyseal_sealer_new(k, S("nat\xff"), o, &s_out), POLYSEAL_STATUS_INVALID_ARGUMENT);
    /* ... except payloads (a JSON problem) and tokens (untrusted input, so a malformed token). */
    CHECK_STATUS(polyseal_sealer_seal_at(s, S("\"\xff\""), NOW, &token),
                 POLYSEAL_STATUS_INVALID_JSON);
    CHECK_STATUS(polyseal_sealer_unseal_at(s, S("\xff\xfe"), NOW, &u_out),
                 POLYSEAL_STATUS_MALFORMED);
    CHECK(token.ptr == NULL && u_out == NULL && s_out == NULL);

    /* Split secrets: unknown kind, bad sides, then a good mixed entry. */
    CHECK_STATUS(polyseal_keyring_builder_add_split(b, S("s1"), 0, KEY32, 32, POLYSEAL_SECRET_KEY,
                                                    KEY32, 32),
                 POLYSEAL_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(polyseal_keyring_builder_add_split(b, S("s1"), POLYSEAL_SECRET_KEY, KEY32, 32, 3,
                                                    KEY32, 32),
                 POLYSEAL_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(polyseal_keyring_builder_add_split(b, S("s1"), POLYSEAL_SECRET_KEY, KEY32, 31,
                                                    POLYSEAL_SECRET_KEY, KEY32, 32),
                 POLYSEAL_STATUS_INVALID_PASSWORD);
    CHECK_STATUS(polyseal_keyring_builder_add_split(b, S("s1"), POLYSEAL_SECRET_PASSWORD, "short",
                                                    5, POLYSEAL_SECRET_KEY, KEY32, 32),
                 POLYSEAL_STATUS_INVALID_PASSWORD);
    CHECK_STATUS(polyseal_keyring_builder_add_split(b, S("s1"), POLYSEAL_SECRET_PASSWORD,
                                                    PW_K1 "\xff", sizeof PW_K1,
                                                    POLYSEAL_SECRET_KEY, KEY32, 32),
                 POLYSEAL_STATUS_INVALID_ARGUMENT);
    /* Every failed add left the builder empty. */
    CHECK_STATUS(polyseal_keyring_builder_build(b, &k_out), POLYSEAL_STATUS_INVALID_PASSWORD);
    CHECK(strstr(last_error(), "empty") != NULL);
    CHECK_OK(polyseal_keyring_builder_add_split(b, S("s1"), POLYSEAL_SECRET_PASSWORD, S(PW_K1),
                                                POLYSEAL_SECRET_KEY, KEY32, 32));
    CHECK_OK(polyseal_keyring_builder_build(b, &k_out));
    polyseal_keyring_free(k_out);

    polyseal_options_free(o);
    polyseal_keyring_builder_free(b);
    polyseal_sealer_free(s);
    polyseal_keyring_free(k);
}

static void test_keyring_builder(void) {
    struct {
        const char *id1, *id2, *current, *message;
    } bad[] = {
        {"k1", "k1", NULL, "appears twice"},
        {"", "k2", NULL, "empty key id"},
        {"a-b", NULL, NULL, "character"},
        {"k1", NULL, "k9", "not in the keyring"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        polyseal_keyring_builder *b = NULL;
        const polyseal_keyring *k = NULL;
        CHECK_OK(polyseal_keyring_builder_new(&b));
        CHECK_OK(polyseal_keyring_builder_add_password(b, bad[i].id1, strlen(bad[i].id1), S(PW_K1)));
        if (bad[i].id2) {
            CHECK_OK(polyseal_keyring_builder_add_key(b, bad[i].id2, strlen(bad[i].id2), KEY32, 32));
        }
        if (bad[i].current) {
            CHECK_OK(polyseal_keyring_builder_set_current(b, bad[i].current, strlen(bad[i].current)));
        }
        CHECK_STATUS(polyseal_keyring_builder_build(b, &k), POLYSEAL_STATUS_INVALID_PASSWORD);
        CHECK(k == NULL);
        CHECK(strstr(last_error(), bad[i].message) != NULL);
        polyseal_keyring_builder_free(b);
    }

    /* The builder is not consumed: it builds twice, and the keyrings outlive it. */
    polyseal_keyring_builder *b = NULL;
    const polyseal_keyring *k1 = NULL, *k2 = NULL;
    CHECK_OK(polyseal_keyring_builder_new(&b));
    CHECK_OK(polyseal_keyring_builder_add_key(b, S("raw"), KEY32, 32));
    CHECK_OK(polyseal_keyring_builder_build(b, &k1));
    CHECK_OK(polyseal_keyring_builder_build(b, &k2));
    polyseal_keyring_builder_free(b);
    CHECK(k1 != NULL && k2 != NULL && k1 != k2);
    polyseal_keyring_free(k1);
    polyseal_keyring_free(k2);
}

/* Seals with `ttl` at NOW and returns the token (caller frees). */
static polyseal_buf seal_now(const polyseal_sealer *s, const char *json) {
    polyseal_buf token = {NULL, 0};
    CHECK_OK(polyseal_sealer_seal_at(s, json, strlen(json), NOW, &token));
    return token;
}

static void expect_unseal(const polyseal_sealer *s, polyseal_buf token, uint64_t now,
                          polyseal_status expected) {
    const polyseal_unsealed *u = SENTINEL(const polyseal_unsealed *);
    CHECK_STATUS(polyseal_sealer_unseal_at(s, (const char *)token.ptr, token.len, now, &u),
                 expected);
    CHECK(u == SENTINEL(const polyseal_unsealed *));
    check_message_names(expected);
}

static void test_every_status(void) {
    const polyseal_keyring *k = keyring_k1_k2("k1");
    const polyseal_sealer *s = native_sealer(k, HOUR);
    polyseal_buf token = seal_now(s, "{\"user\":42}");
    polyseal_buf copy = {NULL, 0};

    /* MALFORMED */
    expect_unseal(s, (polyseal_buf){(uint8_t *)"not a token", 11}, NOW, POLYSEAL_STATUS_MALFORMED);
    /* UNSUPPORTED_VERSION: the first character carries the version byte. */
    copy.ptr = malloc(token.len);
    copy.len = token.len;
    memcpy(copy.ptr, token.ptr, token.len);
    copy.ptr[0] = copy.ptr[0] == 'B' ? 'C' : 'B';
    expect_unseal(s, copy, NOW, POLYSEAL_STATUS_UNSUPPORTED_VERSION);
    /* BAD_SEAL: one character of the ciphertext changed. */
    memcpy(copy.ptr, token.ptr, token.len);
    copy.ptr[token.len / 2] = copy.ptr[token.len / 2] == 'A' ? 'B' : 'A';
    expect_unseal(s, copy, NOW, POLYSEAL_STATUS_BAD_SEAL);
    free(copy.ptr);
    /* EXPIRED: exactly at expiry. NOT_YET_VALID: beyond the 60 s skew. */
    expect_unseal(s, token, NOW + HOUR, POLYSEAL_STATUS_EXPIRED);
    expect_unseal(s, token, NOW - 60001, POLYSEAL_STATUS_NOT_YET_VALID);

    /* UNKNOWN_KEY: a keyring without k1. */
    {
        polyseal_keyring_builder *b = NULL;
        const polyseal_keyring *other = NULL;
        CHECK_OK(polyseal_keyring_builder_new(&b));
        CHECK_OK(polyseal_keyring_builder_add_password(b, S("k9"), S(PW_K1)));
        CHECK_OK(polyseal_keyring_builder_build(b, &other));
        const polyseal_sealer *s9 = native_sealer(other, HOUR);
        expect_unseal(s9, token, NOW, POLYSEAL_STATUS_UNKNOWN_KEY);
        polyseal_sealer_free(s9);
        polyseal_keyring_free(other);
        polyseal_keyring_builder_free(b);
    }

    /* BAD_SEAL: another cookie name, or other context bytes (with a NUL inside). */
    {
        polyseal_options *o = NULL;
        const polyseal_sealer *named = NULL, *ctx = NULL;
        CHECK_OK(polyseal_options_new(&o));
        CHECK_OK(polyseal_options_set_cookie_name(o, S("admin")));
        CHECK_OK(polyseal_sealer_new(k, S("native"), o, &named));
        expect_unseal(named, token, NOW, POLYSEAL_STATUS_BAD_SEAL);
        CHECK_OK(polyseal_options_set_cookie_name(o, S("session")));
        CHECK_OK(polyseal_options_set_context(o, (const uint8_t *)"t\0x", 3));
        CHECK_OK(polyseal_sealer_new(k, S("native"), o, &ctx));
        expect_unseal(ctx, token, NOW, POLYSEAL_STATUS_BAD_SEAL);
        polyseal_buf bound = seal_now(ctx, "1");
        expect_unseal(s, bound, NOW, POLYSEAL_STATUS_BAD_SEAL);
        const polyseal_unsealed *u = NULL;
        CHECK_OK(polyseal_sealer_unseal_at(ctx, (const char *)bound.ptr, bound.len, NOW, &u));
        polyseal_unsealed_free(u);
        polyseal_buf_free(&bound);
        polyseal_sealer_free(named);
        polyseal_sealer_free(ctx);
        polyseal_options_free(o);
    }

    /* TOO_LARGE: a token over the length cap; a payload over the size limit. */
    {
        polyseal_options *o = NULL;
        const polyseal_sealer *small = NULL;
        polyseal_buf out = {NULL, 0};
        CHECK_OK(polyseal_options_new(&o));
        CHECK_OK(polyseal_options_set_cookie_name(o, S("session")));
        CHECK_OK(polyseal_options_set_max_token_chars(o, 50));
        CHECK_OK(polyseal_options_set_max_json_bytes(o, 8));
        CHECK_OK(polyseal_options_set_max_depth(o, 2));
        CHECK_OK(polyseal_sealer_new(k, S("native"), o, &small));
        expect_unseal(small, token, NOW, POLYSEAL_STATUS_TOO_LARGE);
        CHECK_STATUS(polyseal_sealer_seal_at(small, S("\"123456789\""), NOW, &out),
                     POLYSEAL_STATUS_TOO_LARGE);
        /* INVALID_JSON: not JSON, and deeper than the limit. */
        CHECK_STATUS(polyseal_sealer_seal_at(small, S("{\"a\":"), NOW, &out),
                     POLYSEAL_STATUS_INVALID_JSON);
        CHECK_STATUS(polyseal_sealer_seal_at(small, S("[[[1]]]"), NOW, &out),
                     POLYSEAL_STATUS_INVALID_JSON);
        check_message_names(POLYSEAL_STATUS_INVALID_JSON);
        CHECK(out.ptr == NULL && out.len == 0);
        polyseal_sealer_free(small);
        polyseal_options_free(o);
    }

    /* INVALID_OPTION: an unknown format. Every named format seals and unseals; iron-session
     * takes numeric key ids, and refuses the "k1" id with INVALID_PASSWORD when sealing. */
    {
        const polyseal_sealer *x = NULL;
        const char *formats[] = {"native", "h3-v1", "h3-v2", "iron-session", "iron"};
        const polyseal_keyring *numeric = NULL;
        polyseal_keyring_builder *nb = NULL;
        CHECK_OK(polyseal_keyring_builder_new(&nb));
        CHECK_OK(polyseal_keyring_builder_add_password(nb, S("2"), S(PW_K1)));
        CHECK_OK(polyseal_keyring_builder_build(nb, &numeric));
        polyseal_keyring_builder_free(nb);
        CHECK_STATUS(polyseal_sealer_new(k, S("fernet"), NULL, &x), POLYSEAL_STATUS_INVALID_OPTION);
        CHECK(strstr(last_error(), "fernet") != NULL);
        CHECK_STATUS(polyseal_sealer_new(k, S("Native"), NULL, &x), POLYSEAL_STATUS_INVALID_OPTION);
        CHECK(x == NULL);
        for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
            int iron_session = strcmp(formats[i], "iron-session") == 0;
            if (iron_session) {
                polyseal_buf none = {NULL, 0};
                CHECK_OK(polyseal_sealer_new(k, formats[i], strlen(formats[i]), NULL, &x));
                CHECK_STATUS(polyseal_sealer_seal_at(x, S("{}"), NOW, &none),
                             POLYSEAL_STATUS_INVALID_PASSWORD);
                CHECK(none.ptr == NULL && none.len == 0);
                polyseal_sealer_free(x);
            }
            CHECK_OK(polyseal_sealer_new(iron_session ? numeric : k, formats[i], strlen(formats[i]),
                                         NULL, &x));
            polyseal_buf t = seal_now(x, "{\"f\":1}");
            const polyseal_unsealed *u = NULL;
            CHECK_OK(polyseal_sealer_unseal_at(x, (const char *)t.ptr, t.len, NOW, &u));
            polyseal_unsealed_free(u);
            polyseal_buf_free(&t);
            polyseal_sealer_free(x);
            x = NULL;
        }
        polyseal_keyring_free(numeric);
    }

    /* INVALID_COOKIE is tested with the cookie functions (cookie_contract.c); SESSION_CLEARED
     * belongs to the session manager (not yet in core); INTERNAL is a caught panic, tested in
     * ffi/src/boundary.rs. */
    polyseal_buf_free(&token);
    polyseal_sealer_free(s);
    polyseal_keyring_free(k);
}

static void test_round_trip_and_rotation(void) {
    const polyseal_keyring *old_ring = keyring_k1_k2("k1");
    const polyseal_keyring *new_ring = keyring_k1_k2("k2");
    const polyseal_sealer *old_s = native_sealer(old_ring, HOUR);
    const polyseal_sealer *new_s = native_sealer(new_ring, 0);
    const polyseal_unsealed *u = NULL;
    const char *data, *id;
    size_t data_len, id_len;
    /* Keyrings may be freed once the sealers hold them. */
    polyseal_keyring_free(old_ring);
    polyseal_keyring_free(new_ring);

    /* Sealed byte for byte, handed back as JSON.stringify prints it. */
    polyseal_buf old_token = seal_now(old_s, "{ \"n\" : 1.50, \"s\" : \"\\u00e9\\n\" }");
    CHECK(old_token.ptr[old_token.len] == '\0' && strlen((const char *)old_token.ptr) == old_token.len);
    CHECK_OK(polyseal_sealer_unseal_at(new_s, (const char *)old_token.ptr, old_token.len, NOW + 1,
                                       &u));
    CHECK_OK(polyseal_unsealed_data(u, &data, &data_len));
    CHECK(data_len == strlen("{\"n\":1.5,\"s\":\"\xc3\xa9\\n\"}"));
    CHECK(strcmp(data, "{\"n\":1.5,\"s\":\"\xc3\xa9\\n\"}") == 0);
    CHECK_OK(polyseal_unsealed_key_id(u, &id, &id_len));
    CHECK(id_len == 2 && strcmp(id, "k1") == 0);
    CHECK(polyseal_unsealed_needs_reseal(u));
    CHECK(polyseal_unsealed_has_issued_at(u) && polyseal_unsealed_issued_at(u) == NOW);
    CHECK(polyseal_unsealed_has_expires_at(u) && polyseal_unsealed_expires_at(u) == NOW + HOUR);
    polyseal_unsealed_free(u);

    /* Resealed under the current key: no expiry (no ttl), no reseal needed. */
    polyseal_buf new_token = seal_now(new_s, "[1,2]");
    CHECK_OK(polyseal_sealer_unseal_at(new_s, (const char *)new_token.ptr, new_token.len, NOW, &u));
    CHECK_OK(polyseal_unsealed_key_id(u, &id, &id_len));
    CHECK(strcmp(id, "k2") == 0 && !polyseal_unsealed_needs_reseal(u));
    CHECK(!polyseal_unsealed_has_expires_at(u) && polyseal_unsealed_expires_at(u) == 0);
    polyseal_unsealed_free(u);
    /* The old sealer does hold k2 too. */
    CHECK_OK(polyseal_sealer_unseal_at(old_s, (const char *)new_token.ptr, new_token.len, NOW, &u));
    CHECK(polyseal_unsealed_needs_reseal(u));
    polyseal_unsealed_free(u);

    /* The clock forms: issued-at lies between two readings of the clock. */
    {
        polyseal_buf t = {NULL, 0};
        uint64_t before = (uint64_t)time(NULL) * 1000;
        CHECK_OK(polyseal_sealer_seal(old_s, S("{\"now\":true}"), &t));
        CHECK_OK(polyseal_sealer_unseal(old_s, (const char *)t.ptr, t.len, &u));
        uint64_t after = ((uint64_t)time(NULL) + 1) * 1000;
        CHECK(polyseal_unsealed_issued_at(u) >= before && polyseal_unsealed_issued_at(u) <= after);
        CHECK(polyseal_unsealed_expires_at(u) == polyseal_unsealed_issued_at(u) + HOUR);
        polyseal_unsealed_free(u);
        /* The plain unseal reads the clock too: a token from 2025 has expired by now. */
        CHECK_STATUS(polyseal_sealer_unseal(old_s, (const char *)old_token.ptr, old_token.len, &u),
                     POLYSEAL_STATUS_EXPIRED);
        polyseal_buf_free(&t);
    }

    /* Id-less keyrings from one secret: the key id is empty. */
    {
        const polyseal_keyring *single = NULL;
        const polyseal_sealer *ss = NULL;
        CHECK_OK(polyseal_keyring_from_key(KEY32, 32, &single));
        CHECK_OK(polyseal_sealer_new(single, S("native"), NULL, &ss));
        polyseal_keyring_free(single);
        polyseal_buf t = seal_now(ss, "null");
        CHECK_OK(polyseal_sealer_unseal_at(ss, (const char *)t.ptr, t.len, NOW, &u));
        CHECK_OK(polyseal_unsealed_key_id(u, &id, &id_len));
        CHECK(id_len == 0 && id[0] == '\0');
        CHECK_OK(polyseal_unsealed_data(u, &data, &data_len));
        CHECK(data_len == 4 && strcmp(data, "null") == 0);
        polyseal_unsealed_free(u);
        polyseal_buf_free(&t);
        polyseal_sealer_free(ss);
    }

    /* polyseal_buf_free resets the buffer, so a second free is harmless. */
    polyseal_buf_free(&old_token);
    CHECK(old_token.ptr == NULL && old_token.len == 0);
    polyseal_buf_free(&old_token);
    polyseal_buf_free(&new_token);
    polyseal_sealer_free(old_s);
    polyseal_sealer_free(new_s);
}

/* A sealer of `format` whose options set the salt-reuse window (0: the setter's "off"). */
static polyseal_status reuse_sealer(const polyseal_keyring *k, const char *format,
                                    uint64_t window_ms, const polyseal_sealer **out) {
    polyseal_options *o = NULL;
    CHECK_OK(polyseal_options_new(&o));
    CHECK_OK(polyseal_options_set_salt_reuse_ms(o, window_ms));
    polyseal_status status = polyseal_sealer_new(k, format, strlen(format), o, out);
    polyseal_options_free(o);
    return status;
}

/* A keyring of PW_K1 alone whose derived-key cache holds `entries` keys. */
static polyseal_status cache_keyring(size_t entries, const polyseal_keyring **out) {
    polyseal_keyring_builder *b = NULL;
    CHECK_OK(polyseal_keyring_builder_new(&b));
    CHECK_OK(polyseal_keyring_builder_add_password(b, S(""), S(PW_K1)));
    CHECK_OK(polyseal_keyring_builder_set_derived_key_cache(b, entries));
    polyseal_status status = polyseal_keyring_builder_build(b, out);
    polyseal_keyring_builder_free(b);
    return status;
}

static polyseal_derived_key_cache_stats cache_stats(const polyseal_keyring *k) {
    polyseal_derived_key_cache_stats stats;
    memset(&stats, 0xff, sizeof stats);
    CHECK_OK(polyseal_keyring_derived_key_cache_stats(k, &stats));
    return stats;
}

/* An h3-v1 seal inserts its two keys; opening the token again finds both; a disabled cache
 * holds nothing and answers nothing. */
static void test_derived_key_cache(void) {
    const size_t sizes[] = {POLYSEAL_DEFAULT_DERIVED_KEY_CACHE_ENTRIES, 0,
                            POLYSEAL_MAX_DERIVED_KEY_CACHE_ENTRIES};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        const polyseal_keyring *k = NULL;
        const polyseal_sealer *s = NULL;
        CHECK_OK(cache_keyring(sizes[i], &k));
        CHECK_OK(polyseal_sealer_new(k, S("h3-v1"), NULL, &s));
        polyseal_derived_key_cache_stats stats = cache_stats(k);
        CHECK(stats.capacity == sizes[i] && stats.entries == 0 && stats.hits == 0);
        CHECK(stats.misses == 0 && stats.insertions == 0 && stats.evictions == 0);
        polyseal_buf token = seal_now(s, "{\"n\":1}");
        const polyseal_unsealed *u = NULL;
        CHECK_OK(polyseal_sealer_unseal_at(s, (const char *)token.ptr, token.len, NOW, &u));
        polyseal_unsealed_free(u);
        polyseal_buf_free(&token);
        stats = cache_stats(k);
        const uint64_t kept = sizes[i] == 0 ? 0 : 2;
        CHECK(stats.entries == kept && stats.insertions == kept && stats.hits == kept);
        CHECK(stats.misses == 0 && stats.evictions == 0);
        polyseal_sealer_free(s);
        polyseal_keyring_free(k);
    }

    const polyseal_keyring *refused = SENTINEL(const polyseal_keyring *);
    CHECK_STATUS(cache_keyring(POLYSEAL_MAX_DERIVED_KEY_CACHE_ENTRIES + 1, &refused),
                 POLYSEAL_STATUS_INVALID_OPTION);
    CHECK(refused == SENTINEL(const polyseal_keyring *));
    CHECK(strstr(last_error(), "at most 1048576 entries") != NULL);
    CHECK_STATUS(cache_keyring(SIZE_MAX, &refused), POLYSEAL_STATUS_INVALID_OPTION);

    polyseal_derived_key_cache_stats stats;
    const polyseal_status E = POLYSEAL_STATUS_INVALID_ARGUMENT;
    CHECK_STATUS(polyseal_keyring_builder_set_derived_key_cache(NULL, 1), E);
    CHECK_STATUS(polyseal_keyring_derived_key_cache_stats(NULL, &stats), E);
    const polyseal_keyring *k = NULL;
    CHECK_OK(cache_keyring(8, &k));
    CHECK_STATUS(polyseal_keyring_derived_key_cache_stats(k, NULL), E);
    polyseal_keyring_free(k);
}

static void test_salt_reuse(void) {
    const polyseal_keyring *k = keyring_k1_k2("k1");
    const polyseal_keyring *cold = keyring_k1_k2("k1");
    const polyseal_sealer *reusing = NULL, *plain = NULL, *reader = NULL;
    const polyseal_sealer *refused = SENTINEL(const polyseal_sealer *);
    const uint64_t window = 60000;

    CHECK_OK(reuse_sealer(k, "h3-v2", window, &reusing));
    CHECK_OK(reuse_sealer(k, "h3-v2", 0, &plain));
    /* Another keyring with the same passwords: no salt or key of `k` cached. */
    CHECK_OK(polyseal_sealer_new(cold, S("h3-v2"), NULL, &reader));
    polyseal_buf first = seal_now(reusing, "{\"n\":1}");
    polyseal_buf second = {NULL, 0}, after = {NULL, 0}, off_a = {NULL, 0}, off_b = {NULL, 0};
    CHECK_OK(polyseal_sealer_seal_at(reusing, S("{\"n\":1}"), NOW + window - 1, &second));
    CHECK_OK(polyseal_sealer_seal_at(reusing, S("{\"n\":1}"), NOW + window, &after));
    CHECK_OK(polyseal_sealer_seal_at(plain, S("{\"n\":1}"), NOW, &off_a));
    CHECK_OK(polyseal_sealer_seal_at(plain, S("{\"n\":1}"), NOW, &off_b));

    /* Inside the window both salts are shared, with a fresh IV; from its end on they are new. */
    CHECK(same_salts(first, second));
    CHECK(!same_field(first, second, FE26_IV));
    CHECK(fresh_salts(first, after));
    /* 0 turns reuse off: two seals at the same instant draw their own salts. */
    CHECK(fresh_salts(off_a, off_b));

    polyseal_buf tokens[] = {first, second, after, off_a, off_b};
    for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++) {
        const polyseal_unsealed *u = NULL;
        const char *data = NULL;
        size_t len = 0;
        CHECK_OK(polyseal_sealer_unseal_at(reader, (const char *)tokens[i].ptr, tokens[i].len,
                                           NOW + window, &u));
        CHECK_OK(polyseal_unsealed_data(u, &data, &len));
        CHECK(len == 7 && strcmp(data, "{\"n\":1}") == 0);
        polyseal_unsealed_free(u);
        polyseal_buf_free(&tokens[i]);
    }

    /* Core's checks, at sealer_new: the native format has no salts to reuse, and a window is
     * at most 24 hours. */
    CHECK_STATUS(reuse_sealer(k, "native", window, &refused), POLYSEAL_STATUS_INVALID_OPTION);
    CHECK(strstr(last_error(), "salt_reuse_ms") != NULL);
    CHECK_STATUS(reuse_sealer(k, "h3-v2", 24 * HOUR + 1, &refused),
                 POLYSEAL_STATUS_INVALID_OPTION);
    CHECK(refused == SENTINEL(const polyseal_sealer *));
    CHECK_OK(reuse_sealer(k, "native", 0, &refused));
    polyseal_sealer_free(refused);

    polyseal_sealer_free(reusing);
    polyseal_sealer_free(plain);
    polyseal_sealer_free(reader);
    polyseal_keyring_free(k);
    polyseal_keyring_free(cold);
}

static void test_last_error_message(void) {
    const polyseal_keyring *k = NULL;
    char buf[8];
    size_t full;
    CHECK_STATUS(polyseal_keyring_from_password(S("short"), &k), POLYSEAL_STATUS_INVALID_PASSWORD);
    full = polyseal_last_error_message(NULL, 0);
    CHECK(full > sizeof buf);
    CHECK(full == strlen(last_error()));
    /* Secrets never appear in messages. */
    CHECK(strstr(last_error(), "short") == NULL || strstr(last_error(), "too short") != NULL);
    memset(buf, 'x', sizeof buf);
    CHECK(polyseal_last_error_message(buf, sizeof buf) == full);
    CHECK(buf[sizeof buf - 1] == '\0' && strlen(buf) == sizeof buf - 1);
    CHECK(strncmp(buf, "INVALID", 7) == 0);
    memset(buf, 'x', sizeof buf);
    CHECK(polyseal_last_error_message(buf, 1) == full && buf[0] == '\0' && buf[1] == 'x');
    /* A success clears it. */
    CHECK_OK(polyseal_keyring_from_password(S(PW_K1), &k));
    CHECK(polyseal_last_error_message(buf, sizeof buf) == 0 && buf[0] == '\0');
    /* Getters and frees leave it alone. */
    CHECK_STATUS(polyseal_keyring_from_key(KEY32, 3, NULL), POLYSEAL_STATUS_INVALID_ARGUMENT);
    full = polyseal_last_error_message(NULL, 0);
    polyseal_keyring_free(k);
    CHECK(!polyseal_unsealed_needs_reseal(NULL));
    (void)polyseal_status_str(0);
    (void)polyseal_version();
    CHECK(polyseal_last_error_message(NULL, 0) == full && full > 0);
}

int main(void) {
    test_versions();
    test_status_names();
    test_free_accepts_null();
    test_null_arguments();
    test_sizes_and_encodings();
    test_keyring_builder();
    test_every_status();
    test_round_trip_and_rotation();
    test_salt_reuse();
    test_derived_key_cache();
    test_last_error_message();
    return finish("contract");
}
