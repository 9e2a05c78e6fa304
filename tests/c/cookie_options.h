/* Cookie options in the vector-file form (an `options` object as in cookies.json, names as in
 * docs/VECTORS.md), shared by the cookie and session runners. Include after check.h and json.h. */
#ifndef POLYSEAL_TEST_COOKIE_OPTIONS_H
#define POLYSEAL_TEST_COOKIE_OPTIONS_H

#include <stdio.h>
#include <string.h>

#include "json.h"

/* Sets one option on `o` and returns the setter's status; `*known` is false (and the status
 * POLYSEAL_STATUS_INVALID_ARGUMENT) when the key is unknown or its value has the wrong type. */
static polyseal_status set_cookie_option(polyseal_cookie_options *o, const char *key, const json *v,
                                         bool *known) {
    uint64_t u;
    int64_t n;
    *known = true;
    if (strcmp(key, "maxAge") == 0 && json_i64(v, &n)) {
        return polyseal_cookie_options_set_max_age(o, n);
    }
    if (strcmp(key, "expiresMs") == 0 && json_u64(v, &u)) {
        return polyseal_cookie_options_set_expires_ms(o, u);
    }
    if (strcmp(key, "domain") == 0 && json_str(v)) {
        return polyseal_cookie_options_set_domain(o, v->text, v->len);
    }
    if (strcmp(key, "path") == 0 && json_str(v)) {
        return polyseal_cookie_options_set_path(o, v->text, v->len);
    }
    if (strcmp(key, "secure") == 0 && v->kind == J_BOOL) {
        return polyseal_cookie_options_set_secure(o, v->boolean);
    }
    if (strcmp(key, "httpOnly") == 0 && v->kind == J_BOOL) {
        return polyseal_cookie_options_set_http_only(o, v->boolean);
    }
    if (strcmp(key, "sameSite") == 0 && json_str(v)) {
        return polyseal_cookie_options_set_same_site(o, v->text, v->len);
    }
    if (strcmp(key, "partitioned") == 0 && v->kind == J_BOOL) {
        return polyseal_cookie_options_set_partitioned(o, v->boolean);
    }
    if (strcmp(key, "priority") == 0 && json_str(v)) {
        return polyseal_cookie_options_set_priority(o, v->text, v->len);
    }
    fprintf(stderr, "  unsupported cookie option %s\n", key);
    *known = false;
    return POLYSEAL_STATUS_INVALID_ARGUMENT;
}

#endif
