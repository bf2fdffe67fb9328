//! POST /todos {"title": "..."}: stores a new todo and answers 201 with it.
const std = @import("std");
const asml = @import("asml");

comptime {
    asml.exportRuntime();
}

const gpa = asml.allocator;

export fn handler(data: [*]const u8, len: usize) i32 {
    return create(data[0..len]) catch |err| switch (err) {
        error.BadRequest => asml.httpJson(400, "{\"error\":\"send a JSON body like {\\\"title\\\": \\\"milk\\\"}\"}"),
        else => asml.httpJson(502, "{\"error\":\"the table is not available\"}"),
    };
}

fn create(event_text: []const u8) !i32 {
    const event = try std.json.parseFromSlice(std.json.Value, gpa, event_text, .{});
    defer event.deinit();
    const body = event.value.object.get("body") orelse return error.BadRequest;
    if (body != .string) return error.BadRequest;
    const todo = std.json.parseFromSlice(std.json.Value, gpa, body.string, .{}) catch return error.BadRequest;
    defer todo.deinit();
    if (todo.value != .object) return error.BadRequest;
    const title = todo.value.object.get("title") orelse return error.BadRequest;
    if (title != .string or title.string.len == 0) return error.BadRequest;

    const uuid_answer = try asml.iomodCall("akkoro.std.crypto.uuid4", "{}");
    defer gpa.free(uuid_answer);
    const uuid = try std.json.parseFromSlice(std.json.Value, gpa, uuid_answer, .{});
    defer uuid.deinit();
    const id = uuid.value.object.get("uuid").?.string;

    const quoted_title = try asml.jsonString(title.string);
    defer gpa.free(quoted_title);
    const item = try std.fmt.allocPrint(gpa,
        "{{\"TableName\":\"todos\",\"Item\":{{\"id\":{{\"S\":\"{s}\"}},\"title\":{{\"S\":{s}}},\"done\":{{\"BOOL\":false}}}}}}",
        .{ id, quoted_title });
    defer gpa.free(item);
    const stored = try asml.iomodCall("akkoro.aws.dynamodb.put_item", item);
    gpa.free(stored);

    const answer = try std.fmt.allocPrint(gpa, "{{\"id\":\"{s}\",\"title\":{s},\"done\":false}}", .{ id, quoted_title });
    defer gpa.free(answer);
    return asml.httpJson(201, answer);
}
