import { describe, expect, it } from "vitest";
import { checkAccess, newAccessToken, tokenCookie, tokenHeader } from "./access.js";

const port = 41234;
const token = newAccessToken();
const own = `127.0.0.1:${port}`;

function request(
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
): Parameters<typeof checkAccess>[0] {
  return { method, url: new URL(path, `http://${own}`), headers: { host: own, ...headers } };
}

describe("checkAccess", () => {
  it("answers a request with the token in the URL, the cookie or the header", () => {
    expect(checkAccess(request(`/?token=${token}`), token, port)).toEqual({
      allowed: true,
      via: "query",
    });
    expect(
      checkAccess(request("/api/runs", { cookie: `a=b; ${tokenCookie}=${token}` }), token, port),
    ).toEqual({ allowed: true, via: "cookie" });
    expect(
      checkAccess(request("/api/runs/x/cancel", { [tokenHeader]: token }, "POST"), token, port),
    ).toEqual({ allowed: true, via: "header" });
  });

  it("refuses a request without the token or with another one", () => {
    expect(checkAccess(request("/api/runs"), token, port)).toEqual({
      allowed: false,
      reason: "token",
    });
    expect(checkAccess(request(`/?token=${newAccessToken()}`), token, port).allowed).toBe(false);
    expect(checkAccess(request(`/?token=${token.slice(1)}`), token, port).allowed).toBe(false);
  });

  it("refuses a write that carries the token only in the cookie (a forged form post)", () => {
    const forged = request("/api/runs/x/cancel", { cookie: `${tokenCookie}=${token}` }, "POST");
    expect(checkAccess(forged, token, port)).toEqual({ allowed: false, reason: "token" });
  });

  it("refuses a foreign Origin even with the token", () => {
    const foreign = request(`/api/runs?token=${token}`, { origin: "http://evil.example" });
    expect(checkAccess(foreign, token, port)).toEqual({ allowed: false, reason: "origin" });
    const otherPort = request(`/api/runs?token=${token}`, { origin: "http://127.0.0.1:1" });
    expect(checkAccess(otherPort, token, port).allowed).toBe(false);
    const same = request(`/api/runs?token=${token}`, { origin: `http://${own}` });
    expect(checkAccess(same, token, port).allowed).toBe(true);
  });

  it("refuses another Host (DNS rebinding)", () => {
    const rebound = { ...request(`/?token=${token}`), headers: { host: `evil.example:${port}` } };
    expect(checkAccess(rebound, token, port)).toEqual({ allowed: false, reason: "host" });
  });

  it("makes a different token every time", () => {
    expect(newAccessToken()).not.toBe(newAccessToken());
    expect(newAccessToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
