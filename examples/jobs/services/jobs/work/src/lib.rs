//! work: does each job of an SQS batch, a message like {"id": "42", "task": "resize"}, and
//! records it in the jobs table. A message that is not a job, or that the table refuses,
//! is reported as failed: it alone returns to the queue, and after three tries goes to the
//! dead-letter queue.

fn record(job: asml::Json) -> Result<(), String> {
    let id = job.get("id").and_then(|v| v.as_str()).filter(|id| !id.is_empty());
    let task = job.get("task").and_then(|v| v.as_str());
    let (id, task) = match (id, task) {
        (Some(id), Some(task)) => (id, task),
        _ => return Err("not a job: it needs an \"id\" and a \"task\"".to_string()),
    };
    let item = format!(
        r#"{{"TableName":"jobs","Item":{{"id":{{"S":{}}},"task":{{"S":{}}},"status":{{"S":"done"}}}}}}"#,
        asml::json_string(&id),
        asml::json_string(&task)
    );
    asml::iomod_call("akkoro.aws.dynamodb.put_item", item.as_bytes()).map(|_| ())
}

asml::handler!(handler, |event| {
    let mut failed = Vec::new();
    for message in asml::event_records(event) {
        let id = message.get("messageId").and_then(|v| v.as_str()).unwrap_or_default();
        let body = message.get("body").and_then(|v| v.as_str()).unwrap_or_default();
        match record(asml::Json(body.as_bytes())) {
            Ok(()) => asml::log_info(&format!("done: {}", body)),
            Err(reason) => {
                asml::log_warn(&format!("message {} failed: {}", id, reason));
                failed.push(id);
            }
        }
    }
    let ids: Vec<&str> = failed.iter().map(|id| id.as_str()).collect();
    asml::batch_failures(&ids)
});
