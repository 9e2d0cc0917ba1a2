/** One GPU as nvidia-smi reports it; fields it cannot report (`[N/A]`) are null. */
export interface GpuInfo {
  index: number;
  uuid: string;
  name: string;
  memory_total_mib: number | null;
  memory_used_mib: number | null;
  utilization_pct: number | null;
  temperature_c: number | null;
  power_w: number | null;
}

/** The query tunectl runs; the column order below matches it. */
export const nvidiaSmiQuery = [
  "nvidia-smi",
  "--query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu,temperature.gpu,power.draw",
  "--format=csv,noheader,nounits",
];

function numberOrNull(field: string | undefined): number | null {
  if (field === undefined) return null;
  const value = field.trim();
  if (value === "" || value.startsWith("[")) return null; // [N/A], [Not Supported], [Unknown Error]
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

/** Parse `--format=csv,noheader,nounits` output; lines that are not GPUs are skipped. */
export function parseNvidiaSmiCsv(text: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of text.split("\n")) {
    const fields = line.split(",").map((field) => field.trim());
    if (fields.length < 8) continue;
    // A GPU name never holds a comma in practice, but keep the trailing numeric columns right.
    const tail = fields.slice(-5);
    const name = fields.slice(2, fields.length - 5).join(", ");
    const index = numberOrNull(fields[0]);
    if (index === null || !Number.isInteger(index)) continue;
    gpus.push({
      index,
      uuid: fields[1] ?? "",
      name,
      memory_total_mib: numberOrNull(tail[0]),
      memory_used_mib: numberOrNull(tail[1]),
      utilization_pct: numberOrNull(tail[2]),
      temperature_c: numberOrNull(tail[3]),
      power_w: numberOrNull(tail[4]),
    });
  }
  return gpus;
}
