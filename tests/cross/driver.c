/* The C driver of the cross-language matrix (tests/cross/README.md): reads cases.json and writes
 * what the C API answers.
 *
 * usage: driver seal CASES OUT_DIR   seals every session, builds every Set-Cookie line and runs
 *                                    the error catalogue: OUT_DIR/c-sealed.json
 *        driver open CASES OUT_DIR   opens the tokens of every OUT_DIR/LANG-sealed.json and runs
 *                                    their derived error tokens: OUT_DIR/c-opened.json
 *
 * Session data reaches the C API as JSON text: this driver writes the parsed case back out as
 * JSON.stringify would (cases.json spells its numbers that way), so its tokens have the same
 * length as the other languages'. A broken cases.json stops the driver with exit status 2. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "polyseal.h"

/* Text that is not UTF-8 (a UTF-16 surrogate encoded as if it were a character). */
static const char NOT_UTF8[] = "\xed\xa0\x80";

static _Noreturn void die(const char *what, const char *detail) {
    fprintf(stderr, "cross driver (c): %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(2);
}

/* ---- an output buffer --------------------------------------------------------------------- */

typedef struct {
    char *ptr;
    size_t len, cap;
} buffer;

static void put(buffer *b, const void *bytes, size_t n) {
    if (b->ptr != NULL && n == 0) return;
    if (b->cap - b->len < n + 1) {
        size_t cap = (b->cap + n + 1) * 2;
        char *next = realloc(b->ptr, cap);
        if (next == NULL) die("out of memory", NULL);
        b->ptr = next;
        b->cap = cap;
    }
    if (n > 0) memcpy(b->ptr + b->len, bytes, n);
    b->len += n;
    b->ptr[b->len] = '\0';
}

static void puts_(buffer *b, const char *text) { put(b, text, strlen(text)); }

static char *copy_text(const char *text) {
    buffer b = {NULL, 0, 0};
    puts_(&b, text);
    if (b.ptr == NULL) put(&b, "", 0);
    return b.ptr;
}

static void printf_(buffer *b, const char *format, ...) {
    char small[128];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(small, sizeof small, format, args);
    va_end(args);
    if (n < 0 || (size_t)n >= sizeof small) die("formatted text too long", format);
    put(b, small, (size_t)n);
}

/* A JSON string as JSON.stringify writes it: `"`, `\` and control characters escaped, every
 * other byte as is. */
static void put_string(buffer *b, const char *text, size_t len) {
    static const char hex[] = "0123456789abcdef";
    put(b, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        const char *escape = NULL;
        switch (c) {
        case '"': escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        case '\b': escape = "\\b"; break;
        case '\f': escape = "\\f"; break;
        case '\n': escape = "\\n"; break;
        case '\r': escape = "\\r"; break;
        case '\t': escape = "\\t"; break;
        default: break;
        }
        if (escape != NULL) {
            puts_(b, escape);
        } else if (c < 0x20) {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(b, u, sizeof u);
        } else {
            put(b, &text[i], 1);
        }
    }
    put(b, "\"", 1);
}

/* A parsed value as JSON.stringify writes it (numbers keep their spelling in cases.json). At the
 * top level, the member `fill_key` (when not NULL) is written as the string `fill` instead. */
static void put_value(buffer *b, const json *v, const char *fill_key, const buffer *fill) {
    switch (v->kind) {
    case J_NULL: puts_(b, "null"); break;
    case J_BOOL: puts_(b, v->boolean ? "true" : "false"); break;
    case J_NUMBER: put(b, v->text, v->len); break;
    case J_STRING: put_string(b, v->text, v->len); break;
    case J_ARRAY:
        put(b, "[", 1);
        for (size_t i = 0; i < v->len; i++) {
            if (i > 0) put(b, ",", 1);
            put_value(b, &v->items[i], NULL, NULL);
        }
        put(b, "]", 1);
        break;
    case J_OBJECT:
        put(b, "{", 1);
        for (size_t i = 0; i < v->len; i++) {
            if (i > 0) put(b, ",", 1);
            put_string(b, v->keys[i], strlen(v->keys[i]));
            put(b, ":", 1);
            if (fill_key != NULL && strcmp(v->keys[i], fill_key) == 0) {
                put_string(b, fill->ptr, fill->len);
            } else {
                put_value(b, &v->items[i], NULL, NULL);
            }
        }
        put(b, "}", 1);
        break;
    }
}

static void put_code(buffer *b, polyseal_status status) {
    if (status == POLYSEAL_STATUS_OK) {
        puts_(b, "null");
    } else {
        printf_(b, "\"%s\"", polyseal_status_str(status));
    }
}

/* ---- reading cases.json ------------------------------------------------------------------- */

static const json *need(const json *object, const char *key) {
    const json *value = json_get(object, key);
    if (value == NULL) die("missing member", key);
    return value;
}

static const char *text_of(const json *object, const char *key) {
    const char *text = json_str(need(object, key));
    if (text == NULL) die("not a string", key);
    return text;
}

static bool is_whole(const json *value) {
    return value != NULL && value->kind == J_NUMBER &&
           strspn(value->text, "-0123456789") == value->len;
}

static uint64_t u64_of(const json *value, const char *what) {
    if (!is_whole(value) || value->text[0] == '-') die("not a whole number", what);
    return strtoull(value->text, NULL, 10);
}

static int64_t i64_of(const json *value, const char *what) {
    if (!is_whole(value)) die("not a whole number", what);
    return strtoll(value->text, NULL, 10);
}

/* `spec.at`, or the document's `now`. */
static uint64_t at_of(const json *cases, const json *spec) {
    const json *at = json_get(spec, "at");
    return at != NULL ? u64_of(at, "at") : u64_of(need(cases, "now"), "now");
}

/* Whether this driver takes part in an entry (`langs` absent: every language). */
static bool speaks(const json *entry) {
    const json *langs = json_get(entry, "langs");
    if (langs == NULL) return true;
    for (size_t i = 0; i < langs->len; i++) {
        if (strcmp(json_str(&langs->items[i]), "c") == 0) return true;
    }
    return false;
}

static size_t unhex(const char *hex, uint8_t *out, size_t cap) {
    size_t n = strlen(hex);
    if (n % 2 != 0 || n / 2 > cap) die("bad keyHex", hex);
    for (size_t i = 0; i < n / 2; i++) {
        char pair[3] = {hex[2 * i], hex[2 * i + 1], 0};
        out[i] = (uint8_t)strtoul(pair, NULL, 16);
    }
    return n / 2;
}

/* ---- keyrings, sealers, cookies ----------------------------------------------------------- */

/* One side of an entry: a password or a raw key (hex). */
typedef struct {
    uint32_t kind;
    const void *ptr;
    size_t len;
    uint8_t key[64];
} secret;

static void secret_of(const json *side, secret *s) {
    const json *password = json_get(side, "password");
    if (password != NULL) {
        s->kind = POLYSEAL_SECRET_PASSWORD;
        s->ptr = password->text;
        s->len = password->len;
    } else {
        s->kind = POLYSEAL_SECRET_KEY;
        s->len = unhex(text_of(side, "keyHex"), s->key, sizeof s->key);
        s->ptr = s->key;
    }
}

/* A keyring from a name in `keyrings` or an inline spec; `current` (or NULL) overrides the
 * spec's. */
static polyseal_status keyring_of(const json *cases, const json *spec, const char *current,
                                  const polyseal_keyring **out) {
    if (spec->kind == J_STRING) spec = need(need(cases, "keyrings"), spec->text);
    const json *password = json_get(spec, "password");
    if (password != NULL) return polyseal_keyring_from_password(password->text, password->len, out);
    if (json_get(spec, "keyHex") != NULL) {
        uint8_t key[64];
        size_t len = unhex(text_of(spec, "keyHex"), key, sizeof key);
        return polyseal_keyring_from_key(key, len, out);
    }
    polyseal_keyring_builder *builder = NULL;
    polyseal_status status = polyseal_keyring_builder_new(&builder);
    const json *entries = need(spec, "entries");
    for (size_t i = 0; status == POLYSEAL_STATUS_OK && i < entries->len; i++) {
        const json *entry = &entries->items[i];
        const json *id = need(entry, "id");
        const json *encryption = json_get(entry, "encryption");
        secret one, two;
        if (encryption != NULL) {
            secret_of(encryption, &one);
            secret_of(need(entry, "integrity"), &two);
            status = polyseal_keyring_builder_add_split(builder, id->text, id->len, one.kind,
                                                        one.ptr, one.len, two.kind, two.ptr,
                                                        two.len);
        } else {
            secret_of(entry, &one);
            status = one.kind == POLYSEAL_SECRET_PASSWORD
                         ? polyseal_keyring_builder_add_password(builder, id->text, id->len,
                                                                 one.ptr, one.len)
                         : polyseal_keyring_builder_add_key(builder, id->text, id->len, one.ptr,
                                                            one.len);
        }
    }
    if (current == NULL) current = json_str(json_get(spec, "current"));
    if (status == POLYSEAL_STATUS_OK && current != NULL) {
        status = polyseal_keyring_builder_set_current(builder, current, strlen(current));
    }
    if (status == POLYSEAL_STATUS_OK) status = polyseal_keyring_builder_build(builder, out);
    polyseal_keyring_builder_free(builder);
    return status;
}

/* Sets one sealer option named as in the Node binding (times in ms). */
static polyseal_status set_option(polyseal_options *o, const char *key, const json *v) {
    if (strcmp(key, "cookieName") == 0) return polyseal_options_set_cookie_name(o, v->text, v->len);
    if (strcmp(key, "context") == 0) {
        return polyseal_options_set_context(o, (const uint8_t *)v->text, v->len);
    }
    if (strcmp(key, "ttl") == 0) return polyseal_options_set_ttl_ms(o, u64_of(v, key));
    if (strcmp(key, "skew") == 0) return polyseal_options_set_skew_ms(o, u64_of(v, key));
    if (strcmp(key, "iterations") == 0) {
        return polyseal_options_set_iterations(o, (uint32_t)u64_of(v, key));
    }
    if (strcmp(key, "saltBits") == 0) {
        return polyseal_options_set_salt_bits(o, (uint32_t)u64_of(v, key));
    }
    if (strcmp(key, "localtimeOffset") == 0) {
        return polyseal_options_set_localtime_offset_ms(o, i64_of(v, key));
    }
    if (strcmp(key, "maxTokenChars") == 0) {
        return polyseal_options_set_max_token_chars(o, (size_t)u64_of(v, key));
    }
    if (strcmp(key, "maxJsonBytes") == 0) {
        return polyseal_options_set_max_json_bytes(o, (size_t)u64_of(v, key));
    }
    if (strcmp(key, "maxDepth") == 0) {
        return polyseal_options_set_max_depth(o, (size_t)u64_of(v, key));
    }
    if (strcmp(key, "saltReuse") == 0) return polyseal_options_set_salt_reuse_ms(o, u64_of(v, key));
    die("unknown sealer option", key);
}

/* A sealer for a format name and an options object (NULL: none). */
static polyseal_status sealer_of(const polyseal_keyring *keyring, const char *format,
                                 const json *options, const polyseal_sealer **out) {
    polyseal_options *o = NULL;
    polyseal_status status = polyseal_options_new(&o);
    for (size_t i = 0; status == POLYSEAL_STATUS_OK && options != NULL && i < options->len; i++) {
        status = set_option(o, options->keys[i], &options->items[i]);
    }
    if (status == POLYSEAL_STATUS_OK) {
        status = polyseal_sealer_new(keyring, format, strlen(format), o, out);
    }
    polyseal_options_free(o);
    return status;
}

/* Both steps: the keyring, then the sealer. */
static polyseal_status build(const json *cases, const json *keyring_spec, const char *current,
                             const char *format, const json *options,
                             const polyseal_sealer **out) {
    const polyseal_keyring *keyring = NULL;
    polyseal_status status = keyring_of(cases, keyring_spec, current, &keyring);
    if (status == POLYSEAL_STATUS_OK) status = sealer_of(keyring, format, options, out);
    polyseal_keyring_free(keyring);
    return status;
}

/* A session's data as JSON text, with its `fill` applied for this format. */
static void session_text(const json *session, const char *format, buffer *out) {
    const json *fill = json_get(session, "fill");
    buffer filled = {NULL, 0, 0};
    const char *fill_key = NULL;
    if (fill != NULL) {
        uint64_t count = u64_of(need(need(fill, "count"), format), "fill count");
        const char *c = text_of(fill, "char");
        for (uint64_t i = 0; i < count; i++) puts_(&filled, c);
        if (filled.ptr == NULL) put(&filled, "", 0);
        fill_key = text_of(fill, "key");
    }
    put_value(out, need(session, "data"), fill_key, &filled);
    free(filled.ptr);
}

static polyseal_status seal_text(const polyseal_sealer *sealer, const buffer *text, uint64_t now,
                                 polyseal_buf *token) {
    return polyseal_sealer_seal_at(sealer, text->ptr, text->len, now, token);
}

/* Cookie attributes: "defaults" (the style's session defaults) or an object; absent ones unset. */
static polyseal_status cookie_options_of(const json *spec, const char *style,
                                         polyseal_cookie_options **out) {
    if (spec->kind == J_STRING && strcmp(spec->text, "defaults") == 0) {
        return polyseal_cookie_options_for_style(style, strlen(style), out);
    }
    polyseal_status status = polyseal_cookie_options_new(out);
    polyseal_cookie_options *o = *out;
    for (size_t i = 0; status == POLYSEAL_STATUS_OK && i < spec->len; i++) {
        const char *key = spec->keys[i];
        const json *v = &spec->items[i];
        if (strcmp(key, "maxAge") == 0) {
            status = polyseal_cookie_options_set_max_age(o, i64_of(v, key));
        } else if (strcmp(key, "expiresMs") == 0) {
            status = polyseal_cookie_options_set_expires_ms(o, u64_of(v, key));
        } else if (strcmp(key, "domain") == 0) {
            status = polyseal_cookie_options_set_domain(o, v->text, v->len);
        } else if (strcmp(key, "path") == 0) {
            status = polyseal_cookie_options_set_path(o, v->text, v->len);
        } else if (strcmp(key, "secure") == 0) {
            status = polyseal_cookie_options_set_secure(o, v->boolean);
        } else if (strcmp(key, "httpOnly") == 0) {
            status = polyseal_cookie_options_set_http_only(o, v->boolean);
        } else if (strcmp(key, "sameSite") == 0) {
            status = polyseal_cookie_options_set_same_site(o, v->text, v->len);
        } else if (strcmp(key, "partitioned") == 0) {
            status = polyseal_cookie_options_set_partitioned(o, v->boolean);
        } else if (strcmp(key, "priority") == 0) {
            status = polyseal_cookie_options_set_priority(o, v->text, v->len);
        } else {
            die("unknown cookie option", key);
        }
    }
    return status;
}

static polyseal_status cookie_line(const json *c, polyseal_buf *line) {
    const char *style = text_of(c, "style");
    const json *name = need(c, "name");
    const json *expiry = json_get(c, "expiry");
    polyseal_cookie_options *options = NULL;
    polyseal_status status = cookie_options_of(need(c, "options"), style, &options);
    if (status == POLYSEAL_STATUS_OK && expiry != NULL) {
        uint64_t expires = u64_of(need(expiry, "expiresAt"), "expiresAt");
        status = polyseal_cookie_options_set_expiry(options, expires,
                                                    u64_of(need(expiry, "now"), "now"));
    }
    if (status == POLYSEAL_STATUS_OK && strcmp(text_of(c, "op"), "set") == 0) {
        buffer value = {NULL, 0, 0};
        const json *fill = json_get(c, "fill");
        if (fill != NULL) {
            uint64_t count = u64_of(need(fill, "count"), "count");
            for (uint64_t i = 0; i < count; i++) puts_(&value, text_of(fill, "char"));
        } else {
            put(&value, need(c, "value")->text, need(c, "value")->len);
        }
        status = polyseal_set_cookie(name->text, name->len, value.ptr, value.len, options, style,
                                     strlen(style), line);
        free(value.ptr);
    } else if (status == POLYSEAL_STATUS_OK) {
        status = polyseal_deletion_cookie(name->text, name->len, options, style, strlen(style),
                                          line);
    }
    polyseal_cookie_options_free(options);
    return status;
}

/* ---- phase 1 ------------------------------------------------------------------------------ */

static polyseal_status seal_session(const json *cases, const char *format_name, const json *format,
                                    const json *session, const json *variant, const json *ttl,
                                    buffer *out) {
    const json *base = need(format, "options"), *ttl_ms = need(ttl, "ttl");
    const polyseal_keyring *keyring = NULL;
    const polyseal_sealer *sealer = NULL;
    polyseal_options *o = NULL;
    polyseal_buf token = {NULL, 0}, line = {NULL, 0};
    buffer data = {NULL, 0, 0};
    const json *cookie = need(format, "cookie");
    const char *style = text_of(cookie, "style");
    const json *name = need(cookie, "name");
    polyseal_cookie_options *attributes = NULL;

    polyseal_status status = keyring_of(cases, need(variant, "keyring"),
                                        json_str(json_get(variant, "sealCurrent")), &keyring);
    if (status == POLYSEAL_STATUS_OK) status = polyseal_options_new(&o);
    for (size_t i = 0; status == POLYSEAL_STATUS_OK && i < base->len; i++) {
        status = set_option(o, base->keys[i], &base->items[i]);
    }
    if (status == POLYSEAL_STATUS_OK && ttl_ms->kind != J_NULL) {
        status = set_option(o, "ttl", ttl_ms);
    }
    if (status == POLYSEAL_STATUS_OK) {
        status = polyseal_sealer_new(keyring, format_name, strlen(format_name), o, &sealer);
    }
    session_text(session, format_name, &data);
    if (status == POLYSEAL_STATUS_OK) {
        status = seal_text(sealer, &data, u64_of(need(cases, "now"), "now"), &token);
    }
    if (status == POLYSEAL_STATUS_OK) {
        status = polyseal_cookie_options_for_style(style, strlen(style), &attributes);
    }
    if (status == POLYSEAL_STATUS_OK) {
        status = polyseal_set_cookie(name->text, name->len, (const char *)token.ptr, token.len,
                                     attributes, style, strlen(style), &line);
    }
    if (status == POLYSEAL_STATUS_OK) {
        puts_(out, ", \"token\": ");
        put_string(out, (const char *)token.ptr, token.len);
        puts_(out, ", \"setCookie\": ");
        put_string(out, (const char *)line.ptr, line.len);
    }
    free(data.ptr);
    polyseal_buf_free(&line);
    polyseal_buf_free(&token);
    polyseal_cookie_options_free(attributes);
    polyseal_sealer_free(sealer);
    polyseal_options_free(o);
    polyseal_keyring_free(keyring);
    return status;
}

/* Applies `mutate` to a token: on characters (tokens are ASCII), within one `*`-separated field
 * when `field` is given. Returns a new NUL-terminated string. */
static char *mutate(const char *token, const json *m) {
    const char *op = text_of(m, "op");
    size_t len = strlen(token), start = 0, end = len;
    const json *field = json_get(m, "field");
    if (field != NULL) {
        uint64_t wanted = u64_of(field, "field");
        for (uint64_t n = 0; n < wanted; n++) {
            const char *star = memchr(token + start, '*', len - start);
            if (star == NULL) die("no such field", op);
            start = (size_t)(star - token) + 1;
        }
        const char *star = memchr(token + start, '*', len - start);
        end = star != NULL ? (size_t)(star - token) : len;
    }
    size_t span = end - start;
    buffer out = {NULL, 0, 0};
    put(&out, token, start);
    if (strcmp(op, "flip") == 0 || strcmp(op, "set") == 0) {
        int64_t at = i64_of(need(m, "at"), "at");
        size_t i = at < 0 ? span - (size_t)(-at) : (size_t)at;
        char c = token[start + i] == 'A' ? 'B' : 'A';
        if (op[0] == 's') c = text_of(m, "char")[0];
        put(&out, token + start, i);
        put(&out, &c, 1);
        put(&out, token + start + i + 1, span - i - 1);
    } else if (strcmp(op, "truncate") == 0) {
        int64_t keep = i64_of(need(m, "keep"), "keep");
        put(&out, token + start, keep < 0 ? span - (size_t)(-keep) : (size_t)keep);
    } else if (strcmp(op, "append") == 0) {
        put(&out, token + start, span);
        puts_(&out, text_of(m, "text"));
    } else if (strcmp(op, "replace") == 0) {
        puts_(&out, text_of(m, "with"));
    } else {
        die("unknown mutation", op);
    }
    put(&out, token + end, len - end);
    return out.ptr;
}

/* Splices bytes that are not UTF-8 into the string `invalidText.in` of every entry that has
 * one, at `invalidText.at`: the parsed cases are changed in place, once, before anything runs. */
static void invalidate_texts(json *cases) {
    json *errors = (json *)need(cases, "errors");
    for (size_t i = 0; i < errors->len; i++) {
        json *entry = &errors->items[i];
        const json *invalid = json_get(entry, "invalidText");
        if (invalid == NULL) continue;
        const json *path = need(invalid, "in");
        json *node = entry;
        for (size_t step = 0; step < path->len; step++) {
            const json *key = &path->items[step];
            node = key->kind == J_STRING ? (json *)need(node, key->text)
                                         : &node->items[u64_of(key, "index")];
        }
        size_t at = (size_t)u64_of(need(invalid, "at"), "at");
        if (node->kind != J_STRING || at > node->len) {
            die("invalidText names no string", text_of(entry, "id"));
        }
        buffer out = {NULL, 0, 0};
        put(&out, node->text, at);
        puts_(&out, NOT_UTF8);
        put(&out, node->text + at, node->len - at);
        free(node->text);
        node->text = out.ptr;
        node->len = out.len;
    }
}

/* Unseals `token` as the entry says (keyring, format, options, at). */
static polyseal_status open_entry(const json *cases, const json *entry, const char *token,
                                  size_t token_len) {
    const polyseal_sealer *sealer = NULL;
    const polyseal_unsealed *unsealed = NULL;
    polyseal_status status = build(cases, need(entry, "keyring"), NULL, text_of(entry, "format"),
                                   json_get(entry, "options"), &sealer);
    if (status == POLYSEAL_STATUS_OK) {
        uint64_t at = at_of(cases, entry);
        status = polyseal_sealer_unseal_at(sealer, token, token_len, at, &unsealed);
    }
    polyseal_unsealed_free(unsealed);
    polyseal_sealer_free(sealer);
    return status;
}

/* The entry's token: given, or sealed afresh from `seal`; then `mutate` applied. */
static polyseal_status entry_token(const json *cases, const json *entry, buffer *token) {
    const json *seal = json_get(entry, "seal");
    char *base = NULL;
    polyseal_status status = POLYSEAL_STATUS_OK;
    if (seal == NULL) {
        base = copy_text(text_of(entry, "token"));
    } else {
        const char *format = json_str(json_get(seal, "format"));
        if (format == NULL) format = text_of(entry, "format");
        const polyseal_sealer *sealer = NULL;
        polyseal_buf sealed = {NULL, 0};
        buffer data = {NULL, 0, 0};
        status = build(cases, need(seal, "keyring"), json_str(json_get(seal, "sealCurrent")),
                       format, json_get(seal, "options"), &sealer);
        session_text(need(need(cases, "sessions"), text_of(seal, "session")), format, &data);
        if (status == POLYSEAL_STATUS_OK) {
            status = seal_text(sealer, &data, at_of(cases, seal), &sealed);
        }
        if (status == POLYSEAL_STATUS_OK) base = copy_text((const char *)sealed.ptr);
        free(data.ptr);
        polyseal_buf_free(&sealed);
        polyseal_sealer_free(sealer);
    }
    if (status != POLYSEAL_STATUS_OK) return status;
    if (json_get(entry, "mutate") != NULL) {
        char *mutated = mutate(base, need(entry, "mutate"));
        free(base);
        base = mutated;
    }
    put(token, base, strlen(base));
    if (token->ptr == NULL) put(token, "", 0);
    free(base);
    return POLYSEAL_STATUS_OK;
}

static polyseal_status seal_entry(const json *cases, const json *entry) {
    const polyseal_sealer *sealer = NULL;
    polyseal_buf token = {NULL, 0};
    buffer text = {NULL, 0, 0};
    polyseal_status status = build(cases, need(entry, "keyring"), NULL, text_of(entry, "format"),
                                   json_get(entry, "options"), &sealer);
    const json *payload = json_get(entry, "payload");
    if (payload != NULL) {
        put(&text, payload->text, payload->len);
        if (text.ptr == NULL) put(&text, "", 0);
    } else {
        put_value(&text, need(entry, "data"), NULL, NULL);
    }
    if (status == POLYSEAL_STATUS_OK) {
        status = seal_text(sealer, &text, at_of(cases, entry), &token);
    }
    free(text.ptr);
    polyseal_buf_free(&token);
    polyseal_sealer_free(sealer);
    return status;
}

static void run_entry(const json *cases, const json *entry, buffer *out) {
    const char *op = text_of(entry, "op");
    polyseal_status status;
    puts_(out, "    {\"id\": ");
    put_string(out, need(entry, "id")->text, need(entry, "id")->len);
    if (strcmp(op, "unseal") == 0) {
        buffer token = {NULL, 0, 0};
        status = entry_token(cases, entry, &token);
        if (status != POLYSEAL_STATUS_OK) {
            printf_(out, ", \"sealError\": \"%s\"", polyseal_status_str(status));
            status = POLYSEAL_STATUS_OK;
        } else {
            if (json_get(entry, "seal") != NULL) {
                puts_(out, ", \"token\": ");
                put_string(out, token.ptr, token.len);
            }
            status = open_entry(cases, entry, token.ptr ? token.ptr : "", token.len);
        }
        free(token.ptr);
    } else if (strcmp(op, "seal") == 0) {
        status = seal_entry(cases, entry);
    } else if (strcmp(op, "keyring") == 0) {
        const polyseal_keyring *keyring = NULL;
        status = keyring_of(cases, need(entry, "keyring"), json_str(json_get(entry, "current")),
                            &keyring);
        polyseal_keyring_free(keyring);
    } else if (strcmp(op, "sealer") == 0) {
        const polyseal_sealer *sealer = NULL;
        status = build(cases, need(entry, "keyring"), NULL, text_of(entry, "format"),
                       json_get(entry, "options"), &sealer);
        polyseal_sealer_free(sealer);
    } else if (strcmp(op, "cookie") == 0) {
        polyseal_buf line = {NULL, 0};
        status = cookie_line(need(entry, "cookie"), &line);
        polyseal_buf_free(&line);
    } else if (strcmp(op, "parse") == 0) {
        const json *header = need(entry, "header");
        polyseal_cookie_list *list = NULL;
        status = polyseal_parse_cookie_header(header->text, header->len, &list);
        polyseal_cookie_list_free(list);
    } else {
        die("unknown op", op);
    }
    puts_(out, ", \"code\": ");
    put_code(out, status);
    puts_(out, "}");
}

static void seal_phase(const json *cases, buffer *out) {
    const json *formats = need(cases, "formats"), *sessions = need(cases, "sessions");
    bool first = true;
    printf_(out, "{\"lang\": \"c\", \"version\": \"%s\",\n \"tokens\": [\n", polyseal_version());
    for (size_t f = 0; f < formats->len; f++) {
        const char *format_name = formats->keys[f];
        const json *format = &formats->items[f];
        const json *variants = need(format, "keyrings"), *ttls = need(format, "ttls");
        for (size_t s = 0; s < sessions->len; s++) {
            for (size_t k = 0; k < variants->len; k++) {
                for (size_t t = 0; t < ttls->len; t++) {
                    const json *variant = &variants->items[k], *ttl = &ttls->items[t];
                    const char *kr = text_of(variant, "label"), *tl = text_of(ttl, "label");
                    buffer id = {NULL, 0, 0};
                    printf_(&id, "%s/", format_name);
                    puts_(&id, sessions->keys[s]);
                    printf_(&id, "/%s/%s", kr, tl);
                    puts_(out, first ? "    {\"id\": " : ",\n    {\"id\": ");
                    first = false;
                    put_string(out, id.ptr, id.len);
                    puts_(out, ", \"format\": ");
                    put_string(out, format_name, strlen(format_name));
                    puts_(out, ", \"session\": ");
                    put_string(out, sessions->keys[s], strlen(sessions->keys[s]));
                    printf_(out, ", \"keyring\": \"%s\", \"ttl\": \"%s\"", kr, tl);
                    polyseal_status status = seal_session(cases, format_name, format,
                                                          &sessions->items[s], variant, ttl, out);
                    if (status != POLYSEAL_STATUS_OK) {
                        printf_(out, ", \"error\": \"%s\"", polyseal_status_str(status));
                    }
                    puts_(out, "}");
                    free(id.ptr);
                }
            }
        }
    }
    puts_(out, "\n ],\n \"cookies\": [\n");
    const json *cookies = need(cases, "cookies");
    for (size_t i = 0; i < cookies->len; i++) {
        polyseal_buf line = {NULL, 0};
        polyseal_status status = cookie_line(&cookies->items[i], &line);
        puts_(out, i ? ",\n    {\"id\": " : "    {\"id\": ");
        put_string(out, need(&cookies->items[i], "id")->text, need(&cookies->items[i], "id")->len);
        if (status == POLYSEAL_STATUS_OK) {
            puts_(out, ", \"line\": ");
            put_string(out, (const char *)line.ptr, line.len);
        } else {
            printf_(out, ", \"error\": \"%s\"", polyseal_status_str(status));
        }
        puts_(out, "}");
        polyseal_buf_free(&line);
    }
    puts_(out, "\n ],\n \"errors\": [\n");
    const json *errors = need(cases, "errors");
    first = true;
    for (size_t i = 0; i < errors->len; i++) {
        if (!speaks(&errors->items[i])) continue;
        if (!first) puts_(out, ",\n");
        first = false;
        run_entry(cases, &errors->items[i], out);
    }
    puts_(out, "\n ]\n}\n");
}

/* ---- phase 2 ------------------------------------------------------------------------------ */

static const json *labelled(const json *list, const char *label) {
    for (size_t i = 0; i < list->len; i++) {
        if (strcmp(text_of(&list->items[i], "label"), label) == 0) return &list->items[i];
    }
    die("unknown label", label);
}

static void open_token(const json *cases, const json *record, const char *producer, bool first,
                       buffer *out) {
    const json *token = need(record, "token");
    const char *format_name = text_of(record, "format");
    const json *format = need(need(cases, "formats"), format_name);
    const json *variant = labelled(need(format, "keyrings"), text_of(record, "keyring"));
    const json *ttl = labelled(need(format, "ttls"), text_of(record, "ttl"));
    const json *base = need(format, "options"), *ttl_ms = need(ttl, "ttl");
    uint64_t open_at =
        u64_of(need(cases, "now"), "now") + u64_of(need(cases, "openDelay"), "openDelay");
    const polyseal_keyring *keyring = NULL;
    const polyseal_sealer *sealer = NULL;
    const polyseal_unsealed *unsealed = NULL;
    polyseal_options *o = NULL;

    polyseal_status status = keyring_of(cases, need(variant, "keyring"), NULL, &keyring);
    if (status == POLYSEAL_STATUS_OK) status = polyseal_options_new(&o);
    for (size_t i = 0; status == POLYSEAL_STATUS_OK && i < base->len; i++) {
        status = set_option(o, base->keys[i], &base->items[i]);
    }
    if (status == POLYSEAL_STATUS_OK && ttl_ms->kind != J_NULL) {
        status = set_option(o, "ttl", ttl_ms);
    }
    if (status == POLYSEAL_STATUS_OK) {
        status = polyseal_sealer_new(keyring, format_name, strlen(format_name), o, &sealer);
    }
    if (status == POLYSEAL_STATUS_OK) {
        status = polyseal_sealer_unseal_at(sealer, token->text, token->len, open_at, &unsealed);
    }
    printf_(out, "%s    {\"producer\": \"%s\", \"id\": ", first ? "" : ",\n", producer);
    put_string(out, need(record, "id")->text, need(record, "id")->len);
    if (status == POLYSEAL_STATUS_OK) {
        const char *data, *key_id;
        size_t data_len, key_id_len;
        polyseal_unsealed_data(unsealed, &data, &data_len);
        polyseal_unsealed_key_id(unsealed, &key_id, &key_id_len);
        puts_(out, ", \"data\": ");
        put(out, data, data_len);
        puts_(out, ", \"keyId\": ");
        put_string(out, key_id, key_id_len);
        if (polyseal_unsealed_has_issued_at(unsealed)) {
            printf_(out, ", \"issuedAt\": %" PRIu64, polyseal_unsealed_issued_at(unsealed));
        } else {
            puts_(out, ", \"issuedAt\": null");
        }
        if (polyseal_unsealed_has_expires_at(unsealed)) {
            printf_(out, ", \"expiresAt\": %" PRIu64, polyseal_unsealed_expires_at(unsealed));
        } else {
            puts_(out, ", \"expiresAt\": null");
        }
        printf_(out, ", \"needsReseal\": %s",
                polyseal_unsealed_needs_reseal(unsealed) ? "true" : "false");
    } else {
        printf_(out, ", \"error\": \"%s\"", polyseal_status_str(status));
    }
    puts_(out, "}");
    polyseal_unsealed_free(unsealed);
    polyseal_sealer_free(sealer);
    polyseal_options_free(o);
    polyseal_keyring_free(keyring);
}

static const json *entry_named(const json *cases, const json *id) {
    const json *errors = need(cases, "errors");
    for (size_t i = 0; i < errors->len; i++) {
        if (strcmp(text_of(&errors->items[i], "id"), id->text) == 0) return &errors->items[i];
    }
    die("a derived token of no entry", id->text);
}

static void open_phase(const json *cases, const char *out_dir, buffer *out) {
    const json *languages = need(cases, "languages");
    json *sealed[8] = {NULL};
    char *texts[8] = {NULL};
    if (languages->len > 8) die("too many languages", NULL);
    for (size_t l = 0; l < languages->len; l++) {
        char path[4096];
        size_t len = 0;
        snprintf(path, sizeof path, "%s/%s-sealed.json", out_dir, languages->items[l].text);
        texts[l] = read_file(path, &len);
        sealed[l] = texts[l] ? json_parse(texts[l], len) : NULL;
        if (sealed[l] == NULL) die("cannot read", path);
    }
    puts_(out, "{\"lang\": \"c\",\n \"opened\": [\n");
    bool first = true;
    for (size_t l = 0; l < languages->len; l++) {
        const json *tokens = need(sealed[l], "tokens");
        for (size_t i = 0; i < tokens->len; i++) {
            if (json_get(&tokens->items[i], "token") == NULL) continue;
            open_token(cases, &tokens->items[i], languages->items[l].text, first, out);
            first = false;
        }
    }
    puts_(out, "\n ],\n \"errors\": [\n");
    first = true;
    for (size_t l = 0; l < languages->len; l++) {
        const json *records = need(sealed[l], "errors");
        for (size_t i = 0; i < records->len; i++) {
            const json *token = json_get(&records->items[i], "token");
            if (token == NULL) continue;
            const json *id = need(&records->items[i], "id");
            const json *entry = entry_named(cases, id);
            polyseal_status status = open_entry(cases, entry, token->text, token->len);
            printf_(out, "%s    {\"producer\": \"%s\", \"id\": ", first ? "" : ",\n",
                    languages->items[l].text);
            first = false;
            put_string(out, id->text, id->len);
            puts_(out, ", \"code\": ");
            put_code(out, status);
            puts_(out, "}");
        }
    }
    puts_(out, "\n ]\n}\n");
    for (size_t l = 0; l < languages->len; l++) {
        json_free(sealed[l]);
        free(texts[l]);
    }
}

int main(int argc, char **argv) {
    if (argc != 4 || (strcmp(argv[1], "seal") != 0 && strcmp(argv[1], "open") != 0)) {
        fprintf(stderr, "usage: driver seal|open CASES OUT_DIR\n");
        return 2;
    }
    size_t len = 0;
    char *text = read_file(argv[2], &len);
    json *cases = text ? json_parse(text, len) : NULL;
    if (cases == NULL) die("cannot read", argv[2]);
    invalidate_texts(cases);
    buffer out = {NULL, 0, 0};
    bool sealing = argv[1][0] == 's';
    if (sealing) {
        seal_phase(cases, &out);
    } else {
        open_phase(cases, argv[3], &out);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/c-%s.json", argv[3], sealing ? "sealed" : "opened");
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(out.ptr, 1, out.len, f) != out.len || fclose(f) != 0) {
        die("cannot write", path);
    }
    free(out.ptr);
    json_free(cases);
    free(text);
    return 0;
}
