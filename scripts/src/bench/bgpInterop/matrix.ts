/**
 * A cell's outcome and the printed matrix: per transport, router rows x option-set columns, each `ok <time>`,
 * `FAIL [n] <time>` or `n/a [n]`, with the reasons numbered below. Pure.
 */
import { TRANSPORTS, VARIANTS, type Cell, type InteropRouter } from './cells';

export type CellResult =
  | { readonly status: 'ok'; readonly ms: number }
  | { readonly status: 'FAIL'; readonly reason: string; readonly ms: number; readonly detail?: string }
  | { readonly status: 'n/a'; readonly reason: string };

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

function pad(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
}

/** The matrix of `cells` (any subset of routers), with `results` by cell id; a cell without one is "not run". */
export function formatMatrix(
  cells: readonly Cell[],
  results: ReadonlyMap<string, CellResult>,
  labStartMs: ReadonlyMap<InteropRouter, number> = new Map(),
): string {
  const routers = [...new Set(cells.map((c) => c.router))];
  const notes: string[] = [];
  const text = (cell: Cell | undefined): string => {
    if (!cell) return '';
    const r = results.get(cell.id);
    if (!r) return 'not run';
    if (r.status === 'ok') return `ok ${seconds(r.ms)}`;
    notes.push(`[${notes.length + 1}] ${cell.id}: ${r.reason}`);
    return r.status === 'FAIL' ? `FAIL [${notes.length}] ${seconds(r.ms)}` : `n/a [${notes.length}]`;
  };
  const rows: string[][] = [['transport', 'router', ...VARIANTS]];
  for (const transport of TRANSPORTS) {
    routers.forEach((router, i) => {
      const at = (v: string): Cell | undefined =>
        cells.find((c) => c.router === router && c.transport === transport && c.variant === v);
      rows.push([i === 0 ? transport : '', router, ...VARIANTS.map((v) => text(at(v)))]);
    });
  }
  const counts = { ok: 0, FAIL: 0, 'n/a': 0 };
  for (const c of cells) {
    const r = results.get(c.id);
    if (r) counts[r.status] += 1;
  }
  const notRun = cells.length - counts.ok - counts.FAIL - counts['n/a'];
  const labs = routers
    .filter((r) => labStartMs.has(r))
    .map((r) => `${r} ${seconds(labStartMs.get(r) ?? 0)}`)
    .join(', ');
  return [
    'BGP interop matrix: ironlb-speaker (2 nodes) against each router daemon',
    'time: from the option set starting (router restarted with its options) to the cell passing its last check',
    '',
    ...pad(rows),
    '',
    `${cells.length} cells: ${counts.ok} ok, ${counts.FAIL} FAIL, ${counts['n/a']} n/a${notRun ? `, ${notRun} not run` : ''}`,
    ...(labs ? [`lab start: ${labs}`] : []),
    ...notes,
  ].join('\n');
}
