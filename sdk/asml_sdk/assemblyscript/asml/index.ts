// asml: the asml guest SDK for AssemblyScript (guest ABI version 1, see docs/abi.md).
//
// `asml build` makes it importable as "asml". The entry file must re-export `asml_alloc`:
//
//     import * as asml from "asml";
//     export { asml_alloc } from "asml";
//
//     export function handler(data: usize, len: usize): i32 {
//       const event = asml.eventText(data, len); // JSON: an API Gateway payload 2.0 event
//       return asml.httpJson(200, '{"message":"hello"}');
//     }
//
// A handler must end with exactly one respond / http* / fail. Guests reach the network only
// through IOmods: asml.iomodCall.

export const ABI_VERSION: i32 = 1;

@external("asml", "success") declare function abiSuccess(ptr: usize, len: usize): void;
@external("asml", "failure") declare function abiFailure(ptr: usize, len: usize): void;
@external("asml", "log") declare function abiLog(level: i32, ptr: usize, len: usize): void;
@external("asml", "clock_ms") export declare function clockMs(): i64;
@external("asml", "iomod_invoke")
declare function abiIomodInvoke(call: usize, callLen: usize, input: usize, inputLen: usize): i32;
@external("asml", "iomod_wait") declare function abiIomodWait(id: i32, timeoutMs: i32): i32;
@external("asml", "iomod_result_len") declare function abiIomodResultLen(id: i32): i32;
@external("asml", "iomod_read") declare function abiIomodRead(id: i32, ptr: usize): i32;

/** The block the host writes events into; re-export it from your entry file. */
export function asml_alloc(size: usize): usize {
  return heap.alloc(size > 0 ? size : 1);
}

/** The event as a string (UTF-8 decoded). */
export function eventText(data: usize, len: usize): string {
  return String.UTF8.decodeUnsafe(data, len);
}

export function respond(text: string): i32 {
  const bytes = String.UTF8.encode(text);
  abiSuccess(changetype<usize>(bytes), bytes.byteLength);
  return 0;
}

export function fail(message: string): i32 {
  const bytes = String.UTF8.encode(message);
  abiFailure(changetype<usize>(bytes), bytes.byteLength);
  return 1;
}

export enum Level { Debug = 0, Info = 1, Warn = 2, Error = 3 }

export function log(level: Level, message: string): void {
  const bytes = String.UTF8.encode(message);
  abiLog(level, changetype<usize>(bytes), bytes.byteLength);
}

/** Shown from the level in ASML_LOG_LEVEL up (INFO unless set), in the function's log. */
export function logDebug(message: string): void {
  log(Level.Debug, message);
}

export function logInfo(message: string): void {
  log(Level.Info, message);
}

export function logWarn(message: string): void {
  log(Level.Warn, message);
}

export function logError(message: string): void {
  log(Level.Error, message);
}

/** `text` as a JSON string literal, quotes included. */
export function jsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c == 0x22) out += '\\"';
    else if (c == 0x5c) out += "\\\\";
    else if (c < 0x20) out += "\\u00" + (c < 16 ? "0" : "") + c.toString(16);
    else out += String.fromCharCode(c);
  }
  return out + '"';
}

/** A Lambda proxy response with a text body. */
export function httpResponse(status: i32, contentType: string, body: string): i32 {
  return respond(
    '{"statusCode":' + status.toString() + ',"headers":{"content-type":' +
      jsonString(contentType) + '},"body":' + jsonString(body) + "}",
  );
}

/** An answer whose body is JSON text. */
export function httpJson(status: i32, json: string): i32 {
  return httpResponse(status, "application/json", json);
}

export function httpNotFound(): i32 {
  return httpJson(404, '{"error":"not found"}');
}

/** Calls an IOmod and waits up to 30 s. Returns the answer, or null (and logs why). */
export function iomodCall(call: string, input: string): string | null {
  const name = String.UTF8.encode(call);
  const data = String.UTF8.encode(input);
  const id = abiIomodInvoke(changetype<usize>(name), name.byteLength, changetype<usize>(data), data.byteLength);
  if (id < 0) {
    log(Level.Error, call + " is not available to this function");
    return null;
  }
  const status = abiIomodWait(id, 30000);
  const len = abiIomodResultLen(id);
  if ((status != 1 && status != 2) || len < 0) {
    log(Level.Error, call + " did not answer in time");
    return null;
  }
  const buffer = new ArrayBuffer(len);
  abiIomodRead(id, changetype<usize>(buffer));
  const text = String.UTF8.decode(buffer);
  if (status == 2) {
    log(Level.Error, call + ": " + text);
    return null;
  }
  return text;
}

function space(s: string, at: i32): i32 {
  while (at < s.length) {
    const c = s.charCodeAt(at);
    if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
    at++;
  }
  return at;
}

/** One past the end of the value that starts at `at` (or the length, when it does not end). */
function valueEnd(s: string, at: i32): i32 {
  if (at >= s.length) return s.length;
  const first = s.charCodeAt(at);
  if (first == 0x22) {
    for (at++; at < s.length; at++) {
      const c = s.charCodeAt(at);
      if (c == 0x5c) at++;
      else if (c == 0x22) return at + 1;
    }
    return s.length;
  }
  if (first == 0x7b || first == 0x5b) {
    let depth = 0;
    while (at < s.length) {
      const c = s.charCodeAt(at);
      if (c == 0x22) {
        at = valueEnd(s, at);
        continue;
      }
      if (c == 0x7b || c == 0x5b) depth++;
      else if (c == 0x7d || c == 0x5d) {
        depth--;
        if (depth == 0) return at + 1;
      }
      at++;
    }
    return s.length;
  }
  while (at < s.length) {
    const c = s.charCodeAt(at);
    if (c == 0x2c || c == 0x7d || c == 0x5d || c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09) break;
    at++;
  }
  return at;
}

/** A JSON value inside an event, read by key or index without parsing the rest. */
export class Json {
  constructor(public text: string) {}

  /** The value of `key` (as written, without escapes) when this is an object that has it. */
  get(key: string): Json | null {
    const s = this.text;
    let at = space(s, 0);
    if (at >= s.length || s.charCodeAt(at) != 0x7b) return null;
    at = space(s, at + 1);
    while (at < s.length && s.charCodeAt(at) == 0x22) {
      const keyEnd = valueEnd(s, at);
      const matched = s.substring(at + 1, keyEnd - 1) == key;
      at = space(s, keyEnd);
      if (at >= s.length || s.charCodeAt(at) != 0x3a) return null;
      at = space(s, at + 1);
      const end = valueEnd(s, at);
      if (matched) return new Json(s.substring(at, end));
      at = space(s, end);
      if (at >= s.length || s.charCodeAt(at) != 0x2c) return null;
      at = space(s, at + 1);
    }
    return null;
  }

  /** The items, when this is an array (none otherwise). */
  items(): Json[] {
    const s = this.text;
    const found: Json[] = [];
    let at = space(s, 0);
    if (at >= s.length || s.charCodeAt(at) != 0x5b) return found;
    at = space(s, at + 1);
    while (at < s.length && s.charCodeAt(at) != 0x5d) {
      const end = valueEnd(s, at);
      found.push(new Json(s.substring(at, end)));
      at = space(s, end);
      if (at >= s.length || s.charCodeAt(at) != 0x2c) break;
      at = space(s, at + 1);
    }
    return found;
  }

  /** Item `index` when this is an array that long. */
  at(index: i32): Json | null {
    const items = this.items();
    return index >= 0 && index < items.length ? items[index] : null;
  }

  /** Follows a dotted path, numbers indexing arrays: "Records.0.s3.object.key". */
  path(path: string): Json | null {
    let here: Json | null = this;
    const parts = path.split(".");
    for (let i = 0; i < parts.length && here != null; i++) {
      const part = parts[i];
      let numeric = part.length > 0;
      for (let j = 0; j < part.length; j++) {
        const c = part.charCodeAt(j);
        if (c < 0x30 || c > 0x39) numeric = false;
      }
      here = numeric ? here!.at(I32.parseInt(part)) : here!.get(part);
    }
    return here;
  }

  /** The text of a JSON string, unescaped; null for any other value. */
  asString(): string | null {
    const s = this.text;
    if (s.length < 2 || s.charCodeAt(0) != 0x22 || s.charCodeAt(s.length - 1) != 0x22) return null;
    let out = "";
    for (let i = 1; i < s.length - 1; i++) {
      const c = s.charCodeAt(i);
      if (c != 0x5c) {
        out += String.fromCharCode(c);
        continue;
      }
      i++;
      const e = s.charCodeAt(i);
      if (e == 0x6e) out += "\n";
      else if (e == 0x74) out += "\t";
      else if (e == 0x72) out += "\r";
      else if (e == 0x62) out += "\b";
      else if (e == 0x66) out += "\f";
      else if (e == 0x75) {
        // \uXXXX: a UTF-16 unit, as AssemblyScript strings hold them (pairs need no joining)
        out += String.fromCharCode(I32.parseInt(s.substring(i + 1, i + 5), 16));
        i += 4;
      } else out += String.fromCharCode(e);
    }
    return out;
  }
}

/** The event as JSON, to read with get, at and path. */
export function eventJson(data: usize, len: usize): Json {
  return new Json(eventText(data, len));
}

/** The records of an SQS or S3 event (its "Records" array). */
export function eventRecords(data: usize, len: usize): Json[] {
  const records = eventJson(data, len).get("Records");
  return records == null ? [] : records.items();
}

/** The answer to an SQS batch: the messages whose ids are listed failed and return to the
 * queue (Lambda's partial batch response); every other one is deleted. Empty: all handled. */
export function batchFailures(messageIds: string[]): i32 {
  let items = "";
  for (let i = 0; i < messageIds.length; i++) {
    items += (i > 0 ? "," : "") + '{"itemIdentifier":' + jsonString(messageIds[i]) + "}";
  }
  return respond('{"batchItemFailures":[' + items + "]}");
}
