import type { ServerResponse } from "node:http";

/** One open server-sent-events response. */
export interface EventStream {
  send(event: string, data: unknown): void;
  readonly closed: AbortSignal;
}

const keepAliveMs = 15_000;

/** Turn a response into an event stream; `closed` aborts when the browser goes away. */
export function openEventStream(response: ServerResponse): EventStream {
  const closed = new AbortController();
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  response.write(": open\n\n");
  const ping = setInterval(() => response.write(": ping\n\n"), keepAliveMs);
  response.on("close", () => {
    clearInterval(ping);
    closed.abort();
  });
  return {
    closed: closed.signal,
    send(event, data) {
      if (closed.signal.aborted) return;
      response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
  };
}
