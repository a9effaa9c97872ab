/** Test helpers (tests only): hex to bytes with spaces and `|` allowed for readability, and a header builder. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/[\s|]+/g, '');
  if (!/^([0-9a-f]{2})*$/.test(clean)) throw new Error(`not hex: ${text}`);
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

/** A message: the 16-byte marker, the length of header and body, the type, then the body. */
export function msg(type: number, body: string | Uint8Array): Uint8Array {
  const b = typeof body === 'string' ? hex(body) : body;
  const out = new Uint8Array(19 + b.length);
  out.fill(0xff, 0, 16);
  out[16] = out.length >>> 8;
  out[17] = out.length;
  out[18] = type;
  out.set(b, 19);
  return out;
}

export const MARKER = 'ffffffffffffffffffffffffffffffff';
