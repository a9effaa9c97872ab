/**
 * Which addresses of a range a pool may hand out, answered arithmetically so that counting and searching never
 * enumerate a range (an IPv6 /64 holds 2^64 addresses).
 */
export interface AddressSpace {
  usable(v: bigint): boolean;
  /** The lowest usable address >= v. */
  next(v: bigint): bigint;
  /** How many usable addresses lie in [a, b]; 0 when b < a. */
  count(a: bigint, b: bigint): bigint;
}

export const everyAddress: AddressSpace = {
  usable: () => true,
  next: (v) => v,
  count: (a, b) => (b < a ? 0n : b - a + 1n),
};

/** Usable addresses in [0, n) when .0 and .255 of every /24 are skipped: 254 per full /24, then .1 up to n. */
const usableBelow = (n: bigint): bigint => {
  const rest = n % 256n;
  return (n / 256n) * 254n + (rest > 0n ? rest - 1n : 0n);
};

/** avoidBuggyIPs: IPv4 addresses ending in .0 or .255 confuse the smurf protection of some CPE firmwares. */
export const avoidingBuggyIPs: AddressSpace = {
  usable: (v) => {
    const low = v & 0xffn;
    return low !== 0n && low !== 0xffn;
  },
  next: (v) => {
    const low = v & 0xffn;
    return low === 0n ? v + 1n : low === 0xffn ? v + 2n : v;
  },
  count: (a, b) => (b < a ? 0n : usableBelow(b + 1n) - usableBelow(a)),
};
