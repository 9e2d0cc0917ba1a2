import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { downsample, type Point } from "./downsample.js";

const line = (n: number, y: (i: number) => number): Point[] =>
  Array.from({ length: n }, (_, i) => [i, y(i)]);

describe("downsample", () => {
  it("passes a curve under the limit unchanged", () => {
    const points = line(50, (i) => i * 2);
    expect(downsample(points, 100)).toBe(points);
  });

  it("keeps at most `limit` points, the ends, and x in order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), {
          minLength: 1,
          maxLength: 3000,
        }),
        fc.integer({ min: 4, max: 500 }),
        (ys, limit) => {
          const points = ys.map((y, i): Point => [i, y]);
          const out = downsample(points, limit);
          expect(out.length).toBeLessThanOrEqual(limit);
          expect(out[0]).toEqual(points[0]);
          expect(out.at(-1)).toEqual(points.at(-1));
          for (let i = 1; i < out.length; i++) expect(out[i]![0]).toBeGreaterThan(out[i - 1]![0]);
        },
      ),
    );
  });

  it("never averages away a spike or a dip", () => {
    const points = line(100_000, () => 1);
    points[31_337] = [31_337, 50];
    points[77_001] = [77_001, -3];
    const out = downsample(points, 1000);
    expect(out.length).toBeLessThanOrEqual(1000);
    expect(out).toContainEqual([31_337, 50]);
    expect(out).toContainEqual([77_001, -3]);
  });
});
