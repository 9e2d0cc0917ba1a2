import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { isTunectlError } from "../errors/index.js";
import type { BucketStore } from "../monitor/index.js";
import type { Reporter } from "../report/index.js";
import type { RunRegistry } from "../runs/index.js";
import { checkAccess, tokenCookie } from "./access.js";
import type { UiActions, UiSources } from "./actions.js";
import { routeApi } from "./api-routes.js";
import { uiBucketFailed, uiRefused } from "./events.js";
import type { BucketRuns } from "./bucket-runs.js";
import { RunsFeed } from "./runs-feed.js";

export interface UiServerOptions {
  registry: RunRegistry;
  actions: UiActions;
  /** The GPUs and sweeps pages' data; without them those pages say so. */
  sources?: UiSources;
  token: string;
  /** 0 picks a free port. */
  port: number;
  reporter: Reporter;
  /** The bundled front end (index.html, app.js, app.css); default: next to this file. */
  webDir?: string;
  /** Points per curve above which the server downsamples. */
  pointLimit?: number;
  /** The bucket, so the run page says which checkpoints have a copy there. */
  store?: BucketStore;
  /** `--bucket`: the bucket's runs/ mirror, shown read-only beside the workspace's runs. */
  bucket?: BucketRuns;
  /** How often the bucket's mirror is read again (default 5 s). */
  bucketIntervalMs?: number;
}

export interface UiServer {
  url: string;
  port: number;
  feed: RunsFeed;
  close(): Promise<void>;
}

const defaultWebDir = fileURLToPath(new URL("./web/", import.meta.url));
const assets: Record<string, string> = {
  "/app.js": "text/javascript; charset=utf-8",
  "/app.css": "text/css; charset=utf-8",
};

/** The dashboard's HTTP server, on 127.0.0.1 only, answering only requests with the token. */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const webDir = options.webDir ?? defaultWebDir;
  // read once: the page's own files never wait behind the registry's reads
  const files = new Map<string, Buffer>();
  for (const name of ["index.html", "app.js", "app.css"])
    files.set(name, await readFile(path.join(webDir, name)).catch(() => Buffer.from("")));
  const stop = new AbortController();
  const bucket = options.bucket;
  const feed = new RunsFeed([
    { registry: options.registry, remote: false },
    ...(bucket ? [{ registry: bucket.registry, remote: true }] : []),
  ]);
  if (bucket) await syncBucket(bucket, options.reporter);
  await feed.poll();
  const feeding = Promise.all([
    feed.run(500, stop.signal),
    bucket && followBucket(bucket, options, stop.signal),
  ]);
  let port = options.port;
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => fail(response, error));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", `http://127.0.0.1:${port}`);
    const access = checkAccess(
      { method: request.method ?? "GET", url, headers: request.headers },
      options.token,
      port,
    );
    if (!access.allowed) {
      uiRefused.emit(options.reporter, `refused ${url.pathname}: ${access.reason}`, {
        path: url.pathname,
        reason: access.reason,
      });
      response.writeHead(403, { "content-type": "text/plain; charset=utf-8" });
      response.end(`forbidden: ${access.reason}\n`);
      return;
    }
    const headers: Record<string, string> = {
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    };
    if (access.via === "query")
      headers["set-cookie"] = `${tokenCookie}=${options.token}; HttpOnly; SameSite=Strict; Path=/`;
    if (url.pathname.startsWith("/api/") || url.pathname === "/report") {
      await routeApi(request, response, url, headers, {
        registry: options.registry,
        actions: options.actions,
        sources: options.sources ?? noSources,
        reporter: options.reporter,
        feed,
        pointLimit: options.pointLimit ?? 2000,
        ...(bucket ? { bucket } : {}),
        ...(options.store ? { store: options.store } : {}),
      });
      return;
    }
    const type = assets[url.pathname];
    if (type) {
      response.writeHead(200, { ...headers, "content-type": type });
      response.end(files.get(url.pathname.slice(1)));
      return;
    }
    if (url.pathname === "/" || url.pathname === "/index.html") {
      const html = files.get("index.html")!.toString("utf8");
      response.writeHead(200, {
        ...headers,
        "content-type": "text/html; charset=utf-8",
        "content-security-policy":
          "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
      });
      // the page sends the token back in a header on writes, which no other page can do
      response.end(html.replace("%TOKEN%", options.token));
      return;
    }
    if (url.pathname === "/favicon.ico") {
      response.writeHead(204, headers);
      response.end();
      return;
    }
    response.writeHead(404, headers);
    response.end("not found\n");
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${options.token}`,
    port,
    feed,
    async close() {
      stop.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await feeding;
    },
  };
}

async function followBucket(
  bucket: BucketRuns,
  options: UiServerOptions,
  signal: AbortSignal,
): Promise<void> {
  let failing = false;
  while (!signal.aborted) {
    await new Promise((resolve) => setTimeout(resolve, options.bucketIntervalMs ?? 5000));
    if (signal.aborted) return;
    const ok = await syncBucket(bucket, options.reporter, failing);
    failing = !ok;
  }
}

/** One read of the bucket's mirror; a failure is reported once until it reads again. */
async function syncBucket(bucket: BucketRuns, reporter: Reporter, quiet = false): Promise<boolean> {
  try {
    await bucket.sync();
    return true;
  } catch (error) {
    if (!quiet)
      uiBucketFailed.emit(
        reporter,
        `reading runs/ in ${bucket.uri} failed: ${(error as Error).message}`,
        {
          uri: bucket.uri,
          error: (error as Error).message,
        },
      );
    return false;
  }
}

const noSources: UiSources = {
  gpus: async () => [],
  sweeps: async () => [],
};

function fail(response: ServerResponse, error: unknown): void {
  const known = isTunectlError(error);
  const status = known && error.code === "run.not_found" ? 404 : known ? 400 : 500;
  if (!response.headersSent)
    response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(
    JSON.stringify({
      error: (error as Error).message,
      ...(known ? { code: error.code } : {}),
    }),
  );
}
