/** How the demo prints: a heading per step, indented command output, and kubectl that must succeed. */
import type { CmdResult } from '../lab/sh';

export const say = (text: string): void => console.log(`\n=== ${text}`);

export const indent = (text: string): string =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

export const tail = (text: string, n: number): string => text.trimEnd().split('\n').slice(-n).join('\n');

/** kubectl's stdout, or an error with its stderr. */
export async function must(r: Promise<CmdResult>): Promise<string> {
  const done = await r;
  if (done.code !== 0) throw new Error(done.stderr.trim());
  return done.stdout;
}
