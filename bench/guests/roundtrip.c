/* Sends its event to the echo IOmod and answers with what comes back: one IOmod round trip. */
#include "asml.h"

ASML_HANDLER(handler) {
    char *result = 0;
    size_t len = 0;
    int32_t status = asml_iomod_call("acme.bench.echo.echo", event->data, event->len, &result, &len);
    if (status != 0) return asml_fail(status < 0 ? "the echo IOmod is not available" : result);
    int32_t answer = asml_respond(result, len);
    free(result);
    return answer;
}
