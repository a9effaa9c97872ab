/** A coordination.k8s.io Lease as both daemons use it: the controller to elect a leader, speakers as a liveness signal. */

/** The part of a Lease's spec the election reads and writes. */
export interface LeaseRecord {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  /** Milliseconds since the epoch. */
  readonly acquireTime: number;
  readonly renewTime: number;
  readonly leaseTransitions: number;
}

/** A Lease as read: its record and the resourceVersion an update must carry (optimistic concurrency). */
export interface StoredLease {
  readonly record: LeaseRecord;
  readonly resourceVersion: string;
}

/** The Lease object in the API; `false` from create or update means another replica wrote first. */
export interface LeaseStore {
  get(): Promise<StoredLease | undefined>;
  create(record: LeaseRecord): Promise<boolean>;
  update(record: LeaseRecord, resourceVersion: string): Promise<boolean>;
}
