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

static int finish(const char *suite) {
    printf("%s: %d passed, %d failed\n", suite, checks_passed, checks_failed);
    return checks_failed == 0 && checks_passed > 0 ? 0 : 1;
}

#endif
