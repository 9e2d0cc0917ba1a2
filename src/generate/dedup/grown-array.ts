/** A copy of `array` in a larger buffer (the rest zero): the growth step of the dedup's flat arrays. */
export function grown(array: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(length);
  bigger.set(array);
  return bigger;
}
