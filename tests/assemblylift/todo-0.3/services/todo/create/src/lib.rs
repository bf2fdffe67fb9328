//! create: POST /tasks/{title} stores a task (an id from akkoro.std.crypto, the item through
//! akkoro.aws.dynamodb) and answers 201 {"id": ...}.

asml::handler!(handler, |event| {
    let text = String::from_utf8_lossy(event);
    let title = match path_parameter(&text, "title") {
        Some(title) => title,
        None => return asml::http_error(400, "no title"),
    };
    let uuid = match asml::iomod_call("akkoro.std.crypto.uuid4", b"{}") {
        Ok(answer) => String::from_utf8_lossy(&answer).into_owned(),
        Err(error) => return asml::http_error(502, &error),
    };
    let id = match string_field(&uuid, "uuid") {
        Some(id) => id,
        None => return asml::http_error(502, "no uuid"),
    };
    let item = format!(
        "{{\"TableName\":\"tasks\",\"Item\":{{\"id\":{{\"S\":{}}},\"title\":{{\"S\":{}}}}}}}",
        asml::json_string(&id),
        asml::json_string(&title)
    );
    match asml::iomod_call("akkoro.aws.dynamodb.put_item", item.as_bytes()) {
        Ok(_) => asml::http_json(201, &format!("{{\"id\":{}}}", asml::json_string(&id))),
        Err(error) => asml::http_error(502, &error),
    }
});

/// A value from the event's pathParameters (names and values here need no unescaping).
fn path_parameter(event: &str, name: &str) -> Option<String> {
    let section = &event[event.find("\"pathParameters\":")?..];
    string_field(section, name)
}

fn string_field(text: &str, name: &str) -> Option<String> {
    let marker = format!("\"{}\":\"", name);
    let start = text.find(&marker)? + marker.len();
    let end = text[start..].find('"')?;
    Some(text[start..start + end].to_string())
}
