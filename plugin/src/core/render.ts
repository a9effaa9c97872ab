/** The renderers: human text like `kubectl describe` / `kubectl get`, and the same value as JSON or YAML. */
import { stringify } from 'yaml';
import type { EventNote, Explanation } from './explain';
import { ageOf, keyValues, orNone, table } from './format';
import type { PoolUsage } from './pools';
import type { StatusReport } from './status';

export type Output = 'text' | 'wide' | 'json' | 'yaml';

const timeOf = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Date.parse(iso));

/** JSON with two spaces and a final newline, as `kubectl get -o json` prints; YAML as the yaml package writes it. */
export function structured(value: unknown, output: 'json' | 'yaml'): string {
  return output === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value);
}

const VERDICT_TEXT: Record<Explanation['verdict'], string> = {
  ignored: "ignored: not ironlb's",
  invalid: 'invalid: the controller cannot read it',
  assigned: 'assigned',
  refused: 'refused',
  pending: 'pending: no decision recorded (is ironlb-controller running?)',
};

function eventLines(title: string, notes: readonly EventNote[], now: number): string[] {
  if (notes.length === 0) return [`${title}:  <none>`];
  return [
    `${title}:`,
    ...notes.flatMap((n) => [
      ...keyValues(
        [
          ['Reason', n.reason],
          ...(n.code === undefined ? [] : [['Code', n.code] as const]),
          ['Message', n.message],
          ['Age', `${ageOf(timeOf(n.at), now)}${n.count > 1 ? ` (x${n.count})` : ''}`],
        ],
        '  ',
      ),
    ]),
  ];
}

const poolText = (p: PoolUsage | undefined): string => (p === undefined ? '<none>' : p.name);

export function explainText(x: Explanation, now: number): string {
  const s = x.service;
  const head = keyValues([
    ['Service', `${s.namespace}/${s.name}`],
    ['Type', s.type],
    ['Class', s.loadBalancerClass ?? '<none>'],
    ['IP Families', orNone(s.ipFamilies)],
    ['IPs', orNone(s.ips)],
    ['Verdict', VERDICT_TEXT[x.verdict]],
    ...(x.ignoredBecause === undefined ? [] : [['Why', x.ignoredBecause] as const]),
    ...(x.invalid === undefined ? [] : [['Invalid', `${x.invalid.field}: ${x.invalid.message}`] as const]),
    [
      'Requested IPs',
      x.requestedIPs === undefined ? '<none>' : `${x.requestedIPs.values.join(', ')} (${x.requestedIPs.from})`,
    ],
    ['Requested Pool', x.requestedPool === undefined ? '<none>' : `${x.requestedPool.value} (${x.requestedPool.from})`],
    ['Sharing Key', x.sharingKey === undefined ? '<none>' : `${x.sharingKey.value} (${x.sharingKey.from})`],
  ]);
  const addresses =
    x.addresses.length === 0
      ? ['Addresses:  <none>']
      : [
          'Addresses:',
          ...table(
            ['IP', 'POOL', 'POOL IN USE', 'POOL AVAILABLE', 'SHARED WITH'],
            x.addresses.map((a) => [
              a.ip,
              poolText(a.pool),
              a.pool === undefined ? '' : String(a.pool.inUse),
              a.pool === undefined ? '' : String(a.pool.available),
              orNone(a.sharedWith.map((o) => (o.sharingKey ? `${o.service} (key ${o.sharingKey})` : o.service))),
            ]),
          ).map((l) => `  ${l}`),
        ];
  const refusal = x.refusal === undefined ? [] : eventLines('Refusal', [x.refusal], now);
  const warnings = x.warnings.length === 0 ? [] : eventLines('Warnings', x.warnings, now);
  const announced =
    x.announcements.length === 0
      ? ['Announced:  <none>']
      : [
          'Announced:',
          ...table(
            ['MODE', 'NODE', 'FAMILIES', 'SPEAKER', 'VIA', 'SINCE'],
            x.announcements.map((a) => [
              a.mode,
              a.node,
              orNone(a.families),
              a.speakerAlive ? 'alive' : 'not alive',
              a.mode === 'layer2' ? `interfaces ${orNone(a.interfaces ?? [])}` : `peers ${orNone(a.peers ?? [])}`,
              ageOf(timeOf(a.since), now),
            ]),
          ).map((l) => `  ${l}`),
        ];
  const conflicts = eventLines('L2 Conflicts', x.conflicts, now);
  return [...head, ...addresses, ...refusal, ...warnings, ...announced, ...conflicts].join('\n') + '\n';
}

export function statusText(r: StatusReport, now: number, wide: boolean): string {
  const pools = table(
    [
      'NAME',
      'ADDRESSES',
      'IN USE',
      'AVAILABLE',
      ...(wide ? ['AUTO ASSIGN', 'IPV4 USED/FREE', 'IPV6 USED/FREE'] : []),
      // Ages last, so their width moves no other column.
      'AGE',
    ],
    r.pools.map((p) => [
      p.name,
      p.addresses.join(','),
      p.counted ? String(p.inUse) : '<unknown>',
      p.counted ? String(p.available) : '<unknown>',
      ...(wide
        ? [String(p.autoAssign), `${p.assignedIPv4}/${p.availableIPv4}`, `${p.assignedIPv6}/${p.availableIPv6}`]
        : []),
      ageOf(p.created, now),
    ]),
  );
  const speakers =
    r.speakers.length === 0
      ? ['No speakers (no node Lease in the ironlb namespace).']
      : table(
          // Ages last, so their width moves no other column.
          ['NODE', 'SPEAKER', 'AGE', ...(wide ? ['RENEWED'] : [])],
          r.speakers.map((s) => [
            s.node,
            s.alive ? 'alive' : 'not alive',
            ageOf(timeOf(s.since), now),
            ...(wide ? [`${ageOf(timeOf(s.renewed), now)} ago`] : []),
          ]),
        );
  const sessions =
    r.bgpSessions.length === 0
      ? []
      : [
          '',
          ...table(
            ['NODE', 'BGP PEER', 'SERVICES'],
            r.bgpSessions.map((b) => [b.node, b.peer, String(b.services)]),
          ),
        ];
  const noPools = r.pools.length === 0 ? ['No IPAddressPools in the ironlb namespace.'] : pools;
  return [...noPools, '', ...speakers, ...sessions].join('\n') + '\n';
}
