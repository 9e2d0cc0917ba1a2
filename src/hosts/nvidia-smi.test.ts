import { describe, expect, it } from "vitest";
import { parseNvidiaSmiCsv } from "./nvidia-smi.js";

describe("parseNvidiaSmiCsv", () => {
  it("reads every column and turns [N/A] into null", () => {
    const text = [
      "0, GPU-aaaa, NVIDIA A100-SXM4-80GB, 81920, 1024, 37, 41, 88.50",
      "1, GPU-bbbb, NVIDIA GeForce RTX 3090, 24576, [N/A], [N/A], [Not Supported], [N/A]",
      "",
      "No devices were found",
    ].join("\n");
    expect(parseNvidiaSmiCsv(text)).toEqual([
      {
        index: 0,
        uuid: "GPU-aaaa",
        name: "NVIDIA A100-SXM4-80GB",
        memory_total_mib: 81920,
        memory_used_mib: 1024,
        utilization_pct: 37,
        temperature_c: 41,
        power_w: 88.5,
      },
      {
        index: 1,
        uuid: "GPU-bbbb",
        name: "NVIDIA GeForce RTX 3090",
        memory_total_mib: 24576,
        memory_used_mib: null,
        utilization_pct: null,
        temperature_c: null,
        power_w: null,
      },
    ]);
  });

  it("keeps the numeric columns right when a name holds a comma", () => {
    const [gpu] = parseNvidiaSmiCsv("3, GPU-c, Weird, Name, 100, 1, 2, 3, 4");
    expect(gpu).toMatchObject({ index: 3, name: "Weird, Name", memory_total_mib: 100, power_w: 4 });
  });
});
