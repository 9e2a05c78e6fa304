/* A pre-fork server: the parent seals (so its thread's generator is seeded and in use), forks,
 * and then the parent and the child each seal the same payloads at the same fixed time, native
 * and h3-v1. Two such tokens are equal exactly when their nonces (or salts and IVs) are, so the
 * parent fails the test if any token of the child's equals one of its own: the child must never
 * continue its parent's random stream. A child of the child is checked the same way. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define NOW UINT64_C(1764000000000)
#define SEALS 8
#define FORMATS 2
#define TOKENS (SEALS * FORMATS)
#define TOKEN_CAP 512
#define PASSWORD "a fork test password of at least 32 characters"

typedef struct {
    char token[TOKENS][TOKEN_CAP];
} tokens;

static const polyseal_sealer *sealer_for(const polyseal_keyring *k, const char *format) {
    polyseal_options *o = NULL;
    const polyseal_sealer *s = NULL;
    CHECK_OK(polyseal_options_new(&o));
    CHECK_OK(polyseal_sealer_new(k, format, strlen(format), o, &s));
    polyseal_options_free(o);
    return s;
}

/* Seals SEALS payloads with each sealer into `out`; false on any failure. */
static bool seal_all(const polyseal_sealer *const sealers[FORMATS], tokens *out) {
    static const char payload[] = "{\"user\":42}";
    for (int i = 0; i < TOKENS; i++) {
        polyseal_buf token = {NULL, 0};
        if (polyseal_sealer_seal_at(sealers[i % FORMATS], S(payload), NOW, &token) != POLYSEAL_STATUS_OK ||
            token.len >= TOKEN_CAP) {
            polyseal_buf_free(&token);
            return false;
        }
        memcpy(out->token[i], token.ptr, token.len + 1);
        polyseal_buf_free(&token);
    }
    return true;
}

static bool write_all(int fd, const void *bytes, size_t len) {
    const char *at = bytes;
    while (len > 0) {
        ssize_t n = write(fd, at, len);
        if (n <= 0) return false;
        at += n;
        len -= (size_t)n;
    }
    return true;
}

static bool read_all(int fd, void *bytes, size_t len) {
    char *at = bytes;
    while (len > 0) {
        ssize_t n = read(fd, at, len);
        if (n <= 0) return false;
        at += n;
        len -= (size_t)n;
    }
    return true;
}

/* Forks; the child (after checking `generations - 1` more forks of its own) sends its tokens
 * through a pipe and exits; the parent seals its own and compares. */
static void check_fork(const polyseal_sealer *const sealers[FORMATS], int generations) {
    static tokens ours, theirs;
    int pipe_ends[2];
    CHECK(pipe(pipe_ends) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(pipe_ends[0]);
        if (generations > 1) check_fork(sealers, generations - 1);
        bool sent = checks_failed == 0 && seal_all(sealers, &theirs) &&
                    write_all(pipe_ends[1], &theirs, sizeof theirs);
        _exit(sent ? 0 : 1);
    }
    close(pipe_ends[1]);
    CHECK(seal_all(sealers, &ours));
    CHECK(read_all(pipe_ends[0], &theirs, sizeof theirs));
    close(pipe_ends[0]);
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    for (int i = 0; i < TOKENS; i++) {
        for (int j = 0; j < TOKENS; j++) CHECK(strcmp(theirs.token[i], ours.token[j]) != 0);
    }
}

int main(void) {
    const polyseal_keyring *k = NULL;
    CHECK_OK(polyseal_keyring_from_password(S(PASSWORD), &k));
    const polyseal_sealer *const sealers[FORMATS] = {sealer_for(k, "native"), sealer_for(k, "h3-v1")};
    static tokens before;
    CHECK(seal_all(sealers, &before));
    check_fork(sealers, 2);
    for (int i = 0; i < FORMATS; i++) polyseal_sealer_free(sealers[i]);
    polyseal_keyring_free(k);
    return finish("fork");
}
