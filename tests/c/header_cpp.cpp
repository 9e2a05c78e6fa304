// The header compiles as C++17 with -Wall -Wextra -Werror -pedantic, and twice is harmless.
#include "polyseal.h"
#include "polyseal.h"

#include <type_traits>

// The functions have C linkage and the types the contract states.
static_assert(std::is_same<polyseal_status, int32_t>::value, "status is int32_t");
static_assert(std::is_same<decltype(&polyseal_sealer_seal_at),
                           polyseal_status (*)(const polyseal_sealer *, const char *, size_t,
                                               uint64_t, polyseal_buf *)>::value,
              "seal_at signature");
static_assert(std::is_standard_layout<polyseal_buf>::value, "polyseal_buf is a plain struct");
static_assert(POLYSEAL_STATUS_OK == 0, "OK is 0");

extern "C" int polyseal_header_cpp_check(void);
extern "C" int polyseal_header_cpp_check(void) { return POLYSEAL_ABI_VERSION > 0 ? 0 : 1; }
