/* API-contract tests of the cookie functions: NULL arguments, frees that accept NULL, every
 * reachable status with its message, out-parameters left untouched on failure, the cookie list
 * handle, and a whole round trip (seal, chunk, send back, parse, reassemble, unseal, delete). */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

#define NOW UINT64_C(1764000000000)
#define PW "cookie-contract-password-0123456789-abc"

static bool same(const char *got, size_t got_len, const char *want) {
    return got != NULL && got_len == strlen(want) && memcmp(got, want, got_len) == 0 &&
           got[got_len] == '\0';
}

static bool buf_is(polyseal_buf buf, const char *want) {
    return same((const char *)buf.ptr, buf.len, want);
}

/* The line at `index` of a list of Set-Cookie lines, or "" on failure. */
static const char *line_at(const polyseal_cookie_list *list, size_t index) {
    const char *line = "";
    size_t len;
    CHECK_OK(polyseal_cookie_list_line(list, index, &line, &len));
    CHECK(line[len] == '\0' && strlen(line) == len);
    return line;
}

static polyseal_cookie_options *secure_options(void) {
    polyseal_cookie_options *o = NULL;
    CHECK_OK(polyseal_cookie_options_secure_defaults(&o));
    return o;
}

static void test_frees_and_getters_accept_null(void) {
    polyseal_cookie_options_free(NULL);
    polyseal_cookie_list_free(NULL);
    CHECK(polyseal_cookie_list_count(NULL) == 0);
    CHECK(polyseal_cookie_list_kind(NULL) == 0);
}

static void test_null_arguments(void) {
    const polyseal_status E = POLYSEAL_STATUS_INVALID_ARGUMENT;
    polyseal_cookie_options *o = secure_options();
    polyseal_cookie_options *o_out = SENTINEL(polyseal_cookie_options *);
    polyseal_cookie_list *pairs = NULL;
    polyseal_cookie_list *l_out = SENTINEL(polyseal_cookie_list *);
    polyseal_buf buf = {NULL, 0};
    const char *text = SENTINEL(const char *);
    size_t len = 12345, count = 12345;
    bool flag = true;

    CHECK_OK(polyseal_cookie_list_new(&pairs));
    CHECK_OK(polyseal_cookie_list_push(pairs, S("s"), S("v")));

    CHECK_STATUS(polyseal_cookie_options_new(NULL), E);
    CHECK(strstr(last_error(), "options_out is NULL") != NULL);
    check_message_names(E);
    CHECK_STATUS(polyseal_cookie_options_secure_defaults(NULL), E);
    CHECK_STATUS(polyseal_cookie_options_insecure_dev(NULL), E);
    CHECK_STATUS(polyseal_cookie_options_for_style(S("h3-v2"), NULL), E);
    CHECK_STATUS(polyseal_cookie_options_for_style(NULL, 5, &o_out), E);
    CHECK(o_out == SENTINEL(polyseal_cookie_options *));

    CHECK_STATUS(polyseal_cookie_options_set_max_age(NULL, 1), E);
    CHECK_STATUS(polyseal_cookie_options_set_expires_ms(NULL, 1), E);
    CHECK_STATUS(polyseal_cookie_options_set_expiry(NULL, 1, 1), E);
    CHECK_STATUS(polyseal_cookie_options_set_domain(NULL, S("example.com")), E);
    CHECK_STATUS(polyseal_cookie_options_set_domain(o, NULL, 3), E);
    CHECK_STATUS(polyseal_cookie_options_set_path(NULL, S("/")), E);
    CHECK_STATUS(polyseal_cookie_options_set_path(o, NULL, 1), E);
    CHECK_STATUS(polyseal_cookie_options_set_secure(NULL, true), E);
    CHECK_STATUS(polyseal_cookie_options_set_http_only(NULL, true), E);
    CHECK_STATUS(polyseal_cookie_options_set_same_site(NULL, S("Lax")), E);
    CHECK_STATUS(polyseal_cookie_options_set_same_site(o, NULL, 3), E);
    CHECK_STATUS(polyseal_cookie_options_set_partitioned(NULL, true), E);
    CHECK_STATUS(polyseal_cookie_options_set_priority(NULL, S("High")), E);
    CHECK_STATUS(polyseal_cookie_options_set_priority(o, NULL, 4), E);

    CHECK_STATUS(polyseal_set_cookie(NULL, 1, S("v"), o, S("polyseal"), &buf), E);
    CHECK_STATUS(polyseal_set_cookie(S("s"), NULL, 1, o, S("polyseal"), &buf), E);
    CHECK_STATUS(polyseal_set_cookie(S("s"), S("v"), NULL, S("polyseal"), &buf), E);
    CHECK(strstr(last_error(), "options is NULL") != NULL);
    CHECK_STATUS(polyseal_set_cookie(S("s"), S("v"), o, NULL, 8, &buf), E);
    CHECK_STATUS(polyseal_set_cookie(S("s"), S("v"), o, S("polyseal"), NULL), E);
    CHECK_STATUS(polyseal_deletion_cookie(NULL, 1, o, S("polyseal"), &buf), E);
    CHECK_STATUS(polyseal_deletion_cookie(S("s"), NULL, S("polyseal"), &buf), E);
    CHECK_STATUS(polyseal_deletion_cookie(S("s"), o, NULL, 8, &buf), E);
    CHECK_STATUS(polyseal_deletion_cookie(S("s"), o, S("polyseal"), NULL), E);
    CHECK_STATUS(polyseal_imf_fixdate(0, NULL), E);
    CHECK(buf.ptr == NULL && buf.len == 0);

    CHECK_STATUS(polyseal_parse_cookie_header(NULL, 3, &l_out), E);
    CHECK_STATUS(polyseal_parse_cookie_header(S("a=1"), NULL), E);
    CHECK_STATUS(polyseal_chunk_set_cookies(NULL, 1, S("v"), o, S("h3-v2"), S("h3"), true, false,
                                            0, &l_out),
                 E);
    CHECK_STATUS(polyseal_chunk_set_cookies(S("s"), NULL, 1, o, S("h3-v2"), S("h3"), true, false,
                                            0, &l_out),
                 E);
    CHECK_STATUS(polyseal_chunk_set_cookies(S("s"), S("v"), NULL, S("h3-v2"), S("h3"), true,
                                            false, 0, &l_out),
                 E);
    CHECK_STATUS(polyseal_chunk_set_cookies(S("s"), S("v"), o, NULL, 5, S("h3"), true, false, 0,
                                            &l_out),
                 E);
    CHECK_STATUS(polyseal_chunk_set_cookies(S("s"), S("v"), o, S("h3-v2"), NULL, 2, true, false,
                                            0, &l_out),
                 E);
    CHECK_STATUS(polyseal_chunk_set_cookies(S("s"), S("v"), o, S("h3-v2"), S("h3"), true, false,
                                            0, NULL),
                 E);
    CHECK_STATUS(polyseal_chunk_deletion_cookies(NULL, 1, o, S("h3-v2"), S("h3"), false, 0,
                                                 &l_out),
                 E);
    CHECK_STATUS(polyseal_chunk_deletion_cookies(S("s"), NULL, S("h3-v2"), S("h3"), false, 0,
                                                 &l_out),
                 E);
    CHECK_STATUS(polyseal_chunk_deletion_cookies(S("s"), o, S("h3-v2"), NULL, 2, false, 0,
                                                 &l_out),
                 E);
    CHECK_STATUS(polyseal_chunk_deletion_cookies(S("s"), o, S("h3-v2"), S("h3"), false, 0, NULL),
                 E);
    CHECK_STATUS(polyseal_cookie_list_new(NULL), E);
    CHECK(l_out == SENTINEL(polyseal_cookie_list *));

    CHECK_STATUS(polyseal_chunk_state(NULL, S("s"), S("h3"), &flag, &count), E);
    CHECK_STATUS(polyseal_chunk_state(pairs, NULL, 1, S("h3"), &flag, &count), E);
    CHECK_STATUS(polyseal_chunk_state(pairs, S("s"), NULL, 2, &flag, &count), E);
    CHECK_STATUS(polyseal_chunk_state(pairs, S("s"), S("h3"), NULL, &count), E);
    CHECK_STATUS(polyseal_chunk_state(pairs, S("s"), S("h3"), &flag, NULL), E);
    CHECK_STATUS(polyseal_reassemble(NULL, S("s"), S("h3"), &flag, &buf), E);
    CHECK_STATUS(polyseal_reassemble(pairs, S("s"), S("h3"), NULL, &buf), E);
    CHECK_STATUS(polyseal_reassemble(pairs, S("s"), S("h3"), &flag, NULL), E);
    CHECK_STATUS(polyseal_cookie_header_budget(NULL, 100, &count), E);
    CHECK_STATUS(polyseal_cookie_header_budget(pairs, 100, NULL), E);
    CHECK(flag && count == 12345 && buf.ptr == NULL);

    CHECK_STATUS(polyseal_cookie_list_push(NULL, S("a"), S("1")), E);
    CHECK_STATUS(polyseal_cookie_list_push(pairs, NULL, 1, S("1")), E);
    CHECK_STATUS(polyseal_cookie_list_push(pairs, S("a"), NULL, 1), E);
    CHECK(polyseal_cookie_list_count(pairs) == 1);
    CHECK_STATUS(polyseal_cookie_list_pair(NULL, 0, &text, &len, &text, &len), E);
    CHECK_STATUS(polyseal_cookie_list_pair(pairs, 0, NULL, &len, &text, &len), E);
    CHECK_STATUS(polyseal_cookie_list_pair(pairs, 0, &text, NULL, &text, &len), E);
    CHECK_STATUS(polyseal_cookie_list_pair(pairs, 0, &text, &len, NULL, &len), E);
    CHECK_STATUS(polyseal_cookie_list_pair(pairs, 0, &text, &len, &text, NULL), E);
    CHECK_STATUS(polyseal_cookie_list_line(NULL, 0, &text, &len), E);
    CHECK(text == SENTINEL(const char *) && len == 12345);

    /* A NULL pointer with length 0 is empty text: an empty name is not a cookie name, an empty
     * header holds no cookies, an empty domain is no host name. */
    CHECK_STATUS(polyseal_set_cookie(NULL, 0, S("v"), o, S("polyseal"), &buf),
                 POLYSEAL_STATUS_INVALID_COOKIE);
    CHECK_OK(polyseal_set_cookie(S("s"), NULL, 0, o, S("polyseal"), &buf));
    CHECK(buf_is(buf, "s=; Path=/; HttpOnly; Secure; SameSite=Lax"));
    polyseal_buf_free(&buf);
    l_out = NULL;
    CHECK_OK(polyseal_parse_cookie_header(NULL, 0, &l_out));
    CHECK(polyseal_cookie_list_count(l_out) == 0);
    CHECK(polyseal_cookie_list_kind(l_out) == POLYSEAL_COOKIE_LIST_PAIRS);
    polyseal_cookie_list_free(l_out);
    CHECK_OK(polyseal_cookie_options_set_domain(o, NULL, 0));
    CHECK_STATUS(polyseal_set_cookie(S("s"), S("v"), o, S("polyseal"), &buf),
                 POLYSEAL_STATUS_INVALID_COOKIE);
    CHECK(strstr(last_error(), "Domain") != NULL);

    polyseal_cookie_list_free(pairs);
    polyseal_cookie_options_free(o);
}

static void test_options(void) {
    polyseal_cookie_options *o = NULL, *dev = NULL, *h3 = NULL, *x = SENTINEL(polyseal_cookie_options *);
    polyseal_buf line = {NULL, 0};

    /* Constructors. */
    CHECK_OK(polyseal_cookie_options_new(&o));
    CHECK_OK(polyseal_set_cookie(S("s"), S("v"), o, S("polyseal"), &line));
    CHECK(buf_is(line, "s=v"));
    polyseal_buf_free(&line);
    CHECK_OK(polyseal_cookie_options_insecure_dev(&dev));
    CHECK_OK(polyseal_set_cookie(S("s"), S("v"), dev, S("polyseal"), &line));
    CHECK(buf_is(line, "s=v; Path=/; HttpOnly; SameSite=Lax"));
    polyseal_buf_free(&line);
    CHECK_OK(polyseal_cookie_options_for_style(S("h3-v1"), &h3));
    CHECK_OK(polyseal_set_cookie(S("s"), S("a b"), h3, S("h3-v1"), &line));
    CHECK(buf_is(line, "s=a%20b; Path=/; HttpOnly; Secure"));
    polyseal_buf_free(&line);
    CHECK_STATUS(polyseal_cookie_options_for_style(S("express"), &x),
                 POLYSEAL_STATUS_INVALID_OPTION);
    CHECK(strstr(last_error(), "express") != NULL);
    CHECK_STATUS(polyseal_cookie_options_for_style(S("Polyseal"), &x),
                 POLYSEAL_STATUS_INVALID_OPTION);
    CHECK_STATUS(polyseal_cookie_options_for_style(S("h3\xff"), &x),
                 POLYSEAL_STATUS_INVALID_ARGUMENT);
    CHECK(x == SENTINEL(polyseal_cookie_options *));

    /* Every setter, in the polyseal attribute order. */
    CHECK_OK(polyseal_cookie_options_set_max_age(o, 3600));
    CHECK_OK(polyseal_cookie_options_set_expires_ms(o, NOW));
    CHECK_OK(polyseal_cookie_options_set_domain(o, S(".example.com")));
    CHECK_OK(polyseal_cookie_options_set_path(o, S("/app")));
    CHECK_OK(polyseal_cookie_options_set_http_only(o, true));
    CHECK_OK(polyseal_cookie_options_set_secure(o, true));
    CHECK_OK(polyseal_cookie_options_set_same_site(o, S("nOnE")));
    CHECK_OK(polyseal_cookie_options_set_partitioned(o, true));
    CHECK_OK(polyseal_cookie_options_set_priority(o, S("low")));
    CHECK_OK(polyseal_set_cookie(S("s"), S("v"), o, S("polyseal"), &line));
    CHECK(buf_is(line, "s=v; Max-Age=3600; Expires=Mon, 24 Nov 2025 16:00:00 GMT; "
                       "Domain=.example.com; Path=/app; HttpOnly; Secure; SameSite=None; "
                       "Partitioned; Priority=Low"));
    polyseal_buf_free(&line);

    /* Refused values leave the options as they were. */
    CHECK_STATUS(polyseal_cookie_options_set_max_age(o, -1), POLYSEAL_STATUS_INVALID_OPTION);
    check_message_names(POLYSEAL_STATUS_INVALID_OPTION);
    CHECK(strstr(last_error(), "negative") != NULL);
    CHECK_STATUS(polyseal_cookie_options_set_max_age(o, INT64_MIN), POLYSEAL_STATUS_INVALID_OPTION);
    CHECK_STATUS(polyseal_cookie_options_set_expires_ms(o, UINT64_C(253402300800000)),
                 POLYSEAL_STATUS_INVALID_OPTION);
    CHECK(strstr(last_error(), "9999") != NULL);
    CHECK_STATUS(polyseal_cookie_options_set_expiry(o, UINT64_MAX, NOW),
                 POLYSEAL_STATUS_INVALID_OPTION);
    CHECK_STATUS(polyseal_cookie_options_set_same_site(o, S("Sometimes")),
                 POLYSEAL_STATUS_INVALID_OPTION);
    CHECK(strstr(last_error(), "Sometimes") != NULL);
    CHECK_STATUS(polyseal_cookie_options_set_priority(o, S("Urgent")),
                 POLYSEAL_STATUS_INVALID_OPTION);
    CHECK_STATUS(polyseal_cookie_options_set_same_site(o, S("La\xff")),
                 POLYSEAL_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(polyseal_cookie_options_set_domain(o, S("ex\xff")), POLYSEAL_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(polyseal_cookie_options_set_path(o, S("/\xff")), POLYSEAL_STATUS_INVALID_ARGUMENT);
    CHECK_OK(polyseal_set_cookie(S("s"), S("v"), o, S("polyseal"), &line));
    CHECK(strstr((const char *)line.ptr, "Max-Age=3600; Expires=Mon, 24 Nov 2025 16:00:00 GMT") !=
          NULL);
    CHECK(strstr((const char *)line.ptr, "SameSite=None; Partitioned; Priority=Low") != NULL);
    polyseal_buf_free(&line);

    /* Max-Age 0 and an expiry: whole seconds left, rounded down, never negative. */
    CHECK_OK(polyseal_cookie_options_set_max_age(o, 0));
    CHECK_OK(polyseal_cookie_options_set_expiry(dev, NOW + 3600999, NOW));
    CHECK_OK(polyseal_set_cookie(S("s"), S("v"), dev, S("polyseal"), &line));
    CHECK(buf_is(line, "s=v; Max-Age=3600; Expires=Mon, 24 Nov 2025 17:00:00 GMT; Path=/; "
                       "HttpOnly; SameSite=Lax"));
    polyseal_buf_free(&line);
    CHECK_OK(polyseal_cookie_options_set_expiry(dev, NOW - 5000, NOW));
    CHECK_OK(polyseal_set_cookie(S("s"), S("v"), dev, S("polyseal"), &line));
    CHECK(strncmp((const char *)line.ptr, "s=v; Max-Age=0; Expires=", 24) == 0);
    polyseal_buf_free(&line);

    polyseal_cookie_options_free(o);
    polyseal_cookie_options_free(dev);
    polyseal_cookie_options_free(h3);
}

static void test_lines_and_statuses(void) {
    polyseal_cookie_options *o = secure_options();
    polyseal_cookie_options *bare = NULL;
    polyseal_buf line = {NULL, 0};
    char *big = malloc(70000);
    CHECK_OK(polyseal_cookie_options_new(&bare));

    /* Deletions. */
    CHECK_OK(polyseal_deletion_cookie(S("s"), o, S("polyseal"), &line));
    CHECK(buf_is(line, "s=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; "
                       "Secure; SameSite=Lax"));
    polyseal_buf_free(&line);
    CHECK_OK(polyseal_deletion_cookie(S("s"), o, S("h3-v2"), &line));
    CHECK(buf_is(line, "s=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax"));
    polyseal_buf_free(&line);

    /* INVALID_COOKIE: names, values (polyseal style only), prefixes, attributes needing Secure,
     * domains and paths; deletions obey the same rules. The value is never quoted. */
    CHECK_STATUS(polyseal_set_cookie(S("a b"), S("v"), o, S("polyseal"), &line),
                 POLYSEAL_STATUS_INVALID_COOKIE);
    check_message_names(POLYSEAL_STATUS_INVALID_COOKIE);
    CHECK_STATUS(polyseal_set_cookie(S("s"), S("se cret"), o, S("polyseal"), &line),
                 POLYSEAL_STATUS_INVALID_COOKIE);
    CHECK(strstr(last_error(), "se cret") == NULL);
    CHECK_OK(polyseal_set_cookie(S("s"), S("se cret"), o, S("iron-session"), &line));
    CHECK(strncmp((const char *)line.ptr, "s=se%20cret; ", 13) == 0);
    polyseal_buf_free(&line);
    CHECK_STATUS(polyseal_set_cookie(S("__Host-s"), S("v"), bare, S("polyseal"), &line),
                 POLYSEAL_STATUS_INVALID_COOKIE);
    CHECK(strstr(last_error(), "__Host-") != NULL);
    CHECK_STATUS(polyseal_deletion_cookie(S("__Secure-s"), bare, S("polyseal"), &line),
                 POLYSEAL_STATUS_INVALID_COOKIE);
    CHECK_OK(polyseal_cookie_options_set_same_site(bare, S("None")));
    CHECK_STATUS(polyseal_set_cookie(S("s"), S("v"), bare, S("polyseal"), &line),
                 POLYSEAL_STATUS_INVALID_COOKIE);
    CHECK(strstr(last_error(), "SameSite=None requires Secure") != NULL);
    CHECK_OK(polyseal_cookie_options_set_path(bare, S("app")));
    CHECK_OK(polyseal_cookie_options_set_secure(bare, true));
    CHECK_STATUS(polyseal_set_cookie(S("s"), S("v"), bare, S("polyseal"), &line),
                 POLYSEAL_STATUS_INVALID_COOKIE);
    CHECK(strstr(last_error(), "Path") != NULL);
    /* ... and text that is not UTF-8 is a bad argument. */
    CHECK_STATUS(polyseal_set_cookie(S("s\xff"), S("v"), o, S("polyseal"), &line),
                 POLYSEAL_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(polyseal_set_cookie(S("s"), S("v\xff"), o, S("polyseal"), &line),
                 POLYSEAL_STATUS_INVALID_ARGUMENT);

    /* INVALID_OPTION: an unknown style. */
    CHECK_STATUS(polyseal_set_cookie(S("s"), S("v"), o, S("express"), &line),
                 POLYSEAL_STATUS_INVALID_OPTION);
    CHECK_STATUS(polyseal_deletion_cookie(S("s"), o, S("H3-V2"), &line),
                 POLYSEAL_STATUS_INVALID_OPTION);

    /* TOO_LARGE: one byte over POLYSEAL_MAX_SET_COOKIE_BYTES; the message gives the sizes. */
    {
        polyseal_cookie_options *none = NULL;
        size_t value_len = POLYSEAL_MAX_SET_COOKIE_BYTES - 2; /* "s=" + value */
        CHECK_OK(polyseal_cookie_options_new(&none));
        memset(big, 'x', value_len + 1);
        CHECK_OK(polyseal_set_cookie(S("s"), big, value_len, none, S("polyseal"), &line));
        CHECK(line.len == POLYSEAL_MAX_SET_COOKIE_BYTES);
        polyseal_buf_free(&line);
        CHECK_STATUS(polyseal_set_cookie(S("s"), big, value_len + 1, none, S("polyseal"), &line),
                     POLYSEAL_STATUS_TOO_LARGE);
        check_message_names(POLYSEAL_STATUS_TOO_LARGE);
        CHECK(strstr(last_error(), "4097") != NULL && strstr(last_error(), "4096") != NULL);
        polyseal_cookie_options_free(none);
    }
    CHECK(line.ptr == NULL && line.len == 0);

    /* IMF-fixdate: the epoch, the last instant of 9999, then one millisecond too far. */
    CHECK_OK(polyseal_imf_fixdate(0, &line));
    CHECK(buf_is(line, "Thu, 01 Jan 1970 00:00:00 GMT"));
    polyseal_buf_free(&line);
    CHECK_OK(polyseal_imf_fixdate(UINT64_C(253402300799999), &line));
    CHECK(buf_is(line, "Fri, 31 Dec 9999 23:59:59 GMT"));
    polyseal_buf_free(&line);
    CHECK_STATUS(polyseal_imf_fixdate(UINT64_C(253402300800000), &line),
                 POLYSEAL_STATUS_INVALID_OPTION);
    CHECK(line.ptr == NULL);

    /* Parsing: TOO_LARGE over POLYSEAL_MAX_COOKIE_HEADER_BYTES, MALFORMED when not UTF-8. */
    {
        polyseal_cookie_list *list = SENTINEL(polyseal_cookie_list *);
        memset(big, 'a', 70000);
        big[0] = 's';
        big[1] = '=';
        CHECK_STATUS(polyseal_parse_cookie_header(big, POLYSEAL_MAX_COOKIE_HEADER_BYTES + 1, &list),
                     POLYSEAL_STATUS_TOO_LARGE);
        CHECK_STATUS(polyseal_parse_cookie_header(S("a=1; b=\xff"), &list),
                     POLYSEAL_STATUS_MALFORMED);
        check_message_names(POLYSEAL_STATUS_MALFORMED);
        CHECK(strstr(last_error(), "offset 7") != NULL);
        CHECK(list == SENTINEL(polyseal_cookie_list *));
        list = NULL;
        CHECK_OK(polyseal_parse_cookie_header(big, POLYSEAL_MAX_COOKIE_HEADER_BYTES, &list));
        CHECK(polyseal_cookie_list_count(list) == 1);
        polyseal_cookie_list_free(list);
    }

    free(big);
    polyseal_cookie_options_free(bare);
    polyseal_cookie_options_free(o);
}

static void test_cookie_list(void) {
    polyseal_cookie_list *pairs = NULL, *parsed = NULL, *lines = NULL;
    polyseal_cookie_options *o = secure_options();
    const char *name = NULL, *value = NULL, *first_value = NULL;
    const char *text = SENTINEL(const char *);
    size_t name_len, value_len, len = 12345, budget = 12345;
    const polyseal_status E = POLYSEAL_STATUS_INVALID_ARGUMENT;

    /* Parsed: header order, first of a repeated name, blanks dropped, quotes and %XX undone. */
    CHECK_OK(polyseal_parse_cookie_header(S(" a = 1 ; b=\"q\"; a=2; c=%C3%A9; junk; =x"), &parsed));
    CHECK(polyseal_cookie_list_kind(parsed) == POLYSEAL_COOKIE_LIST_PAIRS);
    CHECK(polyseal_cookie_list_count(parsed) == 3);
    CHECK_OK(polyseal_cookie_list_pair(parsed, 0, &name, &name_len, &value, &value_len));
    CHECK(same(name, name_len, "a") && same(value, value_len, "1"));
    CHECK_OK(polyseal_cookie_list_pair(parsed, 1, &name, &name_len, &value, &value_len));
    CHECK(same(name, name_len, "b") && same(value, value_len, "q"));
    CHECK_OK(polyseal_cookie_list_pair(parsed, 2, &name, &name_len, &value, &value_len));
    CHECK(same(name, name_len, "c") && same(value, value_len, "\xc3\xa9"));
    CHECK_STATUS(polyseal_cookie_list_pair(parsed, 3, &text, &len, &text, &len), E);
    CHECK(strstr(last_error(), "index 3 is out of range") != NULL);
    CHECK_STATUS(polyseal_cookie_list_pair(parsed, SIZE_MAX, &text, &len, &text, &len), E);
    CHECK_STATUS(polyseal_cookie_list_line(parsed, 0, &text, &len), E);
    CHECK(strstr(last_error(), "not Set-Cookie lines") != NULL);
    CHECK(text == SENTINEL(const char *) && len == 12345);
    /* The budget of what a browser sends back: "a=1; b=q; c=é" is 14 bytes. */
    CHECK_OK(polyseal_cookie_header_budget(parsed, POLYSEAL_COOKIE_HEADER_LIMIT, &budget));
    CHECK(budget == 14);
    budget = 12345;
    CHECK_STATUS(polyseal_cookie_header_budget(parsed, 13, &budget), POLYSEAL_STATUS_TOO_LARGE);
    CHECK(strstr(last_error(), "14 bytes") != NULL && strstr(last_error(), "13") != NULL);
    CHECK(budget == 12345);

    /* Pushed: taken as given, and lent text stays put while the list grows. */
    CHECK_OK(polyseal_cookie_list_new(&pairs));
    CHECK(polyseal_cookie_list_kind(pairs) == POLYSEAL_COOKIE_LIST_PAIRS);
    CHECK(polyseal_cookie_list_count(pairs) == 0);
    CHECK_OK(polyseal_cookie_list_push(pairs, S("s"), S("first")));
    CHECK_OK(polyseal_cookie_list_pair(pairs, 0, &name, &name_len, &first_value, &value_len));
    for (int i = 0; i < 100; i++) {
        char n[16];
        snprintf(n, sizeof n, "n%d", i);
        CHECK_OK(polyseal_cookie_list_push(pairs, n, strlen(n), S("a b;c")));
    }
    CHECK_OK(polyseal_cookie_list_push(pairs, S("s"), S("second")));
    CHECK_OK(polyseal_cookie_list_push(pairs, NULL, 0, NULL, 0));
    CHECK(polyseal_cookie_list_count(pairs) == 103);
    CHECK_OK(polyseal_cookie_list_pair(pairs, 0, &name, &name_len, &value, &value_len));
    CHECK(value == first_value && same(value, value_len, "first"));
    CHECK_OK(polyseal_cookie_list_pair(pairs, 50, &name, &name_len, &value, &value_len));
    CHECK(same(name, name_len, "n49") && same(value, value_len, "a b;c"));
    CHECK_OK(polyseal_cookie_list_pair(pairs, 102, &name, &name_len, &value, &value_len));
    CHECK(same(name, name_len, "") && same(value, value_len, ""));
    CHECK_STATUS(polyseal_cookie_list_push(pairs, S("s"), S("\xc3")), E);
    CHECK(polyseal_cookie_list_count(pairs) == 103);
    {
        /* The first "s" wins. */
        bool found = false;
        polyseal_buf got = {NULL, 0};
        CHECK_OK(polyseal_reassemble(pairs, S("s"), S("none"), &found, &got));
        CHECK(found && buf_is(got, "first"));
        polyseal_buf_free(&got);
    }

    /* Lines: only readable as lines, and refused where request cookies are expected. */
    CHECK_OK(polyseal_chunk_deletion_cookies(S("s"), o, S("iron-session"), S("iron-session"), false,
                                             2, &lines));
    CHECK(polyseal_cookie_list_kind(lines) == POLYSEAL_COOKIE_LIST_LINES);
    CHECK(polyseal_cookie_list_count(lines) == 3);
    CHECK(strcmp(line_at(lines, 0), "s=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax") == 0);
    CHECK(strncmp(line_at(lines, 1), "s.0=; Max-Age=0;", 16) == 0);
    CHECK(strncmp(line_at(lines, 2), "s.1=; Max-Age=0;", 16) == 0);
    CHECK_STATUS(polyseal_cookie_list_line(lines, 3, &text, &len), E);
    CHECK_STATUS(polyseal_cookie_list_pair(lines, 0, &text, &len, &text, &len), E);
    CHECK(strstr(last_error(), "not the name/value pairs") != NULL);
    CHECK_STATUS(polyseal_cookie_list_push(lines, S("a"), S("1")), E);
    CHECK(polyseal_cookie_list_count(lines) == 3);
    {
        bool flag = false;
        size_t count = 7;
        polyseal_buf got = {NULL, 0};
        CHECK_STATUS(polyseal_chunk_state(lines, S("s"), S("h3"), &flag, &count), E);
        CHECK_STATUS(polyseal_reassemble(lines, S("s"), S("h3"), &flag, &got), E);
        CHECK_STATUS(polyseal_cookie_header_budget(lines, 100, &count), E);
        CHECK(!flag && count == 7 && got.ptr == NULL);
    }
    CHECK(text == SENTINEL(const char *) && len == 12345);

    polyseal_cookie_list_free(lines);
    polyseal_cookie_list_free(pairs);
    polyseal_cookie_list_free(parsed);
    polyseal_cookie_options_free(o);
}

static void test_chunking_statuses(void) {
    polyseal_cookie_options *o = secure_options();
    polyseal_cookie_list *list = SENTINEL(polyseal_cookie_list *);
    size_t big_len = 5 * POLYSEAL_MAX_SET_COOKIE_BYTES;
    char *big = malloc(big_len);
    memset(big, 'Q', big_len);

    /* INVALID_OPTION: unknown schemes, and a previous count no request can produce. */
    CHECK_STATUS(polyseal_chunk_set_cookies(S("s"), S("v"), o, S("h3-v2"), S("rails"), true, false,
                                            0, &list),
                 POLYSEAL_STATUS_INVALID_OPTION);
    CHECK(strstr(last_error(), "rails") != NULL);
    CHECK_STATUS(polyseal_chunk_deletion_cookies(S("s"), o, S("h3-v2"), S("H3"), false, 0, &list),
                 POLYSEAL_STATUS_INVALID_OPTION);
    CHECK_STATUS(polyseal_chunk_set_cookies(S("s"), S("v"), o, S("h3-v2"), S("h3"), true, false,
                                            101, &list),
                 POLYSEAL_STATUS_INVALID_OPTION);
    CHECK_STATUS(polyseal_chunk_deletion_cookies(S("s"), o, S("iron-session"), S("iron-session"),
                                                 false, SIZE_MAX, &list),
                 POLYSEAL_STATUS_INVALID_OPTION);
    CHECK_STATUS(polyseal_chunk_state(NULL, S("s"), S("rails"), NULL, NULL),
                 POLYSEAL_STATUS_INVALID_ARGUMENT);
    /* TOO_LARGE: without splitting, with scheme none, and over iron-session's four parts. */
    CHECK_STATUS(polyseal_chunk_set_cookies(S("s"), big, 5000, o, S("h3-v2"), S("h3"), false, false,
                                            0, &list),
                 POLYSEAL_STATUS_TOO_LARGE);
    CHECK_STATUS(polyseal_chunk_set_cookies(S("s"), big, 5000, o, S("polyseal"), S("none"), true,
                                            false, 0, &list),
                 POLYSEAL_STATUS_TOO_LARGE);
    CHECK_STATUS(polyseal_chunk_set_cookies(S("s"), big, big_len, o, S("iron-session"),
                                            S("iron-session"), true, false, 0, &list),
                 POLYSEAL_STATUS_TOO_LARGE);
    CHECK(strstr(last_error(), "the limit is 4") != NULL);
    /* INVALID_COOKIE reaches every line. */
    CHECK_STATUS(polyseal_chunk_set_cookies(S("s;"), S("v"), o, S("h3-v2"), S("h3"), true, false, 0,
                                            &list),
                 POLYSEAL_STATUS_INVALID_COOKIE);
    CHECK(list == SENTINEL(polyseal_cookie_list *));

    free(big);
    polyseal_cookie_options_free(o);
}

/* Builds the Cookie header a browser sends back after these Set-Cookie lines (the `name=value`
 * before each first ';', skipping deletions); the caller frees it. */
static char *cookie_header_after(const polyseal_cookie_list *lines) {
    size_t total = 1, count = polyseal_cookie_list_count(lines);
    for (size_t i = 0; i < count; i++) total += strlen(line_at(lines, i)) + 2;
    char *header = calloc(total, 1);
    for (size_t i = 0; i < count; i++) {
        const char *line = line_at(lines, i);
        size_t pair = strcspn(line, ";");
        if (strstr(line, "Max-Age=0") != NULL) continue;
        if (header[0] != '\0') strcat(header, "; ");
        strncat(header, line, pair);
    }
    return header;
}

/* The whole flow over both chunking schemes: a payload too large for one cookie is sealed,
 * chunked, sent back, parsed, reassembled and unsealed; then the session is cleared. */
static void test_round_trip(const char *format, const char *style, const char *scheme,
                            size_t parts) {
    const polyseal_keyring *k = NULL;
    const polyseal_sealer *sealer = NULL;
    const polyseal_unsealed *opened = NULL;
    polyseal_cookie_options *o = NULL;
    polyseal_cookie_list *lines = NULL, *request = NULL, *deletions = NULL;
    polyseal_buf token = {NULL, 0}, value = {NULL, 0};
    size_t payload_len = 6000, chunks = 99;
    char *payload = malloc(payload_len + 16);
    bool whole = true, found = false;

    CHECK_OK(polyseal_keyring_from_password(S(PW), &k));
    CHECK_OK(polyseal_sealer_new(k, format, strlen(format), NULL, &sealer));
    strcpy(payload, "{\"blob\":\"");
    memset(payload + 9, 'z', payload_len - 11);
    strcpy(payload + payload_len - 2, "\"}");
    CHECK_OK(polyseal_sealer_seal_at(sealer, payload, payload_len, NOW, &token));
    CHECK(token.len > POLYSEAL_MAX_SET_COOKIE_BYTES);

    CHECK_OK(polyseal_cookie_options_for_style(style, strlen(style), &o));
    CHECK_OK(polyseal_chunk_set_cookies(S("sess"), (const char *)token.ptr, token.len, o, style,
                                        strlen(style), scheme, strlen(scheme), true, false, 0,
                                        &lines));
    CHECK(polyseal_cookie_list_count(lines) == parts);
    for (size_t i = 0; i < parts; i++) {
        const char *line = line_at(lines, i);
        CHECK(strlen(line) <= POLYSEAL_MAX_SET_COOKIE_BYTES && strchr(line, '\n') == NULL);
    }

    char *header = cookie_header_after(lines);
    CHECK_OK(polyseal_parse_cookie_header(header, strlen(header), &request));
    free(header);
    CHECK_OK(polyseal_chunk_state(request, S("sess"), scheme, strlen(scheme), &whole, &chunks));
    CHECK(!whole && chunks == (strcmp(scheme, "h3") == 0 ? parts - 1 : parts));
    CHECK_OK(polyseal_reassemble(request, S("sess"), scheme, strlen(scheme), &found, &value));
    CHECK(found && value.len == token.len && memcmp(value.ptr, token.ptr, token.len) == 0);
    CHECK_OK(polyseal_sealer_unseal_at(sealer, (const char *)value.ptr, value.len, NOW, &opened));
    {
        const char *data;
        size_t data_len;
        CHECK_OK(polyseal_unsealed_data(opened, &data, &data_len));
        CHECK(data_len == payload_len && memcmp(data, payload, payload_len) == 0);
    }

    /* Clearing deletes the cookie and every part the request carried; another name is no
     * session, which is not an error: the value stays untouched. */
    CHECK_OK(polyseal_chunk_deletion_cookies(S("sess"), o, style, strlen(style), scheme,
                                             strlen(scheme), whole, chunks, &deletions));
    CHECK(polyseal_cookie_list_count(deletions) == chunks + 1);
    for (size_t i = 0; i < chunks + 1; i++) CHECK(strstr(line_at(deletions, i), "Max-Age=0"));
    polyseal_buf_free(&value);
    value = (polyseal_buf){SENTINEL(uint8_t *), 7};
    CHECK_OK(polyseal_reassemble(request, S("other"), scheme, strlen(scheme), &found, &value));
    CHECK(!found && value.ptr == SENTINEL(uint8_t *) && value.len == 7);
    CHECK(polyseal_last_error_message(NULL, 0) == 0);

    free(payload);
    polyseal_unsealed_free(opened);
    polyseal_buf_free(&token);
    polyseal_cookie_list_free(deletions);
    polyseal_cookie_list_free(request);
    polyseal_cookie_list_free(lines);
    polyseal_cookie_options_free(o);
    polyseal_sealer_free(sealer);
    polyseal_keyring_free(k);
}

int main(void) {
    test_frees_and_getters_accept_null();
    test_null_arguments();
    test_options();
    test_lines_and_statuses();
    test_cookie_list();
    test_chunking_statuses();
    /* A native token of about 8100 characters: h3 writes __chunked__3 and three parts of at most
     * 4000 characters; iron-session fills two 4096-byte lines. */
    test_round_trip("native", "h3-v2", "h3", 4);
    test_round_trip("native", "iron-session", "iron-session", 2);
    return finish("cookie_contract");
}
