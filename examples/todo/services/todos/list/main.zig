//! GET /todos: every todo, as {"todos": [...]}.
const std = @import("std");
const asml = @import("asml");

comptime {
    asml.exportRuntime();
}

const gpa = asml.allocator;

export fn handler(data: [*]const u8, len: usize) i32 {
    _ = data[0..len];
    return list() catch asml.httpJson(502, "{\"error\":\"the table is not available\"}");
}

fn list() !i32 {
    const answer = try asml.iomodCall("akkoro.aws.dynamodb.scan", "{\"TableName\":\"todos\"}");
    defer gpa.free(answer);
    const found = try std.json.parseFromSlice(std.json.Value, gpa, answer, .{});
    defer found.deinit();
    var out: std.ArrayList(u8) = .empty;
    defer out.deinit(gpa);
    try out.appendSlice(gpa, "{\"todos\":[");
    if (found.value.object.get("Items")) |items| {
        for (items.array.items, 0..) |item, index| {
            if (index > 0) try out.append(gpa, ',');
            const todo = try todoJson(item);
            defer gpa.free(todo);
            try out.appendSlice(gpa, todo);
        }
    }
    try out.appendSlice(gpa, "]}");
    return asml.httpJson(200, out.items);
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
