//! health: GET /health answers {"ok": true, "upstream": ...}, saying where /quote will call.

asml::handler!(handler, |event| {
    let text = String::from_utf8_lossy(event);
    let upstream = stage_variable(&text, "UPSTREAM").unwrap_or_default();
    let body = format!(
        "{{\"ok\":true,\"upstream\":{},\"time_ms\":{}}}",
        asml::json_string(&upstream),
        asml::clock_ms()
    );
    asml::http_json(200, &body)
});

/// A value from the event's stageVariables (names and values here need no unescaping).
fn stage_variable(event: &str, name: &str) -> Option<String> {
    let section = &event[event.find("\"stageVariables\":")?..];
    let marker = format!("\"{}\":\"", name);
    let start = section.find(&marker)? + marker.len();
    let end = section[start..].find('"')?;
    Some(section[start..start + end].to_string())
}
