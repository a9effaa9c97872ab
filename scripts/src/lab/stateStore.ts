// Reads and writes state files under /run/ironlb-lab (see names.ts), atomically.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUN_DIR, stateFilePath } from './names';
import { parseState, serializeState, type LabState } from './state';

export function readState(prefix: string): LabState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(stateFilePath(prefix), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return parseState(text);
}

/** Write-then-rename, so a crash mid-write never leaves a half file that `down` cannot parse. */
export function writeState(state: LabState): void {
  fs.mkdirSync(RUN_DIR, { recursive: true, mode: 0o755 });
  const file = stateFilePath(state.prefix);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, serializeState(state));
  fs.renameSync(tmp, file);
}

export function removeState(prefix: string): void {
  fs.rmSync(stateFilePath(prefix), { force: true });
  for (const f of listRunDir())
    if (f.startsWith(`${prefix}.json.`) && f.endsWith('.tmp')) fs.rmSync(path.join(RUN_DIR, f), { force: true });
  removeRunDirIfEmpty();
}

export function listRunDir(): string[] {
  try {
    return fs.readdirSync(RUN_DIR);
  } catch {
    return [];
  }
}

/** Leave no /run/ironlb-lab behind once the last lab is down (another lab may still use it: then keep it). */
export function removeRunDirIfEmpty(): void {
  try {
    fs.rmdirSync(RUN_DIR);
  } catch {
    // ENOENT or ENOTEMPTY: both fine.
  }
}
