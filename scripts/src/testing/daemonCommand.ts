/**
 * How tests and benchmarks start a daemon: as its bin's shebang does (`#!/usr/bin/env -S node <V8 flags>`), with
 * this node binary, so they measure the daemon with the heap settings it ships with, and the child's pid is the
 * daemon's own (no shell or env in between).
 */
import * as fs from 'node:fs';

const SHEBANG = /^#!\/usr\/bin\/env (?:-S )?node((?: --[a-z0-9-]+(?:=\S+)?)*)$/;

/** The node flags a bin's first line carries; an error naming the file when it is not `#!/usr/bin/env [-S] node ...`. */
export function shebangFlags(firstLine: string, file: string): string[] {
  const m = SHEBANG.exec(firstLine);
  if (!m) throw new Error(`${file}: the first line is not "#!/usr/bin/env -S node [--flag...]": ${firstLine}`);
  return m[1].split(' ').filter((f) => f !== '');
}

/**
 * [node, ...flags, bin]: the argv that runs `bin` as its shebang would, or with `nodeFlags` instead of the
 * shebang's (a benchmark comparing heap settings side by side).
 */
export function daemonArgv(bin: string, nodeFlags?: readonly string[]): string[] {
  return [process.execPath, ...(nodeFlags ?? binFlags(bin)), bin];
}

/** The node flags in `bin`'s shebang. */
export function binFlags(bin: string): string[] {
  return shebangFlags(fs.readFileSync(bin, 'utf8').split('\n', 1)[0], bin);
}
