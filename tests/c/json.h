/* A small JSON reader for the C tests: parses the shared vector files and unsealed payloads, and
 * compares values as parsed JSON (numbers by value, objects regardless of key order). */
#ifndef POLYSEAL_TEST_JSON_H
#define POLYSEAL_TEST_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { J_NULL, J_BOOL, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT } json_kind;

typedef struct json json;

struct json {
    json_kind kind;
    bool boolean;
    double number;
    char *text;  /* J_STRING: decoded UTF-8 (NUL-terminated, may contain NUL); J_NUMBER: the digits */
    size_t len;  /* J_STRING: bytes in text; J_ARRAY/J_OBJECT: number of items */
    json *items; /* J_ARRAY values; J_OBJECT values */
    char **keys; /* J_OBJECT keys (NUL-terminated) */
};

/* Parses `len` bytes; NULL if they are not one JSON value (with optional whitespace). */
json *json_parse(const char *text, size_t len);
/* Frees a parsed value; accepts NULL. */
void json_free(json *value);
/* The member `key` of an object, or NULL (also when `value` is NULL or not an object). */
const json *json_get(const json *value, const char *key);
/* The string of a J_STRING value, or NULL for anything else (including JSON null). */
const char *json_str(const json *value);
/* A number written as a whole number without sign, fraction or exponent, in *out; false for
 * anything else (also NULL). */
bool json_u64(const json *value, uint64_t *out);
/* The same for a whole number that may be negative. */
bool json_i64(const json *value, int64_t *out);
/* Structural equality: numbers by value, object members regardless of order. */
bool json_equal(const json *a, const json *b);
/* Compact JSON text of a parsed value (numbers as written, keys in order), NUL-terminated, with
 * its length in *len_out; the caller frees it. NULL when out of memory. */
char *json_stringify(const json *value, size_t *len_out);
/* The whole file, NUL-terminated; NULL on failure. */
char *read_file(const char *path, size_t *len_out);

#endif
