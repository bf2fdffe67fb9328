//! An SQS batch through the Zig SDK: logs each handled body, fails the "bad" ones.
const std = @import("std");
const asml = @import("asml");

comptime {
    asml.exportRuntime();
}

fn logLine(comptime format: []const u8, args: anytype) void {
    const line = std.fmt.allocPrint(asml.allocator, format, args) catch return;
    defer asml.allocator.free(line);
    asml.logInfo(line);
}

export fn handler(data: [*]const u8, len: usize) i32 {
    const parsed = asml.parseEvent(data[0..len]) catch return asml.fail("the event is not JSON");
    defer parsed.deinit();
    var failed: [10][]const u8 = undefined;
    var count: usize = 0;
    for (asml.records(parsed.value)) |record| {
        const body = asml.jsonText(record, "body") orelse return asml.fail("a record without a body");
        if (!std.mem.eql(u8, body, "bad")) {
            logLine("handled {s}", .{body});
        } else if (count < failed.len) {
            failed[count] = asml.jsonText(record, "messageId") orelse "";
            count += 1;
        }
    }
    if (asml.jsonText(parsed.value, "Records.2.nested.x.1.y")) |deep| logLine("deep {s}", .{deep});
    return asml.batchFailures(failed[0..count]);
}
