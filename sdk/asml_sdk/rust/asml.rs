//! The asml guest SDK for Rust (guest ABI version 1, see docs/abi.md). Standard library only.
//!
//! `asml build` compiles it as the crate `asml` and links it into every Rust guest:
//!
//! ```ignore
//! asml::handler!(handler, |event| {
//!     // `event: &[u8]` is JSON: an API Gateway payload 2.0 event for HTTP functions
//!     asml::log_info("saying hello");
//!     asml::http_json(200, r#"{"message":"hello"}"#)
//! });
//! ```
//!
//! A handler must end with exactly one `respond` / `http_*` / `fail`. Guests reach the
//! network only through IOmods: `asml::iomod_call`.

pub const ABI_VERSION: u32 = 1;

mod abi {
    #[link(wasm_import_module = "asml")]
    extern "C" {
        pub fn success(ptr: *const u8, len: usize);
        pub fn failure(ptr: *const u8, len: usize);
        pub fn log(level: i32, ptr: *const u8, len: usize);
        pub fn clock_ms() -> i64;
        pub fn iomod_invoke(call: *const u8, call_len: usize, input: *const u8, input_len: usize) -> i32;
        pub fn iomod_wait(id: i32, timeout_ms: i32) -> i32;
        pub fn iomod_result_len(id: i32) -> i32;
        pub fn iomod_read(id: i32, ptr: *mut u8) -> i32;
    }
}

/// The block the host writes events into; the host owns it for the instance's lifetime.
#[no_mangle]
pub extern "C" fn asml_alloc(size: usize) -> *mut u8 {
    let mut block = Vec::<u8>::with_capacity(size.max(1));
    let pointer = block.as_mut_ptr();
    std::mem::forget(block);
    pointer
}

/// Defines the exported handler `$name`; the closure gets the event as `&[u8]`.
#[macro_export]
macro_rules! handler {
    ($name:ident, |$event:ident| $body:block) => {
        #[no_mangle]
        pub extern "C" fn $name(data: *const u8, len: usize) -> i32 {
            // SAFETY: the host wrote `len` bytes at `data` (a block from asml_alloc).
            let $event: &[u8] = unsafe { ::std::slice::from_raw_parts(data, len) };
            $body
        }
    };
}

pub fn respond(data: &[u8]) -> i32 {
    unsafe { abi::success(data.as_ptr(), data.len()) };
    0
}

pub fn fail(message: &str) -> i32 {
    unsafe { abi::failure(message.as_ptr(), message.len()) };
    1
}

#[derive(Clone, Copy)]
pub enum Level {
    Debug = 0,
    Info = 1,
    Warn = 2,
    Error = 3,
}

pub fn log(level: Level, message: &str) {
    unsafe { abi::log(level as i32, message.as_ptr(), message.len()) };
}

/// Shown from the level in ASML_LOG_LEVEL up (INFO unless set), in the function's log.
pub fn log_debug(message: &str) {
    log(Level::Debug, message);
}

pub fn log_info(message: &str) {
    log(Level::Info, message);
}

pub fn log_warn(message: &str) {
    log(Level::Warn, message);
}

pub fn log_error(message: &str) {
    log(Level::Error, message);
}

/// Milliseconds since the Unix epoch (UTC).
pub fn clock_ms() -> i64 {
    unsafe { abi::clock_ms() }
}

/// `text` as a JSON string literal, quotes included.
pub fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Lambda proxy response with a text body.
pub fn http_response(status: u16, content_type: &str, body: &str) -> i32 {
    let response = format!(
        "{{\"statusCode\":{},\"headers\":{{\"content-type\":{}}},\"body\":{}}}",
        status,
        json_string(content_type),
        json_string(body)
    );
    respond(response.as_bytes())
}

/// An answer whose body is JSON text.
pub fn http_json(status: u16, json: &str) -> i32 {
    http_response(status, "application/json", json)
}

pub fn http_not_found() -> i32 {
    http_json(404, r#"{"error":"not found"}"#)
}

pub fn http_error(status: u16, message: &str) -> i32 {
    http_json(status, &format!("{{\"error\":{}}}", json_string(message)))
}

/// Calls an IOmod (e.g. "akkoro.std.crypto.uuid4") and waits up to 30 s for its answer.
/// `Err` carries the IOmod's error message, or says the call is not available.
pub fn iomod_call(call: &str, input: &[u8]) -> Result<Vec<u8>, String> {
    let id = unsafe { abi::iomod_invoke(call.as_ptr(), call.len(), input.as_ptr(), input.len()) };
    if id < 0 {
        return Err(format!("{} is not available to this function", call));
    }
    let status = unsafe { abi::iomod_wait(id, 30_000) };
    if status != 1 && status != 2 {
        return Err(format!("{} did not answer in time", call));
    }
    let len = unsafe { abi::iomod_result_len(id) };
    let mut result = vec![0u8; len.max(0) as usize];
    unsafe { abi::iomod_read(id, result.as_mut_ptr()) };
    if status == 1 {
        Ok(result)
    } else {
        Err(String::from_utf8_lossy(&result).into_owned())
    }
}

/// A JSON value inside an event: an object, an array, a string, a number, ...; read by key
/// or index without parsing the rest (there is no crate registry for serde here).
#[derive(Clone, Copy, Debug)]
pub struct Json<'a>(pub &'a [u8]);

fn space(s: &[u8], mut at: usize) -> usize {
    while at < s.len() && matches!(s[at], b' ' | b'\n' | b'\r' | b'\t') {
        at += 1;
    }
    at
}

/// One past the end of the value that starts at `at` (or the length, when it does not end).
fn value_end(s: &[u8], mut at: usize) -> usize {
    if at >= s.len() {
        return s.len();
    }
    match s[at] {
        b'"' => {
            at += 1;
            while at < s.len() {
                match s[at] {
                    b'\\' => at += 2,
                    b'"' => return at + 1,
                    _ => at += 1,
                }
            }
            s.len()
        }
        b'{' | b'[' => {
            let mut depth = 0usize;
            while at < s.len() {
                match s[at] {
                    b'"' => {
                        at = value_end(s, at);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return at + 1;
                        }
                    }
                    _ => {}
                }
                at += 1;
            }
            s.len()
        }
        _ => {
            while at < s.len() && !matches!(s[at], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                at += 1;
            }
            at
        }
    }
}

impl<'a> Json<'a> {
    /// The value of `key` (as written, without escapes) when this is an object that has it.
    pub fn get(self, key: &str) -> Option<Json<'a>> {
        let s = self.0;
        let mut at = space(s, 0);
        if s.get(at) != Some(&b'{') {
            return None;
        }
        at = space(s, at + 1);
        while s.get(at) == Some(&b'"') {
            let key_end = value_end(s, at);
            let matched = key_end >= at + 2 && &s[at + 1..key_end - 1] == key.as_bytes();
            at = space(s, key_end);
            if s.get(at) != Some(&b':') {
                return None;
            }
            at = space(s, at + 1);
            let end = value_end(s, at);
            if matched {
                return Some(Json(&s[at..end]));
            }
            at = space(s, end);
            if s.get(at) != Some(&b',') {
                return None;
            }
            at = space(s, at + 1);
        }
        None
    }

    /// Item `index` when this is an array that long.
    pub fn at(self, index: usize) -> Option<Json<'a>> {
        self.items().nth(index)
    }

    /// The items, when this is an array (none otherwise).
    pub fn items(self) -> impl Iterator<Item = Json<'a>> {
        let s = self.0;
        let start = space(s, 0);
        let mut at = if s.get(start) == Some(&b'[') { space(s, start + 1) } else { s.len() };
        std::iter::from_fn(move || {
            if at >= s.len() || s[at] == b']' {
                return None;
            }
            let end = value_end(s, at);
            let item = Json(&s[at..end]);
            at = space(s, end);
            at = if s.get(at) == Some(&b',') { space(s, at + 1) } else { s.len() };
            Some(item)
        })
    }

    /// Follows a dotted path, numbers indexing arrays: `"Records.0.s3.object.key"`.
    pub fn path(self, path: &str) -> Option<Json<'a>> {
        path.split('.').try_fold(self, |here, part| match part.parse::<usize>() {
            Ok(index) => here.at(index),
            Err(_) => here.get(part),
        })
    }

    /// The text of a JSON string, unescaped; None for any other value.
    pub fn as_str(self) -> Option<String> {
        let s = std::str::from_utf8(self.0).ok()?;
        let inner = s.strip_prefix('"')?.strip_suffix('"')?;
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    let mut code = u32::from_str_radix(&hex, 16).ok()?;
                    if (0xD800..0xDC00).contains(&code) {
                        let rest = chars.as_str();
                        if let Some(low) = rest.strip_prefix("\\u").and_then(|r| r.get(..4)) {
                            let low = u32::from_str_radix(low, 16).ok()?;
                            if (0xDC00..0xE000).contains(&low) {
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                                chars = rest[6..].chars();
                            }
                        }
                    }
                    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                }
                other => out.push(other), // \" \\ \/
            }
        }
        Some(out)
    }
}

/// The event as JSON, to read with `get`, `at` and `path`.
pub fn event_json(event: &[u8]) -> Json<'_> {
    Json(event)
}

/// The records of an SQS or S3 event (its `Records` array).
pub fn event_records(event: &[u8]) -> Vec<Json<'_>> {
    Json(event).get("Records").map(|r| r.items().collect()).unwrap_or_default()
}

/// The answer to an SQS batch: the messages whose ids are listed failed and return to the
/// queue (Lambda's partial batch response); every other one is deleted. Empty: all handled.
pub fn batch_failures(message_ids: &[&str]) -> i32 {
    let items: Vec<String> = message_ids
        .iter()
        .map(|id| format!("{{\"itemIdentifier\":{}}}", json_string(id)))
        .collect();
    respond(format!("{{\"batchItemFailures\":[{}]}}", items.join(",")).as_bytes())
}
