export * from './allocator';
export { formatEndpoint, formatIP, parseIP, sameIP, type IPAddress } from './ip';
export * from './reasons';
export type { IPFamilyPolicy, Labels, Protocol, ServicePort, ServiceRequest, TrafficPolicy } from './service';
