/**
 * Per-record choices keyed on (seed, purpose, record index): FNV-1a over the key, then
 * murmur3's finaliser so every bit is mixed. Stable across platforms and Node versions, and
 * independent of the order records are visited in.
 */
export function recordHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** A share in [0, 1) for the key: `unit(key) < 0.3` holds for about 30% of keys. */
export function recordUnit(key: string): number {
  return recordHash(key) / 4294967296;
}

/** mulberry32 from a 32-bit state: a small seeded generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
