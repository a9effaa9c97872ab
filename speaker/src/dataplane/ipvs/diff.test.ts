import { diffIpvs, type IpvsCommand } from './diff';
import { desiredState, destKey, serviceKey, type IpvsState } from './model';
import { dest, forward, plan, service, state, virtual } from './testPlans';

/** One line per command: the op, the service key and the destination, so a whole list reads at a glance. */
function lines(cmds: readonly IpvsCommand[]): string[] {
  return cmds.map((c) => {
    if (c.op === 'flush') return 'flush';
    const s = `${c.op} ${c.service.addr.value.toString(16)}/${c.service.protocol}/${c.service.port}`;
    return 'dest' in c ? `${s} -> ${c.dest.addr.value.toString(16)}:${c.dest.port}` : s;
  });
}

const web = service('198.51.100.10', 'TCP', 80); // c6336 40a
const dns = service('198.51.100.11', 'UDP', 53);
const a = dest('203.0.113.1', 8080); // cb007101
const b = dest('203.0.113.2', 8080);
const c = dest('203.0.113.3', 8080);

/**
 * Applying a command list to a state as the kernel would, failing as it does (EEXIST on a new entry that exists,
 * ESRCH/ENOENT on a set or delete of a missing one): the diff's output must take `from` exactly to `to`.
 */
function apply(from: IpvsState, cmds: readonly IpvsCommand[]): IpvsState {
  const out = new Map([...from].map(([k, v]) => [k, { service: v.service, dests: new Map(v.dests) }]));
  for (const cmd of cmds) {
    if (cmd.op === 'flush') {
      out.clear();
      continue;
    }
    const k = serviceKey(cmd.service);
    const v = out.get(k);
    if (cmd.op === 'newService') {
      if (v) throw new Error(`EEXIST ${k}`);
      out.set(k, { service: cmd.service, dests: new Map() });
      continue;
    }
    if (!v) throw new Error(`ESRCH ${k}`);
    if (cmd.op === 'setService') out.set(k, { service: cmd.service, dests: v.dests });
    else if (cmd.op === 'delService') out.delete(k);
    else {
      const dk = destKey(cmd.dest);
      const exists = v.dests.has(dk);
      if (cmd.op === 'newDest' && exists) throw new Error(`EEXIST ${k} ${dk}`);
      if (cmd.op !== 'newDest' && !exists) throw new Error(`ENOENT ${k} ${dk}`);
      if (cmd.op === 'delDest') v.dests.delete(dk);
      else v.dests.set(dk, cmd.dest);
    }
  }
  return out;
}

describe('diffIpvs', () => {
  test('equal states: nothing to do', () => {
    expect(diffIpvs(state(virtual(web, a, b)), state(virtual(web, a, b)))).toEqual([]);
    expect(diffIpvs(new Map(), new Map())).toEqual([]);
  });

  test('from nothing: each new service then its destinations', () => {
    const cmds = diffIpvs(new Map(), state(virtual(web, b, a), virtual(dns)));
    expect(cmds).toEqual([
      { op: 'newService', service: web },
      { op: 'newDest', service: web, dest: a },
      { op: 'newDest', service: web, dest: b },
      { op: 'newService', service: dns },
    ]);
  });

  test('to nothing: only service deletions, no destination deletions', () => {
    expect(diffIpvs(state(virtual(web, a, b), virtual(dns)), new Map())).toEqual([
      { op: 'delService', service: web },
      { op: 'delService', service: dns },
    ]);
  });

  test('endpoints change: additions before removals', () => {
    expect(diffIpvs(state(virtual(web, a, b)), state(virtual(web, b, c)))).toEqual([
      { op: 'newDest', service: web, dest: c },
      { op: 'delDest', service: web, dest: a },
    ]);
  });

  test('a destination whose weight differs is set, not replaced', () => {
    const drained = dest('203.0.113.1', 8080, { weight: 0 });
    expect(diffIpvs(state(virtual(web, drained)), state(virtual(web, a)))).toEqual([
      { op: 'setDest', service: web, dest: a },
    ]);
  });

  test('a destination on another port is another destination', () => {
    const moved = dest('203.0.113.1', 9090);
    expect(diffIpvs(state(virtual(web, a)), state(virtual(web, moved)))).toEqual([
      { op: 'newDest', service: web, dest: moved },
      { op: 'delDest', service: web, dest: a },
    ]);
  });

  test('affinity switched on: the service is set (flags and timeout), its destinations stay', () => {
    const sticky = { ...web, flags: 1, timeoutSec: 10800 };
    expect(diffIpvs(state(virtual(web, a)), state(virtual(sticky, a)))).toEqual([
      { op: 'setService', service: sticky },
    ]);
  });

  test('a changed scheduler or netmask is a set', () => {
    const wrr = { ...web, scheduler: 'wrr' };
    const net = { ...web, netmask: 0xffffff00 };
    expect(diffIpvs(state(virtual(wrr)), state(virtual(web)))).toEqual([{ op: 'setService', service: web }]);
    expect(diffIpvs(state(virtual(net)), state(virtual(web)))).toEqual([{ op: 'setService', service: web }]);
  });

  test('the full order: new services, set services, destination changes, deleted services', () => {
    const sticky = { ...dns, flags: 1, timeoutSec: 30 };
    const gone = service('198.51.100.12', 'TCP', 22);
    const fresh = service('198.51.100.13', 'SCTP', 3868);
    const from = state(virtual(web, a), virtual(dns, b), virtual(gone, c));
    const to = state(virtual(web, b), virtual(sticky, b, c), virtual(fresh, a));
    expect(lines(diffIpvs(from, to))).toEqual([
      'newService c633640d/SCTP/3868',
      'newDest c633640d/SCTP/3868 -> cb007101:8080',
      'setService c633640b/UDP/53',
      'newDest c633640a/TCP/80 -> cb007102:8080',
      'delDest c633640a/TCP/80 -> cb007101:8080',
      'newDest c633640b/UDP/53 -> cb007103:8080',
      'delService c633640c/TCP/22',
    ]);
  });

  test('the same states always give the same list, whatever the maps’ insertion order', () => {
    const one = state(virtual(web, a, b, c), virtual(dns));
    const two = state(virtual(dns), virtual(web, c, a, b));
    expect(diffIpvs(new Map(), one)).toEqual(diffIpvs(new Map(), two));
    expect(diffIpvs(one, new Map())).toEqual(diffIpvs(two, new Map()));
  });

  test('a VIP that changes family or protocol is a delete and an add (the identity changed)', () => {
    const udp = { ...web, protocol: 'UDP' as const };
    expect(lines(diffIpvs(state(virtual(web)), state(virtual(udp))))).toEqual([
      'newService c633640a/UDP/80',
      'delService c633640a/TCP/80',
    ]);
  });
});

describe('diffIpvs, applied', () => {
  // Every pair of these states: the commands, applied in order as the kernel would, give exactly the target, and no
  // command fails (no new over an existing entry, no set or delete of a missing one).
  const sticky = { ...web, flags: 1, timeoutSec: 60 };
  const v6 = service('2001:db8::10', 'TCP', 80);
  const d6 = dest('2001:db8:1::5', 80);
  const states: [string, IpvsState][] = [
    ['empty', new Map()],
    ['web a', state(virtual(web, a))],
    ['web a b', state(virtual(web, a, b))],
    ['web b c, dns', state(virtual(web, b, c), virtual(dns))],
    ['sticky web a, dns a', state(virtual(sticky, a), virtual(dns, a))],
    ['web weight 0', state(virtual(web, dest('203.0.113.1', 8080, { weight: 0 })))],
    ['v6 and v4', state(virtual(v6, d6), virtual(web, c))],
    [
      'from a plan',
      desiredState(
        plan(
          forward('198.51.100.10', 'TCP', 80, [['203.0.113.9', 80]]),
          forward('2001:db8::10', 'TCP', 80, [], { affinitySec: 5 }),
        ),
      ),
    ],
  ];
  for (const [fromName, from] of states)
    for (const [toName, to] of states)
      test(`${fromName} -> ${toName}`, () => {
        expect(apply(from, diffIpvs(from, to))).toEqual(to);
      });
});
