/*
 * polyseal.h: the C API of polyseal, which seals HTTP session data into encrypted, authenticated
 * cookie values and opens them again, byte for byte like the Rust, Python and Node packages.
 *
 * API conventions
 * ---------------
 * - Names are polyseal_<type>_<verb>; the cookie functions keep the core's names
 *   (polyseal_set_cookie, polyseal_parse_cookie_header, ...). Types are opaque handles
 *   (polyseal_keyring_builder, polyseal_keyring, polyseal_options, polyseal_sealer,
 *   polyseal_unsealed, polyseal_cookie_options, polyseal_cookie_list, polyseal_session_config,
 *   polyseal_session_manager, polyseal_session), created by a constructor or a builder; the only
 *   public struct is polyseal_buf {ptr, len}.
 * - Every fallible function returns a polyseal_status (int32_t): POLYSEAL_STATUS_OK (0) on
 *   success, else a POLYSEAL_STATUS_* code from polyseal's one error table (docs/ERRORS.md), the
 *   same codes Python's .code and Node's err.code name. polyseal_status_str(status) gives the
 *   name; polyseal_last_error_message() gives this thread's message of the last failed call.
 *   Codes may be added in compatible releases: treat unknown non-zero values as failures.
 * - Outputs are out-parameters placed last and are written only on success; on failure they are
 *   left untouched.
 * - Every buffer is a pointer followed by its length in bytes. Text in (ids, passwords, names,
 *   JSON, tokens, cookies) is UTF-8 and needs no NUL terminator; a NULL pointer is accepted only
 *   with length 0 and means empty (for the headers given to polyseal_session_manager_load_at:
 *   no header). Text out is (pointer, length) with a NUL after the last byte.
 *   Choices are made by name, as in the other languages: formats, cookie styles, chunk schemes,
 *   SameSite and Priority values.
 * - Integers only cross the boundary, never C enums: statuses are int32_t, secret and list kinds
 *   are uint32_t constants, times are uint64_t milliseconds since the Unix epoch (Max-Age is
 *   int64_t seconds, as the attribute is; session lifetimes are uint64_t seconds, as in every
 *   language, 0 meaning off).
 * - Ownership: whatever the library allocates for the caller has its own free function
 *   (polyseal_<type>_free, polyseal_buf_free), which accepts NULL. Pointers lent out by a getter
 *   belong to the handle and live until it is freed (a session's data text: until its data
 *   changes). Secrets and payloads are wiped when freed.
 * - NULL handles and NULL out-parameters make fallible functions return
 *   POLYSEAL_STATUS_INVALID_ARGUMENT; getters that return a value return false or 0 instead.
 *   Nothing in the library crashes or aborts on NULL.
 * - No Rust panic ever unwinds into C: every function body is guarded, and a caught panic is
 *   reported as POLYSEAL_STATUS_INTERNAL.
 * - Every operation that depends on the time has an _at form taking now_ms; the sealer's also
 *   have a plain form that reads the system clock, the session manager's take now_ms only.
 * - Several cookies always come as a polyseal_cookie_list: the (name, value) pairs of a request,
 *   or the Set-Cookie lines of a response (from the chunk functions and the session manager),
 *   each to be sent as its own header (never joined with commas).
 * - Loading a session never fails because of what the request carries: a missing or refused
 *   cookie gives a new session with POLYSEAL_STATUS_OK, and polyseal_session_rejection says why.
 *
 * Thread safety
 * -------------
 * A handle passed as `const T *` (polyseal_keyring, polyseal_sealer, polyseal_unsealed,
 * polyseal_session_manager) is immutable and may be used from any number of threads at the same
 * time; one sealer or one session manager serves a whole server. A handle passed as `T *` (the
 * builders polyseal_keyring_builder, polyseal_options, polyseal_cookie_options and
 * polyseal_session_config, polyseal_cookie_list to polyseal_cookie_list_push, and
 * polyseal_session) may be changed by one thread at a time; while nobody changes it, any number
 * of threads may pass it where a function takes `const T *` (one set of cookie options serves
 * every response). A polyseal_session is one request's: polyseal_session_set_data and the
 * manager's update, save, clear and token calls change it, so it must not be used by another
 * thread during them; it may move from thread to thread between calls, and its getters may run
 * on several threads while nobody changes it. Any handle may be freed only once no other thread
 * is using it. The last error message is per thread. polyseal_version, polyseal_abi_version and
 * polyseal_status_str may be called from any thread at any time.
 *
 * Versions and ABI policy
 * -----------------------
 * POLYSEAL_VERSION_MAJOR/MINOR/PATCH/STRING give the release this header belongs to;
 * polyseal_version() gives the loaded library's. POLYSEAL_ABI_VERSION and polyseal_abi_version()
 * give the ABI version, which is also the shared library's soname (libpolyseal.so.<ABI>). The ABI
 * version is bumped on every incompatible change: a function, type or constant removed, renamed
 * or changed in signature or meaning, or a status renumbered. Within one ABI version, releases
 * only add functions, constants and status codes. A program built with this header may run
 * against a library whose polyseal_abi_version() equals POLYSEAL_ABI_VERSION and whose version is
 * not older than POLYSEAL_VERSION_STRING.
 */

#ifndef POLYSEAL_H
#define POLYSEAL_H

/* Generated by cbindgen 0.29.4 from ffi/src: do not edit. Regenerate with `make -C ffi header`. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * Major version of the polyseal release this header belongs to.
 */
#define POLYSEAL_VERSION_MAJOR 0

/**
 * Minor version of the polyseal release this header belongs to.
 */
#define POLYSEAL_VERSION_MINOR 1

/**
 * Patch version of the polyseal release this header belongs to.
 */
#define POLYSEAL_VERSION_PATCH 0

/**
 * The version, as "MAJOR.MINOR.PATCH", of the polyseal release this header belongs to.
 */
#define POLYSEAL_VERSION_STRING "0.1.0"

/**
 * The ABI version of this header: see "ABI policy" at the top of the header. It changes on every
 * incompatible change (a removed or changed function, type or constant) and names the shared
 * library (`libpolyseal.so.<ABI>`); compatible additions keep it.
 */
#define POLYSEAL_ABI_VERSION 1

/**
 * The longest `Set-Cookie` line, in bytes, that browsers are guaranteed to store; a longer line
 * fails with `POLYSEAL_STATUS_TOO_LARGE` (or is chunked).
 */
#define POLYSEAL_MAX_SET_COOKIE_BYTES 4096

/**
 * The usual limit for the whole `Cookie` header a browser sends back (a common proxy limit):
 * pass it to `polyseal_cookie_header_budget`.
 */
#define POLYSEAL_COOKIE_HEADER_LIMIT 8190

/**
 * The longest `Cookie` header `polyseal_parse_cookie_header` reads, in bytes.
 */
#define POLYSEAL_MAX_COOKIE_HEADER_BYTES 65536

/**
 * The list holds cookies as `(name, value)` pairs, as a request's `Cookie` header carries them:
 * read them with `polyseal_cookie_list_pair`.
 */
#define POLYSEAL_COOKIE_LIST_PAIRS 1

/**
 * The list holds `Set-Cookie` header values, one per header line, in the order to send them:
 * read them with `polyseal_cookie_list_line`.
 */
#define POLYSEAL_COOKIE_LIST_LINES 2

/**
 * Derived keys a keyring's Fe26.2 cache holds unless the builder says otherwise.
 */
#define POLYSEAL_DEFAULT_DERIVED_KEY_CACHE_ENTRIES 1024

/**
 * Most derived keys a keyring's Fe26.2 cache may be set to hold.
 */
#define POLYSEAL_MAX_DERIVED_KEY_CACHE_ENTRIES 1048576

/**
 * An ordered list of cookies: either `(name, value)` pairs (`POLYSEAL_COOKIE_LIST_PAIRS`, from
 * `polyseal_parse_cookie_header` or built with `polyseal_cookie_list_new` and
 * `polyseal_cookie_list_push`) or `Set-Cookie` lines (`POLYSEAL_COOKIE_LIST_LINES`, from
 * `polyseal_chunk_set_cookies` and `polyseal_chunk_deletion_cookies`; send each line as its own
 * `Set-Cookie` header, never joined with commas).
 *
 * Only `polyseal_cookie_list_push` changes a list (one thread at a time, with no reader); every
 * other function takes `const polyseal_cookie_list *` and may run on any number of threads at
 * once. Text lent out by the getters stays valid until the list is freed (a push does not move
 * it). Free the list with `polyseal_cookie_list_free`, which wipes its text.
 */
typedef struct polyseal_cookie_list polyseal_cookie_list;

/**
 * The attributes of a `Set-Cookie` line: `Max-Age`, `Expires`, `Domain`, `Path`, `Secure`,
 * `HttpOnly`, `SameSite`, `Partitioned`, `Priority`. Created by `polyseal_cookie_options_new`
 * (no attributes), `polyseal_cookie_options_secure_defaults`,
 * `polyseal_cookie_options_insecure_dev` or `polyseal_cookie_options_for_style`; changed with the
 * `polyseal_cookie_options_set_*` setters; read by the functions that write `Set-Cookie` lines,
 * which take it as `const polyseal_cookie_options *`.
 *
 * Mutable: one thread at a time while it is being set; once set, any number of threads may pass
 * it to the line writers at once. Free it with `polyseal_cookie_options_free`.
 */
typedef struct polyseal_cookie_options polyseal_cookie_options;

/**
 * Secrets with ids: the current entry seals, every entry unseals.
 *
 * Immutable once built: a `const polyseal_keyring *` may be used from any number of threads at
 * once. Free it with `polyseal_keyring_free`; sealers built from it keep their own reference, so
 * it may be freed as soon as they are built.
 */
typedef struct polyseal_keyring polyseal_keyring;

/**
 * Collects keyring entries; `polyseal_keyring_builder_build` turns them into a keyring.
 *
 * Mutable: one thread at a time. Free it with `polyseal_keyring_builder_free`.
 */
typedef struct polyseal_keyring_builder polyseal_keyring_builder;

/**
 * Options for `polyseal_sealer_new`, each at its default until set. Every format reads the ones
 * that apply to it. `polyseal_sealer_new` copies them, so one options object can configure many
 * sealers and be freed right after.
 *
 * Mutable: one thread at a time. Free it with `polyseal_options_free`.
 */
typedef struct polyseal_options polyseal_options;

/**
 * A keyring, a format and options: seals and unseals tokens.
 *
 * Immutable: a `const polyseal_sealer *` may be used from any number of threads at once (each
 * call is independent; only the last error message is per thread). Free it with
 * `polyseal_sealer_free`.
 */
typedef struct polyseal_sealer polyseal_sealer;

/**
 * One request's session: its id, times, data (a JSON object) and state. Created by
 * `polyseal_session_manager_load_at`; read with the `polyseal_session_*` getters; changed with
 * `polyseal_session_set_data` and by the manager's update, save, clear and token calls; free it
 * with `polyseal_session_free`.
 *
 * Mutable: one thread at a time. While nobody changes it, any number of threads may read it
 * through the getters, which take `const polyseal_session *`.
 */
typedef struct polyseal_session polyseal_session;

/**
 * The configuration of a session manager: the format, the cookie's name and attributes, the
 * session lifetimes, chunking, the session header and the sealer options. Created by
 * `polyseal_session_config_new` with the format's defaults, changed with the
 * `polyseal_session_config_set_*` setters, and read (copied) by
 * `polyseal_session_manager_new`, so one configuration can build many managers and be freed
 * right after.
 *
 * Mutable: one thread at a time. Free it with `polyseal_session_config_free`.
 */
typedef struct polyseal_session_config polyseal_session_config;

/**
 * A keyring and a session configuration: loads sessions from requests and writes the
 * `Set-Cookie` lines that persist or clear them.
 *
 * Immutable: a `const polyseal_session_manager *` may be used from any number of threads at
 * once (one manager serves a whole server; each request has its own `polyseal_session`). Free
 * it with `polyseal_session_manager_free`.
 */
typedef struct polyseal_session_manager polyseal_session_manager;

/**
 * What an authentic token held: the payload as JSON text, the key id, the times, and whether to
 * seal it again. Created by `polyseal_sealer_unseal` and `polyseal_sealer_unseal_at`; read with
 * the `polyseal_unsealed_*` getters; free it with `polyseal_unsealed_free`.
 *
 * Immutable: a `const polyseal_unsealed *` may be read from any number of threads at once.
 */
typedef struct polyseal_unsealed polyseal_unsealed;

/**
 * Bytes allocated by the library and owned by the caller, such as a sealed token.
 *
 * `ptr[len]` is always a NUL byte (not counted in `len`), so text in a buffer can also be used as
 * a C string. Release it with `polyseal_buf_free`; do not change `ptr` or `len` before that.
 * Declare it as `polyseal_buf token = {NULL, 0};` so that freeing it is safe whether or not a
 * call filled it (a failed call leaves it untouched).
 */
typedef struct polyseal_buf {
    /**
     * The first byte, or NULL for an empty (freed or never filled) buffer.
     */
    uint8_t *ptr;
    /**
     * The number of bytes, excluding the trailing NUL.
     */
    size_t len;
} polyseal_buf;

/**
 * The result of every fallible function: `POLYSEAL_STATUS_OK` (0) on success, otherwise one of
 * the `POLYSEAL_STATUS_*` codes (core's error table, `docs/ERRORS.md`). Compare it with the
 * constants; new codes may be added in a compatible release, so handle unknown values too.
 */
typedef int32_t polyseal_status;

/**
 * Which kind of secret a `(pointer, length)` pair holds; see `polyseal_keyring_builder_add_split`.
 */
typedef uint32_t polyseal_secret_kind;

/**
 * Counters of a keyring's Fe26.2 derived-key cache, summed over its shards, since the keyring
 * was built. Sealers and session managers built from a keyring share its cache; two keyrings
 * built from one builder have a cache each.
 */
typedef struct polyseal_derived_key_cache_stats {
    /**
     * Most entries the cache holds (0: the cache is disabled).
     */
    size_t capacity;
    /**
     * Entries held now.
     */
    size_t entries;
    /**
     * Lookups answered from the cache.
     */
    uint64_t hits;
    /**
     * Lookups that found nothing (the key was then derived).
     */
    uint64_t misses;
    /**
     * Keys inserted.
     */
    uint64_t insertions;
    /**
     * Keys evicted (and wiped) to make room.
     */
    uint64_t evictions;
} polyseal_derived_key_cache_stats;

/**
 * The secret is a UTF-8 password of at least 32 characters (UTF-16 code units, as JavaScript
 * counts them).
 */
#define POLYSEAL_SECRET_PASSWORD 1

/**
 * The secret is a raw key of exactly 32 bytes.
 */
#define POLYSEAL_SECRET_KEY 2

/**
 * Success.
 */
#define POLYSEAL_STATUS_OK 0

/**
 * The token or header is not well formed: wrong shape, bad base64url, too short, bad field.
 */
#define POLYSEAL_STATUS_MALFORMED 1

/**
 * The token names a format version (or Fe26 prefix) this library does not read.
 */
#define POLYSEAL_STATUS_UNSUPPORTED_VERSION 2

/**
 * The token names a key id the keyring does not hold (fails closed: no other key is tried).
 */
#define POLYSEAL_STATUS_UNKNOWN_KEY 3

/**
 * Authentication failed: tampered token, wrong key, wrong cookie name or context.
 */
#define POLYSEAL_STATUS_BAD_SEAL 4

/**
 * The token was authentic but its expiry has passed.
 */
#define POLYSEAL_STATUS_EXPIRED 5

/**
 * The token was issued further in the future than the allowed clock skew.
 */
#define POLYSEAL_STATUS_NOT_YET_VALID 6

/**
 * An input or output exceeds a size limit (token, payload, cookie, header).
 */
#define POLYSEAL_STATUS_TOO_LARGE 7

/**
 * The payload is not valid UTF-8 JSON, or nests deeper than the limit.
 */
#define POLYSEAL_STATUS_INVALID_JSON 8

/**
 * A password or key is empty, too short or the wrong size; a key id is invalid or repeated.
 */
#define POLYSEAL_STATUS_INVALID_PASSWORD 9

/**
 * An option is out of range or unknown (ttl, format name, iterations, ...).
 */
#define POLYSEAL_STATUS_INVALID_OPTION 10

/**
 * A cookie name, value or attribute breaks RFC 6265 or a cookie prefix rule.
 */
#define POLYSEAL_STATUS_INVALID_COOKIE 11

/**
 * The session was cleared in this request and can no longer be saved or updated.
 */
#define POLYSEAL_STATUS_SESSION_CLEARED 12

/**
 * An unusable argument: a NULL pointer, non-UTF-8 text, an impossible length or an unknown kind.
 */
#define POLYSEAL_STATUS_INVALID_ARGUMENT 13

/**
 * An internal failure: the randomness source failed, or a panic was caught at the C boundary.
 */
#define POLYSEAL_STATUS_INTERNAL 14

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Frees the bytes of `buf`, wiping them first, and resets it to `{NULL, 0}`.
 *
 * Accepts NULL, and a buffer whose `ptr` is NULL (both do nothing), so freeing twice through
 * the same `polyseal_buf` is harmless. Never fails.
 *
 * # Safety
 * A non-NULL `buf->ptr` must have been filled in by this library and not freed since, with `len`
 * unchanged.
 */
void polyseal_buf_free(struct polyseal_buf *buf);

/**
 * Writes one `Set-Cookie` header value (without the `Set-Cookie:` name) that stores `value`
 * under `name`, and stores it in `*line_out`, which the caller frees with `polyseal_buf_free`.
 *
 * `name` and `value` are UTF-8 (`name_len` and `value_len` bytes, no NUL needed); `options` are
 * the attributes; `style` (`style_len` bytes) chooses whose form to write, byte for byte:
 * `"polyseal"` (strict: the value must already be RFC 6265 cookie-octets), `"h3-v1"`, `"h3-v2"`
 * (h3 1.x and 2.x: value percent-encoded) or `"iron-session"` (percent-encoded only when needed).
 *
 * Returns `POLYSEAL_STATUS_INVALID_COOKIE` when the name is not an RFC 6265 token, the value is
 * not cookie-octets (`polyseal` style), the domain or path is malformed, or a rule is broken
 * (`__Host-` needs `Secure`, `Path=/` and no `Domain`; `__Secure-`, `SameSite=None` and
 * `Partitioned` need `Secure`); `POLYSEAL_STATUS_TOO_LARGE` for a line over
 * `POLYSEAL_MAX_SET_COOKIE_BYTES`; `POLYSEAL_STATUS_INVALID_OPTION` for an unknown style; and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text. `*line_out` is
 * written only on success.
 *
 * # Safety
 * `options` must be NULL or live options not being changed by another thread; `name`, `value`
 * and `style` must be NULL or readable for their lengths; `line_out` must be NULL or writable.
 */
polyseal_status polyseal_set_cookie(const char *name,
                                    size_t name_len,
                                    const char *value,
                                    size_t value_len,
                                    const struct polyseal_cookie_options *options,
                                    const char *style,
                                    size_t style_len,
                                    struct polyseal_buf *line_out);

/**
 * Writes the `Set-Cookie` header value that deletes the cookie `name` (an empty value with
 * `Max-Age=0`; the `polyseal` style also writes an epoch `Expires`) and stores it in
 * `*line_out`, which the caller frees with `polyseal_buf_free`.
 *
 * Pass the options the cookie was set with: a deletion only reaches the cookie with the same
 * name, `Domain`, `Path` and `Partitioned`, and the prefix rules apply to it too. Returns the
 * statuses of `polyseal_set_cookie`. `*line_out` is written only on success.
 *
 * # Safety
 * As for `polyseal_set_cookie`.
 */
polyseal_status polyseal_deletion_cookie(const char *name,
                                         size_t name_len,
                                         const struct polyseal_cookie_options *options,
                                         const char *style,
                                         size_t style_len,
                                         struct polyseal_buf *line_out);

/**
 * Parses the value of a request's `Cookie` header (`header_len` bytes, no NUL needed) into a
 * new list of `(name, value)` pairs in header order, stored in `*list_out`; free it with
 * `polyseal_cookie_list_free`.
 *
 * Lenient as browsers are: blanks around names and values are dropped, a value may be empty,
 * hold `=` or be wrapped in double quotes (unwrapped); a segment without `=`, with an empty name
 * or with a control character is skipped. When a name repeats, the first occurrence is kept and
 * later ones dropped. Values holding `%` are percent-decoded as h3 decodes them (kept raw when
 * that fails).
 *
 * Returns `POLYSEAL_STATUS_TOO_LARGE` for a header over `POLYSEAL_MAX_COOKIE_HEADER_BYTES`,
 * `POLYSEAL_STATUS_MALFORMED` for a header that is not UTF-8 (it is untrusted input), and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers. `*list_out` is written only on success.
 *
 * # Safety
 * `header` must be NULL or readable for `header_len` bytes; `list_out` must be NULL or writable.
 */
polyseal_status polyseal_parse_cookie_header(const char *header,
                                             size_t header_len,
                                             struct polyseal_cookie_list **list_out);

/**
 * Writes the `Set-Cookie` lines that store `value` under `name`, chunked as the scheme does when
 * it does not fit one cookie, into a new list of lines stored in `*lines_out` (free it with
 * `polyseal_cookie_list_free`). Send every line, in order, each as its own `Set-Cookie` header.
 *
 * `scheme` (`scheme_len` bytes) is `"none"` (one cookie only), `"h3"` (h3 2.x:
 * `name=__chunked__N` plus `name.1` ... `name.N`, N at most 100) or `"iron-session"`
 * (`name.0` ... `name.3`). With `split` false, or for `"none"`, a line over
 * `POLYSEAL_MAX_SET_COOKIE_BYTES` fails instead. `previous_whole` and `previous_chunks` are
 * what `polyseal_chunk_state` reported for the request (false and 0 when there was none):
 * chunk cookies the new value no longer uses are deleted by lines in the list. `name`,
 * `value`, `options` and `style` are as for `polyseal_set_cookie`, whose checks apply to every
 * line.
 *
 * Returns `POLYSEAL_STATUS_TOO_LARGE` when the value does not fit (more chunks than the scheme
 * allows, or a line too long without splitting); `POLYSEAL_STATUS_INVALID_OPTION` for an
 * unknown style or scheme, or a `previous_chunks` above the scheme's limit; the other statuses
 * of `polyseal_set_cookie`. `*lines_out` is written only on success.
 *
 * # Safety
 * As for `polyseal_set_cookie`, with `scheme` readable for `scheme_len` bytes and `lines_out`
 * NULL or writable.
 */
polyseal_status polyseal_chunk_set_cookies(const char *name,
                                           size_t name_len,
                                           const char *value,
                                           size_t value_len,
                                           const struct polyseal_cookie_options *options,
                                           const char *style,
                                           size_t style_len,
                                           const char *scheme,
                                           size_t scheme_len,
                                           bool split,
                                           bool previous_whole,
                                           size_t previous_chunks,
                                           struct polyseal_cookie_list **lines_out);

/**
 * Writes the `Set-Cookie` lines that delete `name` and every chunk cookie the request carried
 * (`previous_whole` and `previous_chunks`, from `polyseal_chunk_state`), in the order h3 and
 * iron-session send them, into a new list of lines stored in `*lines_out`.
 *
 * Arguments and statuses are as for `polyseal_chunk_set_cookies`; the options must be those
 * the cookies were set with. `*lines_out` is written only on success.
 *
 * # Safety
 * As for `polyseal_chunk_set_cookies`.
 */
polyseal_status polyseal_chunk_deletion_cookies(const char *name,
                                                size_t name_len,
                                                const struct polyseal_cookie_options *options,
                                                const char *style,
                                                size_t style_len,
                                                const char *scheme,
                                                size_t scheme_len,
                                                bool previous_whole,
                                                size_t previous_chunks,
                                                struct polyseal_cookie_list **lines_out);

/**
 * Reports what the request cookies `cookies` carry under `name` in the chunk `scheme`
 * (`"none"`, `"h3"` or `"iron-session"`): `*whole_out` is whether `name` itself holds a
 * non-empty unchunked value, `*chunks_out` how many chunk cookies to account for. Pass both to
 * `polyseal_chunk_set_cookies` or `polyseal_chunk_deletion_cookies` so that the response
 * deletes the chunks it no longer needs.
 *
 * Returns `POLYSEAL_STATUS_INVALID_OPTION` for an unknown scheme and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers, non-UTF-8 text or a list of
 * `Set-Cookie` lines. The out-parameters are written only on success.
 *
 * # Safety
 * `cookies` must be NULL or a live list not being changed by another thread; `name` and
 * `scheme` must be NULL or readable for their lengths; the out-parameters must be NULL or
 * writable.
 */
polyseal_status polyseal_chunk_state(const struct polyseal_cookie_list *cookies,
                                     const char *name,
                                     size_t name_len,
                                     const char *scheme,
                                     size_t scheme_len,
                                     bool *whole_out,
                                     size_t *chunks_out);

/**
 * Reads the value the request cookies `cookies` store under `name`, rejoining its chunks in the
 * `scheme` (`"none"`, `"h3"` or `"iron-session"`).
 *
 * Finding no session is not an error: on success `*found_out` says whether there was a value.
 * When there was, it is stored in `*value_out` (the caller frees it with `polyseal_buf_free`,
 * which wipes it); when there was not (no cookie, an empty value, a missing or empty chunk, a
 * malformed chunk count), `*value_out` is left untouched.
 *
 * Returns `POLYSEAL_STATUS_INVALID_OPTION` for an unknown scheme and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers, non-UTF-8 text or a list of
 * `Set-Cookie` lines. The out-parameters are written only on success.
 *
 * # Safety
 * As for `polyseal_chunk_state`, with `found_out` and `value_out` NULL or writable.
 */
polyseal_status polyseal_reassemble(const struct polyseal_cookie_list *cookies,
                                    const char *name,
                                    size_t name_len,
                                    const char *scheme,
                                    size_t scheme_len,
                                    bool *found_out,
                                    struct polyseal_buf *value_out);

/**
 * Measures the `Cookie` header a browser would send back holding the request cookies `cookies`
 * (`name=value` as on the wire, joined with `"; "`) and stores its length in bytes in
 * `*length_out`.
 *
 * Returns `POLYSEAL_STATUS_TOO_LARGE` when the length exceeds `limit` (typically
 * `POLYSEAL_COOKIE_HEADER_LIMIT`; the message gives both numbers) and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or a list of `Set-Cookie` lines.
 * `*length_out` is written only on success.
 *
 * # Safety
 * `cookies` must be NULL or a live list not being changed by another thread; `length_out` must
 * be NULL or writable.
 */
polyseal_status polyseal_cookie_header_budget(const struct polyseal_cookie_list *cookies,
                                              size_t limit,
                                              size_t *length_out);

/**
 * Formats `ms` (milliseconds since the Unix epoch) as an IMF-fixdate, the `Expires` form,
 * exactly as JavaScript's `Date.prototype.toUTCString()` prints it (`"Thu, 01 Jan 1970 00:00:00
 * GMT"`, milliseconds dropped), and stores it in `*date_out`, which the caller frees with
 * `polyseal_buf_free`.
 *
 * Returns `POLYSEAL_STATUS_INVALID_OPTION` for an instant after the year 9999 and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` if `date_out` is NULL. `*date_out` is written only on
 * success.
 *
 * # Safety
 * `date_out` must be NULL or writable.
 */
polyseal_status polyseal_imf_fixdate(uint64_t ms, struct polyseal_buf *date_out);

/**
 * Creates an empty list of request cookies (`POLYSEAL_COOKIE_LIST_PAIRS`) and stores it in
 * `*list_out`: fill it with `polyseal_cookie_list_push` when the cookies were parsed elsewhere,
 * for example by a web framework.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `list_out` is NULL.
 *
 * # Safety
 * `list_out` must be NULL or writable.
 */
polyseal_status polyseal_cookie_list_new(struct polyseal_cookie_list **list_out);

/**
 * Appends the cookie `name=value` to a list of request cookies. The text is taken as given
 * (already decoded, no checks beyond UTF-8), as `polyseal_parse_cookie_header` would have
 * produced it; when a name repeats, the functions reading the list use its first occurrence.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers, non-UTF-8 text, or a list of
 * `Set-Cookie` lines; on failure the list is unchanged.
 *
 * # Safety
 * `list` must be NULL or a live list used by no other thread during the call; `name` and
 * `value` must be NULL or readable for their lengths.
 */
polyseal_status polyseal_cookie_list_push(struct polyseal_cookie_list *list,
                                          const char *name,
                                          size_t name_len,
                                          const char *value,
                                          size_t value_len);

/**
 * What `list` holds: `POLYSEAL_COOKIE_LIST_PAIRS` or `POLYSEAL_COOKIE_LIST_LINES`; 0 for NULL.
 * New kinds may be added in compatible releases.
 *
 * # Safety
 * `list` must be NULL or a live list.
 */
uint32_t polyseal_cookie_list_kind(const struct polyseal_cookie_list *list);

/**
 * The number of cookies (pairs or lines) in `list`; 0 for NULL.
 *
 * # Safety
 * `list` must be NULL or a live list.
 */
size_t polyseal_cookie_list_count(const struct polyseal_cookie_list *list);

/**
 * Lends out the name and value of the cookie at `index` (from 0) of a list of request cookies:
 * stores pointers in `*name_out` and `*value_out` and the lengths in bytes in `*name_len_out` and
 * `*value_len_out`.
 *
 * The text is UTF-8 followed by a NUL byte not counted in the length. It belongs to `list` and
 * stays valid until `polyseal_cookie_list_free(list)`; do not free it. Returns
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers, an index not below
 * `polyseal_cookie_list_count(list)`, or a list of `Set-Cookie` lines; the out-parameters are
 * written only on success.
 *
 * # Safety
 * `list` must be NULL or a live list; the out-parameters must be NULL or writable.
 */
polyseal_status polyseal_cookie_list_pair(const struct polyseal_cookie_list *list,
                                          size_t index,
                                          const char **name_out,
                                          size_t *name_len_out,
                                          const char **value_out,
                                          size_t *value_len_out);

/**
 * Lends out the `Set-Cookie` line at `index` (from 0) of a list of lines: the header's value,
 * without the `Set-Cookie:` name. Stores a pointer in `*line_out` and the length in bytes in
 * `*line_len_out`; the text is NUL-terminated and belongs to `list` until it is freed.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers, an index not below
 * `polyseal_cookie_list_count(list)`, or a list of request cookies; the out-parameters are
 * written only on success.
 *
 * # Safety
 * `list` must be NULL or a live list; the out-parameters must be NULL or writable.
 */
polyseal_status polyseal_cookie_list_line(const struct polyseal_cookie_list *list,
                                          size_t index,
                                          const char **line_out,
                                          size_t *line_len_out);

/**
 * Frees a cookie list, wiping its text. Accepts NULL.
 *
 * # Safety
 * `list` must be NULL or a live list that no other thread is using, not used again afterwards;
 * pointers lent out by its getters become invalid.
 */
void polyseal_cookie_list_free(struct polyseal_cookie_list *list);

/**
 * Creates cookie options with no attributes at all (a bare `name=value` line) and stores them in
 * `*options_out`. For a session cookie start from `polyseal_cookie_options_secure_defaults`
 * instead.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options_out` is NULL.
 *
 * # Safety
 * `options_out` must be NULL or writable.
 */
polyseal_status polyseal_cookie_options_new(struct polyseal_cookie_options **options_out);

/**
 * Creates the defaults for a session cookie, `Path=/; HttpOnly; Secure; SameSite=Lax`, and
 * stores them in `*options_out`.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options_out` is NULL.
 *
 * # Safety
 * `options_out` must be NULL or writable.
 */
polyseal_status polyseal_cookie_options_secure_defaults(struct polyseal_cookie_options **options_out);

/**
 * Creates the secure defaults without `Secure` (`Path=/; HttpOnly; SameSite=Lax`), for local
 * development over plain http only, and stores them in `*options_out`. Never use them in
 * production: the cookie would travel over unencrypted connections.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options_out` is NULL.
 *
 * # Safety
 * `options_out` must be NULL or writable.
 */
polyseal_status polyseal_cookie_options_insecure_dev(struct polyseal_cookie_options **options_out);

/**
 * Creates the session cookie options a peer uses by default and stores them in `*options_out`.
 *
 * `style` (`style_len` bytes, no NUL needed) is `"polyseal"` (the secure defaults), `"h3-v1"`
 * (`Path=/; HttpOnly; Secure`), `"h3-v2"` or `"iron-session"` (both the secure defaults).
 *
 * Returns `POLYSEAL_STATUS_INVALID_OPTION` for an unknown style and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text.
 *
 * # Safety
 * `style` must be NULL or readable for `style_len` bytes; `options_out` must be NULL or
 * writable.
 */
polyseal_status polyseal_cookie_options_for_style(const char *style,
                                                  size_t style_len,
                                                  struct polyseal_cookie_options **options_out);

/**
 * Sets `Max-Age` in seconds (0 tells the browser to drop the cookie at once).
 *
 * Returns `POLYSEAL_STATUS_INVALID_OPTION` for a negative value (to delete a cookie, write
 * `polyseal_deletion_cookie`) and `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL; on
 * failure the options are unchanged. The `h3-v2` style caps it at 400 days when writing.
 *
 * # Safety
 * `options` must be NULL or live options used by no other thread during the call.
 */
polyseal_status polyseal_cookie_options_set_max_age(struct polyseal_cookie_options *options,
                                                    int64_t max_age_s);

/**
 * Sets `Expires` to `expires_ms` (milliseconds since the Unix epoch, written to the second).
 *
 * Returns `POLYSEAL_STATUS_INVALID_OPTION` for an instant after the year 9999 and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL; on failure the options are unchanged.
 *
 * # Safety
 * As for `polyseal_cookie_options_set_max_age`.
 */
polyseal_status polyseal_cookie_options_set_expires_ms(struct polyseal_cookie_options *options,
                                                       uint64_t expires_ms);

/**
 * Sets both `Expires` (to `expires_ms`) and `Max-Age` (to the whole seconds left until then as
 * seen at `now_ms`, rounded down; 0 when that instant has passed, never negative), so that a
 * cookie ends with the token it carries. Times are milliseconds since the Unix epoch.
 *
 * Returns `POLYSEAL_STATUS_INVALID_OPTION` for an `expires_ms` after the year 9999 and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL; on failure the options are unchanged.
 *
 * # Safety
 * As for `polyseal_cookie_options_set_max_age`.
 */
polyseal_status polyseal_cookie_options_set_expiry(struct polyseal_cookie_options *options,
                                                   uint64_t expires_ms,
                                                   uint64_t now_ms);

/**
 * Sets `Domain` (`domain_len` bytes of UTF-8, no NUL needed): a host name of letters, digits,
 * hyphens and dots, with an optional leading dot. It is checked when a line is written, which
 * fails with `POLYSEAL_STATUS_INVALID_COOKIE` for anything else (an empty domain included).
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text.
 *
 * # Safety
 * `options` as for `polyseal_cookie_options_set_max_age`; `domain` must be NULL or readable for
 * `domain_len` bytes.
 */
polyseal_status polyseal_cookie_options_set_domain(struct polyseal_cookie_options *options,
                                                   const char *domain,
                                                   size_t domain_len);

/**
 * Sets `Path` (`path_len` bytes of UTF-8, no NUL needed). It must start with `/` and hold no
 * control character or `;`; it is checked when a line is written, which fails with
 * `POLYSEAL_STATUS_INVALID_COOKIE` otherwise. The `h3-v1` and `h3-v2` styles write `Path=/` when
 * no path is set.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text.
 *
 * # Safety
 * `options` as for `polyseal_cookie_options_set_max_age`; `path` must be NULL or readable for
 * `path_len` bytes.
 */
polyseal_status polyseal_cookie_options_set_path(struct polyseal_cookie_options *options,
                                                 const char *path,
                                                 size_t path_len);

/**
 * Sets or clears `Secure` (the cookie travels over https only). `SameSite=None`, `Partitioned`
 * and the `__Secure-` and `__Host-` name prefixes need it.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL.
 *
 * # Safety
 * As for `polyseal_cookie_options_set_max_age`.
 */
polyseal_status polyseal_cookie_options_set_secure(struct polyseal_cookie_options *options,
                                                   bool secure);

/**
 * Sets or clears `HttpOnly` (scripts in the page cannot read the cookie).
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL.
 *
 * # Safety
 * As for `polyseal_cookie_options_set_max_age`.
 */
polyseal_status polyseal_cookie_options_set_http_only(struct polyseal_cookie_options *options,
                                                      bool http_only);

/**
 * Sets `SameSite` by name: `"Strict"`, `"Lax"` or `"None"`, in any letter case (`name_len`
 * bytes, no NUL needed). `SameSite=None` needs `Secure` when a line is written.
 *
 * Returns `POLYSEAL_STATUS_INVALID_OPTION` for another name and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text; on failure the options
 * are unchanged.
 *
 * # Safety
 * `options` as for `polyseal_cookie_options_set_max_age`; `name` must be NULL or readable for
 * `name_len` bytes.
 */
polyseal_status polyseal_cookie_options_set_same_site(struct polyseal_cookie_options *options,
                                                      const char *name,
                                                      size_t name_len);

/**
 * Sets or clears `Partitioned` (CHIPS: the cookie is kept per top-level site). It needs
 * `Secure` when a line is written.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL.
 *
 * # Safety
 * As for `polyseal_cookie_options_set_max_age`.
 */
polyseal_status polyseal_cookie_options_set_partitioned(struct polyseal_cookie_options *options,
                                                        bool partitioned);

/**
 * Sets `Priority` (a Chromium extension) by name: `"Low"`, `"Medium"` or `"High"`, in any
 * letter case (`name_len` bytes, no NUL needed).
 *
 * Returns `POLYSEAL_STATUS_INVALID_OPTION` for another name and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text; on failure the options
 * are unchanged.
 *
 * # Safety
 * As for `polyseal_cookie_options_set_same_site`.
 */
polyseal_status polyseal_cookie_options_set_priority(struct polyseal_cookie_options *options,
                                                     const char *name,
                                                     size_t name_len);

/**
 * Frees cookie options. Accepts NULL.
 *
 * # Safety
 * `options` must be NULL or live options that no other thread is using, not used again
 * afterwards.
 */
void polyseal_cookie_options_free(struct polyseal_cookie_options *options);

/**
 * Creates an empty keyring builder and stores it in `*builder_out`.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `builder_out` is NULL.
 *
 * # Safety
 * `builder_out` must be NULL or writable.
 */
polyseal_status polyseal_keyring_builder_new(struct polyseal_keyring_builder **builder_out);

/**
 * Adds an entry holding a password, used for both encryption and integrity.
 *
 * `id` (`id_len` bytes of UTF-8, no NUL needed) is `[A-Za-z0-9_]{1,64}`, or empty for the single
 * entry of a one-entry keyring; ids are checked by `polyseal_keyring_builder_build`. `password`
 * is `password_len` bytes of UTF-8, at least 32 characters (UTF-16 code units).
 *
 * Returns `POLYSEAL_STATUS_INVALID_PASSWORD` for an empty or short password and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers (a NULL pointer with length 0 is empty
 * text) or non-UTF-8 text. On failure the builder is unchanged.
 *
 * # Safety
 * `builder` must be NULL or a live builder used by no other thread during the call; each
 * non-NULL pointer must be readable for its length.
 */
polyseal_status polyseal_keyring_builder_add_password(struct polyseal_keyring_builder *builder,
                                                      const char *id,
                                                      size_t id_len,
                                                      const char *password,
                                                      size_t password_len);

/**
 * Adds an entry holding a raw key of exactly 32 bytes, used for both encryption and integrity.
 *
 * `id` is as for `polyseal_keyring_builder_add_password`. Returns
 * `POLYSEAL_STATUS_INVALID_PASSWORD` when `key_len` is not 32 and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers. On failure the builder is unchanged.
 *
 * # Safety
 * As for `polyseal_keyring_builder_add_password`.
 */
polyseal_status polyseal_keyring_builder_add_key(struct polyseal_keyring_builder *builder,
                                                 const char *id,
                                                 size_t id_len,
                                                 const uint8_t *key,
                                                 size_t key_len);

/**
 * Adds an entry with separate encryption and integrity secrets (iron's
 * `{id, encryption, integrity}` form).
 *
 * Each secret is `(kind, pointer, length)`: `POLYSEAL_SECRET_PASSWORD` for UTF-8 password text
 * or `POLYSEAL_SECRET_KEY` for 32 raw bytes. Returns `POLYSEAL_STATUS_INVALID_PASSWORD` for a
 * bad secret and `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers, non-UTF-8 passwords or an
 * unknown kind. On failure the builder is unchanged.
 *
 * # Safety
 * As for `polyseal_keyring_builder_add_password`.
 */
polyseal_status polyseal_keyring_builder_add_split(struct polyseal_keyring_builder *builder,
                                                   const char *id,
                                                   size_t id_len,
                                                   polyseal_secret_kind encryption_kind,
                                                   const void *encryption,
                                                   size_t encryption_len,
                                                   polyseal_secret_kind integrity_kind,
                                                   const void *integrity,
                                                   size_t integrity_len);

/**
 * Chooses the entry that seals, by id. Without it, the first entry added seals. The id is
 * checked by `polyseal_keyring_builder_build` (`POLYSEAL_STATUS_INVALID_PASSWORD` if absent).
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text.
 *
 * # Safety
 * As for `polyseal_keyring_builder_add_password`.
 */
polyseal_status polyseal_keyring_builder_set_current(struct polyseal_keyring_builder *builder,
                                                     const char *id,
                                                     size_t id_len);

/**
 * Sets how many Fe26.2 derived keys the keyring caches (default
 * `POLYSEAL_DEFAULT_DERIVED_KEY_CACHE_ENTRIES`; 0 disables the cache, so every Fe26.2 unseal runs
 * PBKDF2). The number is checked by `polyseal_keyring_builder_build`: more than
 * `POLYSEAL_MAX_DERIVED_KEY_CACHE_ENTRIES` is `POLYSEAL_STATUS_INVALID_OPTION`. `docs/FORMAT.md`, "Derived-key
 * cache", says what is cached.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for a NULL builder.
 *
 * # Safety
 * `builder` must be NULL or a live builder.
 */
polyseal_status polyseal_keyring_builder_set_derived_key_cache(struct polyseal_keyring_builder *builder,
                                                               size_t entries);

/**
 * Validates the entries and stores a new keyring in `*keyring_out`.
 *
 * The builder is not consumed: it can build again, and must still be freed with
 * `polyseal_keyring_builder_free`. Returns `POLYSEAL_STATUS_INVALID_PASSWORD` for an empty
 * keyring, an invalid or repeated id, an empty id in a keyring of several entries, or a current
 * id that is not in the keyring; `POLYSEAL_STATUS_INVALID_OPTION` for a derived-key cache of
 * more than `POLYSEAL_MAX_DERIVED_KEY_CACHE_ENTRIES` entries; `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers.
 *
 * # Safety
 * `builder` must be NULL or a live builder; `keyring_out` must be NULL or writable.
 */
polyseal_status polyseal_keyring_builder_build(const struct polyseal_keyring_builder *builder,
                                               const struct polyseal_keyring **keyring_out);

/**
 * Frees a keyring builder, wiping the secrets it holds. Accepts NULL.
 *
 * # Safety
 * `builder` must be NULL or a live builder, not used again afterwards.
 */
void polyseal_keyring_builder_free(struct polyseal_keyring_builder *builder);

/**
 * Creates a keyring of one id-less password entry and stores it in `*keyring_out`: the
 * shorthand for a builder with one `add_password` of id `""`.
 *
 * Returns `POLYSEAL_STATUS_INVALID_PASSWORD` for an empty or short password and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text.
 *
 * # Safety
 * `password` must be NULL or readable for `password_len` bytes; `keyring_out` must be NULL or
 * writable.
 */
polyseal_status polyseal_keyring_from_password(const char *password,
                                               size_t password_len,
                                               const struct polyseal_keyring **keyring_out);

/**
 * Creates a keyring of one id-less raw 32-byte key and stores it in `*keyring_out`.
 *
 * Returns `POLYSEAL_STATUS_INVALID_PASSWORD` when `key_len` is not 32 and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers.
 *
 * # Safety
 * `key` must be NULL or readable for `key_len` bytes; `keyring_out` must be NULL or writable.
 */
polyseal_status polyseal_keyring_from_key(const uint8_t *key,
                                          size_t key_len,
                                          const struct polyseal_keyring **keyring_out);

/**
 * Frees a keyring. Accepts NULL. Sealers built from it stay usable.
 *
 * # Safety
 * `keyring` must be NULL or a live keyring that no other thread is using, not used again
 * afterwards.
 */
void polyseal_keyring_free(const struct polyseal_keyring *keyring);

/**
 * Writes the counters of the keyring's derived-key cache to `*stats_out`.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers.
 *
 * # Safety
 * `keyring` must be NULL or a live keyring; `stats_out` must be NULL or writable.
 */
polyseal_status polyseal_keyring_derived_key_cache_stats(const struct polyseal_keyring *keyring,
                                                         struct polyseal_derived_key_cache_stats *stats_out);

/**
 * Creates options with every value at its default and stores them in `*options_out`.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options_out` is NULL.
 *
 * # Safety
 * `options_out` must be NULL or writable.
 */
polyseal_status polyseal_options_new(struct polyseal_options **options_out);

/**
 * Sets the lifetime of new tokens in milliseconds. Unset, the format's default applies (no
 * expiry, except `iron-session`'s 14 days).
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL.
 *
 * # Safety
 * `options` must be NULL or live options used by no other thread during the call.
 */
polyseal_status polyseal_options_set_ttl_ms(struct polyseal_options *options, uint64_t ttl_ms);

/**
 * Sets the cookie name bound into native tokens (`name_len` bytes of UTF-8, no NUL needed;
 * default empty). A token presented under another name fails with `POLYSEAL_STATUS_BAD_SEAL`.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text.
 *
 * # Safety
 * `options` as for `polyseal_options_set_ttl_ms`; `name` must be NULL or readable for
 * `name_len` bytes.
 */
polyseal_status polyseal_options_set_cookie_name(struct polyseal_options *options,
                                                 const char *name,
                                                 size_t name_len);

/**
 * Sets caller context bytes bound into native tokens but never stored in them (default empty),
 * such as a tenant id. A token presented with other context fails with
 * `POLYSEAL_STATUS_BAD_SEAL`.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers.
 *
 * # Safety
 * `options` as for `polyseal_options_set_ttl_ms`; `context` must be NULL or readable for
 * `context_len` bytes.
 */
polyseal_status polyseal_options_set_context(struct polyseal_options *options,
                                             const uint8_t *context,
                                             size_t context_len);

/**
 * Sets the tolerated clock skew in milliseconds (default 60000): how far in the future a
 * native token's issued-at may be, and iron's timestamp skew for Fe26.2.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL.
 *
 * # Safety
 * As for `polyseal_options_set_ttl_ms`.
 */
polyseal_status polyseal_options_set_skew_ms(struct polyseal_options *options, uint64_t skew_ms);

/**
 * Sets the PBKDF2 iteration count (Fe26.2 formats only; unset keeps the format's value).
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL; the sealer rejects values
 * the format cannot use with `POLYSEAL_STATUS_INVALID_OPTION`.
 *
 * # Safety
 * As for `polyseal_options_set_ttl_ms`.
 */
polyseal_status polyseal_options_set_iterations(struct polyseal_options *options,
                                                uint32_t iterations);

/**
 * Sets the salt size in bits (Fe26.2 formats only; unset keeps the format's value).
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL; the sealer rejects values
 * the format cannot use with `POLYSEAL_STATUS_INVALID_OPTION`.
 *
 * # Safety
 * As for `polyseal_options_set_ttl_ms`.
 */
polyseal_status polyseal_options_set_salt_bits(struct polyseal_options *options,
                                               uint32_t salt_bits);

/**
 * Sets an offset in milliseconds added to the clock (Fe26.2's `localtimeOffsetMsec`; default 0).
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL.
 *
 * # Safety
 * As for `polyseal_options_set_ttl_ms`.
 */
polyseal_status polyseal_options_set_localtime_offset_ms(struct polyseal_options *options,
                                                         int64_t offset_ms);

/**
 * Sets the seal-side salt-reuse window in milliseconds (Fe26.2 formats only; 0, the default,
 * turns it off). Seals within `window_ms` of the first seal of a window reuse that seal's two
 * salts and the keys derived from them, each with a fresh IV, so an h3-v2 seal skips its two
 * 8192-iteration PBKDF2 derivations. The tokens are ordinary Fe26.2 that every peer opens, but
 * tokens sealed in one window carry the same salt fields: an observer of several cookies can
 * tell they were sealed by one server in one window. The window state lives in the keyring and
 * is shared by every sealer and session manager built on it. docs/FORMAT.md ("Seal-side salt
 * reuse") gives the security argument.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL; `polyseal_sealer_new` and
 * `polyseal_session_manager_new` reject a window over 24 hours (86400000 ms), or any window
 * with the native format, with `POLYSEAL_STATUS_INVALID_OPTION`.
 *
 * # Safety
 * As for `polyseal_options_set_ttl_ms`.
 */
polyseal_status polyseal_options_set_salt_reuse_ms(struct polyseal_options *options,
                                                   uint64_t window_ms);

/**
 * Sets the longest token accepted, in characters (default 98304); a longer token fails with
 * `POLYSEAL_STATUS_TOO_LARGE` before it is decoded.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL.
 *
 * # Safety
 * As for `polyseal_options_set_ttl_ms`.
 */
polyseal_status polyseal_options_set_max_token_chars(struct polyseal_options *options,
                                                     size_t max_token_chars);

/**
 * Sets the largest JSON payload accepted, in bytes (default 65536); a larger payload fails with
 * `POLYSEAL_STATUS_TOO_LARGE`.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL.
 *
 * # Safety
 * As for `polyseal_options_set_ttl_ms`.
 */
polyseal_status polyseal_options_set_max_json_bytes(struct polyseal_options *options,
                                                    size_t max_bytes);

/**
 * Sets the deepest nesting of arrays and objects accepted in a payload (default 64); deeper
 * payloads fail with `POLYSEAL_STATUS_INVALID_JSON`.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL.
 *
 * # Safety
 * As for `polyseal_options_set_ttl_ms`.
 */
polyseal_status polyseal_options_set_max_depth(struct polyseal_options *options, size_t max_depth);

/**
 * Frees options. Accepts NULL.
 *
 * # Safety
 * `options` must be NULL or live options, not used again afterwards.
 */
void polyseal_options_free(struct polyseal_options *options);

/**
 * Creates a sealer and stores it in `*sealer_out`.
 *
 * `format` names the wire format (`format_len` bytes, no NUL needed): `"native"`, `"h3-v1"`,
 * `"h3-v2"`, `"iron-session"` or `"iron"`. `options` may be NULL for the defaults; it is
 * copied, as is the keyring reference, so both may be freed right after.
 *
 * Returns `POLYSEAL_STATUS_INVALID_OPTION` for an unknown format, a format this build does not
 * offer, or options the format rejects; `POLYSEAL_STATUS_INVALID_ARGUMENT` for a NULL keyring,
 * format or `sealer_out`, or non-UTF-8 text.
 *
 * # Safety
 * `keyring` and `options` must be NULL or live handles (options used by no other thread during
 * the call); `format` must be NULL or readable for `format_len` bytes; `sealer_out` must be NULL
 * or writable.
 */
polyseal_status polyseal_sealer_new(const struct polyseal_keyring *keyring,
                                    const char *format,
                                    size_t format_len,
                                    const struct polyseal_options *options,
                                    const struct polyseal_sealer **sealer_out);

/**
 * Seals a payload with the system clock: see `polyseal_sealer_seal_at`.
 *
 * # Safety
 * As for `polyseal_sealer_seal_at`.
 */
polyseal_status polyseal_sealer_seal(const struct polyseal_sealer *sealer,
                                     const char *json,
                                     size_t json_len,
                                     struct polyseal_buf *token_out);

/**
 * Seals a payload as if the time were `now_ms` (milliseconds since the Unix epoch) and stores
 * the token in `*token_out`, which the caller frees with `polyseal_buf_free`.
 *
 * `json` is `json_len` bytes of UTF-8 JSON text (no NUL needed), validated and sealed byte for
 * byte; pass the text `JSON.stringify` would give for byte-identical tokens across languages.
 * Returns `POLYSEAL_STATUS_INVALID_JSON` for text that is not JSON (or not UTF-8) or nests too
 * deep, `POLYSEAL_STATUS_TOO_LARGE` for a payload over the size limit, and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers. `*token_out` is written only on success.
 *
 * # Safety
 * `sealer` must be NULL or a live sealer; `json` must be NULL or readable for `json_len` bytes;
 * `token_out` must be NULL or writable.
 */
polyseal_status polyseal_sealer_seal_at(const struct polyseal_sealer *sealer,
                                        const char *json,
                                        size_t json_len,
                                        uint64_t now_ms,
                                        struct polyseal_buf *token_out);

/**
 * Unseals a token with the system clock: see `polyseal_sealer_unseal_at`.
 *
 * # Safety
 * As for `polyseal_sealer_unseal_at`.
 */
polyseal_status polyseal_sealer_unseal(const struct polyseal_sealer *sealer,
                                       const char *token,
                                       size_t token_len,
                                       const struct polyseal_unsealed **unsealed_out);

/**
 * Verifies and opens a token as if the time were `now_ms` (milliseconds since the Unix epoch)
 * and stores the result in `*unsealed_out`, which the caller frees with `polyseal_unsealed_free`.
 *
 * `token` is `token_len` bytes (no NUL needed), for example a cookie value. Returns the token's
 * problem as a status: `POLYSEAL_STATUS_MALFORMED` (also for bytes that are not UTF-8),
 * `POLYSEAL_STATUS_UNSUPPORTED_VERSION`, `POLYSEAL_STATUS_UNKNOWN_KEY`,
 * `POLYSEAL_STATUS_BAD_SEAL`, `POLYSEAL_STATUS_EXPIRED`, `POLYSEAL_STATUS_NOT_YET_VALID`,
 * `POLYSEAL_STATUS_TOO_LARGE` or `POLYSEAL_STATUS_INVALID_JSON`; and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers. `*unsealed_out` is written only on
 * success.
 *
 * # Safety
 * `sealer` must be NULL or a live sealer; `token` must be NULL or readable for `token_len`
 * bytes; `unsealed_out` must be NULL or writable.
 */
polyseal_status polyseal_sealer_unseal_at(const struct polyseal_sealer *sealer,
                                          const char *token,
                                          size_t token_len,
                                          uint64_t now_ms,
                                          const struct polyseal_unsealed **unsealed_out);

/**
 * Frees a sealer. Accepts NULL.
 *
 * # Safety
 * `sealer` must be NULL or a live sealer that no other thread is using, not used again
 * afterwards.
 */
void polyseal_sealer_free(const struct polyseal_sealer *sealer);

/**
 * Lends out the payload as compact JSON text, exactly as `JSON.stringify` prints it: stores a
 * pointer in `*data_out` and the length in bytes in `*len_out`.
 *
 * The text is UTF-8, followed by a NUL byte not counted in the length. It belongs to `unsealed`
 * and stays valid until `polyseal_unsealed_free(unsealed)`; do not free it. Returns
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` if any pointer is NULL.
 *
 * # Safety
 * `unsealed` must be NULL or a live result; `data_out` and `len_out` must be NULL or writable.
 */
polyseal_status polyseal_unsealed_data(const struct polyseal_unsealed *unsealed,
                                       const char **data_out,
                                       size_t *len_out);

/**
 * Lends out the id of the key that sealed the token (empty for an id-less keyring), like
 * `polyseal_unsealed_data`: NUL-terminated, owned by `unsealed`, valid until it is freed.
 *
 * # Safety
 * As for `polyseal_unsealed_data`.
 */
polyseal_status polyseal_unsealed_key_id(const struct polyseal_unsealed *unsealed,
                                         const char **key_id_out,
                                         size_t *len_out);

/**
 * Whether the token recorded when it was issued (native tokens do; Fe26.2 tokens do not).
 * Returns false for NULL.
 *
 * # Safety
 * `unsealed` must be NULL or a live result.
 */
bool polyseal_unsealed_has_issued_at(const struct polyseal_unsealed *unsealed);

/**
 * When the token was issued, in milliseconds since the Unix epoch; 0 when it did not record it
 * (see `polyseal_unsealed_has_issued_at`) or for NULL.
 *
 * # Safety
 * `unsealed` must be NULL or a live result.
 */
uint64_t polyseal_unsealed_issued_at(const struct polyseal_unsealed *unsealed);

/**
 * Whether the token has an expiry. Returns false for NULL.
 *
 * # Safety
 * `unsealed` must be NULL or a live result.
 */
bool polyseal_unsealed_has_expires_at(const struct polyseal_unsealed *unsealed);

/**
 * When the token expires, in milliseconds since the Unix epoch; 0 when it never expires (see
 * `polyseal_unsealed_has_expires_at`) or for NULL.
 *
 * # Safety
 * `unsealed` must be NULL or a live result.
 */
uint64_t polyseal_unsealed_expires_at(const struct polyseal_unsealed *unsealed);

/**
 * Whether the token should be sealed again and sent back: it was sealed with a key other than
 * the keyring's current one, or is a legacy h3 cookie. Returns false for NULL.
 *
 * # Safety
 * `unsealed` must be NULL or a live result.
 */
bool polyseal_unsealed_needs_reseal(const struct polyseal_unsealed *unsealed);

/**
 * Frees an unsealed result, wiping the payload text. Accepts NULL.
 *
 * # Safety
 * `unsealed` must be NULL or a live result that no other thread is using, not used again
 * afterwards; pointers lent out by its getters become invalid.
 */
void polyseal_unsealed_free(const struct polyseal_unsealed *unsealed);

/**
 * Creates a session manager and stores it in `*manager_out`.
 *
 * The keyring reference and the configuration are copied, so both may be freed right after.
 * The configuration is checked here, so that requests cannot fail on it later: returns
 * `POLYSEAL_STATUS_INVALID_OPTION` for a configuration that cannot work (a max age or idle
 * timeout over 400 days, an idle timeout for `iron-session`, split without a chunk scheme,
 * sealer options the format rejects, a format this build does not offer),
 * `POLYSEAL_STATUS_INVALID_COOKIE` for a cookie name or attributes that break the cookie rules
 * (docs/COOKIES.md), and `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers.
 *
 * # Safety
 * `keyring` and `config` must be NULL or live handles (the configuration not being changed by
 * another thread); `manager_out` must be NULL or writable.
 */
polyseal_status polyseal_session_manager_new(const struct polyseal_keyring *keyring,
                                             const struct polyseal_session_config *config,
                                             const struct polyseal_session_manager **manager_out);

/**
 * Frees a session manager. Accepts NULL. Sessions it loaded stay valid (they hold no
 * reference to it).
 *
 * # Safety
 * `manager` must be NULL or a live manager that no other thread is using, not used again
 * afterwards.
 */
void polyseal_session_manager_free(const struct polyseal_session_manager *manager);

/**
 * Loads the session of a request as if the time were `now_ms` (milliseconds since the Unix
 * epoch) and stores it in `*session_out`, which the caller frees with `polyseal_session_free`.
 *
 * `cookie_header` is the value of the request's `Cookie` header (`cookie_header_len` bytes, no
 * NUL needed; NULL with length 0 when there is none). `session_header` is the value of the
 * header named by `polyseal_session_config_set_session_header` (NULL with length 0 when the
 * request has none, or the configuration names none); when present and not empty it wins over
 * the cookie. Both are untrusted input: bytes that are not UTF-8 are read as U+FFFD.
 *
 * Never fails because of what the request carries: a missing cookie starts a new session, and
 * a cookie that is malformed, forged, expired, sealed with an unknown key or missing a chunk
 * starts a new session whose `polyseal_session_rejection` says why. The status is
 * `POLYSEAL_STATUS_OK` in all those cases; only `POLYSEAL_STATUS_INVALID_ARGUMENT` (NULL
 * pointers with a length, a NULL manager or `session_out`) is returned, and `*session_out` is
 * written only on success.
 *
 * # Safety
 * `manager` must be NULL or a live manager; `cookie_header` and `session_header` must be NULL
 * or readable for their lengths; `session_out` must be NULL or writable.
 */
polyseal_status polyseal_session_manager_load_at(const struct polyseal_session_manager *manager,
                                                 const char *cookie_header,
                                                 size_t cookie_header_len,
                                                 const char *session_header,
                                                 size_t session_header_len,
                                                 uint64_t now_ms,
                                                 struct polyseal_session **session_out);

/**
 * Merges `patch` into the session's data (its top-level keys replace the data's, as
 * JavaScript's `Object.assign` does) and saves the session at `now_ms`: stores the
 * `Set-Cookie` lines to send in `*lines_out`, a new list of kind `POLYSEAL_COOKIE_LIST_LINES`
 * that the caller frees with `polyseal_cookie_list_free`. An update always writes.
 *
 * `patch` is `patch_len` bytes of UTF-8 JSON text holding an object. Returns
 * `POLYSEAL_STATUS_INVALID_JSON` when it is not one (the session is then unchanged), and the
 * statuses of `polyseal_session_manager_save_at`; when the save fails the patch stays merged.
 *
 * # Safety
 * As for `polyseal_session_manager_save_at`, with `patch` NULL or readable for `patch_len`
 * bytes.
 */
polyseal_status polyseal_session_manager_update_at(const struct polyseal_session_manager *manager,
                                                   struct polyseal_session *session,
                                                   const char *patch,
                                                   size_t patch_len,
                                                   uint64_t now_ms,
                                                   struct polyseal_cookie_list **lines_out);

/**
 * Saves the session at `now_ms` (milliseconds since the Unix epoch) and stores the
 * `Set-Cookie` lines to send in `*lines_out`, a new list of kind `POLYSEAL_COOKIE_LIST_LINES`
 * that the caller frees with `polyseal_cookie_list_free`. Send every line, in order, each as
 * its own `Set-Cookie` header.
 *
 * The list is empty when nothing needs writing: lines are written only when the data differs
 * from what was loaded or last saved (`polyseal_session_set_data` and updates count), the cookie
 * needs a reseal (`polyseal_session_needs_reseal`), or the session is new and the configuration
 * saves new sessions. A session that needs fewer chunks than the request carried gets deletion
 * lines for the stale ones.
 *
 * Returns `POLYSEAL_STATUS_SESSION_CLEARED` after `polyseal_session_manager_clear_at`,
 * `POLYSEAL_STATUS_TOO_LARGE` when the session does not fit (a line over 4096 bytes without
 * split, too many chunks, the `Cookie` header budget, the sealer's payload limit),
 * `POLYSEAL_STATUS_EXPIRED` when `now_ms` is already past a `native` or `iron` session's
 * deadline, `POLYSEAL_STATUS_INVALID_JSON` for data nested deeper than the sealer's limit,
 * `POLYSEAL_STATUS_INVALID_PASSWORD` when the keyring's current id cannot seal the format (an
 * `iron-session` id must be a decimal number), `POLYSEAL_STATUS_INTERNAL` if the randomness
 * source fails, and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers. `*lines_out` is written only on
 * success.
 *
 * # Safety
 * `manager` must be NULL or a live manager; `session` must be NULL or a live session used by no
 * other thread during the call; `lines_out` must be NULL or writable.
 */
polyseal_status polyseal_session_manager_save_at(const struct polyseal_session_manager *manager,
                                                 struct polyseal_session *session,
                                                 uint64_t now_ms,
                                                 struct polyseal_cookie_list **lines_out);

/**
 * Clears the session: empties its data, makes it terminal (`polyseal_session_is_cleared`; a
 * later update, save or token call fails with `POLYSEAL_STATUS_SESSION_CLEARED`) and stores the
 * `Set-Cookie` lines that delete the cookie and every chunk in `*lines_out`, a new list of kind
 * `POLYSEAL_COOKIE_LIST_LINES` (free it with `polyseal_cookie_list_free`). Clearing twice is
 * allowed and writes the deletions again. `now_ms` is as for `polyseal_session_manager_save_at`.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers (the session is then
 * unchanged). `*lines_out` is written only on success.
 *
 * # Safety
 * As for `polyseal_session_manager_save_at`.
 */
polyseal_status polyseal_session_manager_clear_at(const struct polyseal_session_manager *manager,
                                                  struct polyseal_session *session,
                                                  uint64_t now_ms,
                                                  struct polyseal_cookie_list **lines_out);

/**
 * Seals the session at `now_ms` as a save would and stores the token alone in `*token_out`
 * (free it with `polyseal_buf_free`), for h3's session header transport; no cookie lines. With
 * an idle timeout the session's `lastSeenAt` moves to `now_ms`.
 *
 * Returns `POLYSEAL_STATUS_SESSION_CLEARED` after `polyseal_session_manager_clear_at`, the
 * sealing statuses of `polyseal_session_manager_save_at` (`TOO_LARGE` for the payload limit,
 * `EXPIRED`, `INVALID_JSON`, `INVALID_PASSWORD`, `INTERNAL`), and `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL
 * pointers. `*token_out` is written only on success.
 *
 * # Safety
 * As for `polyseal_session_manager_save_at`, with `token_out` NULL or writable.
 */
polyseal_status polyseal_session_manager_token_at(const struct polyseal_session_manager *manager,
                                                  struct polyseal_session *session,
                                                  uint64_t now_ms,
                                                  struct polyseal_buf *token_out);

/**
 * Lends out the session id: stores a pointer in `*id_out` and its length in bytes in
 * `*id_len_out`. A lower-case UUID v4 for the h3 formats, 22 base64url characters for `native`
 * and `iron`, empty for `iron-session` (which seals the data alone). The text is NUL-terminated
 * and belongs to the session until it is freed.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers; the out-parameters are written
 * only on success.
 *
 * # Safety
 * `session` must be NULL or a live session not being changed by another thread; the
 * out-parameters must be NULL or writable.
 */
polyseal_status polyseal_session_id(const struct polyseal_session *session,
                                    const char **id_out,
                                    size_t *id_len_out);

/**
 * Lends out the session data as JSON text, an object as `JSON.stringify` prints it: stores a
 * pointer in `*data_out` and its length in bytes in `*data_len_out`. The text is NUL-terminated
 * and belongs to the session; it stays valid until the session's data next changes
 * (`polyseal_session_set_data`, `polyseal_session_manager_update_at`,
 * `polyseal_session_manager_clear_at`) or the session is freed.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers; the out-parameters are written
 * only on success.
 *
 * # Safety
 * As for `polyseal_session_id`.
 */
polyseal_status polyseal_session_data(const struct polyseal_session *session,
                                      const char **data_out,
                                      size_t *data_len_out);

/**
 * Replaces the session data with `json` (`json_len` bytes of UTF-8 JSON text holding an
 * object). The next save notices the change and writes the session. Allowed on a cleared
 * session too, whose saves still fail.
 *
 * Returns `POLYSEAL_STATUS_INVALID_JSON` for text that is not a JSON object (or not UTF-8) and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers; on failure the session is unchanged.
 * The manager's size and depth limits apply when the session is saved. Text lent out by
 * `polyseal_session_data` before the call becomes invalid.
 *
 * # Safety
 * `session` must be NULL or a live session used by no other thread during the call; `json`
 * must be NULL or readable for `json_len` bytes.
 */
polyseal_status polyseal_session_set_data(struct polyseal_session *session,
                                          const char *json,
                                          size_t json_len);

/**
 * When the session was created, in milliseconds since the Unix epoch (0 for `iron-session`
 * sessions, which seal no creation time, and for NULL).
 *
 * # Safety
 * `session` must be NULL or a live session not being changed by another thread.
 */
uint64_t polyseal_session_created_at(const struct polyseal_session *session);

/**
 * Whether the session has a `lastSeenAt` (it was saved with an idle timeout on). Returns false
 * for NULL.
 *
 * # Safety
 * As for `polyseal_session_created_at`.
 */
bool polyseal_session_has_last_seen_at(const struct polyseal_session *session);

/**
 * The last time the session was saved with an idle timeout on, in milliseconds since the Unix
 * epoch; 0 when it has none (see `polyseal_session_has_last_seen_at`) or for NULL.
 *
 * # Safety
 * As for `polyseal_session_created_at`.
 */
uint64_t polyseal_session_last_seen_at(const struct polyseal_session *session);

/**
 * Whether no valid session cookie was presented: a fresh session (also after a rejection),
 * until its first successful save. Returns false for NULL.
 *
 * # Safety
 * As for `polyseal_session_created_at`.
 */
bool polyseal_session_is_new(const struct polyseal_session *session);

/**
 * Why the presented cookie (or session header token) was not accepted: stores the reason's
 * status in `*code_out` (`POLYSEAL_STATUS_MALFORMED`, `_UNSUPPORTED_VERSION`, `_UNKNOWN_KEY`,
 * `_BAD_SEAL`, `_EXPIRED`, `_NOT_YET_VALID`, `_TOO_LARGE`, `_INVALID_JSON`, or
 * `POLYSEAL_STATUS_OK` when nothing was rejected) and lends out its message in `*message_out`
 * and `*message_len_out` (`"NAME: details"` as `polyseal_last_error_message` gives it, or empty
 * text when nothing was rejected). The message is for logs, never for the client; it holds no
 * token bytes. It is NUL-terminated and belongs to the session until it is freed. The
 * rejection describes the request's cookie and stays set after a save.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers (the status of the call, not the
 * reason); the out-parameters are written only on success.
 *
 * # Safety
 * As for `polyseal_session_id`.
 */
polyseal_status polyseal_session_rejection(const struct polyseal_session *session,
                                           polyseal_status *code_out,
                                           const char **message_out,
                                           size_t *message_len_out);

/**
 * Whether the presented cookie should be sealed again (an old key, a legacy h3 seal, an idle
 * refresh due); the next save writes it even if nothing changed. Returns false for NULL.
 *
 * # Safety
 * As for `polyseal_session_created_at`.
 */
bool polyseal_session_needs_reseal(const struct polyseal_session *session);

/**
 * Whether the session was cleared (`polyseal_session_manager_clear_at`); it can then no longer
 * be updated, saved or turned into a token. Returns false for NULL.
 *
 * # Safety
 * As for `polyseal_session_created_at`.
 */
bool polyseal_session_is_cleared(const struct polyseal_session *session);

/**
 * Frees a session, wiping the data text it lent out. Accepts NULL.
 *
 * # Safety
 * `session` must be NULL or a live session that no other thread is using, not used again
 * afterwards; pointers lent out by its getters become invalid.
 */
void polyseal_session_free(struct polyseal_session *session);

/**
 * Creates the default session configuration of a format and stores it in `*config_out`.
 *
 * `format` (`format_len` bytes, no NUL needed) is `"native"`, `"h3-v1"`, `"h3-v2"`,
 * `"iron-session"` or `"iron"`. The defaults reproduce each format's peer (docs/SESSIONS.md):
 *
 * - `native` and `iron`: cookie `session` with `Path=/; HttpOnly; Secure; SameSite=Lax`,
 *   style `polyseal`, no chunks, a max age of 14 days, no cookie for an untouched new session,
 *   a `Cookie` header budget of `POLYSEAL_COOKIE_HEADER_LIMIT` bytes.
 * - `h3-v1`: cookie `h3` with `Path=/; HttpOnly; Secure`, style `h3-v1`, no chunks, no max
 *   age, a cookie for every new session, no budget.
 * - `h3-v2`: as `h3-v1` with `SameSite=Lax`, style `h3-v2`, chunk scheme `h3` with split on.
 * - `iron-session`: cookie `iron-session` with the attributes of `native`, style and chunk
 *   scheme `iron-session` with split off, a max age (its ttl) of 14 days, no cookie for an
 *   untouched new session, no budget.
 *
 * No format has an idle timeout or reads a session header by default.
 *
 * Returns `POLYSEAL_STATUS_INVALID_OPTION` for an unknown format and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text.
 *
 * # Safety
 * `format` must be NULL or readable for `format_len` bytes; `config_out` must be NULL or
 * writable.
 */
polyseal_status polyseal_session_config_new(const char *format,
                                            size_t format_len,
                                            struct polyseal_session_config **config_out);

/**
 * Sets the session cookie's name (`name_len` bytes of UTF-8, no NUL needed). For the `native`
 * format the name is also bound into every token, so a token moved to another cookie fails.
 * `polyseal_session_manager_new` checks it (`POLYSEAL_STATUS_INVALID_COOKIE` for a name that is
 * not an RFC 6265 token or breaks a `__Host-`/`__Secure-` prefix rule).
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text.
 *
 * # Safety
 * `config` must be NULL or a live configuration used by no other thread during the call;
 * `name` must be NULL or readable for `name_len` bytes.
 */
polyseal_status polyseal_session_config_set_cookie_name(struct polyseal_session_config *config,
                                                        const char *name,
                                                        size_t name_len);

/**
 * Sets the absolute lifetime of a session, in seconds from its creation; 0 turns it off. For
 * `iron-session` this is its `ttl`. `polyseal_session_manager_new` refuses more than 400 days
 * (34560000 s) with `POLYSEAL_STATUS_INVALID_OPTION`.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `config` is NULL.
 *
 * # Safety
 * `config` must be NULL or a live configuration used by no other thread during the call.
 */
polyseal_status polyseal_session_config_set_max_age_s(struct polyseal_session_config *config,
                                                      uint64_t max_age_s);

/**
 * Sets the sliding idle timeout, in seconds; 0 (the default) turns it off. Each save moves the
 * session's `lastSeenAt` to now; a session unused for longer ends, and one loaded more than
 * half the window after its `lastSeenAt` reports `polyseal_session_needs_reseal`.
 * `polyseal_session_manager_new` refuses more than 400 days, and any idle timeout for
 * `iron-session` (it keeps no `lastSeenAt`), with `POLYSEAL_STATUS_INVALID_OPTION`.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `config` is NULL.
 *
 * # Safety
 * As for `polyseal_session_config_set_max_age_s`.
 */
polyseal_status polyseal_session_config_set_idle_timeout_s(struct polyseal_session_config *config,
                                                           uint64_t idle_timeout_s);

/**
 * Replaces the session cookie's attributes with a copy of `options` (`Domain`, `Path`,
 * `Secure`, `HttpOnly`, `SameSite`, `Partitioned`, `Priority`); `options` may be freed right
 * after. `Expires` and `Max-Age` are computed by every save from the session's lifetime, as the
 * style writes them, and override those of `options`. `polyseal_session_manager_new` checks the
 * attributes with the cookie name (`POLYSEAL_STATUS_INVALID_COOKIE`).
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers.
 *
 * # Safety
 * `config` as for `polyseal_session_config_set_max_age_s`; `options` must be NULL or live
 * options not being changed by another thread.
 */
polyseal_status polyseal_session_config_set_cookie_options(struct polyseal_session_config *config,
                                                           const struct polyseal_cookie_options *options);

/**
 * Sets how `Set-Cookie` lines are written, by name (`name_len` bytes): `"polyseal"`,
 * `"h3-v1"`, `"h3-v2"` or `"iron-session"` (see `polyseal_set_cookie`).
 *
 * Returns `POLYSEAL_STATUS_INVALID_OPTION` for another name and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text; on failure the
 * configuration is unchanged.
 *
 * # Safety
 * `config` as for `polyseal_session_config_set_max_age_s`; `name` must be NULL or readable for
 * `name_len` bytes.
 */
polyseal_status polyseal_session_config_set_style(struct polyseal_session_config *config,
                                                  const char *name,
                                                  size_t name_len);

/**
 * Sets the chunk scheme used to read, write and delete the session cookie, by name
 * (`name_len` bytes): `"none"`, `"h3"` or `"iron-session"` (see `polyseal_chunk_set_cookies`).
 *
 * Returns `POLYSEAL_STATUS_INVALID_OPTION` for another name and
 * `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text; on failure the
 * configuration is unchanged.
 *
 * # Safety
 * As for `polyseal_session_config_set_style`.
 */
polyseal_status polyseal_session_config_set_chunking(struct polyseal_session_config *config,
                                                     const char *name,
                                                     size_t name_len);

/**
 * Sets whether a session too large for one cookie is split into chunks (otherwise a save
 * fails with `POLYSEAL_STATUS_TOO_LARGE`). `polyseal_session_manager_new` refuses `split`
 * with the chunk scheme `"none"` (`POLYSEAL_STATUS_INVALID_OPTION`).
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `config` is NULL.
 *
 * # Safety
 * As for `polyseal_session_config_set_max_age_s`.
 */
polyseal_status polyseal_session_config_set_split(struct polyseal_session_config *config,
                                                  bool split);

/**
 * Names a request header that carries the session token and wins over the cookie, as h3's
 * `sessionHeader` (`name_len` bytes, for example `"x-h3-session"`; its value is passed to
 * `polyseal_session_manager_load_at`, and `polyseal_session_manager_token_at` gives the token
 * to send back in it). NULL or length 0 turns it off, the default: the cookie only.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers with a length, or non-UTF-8
 * text.
 *
 * # Safety
 * As for `polyseal_session_config_set_style`.
 */
polyseal_status polyseal_session_config_set_session_header(struct polyseal_session_config *config,
                                                           const char *name,
                                                           size_t name_len);

/**
 * Sets whether saving a brand-new session that was never changed writes a cookie (the h3
 * formats do by default, as h3 does; the others do not, so anonymous visitors get no cookie).
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `config` is NULL.
 *
 * # Safety
 * As for `polyseal_session_config_set_max_age_s`.
 */
polyseal_status polyseal_session_config_set_save_new_sessions(struct polyseal_session_config *config,
                                                              bool save_new_sessions);

/**
 * Sets the budget, in bytes, for the whole `Cookie` header a browser would send back after a
 * save (the session's cookies plus the request's other cookies); a save over it fails with
 * `POLYSEAL_STATUS_TOO_LARGE`. 0 leaves it unchecked, as the peer formats do by default;
 * `native` and `iron` default to `POLYSEAL_COOKIE_HEADER_LIMIT`.
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `config` is NULL.
 *
 * # Safety
 * As for `polyseal_session_config_set_max_age_s`.
 */
polyseal_status polyseal_session_config_set_cookie_header_limit(struct polyseal_session_config *config,
                                                                size_t limit);

/**
 * Replaces the sealer options (iterations, skew, size and depth limits, ...) with a copy of
 * `options`; `options` may be freed right after. Their ttl is not used: the session lifetimes
 * decide each token's expiry. For the `native` format the cookie name bound into tokens is
 * always the session cookie's name. `polyseal_session_manager_new` checks them
 * (`POLYSEAL_STATUS_INVALID_OPTION`).
 *
 * Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers.
 *
 * # Safety
 * `config` as for `polyseal_session_config_set_max_age_s`; `options` must be NULL or live
 * options not being changed by another thread.
 */
polyseal_status polyseal_session_config_set_sealer_options(struct polyseal_session_config *config,
                                                           const struct polyseal_options *options);

/**
 * Frees a session configuration. Accepts NULL. Managers built from it keep their own copy.
 *
 * # Safety
 * `config` must be NULL or a live configuration that no other thread is using, not used again
 * afterwards.
 */
void polyseal_session_config_free(struct polyseal_session_config *config);

/**
 * The name of a status code: `"OK"` for 0, otherwise core's error name such as `"EXPIRED"`
 * (the same string Python's `.code` and Node's `err.code` carry), or `"UNKNOWN"` for a number
 * that is not a status.
 *
 * The result is a static NUL-terminated string: never NULL, never freed by the caller. Safe to
 * call from any thread.
 */
const char *polyseal_status_str(polyseal_status status);

/**
 * Copies the message of the last failed call made on this thread into `buf`, snprintf-style.
 *
 * The message reads `"NAME: details"` (for example `"EXPIRED: the token expired at ..."`) and
 * never contains secrets or token bytes. Every fallible function sets it when it fails and clears
 * it when it succeeds; getters and `_free` functions leave it alone. Each thread has its own.
 *
 * At most `len - 1` bytes are copied (cut at a UTF-8 character boundary) and, when `len > 0`,
 * `buf` is always NUL-terminated; `buf` may be NULL when `len` is 0.
 *
 * Returns the full length of the message in bytes, excluding the NUL: if it is `>= len`, the
 * copy was cut short, and a buffer of the returned length plus one holds it all. Returns 0 when
 * no call has failed since the last success.
 *
 * # Safety
 * A non-NULL `buf` must be writable for `len` bytes.
 */
size_t polyseal_last_error_message(char *buf, size_t len);

/**
 * The version of the loaded library, such as `"0.1.0"`: the same string as `polyseal.VERSION`
 * in Rust, `polyseal.__version__` in Python and `version` in Node. Compare it with
 * `POLYSEAL_VERSION_STRING` to detect a header and a library from different releases.
 *
 * Returns a static NUL-terminated string: never NULL, never freed. Safe from any thread.
 */
const char *polyseal_version(void);

/**
 * The ABI version of the loaded library. A program built against this header can use the
 * library when `polyseal_abi_version() == POLYSEAL_ABI_VERSION`. Safe from any thread.
 */
uint32_t polyseal_abi_version(void);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* POLYSEAL_H */
