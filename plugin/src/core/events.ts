/** The Events about one Service, in time order, as the facts explain reads them. */
import { list, metaOf, rec, str, timeOf, type RawObject } from './raw';

export interface ServiceEventFact {
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  /** Who wrote it: `ironlb-controller`, `ironlb-speaker`. */
  readonly component: string;
  /** The last time it happened, ms since the epoch. */
  readonly at?: number;
  readonly count: number;
}

/** The Event's last occurrence: lastTimestamp, else eventTime, else firstTimestamp, else when it was created. */
const lastTime = (e: RawObject): number | undefined =>
  timeOf(e.lastTimestamp) ?? timeOf(e.eventTime) ?? timeOf(e.firstTimestamp) ?? timeOf(metaOf(e).creationTimestamp);

/** Events whose involvedObject is this Service (and this incarnation of it, when both carry a uid), oldest first. */
export function eventsAbout(events: readonly unknown[], svc: RawObject): ServiceEventFact[] {
  const meta = metaOf(svc);
  const uid = str(meta.uid);
  const about = list(events)
    .map(rec)
    .filter((e) => {
      const o = rec(e.involvedObject);
      const ouid = str(o.uid);
      return (
        o.kind === 'Service' &&
        o.name === meta.name &&
        (str(o.namespace) ?? 'default') === (str(meta.namespace) ?? 'default') &&
        (uid === undefined || ouid === undefined || uid === ouid)
      );
    })
    .map((e, i) => ({ e, i, at: lastTime(e) }));
  // Stable: Events with the same second keep the order the API listed them in (their creation order).
  about.sort((a, b) => (a.at ?? 0) - (b.at ?? 0) || a.i - b.i);
  return about.map(({ e, at }) => ({
    type: str(e.type) ?? '',
    reason: str(e.reason) ?? '',
    message: str(e.message) ?? '',
    component: str(rec(e.source).component) ?? str(e.reportingComponent) ?? '',
    ...(at === undefined ? {} : { at }),
    count: typeof e.count === 'number' ? e.count : 1,
  }));
}
