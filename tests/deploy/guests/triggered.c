/* Woken by a queue, a bucket or a schedule: logs what it got, through the SDK's event
 * helpers, and reports the SQS messages whose body is "bad" as failed (a partial batch
 * failure), so that they return to the queue. */
#include <asml.h>
#include <stdio.h>
#include <string.h>

ASML_HANDLER(handler) {
    char line[512], text[256], id[128];
    asml_json record, value;
    static char ids[10][128];
    const char *failed[10];
    size_t count = 0;
    for (uint32_t i = 0; asml_event_record(event, i, &record); i++) {
        if (asml_json_get(record, "eventSource", &value) &&
            asml_json_string(value, text, sizeof text) >= 0 && strcmp(text, "aws:s3") == 0) {
            char kind[64] = "?";
            if (asml_json_get(record, "eventName", &value)) asml_json_string(value, kind, sizeof kind);
            if (asml_json_path(record, "s3.object.key", &value) &&
                asml_json_string(value, text, sizeof text) >= 0) {
                snprintf(line, sizeof line, "object %s %s", kind, text);
                asml_log_info(line);
            }
            continue;
        }
        if (!asml_json_get(record, "messageId", &value) || asml_json_string(value, id, sizeof id) < 0 ||
            !asml_json_get(record, "body", &value) || asml_json_string(value, text, sizeof text) < 0)
            return asml_fail("a record without a messageId or a body");
        int bad = strcmp(text, "bad") == 0;
        snprintf(line, sizeof line, "%s %s", bad ? "failing" : "handled", text);
        asml_log_info(line);
        if (bad && count < 10) {
            strcpy(ids[count], id);
            failed[count] = ids[count];
            count++;
        }
    }
    if (asml_json_get(asml_event_json(event), "Records", &value))
        return asml_batch_failures(failed, count);
    if (asml_json_path(asml_event_json(event), "detail-type", &value) &&
        asml_json_string(value, text, sizeof text) >= 0 && strcmp(text, "Scheduled Event") == 0)
        asml_log_info("scheduled");
    return asml_respond("{}", 2);
}
