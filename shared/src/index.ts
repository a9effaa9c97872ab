export { BITS, formatIP, isIPv4Mapped, mustParseIP, parseIP, type IPFamily, type ParsedIP } from './ip/ip';
export type { LeaseRecord, LeaseStore, StoredLease } from './lease';
export { serveMetrics, type MetricsLog } from './metrics';
export { rng } from './rng';
export { errorText } from './errorText';
