import { UserError } from "../errors/index.js";

/**
 * The one check every key passes before reaching a store: relative, no `..` or `.` segments,
 * no empty segments, no control characters. Keeps a key from escaping the store's prefix
 * or the local store's directory.
 */
export function objectKey(key: string): string {
  const bad = (why: string) =>
    new UserError(`invalid object key ${JSON.stringify(key)}: ${why}`, { code: "storage.bad_key" });
  if (key === "") throw bad("empty");
  if (key.startsWith("/")) throw bad("must not start with /");
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) throw bad("control characters");
  if (key.includes("\\")) throw bad("backslashes");
  const segments = key.split("/");
  const last = segments.length - 1;
  segments.forEach((segment, i) => {
    if (segment === ".." || segment === ".") throw bad("`.` and `..` segments are not allowed");
    if (segment === "" && i !== last) throw bad("empty path segment");
  });
  return key;
}

/** A listing prefix: like a key, but may be empty (everything) or end with `/`. */
export function objectPrefix(prefix: string): string {
  return prefix === "" ? "" : objectKey(prefix);
}
