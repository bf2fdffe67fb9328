//! nightly: woken at 03:00 UTC with the schedule's input, {"kind": "nightly"}; records the
//! run in the jobs table, under an id of the time it ran.

asml::handler!(handler, |event| {
    let kind = asml::event_json(event).get("kind").and_then(|v| v.as_str());
    let kind = kind.unwrap_or_else(|| "scheduled".to_string());
    let id = format!("{}-{}", kind, asml::clock_ms());
    let item = format!(
        r#"{{"TableName":"jobs","Item":{{"id":{{"S":{}}},"task":{{"S":"nightly"}},"status":{{"S":"done"}}}}}}"#,
        asml::json_string(&id)
    );
    match asml::iomod_call("akkoro.aws.dynamodb.put_item", item.as_bytes()) {
        Ok(_) => {
            asml::log_info(&format!("recorded {}", id));
            asml::respond(format!("{{\"recorded\":{}}}", asml::json_string(&id)).as_bytes())
        }
        Err(reason) => asml::fail(&format!("the jobs table refused the run: {}", reason)),
    }
});
