/* Runs the shared cookie vectors (tests/vectors/cookies.json, layout in docs/VECTORS.md) through
 * the C API and asserts that numberOfTests cases were executed.
 *
 * usage: cookies FILE.json
 *
 * Each op maps to the API as core/tests/support/cookie_cases.rs maps it to core:
 *   set-cookie     options (+ polyseal_cookie_options_set_expiry for expiresAt/now), then
 *                  polyseal_set_cookie
 *   delete-cookie  polyseal_deletion_cookie
 *   parse          polyseal_parse_cookie_header, then every pair of the list
 *   chunk          polyseal_chunk_set_cookies, or polyseal_chunk_deletion_cookies when value
 *                  is null, then every line of the list
 *   reassemble     a list pushed pair by pair; polyseal_chunk_state and polyseal_reassemble
 *   budget         a list pushed pair by pair; polyseal_cookie_header_budget (limit absent =
 *                  POLYSEAL_COOKIE_HEADER_LIMIT)
 * Outputs are compared byte for byte. An invalid case must fail with exactly its error, from the
 * option setter that takes the bad value or from the call, with the out-parameter untouched. */
#include <inttypes.h>
#include <stdlib.h>

#include "check.h"
#include "json.h"
#include "cookie_options.h"

/* The text of a string member, with its length; false when absent or not a string. */
static bool text_of(const json *c, const char *key, const char **text, size_t *len) {
    const json *value = json_get(c, key);
    if (json_str(value) == NULL) return false;
    *text = value->text;
    *len = value->len;
    return true;
}

static bool same(const char *got, size_t got_len, const json *want) {
    return json_str(want) != NULL && want->len == got_len && memcmp(want->text, got, got_len) == 0 &&
           got[got_len] == '\0';
}

/* Cookie options from a case's `options`, stopping at the first setter that fails (its status is
 * the case's outcome). An unknown key or a value of the wrong type is a broken vector. */
static polyseal_status options_of(const json *c, polyseal_cookie_options **out, bool *broken) {
    const json *spec = json_get(c, "options");
    polyseal_cookie_options *o = NULL;
    polyseal_status status = polyseal_cookie_options_new(&o);
    CHECK_OK(status);
    *out = o;
    for (size_t i = 0; spec != NULL && i < spec->len && status == POLYSEAL_STATUS_OK; i++) {
        bool known;
        status = set_cookie_option(o, spec->keys[i], &spec->items[i], &known);
        if (!known) {
            *broken = true;
            return status;
        }
    }
    if (status == POLYSEAL_STATUS_OK && json_get(c, "expiresAt") != NULL) {
        uint64_t expires, now;
        if (!json_u64(json_get(c, "expiresAt"), &expires) || !json_u64(json_get(c, "now"), &now)) {
            *broken = true;
            return POLYSEAL_STATUS_INVALID_ARGUMENT;
        }
        status = polyseal_cookie_options_set_expiry(o, expires, now);
    }
    return status;
}

/* A list of request cookies from `[[name, value], ...]`; NULL for a broken vector. */
static polyseal_cookie_list *pairs_of(const json *pairs) {
    polyseal_cookie_list *list = NULL;
    if (pairs == NULL || pairs->kind != J_ARRAY) return NULL;
    CHECK_OK(polyseal_cookie_list_new(&list));
    for (size_t i = 0; i < pairs->len; i++) {
        const json *pair = &pairs->items[i];
        if (pair->kind != J_ARRAY || pair->len != 2 || !json_str(&pair->items[0]) ||
            !json_str(&pair->items[1])) {
            polyseal_cookie_list_free(list);
            return NULL;
        }
        CHECK_OK(polyseal_cookie_list_push(list, pair->items[0].text, pair->items[0].len,
                                           pair->items[1].text, pair->items[1].len));
    }
    return list;
}

/* Whether a list of request cookies holds exactly `[[name, value], ...]`. */
static bool pairs_equal(const polyseal_cookie_list *list, const json *want) {
    bool ok = want != NULL && want->kind == J_ARRAY &&
              polyseal_cookie_list_kind(list) == POLYSEAL_COOKIE_LIST_PAIRS &&
              polyseal_cookie_list_count(list) == want->len;
    for (size_t i = 0; ok && i < want->len; i++) {
        const json *pair = &want->items[i];
        const char *name, *value;
        size_t name_len, value_len;
        ok = pair->kind == J_ARRAY && pair->len == 2 &&
             polyseal_cookie_list_pair(list, i, &name, &name_len, &value, &value_len) ==
                 POLYSEAL_STATUS_OK &&
             same(name, name_len, &pair->items[0]) && same(value, value_len, &pair->items[1]);
    }
    return ok;
}

/* Whether a list of Set-Cookie lines holds exactly the strings of `want`, in order. */
static bool lines_equal(const polyseal_cookie_list *list, const json *want) {
    bool ok = want != NULL && want->kind == J_ARRAY &&
              polyseal_cookie_list_kind(list) == POLYSEAL_COOKIE_LIST_LINES &&
              polyseal_cookie_list_count(list) == want->len;
    for (size_t i = 0; ok && i < want->len; i++) {
        const char *line;
        size_t len;
        ok = polyseal_cookie_list_line(list, i, &line, &len) == POLYSEAL_STATUS_OK &&
             same(line, len, &want->items[i]);
    }
    return ok;
}

/* Runs one case and compares. `status` is the call's (or the failing setter's) status; the
 * out-parameters start as sentinels, so an untouched one is recognisable. */
static bool run_case(const json *c) {
    const char *op = json_str(json_get(c, "op"));
    const char *result = json_str(json_get(c, "result"));
    const char *error = json_str(json_get(c, "error"));
    polyseal_cookie_options *options = NULL;
    polyseal_cookie_list *input = NULL;
    polyseal_cookie_list *list = SENTINEL(polyseal_cookie_list *);
    polyseal_buf line = {NULL, 0};
    const char *name = NULL, *value = NULL, *style = NULL, *scheme = NULL;
    size_t name_len = 0, value_len = 0, style_len = 0, scheme_len = 0;
    polyseal_status status = POLYSEAL_STATUS_OK;
    bool broken = false, ok = false, untouched = true;
    bool valid = result != NULL && strcmp(result, "valid") == 0;

    if (op == NULL || result == NULL || (!valid && strcmp(result, "invalid") != 0)) return false;
    if (!valid && (error == NULL || status_named(error) <= 0)) return false;
    text_of(c, "name", &name, &name_len);
    text_of(c, "style", &style, &style_len);
    text_of(c, "scheme", &scheme, &scheme_len);

    if (strcmp(op, "set-cookie") == 0 || strcmp(op, "delete-cookie") == 0) {
        bool set = op[0] == 's';
        if (name == NULL || style == NULL || (set && !text_of(c, "value", &value, &value_len))) {
            goto done;
        }
        status = options_of(c, &options, &broken);
        if (broken) goto done;
        if (status == POLYSEAL_STATUS_OK) {
            status = set ? polyseal_set_cookie(name, name_len, value, value_len, options, style,
                                               style_len, &line)
                         : polyseal_deletion_cookie(name, name_len, options, style, style_len,
                                                    &line);
        }
        untouched = line.ptr == NULL && line.len == 0;
        ok = !valid || (status == POLYSEAL_STATUS_OK &&
                        same((const char *)line.ptr, line.len, json_get(c, "setCookie")));
    } else if (strcmp(op, "parse") == 0) {
        const char *header;
        size_t header_len;
        if (!text_of(c, "header", &header, &header_len)) goto done;
        status = polyseal_parse_cookie_header(header, header_len, &list);
        untouched = list == SENTINEL(polyseal_cookie_list *);
        ok = !valid || (status == POLYSEAL_STATUS_OK && pairs_equal(list, json_get(c, "cookies")));
    } else if (strcmp(op, "chunk") == 0) {
        const json *v = json_get(c, "value"), *previous = json_get(c, "previous");
        const json *split = json_get(c, "split");
        uint64_t chunks = 0;
        bool whole = false;
        if (name == NULL || style == NULL || scheme == NULL || v == NULL) goto done;
        if (previous != NULL) {
            const json *w = json_get(previous, "whole");
            if (w == NULL || w->kind != J_BOOL || !json_u64(json_get(previous, "chunks"), &chunks)) {
                goto done;
            }
            whole = w->boolean;
        }
        status = options_of(c, &options, &broken);
        if (broken) goto done;
        if (status == POLYSEAL_STATUS_OK && v->kind == J_NULL) {
            status = polyseal_chunk_deletion_cookies(name, name_len, options, style, style_len,
                                                     scheme, scheme_len, whole, (size_t)chunks,
                                                     &list);
        } else if (status == POLYSEAL_STATUS_OK) {
            if (!json_str(v) || split == NULL || split->kind != J_BOOL) goto done;
            status = polyseal_chunk_set_cookies(name, name_len, v->text, v->len, options, style,
                                                style_len, scheme, scheme_len, split->boolean,
                                                whole, (size_t)chunks, &list);
        }
        untouched = list == SENTINEL(polyseal_cookie_list *);
        ok = !valid ||
             (status == POLYSEAL_STATUS_OK && lines_equal(list, json_get(c, "setCookies")));
    } else if (strcmp(op, "reassemble") == 0) {
        const json *want = json_get(c, "value"), *state = json_get(c, "state");
        bool found = false, whole = true;
        size_t chunks = SIZE_MAX;
        uint64_t want_chunks;
        input = pairs_of(json_get(c, "cookies"));
        if (input == NULL || name == NULL || scheme == NULL || want == NULL || state == NULL) {
            goto done;
        }
        status = polyseal_chunk_state(input, name, name_len, scheme, scheme_len, &whole, &chunks);
        ok = status == POLYSEAL_STATUS_OK && json_u64(json_get(state, "chunks"), &want_chunks) &&
             json_get(state, "whole") != NULL && json_get(state, "whole")->kind == J_BOOL &&
             whole == json_get(state, "whole")->boolean && chunks == want_chunks;
        if (status == POLYSEAL_STATUS_OK) {
            status = polyseal_reassemble(input, name, name_len, scheme, scheme_len, &found, &line);
        }
        /* No session is success with found = false and the buffer untouched. */
        ok = ok && status == POLYSEAL_STATUS_OK &&
             (want->kind == J_NULL ? !found && line.ptr == NULL && line.len == 0
                                   : found && same((const char *)line.ptr, line.len, want));
    } else if (strcmp(op, "budget") == 0) {
        uint64_t limit = POLYSEAL_COOKIE_HEADER_LIMIT, want;
        size_t length = SIZE_MAX;
        input = pairs_of(json_get(c, "cookies"));
        if (input == NULL) goto done;
        if (json_get(c, "limit") != NULL && !json_u64(json_get(c, "limit"), &limit)) goto done;
        status = polyseal_cookie_header_budget(input, (size_t)limit, &length);
        untouched = length == SIZE_MAX;
        ok = !valid || (status == POLYSEAL_STATUS_OK && json_u64(json_get(c, "length"), &want) &&
                        length == want);
    } else {
        fprintf(stderr, "  unsupported op %s\n", op);
        goto done;
    }

    if (valid) {
        ok = ok && status == POLYSEAL_STATUS_OK;
    } else {
        ok = status == status_named(error) && untouched && polyseal_last_error_message(NULL, 0) > 0;
    }
    if (!ok) {
        fprintf(stderr, "  %s gave %s (%s), expected %s\n", op, polyseal_status_str(status),
                status == POLYSEAL_STATUS_OK ? "" : last_error(), valid ? "the outputs" : error);
    }

done:
    if (list != SENTINEL(polyseal_cookie_list *)) polyseal_cookie_list_free(list);
    polyseal_cookie_list_free(input);
    polyseal_cookie_options_free(options);
    polyseal_buf_free(&line);
    return ok;
}

int main(int argc, char **argv) {
    size_t len, executed = 0;
    uint64_t expected = 0;
    char *text = argc == 2 ? read_file(argv[1], &len) : NULL;
    json *doc = text ? json_parse(text, len) : NULL;
    const json *tests = json_get(doc, "tests");
    CHECK(doc != NULL);
    CHECK(tests != NULL && tests->kind == J_ARRAY);
    CHECK(json_u64(json_get(doc, "numberOfTests"), &expected));
    for (size_t i = 0; tests != NULL && i < tests->len; i++) {
        const json *c = &tests->items[i];
        bool ok = run_case(c);
        if (!ok) {
            const json *id = json_get(c, "tcId");
            const char *comment = json_str(json_get(c, "comment"));
            fprintf(stderr, "%s: tcId %s (%s) failed\n", argv[1], id ? id->text : "?",
                    comment ? comment : "");
        }
        CHECK(ok);
        executed++;
    }
    CHECK(executed == expected && executed > 0);
    printf("%s: %zu of %" PRIu64 " cases executed\n", argc == 2 ? argv[1] : "?", executed, expected);
    json_free(doc);
    free(text);
    return finish("cookies");
}
