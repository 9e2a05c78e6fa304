/* API-contract tests of the session functions: NULL arguments, frees and getters that accept NULL,
 * configuration errors, a load that never fails (with the rejection's code and message), clear
 * being terminal (SESSION_CLEARED), no lines for an untouched new session, set_data and update
 * picked up by the next save, the session header, out-parameters left untouched on failure, and
 * the salt-reuse window reaching sessions through their sealer options. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "fe26.h"

#define PW_K1 "session-contract-password-k1-0123456789"
#define PW_K2 "session-contract-password-k2-0123456789"
#define NOW UINT64_C(1764000000000)
#define SECOND UINT64_C(1000)

static bool same(const char *got, size_t got_len, const char *want) {
    return got != NULL && got_len == strlen(want) && memcmp(got, want, got_len) == 0 &&
           got[got_len] == '\0';
}

static const polyseal_keyring *keyring_with(const char *id, const char *password) {
    polyseal_keyring_builder *b = NULL;
    const polyseal_keyring *k = NULL;
    CHECK_OK(polyseal_keyring_builder_new(&b));
    CHECK_OK(polyseal_keyring_builder_add_password(b, id, strlen(id), password, strlen(password)));
    CHECK_OK(polyseal_keyring_builder_build(b, &k));
    polyseal_keyring_builder_free(b);
    return k;
}

/* A manager of `format`'s defaults over `keyring`, with the max age `max_age_s` (0 = default). */
static const polyseal_session_manager *manager_of(const char *format, const polyseal_keyring *k,
                                                  uint64_t max_age_s) {
    polyseal_session_config *c = NULL;
    const polyseal_session_manager *m = NULL;
    CHECK_OK(polyseal_session_config_new(format, strlen(format), &c));
    if (max_age_s > 0) CHECK_OK(polyseal_session_config_set_max_age_s(c, max_age_s));
    CHECK_OK(polyseal_session_manager_new(k, c, &m));
    polyseal_session_config_free(c);
    return m;
}

static polyseal_session *load(const polyseal_session_manager *m, const char *cookies, uint64_t now) {
    polyseal_session *s = NULL;
    CHECK_OK(polyseal_session_manager_load_at(m, cookies, cookies ? strlen(cookies) : 0, NULL, 0,
                                              now, &s));
    CHECK(s != NULL);
    return s;
}

static bool data_is(const polyseal_session *s, const char *want) {
    const char *data = NULL;
    size_t len = 0;
    return polyseal_session_data(s, &data, &len) == POLYSEAL_STATUS_OK && same(data, len, want);
}

/* The rejection's status, checking the message: "NAME: ..." with one, empty without. */
static polyseal_status rejection_of(const polyseal_session *s) {
    polyseal_status code = -1;
    const char *message = NULL;
    size_t len = 99;
    CHECK_OK(polyseal_session_rejection(s, &code, &message, &len));
    if (code == POLYSEAL_STATUS_OK) {
        CHECK(message != NULL && len == 0 && message[0] == '\0');
    } else {
        const char *name = polyseal_status_str(code);
        CHECK(message != NULL && len == strlen(message) && strncmp(message, name, strlen(name)) == 0 &&
              message[strlen(name)] == ':');
    }
    return code;
}

/* The Cookie header a browser sends back after the lines: "name=value" of the first line. */
static char *cookie_from(const polyseal_cookie_list *lines) {
    const char *line = "";
    size_t len = 0;
    CHECK_OK(polyseal_cookie_list_line(lines, 0, &line, &len));
    const char *semicolon = memchr(line, ';', len);
    size_t n = semicolon ? (size_t)(semicolon - line) : len;
    char *header = malloc(n + 1);
    memcpy(header, line, n);
    header[n] = '\0';
    return header;
}

/* Saves (or updates with `patch`) and returns the lines; NULL with *status set on failure. */
static polyseal_cookie_list *save(const polyseal_session_manager *m, polyseal_session *s,
                                  const char *patch, uint64_t now, polyseal_status expected) {
    polyseal_cookie_list *lines = SENTINEL(polyseal_cookie_list *);
    polyseal_status status =
        patch ? polyseal_session_manager_update_at(m, s, patch, strlen(patch), now, &lines)
              : polyseal_session_manager_save_at(m, s, now, &lines);
    CHECK_STATUS(status, expected);
    if (status != POLYSEAL_STATUS_OK) {
        CHECK(lines == SENTINEL(polyseal_cookie_list *));
        check_message_names(status);
        return NULL;
    }
    CHECK(polyseal_cookie_list_kind(lines) == POLYSEAL_COOKIE_LIST_LINES);
    return lines;
}

static void test_frees_and_getters_accept_null(void) {
    polyseal_session_config_free(NULL);
    polyseal_session_manager_free(NULL);
    polyseal_session_free(NULL);
    CHECK(polyseal_session_created_at(NULL) == 0);
    CHECK(!polyseal_session_has_last_seen_at(NULL));
    CHECK(polyseal_session_last_seen_at(NULL) == 0);
    CHECK(!polyseal_session_is_new(NULL));
    CHECK(!polyseal_session_needs_reseal(NULL));
    CHECK(!polyseal_session_is_cleared(NULL));
}

static void test_null_arguments(void) {
    const polyseal_status E = POLYSEAL_STATUS_INVALID_ARGUMENT;
    const polyseal_keyring *k = keyring_with("k1", PW_K1);
    polyseal_session_config *c = NULL, *c_out = SENTINEL(polyseal_session_config *);
    const polyseal_session_manager *m = NULL;
    const polyseal_session_manager *m_out = SENTINEL(const polyseal_session_manager *);
    polyseal_session *s = NULL, *s_out = SENTINEL(polyseal_session *);
    polyseal_cookie_list *l_out = SENTINEL(polyseal_cookie_list *);
    polyseal_cookie_options *co = NULL;
    polyseal_options *so = NULL;
    polyseal_buf token = {NULL, 0};
    const char *text = SENTINEL(const char *);
    size_t len = 12345;
    polyseal_status code = 12345;

    CHECK_STATUS(polyseal_session_config_new(S("native"), NULL), E);
    CHECK(strstr(last_error(), "config_out is NULL") != NULL);
    check_message_names(E);
    CHECK_STATUS(polyseal_session_config_new(NULL, 6, &c_out), E);
    CHECK(c_out == SENTINEL(polyseal_session_config *));
    CHECK_OK(polyseal_session_config_new(S("native"), &c));
    CHECK_OK(polyseal_cookie_options_secure_defaults(&co));
    CHECK_OK(polyseal_options_new(&so));

    CHECK_STATUS(polyseal_session_config_set_cookie_name(NULL, S("s")), E);
    CHECK(strstr(last_error(), "config is NULL") != NULL);
    CHECK_STATUS(polyseal_session_config_set_cookie_name(c, NULL, 1), E);
    CHECK_STATUS(polyseal_session_config_set_max_age_s(NULL, 1), E);
    CHECK_STATUS(polyseal_session_config_set_idle_timeout_s(NULL, 1), E);
    CHECK_STATUS(polyseal_session_config_set_cookie_options(NULL, co), E);
    CHECK_STATUS(polyseal_session_config_set_cookie_options(c, NULL), E);
    CHECK(strstr(last_error(), "options is NULL") != NULL);
    CHECK_STATUS(polyseal_session_config_set_style(NULL, S("polyseal")), E);
    CHECK_STATUS(polyseal_session_config_set_style(c, NULL, 8), E);
    CHECK_STATUS(polyseal_session_config_set_chunking(NULL, S("h3")), E);
    CHECK_STATUS(polyseal_session_config_set_chunking(c, NULL, 2), E);
    CHECK_STATUS(polyseal_session_config_set_split(NULL, true), E);
    CHECK_STATUS(polyseal_session_config_set_session_header(NULL, S("x-s")), E);
    CHECK_STATUS(polyseal_session_config_set_session_header(c, NULL, 3), E);
    CHECK_STATUS(polyseal_session_config_set_save_new_sessions(NULL, true), E);
    CHECK_STATUS(polyseal_session_config_set_cookie_header_limit(NULL, 1), E);
    CHECK_STATUS(polyseal_session_config_set_sealer_options(NULL, so), E);
    CHECK_STATUS(polyseal_session_config_set_sealer_options(c, NULL), E);

    CHECK_STATUS(polyseal_session_manager_new(NULL, c, &m_out), E);
    CHECK(strstr(last_error(), "keyring is NULL") != NULL);
    CHECK_STATUS(polyseal_session_manager_new(k, NULL, &m_out), E);
    CHECK(strstr(last_error(), "config is NULL") != NULL);
    CHECK_STATUS(polyseal_session_manager_new(k, c, NULL), E);
    CHECK(m_out == SENTINEL(const polyseal_session_manager *));
    CHECK_OK(polyseal_session_manager_new(k, c, &m));

    CHECK_STATUS(polyseal_session_manager_load_at(NULL, S("a=1"), NULL, 0, NOW, &s_out), E);
    CHECK(strstr(last_error(), "manager is NULL") != NULL);
    CHECK_STATUS(polyseal_session_manager_load_at(m, NULL, 3, NULL, 0, NOW, &s_out), E);
    CHECK(strstr(last_error(), "cookie_header is NULL but its length is 3") != NULL);
    CHECK_STATUS(polyseal_session_manager_load_at(m, S("a=1"), NULL, 2, NOW, &s_out), E);
    CHECK(strstr(last_error(), "session_header is NULL") != NULL);
    CHECK_STATUS(polyseal_session_manager_load_at(m, S("a=1"), NULL, 0, NOW, NULL), E);
    CHECK(s_out == SENTINEL(polyseal_session *));
    CHECK_OK(polyseal_session_manager_load_at(m, NULL, 0, NULL, 0, NOW, &s));

    /* A call refused for a NULL argument leaves the session as it was. */
    CHECK_STATUS(polyseal_session_manager_update_at(NULL, s, S("{\"a\":1}"), NOW, &l_out), E);
    CHECK_STATUS(polyseal_session_manager_update_at(m, NULL, S("{\"a\":1}"), NOW, &l_out), E);
    CHECK(strstr(last_error(), "session is NULL") != NULL);
    CHECK_STATUS(polyseal_session_manager_update_at(m, s, NULL, 7, NOW, &l_out), E);
    CHECK_STATUS(polyseal_session_manager_update_at(m, s, S("{\"a\":1}"), NOW, NULL), E);
    CHECK(strstr(last_error(), "lines_out is NULL") != NULL);
    CHECK(data_is(s, "{}"));
    CHECK_STATUS(polyseal_session_manager_save_at(NULL, s, NOW, &l_out), E);
    CHECK_STATUS(polyseal_session_manager_save_at(m, NULL, NOW, &l_out), E);
    CHECK_STATUS(polyseal_session_manager_save_at(m, s, NOW, NULL), E);
    CHECK_STATUS(polyseal_session_manager_clear_at(NULL, s, NOW, &l_out), E);
    CHECK_STATUS(polyseal_session_manager_clear_at(m, NULL, NOW, &l_out), E);
    CHECK_STATUS(polyseal_session_manager_clear_at(m, s, NOW, NULL), E);
    CHECK(!polyseal_session_is_cleared(s));
    CHECK(l_out == SENTINEL(polyseal_cookie_list *));
    CHECK_STATUS(polyseal_session_manager_token_at(NULL, s, NOW, &token), E);
    CHECK_STATUS(polyseal_session_manager_token_at(m, NULL, NOW, &token), E);
    CHECK_STATUS(polyseal_session_manager_token_at(m, s, NOW, NULL), E);
    CHECK(token.ptr == NULL && token.len == 0);

    CHECK_STATUS(polyseal_session_id(NULL, &text, &len), E);
    CHECK_STATUS(polyseal_session_id(s, NULL, &len), E);
    CHECK_STATUS(polyseal_session_id(s, &text, NULL), E);
    CHECK_STATUS(polyseal_session_data(NULL, &text, &len), E);
    CHECK_STATUS(polyseal_session_data(s, NULL, &len), E);
    CHECK_STATUS(polyseal_session_data(s, &text, NULL), E);
    CHECK_STATUS(polyseal_session_rejection(NULL, &code, &text, &len), E);
    CHECK_STATUS(polyseal_session_rejection(s, NULL, &text, &len), E);
    CHECK_STATUS(polyseal_session_rejection(s, &code, NULL, &len), E);
    CHECK_STATUS(polyseal_session_rejection(s, &code, &text, NULL), E);
    CHECK(text == SENTINEL(const char *) && len == 12345 && code == 12345);
    CHECK_STATUS(polyseal_session_set_data(NULL, S("{}")), E);
    CHECK_STATUS(polyseal_session_set_data(s, NULL, 2), E);

    polyseal_session_free(s);
    polyseal_session_manager_free(m);
    polyseal_options_free(so);
    polyseal_cookie_options_free(co);
    polyseal_session_config_free(c);
    polyseal_keyring_free(k);
}

/* Builds a manager from a config changed by `tweak`, expecting `expected` from manager_new. */
static void expect_manager(const char *format, polyseal_status expected,
                           void (*tweak)(polyseal_session_config *)) {
    const polyseal_keyring *k = keyring_with("1", PW_K1);
    polyseal_session_config *c = NULL;
    const polyseal_session_manager *m = SENTINEL(const polyseal_session_manager *);
    CHECK_OK(polyseal_session_config_new(format, strlen(format), &c));
    if (tweak) tweak(c);
    CHECK_STATUS(polyseal_session_manager_new(k, c, &m), expected);
    if (expected == POLYSEAL_STATUS_OK) {
        polyseal_session_manager_free(m);
    } else {
        CHECK(m == SENTINEL(const polyseal_session_manager *));
        check_message_names(expected);
    }
    polyseal_session_config_free(c);
    polyseal_keyring_free(k);
}

static void max_age_401_days(polyseal_session_config *c) {
    CHECK_OK(polyseal_session_config_set_max_age_s(c, 401 * 24 * 3600));
}
static void idle_timeout(polyseal_session_config *c) {
    CHECK_OK(polyseal_session_config_set_idle_timeout_s(c, 600));
}
static void split_without_chunks(polyseal_session_config *c) {
    CHECK_OK(polyseal_session_config_set_split(c, true));
}
static void bad_cookie_name(polyseal_session_config *c) {
    CHECK_OK(polyseal_session_config_set_cookie_name(c, S("bad name")));
}
static void host_prefix_without_secure(polyseal_session_config *c) {
    polyseal_cookie_options *o = NULL;
    CHECK_OK(polyseal_cookie_options_insecure_dev(&o));
    CHECK_OK(polyseal_session_config_set_cookie_name(c, S("__Host-s")));
    CHECK_OK(polyseal_session_config_set_cookie_options(c, o));
    polyseal_cookie_options_free(o);
}
static void bad_sealer_options(polyseal_session_config *c) {
    polyseal_options *o = NULL;
    CHECK_OK(polyseal_options_new(&o));
    /* native refuses iterations (Fe26.2 only), Fe26.2 a skew that is not whole seconds. */
    CHECK_OK(polyseal_options_set_iterations(o, 5));
    CHECK_OK(polyseal_options_set_skew_ms(o, 1500));
    CHECK_OK(polyseal_session_config_set_sealer_options(c, o));
    polyseal_options_free(o);
}
static void salt_reuse(polyseal_session_config *c) {
    polyseal_options *o = NULL;
    CHECK_OK(polyseal_options_new(&o));
    CHECK_OK(polyseal_options_set_salt_reuse_ms(o, 60 * SECOND));
    CHECK_OK(polyseal_session_config_set_sealer_options(c, o));
    polyseal_options_free(o);
}
static void everything_off(polyseal_session_config *c) {
    CHECK_OK(polyseal_session_config_set_max_age_s(c, 0));
    CHECK_OK(polyseal_session_config_set_idle_timeout_s(c, 0));
    CHECK_OK(polyseal_session_config_set_cookie_header_limit(c, 0));
    CHECK_OK(polyseal_session_config_set_session_header(c, NULL, 0));
    CHECK_OK(polyseal_session_config_set_session_header(c, S("")));
}

static void test_configuration(void) {
    polyseal_session_config *c = SENTINEL(polyseal_session_config *);
    static const char *const formats[] = {"native", "h3-v1", "h3-v2", "iron-session", "iron"};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        expect_manager(formats[i], POLYSEAL_STATUS_OK, NULL);
        expect_manager(formats[i], POLYSEAL_STATUS_OK, everything_off);
        expect_manager(formats[i], POLYSEAL_STATUS_INVALID_OPTION, max_age_401_days);
        expect_manager(formats[i], POLYSEAL_STATUS_INVALID_COOKIE, bad_cookie_name);
        expect_manager(formats[i], POLYSEAL_STATUS_INVALID_OPTION, bad_sealer_options);
    }
    CHECK_STATUS(polyseal_session_config_new(S("fe26"), &c), POLYSEAL_STATUS_INVALID_OPTION);
    check_message_names(POLYSEAL_STATUS_INVALID_OPTION);
    CHECK(c == SENTINEL(polyseal_session_config *));
    expect_manager("iron-session", POLYSEAL_STATUS_INVALID_OPTION, idle_timeout);
    expect_manager("native", POLYSEAL_STATUS_OK, idle_timeout);
    expect_manager("native", POLYSEAL_STATUS_INVALID_OPTION, split_without_chunks);
    expect_manager("h3-v2", POLYSEAL_STATUS_OK, split_without_chunks);
    expect_manager("native", POLYSEAL_STATUS_INVALID_COOKIE, host_prefix_without_secure);
    /* Salt reuse is for the Fe26.2 formats only. */
    expect_manager("native", POLYSEAL_STATUS_INVALID_OPTION, salt_reuse);
    expect_manager("iron-session", POLYSEAL_STATUS_OK, salt_reuse);

    /* Names are refused at once, leaving the configuration as it was. */
    CHECK_OK(polyseal_session_config_new(S("native"), &c));
    CHECK_STATUS(polyseal_session_config_set_style(c, S("h4")), POLYSEAL_STATUS_INVALID_OPTION);
    check_message_names(POLYSEAL_STATUS_INVALID_OPTION);
    CHECK_STATUS(polyseal_session_config_set_chunking(c, S("zip")), POLYSEAL_STATUS_INVALID_OPTION);
    CHECK_STATUS(polyseal_session_config_set_style(c, "\xff", 1), POLYSEAL_STATUS_INVALID_ARGUMENT);
    CHECK_OK(polyseal_session_config_set_split(c, true));
    {
        /* split is still refused: the chunk scheme stayed "none". */
        const polyseal_keyring *k = keyring_with("k1", PW_K1);
        const polyseal_session_manager *m = SENTINEL(const polyseal_session_manager *);
        CHECK_STATUS(polyseal_session_manager_new(k, c, &m), POLYSEAL_STATUS_INVALID_OPTION);
        CHECK_OK(polyseal_session_config_set_chunking(c, S("h3")));
        CHECK_OK(polyseal_session_config_set_style(c, S("h3-v2")));
        CHECK_OK(polyseal_session_manager_new(k, c, &m));
        /* The manager copied the configuration. */
        polyseal_session_config_free(c);
        c = NULL;
        polyseal_keyring_free(k);
        polyseal_session *s = load(m, NULL, NOW);
        polyseal_cookie_list *lines = save(m, s, "{\"a\":1}", NOW, POLYSEAL_STATUS_OK);
        const char *line = "";
        size_t len = 0;
        CHECK_OK(polyseal_cookie_list_line(lines, 0, &line, &len));
        /* h3-v2 style: Expires (14 days), no Max-Age, attributes in h3's order. */
        CHECK(strncmp(line, "session=", 8) == 0 && strstr(line, "; Path=/; Expires=") != NULL &&
              strstr(line, "Max-Age") == NULL);
        polyseal_cookie_list_free(lines);
        polyseal_session_free(s);
        polyseal_session_manager_free(m);
    }
}

static void test_load_never_fails(void) {
    const polyseal_keyring *k1 = keyring_with("k1", PW_K1);
    const polyseal_keyring *k1_other = keyring_with("k1", PW_K2);
    const polyseal_keyring *k2 = keyring_with("k2", PW_K2);
    const polyseal_session_manager *m = manager_of("native", k1, 3600);
    const polyseal_session_manager *m_other = manager_of("native", k1_other, 3600);
    const polyseal_session_manager *m_k2 = manager_of("native", k2, 3600);
    polyseal_session *s = load(m, NULL, NOW);
    polyseal_cookie_list *lines;
    char *cookie, header[256];
    const char *id, *message;
    size_t id_len, message_len;
    polyseal_status code;

    /* No Cookie header, an empty one, or other cookies only: a new session, nothing rejected. */
    CHECK(polyseal_session_is_new(s) && rejection_of(s) == POLYSEAL_STATUS_OK);
    CHECK(polyseal_session_created_at(s) == NOW && !polyseal_session_has_last_seen_at(s));
    CHECK(!polyseal_session_needs_reseal(s) && !polyseal_session_is_cleared(s));
    CHECK_OK(polyseal_session_id(s, &id, &id_len));
    CHECK(id_len == 22 && id[22] == '\0');
    CHECK(data_is(s, "{}"));
    polyseal_session_free(s);
    s = load(m, "", NOW);
    CHECK(rejection_of(s) == POLYSEAL_STATUS_OK && polyseal_session_is_new(s));
    polyseal_session_free(s);
    s = load(m, "theme=dark; session=", NOW);
    CHECK(rejection_of(s) == POLYSEAL_STATUS_OK && polyseal_session_is_new(s));

    lines = save(m, s, "{\"user\":\"ada\"}", NOW, POLYSEAL_STATUS_OK);
    cookie = cookie_from(lines);
    polyseal_cookie_list_free(lines);
    polyseal_session_free(s);

    /* Refused cookies: OK, a new session, and the reason with its message. */
    s = load(m, "session=not-a-token", NOW);
    CHECK(polyseal_session_is_new(s) && rejection_of(s) == POLYSEAL_STATUS_MALFORMED);
    CHECK(data_is(s, "{}"));
    polyseal_session_free(s);
    s = load(m_other, cookie, NOW);
    CHECK(rejection_of(s) == POLYSEAL_STATUS_BAD_SEAL);
    /* The message never quotes the token. */
    CHECK_OK(polyseal_session_rejection(s, &code, &message, &message_len));
    CHECK(strstr(message, cookie + 8) == NULL && strstr(message, "BAD_SEAL: ") == message);
    polyseal_session_free(s);
    s = load(m_k2, cookie, NOW);
    CHECK(rejection_of(s) == POLYSEAL_STATUS_UNKNOWN_KEY);
    polyseal_session_free(s);
    s = load(m, cookie, NOW + 3600 * SECOND);
    CHECK(rejection_of(s) == POLYSEAL_STATUS_EXPIRED && polyseal_session_is_new(s));
    CHECK(polyseal_session_created_at(s) == NOW + 3600 * SECOND);
    /* The rejection stays after a save: it describes this request's cookie. */
    lines = save(m, s, "{\"again\":true}", NOW + 3600 * SECOND, POLYSEAL_STATUS_OK);
    CHECK(polyseal_cookie_list_count(lines) == 1 && !polyseal_session_is_new(s));
    CHECK(rejection_of(s) == POLYSEAL_STATUS_EXPIRED);
    polyseal_cookie_list_free(lines);
    polyseal_session_free(s);

    /* A header that is not UTF-8 is untrusted input, read as U+FFFD: still OK. */
    s = NULL;
    CHECK_OK(polyseal_session_manager_load_at(m, S("session=\xff\xfe"), NULL, 0, NOW, &s));
    CHECK(rejection_of(s) == POLYSEAL_STATUS_MALFORMED);
    polyseal_session_free(s);
    s = NULL;
    snprintf(header, sizeof header, "x=\xff; %s", cookie);
    CHECK_OK(polyseal_session_manager_load_at(m, header, strlen(header), NULL, 0, NOW, &s));
    CHECK(rejection_of(s) == POLYSEAL_STATUS_OK && !polyseal_session_is_new(s));
    CHECK(data_is(s, "{\"user\":\"ada\"}"));
    polyseal_session_free(s);

    /* A Cookie header over the parser's limit. */
    {
        size_t big = POLYSEAL_MAX_COOKIE_HEADER_BYTES + 1;
        char *huge = malloc(big + 1);
        memset(huge, 'a', big);
        memcpy(huge, "x=", 2);
        huge[big] = '\0';
        s = load(m, huge, NOW);
        CHECK(rejection_of(s) == POLYSEAL_STATUS_TOO_LARGE && polyseal_session_is_new(s));
        polyseal_session_free(s);
        free(huge);
    }

    /* The valid cookie, read back. */
    s = load(m, cookie, NOW + SECOND);
    CHECK(!polyseal_session_is_new(s) && rejection_of(s) == POLYSEAL_STATUS_OK);
    CHECK(polyseal_session_created_at(s) == NOW && data_is(s, "{\"user\":\"ada\"}"));
    /* A session outlives its manager: it holds no reference to it. */
    polyseal_session_manager_free(m_other);
    CHECK(data_is(s, "{\"user\":\"ada\"}"));
    polyseal_session_free(s);

    free(cookie);
    polyseal_session_manager_free(m_k2);
    polyseal_session_manager_free(m);
    polyseal_keyring_free(k2);
    polyseal_keyring_free(k1_other);
    polyseal_keyring_free(k1);
}

static void test_saves(void) {
    const polyseal_keyring *k = keyring_with("k1", PW_K1);
    const polyseal_session_manager *m = manager_of("native", k, 0);
    polyseal_session *s = load(m, NULL, NOW), *again;
    polyseal_cookie_list *lines;
    char *cookie;
    const char *data;
    size_t len;

    /* An untouched new session writes nothing: OK with an empty list of lines. */
    lines = save(m, s, NULL, NOW, POLYSEAL_STATUS_OK);
    CHECK(lines != NULL && polyseal_cookie_list_count(lines) == 0);
    polyseal_cookie_list_free(lines);
    CHECK(polyseal_session_is_new(s));

    /* set_data: validated, visible at once, picked up by the next save. */
    CHECK_STATUS(polyseal_session_set_data(s, S("[1]")), POLYSEAL_STATUS_INVALID_JSON);
    CHECK(strstr(last_error(), "must be a JSON object") != NULL);
    CHECK_STATUS(polyseal_session_set_data(s, S("{\"a\":")), POLYSEAL_STATUS_INVALID_JSON);
    CHECK_STATUS(polyseal_session_set_data(s, S("{\"a\":\"\xff\"}")), POLYSEAL_STATUS_INVALID_JSON);
    check_message_names(POLYSEAL_STATUS_INVALID_JSON);
    CHECK(data_is(s, "{}"));
    CHECK_OK(polyseal_session_set_data(s, S("{ \"n\": 1.50, \"list\": [true, null] }")));
    CHECK(data_is(s, "{\"n\":1.5,\"list\":[true,null]}"));
    lines = save(m, s, NULL, NOW, POLYSEAL_STATUS_OK);
    CHECK(polyseal_cookie_list_count(lines) == 1 && !polyseal_session_is_new(s));
    cookie = cookie_from(lines);
    polyseal_cookie_list_free(lines);

    /* Saved and unchanged (the same data set again counts as unchanged): nothing to write. */
    CHECK_OK(polyseal_session_set_data(s, S("{\"n\":1.5,\"list\":[true,null]}")));
    lines = save(m, s, NULL, NOW, POLYSEAL_STATUS_OK);
    CHECK(polyseal_cookie_list_count(lines) == 0);
    polyseal_cookie_list_free(lines);

    again = load(m, cookie, NOW + SECOND);
    CHECK(data_is(again, "{\"n\":1.5,\"list\":[true,null]}"));
    lines = save(m, again, NULL, NOW + SECOND, POLYSEAL_STATUS_OK);
    CHECK(polyseal_cookie_list_count(lines) == 0);
    polyseal_cookie_list_free(lines);

    /* update merges top-level keys and always writes; a patch that is not an object is refused
     * and leaves the data alone. */
    lines = save(m, again, "[\"no\"]", NOW + SECOND, POLYSEAL_STATUS_INVALID_JSON);
    CHECK(data_is(again, "{\"n\":1.5,\"list\":[true,null]}"));
    lines = save(m, again, "{\"n\":2,\"m\":\"x\"}", NOW + SECOND, POLYSEAL_STATUS_OK);
    CHECK(polyseal_cookie_list_count(lines) == 1);
    CHECK(data_is(again, "{\"n\":2,\"list\":[true,null],\"m\":\"x\"}"));
    polyseal_cookie_list_free(lines);
    lines = save(m, again, "{}", NOW + SECOND, POLYSEAL_STATUS_OK);
    CHECK(polyseal_cookie_list_count(lines) == 1);
    polyseal_cookie_list_free(lines);

    /* A failed save (the cookie would be over 4096 bytes) writes nothing; the patch stays. */
    {
        char patch[6000];
        snprintf(patch, sizeof patch, "{\"blob\":\"%0*d\"}", 5000, 0);
        lines = save(m, again, patch, NOW + SECOND, POLYSEAL_STATUS_TOO_LARGE);
        CHECK_OK(polyseal_session_data(again, &data, &len));
        CHECK(len > 5000 && strstr(data, "\"blob\"") != NULL);
        CHECK_OK(polyseal_session_set_data(again, S("{}")));
        lines = save(m, again, NULL, NOW + SECOND, POLYSEAL_STATUS_OK);
        CHECK(polyseal_cookie_list_count(lines) == 1);
        polyseal_cookie_list_free(lines);
    }

    /* A save past a native session's deadline fails with EXPIRED. */
    lines = save(m, again, "{\"late\":1}", NOW + 15 * 24 * 3600 * SECOND, POLYSEAL_STATUS_EXPIRED);

    polyseal_session_free(again);
    polyseal_session_free(s);
    free(cookie);
    polyseal_session_manager_free(m);
    polyseal_keyring_free(k);
}

static void test_clear_is_terminal(void) {
    const polyseal_keyring *k = keyring_with("k1", PW_K1);
    const polyseal_session_manager *m = manager_of("native", k, 0);
    polyseal_session *s = load(m, NULL, NOW);
    polyseal_cookie_list *lines = NULL;
    polyseal_buf token = {NULL, 0};
    const char *line;
    size_t len;

    lines = save(m, s, "{\"user\":1}", NOW, POLYSEAL_STATUS_OK);
    polyseal_cookie_list_free(lines);
    lines = NULL;
    CHECK_OK(polyseal_session_manager_clear_at(m, s, NOW, &lines));
    CHECK(polyseal_cookie_list_kind(lines) == POLYSEAL_COOKIE_LIST_LINES &&
          polyseal_cookie_list_count(lines) == 1);
    CHECK_OK(polyseal_cookie_list_line(lines, 0, &line, &len));
    CHECK(same(line, len,
               "session=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; "
               "Secure; SameSite=Lax"));
    polyseal_cookie_list_free(lines);
    CHECK(polyseal_session_is_cleared(s) && data_is(s, "{}"));

    /* Update, save and token now fail with SESSION_CLEARED and leave their outputs alone. */
    lines = save(m, s, "{\"back\":1}", NOW, POLYSEAL_STATUS_SESSION_CLEARED);
    CHECK(strstr(last_error(), "cleared") != NULL);
    lines = save(m, s, NULL, NOW, POLYSEAL_STATUS_SESSION_CLEARED);
    CHECK_STATUS(polyseal_session_manager_token_at(m, s, NOW, &token),
                 POLYSEAL_STATUS_SESSION_CLEARED);
    CHECK(token.ptr == NULL && token.len == 0);
    /* set_data is allowed, but the session still cannot be saved. */
    CHECK_OK(polyseal_session_set_data(s, S("{\"back\":2}")));
    lines = save(m, s, NULL, NOW, POLYSEAL_STATUS_SESSION_CLEARED);
    CHECK(polyseal_session_is_cleared(s));
    /* Clearing again writes the deletion again. */
    lines = NULL;
    CHECK_OK(polyseal_session_manager_clear_at(m, s, NOW, &lines));
    CHECK(polyseal_cookie_list_count(lines) == 1);
    polyseal_cookie_list_free(lines);

    polyseal_session_free(s);
    polyseal_session_manager_free(m);
    polyseal_keyring_free(k);
}

static void test_session_header_and_token(void) {
    const polyseal_keyring *k = keyring_with("", "session-contract-h3-password-0123456789a");
    polyseal_session_config *c = NULL;
    const polyseal_session_manager *m = NULL;
    polyseal_session *s = NULL, *from_header = NULL;
    polyseal_cookie_list *lines;
    polyseal_buf token = {NULL, 0};
    const char *id, *id2;
    size_t id_len, id2_len;

    CHECK_OK(polyseal_session_config_new(S("h3-v1"), &c));
    CHECK_OK(polyseal_session_config_set_session_header(c, S("x-h3-session")));
    CHECK_OK(polyseal_session_config_set_idle_timeout_s(c, 600));
    CHECK_OK(polyseal_session_manager_new(k, c, &m));
    polyseal_session_config_free(c);

    /* h3 writes a new session even untouched. */
    s = load(m, NULL, NOW);
    CHECK_OK(polyseal_session_id(s, &id, &id_len));
    CHECK(id_len == 36 && id[14] == '4');
    lines = save(m, s, NULL, NOW, POLYSEAL_STATUS_OK);
    CHECK(polyseal_cookie_list_count(lines) == 1);
    polyseal_cookie_list_free(lines);
    CHECK(polyseal_session_has_last_seen_at(s) && polyseal_session_last_seen_at(s) == NOW);

    CHECK_OK(polyseal_session_set_data(s, S("{\"via\":\"header\"}")));
    CHECK_OK(polyseal_session_manager_token_at(m, s, NOW + SECOND, &token));
    CHECK(token.ptr != NULL && token.ptr[token.len] == '\0' && strncmp((char *)token.ptr, "Fe26.2*", 7) == 0);
    CHECK(polyseal_session_last_seen_at(s) == NOW + SECOND);

    /* The header wins over the cookie; a bad header token is a rejection, not a fallback. */
    CHECK_OK(polyseal_session_manager_load_at(m, S("h3=garbage"), (const char *)token.ptr,
                                              token.len, NOW + 2 * SECOND, &from_header));
    CHECK(rejection_of(from_header) == POLYSEAL_STATUS_OK && !polyseal_session_is_new(from_header));
    CHECK_OK(polyseal_session_id(s, &id, &id_len));
    CHECK_OK(polyseal_session_id(from_header, &id2, &id2_len));
    CHECK(id_len == id2_len && memcmp(id, id2, id_len) == 0);
    CHECK(data_is(from_header, "{\"via\":\"header\"}"));
    polyseal_session_free(from_header);
    from_header = NULL;
    CHECK_OK(polyseal_session_manager_load_at(m, NULL, 0, S("Fe26.2**bad"), NOW, &from_header));
    CHECK(rejection_of(from_header) != POLYSEAL_STATUS_OK && polyseal_session_is_new(from_header));
    polyseal_session_free(from_header);

    polyseal_buf_free(&token);
    polyseal_session_free(s);
    polyseal_session_manager_free(m);
    polyseal_keyring_free(k);
}

static void test_iron_session(void) {
    const polyseal_keyring *k = keyring_with("1", PW_K1);
    const polyseal_session_manager *m = manager_of("iron-session", k, 0);
    polyseal_session *s = load(m, NULL, NOW);
    const char *id;
    size_t id_len = 99;
    CHECK_OK(polyseal_session_id(s, &id, &id_len));
    CHECK(id_len == 0 && id[0] == '\0');
    CHECK(polyseal_session_created_at(s) == 0);
    polyseal_session_free(s);
    polyseal_session_manager_free(m);
    polyseal_keyring_free(k);
}

/* An h3-v2 manager with a sliding idle timeout, reusing salts for a minute if `reuse`. */
static const polyseal_session_manager *idle_h3_v2(const polyseal_keyring *k, bool reuse) {
    polyseal_session_config *c = NULL;
    const polyseal_session_manager *m = NULL;
    CHECK_OK(polyseal_session_config_new(S("h3-v2"), &c));
    CHECK_OK(polyseal_session_config_set_idle_timeout_s(c, 600));
    if (reuse) salt_reuse(c);
    CHECK_OK(polyseal_session_manager_new(k, c, &m));
    polyseal_session_config_free(c);
    return m;
}

/* An h3-v2 session re-sealed on every request reuses its salts within the window set in its
 * sealer options, draws new ones after it, and every token still loads. */
static void test_salt_reuse(void) {
    const polyseal_keyring *k = keyring_with("", "session-contract-h3-password-0123456789a");
    const polyseal_keyring *cold = keyring_with("", "session-contract-h3-password-0123456789a");
    const polyseal_session_manager *m = idle_h3_v2(k, true);
    const polyseal_session_manager *reader = idle_h3_v2(cold, false);
    polyseal_buf tokens[3] = {{NULL, 0}, {NULL, 0}, {NULL, 0}};
    const uint64_t at[3] = {NOW, NOW + 59 * SECOND, NOW + 60 * SECOND};

    polyseal_session *s = load(m, NULL, NOW);
    CHECK_OK(polyseal_session_set_data(s, S("{\"cart\":3}")));
    for (size_t i = 0; i < 3; i++) {
        CHECK_OK(polyseal_session_manager_token_at(m, s, at[i], &tokens[i]));
    }
    CHECK(same_salts(tokens[0], tokens[1]));
    CHECK(!same_field(tokens[0], tokens[1], FE26_IV));
    CHECK(fresh_salts(tokens[1], tokens[2]));
    for (size_t i = 0; i < 3; i++) {
        char header[1024];
        CHECK(tokens[i].len + 4 < sizeof header);
        snprintf(header, sizeof header, "h3=%s", (const char *)tokens[i].ptr);
        polyseal_session *opened = load(reader, header, at[i]);
        CHECK(rejection_of(opened) == POLYSEAL_STATUS_OK);
        CHECK(data_is(opened, "{\"cart\":3}"));
        CHECK(polyseal_session_last_seen_at(opened) == at[i]);
        polyseal_session_free(opened);
        polyseal_buf_free(&tokens[i]);
    }

    polyseal_session_free(s);
    polyseal_session_manager_free(m);
    polyseal_session_manager_free(reader);
    polyseal_keyring_free(k);
    polyseal_keyring_free(cold);
}

int main(void) {
    test_frees_and_getters_accept_null();
    test_null_arguments();
    test_configuration();
    test_load_never_fails();
    test_saves();
    test_clear_is_terminal();
    test_session_header_and_token();
    test_iron_session();
    test_salt_reuse();
    return finish("session_contract");
}
