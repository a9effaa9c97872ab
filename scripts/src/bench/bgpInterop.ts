/**
 * `npm run bench -- bgp-interop [--routers bird,frr,gobgp]`: the BGP interop matrix (bgpInterop/cells.ts), the same
 * cells the e2e test speaker-bgp-interop runs, one lab per router, printed as a table of ok / FAIL / n/a with the
 * time each cell took. Exits non-zero when a cell fails.
 */
import { INTEROP_ROUTERS, interopCells, type InteropRouter } from './bgpInterop/cells';
import { formatMatrix, type CellResult } from './bgpInterop/matrix';
import { runRouter } from './bgpInterop/run';

const PREFIX = 'ilbbenchbgp';

function routersOf(args: string[]): InteropRouter[] {
  const i = args.indexOf('--routers');
  if (i < 0) return [...INTEROP_ROUTERS];
  const wanted = (args[i + 1] ?? '').split(',').filter(Boolean);
  const known = new Set<string>(INTEROP_ROUTERS);
  const bad = wanted.filter((r) => !known.has(r));
  if (wanted.length === 0 || bad.length > 0) {
    throw new Error(
      `--routers takes a comma-separated list of ${INTEROP_ROUTERS.join(', ')}; got "${args[i + 1] ?? ''}"`,
    );
  }
  return wanted as InteropRouter[];
}

export async function benchBgpInterop(args: string[]): Promise<void> {
  const routers = routersOf(args);
  const results = new Map<string, CellResult>();
  const labStartMs = new Map<InteropRouter, number>();
  const t0 = Date.now();
  for (const router of routers) {
    const run = await runRouter(router, {
      prefix: PREFIX,
      onResult: (cell, r) => results.set(cell.id, r),
      log: (line) => console.log(line),
    });
    labStartMs.set(router, run.labStartMs);
  }
  console.log('');
  console.log(formatMatrix(interopCells(routers), results, labStartMs));
  console.log(`total ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  if ([...results.values()].some((r) => r.status === 'FAIL')) process.exitCode = 1;
}
