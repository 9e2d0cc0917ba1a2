import type { RegisterCommand } from "../app.js";
import { integer } from "../option-parsers.js";

interface UiOptions {
  port: number;
  open?: boolean;
  bucket?: boolean;
}

export const registerUi: RegisterCommand = (program, app) => {
  program
    .command("ui")
    .description(
      "a live dashboard of the runs on 127.0.0.1 (token in the URL); streams active runs until Ctrl-C",
    )
    .option("--port <port>", "port to listen on (default: a free one)", integer(0), 0)
    .option("--open", "open the dashboard in the default browser")
    .option("--bucket", "also show, read-only, the runs others mirrored to the bucket's runs/")
    .action(
      app.action(async (ctx, options: UiOptions) => {
        const { cancelRun, resumeRun, superviseRuns } = await import("../../launch/index.js");
        const { BucketRuns, newAccessToken, startUiServer, uiListening } =
          await import("../../ui/index.js");
        const { readdir } = await import("node:fs/promises");
        const path = await import("node:path");
        const { probeHosts } = await import("../../hosts/index.js");
        const { gpuRows } = await import("../../monitor/index.js");
        const { readRunMetrics } = await import("../../runs/index.js");
        const { SweepRegistry, sweepLeaderboard } = await import("../../sweep/index.js");
        const deps = await ctx.launchDeps();
        const registry = await ctx.registry();
        const { stateDir } = await ctx.workspace();
        const sweepRegistry = new SweepRegistry(stateDir);
        const store = await ctx.store();
        const bucket = options.bucket
          ? new BucketRuns(store, path.join(stateDir, "ui-bucket"), async () => {
              const own = await readdir(registry.runsDir).catch(() => [] as string[]);
              return new Set(own);
            })
          : undefined;
        // the streaming `tunectl watch` does: active runs keep coming home while the page is open
        const supervisor = superviseRuns(
          { ...deps, reporter: ctx.io },
          { signal: ctx.interrupted, intervalMs: 5000 },
        );
        const server = await startUiServer({
          registry,
          token: newAccessToken(),
          port: options.port,
          reporter: ctx.io,
          store,
          ...(bucket ? { bucket } : {}),
          sources: {
            gpus: async (names) =>
              gpuRows(await probeHosts(await ctx.hosts(), { names, timeoutMs: 8000 })),
            sweeps: async () => {
              const runs = await registry.list();
              const metricsOf = (run: (typeof runs)[number]) =>
                readRunMetrics(registry.paths(run.id).metrics);
              const sweeps = await sweepRegistry.list();
              return Promise.all(sweeps.map((sweep) => sweepLeaderboard(sweep, runs, metricsOf)));
            },
          },
          actions: {
            cancel: (runId) => cancelRun(deps, runId, { graceMs: 120_000 }),
            resume: (runId) => resumeRun(deps, { runId }),
          },
        });
        uiListening.emit(ctx.io, `tunectl ui on ${server.url} (Ctrl-C stops)`, {
          url: server.url,
          port: server.port,
        });
        if (ctx.globals.json) ctx.io.out(JSON.stringify({ url: server.url, port: server.port }));
        else ctx.io.out(server.url);
        if (options.open) {
          const { spawn } = await import("node:child_process");
          const opener = process.platform === "darwin" ? "open" : "xdg-open";
          spawn(opener, [server.url], { detached: true, stdio: "ignore" })
            .on("error", () => undefined)
            .unref();
        }
        await new Promise<void>((resolve) => {
          if (ctx.interrupted.aborted) resolve();
          ctx.interrupted.addEventListener("abort", () => resolve(), { once: true });
        });
        await server.close();
        await supervisor.done;
        return 0;
      }),
    );
};
