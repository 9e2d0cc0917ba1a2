/** A curve's point: x (step, seconds or tokens) and y. */
export type Point = [x: number, y: number];

/**
 * At most `limit` points that still draw the same curve: the first and last points kept, the
 * rest cut into equal buckets of which each keeps its lowest and highest point, in x order
 * (min/max buckets: a loss spike or dip is never averaged away). Fewer points pass unchanged.
 */
export function downsample(points: Point[], limit: number): Point[] {
  if (points.length <= limit || limit < 4)
    return points.length <= limit ? points : points.slice(0, limit);
  const inner = points.length - 2;
  const buckets = Math.floor((limit - 2) / 2);
  const out: Point[] = [points[0]!];
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * inner) / buckets);
    const end = 1 + Math.floor(((b + 1) * inner) / buckets);
    let low = start;
    let high = start;
    for (let i = start; i < end; i++) {
      if (points[i]![1] < points[low]![1]) low = i;
      if (points[i]![1] > points[high]![1]) high = i;
    }
    if (end <= start) continue;
    const [first, second] = low <= high ? [low, high] : [high, low];
    out.push(points[first]!);
    if (second !== first) out.push(points[second]!);
  }
  out.push(points[points.length - 1]!);
  return out;
}
