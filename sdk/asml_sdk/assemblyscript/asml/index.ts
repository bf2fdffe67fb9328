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
