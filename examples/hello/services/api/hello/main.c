/* hello: answers every request with a greeting. */
#include <asml.h>

ASML_HANDLER(handler) {
    (void)event; /* the request: an API Gateway HTTP API (payload 2.0) event, as JSON */
    asml_log_info("saying hello");
    return asml_http_json(200, "{\"message\":\"Hello from hello!\"}");
}
