/* Recomputes the tamper digests of tests/vectors/tamper.json (docs/VECTORS.md, "tamper.json";
 * reference: core/tests/tamper_digest.rs) through the C API.
 *
 * usage: tamper PATH/tamper.json
 *
 * For each source file named in `files` (read from the same directory): every valid case whose
 * format is not h3-v2 and whose iterations are 1 or absent, in file order. Each mutation (every
 * flip of bits 0-6 of every byte, then every proper prefix) is unsealed at the case's `now`; the
 * outcome is the status name, or OK when it opens to the case's payload (anything else fails).
 * The lines "<tcId>:<kind>:<position>:<bit>:<outcome>\n" are folded into 64-bit FNV-1a, and
 * cases, mutations, accepted and digest must equal the file's. */
#include <inttypes.h>
#include <stdlib.h>

#include "check.h"
#include "json.h"
#include "keyrings.h"
#include "options.h"

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME UINT64_C(0x100000001b3)

static uint64_t fnv1a64(const char *bytes, size_t len, uint64_t hash) {
    for (size_t i = 0; i < len; i++) {
        hash ^= (uint8_t)bytes[i];
        hash *= FNV_PRIME;
    }
    return hash;
}

typedef struct {
    uint64_t cases, mutations, accepted, digest;
    bool ok;
} sweep_totals;

static bool swept(const json *c) {
    const json *options = json_get(c, "options");
    const char *format = json_str(json_get(options, "format"));
    const json *iterations = json_get(options, "iterations");
    uint64_t n = 1;
    const char *result = json_str(json_get(c, "result"));
    if (result == NULL || strcmp(result, "valid") != 0) return false;
    if (format != NULL && strcmp(format, "h3-v2") == 0) return false;
    if (iterations != NULL && (!json_u64(iterations, &n) || n != 1)) return false;
    return true;
}

/* Unseals one mutation and folds its line into the totals. */
static void fold(sweep_totals *t, const polyseal_sealer *sealer, const json *c,
                 const json *payload, const char *text, size_t len, const char *kind,
                 size_t position, int bit, uint64_t now) {
    const polyseal_unsealed *unsealed = NULL;
    const char *outcome;
    polyseal_status status = polyseal_sealer_unseal_at(sealer, text, len, now, &unsealed);
    if (status == POLYSEAL_STATUS_OK) {
        const char *data;
        size_t data_len;
        CHECK_OK(polyseal_unsealed_data(unsealed, &data, &data_len));
        json *got = json_parse(data, data_len);
        outcome = got != NULL && json_equal(got, payload) ? "OK" : "OK-OTHER";
        json_free(got);
        polyseal_unsealed_free(unsealed);
        t->accepted += outcome[2] == '\0';
    } else {
        outcome = polyseal_status_str(status);
    }
    if (strcmp(outcome, "OK-OTHER") == 0) {
        fprintf(stderr, "  tcId %s %s %zu/%d opened to another payload\n",
                json_get(c, "tcId")->text, kind, position, bit);
        t->ok = false;
    }
    char line[128];
    int n = snprintf(line, sizeof line, "%s:%s:%zu:%d:%s\n", json_get(c, "tcId")->text, kind,
                     position, bit, outcome);
    CHECK(n > 0 && (size_t)n < sizeof line);
    t->digest = fnv1a64(line, (size_t)n, t->digest);
    t->mutations++;
}

static void sweep_case(sweep_totals *t, const json *doc, const json *c) {
    const json *token = json_get(c, "token"), *payload_text = json_get(c, "payload");
    const char *format = json_str(json_get(json_get(c, "options"), "format"));
    const char *keyring_name = json_str(json_get(c, "keyring"));
    const polyseal_keyring *keyring = NULL;
    polyseal_options *options = NULL;
    const polyseal_sealer *sealer = NULL;
    json *payload = NULL;
    char *text = NULL;
    uint64_t now;

    if (format == NULL) format = "native";
    uint64_t id;
    bool usable = json_u64(json_get(c, "tcId"), &id) && json_u64(json_get(c, "now"), &now) &&
                  json_str(token) != NULL && json_str(payload_text) != NULL && keyring_name != NULL;
    CHECK(usable);
    if (!usable) {
        t->ok = false;
        return;
    }
    keyring = keyring_of(json_get(json_get(doc, "keyrings"), keyring_name));
    options = options_of(json_get(c, "options"));
    payload = json_parse(payload_text->text, payload_text->len);
    CHECK(keyring != NULL && payload != NULL);
    if (keyring != NULL) {
        CHECK_OK(polyseal_sealer_new(keyring, format, strlen(format), options, &sealer));
    }
    if (sealer == NULL || payload == NULL) {
        t->ok = false;
        goto done;
    }
    t->cases++;
    size_t len = token->len;
    text = malloc(len + 1);
    CHECK(text != NULL);
    if (text == NULL) goto done;
    memcpy(text, token->text, len + 1);
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 7; bit++) {
            text[i] ^= (char)(1 << bit);
            fold(t, sealer, c, payload, text, len, "flip", i, bit, now);
            text[i] ^= (char)(1 << bit);
        }
    }
    for (size_t n = 0; n < len; n++) {
        fold(t, sealer, c, payload, text, n, "cut", n, 0, now);
    }

done:
    free(text);
    json_free(payload);
    polyseal_sealer_free(sealer);
    polyseal_options_free(options);
    polyseal_keyring_free(keyring);
}

/* Sweeps `dir/name` and checks its totals against `want`; true when they all match. */
static bool check_file(const char *dir, const char *name, const json *want) {
    size_t len;
    sweep_totals t = {0, 0, 0, FNV_OFFSET, true};
    uint64_t cases, mutations, accepted;
    char digest[17];
    char *path = malloc(strlen(dir) + strlen(name) + 2);
    CHECK(path != NULL);
    if (path == NULL) return false;
    sprintf(path, "%s/%s", dir, name);
    char *text = read_file(path, &len);
    free(path);
    json *doc = text ? json_parse(text, len) : NULL;
    const json *tests = json_get(doc, "tests");
    CHECK(tests != NULL && tests->kind == J_ARRAY);
    for (size_t i = 0; tests != NULL && i < tests->len; i++) {
        if (swept(&tests->items[i])) sweep_case(&t, doc, &tests->items[i]);
    }
    snprintf(digest, sizeof digest, "%016" PRIx64, t.digest);
    printf("%s: cases %" PRIu64 ", mutations %" PRIu64 ", accepted %" PRIu64 ", digest %s\n", name,
           t.cases, t.mutations, t.accepted, digest);
    bool ok = t.ok && json_u64(json_get(want, "cases"), &cases) && cases == t.cases &&
              json_u64(json_get(want, "mutations"), &mutations) && mutations == t.mutations &&
              json_u64(json_get(want, "accepted"), &accepted) && accepted == t.accepted &&
              json_str(json_get(want, "digest")) != NULL &&
              strcmp(json_get(want, "digest")->text, digest) == 0 && t.cases > 0;
    if (!ok) fprintf(stderr, "%s: the sweep differs from tamper.json\n", name);
    json_free(doc);
    free(text);
    return ok;
}

int main(int argc, char **argv) {
    size_t len;
    uint64_t expected = 0;
    size_t checked = 0;
    CHECK(argc == 2);
    if (argc != 2) return finish("tamper");
    char *text = read_file(argv[1], &len);
    json *doc = text ? json_parse(text, len) : NULL;
    const json *files = json_get(doc, "files");
    CHECK(files != NULL && files->kind == J_OBJECT);
    CHECK(json_u64(json_get(doc, "numberOfTests"), &expected));

    /* The source files sit next to tamper.json. */
    char *dir = malloc(strlen(argv[1]) + 2);
    const char *slash = strrchr(argv[1], '/');
    CHECK(dir != NULL);
    if (dir == NULL) return finish("tamper");
    if (slash == NULL) {
        strcpy(dir, ".");
    } else {
        memcpy(dir, argv[1], (size_t)(slash - argv[1]));
        dir[slash - argv[1]] = '\0';
    }
    for (size_t i = 0; files != NULL && i < files->len; i++) {
        CHECK(check_file(dir, files->keys[i], &files->items[i]));
        checked++;
    }
    CHECK(checked == expected && checked > 0);
    printf("%s: %zu of %" PRIu64 " source files checked\n", argv[1], checked, expected);
    free(dir);
    json_free(doc);
    free(text);
    return finish("tamper");
}
