import { birdReply, parseSessionCount } from './birdControl';

describe('BIRD control socket replies', () => {
  test('a reply ends at the first line whose code is followed by a space; codes are stripped', () => {
    const text = [
      '2002-Name       Proto      Table      State  Since         Info',
      '1002-node1_v6   BGP        ---        up     10:00:00.000  Established',
      '1006-  BGP state:          Established',
      '       Neighbor address: 2001:db8:1::11',
      '0000 ',
      '0001 next',
    ].join('\n');
    const r = birdReply(`${text}\n`);
    expect(r?.ok).toBe(true);
    expect(r?.text.split('\n')).toEqual([
      'Name       Proto      Table      State  Since         Info',
      'node1_v6   BGP        ---        up     10:00:00.000  Established',
      '  BGP state:          Established',
      '      Neighbor address: 2001:db8:1::11',
      '',
    ]);
    expect(r?.rest).toBe('0001 next\n');
  });

  test('an incomplete reply waits for more; 8xxx and 9xxx end with an error', () => {
    expect(birdReply('1002-node1 BGP\n')).toBeUndefined();
    expect(birdReply('0000 ')).toBeUndefined();
    expect(birdReply('9001 syntax error\n')).toEqual({ text: 'syntax error', rest: '', ok: false });
    expect(birdReply('8003 No protocols match\n')?.ok).toBe(false);
    expect(birdReply('0001 BIRD 2.0.12 ready.\n')?.ok).toBe(true);
  });

  test('show protocols all: the BGP state and the routes every channel imported', () => {
    const up = [
      'node1      BGP        ---        up     10:00:00.000  Established',
      '  BGP state:          Established',
      '  Channel ipv4',
      '    Routes:         3 imported, 0 exported, 3 preferred',
      '  Channel ipv6',
      '    Routes:         10000 imported, 0 exported, 10000 preferred',
    ].join('\n');
    expect(parseSessionCount(up)).toEqual({ established: true, imported: 10003 });
    const down = ['node1      BGP        ---        start  10:00:00.000  Passive', '  BGP state:          Passive'];
    expect(parseSessionCount(down.join('\n'))).toEqual({ established: false, imported: 0 });
  });
});
