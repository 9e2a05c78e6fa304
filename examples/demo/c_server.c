/* The demo's C server: a small single-threaded HTTP/1.1 server on 127.0.0.1 that reads and
 * writes the h3 app's session cookie through libpolyseal's session manager (format "h3-v1",
 * cookie "h3", one password), as the h3 app and the Python server do.
 *
 *   DEMO_SESSION_PASSWORD=<32+ characters> ./c_server [port]     (0 or none: any free port)
 *
 * Routes (JSON in and out): GET /me, POST /login {user}, POST /prefs {theme}, POST /logout.
 * Prints "ready <port>" once it listens; SIGTERM or SIGINT stops it cleanly. It parses only
 * what the demo sends (the request line, Cookie and Content-Length headers, a flat JSON object
 * of short strings) and answers one request per connection. Build it with pkg-config against
 * an installed polyseal (examples/demo/Makefile). */
#define _POSIX_C_SOURCE 200809L

#include <polyseal.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define COOKIE_NAME "h3"
#define MAX_AGE_S 3600 /* what the h3 app gives useSession as maxAge */
#define MAX_REQUEST 32768
#define MAX_BODY 4096
#define MAX_NAME 32

static volatile sig_atomic_t stopping = 0;

static void on_signal(int signum) {
    (void)signum;
    stopping = 1;
}

/* Prints the failure of `status` with this thread's last error message; returns 1 if it failed. */
static int failed(const char *what, polyseal_status status) {
    char message[256];
    if (status == POLYSEAL_STATUS_OK) return 0;
    polyseal_last_error_message(message, sizeof message);
    fprintf(stderr, "c: %s failed: %s (%s)\n", what, polyseal_status_str(status), message);
    return 1;
}

static uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- a growable text buffer ------------------------------------------------------------- */

typedef struct {
    char *ptr;
    size_t len, cap;
    bool oom;
} text;

static void text_append(text *t, const char *s, size_t n) {
    if (t->oom) return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n + 1) cap *= 2;
        char *grown = realloc(t->ptr, cap);
        if (grown == NULL) {
            t->oom = true;
            return;
        }
        t->ptr = grown;
        t->cap = cap;
    }
    memcpy(t->ptr + t->len, s, n);
    t->len += n;
    t->ptr[t->len] = '\0';
}

static void text_puts(text *t, const char *s) { text_append(t, s, strlen(s)); }

/* A JSON string literal for `s` (n bytes of UTF-8). */
static void text_json_string(text *t, const char *s, size_t n) {
    text_puts(t, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char escaped[2] = {'\\', (char)c};
            text_append(t, escaped, 2);
        } else if (c < 0x20) {
            char escaped[8];
            snprintf(escaped, sizeof escaped, "\\u%04x", c);
            text_puts(t, escaped);
        } else {
            text_append(t, (const char *)&s[i], 1);
        }
    }
    text_puts(t, "\"");
}

/* ---- the tiny JSON the demo needs ------------------------------------------------------- */

static const char *skip_ws(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
    return p;
}

/* A string without escapes: sets [*start, *start + *len) and returns the byte after it. */
static const char *plain_string(const char *p, const char *end, const char **start, size_t *len) {
    if (p >= end || *p != '"') return NULL;
    const char *s = ++p;
    while (p < end && *p != '"') {
        if (*p == '\\' || (unsigned char)*p < 0x20) return NULL;
        p++;
    }
    if (p >= end) return NULL;
    *start = s;
    *len = (size_t)(p - s);
    return p + 1;
}

static bool short_name(const char *s, size_t n) {
    if (n == 0 || n > MAX_NAME) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == ' ' || c == '_' || c == '.' || c == '-';
        if (!ok) return false;
    }
    return true;
}

/* Reads `key` from a request body that is a flat JSON object of plain strings ({"user":"ada"})
 * into `out` (NUL-terminated) when its value is a short name. Anything else: false. */
static bool body_field(const char *body, size_t body_len, const char *key, char out[MAX_NAME + 1]) {
    const char *end = body + body_len, *k, *v;
    size_t klen, vlen;
    bool found = false;
    const char *p = skip_ws(body, end);
    if (p >= end || *p != '{') return false;
    p = skip_ws(p + 1, end);
    if (p < end && *p == '}') return false; /* {} has no field */
    for (;;) {
        if ((p = plain_string(p, end, &k, &klen)) == NULL) return false;
        p = skip_ws(p, end);
        if (p >= end || *p != ':') return false;
        p = skip_ws(p + 1, end);
        if ((p = plain_string(p, end, &v, &vlen)) == NULL) return false;
        if (klen == strlen(key) && memcmp(k, key, klen) == 0) {
            if (!short_name(v, vlen)) return false;
            memcpy(out, v, vlen);
            out[vlen] = '\0';
            found = true;
        }
        p = skip_ws(p, end);
        if (p < end && *p == ',') {
            p = skip_ws(p + 1, end);
            continue;
        }
        if (p < end && *p == '}') return found && skip_ws(p + 1, end) == end;
        return false;
    }
}

/* Whether the JSON object `json` (as polyseal writes it) has `key` at its top level. */
static bool has_top_level_key(const char *json, size_t len, const char *key) {
    size_t klen = strlen(key);
    int depth = 0;
    bool expect_key = false;
    for (size_t i = 0; i < len; i++) {
        char c = json[i];
        if (c == '"') {
            size_t start = ++i;
            while (i < len && json[i] != '"') i += json[i] == '\\' ? 2 : 1;
            if (depth == 1 && expect_key && i - start == klen && memcmp(json + start, key, klen) == 0)
                return true;
            expect_key = false;
        } else if (c == '{' || c == '[') {
            depth++;
            expect_key = c == '{' && depth == 1;
        } else if (c == '}' || c == ']') {
            depth--;
        } else if (c == ',' && depth == 1) {
            expect_key = true;
        }
    }
    return false;
}

/* ---- HTTP ------------------------------------------------------------------------------- */

typedef struct {
    char method[8];
    char path[64];
    text cookie; /* every Cookie header, joined with "; " */
    const char *body;
    size_t body_len;
} request;

static bool header_is(const char *line, size_t len, const char *name, const char **value) {
    size_t n = strlen(name);
    if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':') return false;
    const char *v = line + n + 1;
    while (v < line + len && (*v == ' ' || *v == '\t')) v++;
    *value = v;
    return true;
}

/* Reads one request into `buf`; false when it is not one this server understands. */
static bool read_request(int fd, char *buf, size_t cap, request *req) {
    size_t used = 0, content_length = 0;
    char *head_end = NULL;
    while (head_end == NULL) {
        if (used == cap - 1) return false;
        ssize_t n = recv(fd, buf + used, cap - 1 - used, 0);
        if (n <= 0) return false;
        used += (size_t)n;
        buf[used] = '\0';
        head_end = strstr(buf, "\r\n\r\n");
    }
    char *line = buf, *eol = strstr(line, "\r\n");
    if (sscanf(line, "%7s %63s HTTP/1.", req->method, req->path) != 2) return false;
    for (line = eol + 2; line < head_end; line = eol + 2) {
        eol = strstr(line, "\r\n");
        size_t len = (size_t)(eol - line);
        const char *value;
        if (header_is(line, len, "Cookie", &value)) {
            if (req->cookie.len) text_puts(&req->cookie, "; ");
            text_append(&req->cookie, value, (size_t)(eol - value));
        } else if (header_is(line, len, "Content-Length", &value)) {
            char *stop;
            unsigned long v = strtoul(value, &stop, 10);
            if (stop == value || v > MAX_BODY) return false;
            content_length = (size_t)v;
        }
    }
    if (req->cookie.oom) return false;
    size_t head_len = (size_t)(head_end + 4 - buf);
    if (head_len + content_length > cap - 1) return false;
    while (used < head_len + content_length) {
        ssize_t n = recv(fd, buf + used, head_len + content_length - used, 0);
        if (n <= 0) return false;
        used += (size_t)n;
    }
    req->body = buf + head_len;
    req->body_len = content_length;
    return true;
}

static void send_all(int fd, const char *data, size_t len) {
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n <= 0) return;
        data += n;
        len -= (size_t)n;
    }
}

/* Sends `body` with one Set-Cookie header per line of `cookies` (may be NULL). */
static void respond(int fd, int status, const char *reason, const text *body,
                    const polyseal_cookie_list *cookies) {
    text head = {0};
    char line[128];
    snprintf(line, sizeof line, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n", status, reason);
    text_puts(&head, line);
    snprintf(line, sizeof line, "Content-Length: %zu\r\nConnection: close\r\n", body->len);
    text_puts(&head, line);
    for (size_t i = 0; i < polyseal_cookie_list_count(cookies); i++) {
        const char *set_cookie;
        size_t len;
        if (polyseal_cookie_list_line(cookies, i, &set_cookie, &len) != POLYSEAL_STATUS_OK) continue;
        text_puts(&head, "Set-Cookie: ");
        text_append(&head, set_cookie, len);
        text_puts(&head, "\r\n");
    }
    text_puts(&head, "\r\n");
    if (!head.oom) send_all(fd, head.ptr, head.len);
    if (body->len) send_all(fd, body->ptr, body->len);
    free(head.ptr);
}

static void respond_error(int fd, int status, const char *reason, const char *message) {
    text body = {0};
    text_puts(&body, "{\"error\":");
    text_json_string(&body, message, strlen(message));
    text_puts(&body, "}");
    respond(fd, status, reason, &body, NULL);
    free(body.ptr);
}

/* ---- the session routes ----------------------------------------------------------------- */

/* {"id":…,"isNew":…,"data":…,"rejection":…} for the session, as the other servers answer. */
static void describe(text *out, const polyseal_session *session, bool is_new) {
    const char *id = "", *data = "{}", *message = "";
    size_t id_len = 0, data_len = 2, message_len = 0;
    polyseal_status reason = POLYSEAL_STATUS_OK;
    polyseal_session_id(session, &id, &id_len);
    polyseal_session_data(session, &data, &data_len);
    polyseal_session_rejection(session, &reason, &message, &message_len);
    if (reason != POLYSEAL_STATUS_OK) fprintf(stderr, "c: cookie refused: %s\n", message); /* logs only */
    text_puts(out, "{\"id\":");
    text_json_string(out, id, id_len);
    text_puts(out, is_new ? ",\"isNew\":true,\"data\":" : ",\"isNew\":false,\"data\":");
    text_append(out, data, data_len);
    text_puts(out, ",\"rejection\":");
    if (reason == POLYSEAL_STATUS_OK) {
        text_puts(out, "null");
    } else {
        const char *name = polyseal_status_str(reason);
        text_json_string(out, name, strlen(name));
    }
    text_puts(out, "}");
}

static void handle(int fd, const polyseal_session_manager *sessions, const request *req) {
    uint64_t now = now_ms();
    polyseal_session *session = NULL;
    polyseal_cookie_list *cookies = NULL;
    text body = {0}, patch = {0};
    char value[MAX_NAME + 1];
    bool get = strcmp(req->method, "GET") == 0, post = strcmp(req->method, "POST") == 0;

    /* Never fails for what the browser sent: a bad cookie is a new session with a reason. */
    if (failed("load", polyseal_session_manager_load_at(sessions, req->cookie.ptr, req->cookie.len,
                                                         NULL, 0, now, &session))) {
        respond_error(fd, 500, "Internal Server Error", "no session");
        return;
    }
    bool is_new = polyseal_session_is_new(session); /* what the request brought */

    if (get && strcmp(req->path, "/me") == 0) {
        describe(&body, session, is_new);
    } else if (post && strcmp(req->path, "/login") == 0) {
        if (!body_field(req->body, req->body_len, "user", value)) {
            respond_error(fd, 400, "Bad Request", "\"user\" must be a short name");
            goto done;
        }
        text_puts(&patch, "{\"user\":");
        text_json_string(&patch, value, strlen(value));
        text_puts(&patch, ",\"roles\":[\"member\"]}");
        if (patch.oom || failed("update", polyseal_session_manager_update_at(
                                              sessions, session, patch.ptr, patch.len, now, &cookies))) {
            respond_error(fd, 500, "Internal Server Error", "the session was not saved");
            goto done;
        }
        describe(&body, session, is_new);
    } else if (post && strcmp(req->path, "/prefs") == 0) {
        const char *data = "{}";
        size_t data_len = 2;
        if (!body_field(req->body, req->body_len, "theme", value)) {
            respond_error(fd, 400, "Bad Request", "\"theme\" must be a short name");
            goto done;
        }
        polyseal_session_data(session, &data, &data_len);
        if (!has_top_level_key(data, data_len, "user")) {
            respond_error(fd, 401, "Unauthorized", "not signed in");
            goto done;
        }
        text_puts(&patch, "{\"theme\":");
        text_json_string(&patch, value, strlen(value));
        text_puts(&patch, "}");
        if (patch.oom || failed("update", polyseal_session_manager_update_at(
                                              sessions, session, patch.ptr, patch.len, now, &cookies))) {
            respond_error(fd, 500, "Internal Server Error", "the session was not saved");
            goto done;
        }
        describe(&body, session, is_new);
    } else if (post && strcmp(req->path, "/logout") == 0) {
        if (failed("clear", polyseal_session_manager_clear_at(sessions, session, now, &cookies))) {
            respond_error(fd, 500, "Internal Server Error", "the session was not cleared");
            goto done;
        }
        text_puts(&body, "{\"cleared\":true}");
    } else {
        respond_error(fd, 404, "Not Found", "no such route");
        goto done;
    }
    if (body.oom) {
        respond_error(fd, 500, "Internal Server Error", "out of memory");
    } else {
        respond(fd, 200, "OK", &body, cookies);
    }
done:
    fprintf(stderr, "c: %s %s\n", req->method, req->path);
    free(patch.ptr);
    free(body.ptr);
    polyseal_cookie_list_free(cookies);
    polyseal_session_free(session);
}

/* ---- setup ------------------------------------------------------------------------------ */

static const polyseal_session_manager *session_manager(const char *password) {
    const polyseal_keyring *keyring = NULL;
    polyseal_session_config *config = NULL;
    const polyseal_session_manager *sessions = NULL;
    /* What the h3 app gives useSession: {password, name: "h3", maxAge: 3600}. */
    int bad = failed("keyring", polyseal_keyring_from_password(password, strlen(password), &keyring));
    bad = bad || failed("config", polyseal_session_config_new("h3-v1", 5, &config));
    bad = bad || failed("cookie name", polyseal_session_config_set_cookie_name(
                                           config, COOKIE_NAME, strlen(COOKIE_NAME)));
    bad = bad || failed("max age", polyseal_session_config_set_max_age_s(config, MAX_AGE_S));
    bad = bad || failed("manager", polyseal_session_manager_new(keyring, config, &sessions));
    /* The manager keeps what it needs. */
    polyseal_session_config_free(config);
    polyseal_keyring_free(keyring);
    return bad ? NULL : sessions;
}

static int listen_on(unsigned port) {
    struct sockaddr_in addr;
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 16) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv) {
    const char *password = getenv("DEMO_SESSION_PASSWORD");
    unsigned long port = argc > 1 ? strtoul(argv[1], NULL, 10) : 0;
    struct sigaction action;
    struct sockaddr_in bound;
    socklen_t bound_len = sizeof bound;
    static char buf[MAX_REQUEST];

    if (password == NULL || strlen(password) < 32) {
        fprintf(stderr, "DEMO_SESSION_PASSWORD must hold a password of at least 32 characters\n");
        return 2;
    }
    if (port > 65535) {
        fprintf(stderr, "usage: %s [port]\n", argv[0]);
        return 2;
    }
    const polyseal_session_manager *sessions = session_manager(password);
    if (sessions == NULL) return 1;
    int server = listen_on((unsigned)port);
    if (server < 0 || getsockname(server, (struct sockaddr *)&bound, &bound_len) != 0) {
        perror("c: listen on 127.0.0.1");
        polyseal_session_manager_free(sessions);
        return 1;
    }

    /* No SA_RESTART: a signal interrupts accept() and the loop ends. */
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);

    printf("ready %u\n", (unsigned)ntohs(bound.sin_port));
    fflush(stdout);

    while (!stopping) {
        int client = accept(server, NULL, NULL);
        if (client < 0) {
            if (errno != EINTR) perror("c: accept");
            continue;
        }
        struct timeval timeout = {5, 0};
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        request req;
        memset(&req, 0, sizeof req);
        if (read_request(client, buf, sizeof buf, &req)) {
            handle(client, sessions, &req);
        } else {
            respond_error(client, 400, "Bad Request", "not a request this server understands");
        }
        free(req.cookie.ptr);
        close(client);
    }
    close(server);
    polyseal_session_manager_free(sessions);
    return 0;
}
