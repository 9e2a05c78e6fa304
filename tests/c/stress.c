/* Stress: eight threads share ONE keyring (through a native, an h3-v1 and an h3-v2 sealer and one
 * native session manager), one set of cookie options and one parsed Cookie header. Each thread
 * performs the same number of operations, 100 000 by default (argv[1] changes it), cycling
 * through `steps`: an operation is one call that seals, opens, writes or parses, followed by the
 * checks of its result. What a thread seals opens to exactly what it sealed, and every fixed input
 * gives its expected output. The outputs of the deterministic steps are also folded into a digest
 * per thread, and every thread's digest must equal thread 0's: identical results everywhere. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>

#include "check.h"

#define THREADS 8
#define DEFAULT_OPERATIONS 100000L
#define NOW UINT64_C(1764000000000)
#define FIXED_PAYLOAD "{\"fixed\":[1,2,3],\"name\":\"stress\"}"
#define SHARED_SESSION "{\"shared\":true}"
#define REQUEST_HEADER "s=__chunked__2; s.2=cd; s.1=ab; theme=dark; lang=\"en\"; theme=light"
#define EXPECTED_LINE "greeting=hello; Path=/; HttpOnly; Secure; SameSite=Lax"
#define BIG_VALUE_BYTES 6000 /* two h3 chunks */
#define STEP_KINDS 20

/* Everything the threads share, read-only while they run. */
typedef struct {
    polyseal_keyring_builder *builder;
    const polyseal_keyring *keyring; /* the one keyring behind every sealer and the manager */
    const polyseal_sealer *native, *h3v1, *h3v2;
    polyseal_buf fixed_native, fixed_h3v1, fixed_h3v2; /* FIXED_PAYLOAD, sealed once by each */
    polyseal_cookie_options *cookie_options;
    polyseal_cookie_list *request; /* REQUEST_HEADER, parsed once */
    polyseal_session_config *config;
    const polyseal_session_manager *manager;
    char session_cookie[1024]; /* "session=..." holding SHARED_SESSION */
    char big_value[BIG_VALUE_BYTES + 1];
} shared;

/* One thread: its state between steps, its counts and its digest. */
typedef struct {
    const shared *s;
    int index;
    long operations;
    long op; /* the operation running, from 0 */
    char payload[64];
    polyseal_buf token; /* `payload`, sealed by the last seal step */
    polyseal_session *session;
    char patch[64];
    char cookie[1024]; /* "session=..." written by the last update */
    long good, bad;
    bool failed[STEP_KINDS]; /* which kinds of step failed at least once */
    uint64_t digest;         /* FNV-1a of the deterministic outputs */
} worker;

static bool same(const char *a, size_t a_len, const char *b) {
    return a_len == strlen(b) && memcmp(a, b, a_len) == 0;
}

/* Folds a length and its bytes into the digest, so that ("ab", "c") and ("a", "bc") differ. */
static void fold(worker *w, const void *bytes, size_t len) {
    const unsigned char *p = bytes;
    uint64_t h = w->digest;
    for (size_t i = 0; i < sizeof len; i++) h = (h ^ ((len >> (8 * i)) & 0xff)) * 0x100000001b3;
    for (size_t i = 0; i < len; i++) h = (h ^ p[i]) * 0x100000001b3;
    w->digest = h;
}

/* Folds every line of a list of Set-Cookie lines. */
static bool fold_lines(worker *w, const polyseal_cookie_list *lines) {
    for (size_t i = 0; i < polyseal_cookie_list_count(lines); i++) {
        const char *line;
        size_t len;
        if (polyseal_cookie_list_line(lines, i, &line, &len) != POLYSEAL_STATUS_OK) return false;
        fold(w, line, len);
    }
    return true;
}

/* Seals this thread's payload for this operation, keeping the token for the next step. */
static bool seal_own(worker *w, const polyseal_sealer *sealer) {
    polyseal_buf_free(&w->token);
    snprintf(w->payload, sizeof w->payload, "{\"thread\":%d,\"op\":%ld}", w->index, w->op);
    return polyseal_sealer_seal_at(sealer, w->payload, strlen(w->payload), NOW, &w->token) ==
               POLYSEAL_STATUS_OK &&
           w->token.len > 0;
}

/* Opens the token the previous step sealed: it must give back exactly that payload, and the
 * time of sealing when the format records it (`stamped`: native does, Fe26.2 does not). */
static bool unseal_own(worker *w, const polyseal_sealer *sealer, bool stamped) {
    const polyseal_unsealed *u = NULL;
    const char *data;
    size_t len;
    bool ok = w->token.ptr != NULL &&
              polyseal_sealer_unseal_at(sealer, (const char *)w->token.ptr, w->token.len, NOW,
                                        &u) == POLYSEAL_STATUS_OK &&
              polyseal_unsealed_data(u, &data, &len) == POLYSEAL_STATUS_OK &&
              same(data, len, w->payload) && polyseal_unsealed_has_issued_at(u) == stamped &&
              polyseal_unsealed_issued_at(u) == (stamped ? NOW : 0);
    polyseal_unsealed_free(u);
    polyseal_buf_free(&w->token);
    return ok;
}

/* Opens one of the tokens sealed before the threads started. */
static bool unseal_fixed(worker *w, const polyseal_sealer *sealer, const polyseal_buf *token) {
    const polyseal_unsealed *u = NULL;
    const char *data, *key_id;
    size_t len, key_id_len;
    bool ok = polyseal_sealer_unseal_at(sealer, (const char *)token->ptr, token->len, NOW, &u) ==
                  POLYSEAL_STATUS_OK &&
              polyseal_unsealed_data(u, &data, &len) == POLYSEAL_STATUS_OK &&
              same(data, len, FIXED_PAYLOAD) &&
              polyseal_unsealed_key_id(u, &key_id, &key_id_len) == POLYSEAL_STATUS_OK &&
              same(key_id, key_id_len, "k1");
    if (ok) {
        fold(w, data, len);
        fold(w, key_id, key_id_len);
    }
    polyseal_unsealed_free(u);
    return ok;
}

static bool seal_native(worker *w) { return seal_own(w, w->s->native); }
static bool unseal_own_native(worker *w) { return unseal_own(w, w->s->native, true); }
static bool seal_h3v1(worker *w) { return seal_own(w, w->s->h3v1); }
static bool unseal_own_h3v1(worker *w) { return unseal_own(w, w->s->h3v1, false); }
static bool unseal_fixed_native(worker *w) {
    return unseal_fixed(w, w->s->native, &w->s->fixed_native);
}
static bool unseal_fixed_h3v1(worker *w) { return unseal_fixed(w, w->s->h3v1, &w->s->fixed_h3v1); }
/* 8192 PBKDF2 iterations, but the keyring's derived-key cache serves every repeat. */
static bool unseal_fixed_h3v2(worker *w) { return unseal_fixed(w, w->s->h3v2, &w->s->fixed_h3v2); }

static bool write_set_cookie(worker *w) {
    polyseal_buf line = {NULL, 0};
    bool ok = polyseal_set_cookie(S("greeting"), S("hello"), w->s->cookie_options, S("polyseal"),
                                  &line) == POLYSEAL_STATUS_OK &&
              same((const char *)line.ptr, line.len, EXPECTED_LINE);
    if (ok) fold(w, line.ptr, line.len);
    polyseal_buf_free(&line);
    return ok;
}

/* A value too long for one cookie, in h3's chunks: a header line and two chunk lines. */
static bool write_chunked_cookies(worker *w) {
    polyseal_cookie_list *lines = NULL;
    const char *first;
    size_t first_len;
    bool ok = polyseal_chunk_set_cookies(S("big"), w->s->big_value, BIG_VALUE_BYTES,
                                         w->s->cookie_options, S("h3-v2"), S("h3"), true, false, 0,
                                         &lines) == POLYSEAL_STATUS_OK &&
              polyseal_cookie_list_count(lines) == 3 &&
              polyseal_cookie_list_line(lines, 0, &first, &first_len) == POLYSEAL_STATUS_OK &&
              strncmp(first, "big=__chunked__2;", 17) == 0 && fold_lines(w, lines);
    polyseal_cookie_list_free(lines);
    return ok;
}

static bool write_deletion_cookie(worker *w) {
    polyseal_buf line = {NULL, 0};
    bool ok = polyseal_deletion_cookie(S("greeting"), w->s->cookie_options, S("polyseal"),
                                       &line) == POLYSEAL_STATUS_OK &&
              strncmp((const char *)line.ptr, "greeting=; Max-Age=0;", 21) == 0;
    if (ok) fold(w, line.ptr, line.len);
    polyseal_buf_free(&line);
    return ok;
}

/* Parses REQUEST_HEADER: five pairs, the repeated "theme" dropped, "en" unquoted. */
static bool parse_cookie_header(worker *w) {
    polyseal_cookie_list *pairs = NULL;
    const char *name, *value;
    size_t name_len, value_len, count;
    bool ok = polyseal_parse_cookie_header(S(REQUEST_HEADER), &pairs) == POLYSEAL_STATUS_OK &&
              (count = polyseal_cookie_list_count(pairs)) == 5;
    for (size_t i = 0; ok && i < count; i++) {
        ok = polyseal_cookie_list_pair(pairs, i, &name, &name_len, &value, &value_len) ==
             POLYSEAL_STATUS_OK;
        if (ok) {
            fold(w, name, name_len);
            fold(w, value, value_len);
        }
    }
    ok = ok && same(name, name_len, "lang") && same(value, value_len, "en");
    polyseal_cookie_list_free(pairs);
    return ok;
}

static bool reassemble_chunks(worker *w) {
    polyseal_buf value = {NULL, 0};
    bool found = false;
    bool ok = polyseal_reassemble(w->s->request, S("s"), S("h3"), &found, &value) ==
                  POLYSEAL_STATUS_OK &&
              found && same((const char *)value.ptr, value.len, "abcd");
    if (ok) fold(w, value.ptr, value.len);
    polyseal_buf_free(&value);
    return ok;
}

/* Loads the one session every thread's requests carry. */
static bool load_shared_session(worker *w) {
    polyseal_session *session = NULL;
    const char *data, *id;
    size_t data_len, id_len;
    const char *cookie = w->s->session_cookie;
    bool ok = polyseal_session_manager_load_at(w->s->manager, cookie, strlen(cookie), NULL, 0, NOW,
                                                &session) == POLYSEAL_STATUS_OK &&
              !polyseal_session_is_new(session) &&
              polyseal_session_data(session, &data, &data_len) == POLYSEAL_STATUS_OK &&
              same(data, data_len, SHARED_SESSION) &&
              polyseal_session_id(session, &id, &id_len) == POLYSEAL_STATUS_OK && id_len == 22;
    if (ok) {
        fold(w, data, data_len);
        fold(w, id, id_len);
    }
    polyseal_session_free(session);
    return ok;
}

/* A request without a cookie: a new session, this thread's own. */
static bool start_session(worker *w) {
    polyseal_session_free(w->session);
    w->session = NULL;
    return polyseal_session_manager_load_at(w->s->manager, NULL, 0, NULL, 0, NOW, &w->session) ==
               POLYSEAL_STATUS_OK &&
           polyseal_session_is_new(w->session);
}

static bool update_session(worker *w) {
    polyseal_cookie_list *lines = NULL;
    const char *line;
    size_t len, n;
    bool ok;
    snprintf(w->patch, sizeof w->patch, "{\"thread\":%d,\"op\":%ld}", w->index, w->op);
    ok = w->session != NULL &&
         polyseal_session_manager_update_at(w->s->manager, w->session, w->patch,
                                            strlen(w->patch), NOW, &lines) == POLYSEAL_STATUS_OK &&
         polyseal_cookie_list_count(lines) == 1 &&
         polyseal_cookie_list_line(lines, 0, &line, &len) == POLYSEAL_STATUS_OK &&
         (n = strcspn(line, ";")) < sizeof w->cookie;
    if (ok) {
        memcpy(w->cookie, line, n);
        w->cookie[n] = '\0';
    }
    polyseal_cookie_list_free(lines);
    return ok;
}

/* The next request brings the cookie back: same id, the patch as data. */
static bool load_written_session(worker *w) {
    polyseal_session *next = NULL;
    const char *data, *id, *next_id;
    size_t data_len, id_len, next_id_len;
    bool ok = w->session != NULL &&
              polyseal_session_manager_load_at(w->s->manager, w->cookie, strlen(w->cookie), NULL,
                                               0, NOW, &next) == POLYSEAL_STATUS_OK &&
              !polyseal_session_is_new(next) &&
              polyseal_session_data(next, &data, &data_len) == POLYSEAL_STATUS_OK &&
              same(data, data_len, w->patch) &&
              polyseal_session_id(w->session, &id, &id_len) == POLYSEAL_STATUS_OK &&
              polyseal_session_id(next, &next_id, &next_id_len) == POLYSEAL_STATUS_OK &&
              id_len == next_id_len && memcmp(id, next_id, id_len) == 0;
    polyseal_session_free(w->session);
    w->session = next;
    return ok;
}

/* Nothing changed since the load: a save writes no line. */
static bool save_unchanged_session(worker *w) {
    polyseal_cookie_list *lines = NULL;
    bool ok = w->session != NULL &&
              polyseal_session_manager_save_at(w->s->manager, w->session, NOW, &lines) ==
                  POLYSEAL_STATUS_OK &&
              polyseal_cookie_list_count(lines) == 0;
    polyseal_cookie_list_free(lines);
    return ok;
}

static bool clear_session(worker *w) {
    polyseal_cookie_list *lines = NULL;
    bool ok = w->session != NULL &&
              polyseal_session_manager_clear_at(w->s->manager, w->session, NOW, &lines) ==
                  POLYSEAL_STATUS_OK &&
              polyseal_cookie_list_count(lines) == 1 && polyseal_session_is_cleared(w->session) &&
              fold_lines(w, lines);
    polyseal_cookie_list_free(lines);
    return ok;
}

/* A failure on purpose: the message is this thread's last error. */
static bool save_cleared_session(worker *w) {
    polyseal_cookie_list *lines = NULL;
    char message[256];
    bool ok = w->session != NULL &&
              polyseal_session_manager_save_at(w->s->manager, w->session, NOW, &lines) ==
                  POLYSEAL_STATUS_SESSION_CLEARED &&
              lines == NULL && polyseal_last_error_message(message, sizeof message) > 0 &&
              strncmp(message, "SESSION_CLEARED:", 16) == 0;
    if (ok) fold(w, message, strlen(message));
    return ok;
}

static bool refuse_forged_token(worker *w) {
    const polyseal_unsealed *never = NULL;
    char message[256];
    bool ok = polyseal_sealer_unseal_at(w->s->native, S("forged*token"), NOW, &never) ==
                  POLYSEAL_STATUS_MALFORMED &&
              never == NULL && polyseal_last_error_message(message, sizeof message) > 0 &&
              strncmp(message, "MALFORMED:", 10) == 0;
    if (ok) fold(w, message, strlen(message));
    return ok;
}

typedef struct {
    const char *name;
    bool (*run)(worker *);
} step;

#define STEP(function) {#function, function}

/* One cycle; the operations of every thread run through it in order, again and again. */
static const step steps[] = {
    STEP(seal_native),
    STEP(unseal_own_native),
    STEP(seal_h3v1),
    STEP(unseal_own_h3v1),
    STEP(unseal_fixed_native),
    STEP(unseal_fixed_h3v1),
    STEP(unseal_fixed_h3v2),
    STEP(write_set_cookie),
    STEP(write_deletion_cookie),
    STEP(write_chunked_cookies),
    STEP(parse_cookie_header),
    STEP(reassemble_chunks),
    STEP(load_shared_session),
    STEP(start_session),
    STEP(update_session),
    STEP(load_written_session),
    STEP(save_unchanged_session),
    STEP(clear_session),
    STEP(save_cleared_session),
    STEP(refuse_forged_token),
};

#define STEPS (sizeof steps / sizeof steps[0])
_Static_assert(STEPS == STEP_KINDS, "one flag per kind of step");

/* Names each kind of step the first time it fails on this thread. */
static void report_first_failure(worker *w, size_t kind) {
    char message[256];
    if (w->failed[kind]) return;
    w->failed[kind] = true;
    polyseal_last_error_message(message, sizeof message);
    fprintf(stderr, "thread %d: %s failed (operation %ld); last error: %s\n", w->index,
            steps[kind].name, w->op, message);
}

static void *work(void *arg) {
    worker *w = arg;
    for (w->op = 0; w->op < w->operations; w->op++) {
        size_t kind = (size_t)(w->op % (long)STEPS);
        if (steps[kind].run(w)) {
            w->good++;
        } else {
            w->bad++;
            report_first_failure(w, kind);
        }
    }
    polyseal_buf_free(&w->token);
    polyseal_session_free(w->session);
    w->session = NULL;
    return NULL;
}

/* Seals FIXED_PAYLOAD once with each sealer, and the shared session once with the manager. */
static void seal_fixed_inputs(shared *s) {
    polyseal_session *seed = NULL;
    polyseal_cookie_list *lines = NULL;
    const char *line;
    size_t len, n;
    CHECK_OK(polyseal_sealer_seal_at(s->native, S(FIXED_PAYLOAD), NOW, &s->fixed_native));
    CHECK_OK(polyseal_sealer_seal_at(s->h3v1, S(FIXED_PAYLOAD), NOW, &s->fixed_h3v1));
    CHECK_OK(polyseal_sealer_seal_at(s->h3v2, S(FIXED_PAYLOAD), NOW, &s->fixed_h3v2));
    CHECK_OK(polyseal_session_manager_load_at(s->manager, NULL, 0, NULL, 0, NOW, &seed));
    CHECK_OK(polyseal_session_manager_update_at(s->manager, seed, S(SHARED_SESSION), NOW, &lines));
    CHECK_OK(polyseal_cookie_list_line(lines, 0, &line, &len));
    n = strcspn(line, ";");
    CHECK(n < sizeof s->session_cookie);
    memcpy(s->session_cookie, line, n);
    s->session_cookie[n] = '\0';
    polyseal_cookie_list_free(lines);
    polyseal_session_free(seed);
}

static long operations_from(int argc, char **argv) {
    char *end;
    long n;
    if (argc < 2) return DEFAULT_OPERATIONS;
    errno = 0;
    n = strtol(argv[1], &end, 10);
    return errno == 0 && *end == '\0' && n > 0 ? n : -1;
}

static void set_up(shared *s) {
    memset(s, 0, sizeof *s);
    memset(s->big_value, 'x', BIG_VALUE_BYTES);
    CHECK_OK(polyseal_keyring_builder_new(&s->builder));
    CHECK_OK(polyseal_keyring_builder_add_password(s->builder, S("k1"),
                                                   S("stress-password-0123456789-abcdefghijkl")));
    CHECK_OK(polyseal_keyring_builder_build(s->builder, &s->keyring));
    CHECK_OK(polyseal_sealer_new(s->keyring, S("native"), NULL, &s->native));
    CHECK_OK(polyseal_sealer_new(s->keyring, S("h3-v1"), NULL, &s->h3v1));
    CHECK_OK(polyseal_sealer_new(s->keyring, S("h3-v2"), NULL, &s->h3v2));
    CHECK_OK(polyseal_session_config_new(S("native"), &s->config));
    CHECK_OK(polyseal_session_manager_new(s->keyring, s->config, &s->manager));
    CHECK_OK(polyseal_cookie_options_secure_defaults(&s->cookie_options));
    CHECK_OK(polyseal_parse_cookie_header(S(REQUEST_HEADER), &s->request));
    if (checks_failed == 0) seal_fixed_inputs(s);
}

static void tear_down(shared *s) {
    polyseal_buf_free(&s->fixed_native);
    polyseal_buf_free(&s->fixed_h3v1);
    polyseal_buf_free(&s->fixed_h3v2);
    polyseal_cookie_list_free(s->request);
    polyseal_cookie_options_free(s->cookie_options);
    polyseal_session_manager_free(s->manager);
    polyseal_session_config_free(s->config);
    polyseal_sealer_free(s->h3v2);
    polyseal_sealer_free(s->h3v1);
    polyseal_sealer_free(s->native);
    polyseal_keyring_free(s->keyring);
    polyseal_keyring_builder_free(s->builder);
}

int main(int argc, char **argv) {
    shared s;
    pthread_t threads[THREADS];
    worker workers[THREADS];
    long operations = operations_from(argc, argv), total = 0;
    int started = 0, same_digest = 0;

    if (operations < 0) {
        fprintf(stderr, "usage: %s [operations per thread, default %ld]\n", argv[0],
                DEFAULT_OPERATIONS);
        return 2;
    }
    set_up(&s);
    for (; checks_failed == 0 && started < THREADS; started++) {
        workers[started] = (worker){
            .s = &s, .index = started, .operations = operations, .digest = 0xcbf29ce484222325};
        if (pthread_create(&threads[started], NULL, work, &workers[started]) != 0) break;
    }
    CHECK(started == THREADS);
    for (int i = 0; i < started; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        CHECK(workers[i].bad == 0);
        CHECK(workers[i].good == operations);
        CHECK(workers[i].digest == workers[0].digest);
        total += workers[i].good;
        same_digest += workers[i].digest == workers[0].digest;
    }
    CHECK(total == THREADS * operations);
    printf("stress: %d threads x %ld operations (%d kinds) on one keyring, through shared sealers, "
           "cookie options, cookie list and session manager: %ld correct; %d of %d threads with "
           "thread 0's digest\n",
           THREADS, operations, STEP_KINDS, total, same_digest, THREADS);
    tear_down(&s);
    return finish("stress");
}
