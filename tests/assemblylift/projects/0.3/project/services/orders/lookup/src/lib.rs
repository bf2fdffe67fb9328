asml::handler!(handler, |_event| asml::http_json(200, r#"{"function":"lookup"}"#));
