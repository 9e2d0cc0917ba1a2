import { randomBytes, timingSafeEqual } from "node:crypto";

/** What the server knows about a request when it decides whether to answer it. */
export interface AccessRequest {
  method: string;
  url: URL;
  headers: Record<string, string | string[] | undefined>;
}

export type AccessDecision =
  | { allowed: true; via: "query" | "cookie" | "header" }
  | { allowed: false; reason: "token" | "origin" | "host" };

export const tokenCookie = "tunectl_ui";
export const tokenHeader = "x-tunectl-token";

/** A fresh secret for one `tunectl ui` process: 32 random bytes, URL-safe. */
export function newAccessToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Whether a request may be answered. The token must come with every request (in the URL once,
 * then the cookie; a write also in a header, which a foreign page cannot set). The Host must
 * be this server's own (no DNS rebinding), and an Origin, when sent, must be this server's.
 */
export function checkAccess(request: AccessRequest, token: string, port: number): AccessDecision {
  const own = [`127.0.0.1:${port}`, `localhost:${port}`];
  const host = single(request.headers.host);
  if (host === undefined || !own.includes(host)) return { allowed: false, reason: "host" };
  const origin = single(request.headers.origin);
  if (origin !== undefined && !own.map((h) => `http://${h}`).includes(origin))
    return { allowed: false, reason: "origin" };
  const header = single(request.headers[tokenHeader]);
  if (header !== undefined && same(header, token)) return { allowed: true, via: "header" };
  if (request.method !== "GET" && request.method !== "HEAD")
    return { allowed: false, reason: "token" };
  const query = request.url.searchParams.get("token");
  if (query !== null && same(query, token)) return { allowed: true, via: "query" };
  const cookie = cookieValue(single(request.headers.cookie), tokenCookie);
  if (cookie !== undefined && same(cookie, token)) return { allowed: true, via: "cookie" };
  return { allowed: false, reason: "token" };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function same(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return undefined;
}
