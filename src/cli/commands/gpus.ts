import type { GpuRow } from "../../monitor/index.js";
import type { RegisterCommand } from "../app.js";
import { positiveSeconds } from "../option-parsers.js";
import { renderTable } from "../table.js";

interface GpusOptions {
  watch?: boolean;
  interval: number;
  timeout: number;
}

function tableOf(rows: GpuRow[]): string {
  const n = (value: number | null, unit = "") => (value === null ? null : `${value}${unit}`);
  return renderTable(
    ["HOST", "GPU", "NAME", "UTIL", "MEMORY", "TEMP", "POWER", "RUN"],
    rows.map((row) => [
      row.host,
      row.index,
      row.reachable
        ? (row.name ?? (row.error ? `error: ${row.error}` : "no GPUs"))
        : `unreachable: ${row.error}`,
      n(row.utilization_pct, "%"),
      row.memory_total_mib === null
        ? null
        : `${row.memory_used_mib ?? "?"}/${row.memory_total_mib} MiB`,
      n(row.temperature_c, "C"),
      n(row.power_w, "W"),
      row.index === null ? null : (row.run_id ?? "free"),
    ]),
  );
}

export const registerGpus: RegisterCommand = (program, app) => {
  program
    .command("gpus")
    .description(
      "every host's GPUs: utilisation, memory, temperature, power, and which run holds each",
    )
    .option("--watch", "refresh in place until Ctrl-C")
    .option("--interval <seconds>", "refresh interval with --watch", positiveSeconds, 2)
    .option(
      "--timeout <seconds>",
      "per-host time limit: a slow or dead host never stalls the table",
      positiveSeconds,
      8,
    )
    .action(
      app.action(async (ctx, options: GpusOptions) => {
        const { probeHosts } = await import("../../hosts/index.js");
        const { gpuRows } = await import("../../monitor/index.js");
        const pool = await ctx.hosts();
        const timeoutMs = options.timeout * 1000;
        const once = async () => gpuRows(await probeHosts(pool, { timeoutMs }));
        if (!options.watch) {
          const rows = await once();
          if (ctx.globals.json) ctx.io.json(rows);
          else ctx.io.out(tableOf(rows));
          return 0;
        }
        let previousLines = 0;
        while (!ctx.interrupted.aborted) {
          const rows = await once();
          if (ctx.globals.json) {
            ctx.io.out(JSON.stringify({ ts: new Date().toISOString(), gpus: rows }));
          } else {
            const text = `${tableOf(rows)}\n(every ${options.interval} s, Ctrl-C to stop)`;
            // rewrite in place on a terminal: cursor up over the previous table, clear below
            const rewind =
              ctx.io.stdoutLive && previousLines > 0 ? `\x1b[${previousLines}A\x1b[J` : "";
            process.stdout.write(`${rewind}${text}\n`);
            previousLines = text.split("\n").length;
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.max(0.2, options.interval) * 1000);
            ctx.interrupted.addEventListener("abort", () => (clearTimeout(timer), resolve()), {
              once: true,
            });
          });
        }
        return 0;
      }),
    );
};
