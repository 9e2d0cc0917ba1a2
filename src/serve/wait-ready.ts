import { InfraError, InterruptedError } from "../errors/index.js";
import type { ServerProcess } from "./server-process.js";

/**
 * Polls `GET {baseUrl}/models` until it lists `model`. Fails with the server's last lines
 * when the process ends first, or after `timeoutMs`.
 */
export async function waitReady(
  baseUrl: string,
  model: string,
  server: ServerProcess,
  options: { timeoutMs: number; signal?: AbortSignal; intervalMs?: number },
): Promise<void> {
  let exited: { code: number | null; signal?: string } | undefined;
  void server.exited.then(
    (end) => (exited = end),
    () => (exited = { code: null }),
  );
  const deadline = Date.now() + options.timeoutMs;
  let lastAnswer = "no answer yet";
  for (;;) {
    if (options.signal?.aborted) {
      throw new InterruptedError("interrupted while the server was starting", {
        code: "serve.interrupted",
      });
    }
    if (exited) {
      throw new InfraError(
        `the server exited (${exited.code ?? exited.signal}) before it was ready; its last lines:\n${server.logTail()}`,
        {
          code: "serve.server_exited",
          hint: "fix what the log says, then run tunectl serve again",
        },
      );
    }
    if (Date.now() > deadline) {
      throw new InfraError(
        `the server did not list ${model} at ${baseUrl}/models within ${Math.round(options.timeoutMs / 1000)} s ` +
          `(${lastAnswer}); its last lines:\n${server.logTail()}`,
        { code: "serve.not_ready", hint: "raise --startup-timeout for a large model" },
      );
    }
    try {
      const response = await fetch(`${baseUrl}/models`, { signal: AbortSignal.timeout(5_000) });
      const body = (await response.json()) as { data?: Array<{ id?: unknown }> };
      const ids = (body.data ?? []).map((entry) => String(entry.id));
      if (ids.includes(model)) return;
      lastAnswer = `it lists ${ids.join(", ") || "nothing"}`;
    } catch (error) {
      lastAnswer = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
  }
}
