//! GET /todos/{id}: one todo, or 404.
const std = @import("std");
const asml = @import("asml");

comptime {
    asml.exportRuntime();
}

const gpa = asml.allocator;

export fn handler(data: [*]const u8, len: usize) i32 {
    return get(data[0..len]) catch asml.httpJson(502, "{\"error\":\"the table is not available\"}");
}

fn get(event_text: []const u8) !i32 {
    const event = try std.json.parseFromSlice(std.json.Value, gpa, event_text, .{});
    defer event.deinit();
    const id = try idOf(event.value);
    defer gpa.free(id);
    const request = try std.fmt.allocPrint(gpa, "{{\"TableName\":\"todos\",\"Key\":{{\"id\":{{\"S\":{s}}}}}}}", .{id});
    defer gpa.free(request);
    const answer = try asml.iomodCall("akkoro.aws.dynamodb.get_item", request);
    defer gpa.free(answer);
    const found = try std.json.parseFromSlice(std.json.Value, gpa, answer, .{});
    defer found.deinit();
    const item = found.value.object.get("Item") orelse return asml.httpNotFound();
    const todo = try todoJson(item);
    defer gpa.free(todo);
    return asml.httpJson(200, todo);
}

/// A DynamoDB item ({"id": {"S": ...}, ...}) as the API shows a todo.
fn todoJson(item: std.json.Value) ![]u8 {
    const id = try asml.jsonString(item.object.get("id").?.object.get("S").?.string);
    defer gpa.free(id);
    const title = try asml.jsonString(item.object.get("title").?.object.get("S").?.string);
    defer gpa.free(title);
    const done = if (item.object.get("done")) |d| d.object.get("BOOL").?.bool else false;
    return std.fmt.allocPrint(gpa, "{{\"id\":{s},\"title\":{s},\"done\":{}}}", .{ id, title, done });
}

/// The `id` path parameter, as a JSON string literal.
fn idOf(event: std.json.Value) ![]u8 {
    const parameters = event.object.get("pathParameters") orelse return error.BadRequest;
    const id = parameters.object.get("id") orelse return error.BadRequest;
    return asml.jsonString(id.string);
}
