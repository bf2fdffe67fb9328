/*
 * asml.h: the asml guest SDK for C and C++ (guest ABI version 1, see docs/abi.md).
 *
 * One header, no other files. `asml build` puts it on the include path.
 *
 *     #include <asml.h>
 *
 *     ASML_HANDLER(handler) {
 *         asml_log_info("hello was called");
 *         return asml_http_json(200, "{\"message\":\"hello\"}");
 *     }
 *
 * A handler gets the event (JSON: an API Gateway HTTP API payload 2.0 event for HTTP
 * functions) and must end with exactly one asml_respond / asml_http_* / asml_fail.
 * Guests reach the network only through IOmods: asml_iomod_call().
 */
#ifndef ASML_H
#define ASML_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ASML_ABI_VERSION 1
#define ASML_IMPORT(name) __attribute__((import_module("asml"), import_name(#name)))

/* ---- the raw ABI ------------------------------------------------------------------ */
ASML_IMPORT(success) void asml_abi_success(const void *ptr, uint32_t len);
ASML_IMPORT(failure) void asml_abi_failure(const void *ptr, uint32_t len);
ASML_IMPORT(log) void asml_abi_log(int32_t level, const void *ptr, uint32_t len);
ASML_IMPORT(clock_ms) int64_t asml_clock_ms(void);
ASML_IMPORT(iomod_invoke) int32_t asml_abi_iomod_invoke(const void *call, uint32_t call_len,
                                                        const void *input, uint32_t input_len);
ASML_IMPORT(iomod_poll) int32_t asml_iomod_poll(int32_t id);
ASML_IMPORT(iomod_wait) int32_t asml_iomod_wait(int32_t id, int32_t timeout_ms);
ASML_IMPORT(iomod_result_len) int32_t asml_iomod_result_len(int32_t id);
ASML_IMPORT(iomod_read) int32_t asml_iomod_read(int32_t id, void *ptr);

/* The block the host writes events into. Weak, so the header can be in several files. */
__attribute__((export_name("asml_alloc"), weak)) void *asml_alloc(uint32_t size) {
    return malloc(size ? size : 1);
}

/* ---- events and handlers ------------------------------------------------------------ */
typedef struct {
    const char *data; /* the event, JSON, not NUL-terminated */
    uint32_t len;
} asml_event;

#ifdef __cplusplus
#define ASML_EXTERN_C extern "C"
#else
#define ASML_EXTERN_C
#endif

/* Defines the exported handler NAME; the body gets `const asml_event *event`. */
#define ASML_HANDLER(name)                                                                  \
    static int32_t name##_body(const asml_event *event);                                 \
    ASML_EXTERN_C __attribute__((export_name(#name))) int32_t name(const char *data,      \
                                                                   uint32_t len);        \
    ASML_EXTERN_C int32_t name(const char *data, uint32_t len) {                          \
        asml_event event = {data, len};                                                  \
        return name##_body(&event);                                                      \
    }                                                                                    \
    static int32_t name##_body(const asml_event *event)

/* ---- results: each returns the value the handler should return ---------------------- */
static inline int32_t asml_respond(const void *data, size_t len) {
    asml_abi_success(data, (uint32_t)len);
    return 0;
}

static inline int32_t asml_fail(const char *message) {
    asml_abi_failure(message, (uint32_t)strlen(message));
    return 1;
}

/* Appends `text` to `out` as the inside of a JSON string; returns the new length. */
static inline size_t asml_json_escape(char *out, size_t at, const char *text, size_t len) {
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '"' || c == '\\') {
            out[at++] = '\\';
            out[at++] = (char)c;
        } else if (c < 0x20) {
            out[at++] = '\\';
            out[at++] = 'u';
            out[at++] = '0';
            out[at++] = '0';
            out[at++] = hex[c >> 4];
            out[at++] = hex[c & 15];
        } else {
            out[at++] = (char)c;
        }
    }
    return at;
}

/* A Lambda proxy response with a text body of `len` bytes. */
static inline int32_t asml_http_response(int status, const char *content_type, const char *body,
                                         size_t len) {
    size_t cap = 96 + strlen(content_type) * 6 + len * 6;
    char *out = (char *)malloc(cap);
    if (!out) return asml_fail("asml_http_response: out of memory");
    size_t at = 0;
    const char *head = "{\"statusCode\":";
    memcpy(out + at, head, strlen(head));
    at += strlen(head);
    char digits[12];
    int n = 0, s = status < 0 ? 0 : status;
    do { digits[n++] = (char)('0' + s % 10); s /= 10; } while (s && n < 11);
    while (n) out[at++] = digits[--n];
    const char *mid = ",\"headers\":{\"content-type\":\"";
    memcpy(out + at, mid, strlen(mid));
    at += strlen(mid);
    at = asml_json_escape(out, at, content_type, strlen(content_type));
    const char *body_key = "\"},\"body\":\"";
    memcpy(out + at, body_key, strlen(body_key));
    at += strlen(body_key);
    at = asml_json_escape(out, at, body, len);
    out[at++] = '"';
    out[at++] = '}';
    asml_respond(out, at);
    free(out);
    return 0;
}

/* 200-style JSON answers: `json` is the body, already JSON text. */
static inline int32_t asml_http_json(int status, const char *json) {
    return asml_http_response(status, "application/json", json, strlen(json));
}

static inline int32_t asml_http_not_found(void) {
    return asml_http_json(404, "{\"error\":\"not found\"}");
}

/* An error answer {"error": message}, e.g. asml_http_error(400, "missing id"). */
static inline int32_t asml_http_error(int status, const char *message) {
    size_t len = strlen(message);
    char *json = (char *)malloc(len * 6 + 16);
    if (!json) return asml_fail("asml_http_error: out of memory");
    size_t at = 0;
    memcpy(json, "{\"error\":\"", 10);
    at = asml_json_escape(json, 10, message, len);
    json[at++] = '"';
    json[at++] = '}';
    json[at] = 0;
    asml_http_json(status, json);
    free(json);
    return 0;
}

/* ---- reading events: records of SQS and S3, any key of any event ---------------------- */
/* A JSON value inside the event (an object, an array, a string, ...), not NUL-terminated. */
typedef struct {
    const char *data;
    uint32_t len;
} asml_json;

static inline asml_json asml_event_json(const asml_event *event) {
    asml_json json = {event->data, event->len};
    return json;
}

static inline size_t asml__space(const char *s, size_t at, size_t len) {
    while (at < len && (s[at] == ' ' || s[at] == '\n' || s[at] == '\r' || s[at] == '\t')) at++;
    return at;
}

/* Where the value that starts at `at` ends (one past it); `len` when it does not. */
static inline size_t asml__value_end(const char *s, size_t at, size_t len) {
    if (at >= len) return len;
    if (s[at] == '"') {
        for (at++; at < len; at++) {
            if (s[at] == '\\') at++;
            else if (s[at] == '"') return at + 1;
        }
        return len;
    }
    if (s[at] == '{' || s[at] == '[') {
        size_t depth = 0;
        for (; at < len; at++) {
            char c = s[at];
            if (c == '"') {
                at = asml__value_end(s, at, len) - 1;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                return at + 1;
            }
        }
        return len;
    }
    while (at < len && s[at] != ',' && s[at] != '}' && s[at] != ']' && s[at] != ' ' &&
           s[at] != '\n' && s[at] != '\r' && s[at] != '\t')
        at++;
    return at;
}

/* The value of `key` (as written, without escapes) in the object `json`: 1 if it has it. */
static inline int asml_json_get(asml_json json, const char *key, asml_json *value) {
    const char *s = json.data;
    size_t len = json.len, at = asml__space(s, 0, len), key_len = strlen(key);
    if (at >= len || s[at] != '{') return 0;
    at = asml__space(s, at + 1, len);
    while (at < len && s[at] == '"') {
        size_t key_end = asml__value_end(s, at, len);
        int match = key_end - at - 2 == key_len && memcmp(s + at + 1, key, key_len) == 0;
        at = asml__space(s, key_end, len);
        if (at >= len || s[at] != ':') return 0;
        at = asml__space(s, at + 1, len);
        size_t end = asml__value_end(s, at, len);
        if (match) {
            value->data = s + at;
            value->len = (uint32_t)(end - at);
            return 1;
        }
        at = asml__space(s, end, len);
        if (at >= len || s[at] != ',') return 0;
        at = asml__space(s, at + 1, len);
    }
    return 0;
}

/* Item `index` of the array `json`: 1 if there is one. */
static inline int asml_json_at(asml_json json, uint32_t index, asml_json *item) {
    const char *s = json.data;
    size_t len = json.len, at = asml__space(s, 0, len);
    if (at >= len || s[at] != '[') return 0;
    at = asml__space(s, at + 1, len);
    for (uint32_t i = 0; at < len && s[at] != ']'; i++) {
        size_t end = asml__value_end(s, at, len);
        if (i == index) {
            item->data = s + at;
            item->len = (uint32_t)(end - at);
            return 1;
        }
        at = asml__space(s, end, len);
        if (at >= len || s[at] != ',') return 0;
        at = asml__space(s, at + 1, len);
    }
    return 0;
}

/* Follows a dotted path, numbers indexing arrays: "Records.0.s3.object.key". 1 if found. */
static inline int asml_json_path(asml_json json, const char *path, asml_json *value) {
    char part[128];
    asml_json here = json;
    while (*path) {
        size_t n = 0;
        while (path[n] && path[n] != '.') n++;
        if (n >= sizeof part) return 0;
        memcpy(part, path, n);
        part[n] = 0;
        int is_index = n > 0;
        uint32_t index = 0;
        for (size_t i = 0; i < n; i++) {
            if (part[i] < '0' || part[i] > '9') is_index = 0;
            else index = index * 10 + (uint32_t)(part[i] - '0');
        }
        asml_json next;
        if (!(is_index ? asml_json_at(here, index, &next) : asml_json_get(here, part, &next)))
            return 0;
        here = next;
        path += n + (path[n] == '.');
    }
    *value = here;
    return 1;
}

static inline int asml__hex(const char *s, uint32_t *out) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (uint32_t)(c - 'A' + 10);
        else return 0;
    }
    *out = v;
    return 1;
}

/* The string `json` unescaped into `out` (UTF-8, NUL-terminated): its length, or -1 when
 * it is not a string or does not fit in `cap` bytes. */
static inline int32_t asml_json_string(asml_json json, char *out, size_t cap) {
    const char *s = json.data;
    size_t len = json.len, at = 0, n = 0;
    if (len < 2 || s[0] != '"' || s[len - 1] != '"') return -1;
    for (at = 1; at < len - 1; at++) {
        unsigned char c = (unsigned char)s[at];
        uint32_t code = c;
        if (c == '\\') {
            char e = s[++at];
            if (e == 'n') code = '\n';
            else if (e == 't') code = '\t';
            else if (e == 'r') code = '\r';
            else if (e == 'b') code = '\b';
            else if (e == 'f') code = '\f';
            else if (e == 'u') {
                if (at + 4 >= len || !asml__hex(s + at + 1, &code)) return -1;
                at += 4;
                uint32_t low;
                if (code >= 0xD800 && code < 0xDC00 && at + 6 < len && s[at + 1] == '\\' &&
                    s[at + 2] == 'u' && asml__hex(s + at + 3, &low) && low >= 0xDC00 &&
                    low < 0xE000) {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    at += 6;
                }
            } else code = (unsigned char)e; /* \" \\ \/ */
        }
        char bytes[4];
        size_t count = 1;
        if (code < 0x80 || c != '\\') bytes[0] = (char)code;
        else if (code < 0x800) {
            bytes[0] = (char)(0xC0 | (code >> 6)), bytes[1] = (char)(0x80 | (code & 63)), count = 2;
        } else if (code < 0x10000) {
            bytes[0] = (char)(0xE0 | (code >> 12)), bytes[1] = (char)(0x80 | ((code >> 6) & 63));
            bytes[2] = (char)(0x80 | (code & 63)), count = 3;
        } else {
            bytes[0] = (char)(0xF0 | (code >> 18)), bytes[1] = (char)(0x80 | ((code >> 12) & 63));
            bytes[2] = (char)(0x80 | ((code >> 6) & 63)), bytes[3] = (char)(0x80 | (code & 63));
            count = 4;
        }
        if (n + count + 1 > cap) return -1;
        memcpy(out + n, bytes, count);
        n += count;
    }
    out[n] = 0;
    return (int32_t)n;
}

/* Record `index` of an SQS or S3 event (its "Records" array): 1 if there is one. */
static inline int asml_event_record(const asml_event *event, uint32_t index, asml_json *record) {
    asml_json records;
    return asml_json_get(asml_event_json(event), "Records", &records) &&
           asml_json_at(records, index, record);
}

/* ---- answering a queue's batch ------------------------------------------------------- */
/* The SQS batch's answer: the messages whose ids are listed failed and return to the queue
 * (Lambda's partial batch response), every other one is deleted. `count` 0: all handled. */
static inline int32_t asml_batch_failures(const char *const *message_ids, size_t count) {
    size_t cap = 32;
    for (size_t i = 0; i < count; i++) cap += strlen(message_ids[i]) * 6 + 24;
    char *out = (char *)malloc(cap);
    if (!out) return asml_fail("asml_batch_failures: out of memory");
    const char *head = "{\"batchItemFailures\":[";
    size_t at = strlen(head);
    memcpy(out, head, at);
    for (size_t i = 0; i < count; i++) {
        const char *item = i ? ",{\"itemIdentifier\":\"" : "{\"itemIdentifier\":\"";
        memcpy(out + at, item, strlen(item));
        at += strlen(item);
        at = asml_json_escape(out, at, message_ids[i], strlen(message_ids[i]));
        out[at++] = '"';
        out[at++] = '}';
    }
    out[at++] = ']';
    out[at++] = '}';
    asml_respond(out, at);
    free(out);
    return 0;
}

/* ---- logging ----------------------------------------------------------------------- */
enum { ASML_DEBUG = 0, ASML_INFO = 1, ASML_WARN = 2, ASML_ERROR = 3 };

static inline void asml_log(int32_t level, const char *message) {
    asml_abi_log(level, message, (uint32_t)strlen(message));
}
/* Shown from the level in ASML_LOG_LEVEL up (INFO unless set), in the function's log. */
static inline void asml_log_debug(const char *message) { asml_log(ASML_DEBUG, message); }
static inline void asml_log_info(const char *message) { asml_log(ASML_INFO, message); }
static inline void asml_log_warn(const char *message) { asml_log(ASML_WARN, message); }
static inline void asml_log_error(const char *message) { asml_log(ASML_ERROR, message); }

/* ---- IOmods ------------------------------------------------------------------------ */
/* Starts a call such as "akkoro.std.crypto.uuid4"; returns its id, or -1. */
static inline int32_t asml_iomod_start(const char *call, const void *input, size_t input_len) {
    return asml_abi_iomod_invoke(call, (uint32_t)strlen(call), input, (uint32_t)input_len);
}

/* Waits for a call started with asml_iomod_start. On 0 (success) or 1 (the IOmod reported an
 * error), *result is a malloc'd, NUL-terminated copy of the answer (free it); -1 otherwise. */
static inline int32_t asml_iomod_finish(int32_t id, int32_t timeout_ms, char **result,
                                        size_t *result_len) {
    int32_t status = asml_iomod_wait(id, timeout_ms);
    if (status != 1 && status != 2) return -1;
    int32_t len = asml_iomod_result_len(id);
    if (len < 0) return -1;
    char *buffer = (char *)malloc((size_t)len + 1);
    if (!buffer) return -1;
    asml_iomod_read(id, buffer);
    buffer[len] = 0;
    *result = buffer;
    if (result_len) *result_len = (size_t)len;
    return status == 1 ? 0 : 1;
}

/* One blocking call: start, wait up to 30 s, read. Same results as asml_iomod_finish. */
static inline int32_t asml_iomod_call(const char *call, const void *input, size_t input_len,
                                      char **result, size_t *result_len) {
    int32_t id = asml_iomod_start(call, input, input_len);
    if (id < 0) return -1;
    return asml_iomod_finish(id, 30000, result, result_len);
}

#ifdef __cplusplus
}
#endif
#endif /* ASML_H */
