import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeControl, encodeControl, type ControlPacket } from './codec';
import { BfdSession } from './session';

// Datagrams captured between ironlb and BIRD / FRR bfdd in the lab (fixtures/README.md says how).
interface Line {
  readonly src: string;
  readonly bytes: Buffer;
}

const ROUTER = '198.51.100.2';

function load(name: string): Line[] {
  const text = fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = /^(\S+):\d+ > \S+:\d+ ([0-9a-f]+)$/.exec(l);
      if (!m) throw new Error(`bad fixture line ${l}`);
      return { src: m[1], bytes: Buffer.from(m[2], 'hex') };
    });
}

const decoded = (b: Buffer): ControlPacket => {
  const r = decodeControl(b);
  if (!r.ok) throw new Error(`dropped: ${r.reason}`);
  return r.packet;
};

describe.each([
  ['bird.hex', { tx: 100_000, rx: 100_000, mult: 3 }],
  ['frr.hex', { tx: 100_000, rx: 100_000, mult: 3 }],
])('captured %s', (file, router) => {
  const lines = load(file);

  test('every datagram decodes and re-encodes to the same bytes', () => {
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(encodeControl(decoded(l.bytes)).toString('hex')).toBe(l.bytes.toString('hex'));
  });

  test("the router's Up packets carry its configured timers; before Up it asks for 1 s (RFC 5880 6.8.3)", () => {
    const fromRouter = lines.filter((l) => l.src === ROUTER).map((l) => decoded(l.bytes));
    const up = fromRouter.filter((p) => p.state === 'up');
    expect(up.length).toBeGreaterThan(0);
    for (const p of up) expect(p).toMatchObject({ desiredMinTxUs: router.tx, requiredMinRxUs: router.rx });
    for (const p of fromRouter) expect(p.detectMult).toBe(router.mult);
    expect(fromRouter[0]).toMatchObject({ state: 'down', yourDiscriminator: 0, desiredMinTxUs: 1_000_000 });
  });

  test("ironlb's own packets: slow while not Up, its poll answered by the router's final", () => {
    const ours = lines.filter((l) => l.src !== ROUTER).map((l) => decoded(l.bytes));
    for (const p of ours.filter((x) => x.state !== 'up')) expect(p.desiredMinTxUs).toBe(1_000_000);
    expect(ours.some((p) => p.state === 'up' && p.poll)).toBe(true);
    expect(ours.every((p) => p.requiredMinEchoRxUs === 0)).toBe(true);
    const fromRouter = lines.filter((l) => l.src === ROUTER).map((l) => decoded(l.bytes));
    expect(fromRouter.some((p) => p.final)).toBe(true);
  });

  test("replaying the router's packets brings a session Up and gets its poll answered with F", () => {
    const fromRouter = lines.filter((l) => l.src === ROUTER).map((l) => decoded(l.bytes));
    const ours = lines.filter((l) => l.src !== ROUTER).map((l) => decoded(l.bytes));
    const s = new BfdSession(
      {
        localDiscriminator: ours[0].myDiscriminator,
        desiredMinTxMs: 100,
        requiredMinRxMs: 100,
        detectMultiplier: 3,
        passive: false,
      },
      () => 0.5,
      0,
    );
    const states: string[] = [];
    let answeredPoll = false;
    let now = 0;
    for (const p of fromRouter) {
      now += 10;
      if (p.state === 'adminDown' || (p.state === 'down' && states.includes('up'))) break;
      const out = s.handle(p, now);
      if (out.stateChange) states.push(out.stateChange.to);
      if (p.poll) answeredPoll ||= out.send?.final === true;
    }
    expect(states.at(-1)).toBe('up');
    expect(s.remoteDiscriminator).toBe(fromRouter[0].myDiscriminator);
    expect(answeredPoll).toBe(true);
  });
});
