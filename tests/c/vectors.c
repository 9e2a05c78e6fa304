/* Runs shared vector files (tests/vectors/NAME.json, layout in docs/VECTORS.md) through the C API and
 * asserts that every file's numberOfTests cases were executed.
 *
 * usage: vectors FILE.json...
 *
 * Per case: build the keyring from keyrings[case.keyring] and the options from case.options, with
 * the format from case.options.format, else "native". Valid seal cases unseal
 * the token, and also seal the payload at `now` and unseal that; valid unseal cases unseal the
 * token; invalid cases must fail with exactly case.error (unsealing the token, or sealing the
 * payload when there is no token). Only the Rust runner can fix nonces, so tokens are never
 * compared byte for byte here. */
#include <inttypes.h>
#include <stdlib.h>

#include "check.h"
#include "json.h"
#include "keyrings.h"
#include "options.h"

/* Whether `u` holds what the case expects: payload (as parsed JSON), keyId, issuedAt, expiresAt
 * and needsReseal. */
static bool matches(const polyseal_unsealed *u, const json *c, const json *payload) {
    const char *data, *key_id;
    size_t data_len, key_id_len;
    const json *want_id = json_get(c, "keyId");
    const json *issued = json_get(c, "issuedAt"), *expires = json_get(c, "expiresAt");
    const json *reseal = json_get(c, "needsReseal");
    uint64_t want;
    bool ok = true;
    CHECK_OK(polyseal_unsealed_data(u, &data, &data_len));
    CHECK_OK(polyseal_unsealed_key_id(u, &key_id, &key_id_len));
    json *got = json_parse(data, data_len);
    ok &= got != NULL && data[data_len] == '\0' && json_equal(got, payload);
    json_free(got);
    if (want_id != NULL) {
        ok &= json_str(want_id) != NULL && want_id->len == key_id_len &&
              memcmp(want_id->text, key_id, key_id_len) == 0;
    }
    if (issued != NULL) {
        ok &= issued->kind == J_NULL ? !polyseal_unsealed_has_issued_at(u)
                                      : json_u64(issued, &want) && polyseal_unsealed_has_issued_at(u) &&
                                            polyseal_unsealed_issued_at(u) == want;
    }
    if (expires != NULL) {
        ok &= expires->kind == J_NULL
                  ? !polyseal_unsealed_has_expires_at(u) && polyseal_unsealed_expires_at(u) == 0
                  : json_u64(expires, &want) && polyseal_unsealed_has_expires_at(u) &&
                        polyseal_unsealed_expires_at(u) == want;
    }
    if (reseal != NULL) {
        ok &= reseal->kind == J_BOOL && polyseal_unsealed_needs_reseal(u) == reseal->boolean;
    }
    return ok;
}

/* Runs one case; true when it behaved as the file says. */
static bool run_case(const json *doc, const json *c) {
    const char *op = json_str(json_get(c, "op"));
    const char *result = json_str(json_get(c, "result"));
    const json *token = json_get(c, "token"), *payload_text = json_get(c, "payload");
    const char *format = json_str(json_get(json_get(c, "options"), "format"));
    const polyseal_keyring *keyring = NULL;
    polyseal_options *options = NULL;
    const polyseal_sealer *sealer = NULL;
    const polyseal_unsealed *unsealed = NULL;
    json *payload = NULL;
    polyseal_buf sealed = {NULL, 0};
    uint64_t now;
    bool ok = false;
    polyseal_status status;

    if (format == NULL) format = "native";
    if (op == NULL || result == NULL || !json_u64(json_get(c, "now"), &now)) goto done;
    if (strcmp(op, "seal") != 0 && strcmp(op, "unseal") != 0) {
        fprintf(stderr, "unsupported op %s\n", op);
        goto done;
    }
    const char *keyring_name = json_str(json_get(c, "keyring"));
    keyring = keyring_name ? keyring_of(json_get(json_get(doc, "keyrings"), keyring_name)) : NULL;
    options = options_of(json_get(c, "options"));
    if (keyring == NULL) goto done;
    const char *error = json_str(json_get(c, "error"));
    polyseal_status expected = error ? status_named(error) : -1;
    status = polyseal_sealer_new(keyring, format, strlen(format), options, &sealer);
    if (status != POLYSEAL_STATUS_OK) {
        /* A format or option the library rejects can only be an expected failure. */
        ok = strcmp(result, "invalid") == 0 && status == expected;
        if (!ok) fprintf(stderr, "  sealer: %s\n", polyseal_status_str(status));
        goto done;
    }

    if (strcmp(result, "invalid") == 0) {
        /* Out-parameters must be left untouched on failure. */
        const polyseal_unsealed *sentinel = SENTINEL(const polyseal_unsealed *);
        unsealed = sentinel;
        if (json_str(token) != NULL) {
            status = polyseal_sealer_unseal_at(sealer, token->text, token->len, now, &unsealed);
        } else if (json_str(payload_text) != NULL) {
            status = polyseal_sealer_seal_at(sealer, payload_text->text, payload_text->len, now,
                                             &sealed);
        } else {
            goto done;
        }
        ok = expected > 0 && status == expected && unsealed == sentinel && sealed.ptr == NULL &&
             polyseal_last_error_message(NULL, 0) > 0;
        unsealed = NULL;
        if (!ok) {
            fprintf(stderr, "  got %s, expected %s\n", polyseal_status_str(status),
                    error ? error : "(none)");
        }
        goto done;
    }

    if (strcmp(result, "valid") != 0 || json_str(payload_text) == NULL) goto done;
    payload = json_parse(payload_text->text, payload_text->len);
    if (payload == NULL) goto done;
    ok = true;
    if (json_str(token) != NULL) {
        status = polyseal_sealer_unseal_at(sealer, token->text, token->len, now, &unsealed);
        CHECK_OK(status);
        ok &= status == POLYSEAL_STATUS_OK && matches(unsealed, c, payload);
        polyseal_unsealed_free(unsealed);
        unsealed = NULL;
    } else if (strcmp(op, "unseal") == 0) {
        ok = false;
    }
    if (strcmp(op, "seal") == 0) {
        status = polyseal_sealer_seal_at(sealer, payload_text->text, payload_text->len, now, &sealed);
        CHECK_OK(status);
        ok &= status == POLYSEAL_STATUS_OK && sealed.ptr != NULL && sealed.ptr[sealed.len] == 0;
        if (status == POLYSEAL_STATUS_OK) {
            status = polyseal_sealer_unseal_at(sealer, (const char *)sealed.ptr, sealed.len, now,
                                               &unsealed);
            CHECK_OK(status);
            ok &= status == POLYSEAL_STATUS_OK && matches(unsealed, c, payload);
        }
    }

done:
    polyseal_buf_free(&sealed);
    polyseal_unsealed_free(unsealed);
    polyseal_sealer_free(sealer);
    polyseal_options_free(options);
    polyseal_keyring_free(keyring);
    json_free(payload);
    return ok;
}

static int run_file(const char *path) {
    size_t len;
    char *text = read_file(path, &len);
    json *doc = text ? json_parse(text, len) : NULL;
    const json *tests = json_get(doc, "tests");
    uint64_t expected = 0;
    size_t executed = 0;
    CHECK(doc != NULL);
    CHECK(tests != NULL && tests->kind == J_ARRAY);
    CHECK(json_u64(json_get(doc, "numberOfTests"), &expected));
    for (size_t i = 0; tests != NULL && i < tests->len; i++) {
        const json *c = &tests->items[i];
        bool ok = run_case(doc, c);
        if (!ok) {
            const json *id = json_get(c, "tcId");
            fprintf(stderr, "%s: tcId %s (%s) failed\n", path, id ? id->text : "?",
                    json_str(json_get(c, "comment")) ? json_get(c, "comment")->text : "");
        }
        CHECK(ok);
        executed++;
    }
    CHECK(executed == expected);
    CHECK(executed > 0);
    printf("%s: %zu of %" PRIu64 " cases executed\n", path, executed, expected);
    json_free(doc);
    free(text);
    return (int)executed;
}

int main(int argc, char **argv) {
    CHECK(argc > 1);
    for (int i = 1; i < argc; i++) {
        run_file(argv[i]);
    }
    return finish("vectors");
}
