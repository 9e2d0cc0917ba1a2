/** "did you mean ...?" over a list of known names. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: { name: string; score: number } | undefined;
  for (const name of candidates) {
    const score = closeness(lower, name.toLowerCase());
    if (score !== undefined && (!best || score < best.score)) best = { name, score };
  }
  return best?.name;
}

/** Lower is closer; undefined is not close at all. */
function closeness(word: string, name: string): number | undefined {
  if (word === name) return 0;
  // lr -> learning_rate, mbs -> micro_batch_size
  const initials = name
    .split(/[_.-]/)
    .filter(Boolean)
    .map((part) => part[0])
    .join("");
  if (initials.length > 1 && word === initials) return 0.5;
  if (word.length >= 3 && (name.startsWith(word) || word.startsWith(name))) return 1;
  const distance = editDistance(word, name);
  const allowed = Math.max(1, Math.floor(Math.max(word.length, name.length) / 3));
  return distance <= allowed ? 1 + distance : undefined;
}

/** Optimal string alignment distance: edits, with a swap of two neighbours counting as one. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}
