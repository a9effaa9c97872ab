/** Pure codecs of the layer-2 speaker: Ethernet II, ARP (RFC 826/5227), IPv6 Neighbor Discovery (RFC 4861). */
export * from './arp';
export * from './ethernet';
export * from './ignored';
export * from './ipv6';
export * from './mac';
export * from './ndp';
