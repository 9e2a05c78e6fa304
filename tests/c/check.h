/* Minimal assertions for the C tests: count checks, report failures with their location, and end
 * with the "N passed, N failed" line. */
#ifndef POLYSEAL_TEST_CHECK_H
#define POLYSEAL_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

#include "polyseal.h"

static int checks_passed;
static int checks_failed;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (cond) {                                                                   \
            checks_passed++;                                                          \
        } else {                                                                      \
            checks_failed++;                                                          \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                             \
    } while (0)

/* Checks a status and, on a mismatch, prints both names and the last error message. */
#define CHECK_STATUS(expr, expected)                                                       \
    do {                                                                                   \
        polyseal_status got_ = (expr);                                                     \
        if (got_ == (expected)) {                                                          \
            checks_passed++;                                                               \
        } else {                                                                           \
            char message_[256];                                                            \
            polyseal_last_error_message(message_, sizeof message_);                        \
            checks_failed++;                                                               \
            fprintf(stderr, "%s:%d: %s gave %s, expected %s (%s)\n", __FILE__, __LINE__, \
                    #expr, polyseal_status_str(got_), polyseal_status_str(expected),     \
                    message_);                                                             \
        }                                                                                  \
    } while (0)

#define CHECK_OK(expr) CHECK_STATUS(expr, POLYSEAL_STATUS_OK)

/* (pointer, length) of a string literal or array, without its NUL. */
#define S(literal) (literal), (sizeof(literal) - 1)

/* A pointer value the library must never write over an out-parameter when it fails. */
static const char sentinel_byte;
#define SENTINEL(type) ((type)(const void *)&sentinel_byte)

/* The last error message, in a static buffer. */
static inline const char *last_error(void) {
    static char buf[512];
    polyseal_last_error_message(buf, sizeof buf);
    return buf;
}

/* Checks that the last error message starts with the name of `status` and a colon. */
static inline void check_message_names(polyseal_status status) {
    const char *name = polyseal_status_str(status);
    const char *message = last_error();
    CHECK(strncmp(message, name, strlen(name)) == 0 && message[strlen(name)] == ':');
}

/* The status whose name is `name` ("OK" included), or -1. */
static inline polyseal_status status_named(const char *name) {
    for (polyseal_status s = 0; s < 256; s++) {
        if (strcmp(polyseal_status_str(s), name) == 0) return s;
    }
    return -1;
}

static int finish(const char *suite) {
    printf("%s: %d passed, %d failed\n", suite, checks_passed, checks_failed);
    return checks_failed == 0 && checks_passed > 0 ? 0 : 1;
}

#endif
