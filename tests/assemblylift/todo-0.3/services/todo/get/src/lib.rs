//! get: GET /tasks/{id} answers the stored item as akkoro.aws.dynamodb gives it, or 404.

asml::handler!(handler, |event| {
    let text = String::from_utf8_lossy(event);
    let id = match path_parameter(&text, "id") {
        Some(id) => id,
        None => return asml::http_error(400, "no id"),
    };
    let key = format!(
        "{{\"TableName\":\"tasks\",\"Key\":{{\"id\":{{\"S\":{}}}}}}}",
        asml::json_string(&id)
    );
    match asml::iomod_call("akkoro.aws.dynamodb.get_item", key.as_bytes()) {
        Ok(answer) => {
            let answer = String::from_utf8_lossy(&answer).into_owned();
            if answer.contains("\"Item\"") {
                asml::http_json(200, &answer)
            } else {
                asml::http_not_found()
            }
        }
        Err(error) => asml::http_error(502, &error),
    }
});

fn path_parameter(event: &str, name: &str) -> Option<String> {
    let section = &event[event.find("\"pathParameters\":")?..];
    let marker = format!("\"{}\":\"", name);
    let start = section.find(&marker)? + marker.len();
    let end = section[start..].find('"')?;
    Some(section[start..start + end].to_string())
}
