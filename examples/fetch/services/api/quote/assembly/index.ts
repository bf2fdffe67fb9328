// quote: GET /quote fetches a line of text from the UPSTREAM API and answers {"quote": ...}.
import * as asml from "asml";
export { asml_alloc } from "asml";

export function handler(data: usize, len: usize): i32 {
  const event = asml.eventText(data, len);
  const upstream = stringField(event, "UPSTREAM");
  if (upstream == null) {
    return asml.httpJson(500, '{"error":"the UPSTREAM stage variable is not set"}');
  }
  const request = '{"url":' + asml.jsonString(upstream) + ',"headers":{"accept":"text/plain"}}';
  const answer = asml.iomodCall("akkoro.std.http.request", request);
  if (answer == null) {
    return asml.httpJson(502, '{"error":"the upstream API did not answer"}');
  }
  const status = numberField(answer, "status");
  const body = stringField(answer, "body");
  if (status != 200 || body == null) {
    return asml.httpJson(502, '{"error":"the upstream API answered ' + status.toString() + '"}');
  }
  return asml.httpJson(200, '{"quote":' + asml.jsonString(body.trim()) + "}");
}

// The string value of the first "key" in a JSON text (enough for these flat answers).
function stringField(json: string, key: string): string | null {
  const marker = '"' + key + '":"';
  let at = json.indexOf(marker);
  if (at < 0) return null;
  at += marker.length;
  let out = "";
  while (at < json.length) {
    const c = json.charAt(at);
    if (c == '"') return out;
    if (c == "\\") {
      const next = json.charAt(at + 1);
      if (next == "n") out += "\n";
      else if (next == "t") out += "\t";
      else if (next == "r") out += "\r";
      else if (next == "u") {
        out += String.fromCharCode(<i32>parseInt(json.substr(at + 2, 4), 16));
        at += 4;
      } else out += next;
      at += 2;
      continue;
    }
    out += c;
    at += 1;
  }
  return null;
}

function numberField(json: string, key: string): i32 {
  const marker = '"' + key + '":';
  const at = json.indexOf(marker);
  if (at < 0) return -1;
  return <i32>parseInt(json.substr(at + marker.length, 3));
}
