import { parseOptions } from './main';

describe('parseOptions: --bgp-port', () => {
  it('is 179 unless given; 0 means no listening socket', () => {
    expect(parseOptions(['node', 'ironlb-speaker', '--node-name', 'node1']).bgpPort).toBe(179);
    expect(parseOptions(['node', 'ironlb-speaker', '--node-name', 'node1', '--bgp-port', '0']).bgpPort).toBe(0);
    expect(parseOptions(['node', 'ironlb-speaker', '--node-name', 'node1', '--bgp-port', '1179']).bgpPort).toBe(1179);
  });
});
