/* A small recursive-descent JSON parser (RFC 8259) for the C tests. */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 512

typedef struct {
    const char *p;
    const char *end;
    int depth;
} parser;

static bool parse_value(parser *ps, json *out);

static void skip_ws(parser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) {
        ps->p++;
    }
}

static bool literal(parser *ps, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) {
        return false;
    }
    ps->p += n;
    return true;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool hex4(parser *ps, unsigned *out) {
    unsigned v = 0;
    if (ps->end - ps->p < 4) return false;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(ps->p[i]);
        if (d < 0) return false;
        v = v * 16 + (unsigned)d;
    }
    ps->p += 4;
    *out = v;
    return true;
}

static size_t put_utf8(char *out, unsigned cp) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Parses a string after its opening quote; the decoded text is never longer than the source. */
static bool parse_string(parser *ps, char **text, size_t *len) {
    const char *start = ps->p;
    char *buf = malloc((size_t)(ps->end - start) + 1);
    size_t n = 0;
    if (buf == NULL) return false;
    while (ps->p < ps->end && *ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p++;
        if (c < 0x20) goto fail;
        if (c != '\\') {
            buf[n++] = (char)c;
            continue;
        }
        if (ps->p >= ps->end) goto fail;
        switch (*ps->p++) {
        case '"': buf[n++] = '"'; break;
        case '\\': buf[n++] = '\\'; break;
        case '/': buf[n++] = '/'; break;
        case 'b': buf[n++] = '\b'; break;
        case 'f': buf[n++] = '\f'; break;
        case 'n': buf[n++] = '\n'; break;
        case 'r': buf[n++] = '\r'; break;
        case 't': buf[n++] = '\t'; break;
        case 'u': {
            unsigned cp, low;
            if (!hex4(ps, &cp)) goto fail;
            if (cp >= 0xD800 && cp <= 0xDBFF && ps->end - ps->p >= 6 && ps->p[0] == '\\' &&
                ps->p[1] == 'u') {
                const char *save = ps->p;
                ps->p += 2;
                if (hex4(ps, &low) && low >= 0xDC00 && low <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                } else {
                    ps->p = save;
                }
            }
            /* A lone surrogate is kept as its 3-byte (WTF-8) form so that it still compares. */
            n += put_utf8(buf + n, cp);
            break;
        }
        default: goto fail;
        }
    }
    if (ps->p >= ps->end) goto fail;
    ps->p++; /* closing quote */
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return true;
fail:
    free(buf);
    return false;
}

static bool parse_number(parser *ps, json *out) {
    const char *start = ps->p;
    if (ps->p < ps->end && *ps->p == '-') ps->p++;
    if (ps->p >= ps->end) return false;
    if (*ps->p == '0') {
        ps->p++;
    } else if (*ps->p >= '1' && *ps->p <= '9') {
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') ps->p++;
    } else {
        return false;
    }
    if (ps->p < ps->end && *ps->p == '.') {
        ps->p++;
        if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') return false;
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') ps->p++;
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-')) ps->p++;
        if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') return false;
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') ps->p++;
    }
    size_t n = (size_t)(ps->p - start);
    out->text = malloc(n + 1);
    if (out->text == NULL) return false;
    memcpy(out->text, start, n);
    out->text[n] = '\0';
    out->len = n;
    out->number = strtod(out->text, NULL);
    out->kind = J_NUMBER;
    return true;
}

/* Appends a zeroed slot to a growing array of items (and keys, for objects). */
static json *grow(json *value, size_t *cap, bool with_keys) {
    if (value->len == *cap) {
        size_t next = *cap ? *cap * 2 : 4;
        json *items = realloc(value->items, next * sizeof *items);
        if (items == NULL) return NULL;
        value->items = items;
        if (with_keys) {
            char **keys = realloc(value->keys, next * sizeof *keys);
            if (keys == NULL) return NULL;
            value->keys = keys;
        }
        *cap = next;
    }
    json *slot = &value->items[value->len];
    memset(slot, 0, sizeof *slot);
    return slot;
}

static void free_inner(json *value);

static bool parse_container(parser *ps, json *out, char close) {
    size_t cap = 0;
    bool object = close == '}';
    out->kind = object ? J_OBJECT : J_ARRAY;
    if (++ps->depth > MAX_DEPTH) return false;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        ps->depth--;
        return true;
    }
    for (;;) {
        json *slot = grow(out, &cap, object);
        if (slot == NULL) return false;
        if (object) {
            size_t key_len;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != '"') return false;
            ps->p++;
            if (!parse_string(ps, &out->keys[out->len], &key_len)) return false;
            /* The key is owned from here on, so count the slot before anything can fail. */
            out->len++;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') return false;
            ps->p++;
        } else {
            out->len++;
        }
        if (!parse_value(ps, slot)) return false;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            ps->depth--;
            return true;
        }
        return false;
    }
}

static bool parse_value(parser *ps, json *out) {
    memset(out, 0, sizeof *out);
    skip_ws(ps);
    if (ps->p >= ps->end) return false;
    switch (*ps->p) {
    case '{': ps->p++; return parse_container(ps, out, '}');
    case '[': ps->p++; return parse_container(ps, out, ']');
    case '"':
        ps->p++;
        out->kind = J_STRING;
        return parse_string(ps, &out->text, &out->len);
    case 't': out->kind = J_BOOL; out->boolean = true; return literal(ps, "true");
    case 'f': out->kind = J_BOOL; out->boolean = false; return literal(ps, "false");
    case 'n': out->kind = J_NULL; return literal(ps, "null");
    default: return parse_number(ps, out);
    }
}

static void free_inner(json *value) {
    free(value->text);
    for (size_t i = 0; i < value->len && value->items != NULL; i++) {
        free_inner(&value->items[i]);
        if (value->kind == J_OBJECT) free(value->keys[i]);
    }
    free(value->items);
    free(value->keys);
}

json *json_parse(const char *text, size_t len) {
    parser ps = {text, text + len, 0};
    json *value = calloc(1, sizeof *value);
    if (value == NULL) return NULL;
    bool ok = parse_value(&ps, value);
    skip_ws(&ps);
    if (!ok || ps.p != ps.end) {
        json_free(value);
        return NULL;
    }
    return value;
}

void json_free(json *value) {
    if (value == NULL) return;
    free_inner(value);
    free(value);
}

const json *json_get(const json *value, const char *key) {
    if (value == NULL || value->kind != J_OBJECT) return NULL;
    for (size_t i = 0; i < value->len; i++) {
        if (strcmp(value->keys[i], key) == 0) return &value->items[i];
    }
    return NULL;
}

const char *json_str(const json *value) {
    return value != NULL && value->kind == J_STRING ? value->text : NULL;
}

bool json_u64(const json *value, uint64_t *out) {
    char *end;
    if (value == NULL || value->kind != J_NUMBER || value->text[0] == '-') return false;
    *out = strtoull(value->text, &end, 10);
    return *end == '\0';
}

bool json_i64(const json *value, int64_t *out) {
    char *end;
    if (value == NULL || value->kind != J_NUMBER) return false;
    *out = strtoll(value->text, &end, 10);
    return *end == '\0';
}

bool json_equal(const json *a, const json *b) {
    if (a->kind != b->kind) return false;
    switch (a->kind) {
    case J_NULL: return true;
    case J_BOOL: return a->boolean == b->boolean;
    case J_NUMBER: return a->number == b->number;
    case J_STRING: return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
    case J_ARRAY:
        if (a->len != b->len) return false;
        for (size_t i = 0; i < a->len; i++) {
            if (!json_equal(&a->items[i], &b->items[i])) return false;
        }
        return true;
    case J_OBJECT:
        if (a->len != b->len) return false;
        for (size_t i = 0; i < a->len; i++) {
            const json *other = json_get(b, a->keys[i]);
            if (other == NULL || !json_equal(&a->items[i], other)) return false;
        }
        return true;
    }
    return false;
}

typedef struct {
    char *p;
    size_t len;
    size_t cap;
    bool failed;
} text_buf;

static void put(text_buf *out, const char *bytes, size_t n) {
    if (out->failed) return;
    if (out->cap - out->len <= n) {
        size_t next = (out->cap + n) * 2 + 16;
        char *p = realloc(out->p, next);
        if (p == NULL) {
            out->failed = true;
            return;
        }
        out->p = p;
        out->cap = next;
    }
    memcpy(out->p + out->len, bytes, n);
    out->len += n;
}

static void put_string(text_buf *out, const char *text, size_t len) {
    put(out, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        char escaped[8];
        if (c == '"' || c == '\\') {
            escaped[0] = '\\';
            escaped[1] = (char)c;
            put(out, escaped, 2);
        } else if (c < 0x20) {
            snprintf(escaped, sizeof escaped, "\\u%04x", c);
            put(out, escaped, 6);
        } else {
            put(out, &text[i], 1);
        }
    }
    put(out, "\"", 1);
}

static void put_value(text_buf *out, const json *value) {
    switch (value->kind) {
    case J_NULL: put(out, "null", 4); break;
    case J_BOOL: value->boolean ? put(out, "true", 4) : put(out, "false", 5); break;
    case J_NUMBER: put(out, value->text, value->len); break;
    case J_STRING: put_string(out, value->text, value->len); break;
    case J_ARRAY:
    case J_OBJECT: {
        bool object = value->kind == J_OBJECT;
        put(out, object ? "{" : "[", 1);
        for (size_t i = 0; i < value->len; i++) {
            if (i > 0) put(out, ",", 1);
            if (object) {
                put_string(out, value->keys[i], strlen(value->keys[i]));
                put(out, ":", 1);
            }
            put_value(out, &value->items[i]);
        }
        put(out, object ? "}" : "]", 1);
        break;
    }
    }
}

char *json_stringify(const json *value, size_t *len_out) {
    text_buf out = {NULL, 0, 0, false};
    put_value(&out, value);
    put(&out, "", 1); /* the NUL */
    if (out.failed) {
        free(out.p);
        return NULL;
    }
    *len_out = out.len - 1;
    return out.p;
}

char *read_file(const char *path, size_t *len_out) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, got;
    if (f == NULL) return NULL;
    do {
        if (cap - len < 4096) {
            char *next = realloc(buf, cap + 65536);
            if (next == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = next;
            cap += 65536;
        }
        got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
    } while (got > 0);
    fclose(f);
    buf[len] = '\0';
    *len_out = len;
    return buf;
}
