/* Woken by a queue, a bucket or a schedule: logs what it got, and reports the SQS messages
 * whose body is "bad" as failed (partial batch failure), so that they return to the queue. */
#include <asml.h>
#include <stdio.h>
#include <string.h>

static char copy[16384];
static char answer[4096];

static size_t quoted(const char *from, char *out, size_t cap) {
    const char *end = strchr(from, '"');
    size_t n = end ? (size_t)(end - from) : 0;
    n = n < cap - 1 ? n : cap - 1;
    memcpy(out, from, n);
    out[n] = 0;
    return n;
}

ASML_HANDLER(handler) {
    size_t n = event->len < sizeof copy - 1 ? event->len : sizeof copy - 1;
    char line[512], id[128], text[256];
    memcpy(copy, event->data, n);
    copy[n] = 0;
    if (strstr(copy, "\"eventSource\":\"aws:sqs\"")) {
        size_t at = (size_t)snprintf(answer, sizeof answer, "{\"batchItemFailures\":[");
        int first = 1;
        for (const char *p = copy; (p = strstr(p, "\"messageId\":\"")) != NULL;) {
            p += strlen("\"messageId\":\"");
            quoted(p, id, sizeof id);
            p = strstr(p, "\"body\":\"");
            if (p == NULL) break;
            p += strlen("\"body\":\"");
            quoted(p, text, sizeof text);
            int bad = strcmp(text, "bad") == 0;
            snprintf(line, sizeof line, "%s %s", bad ? "failing" : "handled", text);
            asml_log_info(line);
            if (bad) {
                at += (size_t)snprintf(answer + at, sizeof answer - at,
                                       "%s{\"itemIdentifier\":\"%s\"}", first ? "" : ",", id);
                first = 0;
            }
        }
        snprintf(answer + at, sizeof answer - at, "]}");
        return asml_respond(answer, strlen(answer));
    }
    const char *key = strstr(copy, "\"key\":\"");
    if (strstr(copy, "\"eventSource\":\"aws:s3\"") && key != NULL) {
        const char *name = strstr(copy, "\"eventName\":\"");
        char kind[64] = "?";
        if (name != NULL) quoted(name + strlen("\"eventName\":\""), kind, sizeof kind);
        quoted(key + strlen("\"key\":\""), text, sizeof text);
        snprintf(line, sizeof line, "object %s %s", kind, text);
        asml_log_info(line);
    } else if (strstr(copy, "\"detail-type\":\"Scheduled Event\"")) {
        asml_log_info("scheduled");
    }
    return asml_respond("{}", 2);
}
