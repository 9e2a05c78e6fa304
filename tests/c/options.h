/* Sealer options in the vector-file form (a case's `options` object, names as in docs/VECTORS.md),
 * shared by the vector and tamper runners. Unknown names fail the case rather than being ignored.
 * Include after check.h and json.h. */
#ifndef POLYSEAL_TEST_OPTIONS_H
#define POLYSEAL_TEST_OPTIONS_H

#include <stdlib.h>

#include "check.h"
#include "json.h"

/* Options from a case's `options` object; unknown keys fail the case rather than being ignored. */
static polyseal_options *options_of(const json *spec) {
    polyseal_options *options = NULL;
    CHECK_OK(polyseal_options_new(&options));
    for (size_t i = 0; spec != NULL && i < spec->len; i++) {
        const char *key = spec->keys[i];
        const json *value = &spec->items[i];
        uint64_t n = 0;
        polyseal_status status = POLYSEAL_STATUS_INVALID_ARGUMENT;
        bool number = json_u64(value, &n);
        if (strcmp(key, "format") == 0 && value->kind == J_STRING) {
            status = POLYSEAL_STATUS_OK; /* the caller passes it to polyseal_sealer_new */
        } else if (strcmp(key, "cookieName") == 0 && value->kind == J_STRING) {
            status = polyseal_options_set_cookie_name(options, value->text, value->len);
        } else if (strcmp(key, "context") == 0 && value->kind == J_STRING) {
            status = polyseal_options_set_context(options, (const uint8_t *)value->text,
                                                  value->len);
        } else if (strcmp(key, "ttl") == 0 && number) {
            status = polyseal_options_set_ttl_ms(options, n);
        } else if (strcmp(key, "skew") == 0 && number) {
            status = polyseal_options_set_skew_ms(options, n);
        } else if (strcmp(key, "maxTokenChars") == 0 && number) {
            status = polyseal_options_set_max_token_chars(options, (size_t)n);
        } else if (strcmp(key, "maxDepth") == 0 && number) {
            status = polyseal_options_set_max_depth(options, (size_t)n);
        } else if (strcmp(key, "maxJsonBytes") == 0 && number) {
            status = polyseal_options_set_max_json_bytes(options, (size_t)n);
        } else if (strcmp(key, "iterations") == 0 && number) {
            status = polyseal_options_set_iterations(options, (uint32_t)n);
        } else if (strcmp(key, "saltBits") == 0 && number) {
            status = polyseal_options_set_salt_bits(options, (uint32_t)n);
        } else if (strcmp(key, "localtimeOffset") == 0 && value->kind == J_NUMBER) {
            status = polyseal_options_set_localtime_offset_ms(options, (int64_t)value->number);
        } else {
            fprintf(stderr, "unsupported option %s\n", key);
        }
        CHECK_OK(status);
    }
    return options;
}

#endif
