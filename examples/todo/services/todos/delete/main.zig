//! DELETE /todos/{id}: removes a todo; 204, or 404 when there was none.
const std = @import("std");
const asml = @import("asml");

comptime {
    asml.exportRuntime();
}

const gpa = asml.allocator;

export fn handler(data: [*]const u8, len: usize) i32 {
    return delete(data[0..len]) catch asml.httpJson(502, "{\"error\":\"the table is not available\"}");
}

fn delete(event_text: []const u8) !i32 {
    const event = try std.json.parseFromSlice(std.json.Value, gpa, event_text, .{});
    defer event.deinit();
    const id = try idOf(event.value);
    defer gpa.free(id);
    const request = try std.fmt.allocPrint(gpa, "{{\"TableName\":\"todos\",\"Key\":{{\"id\":{{\"S\":{s}}}}},\"ReturnValues\":\"ALL_OLD\"}}", .{id});
    defer gpa.free(request);
    const answer = try asml.iomodCall("akkoro.aws.dynamodb.delete_item", request);
    defer gpa.free(answer);
    const found = try std.json.parseFromSlice(std.json.Value, gpa, answer, .{});
    defer found.deinit();
    if (found.value.object.get("Attributes") == null) return asml.httpNotFound();
    return asml.respond("{\"statusCode\":204}");
}

/// The `id` path parameter, as a JSON string literal.
fn idOf(event: std.json.Value) ![]u8 {
    const parameters = event.object.get("pathParameters") orelse return error.BadRequest;
    const id = parameters.object.get("id") orelse return error.BadRequest;
    return asml.jsonString(id.string);
}
