import { parseIP, type IPAddress } from '../ipam/ip';
import { ALLOCATION_CONDITION, conditionOf, conditionsToWrite } from './condition';

const ip = (text: string): IPAddress => {
  const a = parseIP(text);
  if (a === undefined) throw new Error(text);
  return a;
};

describe('conditionOf', () => {
  it('says True/Allocated with the IPs for an assignment', () => {
    expect(
      conditionOf('default/a', { kind: 'assigned', ips: [ip('198.51.100.200'), ip('2001:db8::1')], warnings: [] }),
    ).toEqual({
      status: 'True',
      reason: 'Allocated',
      message: 'Assigned IP ["198.51.100.200","2001:db8::1"]',
    });
  });
  it("says False with the refusal's code as the reason and the Event's words as the message", () => {
    expect(
      conditionOf('default/a', {
        kind: 'refused',
        reason: { code: 'notInAnyPool', ip: ip('203.0.113.9') },
        warnings: [],
      }),
    ).toEqual({
      status: 'False',
      reason: 'notInAnyPool',
      message: 'Failed to allocate IP for "default/a": "203.0.113.9" is not allowed in config',
    });
  });
  it('says False/InvalidService with the field for a Service the controller cannot read', () => {
    expect(conditionOf('default/a', { kind: 'invalid', field: 'spec.ipFamilies', message: 'bad' })).toEqual({
      status: 'False',
      reason: 'InvalidService',
      message: 'spec.ipFamilies: bad',
    });
  });
});

describe('conditionsToWrite', () => {
  const NOW = '2026-12-02T12:00:00Z';
  const want = { status: 'False' as const, reason: 'poolExhausted', message: 'm' };
  const other = { type: 'other.io/Ready', status: 'True', reason: 'Fine', message: '', lastTransitionTime: 'x' };
  const ours = (over: object = {}): Record<string, unknown> => ({
    type: ALLOCATION_CONDITION,
    ...want,
    lastTransitionTime: '2026-12-01T00:00:00Z',
    observedGeneration: 2,
    ...over,
  });

  it('is the condition type ironlb.io/IPAllocated', () => {
    expect(ALLOCATION_CONDITION).toBe('ironlb.io/IPAllocated');
  });
  it('adds ours after the others, with the time and generation', () => {
    expect(conditionsToWrite({ conditions: [other] }, want, 2, NOW)).toEqual([
      other,
      { type: ALLOCATION_CONDITION, ...want, lastTransitionTime: NOW, observedGeneration: 2 },
    ]);
    // No generation: no observedGeneration key at all.
    expect(conditionsToWrite(undefined, want, undefined, NOW)).toStrictEqual([
      { type: 'ironlb.io/IPAllocated', ...want, lastTransitionTime: NOW },
    ]);
    expect(conditionsToWrite(null, want, undefined, NOW)).toStrictEqual([
      { type: 'ironlb.io/IPAllocated', ...want, lastTransitionTime: NOW },
    ]);
  });
  it('writes nothing when the Service shows exactly it', () => {
    expect(conditionsToWrite({ conditions: [other, ours()] }, want, 2, NOW)).toBeUndefined();
  });
  it('keeps the transition time while the status stays, and moves it when the status changes', () => {
    expect(conditionsToWrite({ conditions: [ours({ reason: 'notInAnyPool' })] }, want, 2, NOW)).toEqual([ours()]);
    expect(conditionsToWrite({ conditions: [ours({ message: 'old' })] }, want, 2, NOW)).toEqual([ours()]);
    expect(conditionsToWrite({ conditions: [ours({ observedGeneration: 1 })] }, want, 2, NOW)).toEqual([ours()]);
    expect(conditionsToWrite({ conditions: [ours({ status: 'True' })] }, want, 2, NOW)).toEqual([
      ours({ lastTransitionTime: NOW }),
    ]);
    expect(
      conditionsToWrite({ conditions: [ours({ lastTransitionTime: 5 })] }, { ...want, reason: 'x' }, 2, NOW),
    ).toEqual([ours({ reason: 'x', lastTransitionTime: NOW })]);
  });
  it("replaces ours in place, leaving the others' order", () => {
    const later = { ...other, type: 'z.io/Later' };
    expect(conditionsToWrite({ conditions: [other, ours({ status: 'True' }), later] }, want, 2, NOW)).toEqual([
      other,
      ours({ lastTransitionTime: NOW }),
      later,
    ]);
  });
  it('removes ours when there is no verdict to show, and only then writes', () => {
    expect(conditionsToWrite({ conditions: [other, ours()] }, undefined, 2, NOW)).toEqual([other]);
    expect(conditionsToWrite({ conditions: [other] }, undefined, 2, NOW)).toBeUndefined();
    expect(conditionsToWrite({ conditions: 'junk' }, undefined, 2, NOW)).toBeUndefined();
    expect(conditionsToWrite({ conditions: [null, 3, ours()] }, undefined, 2, NOW)).toEqual([]);
  });
});
