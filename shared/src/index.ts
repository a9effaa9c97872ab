export { BITS, formatIP, isIPv4Mapped, mustParseIP, parseIP, type IPFamily, type ParsedIP } from './ip/ip';
export type { LeaseRecord, LeaseStore, StoredLease } from './lease';
export { configGauges, serveDaemonPort, type ConfigGauges, type MetricsLog, type NotReady } from './metrics';
export { rng } from './rng';
export { errorText } from './errorText';
export { HEARTBEAT_ACCEPT_KEY, HEARTBEAT_KEY, HEARTBEAT_KEY_BYTES, HEARTBEAT_SECRET } from './heartbeatSecret';
