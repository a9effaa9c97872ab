/**
 * Reads captured message fixtures (`*.hex`): `#` lines are comments describing the message that follows; each other
 * non-blank line is one whole message in lower-case hex. Tests only (the BGP codec tests and the fuzz test read
 * speaker/src/bgp/codec/fixtures/ with it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface HexFixture {
  /** The file's name (no directory), e.g. `bird2-open.hex`. */
  readonly file: string;
  /** The `#` lines right before the message, without their `# ` lead, joined by newlines. */
  readonly comment: string;
  readonly bytes: Buffer;
}

/** The messages of one fixture file's text, in order; throws on a line that is not whole bytes of lower-case hex. */
export function parseHexFixtures(file: string, text: string): HexFixture[] {
  const out: HexFixture[] = [];
  let comments: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      comments.push(line.replace(/^#\s?/, ''));
      return;
    }
    if (!/^([0-9a-f]{2})+$/.test(line)) throw new Error(`${file}:${i + 1}: not whole bytes of lower-case hex`);
    out.push({ file, comment: comments.join('\n'), bytes: Buffer.from(line, 'hex') });
    comments = [];
  });
  return out;
}

/** Every message of every `*.hex` file in `dir`, files in name order. */
export function readHexFixtures(dir: string): HexFixture[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.hex'))
    .sort()
    .flatMap((f) => parseHexFixtures(f, fs.readFileSync(path.join(dir, f), 'utf8')));
}
