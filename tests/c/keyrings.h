/* Keyrings in the vector-file form, {"current": ID, "entries": [...]}, where an entry is
 * {"id", "password"}, {"id", "keyHex"} or {"id", "encryption": {...}, "integrity": {...}}: built
 * through the keyring builder, checking every call. Include after check.h and json.h. */
#ifndef POLYSEAL_TEST_KEYRINGS_H
#define POLYSEAL_TEST_KEYRINGS_H

#include <stdlib.h>

#include "check.h"
#include "json.h"

static bool unhex(const char *hex, uint8_t *out, size_t cap, size_t *len) {
    size_t n = strlen(hex);
    if (n % 2 != 0 || n / 2 > cap) return false;
    for (size_t i = 0; i < n / 2; i++) {
        char pair[3] = {hex[2 * i], hex[2 * i + 1], 0};
        char *end;
        out[i] = (uint8_t)strtoul(pair, &end, 16);
        if (*end != '\0') return false;
    }
    *len = n / 2;
    return true;
}

/* One side of a keyring entry: {"password"} or {"keyHex"}. */
static bool secret_of(const json *spec, polyseal_secret_kind *kind, const void **ptr, size_t *len,
                      uint8_t key[64]) {
    const char *password = json_str(json_get(spec, "password"));
    const char *hex = json_str(json_get(spec, "keyHex"));
    if (password != NULL && hex == NULL) {
        *kind = POLYSEAL_SECRET_PASSWORD;
        *ptr = password;
        *len = json_get(spec, "password")->len;
        return true;
    }
    if (hex != NULL && password == NULL && unhex(hex, key, 64, len)) {
        *kind = POLYSEAL_SECRET_KEY;
        *ptr = key;
        return true;
    }
    return false;
}

static const polyseal_keyring *keyring_of(const json *spec) {
    polyseal_keyring_builder *builder = NULL;
    const polyseal_keyring *keyring = NULL;
    const json *entries = json_get(spec, "entries");
    const char *current = json_str(json_get(spec, "current"));
    if (entries == NULL || entries->kind != J_ARRAY) return NULL;
    CHECK_OK(polyseal_keyring_builder_new(&builder));
    for (size_t i = 0; i < entries->len; i++) {
        const json *entry = &entries->items[i];
        const json *id = json_get(entry, "id");
        const json *enc = json_get(entry, "encryption"), *integ = json_get(entry, "integrity");
        uint8_t key1[64], key2[64];
        polyseal_secret_kind k1, k2;
        const void *p1, *p2;
        size_t n1, n2;
        if (json_str(id) == NULL) goto fail;
        if (enc != NULL && integ != NULL) {
            if (!secret_of(enc, &k1, &p1, &n1, key1) || !secret_of(integ, &k2, &p2, &n2, key2)) {
                goto fail;
            }
            CHECK_OK(polyseal_keyring_builder_add_split(builder, id->text, id->len, k1, p1, n1, k2,
                                                        p2, n2));
        } else {
            if (!secret_of(entry, &k1, &p1, &n1, key1)) goto fail;
            if (k1 == POLYSEAL_SECRET_PASSWORD) {
                CHECK_OK(polyseal_keyring_builder_add_password(builder, id->text, id->len, p1, n1));
            } else {
                CHECK_OK(polyseal_keyring_builder_add_key(builder, id->text, id->len, p1, n1));
            }
        }
    }
    if (current != NULL) {
        CHECK_OK(polyseal_keyring_builder_set_current(builder, current, strlen(current)));
    }
    CHECK_OK(polyseal_keyring_builder_build(builder, &keyring));
fail:
    polyseal_keyring_builder_free(builder);
    return keyring;
}

#endif
