/* Runs the session flows (tests/vectors/sessions.json, layout in docs/VECTORS.md) through the C API
 * and asserts that numberOfTests flows were executed; every step of every flow is run and checked.
 *
 * usage: sessions FILE.json
 *
 * It follows the reference runner, core/tests/support/session_flows.rs:
 *   config    polyseal_session_config_new(format) and one setter per key (maxAge/idleTimeout/
 *             cookieHeaderLimit null = 0 = off, sessionHeader null = NULL; cookie = cookie
 *             options from nothing; iterations and skew = sealer options)
 *   manager   one per keyring name, built on first use (a step may name another keyring)
 *   load      polyseal_session_manager_load_at(cookie or NULL, sessionHeader or NULL, now);
 *             "$jar" in the cookie is the jar's Cookie header without the `omit` names,
 *             "$token" as sessionHeader the token of the last token step
 *   update    polyseal_session_manager_update_at(patch)   save, clear: _save_at, _clear_at
 *   mutate    polyseal_session_set_data(data)              token: _token_at
 * The jar applies every written line (Max-Age=0 removes a cookie, anything else stores its value).
 * Each step's outcome is then compared with its `expect`, key by key: error, setCookies (masked:
 * token values as <token>, chunk values `name.N` as <chunk>), tokenLength, token, id (exact, @N,
 * uuid-v4, base64url-128, empty), isNew, rejection, createdAt, lastSeenAt, data, needsReseal,
 * isCleared. An unknown expectation fails the step. */
#include <inttypes.h>
#include <stdlib.h>

#include "check.h"
#include "json.h"
#include "cookie_options.h"
#include "keyrings.h"

#define MAX_MANAGERS 8
#define MAX_COOKIES 64
#define MAX_STEPS 64

typedef struct {
    char *name;
    char *value;
} cookie;

/* One flow being run. */
typedef struct {
    const json *keyrings;
    const char *default_keyring;
    polyseal_session_config *config;
    char cookie_name[64];
    const char *names[MAX_MANAGERS];
    const polyseal_session_manager *managers[MAX_MANAGERS];
    size_t manager_count;
    polyseal_session *session;
    cookie jar[MAX_COOKIES];
    size_t jar_count;
    char *token; /* of the last token step, for "$token" */
    size_t token_len;
    char *ids[MAX_STEPS]; /* the id observed after each step, for "@N" */
} run;

/* What a step other than load produced. */
typedef struct {
    polyseal_status status;
    bool writes;   /* update, save, clear: setCookies and tokenLength apply */
    bool is_token; /* token: token and tokenLength apply */
    polyseal_cookie_list *lines;
    polyseal_buf token;
} outcome;

static char *copy_of(const char *text, size_t len) {
    char *copy = malloc(len + 1);
    if (copy != NULL) {
        memcpy(copy, text, len);
        copy[len] = '\0';
    }
    return copy;
}

/* Cookie options from an options object as in cookies.json; NULL when a key is unknown, a value
 * has the wrong type, or a setter refuses it. */
static polyseal_cookie_options *cookie_options_of(const json *spec) {
    polyseal_cookie_options *o = NULL;
    polyseal_status status = polyseal_cookie_options_new(&o);
    for (size_t i = 0; spec->kind == J_OBJECT && i < spec->len && status == 0; i++) {
        bool known;
        status = set_cookie_option(o, spec->keys[i], &spec->items[i], &known);
    }
    if (status != POLYSEAL_STATUS_OK || spec->kind != J_OBJECT) {
        polyseal_cookie_options_free(o);
        return NULL;
    }
    return o;
}

/* The cookie name each format's configuration starts with (docs/SESSIONS.md); masking needs it to
 * tell chunk cookies from the session cookie. */
static const char *default_cookie_name(const char *format) {
    if (strcmp(format, "h3-v1") == 0 || strcmp(format, "h3-v2") == 0) return "h3";
    if (strcmp(format, "iron-session") == 0) return "iron-session";
    return "session";
}

/* The flow's configuration: format defaults plus one setter per key. False for an unknown key, a
 * value of the wrong type, or a refused setting. */
static bool configure(run *r, const json *spec) {
    const char *format = json_str(json_get(spec, "format"));
    polyseal_options *sealer = NULL;
    polyseal_status status;
    bool ok = format != NULL;
    if (!ok) return false;
    CHECK_OK(status = polyseal_session_config_new(format, strlen(format), &r->config));
    if (status != POLYSEAL_STATUS_OK) return false;
    snprintf(r->cookie_name, sizeof r->cookie_name, "%s", default_cookie_name(format));
    for (size_t i = 0; ok && i < spec->len; i++) {
        const char *key = spec->keys[i];
        const json *v = &spec->items[i];
        bool null = v->kind == J_NULL;
        uint64_t n = 0;
        bool number = json_u64(v, &n);
        status = POLYSEAL_STATUS_INVALID_ARGUMENT;
        if (strcmp(key, "format") == 0) {
            status = POLYSEAL_STATUS_OK;
        } else if (strcmp(key, "cookieName") == 0 && json_str(v) &&
                   v->len < sizeof r->cookie_name) {
            snprintf(r->cookie_name, sizeof r->cookie_name, "%s", v->text);
            status = polyseal_session_config_set_cookie_name(r->config, v->text, v->len);
        } else if (strcmp(key, "maxAge") == 0 && (null || (number && n > 0))) {
            status = polyseal_session_config_set_max_age_s(r->config, n);
        } else if (strcmp(key, "idleTimeout") == 0 && (null || (number && n > 0))) {
            status = polyseal_session_config_set_idle_timeout_s(r->config, n);
        } else if (strcmp(key, "cookie") == 0) {
            polyseal_cookie_options *o = cookie_options_of(v);
            if (o != NULL) status = polyseal_session_config_set_cookie_options(r->config, o);
            polyseal_cookie_options_free(o);
        } else if (strcmp(key, "style") == 0 && json_str(v)) {
            status = polyseal_session_config_set_style(r->config, v->text, v->len);
        } else if (strcmp(key, "chunking") == 0 && json_str(v)) {
            status = polyseal_session_config_set_chunking(r->config, v->text, v->len);
        } else if (strcmp(key, "split") == 0 && v->kind == J_BOOL) {
            status = polyseal_session_config_set_split(r->config, v->boolean);
        } else if (strcmp(key, "sessionHeader") == 0 && (null || json_str(v))) {
            status = null ? polyseal_session_config_set_session_header(r->config, NULL, 0)
                          : polyseal_session_config_set_session_header(r->config, v->text, v->len);
        } else if (strcmp(key, "saveNewSessions") == 0 && v->kind == J_BOOL) {
            status = polyseal_session_config_set_save_new_sessions(r->config, v->boolean);
        } else if (strcmp(key, "cookieHeaderLimit") == 0 && (null || (number && n > 0))) {
            status = polyseal_session_config_set_cookie_header_limit(r->config, (size_t)n);
        } else if ((strcmp(key, "iterations") == 0 && number && n <= UINT32_MAX) ||
                   (strcmp(key, "skew") == 0 && number)) {
            if (sealer == NULL) polyseal_options_new(&sealer);
            status = key[0] == 'i' ? polyseal_options_set_iterations(sealer, (uint32_t)n)
                                   : polyseal_options_set_skew_ms(sealer, n);
        } else {
            fprintf(stderr, "  unsupported session option %s\n", key);
        }
        CHECK_OK(status);
        ok = status == POLYSEAL_STATUS_OK;
    }
    if (ok && sealer != NULL) {
        CHECK_OK(status = polyseal_session_config_set_sealer_options(r->config, sealer));
        ok = status == POLYSEAL_STATUS_OK;
    }
    polyseal_options_free(sealer);
    return ok;
}

/* The manager for a step's keyring (the flow's by default), built on first use; NULL on failure. */
static const polyseal_session_manager *manager_for(run *r, const json *step) {
    const json *named = json_get(step, "keyring");
    const char *name = named != NULL ? json_str(named) : r->default_keyring;
    const polyseal_keyring *keyring;
    const polyseal_session_manager *manager = NULL;
    if (name == NULL) return NULL;
    for (size_t i = 0; i < r->manager_count; i++) {
        if (strcmp(r->names[i], name) == 0) return r->managers[i];
    }
    if (r->manager_count == MAX_MANAGERS) return NULL;
    keyring = keyring_of(json_get(r->keyrings, name));
    if (keyring == NULL) return NULL;
    CHECK_OK(polyseal_session_manager_new(keyring, r->config, &manager));
    polyseal_keyring_free(keyring); /* the manager keeps its own reference */
    if (manager != NULL) {
        r->names[r->manager_count] = name;
        r->managers[r->manager_count++] = manager;
    }
    return manager;
}

/* Splits a Set-Cookie line into name, value and attributes (after the first ';'). */
static void split_line(const char *line, size_t len, size_t *name_len, const char **value,
                       size_t *value_len, const char **attributes) {
    const char *semicolon = memchr(line, ';', len);
    size_t pair_len = semicolon ? (size_t)(semicolon - line) : len;
    const char *equals = memchr(line, '=', pair_len);
    *name_len = equals ? (size_t)(equals - line) : pair_len;
    *value = equals ? equals + 1 : line + pair_len;
    *value_len = equals ? pair_len - *name_len - 1 : 0;
    *attributes = semicolon ? semicolon + 1 : line + len;
}

/* Whether the attributes hold Max-Age=0 (blanks around it and letter case ignored). */
static bool deletes(const char *attributes) {
    const char *p = attributes;
    while (*p != '\0') {
        const char *end = strchr(p, ';');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n > 0 && (*p == ' ' || *p == '\t')) p++, n--;
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
        if (n == 9) {
            bool same = true;
            for (size_t i = 0; i < 9; i++) {
                char c = p[i] >= 'A' && p[i] <= 'Z' ? (char)(p[i] - 'A' + 'a') : p[i];
                same = same && c == "max-age=0"[i];
            }
            if (same) return true;
        }
        if (end == NULL) break;
        p = end + 1;
    }
    return false;
}

static void jar_apply(run *r, const polyseal_cookie_list *lines) {
    for (size_t i = 0; i < polyseal_cookie_list_count(lines); i++) {
        const char *line, *value, *attributes;
        size_t len, name_len, value_len, found = r->jar_count;
        if (polyseal_cookie_list_line(lines, i, &line, &len) != POLYSEAL_STATUS_OK) continue;
        split_line(line, len, &name_len, &value, &value_len, &attributes);
        for (size_t j = 0; j < r->jar_count; j++) {
            if (strlen(r->jar[j].name) == name_len && memcmp(r->jar[j].name, line, name_len) == 0) {
                found = j;
            }
        }
        if (deletes(attributes)) {
            if (found < r->jar_count) {
                free(r->jar[found].name);
                free(r->jar[found].value);
                memmove(&r->jar[found], &r->jar[found + 1],
                        (r->jar_count - found - 1) * sizeof r->jar[0]);
                r->jar_count--;
            }
        } else if (found < r->jar_count) {
            free(r->jar[found].value);
            r->jar[found].value = copy_of(value, value_len);
        } else if (r->jar_count < MAX_COOKIES) {
            r->jar[r->jar_count].name = copy_of(line, name_len);
            r->jar[r->jar_count++].value = copy_of(value, value_len);
        }
    }
}

static bool omitted(const json *omit, const char *name) {
    for (size_t i = 0; omit != NULL && i < omit->len; i++) {
        if (json_str(&omit->items[i]) && strcmp(omit->items[i].text, name) == 0) return true;
    }
    return false;
}

/* The step's Cookie header with every "$jar" replaced by the jar's cookies; the caller frees it. */
static char *cookie_header(const run *r, const json *cookie, const json *omit, size_t *len) {
    size_t jar_len = 0, cap = cookie->len + 1, n = 0;
    char *jar, *out;
    for (size_t i = 0; i < r->jar_count; i++) {
        jar_len += strlen(r->jar[i].name) + strlen(r->jar[i].value) + 3;
    }
    jar = calloc(1, jar_len + 1);
    for (size_t i = 0; jar != NULL && i < r->jar_count; i++) {
        if (omitted(omit, r->jar[i].name)) continue;
        if (jar[0] != '\0') strcat(jar, "; ");
        strcat(jar, r->jar[i].name);
        strcat(jar, "=");
        strcat(jar, r->jar[i].value);
    }
    for (const char *p = cookie->text; (p = strstr(p, "$jar")) != NULL; p += 4) cap += jar_len;
    out = jar != NULL ? malloc(cap) : NULL;
    for (const char *p = cookie->text; out != NULL && *p != '\0';) {
        if (strncmp(p, "$jar", 4) == 0) {
            memcpy(out + n, jar, strlen(jar));
            n += strlen(jar);
            p += 4;
        } else {
            out[n++] = *p++;
        }
    }
    if (out != NULL) out[n] = '\0';
    free(jar);
    *len = n;
    return out;
}

static bool is_chunk(const char *name, size_t name_len, const char *cookie_name) {
    size_t base = strlen(cookie_name);
    if (name_len <= base + 1 || strncmp(name, cookie_name, base) != 0 || name[base] != '.') {
        return false;
    }
    for (size_t i = base + 1; i < name_len; i++) {
        if (name[i] < '0' || name[i] > '9') return false;
    }
    return true;
}

/* Whether the lines, masked as the reference masks them, are exactly `want`. */
static bool masked_lines_equal(const polyseal_cookie_list *lines, const json *want,
                               const char *cookie_name) {
    bool ok = want->kind == J_ARRAY && polyseal_cookie_list_kind(lines) == POLYSEAL_COOKIE_LIST_LINES &&
              polyseal_cookie_list_count(lines) == want->len;
    for (size_t i = 0; ok && i < want->len; i++) {
        const char *line, *value, *attributes, *mask;
        size_t len, name_len, value_len;
        char masked[4200];
        ok = polyseal_cookie_list_line(lines, i, &line, &len) == POLYSEAL_STATUS_OK &&
             line[len] == '\0' && json_str(&want->items[i]) != NULL;
        if (!ok) break;
        split_line(line, len, &name_len, &value, &value_len, &attributes);
        if (value_len == 0 || strncmp(value, "__chunked__", 11) == 0) {
            mask = NULL;
        } else {
            mask = is_chunk(line, name_len, cookie_name) ? "<chunk>" : "<token>";
        }
        snprintf(masked, sizeof masked, "%.*s=%.*s%s%s", (int)name_len, line,
                 mask ? (int)strlen(mask) : (int)value_len, mask ? mask : value,
                 memchr(line, ';', len) ? ";" : "", attributes);
        ok = strcmp(masked, want->items[i].text) == 0;
        if (!ok) fprintf(stderr, "  line %zu: %s\n  expected %s\n", i, masked, want->items[i].text);
    }
    return ok;
}

/* Characters of token the lines write (chunks added up, __chunked__N left out); 0 for none. */
static size_t token_length(const polyseal_cookie_list *lines) {
    size_t total = 0;
    for (size_t i = 0; i < polyseal_cookie_list_count(lines); i++) {
        const char *line, *value, *attributes;
        size_t len, name_len, value_len;
        if (polyseal_cookie_list_line(lines, i, &line, &len) != POLYSEAL_STATUS_OK) continue;
        split_line(line, len, &name_len, &value, &value_len, &attributes);
        if (strncmp(value, "__chunked__", 11) != 0) total += value_len;
    }
    return total;
}

static bool is_uuid_v4(const char *id, size_t len) {
    if (len != 36) return false;
    for (size_t i = 0; i < len; i++) {
        char c = id[i];
        bool ok;
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            ok = c == '-';
        } else if (i == 14) {
            ok = c == '4';
        } else if (i == 19) {
            ok = c == '8' || c == '9' || c == 'a' || c == 'b';
        } else {
            ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        }
        if (!ok) return false;
    }
    return true;
}

/* 22 base64url characters holding 16 bytes: the last one carries 2 bits, its low 4 are zero. */
static bool is_base64url_128(const char *id, size_t len) {
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    if (len != 22) return false;
    for (size_t i = 0; i < len; i++) {
        const char *at = id[i] != '\0' ? strchr(alphabet, id[i]) : NULL;
        if (at == NULL || (i == 21 && (at - alphabet) % 16 != 0)) return false;
    }
    return true;
}

/* An `id` expectation: exact, "@N" (the id after step N, from 1), or a pattern. */
static bool id_matches(const run *r, const char *want, const char *id, size_t len, size_t step) {
    if (want[0] == '@') {
        char *end;
        size_t n = (size_t)strtoul(want + 1, &end, 10);
        return want[1] >= '0' && want[1] <= '9' && *end == '\0' && n >= 1 && n <= step &&
               r->ids[n - 1] != NULL && strcmp(r->ids[n - 1], id) == 0;
    }
    if (strcmp(want, "uuid-v4") == 0) return is_uuid_v4(id, len);
    if (strcmp(want, "base64url-128") == 0) return is_base64url_128(id, len);
    if (strcmp(want, "empty") == 0) return len == 0;
    return strlen(want) == len && memcmp(want, id, len) == 0;
}

static bool bool_is(const json *want, bool got) {
    return want->kind == J_BOOL && want->boolean == got;
}

static bool optional_u64_is(const json *want, bool has, uint64_t got) {
    uint64_t n;
    return want->kind == J_NULL ? !has : has && json_u64(want, &n) && n == got;
}

/* Compares one expectation with what the step (index `step`, from 0) observed. */
static bool expectation_holds(run *r, const char *key, const json *want, const outcome *o,
                              size_t step) {
    const polyseal_session *s = r->session;
    const char *text;
    size_t len;
    if (strcmp(key, "error") == 0 && o != NULL) {
        return o->status == POLYSEAL_STATUS_OK
                   ? want->kind == J_NULL
                   : json_str(want) != NULL && strcmp(want->text, polyseal_status_str(o->status)) == 0;
    }
    if (strcmp(key, "setCookies") == 0 && o != NULL && o->writes) {
        return o->lines == NULL ? want->kind == J_NULL
                                : masked_lines_equal(o->lines, want, r->cookie_name);
    }
    if (strcmp(key, "tokenLength") == 0 && o != NULL && (o->writes || o->is_token)) {
        /* null on error; for lines also when they write no token */
        size_t n = o->writes ? (o->lines ? token_length(o->lines) : 0) : o->token.len;
        bool has = o->writes ? n > 0 : o->token.ptr != NULL;
        return optional_u64_is(want, has, n);
    }
    if (strcmp(key, "token") == 0 && o != NULL && o->is_token) {
        return o->token.ptr == NULL ? want->kind == J_NULL
                                    : json_str(want) && strcmp(want->text, "<token>") == 0;
    }
    if (strcmp(key, "id") == 0) {
        return json_str(want) != NULL && polyseal_session_id(s, &text, &len) == 0 &&
               text[len] == '\0' && id_matches(r, want->text, text, len, step);
    }
    if (strcmp(key, "isNew") == 0) return bool_is(want, polyseal_session_is_new(s));
    if (strcmp(key, "needsReseal") == 0) return bool_is(want, polyseal_session_needs_reseal(s));
    if (strcmp(key, "isCleared") == 0) return bool_is(want, polyseal_session_is_cleared(s));
    if (strcmp(key, "createdAt") == 0) {
        return optional_u64_is(want, true, polyseal_session_created_at(s));
    }
    if (strcmp(key, "lastSeenAt") == 0) {
        return optional_u64_is(want, polyseal_session_has_last_seen_at(s),
                               polyseal_session_last_seen_at(s)) &&
               (polyseal_session_has_last_seen_at(s) || polyseal_session_last_seen_at(s) == 0);
    }
    if (strcmp(key, "rejection") == 0) {
        polyseal_status code = -1;
        if (polyseal_session_rejection(s, &code, &text, &len) != POLYSEAL_STATUS_OK) return false;
        /* The message is "NAME: details" for a rejection and empty without one. */
        if (code == POLYSEAL_STATUS_OK) return want->kind == J_NULL && len == 0 && text[0] == '\0';
        return json_str(want) != NULL && strcmp(want->text, polyseal_status_str(code)) == 0 &&
               strncmp(text, want->text, want->len) == 0 && text[want->len] == ':' &&
               text[len] == '\0';
    }
    if (strcmp(key, "data") == 0) {
        json *data;
        bool same;
        if (polyseal_session_data(s, &text, &len) != POLYSEAL_STATUS_OK || text[len] != '\0') {
            return false;
        }
        data = json_parse(text, len);
        same = data != NULL && json_equal(data, want);
        json_free(data);
        return same;
    }
    fprintf(stderr, "  unknown expectation %s\n", key);
    return false;
}

/* Runs a step other than load. */
static bool act(run *r, const char *op, const json *step, uint64_t now, outcome *o) {
    const polyseal_session_manager *manager = manager_for(r, step);
    polyseal_cookie_list *lines = SENTINEL(polyseal_cookie_list *);
    const json *body = json_get(step, strcmp(op, "mutate") == 0 ? "data" : "patch");
    char *text = NULL;
    size_t len = 0;
    if (manager == NULL) return false;
    o->writes = strcmp(op, "update") == 0 || strcmp(op, "save") == 0 || strcmp(op, "clear") == 0;
    o->is_token = strcmp(op, "token") == 0;
    if (strcmp(op, "update") == 0 || strcmp(op, "mutate") == 0) {
        if (body == NULL || body->kind != J_OBJECT || (text = json_stringify(body, &len)) == NULL) {
            return false;
        }
    }
    if (strcmp(op, "update") == 0) {
        o->status = polyseal_session_manager_update_at(manager, r->session, text, len, now, &lines);
    } else if (strcmp(op, "mutate") == 0) {
        o->status = polyseal_session_set_data(r->session, text, len);
    } else if (strcmp(op, "save") == 0) {
        o->status = polyseal_session_manager_save_at(manager, r->session, now, &lines);
    } else if (strcmp(op, "clear") == 0) {
        o->status = polyseal_session_manager_clear_at(manager, r->session, now, &lines);
    } else if (o->is_token) {
        o->status = polyseal_session_manager_token_at(manager, r->session, now, &o->token);
    } else {
        fprintf(stderr, "  unsupported op %s\n", op);
        free(text);
        return false;
    }
    free(text);
    if (o->writes && o->status == POLYSEAL_STATUS_OK) {
        o->lines = lines;
        jar_apply(r, lines);
    }
    if (o->is_token && o->status == POLYSEAL_STATUS_OK) {
        free(r->token);
        r->token = copy_of((const char *)o->token.ptr, o->token.len);
        r->token_len = o->token.len;
    }
    /* A failed call leaves its out-parameter alone. */
    if (o->status != POLYSEAL_STATUS_OK) {
        CHECK(lines == SENTINEL(polyseal_cookie_list *) && o->token.ptr == NULL);
    }
    return true;
}

static bool load(run *r, const json *step, uint64_t now) {
    const polyseal_session_manager *manager = manager_for(r, step);
    const json *cookie = json_get(step, "cookie"), *header = json_get(step, "sessionHeader");
    polyseal_session *session = NULL;
    char *cookies = NULL;
    const char *token = NULL;
    size_t cookies_len = 0, token_len = 0;
    polyseal_status status;
    if (manager == NULL) return false;
    if (cookie != NULL && cookie->kind != J_NULL) {
        if (json_str(cookie) == NULL) return false;
        cookies = cookie_header(r, cookie, json_get(step, "omit"), &cookies_len);
        if (cookies == NULL) return false;
    }
    if (header != NULL && header->kind != J_NULL) {
        if (json_str(header) == NULL) goto fail;
        if (strcmp(header->text, "$token") == 0) {
            if (r->token == NULL) goto fail;
            token = r->token;
            token_len = r->token_len;
        } else {
            token = header->text;
            token_len = header->len;
        }
    }
    CHECK_OK(status = polyseal_session_manager_load_at(manager, cookies, cookies_len, token,
                                                       token_len, now, &session));
    free(cookies);
    if (status != POLYSEAL_STATUS_OK) return false;
    polyseal_session_free(r->session);
    r->session = session;
    return true;
fail:
    free(cookies);
    return false;
}

/* Runs one flow; true when every step behaved as expected. Adds its steps to *steps. */
static bool run_flow(const json *doc, const json *flow, size_t *steps_run) {
    run r;
    const json *steps = json_get(flow, "steps");
    bool ok;
    memset(&r, 0, sizeof r);
    r.keyrings = json_get(doc, "keyrings");
    r.default_keyring = json_str(json_get(flow, "keyring"));
    ok = steps != NULL && steps->kind == J_ARRAY && steps->len <= MAX_STEPS &&
         r.default_keyring != NULL && json_get(flow, "config") != NULL &&
         configure(&r, json_get(flow, "config"));
    for (size_t i = 0; ok && i < steps->len; i++) {
        const json *step = &steps->items[i], *expect = json_get(step, "expect");
        const char *op = json_str(json_get(step, "op"));
        outcome o = {POLYSEAL_STATUS_OK, false, false, NULL, {NULL, 0}};
        uint64_t now = 0;
        const char *id;
        size_t id_len;
        bool loaded = op != NULL && strcmp(op, "load") == 0;
        /* Every op but mutate takes the time. */
        ok = op != NULL && expect != NULL && expect->kind == J_OBJECT &&
             (json_u64(json_get(step, "now"), &now) || strcmp(op, "mutate") == 0) &&
             (loaded ? load(&r, step, now) : r.session != NULL && act(&r, op, step, now, &o));
        for (size_t k = 0; ok && k < expect->len; k++) {
            ok = expectation_holds(&r, expect->keys[k], &expect->items[k], loaded ? NULL : &o, i);
            if (!ok) {
                char *want = json_stringify(&expect->items[k], &id_len);
                fprintf(stderr, "  step %zu (%s): %s is not %s (%s)\n", i + 1, op, expect->keys[k],
                        want ? want : "?", o.status ? polyseal_status_str(o.status) : "OK");
                free(want);
            }
        }
        if (ok && polyseal_session_id(r.session, &id, &id_len) == POLYSEAL_STATUS_OK) {
            r.ids[i] = copy_of(id, id_len);
        }
        polyseal_cookie_list_free(o.lines);
        polyseal_buf_free(&o.token);
        if (ok) (*steps_run)++;
    }
    for (size_t i = 0; i < MAX_STEPS; i++) free(r.ids[i]);
    for (size_t i = 0; i < r.jar_count; i++) {
        free(r.jar[i].name);
        free(r.jar[i].value);
    }
    for (size_t i = 0; i < r.manager_count; i++) polyseal_session_manager_free(r.managers[i]);
    polyseal_session_free(r.session);
    polyseal_session_config_free(r.config);
    free(r.token);
    return ok;
}

int main(int argc, char **argv) {
    size_t len, executed = 0, steps = 0, total_steps = 0;
    uint64_t expected = 0;
    char *text = argc == 2 ? read_file(argv[1], &len) : NULL;
    json *doc = text ? json_parse(text, len) : NULL;
    const json *tests = json_get(doc, "tests");
    CHECK(doc != NULL);
    CHECK(tests != NULL && tests->kind == J_ARRAY);
    CHECK(json_u64(json_get(doc, "numberOfTests"), &expected));
    for (size_t i = 0; tests != NULL && i < tests->len; i++) {
        const json *flow = &tests->items[i];
        const json *flow_steps = json_get(flow, "steps");
        bool ok = run_flow(doc, flow, &steps);
        if (!ok) {
            const json *id = json_get(flow, "tcId");
            const char *comment = json_str(json_get(flow, "comment"));
            fprintf(stderr, "%s: tcId %s (%s) failed\n", argv[1], id ? id->text : "?",
                    comment ? comment : "");
        }
        CHECK(ok);
        total_steps += flow_steps != NULL ? flow_steps->len : 0;
        executed++;
    }
    CHECK(executed == expected && executed > 0);
    CHECK(steps == total_steps && steps > 0);
    printf("%s: %zu of %" PRIu64 " flows executed, %zu of %zu steps passed\n",
           argc == 2 ? argv[1] : "?", executed, expected, steps, total_steps);
    json_free(doc);
    free(text);
    return finish("sessions");
}
