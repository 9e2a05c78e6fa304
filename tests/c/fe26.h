/* The salt fields of Fe26.2 tokens, for the salt-reuse tests. Include after check.h. */
#ifndef POLYSEAL_TEST_FE26_H
#define POLYSEAL_TEST_FE26_H

#include <stdbool.h>

#include "check.h"

/* Fields of a Fe26.2 token split on '*' (docs/FORMAT.md): Fe26.2*id*enc-salt*enc-iv*... */
#define FE26_ENC_SALT 2
#define FE26_IV 3
#define FE26_HMAC_SALT 6

/* Field `index` of a Fe26.2 token, which must exist and be non-empty; its length in *len. */
static inline const char *fe26_field(polyseal_buf token, size_t index, size_t *len) {
    const char *start = (const char *)token.ptr;
    const char *end = start + token.len;
    for (size_t i = 0; i < index && start != NULL; i++) {
        const char *star = memchr(start, '*', (size_t)(end - start));
        start = star ? star + 1 : NULL;
    }
    CHECK(start != NULL);
    if (start == NULL) return "";
    const char *star = memchr(start, '*', (size_t)(end - start));
    *len = star ? (size_t)(star - start) : (size_t)(end - start);
    CHECK(*len > 0);
    return start;
}

static inline bool same_field(polyseal_buf a, polyseal_buf b, size_t index) {
    size_t a_len = 0, b_len = 0;
    const char *in_a = fe26_field(a, index, &a_len);
    const char *in_b = fe26_field(b, index, &b_len);
    return a_len == b_len && memcmp(in_a, in_b, a_len) == 0;
}

/* Both salts the same: sealed in one salt-reuse window. */
static inline bool same_salts(polyseal_buf a, polyseal_buf b) {
    return same_field(a, b, FE26_ENC_SALT) && same_field(a, b, FE26_HMAC_SALT);
}

/* Neither salt the same: drawn afresh. */
static inline bool fresh_salts(polyseal_buf a, polyseal_buf b) {
    return !same_field(a, b, FE26_ENC_SALT) && !same_field(a, b, FE26_HMAC_SALT);
}

#endif
