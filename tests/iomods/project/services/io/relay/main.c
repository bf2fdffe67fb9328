/* Relays IOmod calls for the tests. The event is a JSON array of [call, input] pairs, e.g.
 *   [["akkoro.std.crypto.uuid4", {}], ["acme.test.echo.echo", "x"]]
 * All calls are started first, then each is awaited: they run concurrently. The response is
 * a JSON array with, per call, {"ok": RESULT} or {"error": FAILURE}, or {"refused": true}
 * when the runtime refused to start it (-1). Results are embedded raw: IOmods answer JSON. */
#include "asml.h"

typedef struct { char *data; size_t len, cap; } buffer;

static void put(buffer *b, const char *data, size_t len) {
    if (b->len + len > b->cap) {
        b->cap = (b->len + len) * 2 + 64;
        b->data = realloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
}

static void puts_(buffer *b, const char *text) { put(b, text, strlen(text)); }

static size_t skip_space(const char *s, size_t i, size_t n) {
    while (i < n && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) i++;
    return i;
}

/* The end (exclusive) of the JSON value starting at i. */
static size_t value_end(const char *s, size_t i, size_t n) {
    int depth = 0;
    int in_string = 0;
    for (; i < n; i++) {
        char c = s[i];
        if (in_string) {
            if (c == '\\') i++;
            else if (c == '"') { in_string = 0; if (depth == 0) return i + 1; }
            continue;
        }
        if (c == '"') in_string = 1;
        else if (c == '[' || c == '{') depth++;
        else if (c == ']' || c == '}') { depth--; if (depth == 0) return i + 1; if (depth < 0) return i; }
        else if (depth == 0 && (c == ',' )) return i;
    }
    return n;
}

#define MAX_CALLS 256

ASML_HANDLER(handler) {
    const char *s = event->data;
    size_t n = event->len, i = skip_space(s, 0, n);
    int32_t ids[MAX_CALLS];
    int count = 0;
    if (i >= n || s[i] != '[') return asml_fail("expected a JSON array of [call, input]");
    i++;
    while (count < MAX_CALLS) {
        i = skip_space(s, i, n);
        if (i < n && s[i] == ']') break;
        if (i >= n || s[i] != '[') return asml_fail("expected [call, input]");
        i = skip_space(s, i + 1, n);
        if (i >= n || s[i] != '"') return asml_fail("expected a call name");
        size_t name_start = i + 1, name_end = name_start;
        while (name_end < n && s[name_end] != '"') name_end++;
        char name[256];
        size_t name_len = name_end - name_start < 255 ? name_end - name_start : 255;
        memcpy(name, s + name_start, name_len);
        name[name_len] = 0;
        i = skip_space(s, name_end + 1, n);
        if (i >= n || s[i] != ',') return asml_fail("expected , after the call name");
        i = skip_space(s, i + 1, n);
        size_t input_end = value_end(s, i, n);
        ids[count++] = asml_iomod_start(name, s + i, input_end - i);
        i = skip_space(s, input_end, n);
        if (i < n && s[i] == ']') i = skip_space(s, i + 1, n);
        if (i < n && s[i] == ',') i++;
    }
    buffer out = {0, 0, 0};
    puts_(&out, "[");
    for (int k = 0; k < count; k++) {
        if (k) puts_(&out, ",");
        if (ids[k] < 0) { puts_(&out, "{\"refused\":true}"); continue; }
        char *result = 0;
        size_t len = 0;
        int32_t status = asml_iomod_finish(ids[k], 60000, &result, &len);
        if (status < 0) { puts_(&out, "{\"lost\":true}"); continue; }
        puts_(&out, status == 0 ? "{\"ok\":" : "{\"error\":");
        put(&out, result, len);
        puts_(&out, "}");
        free(result);
    }
    puts_(&out, "]");
    int32_t status = asml_respond(out.data, out.len);
    free(out.data);
    return status;
}
