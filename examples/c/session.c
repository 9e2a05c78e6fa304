/* Sessions in cookies: one manager for the whole server, one session per request. Three requests
 * of one browser (sign in, come back, sign out) and one forged cookie. Build against an installed
 * polyseal with `make` (uses pkg-config). */
#include <polyseal.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PASSWORD "a-session-password-of-at-least-32-chars"

/* Prints the failure of `status` with this thread's last error message; returns 1 if it failed. */
static int failed(const char *what, polyseal_status status) {
    char message[256];
    if (status == POLYSEAL_STATUS_OK) return 0;
    polyseal_last_error_message(message, sizeof message);
    fprintf(stderr, "%s failed: %s (%s)\n", what, polyseal_status_str(status), message);
    return 1;
}

/* Sends every line as its own Set-Cookie header (here: prints it, token shortened) and keeps the
 * first cookie's "name=value" as the browser would send it back. */
static void respond(const polyseal_cookie_list *lines, char *jar, size_t jar_size) {
    for (size_t i = 0; i < polyseal_cookie_list_count(lines); i++) {
        const char *line;
        size_t len;
        if (polyseal_cookie_list_line(lines, i, &line, &len) != POLYSEAL_STATUS_OK) continue;
        size_t pair = strcspn(line, ";");
        printf("  Set-Cookie: %.*s%s%s\n", pair > 28 ? 28 : (int)pair, line,
               pair > 28 ? "..." : "", line + pair);
        if (i == 0) snprintf(jar, jar_size, "%.*s", (int)pair, line);
    }
    if (polyseal_cookie_list_count(lines) == 0) printf("  (no Set-Cookie: nothing changed)\n");
}

/* Loads the request's session and says what it holds or why its cookie was refused. */
static polyseal_session *load(const polyseal_session_manager *sessions, const char *cookie_header,
                              uint64_t now_ms) {
    polyseal_session *session = NULL;
    polyseal_status why;
    const char *text;
    size_t len;
    /* OK even when the cookie is missing, damaged or forged: that is a new session. */
    if (failed("load", polyseal_session_manager_load_at(sessions, cookie_header,
                                                        strlen(cookie_header), NULL, 0, now_ms,
                                                        &session))) {
        return NULL;
    }
    if (polyseal_session_rejection(session, &why, &text, &len) == POLYSEAL_STATUS_OK &&
        why != POLYSEAL_STATUS_OK) {
        printf("  cookie refused (%s), a new session starts: %s\n", polyseal_status_str(why), text);
    }
    if (polyseal_session_data(session, &text, &len) == POLYSEAL_STATUS_OK) {
        printf("  session %s, data %s\n", polyseal_session_is_new(session) ? "new" : "loaded", text);
    }
    return session;
}

int main(void) {
    const polyseal_keyring *keyring = NULL;
    polyseal_session_config *config = NULL;
    const polyseal_session_manager *sessions = NULL;
    polyseal_session *session = NULL;
    polyseal_cookie_list *lines = NULL;
    char jar[8192] = "";
    char header[8300];
    uint64_t now_ms = (uint64_t)time(NULL) * 1000;
    int bad;

    /* Start-up: the defaults of the native format (cookie "session", Secure, 14 days), plus a
     * sliding 30-minute idle timeout. The manager copies the keyring and the configuration. */
    bad = failed("keyring", polyseal_keyring_from_password(PASSWORD, strlen(PASSWORD), &keyring));
    bad = bad || failed("config", polyseal_session_config_new("native", 6, &config));
    bad = bad || failed("idle timeout", polyseal_session_config_set_idle_timeout_s(config, 1800));
    bad = bad || failed("manager", polyseal_session_manager_new(keyring, config, &sessions));
    polyseal_session_config_free(config);
    polyseal_keyring_free(keyring);
    if (bad) return 1;

    printf("request 1: sign in\n");
    session = load(sessions, "theme=dark", now_ms);
    bad = session == NULL ||
          failed("update", polyseal_session_manager_update_at(sessions, session,
                                                              "{\"userId\":12345}", 16, now_ms,
                                                              &lines));
    if (!bad) respond(lines, jar, sizeof jar);
    polyseal_cookie_list_free(lines);
    lines = NULL;
    polyseal_session_free(session);

    printf("request 2: the browser comes back\n");
    snprintf(header, sizeof header, "theme=dark; %s", jar);
    session = bad ? NULL : load(sessions, header, now_ms + 60000);
    bad = session == NULL || polyseal_session_is_new(session) ||
          failed("save", polyseal_session_manager_save_at(sessions, session, now_ms + 60000, &lines));
    if (!bad) respond(lines, jar, sizeof jar);
    polyseal_cookie_list_free(lines);
    lines = NULL;

    printf("request 2, later: sign out\n");
    bad = bad || failed("clear", polyseal_session_manager_clear_at(sessions, session,
                                                                    now_ms + 60000, &lines));
    if (!bad) {
        respond(lines, jar, sizeof jar);
        /* Cleared is final for this request: a later save cannot bring the session back. */
        polyseal_cookie_list *again = NULL;
        polyseal_status status =
            polyseal_session_manager_save_at(sessions, session, now_ms + 60000, &again);
        printf("  save after clear: %s\n", polyseal_status_str(status));
        bad = status != POLYSEAL_STATUS_SESSION_CLEARED;
    }
    polyseal_cookie_list_free(lines);
    polyseal_session_free(session);

    printf("request 3: a forged cookie\n");
    session = bad ? NULL : load(sessions, "session=v1.forged.cookie", now_ms);
    bad = bad || session == NULL || !polyseal_session_is_new(session);
    polyseal_session_free(session);

    polyseal_session_manager_free(sessions);
    return bad;
}
