/**
 * The edge to the API server both daemons use: where it is (kubeconfig or service account), a small JSON client over
 * one keep-alive agent, restarting list+watch, Events, Leases, our lists. client-node is used for its types only, so
 * its runtime (and its memory) is never loaded.
 */
export { ApiError, KubeClient, MERGE_PATCH, type RequestOptions, type WatchEvent, type WatchStream } from './client';
export { errorText, statusCodeOf, timeOf } from './values';
export { eventFor, type ServiceEvent } from './events';
export { fromKubeconfig, inCluster, loadClusterAccess, type ClusterAccess } from './kubeconfig';
export { watchForever, type WatchHandlers, type WatchOptions, type Watching } from './watch';
export { LAST_APPLIED, stripBookkeeping, trimEndpointSlice, trimNode } from './trim';
export { apiLeaseStore } from './lease';
export { customPath, GROUP, listCustom, VERSION } from './custom';
export { NamespacedApi } from './namespacedApi';
