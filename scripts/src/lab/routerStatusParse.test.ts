import { birdIsUp, parseBirdProtocols, parseFrrNeighbors, parseGobgpNeighbors } from './routerStatusParse';

// Trimmed from the real outputs of BIRD 2.0.12, FRR 8.4 and GoBGP 3.10 in a lab.
const birdProtocols = `BIRD 2.0.12 ready.
Name       Proto      Table      State  Since         Info
device1    Device     ---        up     07:15:44.058
kernel4    Kernel     master4    up     07:15:44.058
node1      BGP        ---        up     07:22:56.120  Established
  BGP state:          Established
    Neighbor address: 198.51.100.11
    Neighbor AS:      64513
  Channel ipv4
    State:          UP
node1_v6   BGP        ---        start  07:15:44.058  Passive
  BGP state:          Passive
    Neighbor address: 2001:db8:1::11
`;

describe('router status parsers', () => {
  test('BIRD', () => {
    expect(birdIsUp('BIRD 2.0.12\nDaemon is up and running\n')).toBe(true);
    expect(birdIsUp('Unable to connect to server control socket')).toBe(false);
    expect(parseBirdProtocols(birdProtocols)).toEqual([
      { name: 'node1', neighbor: '198.51.100.11', state: 'Established', established: true, info: 'Established' },
      { name: 'node1_v6', neighbor: '2001:db8:1::11', state: 'Passive', established: false, info: 'Passive' },
    ]);
  });

  test('FRR', () => {
    const json = JSON.stringify({
      '198.51.100.11': { remoteAs: 64513, nbrDesc: 'node1', bgpState: 'Established' },
      '198.51.100.12': { remoteAs: 64513, bgpState: 'Active' },
    });
    expect(parseFrrNeighbors(json)).toEqual([
      { name: 'node1', neighbor: '198.51.100.11', state: 'Established', established: true, info: 'Established' },
      { name: '198.51.100.12', neighbor: '198.51.100.12', state: 'Active', established: false, info: 'Active' },
    ]);
  });

  test('GoBGP', () => {
    const json = JSON.stringify([
      { conf: { neighbor_address: '198.51.100.11', description: 'node1' }, state: { session_state: 6 } },
      { conf: { neighbor_address: '198.51.100.12' }, state: { session_state: 3 } },
    ]);
    expect(parseGobgpNeighbors(json).map((s) => [s.name, s.state, s.established])).toEqual([
      ['node1', 'Established', true],
      ['198.51.100.12', 'Active', false],
    ]);
    expect(() => parseGobgpNeighbors('{}')).toThrow();
  });
});
