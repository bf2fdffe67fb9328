//! An SQS batch through the Rust SDK: logs each handled body, fails the "bad" ones.
asml::handler!(handler, |event| {
    let mut failed: Vec<String> = Vec::new();
    for record in asml::event_records(event) {
        let body = record.get("body").and_then(|v| v.as_str()).unwrap_or_default();
        if body == "bad" {
            failed.push(record.get("messageId").and_then(|v| v.as_str()).unwrap_or_default());
        } else {
            asml::log_info(&format!("handled {}", body));
        }
    }
    if let Some(deep) = asml::event_json(event).path("Records.2.nested.x.1.y").and_then(|v| v.as_str()) {
        asml::log_info(&format!("deep {}", deep));
    }
    let ids: Vec<&str> = failed.iter().map(|id| id.as_str()).collect();
    asml::batch_failures(&ids)
});
