// An SQS batch through the AssemblyScript SDK: logs each handled body, fails the "bad" ones.
import * as asml from "asml";
export { asml_alloc } from "asml";

function text(value: asml.Json | null): string {
  if (value == null) return "";
  const found = value.asString();
  return found == null ? "" : found;
}

export function handler(data: usize, len: usize): i32 {
  const failed: string[] = [];
  const records = asml.eventRecords(data, len);
  for (let i = 0; i < records.length; i++) {
    const body = text(records[i].get("body"));
    if (body == "bad") failed.push(text(records[i].get("messageId")));
    else asml.logInfo("handled " + body);
  }
  const deep = asml.eventJson(data, len).path("Records.2.nested.x.1.y");
  if (deep != null) asml.logInfo("deep " + text(deep));
  return asml.batchFailures(failed);
}
