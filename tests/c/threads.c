/* Eight threads seal and unseal through one shared `const polyseal_sealer *` (and open one shared
 * token), write Set-Cookie lines with one shared `const polyseal_cookie_options *`, reassemble
 * from one shared `const polyseal_cookie_list *`, and run whole requests (load, update, load the
 * written cookie, set_data, save, clear, a refused cookie, one shared cookie) through one shared
 * `const polyseal_session_manager *`, each thread with its own sessions, each checking every
 * result; each thread's last error message stays its own. */
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>

#include "check.h"

#define THREADS 8
#define ROUNDS 200
#define NOW UINT64_C(1764000000000)

typedef struct {
    const polyseal_sealer *sealer; /* shared, read-only */
    const polyseal_buf *shared_token;
    const polyseal_cookie_options *cookie_options; /* shared, read-only */
    const polyseal_cookie_list *request;           /* shared, read-only: "s=__chunked__2; ..." */
    const polyseal_session_manager *manager;       /* shared, read-only */
    const char *shared_cookie;                     /* "session=..." holding {"shared":true} */
    int index;
    int good; /* rounds whose every step gave the expected result */
    int bad;
} job;

static bool same(const char *a, size_t a_len, const char *b) {
    return a_len == strlen(b) && memcmp(a, b, a_len) == 0;
}

/* "name=value" of the first line of `lines`, into `out`. */
static bool first_cookie(const polyseal_cookie_list *lines, char *out, size_t cap) {
    const char *line;
    size_t len, n;
    if (polyseal_cookie_list_line(lines, 0, &line, &len) != POLYSEAL_STATUS_OK) return false;
    n = strcspn(line, ";");
    if (n >= cap) return false;
    memcpy(out, line, n);
    out[n] = '\0';
    return true;
}

static bool data_is(const polyseal_session *s, const char *want) {
    const char *data;
    size_t len;
    return polyseal_session_data(s, &data, &len) == POLYSEAL_STATUS_OK && same(data, len, want);
}

/* One request cycle of this thread's own sessions on the shared manager. */
static bool session_round(const job *j, int round) {
    const polyseal_session_manager *m = j->manager;
    polyseal_session *first = NULL, *second = NULL, *shared = NULL, *refused = NULL;
    polyseal_cookie_list *lines = NULL, *more = NULL, *cleared = NULL;
    polyseal_status code = -1;
    const char *id1, *id2, *message;
    size_t id1_len, id2_len, message_len;
    char patch[64], cookie[1024];
    uint64_t now = NOW + (uint64_t)round;
    bool ok = true;
    snprintf(patch, sizeof patch, "{\"thread\":%d,\"round\":%d}", j->index, round);

    ok &= polyseal_session_manager_load_at(m, NULL, 0, NULL, 0, now, &first) == POLYSEAL_STATUS_OK;
    ok &= polyseal_session_is_new(first);
    ok &= polyseal_session_manager_update_at(m, first, patch, strlen(patch), now, &lines) ==
              POLYSEAL_STATUS_OK &&
          polyseal_cookie_list_count(lines) == 1 && first_cookie(lines, cookie, sizeof cookie);
    ok &= polyseal_session_manager_load_at(m, cookie, strlen(cookie), NULL, 0, now + 1, &second) ==
          POLYSEAL_STATUS_OK;
    ok &= !polyseal_session_is_new(second) && data_is(second, patch);
    ok &= polyseal_session_id(first, &id1, &id1_len) == POLYSEAL_STATUS_OK &&
          polyseal_session_id(second, &id2, &id2_len) == POLYSEAL_STATUS_OK && id1_len == 22 &&
          id1_len == id2_len && memcmp(id1, id2, id1_len) == 0;
    ok &= polyseal_session_set_data(second, S("{\"changed\":true}")) == POLYSEAL_STATUS_OK;
    ok &= polyseal_session_manager_save_at(m, second, now + 1, &more) == POLYSEAL_STATUS_OK &&
          polyseal_cookie_list_count(more) == 1;
    ok &= polyseal_session_manager_clear_at(m, second, now + 1, &cleared) == POLYSEAL_STATUS_OK &&
          polyseal_cookie_list_count(cleared) == 1;
    polyseal_cookie_list_free(more);
    more = NULL;
    ok &= polyseal_session_manager_save_at(m, second, now + 1, &more) ==
              POLYSEAL_STATUS_SESSION_CLEARED &&
          more == NULL && polyseal_last_error_message(NULL, 0) > 0;

    ok &= polyseal_session_manager_load_at(m, j->shared_cookie, strlen(j->shared_cookie), NULL, 0,
                                           NOW, &shared) == POLYSEAL_STATUS_OK;
    ok &= !polyseal_session_is_new(shared) && data_is(shared, "{\"shared\":true}");
    snprintf(cookie, sizeof cookie, "session=forged-%d", j->index);
    ok &= polyseal_session_manager_load_at(m, cookie, strlen(cookie), NULL, 0, now, &refused) ==
          POLYSEAL_STATUS_OK;
    ok &= polyseal_session_rejection(refused, &code, &message, &message_len) ==
              POLYSEAL_STATUS_OK &&
          code == POLYSEAL_STATUS_MALFORMED && strncmp(message, "MALFORMED:", 10) == 0;

    polyseal_session_free(refused);
    polyseal_session_free(shared);
    polyseal_session_free(second);
    polyseal_session_free(first);
    polyseal_cookie_list_free(cleared);
    polyseal_cookie_list_free(lines);
    return ok;
}

static void *work(void *arg) {
    job *j = arg;
    char payload[64], message[128];
    for (int round = 0; round < ROUNDS; round++) {
        bool ok = true;
        polyseal_buf token = {NULL, 0};
        const polyseal_unsealed *u = NULL;
        const char *data, *key_id;
        size_t data_len, key_id_len;
        uint64_t now = NOW + (uint64_t)round;
        snprintf(payload, sizeof payload, "{\"thread\":%d,\"round\":%d}", j->index, round);

        ok &= polyseal_sealer_seal_at(j->sealer, payload, strlen(payload), now, &token) ==
              POLYSEAL_STATUS_OK;
        ok &= polyseal_sealer_unseal_at(j->sealer, (const char *)token.ptr, token.len, now, &u) ==
              POLYSEAL_STATUS_OK;
        ok &= polyseal_unsealed_data(u, &data, &data_len) == POLYSEAL_STATUS_OK &&
              same(data, data_len, payload);
        ok &= polyseal_unsealed_key_id(u, &key_id, &key_id_len) == POLYSEAL_STATUS_OK &&
              same(key_id, key_id_len, "k1");
        ok &= polyseal_unsealed_issued_at(u) == now && !polyseal_unsealed_needs_reseal(u);
        polyseal_unsealed_free(u);
        u = NULL;
        polyseal_buf_free(&token);

        ok &= polyseal_sealer_unseal_at(j->sealer, (const char *)j->shared_token->ptr,
                                        j->shared_token->len, NOW, &u) == POLYSEAL_STATUS_OK;
        ok &= polyseal_unsealed_data(u, &data, &data_len) == POLYSEAL_STATUS_OK &&
              same(data, data_len, "{\"shared\":true}");
        polyseal_unsealed_free(u);

        {
            polyseal_buf line = {NULL, 0}, value = {NULL, 0};
            bool found = false;
            char name[16], value_text[16], want[96];
            snprintf(name, sizeof name, "s%d", j->index);
            snprintf(value_text, sizeof value_text, "%d", round);
            snprintf(want, sizeof want, "%s=%s; Path=/; HttpOnly; Secure; SameSite=Lax", name,
                     value_text);
            ok &= polyseal_set_cookie(name, strlen(name), value_text, strlen(value_text),
                                      j->cookie_options, "polyseal", 8,
                                      &line) == POLYSEAL_STATUS_OK &&
                  same((const char *)line.ptr, line.len, want);
            ok &= polyseal_reassemble(j->request, "s", 1, "h3", 2, &found, &value) ==
                      POLYSEAL_STATUS_OK &&
                  found && same((const char *)value.ptr, value.len, "abcd");
            polyseal_buf_free(&line);
            polyseal_buf_free(&value);
        }

        ok &= session_round(j, round);

        /* Every few rounds, fail on purpose: the message is this thread's, and is then cleared
         * by the next success on this thread only. */
        if (round % 10 == j->index % 10) {
            const polyseal_unsealed *never = NULL;
            char bogus[32];
            snprintf(bogus, sizeof bogus, "bogus-%d", j->index);
            ok &= polyseal_sealer_unseal_at(j->sealer, bogus, strlen(bogus), NOW, &never) ==
                  POLYSEAL_STATUS_MALFORMED;
            ok &= never == NULL;
            ok &= polyseal_last_error_message(message, sizeof message) > 0 &&
                  strncmp(message, "MALFORMED:", 10) == 0;
        }
        if (ok) {
            j->good++;
        } else {
            j->bad++;
        }
    }
    return NULL;
}

int main(void) {
    polyseal_keyring_builder *builder = NULL;
    const polyseal_keyring *keyring = NULL;
    polyseal_options *options = NULL;
    const polyseal_sealer *sealer = NULL;
    polyseal_cookie_options *cookie_options = NULL;
    polyseal_cookie_list *request = NULL;
    polyseal_session_config *config = NULL;
    const polyseal_session_manager *manager = NULL;
    polyseal_session *seed = NULL;
    polyseal_cookie_list *seed_lines = NULL;
    char shared_cookie[1024] = "";
    polyseal_buf shared = {NULL, 0};
    pthread_t threads[THREADS];
    job jobs[THREADS];
    int good = 0;

    CHECK_OK(polyseal_keyring_builder_new(&builder));
    CHECK_OK(polyseal_keyring_builder_add_password(builder, S("k1"),
                                                   S("threads-password-0123456789-abcdefghijk")));
    CHECK_OK(polyseal_keyring_builder_build(builder, &keyring));
    CHECK_OK(polyseal_options_new(&options));
    CHECK_OK(polyseal_options_set_cookie_name(options, S("session")));
    CHECK_OK(polyseal_options_set_ttl_ms(options, 3600000));
    CHECK_OK(polyseal_sealer_new(keyring, S("native"), options, &sealer));
    CHECK_OK(polyseal_sealer_seal_at(sealer, S("{\"shared\":true}"), NOW, &shared));
    CHECK_OK(polyseal_cookie_options_secure_defaults(&cookie_options));
    CHECK_OK(polyseal_parse_cookie_header(S("s=__chunked__2; s.2=cd; s.1=ab"), &request));
    CHECK_OK(polyseal_session_config_new(S("native"), &config));
    CHECK_OK(polyseal_session_manager_new(keyring, config, &manager));
    CHECK_OK(polyseal_session_manager_load_at(manager, NULL, 0, NULL, 0, NOW, &seed));
    CHECK_OK(polyseal_session_manager_update_at(manager, seed, S("{\"shared\":true}"), NOW,
                                                &seed_lines));
    CHECK(first_cookie(seed_lines, shared_cookie, sizeof shared_cookie));

    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (job){sealer, &shared, cookie_options, request, manager, shared_cookie, i, 0, 0};
        CHECK(pthread_create(&threads[i], NULL, work, &jobs[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        CHECK(jobs[i].bad == 0);
        CHECK(jobs[i].good == ROUNDS);
        good += jobs[i].good;
    }
    CHECK(good == THREADS * ROUNDS);
    /* The main thread's last error was never touched by the workers' failures. */
    CHECK(polyseal_last_error_message(NULL, 0) == 0);
    printf("threads: %d threads x %d rounds on one shared sealer, cookie options, cookie list and "
           "session manager, %d rounds correct\n",
           THREADS, ROUNDS, good);

    polyseal_buf_free(&shared);
    polyseal_cookie_list_free(seed_lines);
    polyseal_session_free(seed);
    polyseal_session_manager_free(manager);
    polyseal_session_config_free(config);
    polyseal_cookie_list_free(request);
    polyseal_cookie_options_free(cookie_options);
    polyseal_sealer_free(sealer);
    polyseal_options_free(options);
    polyseal_keyring_free(keyring);
    polyseal_keyring_builder_free(builder);
    return finish("threads");
}
