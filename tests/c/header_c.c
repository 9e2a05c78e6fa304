/* The header compiles as C11 with -Wall -Wextra -Werror -pedantic, and twice is harmless. */
#include "polyseal.h"
#include "polyseal.h"

/* Every public name is declared, with the types the contract states. */
static polyseal_status (*const seal_at)(const polyseal_sealer *, const char *, size_t, uint64_t,
                                        polyseal_buf *) = polyseal_sealer_seal_at;
static const polyseal_buf empty = {NULL, 0};

int main(void) {
    return (seal_at != NULL && empty.len == 0 && POLYSEAL_STATUS_OK == 0) ? 0 : 1;
}
