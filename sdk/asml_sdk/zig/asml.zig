//! asml.zig: the asml guest SDK for Zig (guest ABI version 1, see docs/abi.md).
//!
//! `asml build` makes it importable as a module named "asml":
//!
//!     const asml = @import("asml");
//!     comptime { asml.exportRuntime(); }
//!
//!     export fn handler(data: [*]const u8, len: usize) i32 {
//!         const event = data[0..len]; // JSON: an API Gateway payload 2.0 event for HTTP functions
//!         _ = event;
//!         return asml.httpJson(200, "{\"message\":\"hello\"}");
//!     }
//!
//! A handler must end with exactly one respond / http* / fail. Guests reach the network
//! only through IOmods: `asml.iomodCall`.
const std = @import("std");

pub const abi_version = 1;

extern "asml" fn success(ptr: [*]const u8, len: usize) void;
extern "asml" fn failure(ptr: [*]const u8, len: usize) void;
extern "asml" fn log(level: i32, ptr: [*]const u8, len: usize) void;
pub extern "asml" fn clock_ms() i64;
extern "asml" fn iomod_invoke(call: [*]const u8, call_len: usize, input: [*]const u8, input_len: usize) i32;
pub extern "asml" fn iomod_poll(id: i32) i32;
extern "asml" fn iomod_wait(id: i32, timeout_ms: i32) i32;
extern "asml" fn iomod_result_len(id: i32) i32;
extern "asml" fn iomod_read(id: i32, ptr: [*]u8) i32;

/// The allocator of the SDK and of the blocks handed to the host.
pub const allocator = std.heap.wasm_allocator;

fn asmlAlloc(size: usize) callconv(.c) ?[*]u8 {
    const block = allocator.alloc(u8, @max(size, 1)) catch return null;
    return block.ptr;
}

/// Exports what the runtime needs from the guest (`asml_alloc`). Call it from a comptime block.
pub fn exportRuntime() void {
    @export(&asmlAlloc, .{ .name = "asml_alloc" });
}

pub fn respond(data: []const u8) i32 {
    success(data.ptr, data.len);
    return 0;
}

pub fn fail(message: []const u8) i32 {
    failure(message.ptr, message.len);
    return 1;
}

pub const Level = enum(i32) { debug = 0, info = 1, warn = 2, err = 3 };

pub fn logAt(level: Level, message: []const u8) void {
    log(@intFromEnum(level), message.ptr, message.len);
}

/// Shown from the level in ASML_LOG_LEVEL up (INFO unless set), in the function's log.
pub fn logDebug(message: []const u8) void {
    logAt(.debug, message);
}

pub fn logInfo(message: []const u8) void {
    logAt(.info, message);
}

pub fn logWarn(message: []const u8) void {
    logAt(.warn, message);
}

pub fn logError(message: []const u8) void {
    logAt(.err, message);
}

/// Writes `text` as the inside of a JSON string into `out`; returns the bytes written.
fn escape(out: []u8, text: []const u8) usize {
    const hex = "0123456789abcdef";
    var at: usize = 0;
    for (text) |c| {
        if (c == '"' or c == '\\') {
            out[at] = '\\';
            out[at + 1] = c;
            at += 2;
        } else if (c < 0x20) {
            @memcpy(out[at .. at + 4], "\\u00");
            out[at + 4] = hex[c >> 4];
            out[at + 5] = hex[c & 15];
            at += 6;
        } else {
            out[at] = c;
            at += 1;
        }
    }
    return at;
}

/// `text` as a JSON string literal, quotes included, for building answers and IOmod inputs.
/// The caller frees it with `allocator.free`.
pub fn jsonString(text: []const u8) error{OutOfMemory}![]u8 {
    const out = try allocator.alloc(u8, 6 * text.len + 2);
    out[0] = '"';
    const end = 1 + escape(out[1..], text);
    out[end] = '"';
    return allocator.realloc(out, end + 1);
}

/// A Lambda proxy response with a text body.
pub fn httpResponse(status: u16, content_type: []const u8, body: []const u8) i32 {
    const out = allocator.alloc(u8, 96 + 6 * (content_type.len + body.len)) catch
        return fail("asml.httpResponse: out of memory");
    defer allocator.free(out);
    const head = std.fmt.bufPrint(out, "{{\"statusCode\":{d},\"headers\":{{\"content-type\":\"", .{status}) catch unreachable;
    var at = head.len;
    at += escape(out[at..], content_type);
    const middle = "\"},\"body\":\"";
    @memcpy(out[at .. at + middle.len], middle);
    at += middle.len;
    at += escape(out[at..], body);
    @memcpy(out[at .. at + 2], "\"}");
    return respond(out[0 .. at + 2]);
}

/// An answer whose body is JSON text.
pub fn httpJson(status: u16, json: []const u8) i32 {
    return httpResponse(status, "application/json", json);
}

pub fn httpNotFound() i32 {
    return httpJson(404, "{\"error\":\"not found\"}");
}

pub const IomodError = error{ Unavailable, Failed, OutOfMemory };

/// Calls an IOmod (e.g. "akkoro.std.crypto.uuid4") and waits up to 30 s for the answer,
/// which the caller frees with `allocator.free`. On `error.Failed`, the IOmod's message is
/// logged.
pub fn iomodCall(call: []const u8, input: []const u8) IomodError![]u8 {
    const id = iomod_invoke(call.ptr, call.len, input.ptr, input.len);
    if (id < 0) return error.Unavailable;
    const status = iomod_wait(id, 30000);
    if (status != 1 and status != 2) return error.Unavailable;
    const len = iomod_result_len(id);
    if (len < 0) return error.Unavailable;
    const result = try allocator.alloc(u8, @intCast(len));
    _ = iomod_read(id, result.ptr);
    if (status == 2) {
        logAt(.err, result);
        allocator.free(result);
        return error.Failed;
    }
    return result;
}

/// The event parsed as JSON (std.json); `deinit` the result when done with it.
pub fn parseEvent(event: []const u8) !std.json.Parsed(std.json.Value) {
    return std.json.parseFromSlice(std.json.Value, allocator, event, .{});
}

/// The value at a dotted path, numbers indexing arrays ("Records.0.s3.object.key"), or null.
pub fn jsonPath(value: std.json.Value, path: []const u8) ?std.json.Value {
    var here = value;
    var parts = std.mem.splitScalar(u8, path, '.');
    while (parts.next()) |part| {
        switch (here) {
            .object => |object| here = object.get(part) orelse return null,
            .array => |array| {
                const index = std.fmt.parseInt(usize, part, 10) catch return null;
                if (index >= array.items.len) return null;
                here = array.items[index];
            },
            else => return null,
        }
    }
    return here;
}

/// The string at a dotted path, or null when there is none or it is not a string.
pub fn jsonText(value: std.json.Value, path: []const u8) ?[]const u8 {
    return switch (jsonPath(value, path) orelse return null) {
        .string => |text| text,
        else => null,
    };
}

/// The records of an SQS or S3 event (its "Records" array).
pub fn records(event: std.json.Value) []std.json.Value {
    return switch (jsonPath(event, "Records") orelse return &.{}) {
        .array => |array| array.items,
        else => &.{},
    };
}

/// The answer to an SQS batch: the messages whose ids are listed failed and return to the
/// queue (Lambda's partial batch response); every other one is deleted. Empty: all handled.
pub fn batchFailures(message_ids: []const []const u8) i32 {
    var size: usize = 32;
    for (message_ids) |id| size += 6 * id.len + 24;
    const out = allocator.alloc(u8, size) catch return fail("asml.batchFailures: out of memory");
    defer allocator.free(out);
    const head = "{\"batchItemFailures\":[";
    @memcpy(out[0..head.len], head);
    var at: usize = head.len;
    for (message_ids, 0..) |id, index| {
        const open = if (index == 0) "{\"itemIdentifier\":\"" else ",{\"itemIdentifier\":\"";
        @memcpy(out[at .. at + open.len], open);
        at += open.len;
        at += escape(out[at..], id);
        @memcpy(out[at .. at + 2], "\"}");
        at += 2;
    }
    @memcpy(out[at .. at + 2], "]}");
    return respond(out[0 .. at + 2]);
}
