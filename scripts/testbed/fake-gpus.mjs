// Fake GPUs per host: a gpus.csv list read by the nvidia-smi stand-in linked into the host's bin/.
import fs from "node:fs";
import path from "node:path";
import { fakeNvidiaSmi } from "./layout.mjs";

/** "h1=2,h3=1" -> { h1: 2, h3: 1 } */
export function parseGpuSpec(spec) {
  const out = {};
  for (const part of spec.split(",").filter(Boolean)) {
    const m = /^(h\d+)=(\d+)$/.exec(part.trim());
    if (!m) throw new Error(`--gpus: expected HOST=COUNT[,HOST=COUNT...], got "${part}"`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

function gpuLine(h, i) {
  const uuid = `GPU-7e57b3d0-0000-4000-8000-${String(h.index).padStart(4, "0")}${String(i).padStart(8, "0")}`;
  return [i, uuid, "NVIDIA A100-SXM4-80GB", 81920, 0, 0, 30, "60.00"].join(",");
}

/** Write (or remove) the host's fake GPU list and nvidia-smi link; returns the GPU count. */
export function configureFakeGpus(h, count) {
  const link = path.join(h.binDir, "nvidia-smi");
  fs.rmSync(link, { force: true });
  fs.rmSync(h.gpuList, { force: true });
  if (!count) return 0;
  const lines = Array.from({ length: count }, (_, i) => gpuLine(h, i));
  fs.writeFileSync(h.gpuList, `${lines.join("\n")}\n`);
  fs.symlinkSync(fakeNvidiaSmi, link);
  return count;
}
