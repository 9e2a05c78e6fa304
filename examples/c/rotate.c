/* Seal a session, rotate keys, open the old cookie with the new keyring, and send the resealed
 * one as a Set-Cookie line: the C API in one page. Build against an installed polyseal with
 * `make` (uses pkg-config). */
#include <polyseal.h>

#include <stdio.h>
#include <string.h>

#define OLD_PASSWORD "an-old-password-of-at-least-32-characters"
#define NEW_PASSWORD "a-new-password-of-at-least-32-characters!"

/* Prints the failure of `status` with this thread's last error message; returns 1 if it failed. */
static int failed(const char *what, polyseal_status status) {
    char message[256];
    if (status == POLYSEAL_STATUS_OK) return 0;
    polyseal_last_error_message(message, sizeof message);
    fprintf(stderr, "%s failed: %s (%s)\n", what, polyseal_status_str(status), message);
    return 1;
}

/* A native sealer for the cookie "session" over a keyring whose current entry is `current`. */
static const polyseal_sealer *sealer_for(const char *current) {
    polyseal_keyring_builder *builder = NULL;
    const polyseal_keyring *keyring = NULL;
    polyseal_options *options = NULL;
    const polyseal_sealer *sealer = NULL;
    int bad = failed("keyring_builder_new", polyseal_keyring_builder_new(&builder));
    bad = bad || failed("add k2025", polyseal_keyring_builder_add_password(
                                         builder, "k2025", 5, OLD_PASSWORD, strlen(OLD_PASSWORD)));
    if (strcmp(current, "k2026") == 0) {
        bad = bad || failed("add k2026", polyseal_keyring_builder_add_password(
                                             builder, "k2026", 5, NEW_PASSWORD, strlen(NEW_PASSWORD)));
    }
    bad = bad || failed("set_current",
                        polyseal_keyring_builder_set_current(builder, current, strlen(current)));
    bad = bad || failed("build", polyseal_keyring_builder_build(builder, &keyring));
    bad = bad || failed("options_new", polyseal_options_new(&options));
    bad = bad || failed("cookie name", polyseal_options_set_cookie_name(options, "session", 7));
    bad = bad || failed("ttl", polyseal_options_set_ttl_ms(options, 3600000));
    bad = bad || failed("sealer_new", polyseal_sealer_new(keyring, "native", 6, options, &sealer));
    /* The sealer keeps what it needs: the builder, keyring and options can go. */
    polyseal_options_free(options);
    polyseal_keyring_free(keyring);
    polyseal_keyring_builder_free(builder);
    return bad ? NULL : sealer;
}

int main(void) {
    const char *session = "{\"userId\":12345,\"roles\":[\"admin\"]}";
    const polyseal_sealer *before = sealer_for("k2025");
    const polyseal_sealer *after = sealer_for("k2026");
    const polyseal_unsealed *opened = NULL;
    polyseal_buf cookie = {NULL, 0}, fresh = {NULL, 0};
    const char *data = NULL, *key_id = NULL;
    size_t data_len = 0, key_id_len = 0;
    int bad = before == NULL || after == NULL;

    printf("polyseal %s (ABI %u)\n", polyseal_version(), polyseal_abi_version());
    if (polyseal_abi_version() != POLYSEAL_ABI_VERSION) {
        fprintf(stderr, "built for ABI %d\n", POLYSEAL_ABI_VERSION);
        return 1;
    }
    bad = bad || failed("seal", polyseal_sealer_seal(before, session, strlen(session), &cookie));
    if (!bad) printf("sealed with k2025: %.40s... (%zu chars)\n", (const char *)cookie.ptr, cookie.len);

    /* After the rotation the old cookie still opens, and says it should be sealed again. */
    bad = bad || failed("unseal", polyseal_sealer_unseal(after, (const char *)cookie.ptr,
                                                         cookie.len, &opened));
    bad = bad || failed("data", polyseal_unsealed_data(opened, &data, &data_len));
    bad = bad || failed("key id", polyseal_unsealed_key_id(opened, &key_id, &key_id_len));
    if (!bad) {
        printf("opened with the new keyring: %.*s (key %.*s, needs reseal: %s)\n", (int)data_len,
               data, (int)key_id_len, key_id, polyseal_unsealed_needs_reseal(opened) ? "yes" : "no");
        bad = strcmp(data, session) != 0 || !polyseal_unsealed_needs_reseal(opened);
    }
    if (!bad && polyseal_unsealed_needs_reseal(opened)) {
        bad = failed("reseal", polyseal_sealer_seal(after, data, data_len, &fresh));
        if (!bad) printf("resealed with k2026: %.40s...\n", (const char *)fresh.ptr);
    }

    /* The response header, then the browser's next request: parse its Cookie header and find the
     * session again (a missing cookie would be found == false, not an error). */
    if (!bad) {
        polyseal_cookie_options *attributes = NULL;
        polyseal_cookie_list *request = NULL;
        polyseal_buf line = {NULL, 0}, back = {NULL, 0};
        char header[1024];
        bool found = false;
        bad = failed("cookie options", polyseal_cookie_options_secure_defaults(&attributes));
        bad = bad || failed("set_cookie", polyseal_set_cookie("session", 7, (const char *)fresh.ptr,
                                                              fresh.len, attributes, "polyseal", 8,
                                                              &line));
        if (!bad) {
            printf("Set-Cookie: %.24s...%s\n", (const char *)line.ptr,
                   strchr((const char *)line.ptr, ';'));
            snprintf(header, sizeof header, "theme=dark; session=%s", (const char *)fresh.ptr);
        }
        bad = bad || failed("parse", polyseal_parse_cookie_header(header, strlen(header), &request));
        bad = bad || failed("reassemble", polyseal_reassemble(request, "session", 7, "none", 4,
                                                              &found, &back));
        bad = bad || !found || back.len != fresh.len || memcmp(back.ptr, fresh.ptr, back.len) != 0;
        if (!bad) printf("read back from the Cookie header: %zu chars\n", back.len);
        polyseal_buf_free(&back);
        polyseal_buf_free(&line);
        polyseal_cookie_list_free(request);
        polyseal_cookie_options_free(attributes);
    }

    /* A tampered cookie is refused with a status, never a crash. */
    if (!bad) {
        const polyseal_unsealed *never = NULL;
        cookie.ptr[cookie.len / 2] ^= 1;
        polyseal_status status =
            polyseal_sealer_unseal(after, (const char *)cookie.ptr, cookie.len, &never);
        printf("tampered cookie: %s\n", polyseal_status_str(status));
        bad = status == POLYSEAL_STATUS_OK;
    }

    polyseal_buf_free(&cookie);
    polyseal_buf_free(&fresh);
    polyseal_unsealed_free(opened);
    polyseal_sealer_free(before);
    polyseal_sealer_free(after);
    return bad;
}
