/**
 * The edge to the API server both daemons use. A separate entry (`@ironlb/shared/k8s`) because client-node is an ES
 * module: code that only needs IP parsing, and the jest tests that load it, never load client-node.
 */
export { keepAliveClients, type ApiClientFactory } from './apiClients';
export { errorText, statusCodeOf } from './errors';
export { eventFor, eventsSignature, type ServiceEvent } from './events';
export { watchForever, type WatchHandlers, type Watching } from './watch';
export { apiLeaseStore } from './lease';
export { customPath, GROUP, listCustom, mergePatch, VERSION } from './custom';
export { NamespacedApi } from './namespacedApi';
