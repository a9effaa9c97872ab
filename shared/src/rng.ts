/** xorshift32 in [0, 1): the same sequence for the same seed, so the shuffles of a test or benchmark repeat (tests and benches only). */
export function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}
