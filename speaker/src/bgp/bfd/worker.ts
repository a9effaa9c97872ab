/**
 * The BFD worker thread's entry: a BfdLoop driven by BfdSessions' messages. State changes are posted as they
 * happen; drops are counted and posted at most once a second, so a flood of junk cannot flood the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BfdLoop } from './loop';
import { isToWorker, type FromWorker, type ToWorker, type WorkerSetup } from './protocol';

const DROPS_EVERY_MS = 1000;

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('bfd/worker.js runs as a worker thread (BfdSessions starts it)');
  const post = (m: FromWorker): void => port.postMessage(m);
  const drops: Record<string, number> = {};
  let dropsTimer: NodeJS.Timeout | undefined;
  const loop = new BfdLoop(workerData as WorkerSetup, {
    onState: (id, change, info) => post({ type: 'state', id, change, info }),
    onDrop: (reason) => {
      drops[reason] = (drops[reason] ?? 0) + 1;
      dropsTimer ??= setTimeout(() => {
        dropsTimer = undefined;
        post({ type: 'drops', counts: { ...drops } });
      }, DROPS_EVERY_MS);
    },
    onError: (message) => post({ type: 'error', message }),
  });

  const handle = async (m: ToWorker): Promise<void> => {
    switch (m.type) {
      case 'add':
        try {
          post({ type: 'added', ref: m.ref, info: await loop.add(m.spec) });
        } catch (err) {
          post({ type: 'failed', ref: m.ref, message: (err as Error).message });
        }
        return;
      case 'remove':
        await loop.remove(m.id);
        post({ type: 'done', ref: m.ref });
        return;
      case 'info': {
        const info = loop.info(m.id);
        post({ type: 'info', ref: m.ref, ...(info ? { info } : {}) });
        return;
      }
      case 'setTimers':
        loop.setTimers(m.id, m.timers);
        return;
      case 'close':
        if (dropsTimer) clearTimeout(dropsTimer);
        await loop.close();
        post({ type: 'done', ref: m.ref });
        port.close();
        return;
    }
  };
  port.on('message', (m: unknown) => {
    if (isToWorker(m)) void handle(m);
    else post({ type: 'error', message: `BFD worker: unknown message ${JSON.stringify(m)}` });
  });
}

main();
