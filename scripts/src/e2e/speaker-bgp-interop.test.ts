/**
 * The BGP interop matrix as tests, one per cell (scripts/src/bench/bgpInterop/cells.ts): ironlb-speaker against
 * BIRD 2, FRR and GoBGP, over IPv4, IPv6 and IPv6-over-IPv4, plain, MD5 (key inline and in a Secret), iBGP,
 * multihop eBGP, graceful restart and BFD (100 ms x 3; GoBGP 3.10 has none: n/a). Sessions Established at the router
 * (and their BFD sessions Up), each node's host route with its next hop, AS path, communities (and LOCAL_PREF over
 * iBGP), withdrawn with the Service; for GR the route stays while a speaker restarts and comes back fresh. One lab per router, run once; each cell's test waits for its outcome.
 * `npm run bench -- bgp-interop` runs the same cells and prints the matrix.
 */
import { labTestGate } from '../lab/testGate';
import { randomTestPrefix } from '../lab/names';
import { INTEROP_ROUTERS, interopCells, type Cell } from '../bench/bgpInterop/cells';
import type { CellResult } from '../bench/bgpInterop/matrix';
import { runRouter } from '../bench/bgpInterop/run';

/** A cell's test waits for the option set it is part of (and, the first, for the lab): minutes at most. */
const CELL_TIMEOUT_MS = 180_000;

labTestGate(
  'BGP interop matrix: ironlb-speaker against BIRD, FRR and GoBGP',
  () => {
    for (const router of INTEROP_ROUTERS) {
      describe(router, () => {
        const cells = interopCells([router]);
        const outcomes = new Map<string, { promise: Promise<CellResult>; resolve: (r: CellResult) => void }>();
        for (const c of cells) {
          let resolve: (r: CellResult) => void = () => undefined;
          const promise = new Promise<CellResult>((r) => (resolve = r));
          outcomes.set(c.id, { promise, resolve });
        }
        let run: Promise<unknown> = Promise.resolve();

        beforeAll(() => {
          // Not awaited: the cells' tests follow the run as its option sets finish. runRouter never rejects.
          run = runRouter(router, {
            prefix: randomTestPrefix(),
            onResult: (cell, r) => outcomes.get(cell.id)?.resolve(r),
          });
        });

        afterAll(async () => {
          await run;
        }, CELL_TIMEOUT_MS);

        const outcomeOf = async (cell: Cell): Promise<CellResult> => {
          const o = outcomes.get(cell.id);
          if (!o) throw new Error(`no outcome for ${cell.id}`);
          return o.promise;
        };

        for (const cell of cells) {
          test(
            cell.notApplicable === undefined ? cell.id : `${cell.id}: n/a (${cell.notApplicable})`,
            async () => {
              const r = await outcomeOf(cell);
              if (cell.notApplicable !== undefined) {
                expect(r).toEqual({ status: 'n/a', reason: cell.notApplicable });
                return;
              }
              // The reason first, the logs after it: a failing cell says why in one line.
              const said = r.status === 'ok' ? 'ok' : `${r.status}: ${r.reason}`;
              if (said !== 'ok' && r.status === 'FAIL' && r.detail) console.log(`${cell.id}:\n${r.detail}`);
              expect(said).toBe('ok');
            },
            CELL_TIMEOUT_MS,
          );
        }
      });
    }
  },
  [...INTEROP_ROUTERS],
);
