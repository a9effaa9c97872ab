import { parseSsBytes } from './tcpCounters';

describe('ss byte counters', () => {
  test('addresses and tcp_info counters per socket, with or without the State column', () => {
    const text = [
      '0      0      [2001:db8:1::11]:41234 [2001:db8:1::1]:179 cubic wscale:7,7 rto:204 bytes_sent:178301 bytes_acked:178301 bytes_received:94 segs_out:60',
      'ESTAB 0 0 198.51.100.11:179 198.51.100.1:50000 cubic bytes_acked:19 bytes_received:57',
      '0 0 198.51.100.11:179 198.51.100.1:50001 cubic',
      '',
    ].join('\n');
    expect(parseSsBytes(text)).toEqual([
      { local: '[2001:db8:1::11]:41234', peer: '[2001:db8:1::1]:179', acked: 178301, received: 94 },
      { local: '198.51.100.11:179', peer: '198.51.100.1:50000', acked: 19, received: 57 },
      { local: '198.51.100.11:179', peer: '198.51.100.1:50001', acked: 0, received: 0 },
    ]);
  });
});
