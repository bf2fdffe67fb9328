/* An SQS batch through the C SDK: logs each handled body, fails the "bad" ones. */
#include <asml.h>
#include <stdio.h>
#include <string.h>

ASML_HANDLER(handler) {
    static char ids[10][64];
    const char *failed[10];
    size_t count = 0;
    char body[128], line[160];
    asml_json record, value;
    for (uint32_t i = 0; asml_event_record(event, i, &record); i++) {
        if (!asml_json_get(record, "body", &value) || asml_json_string(value, body, sizeof body) < 0)
            return asml_fail("a record without a body");
        if (strcmp(body, "bad") != 0) {
            snprintf(line, sizeof line, "handled %s", body);
            asml_log_info(line);
        } else if (count < 10 && asml_json_get(record, "messageId", &value) &&
                   asml_json_string(value, ids[count], sizeof ids[count]) >= 0) {
            failed[count] = ids[count];
            count++;
        }
    }
    if (asml_json_path(asml_event_json(event), "Records.2.nested.x.1.y", &value) &&
        asml_json_string(value, body, sizeof body) >= 0) {
        snprintf(line, sizeof line, "deep %s", body);
        asml_log_info(line);
    }
    return asml_batch_failures(failed, count);
}
