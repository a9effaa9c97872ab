import { WriteQueue } from './writeQueue';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('WriteQueue', () => {
  it('keeps at most N writes in flight, and runs them all', async () => {
    const q = new WriteQueue(2);
    let inFlight = 0;
    let most = 0;
    let done = 0;
    for (let i = 0; i < 10; i++) {
      q.push(`k${i}`, async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        await tick();
        inFlight--;
        done++;
      });
    }
    while (q.size > 0) await tick();
    expect(most).toBe(2);
    expect(done).toBe(10);
  });

  it('a newer write for a waiting key replaces it; one for a running key waits for it', async () => {
    const q = new WriteQueue(1);
    const log: string[] = [];
    const write = (name: string) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
    };
    q.push('a', write('a1'));
    q.push('b', write('b1'));
    q.push('b', write('b2'));
    q.push('a', write('a2'));
    while (q.size > 0) await tick();
    expect(log).toEqual(['start a1', 'end a1', 'start b2', 'end b2', 'start a2', 'end a2']);
  });

  it('a failed write does not stop the queue', async () => {
    const q = new WriteQueue(1);
    let ran = false;
    q.push('x', () => Promise.reject(new Error('boom')));
    q.push('y', async () => {
      ran = true;
    });
    while (q.size > 0) await tick();
    expect(ran).toBe(true);
  });
});
