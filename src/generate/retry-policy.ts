import { APIConnectionError, APIError, APIUserAbortError } from "openai";
import { MalformedAnswer } from "./chat-endpoint.js";

export interface RetrySettings {
  max_attempts: number;
  initial_delay_s: number;
  max_delay_s: number;
}

export type TryOutcome =
  | {
      retry: true;
      reason: string;
      waitMs: number;
      /** the wait applies to every request */ shared: boolean;
    }
  | { retry: false; reason: string };

/**
 * What to do after a failed try: 429, 5xx, a dropped connection and a malformed 200 are tried
 * again after a jittered exponential back-off ("full jitter"), or exactly as long as the
 * server asks (Retry-After, retry-after-ms) when it says; 4xx other than 408/409/429 are final.
 */
export function afterFailure(
  error: unknown,
  attempt: number,
  settings: RetrySettings,
  random: () => number = Math.random,
): TryOutcome {
  const backoff = () =>
    Math.round(
      random() *
        Math.min(settings.max_delay_s, settings.initial_delay_s * 2 ** (attempt - 1)) *
        1000,
    );
  if (error instanceof APIUserAbortError) return { retry: false, reason: "aborted" };
  if (error instanceof MalformedAnswer) {
    return {
      retry: true,
      reason: `malformed answer (${error.message})`,
      waitMs: backoff(),
      shared: false,
    };
  }
  if (error instanceof APIConnectionError) {
    return {
      retry: true,
      reason: `connection: ${error.message}`,
      waitMs: backoff(),
      shared: false,
    };
  }
  if (error instanceof APIError && typeof error.status === "number") {
    const status = error.status;
    if (status === 429 || status === 408 || status === 409 || status >= 500) {
      const asked = retryAfterMs(error.headers);
      const waitMs = asked !== undefined ? Math.min(asked, settings.max_delay_s * 1000) : backoff();
      return { retry: true, reason: `HTTP ${status}`, waitMs, shared: status === 429 };
    }
    return { retry: false, reason: `HTTP ${status}: ${error.message}` };
  }
  return { retry: false, reason: error instanceof Error ? error.message : String(error) };
}

/** `retry-after-ms`, or `Retry-After` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get("retry-after-ms"));
  if (headers.get("retry-after-ms") !== null && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  const seconds = Number(value);
  if (value.trim() !== "" && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * From a successful answer's `x-ratelimit-remaining-*` / `x-ratelimit-reset-*`: when no
 * request or token is left in the window, how long until it resets.
 */
export function rateLimitPauseMs(headers: Headers): number | undefined {
  let pause: number | undefined;
  for (const kind of ["requests", "tokens"]) {
    const remaining = headers.get(`x-ratelimit-remaining-${kind}`);
    const reset = headers.get(`x-ratelimit-reset-${kind}`);
    if (remaining === null || reset === null || Number(remaining) > 0) continue;
    const ms = durationMs(reset);
    if (ms !== undefined) pause = Math.max(pause ?? 0, ms);
  }
  return pause;
}

/** OpenAI's reset durations: `1s`, `6m0s`, `20ms`, `1h2m3.5s`; a bare number is seconds. */
export function durationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  let rest = trimmed;
  const part = /^(\d+(?:\.\d+)?)(ms|h|m|s)/;
  if (rest === "") return undefined;
  while (rest !== "") {
    const match = part.exec(rest);
    if (!match) return undefined;
    total += Number(match[1]) * units[match[2]!]!;
    rest = rest.slice(match[0].length);
  }
  return total;
}
