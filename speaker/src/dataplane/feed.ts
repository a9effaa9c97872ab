/**
 * Where the speaker loop hands the dataplane what it serves: after every plan, the IPs the modes report live, with
 * the cached Services and EndpointSlices. Parsing is memoised per object (the cache replaces an object when it
 * changes, so identity stands for content), the plan is made and handed to the sync, and its problems are logged
 * when they change.
 */
import type { ParsedIP } from '@ironlb/shared';
import { dataplaneEndpointsOf, dataplaneServiceOf } from './input';
import { DataplanePlanner, problemText } from './plan';
import type { DataplaneEndpoint, DataplanePlan, DataplaneService } from './types';

export interface PlanSink {
  update(plan: DataplanePlan): void;
}

type Log = { warn(o: object, msg: string): void };

export type Served = ReadonlyMap<string, { readonly ip: ParsedIP; readonly services: readonly string[] }>;

export class DataplaneFeed {
  private readonly services = new WeakMap<object, DataplaneService | undefined>();
  private readonly slices = new WeakMap<object, DataplaneEndpoint[]>();
  private readonly planner = new DataplanePlanner();
  /** Per Service, the slices its endpoints came from last time and the list made of them. */
  private merged = new Map<string, { readonly slices: readonly object[]; readonly endpoints: DataplaneEndpoint[] }>();
  private lastProblems: readonly string[] = [];

  constructor(
    private readonly sink: PlanSink,
    private readonly node: string,
    private readonly lbClass: string,
    private readonly log: Log,
  ) {}

  update(served: Served, services: Iterable<object>, slices: Iterable<object>): DataplanePlan {
    const byKey = new Map<string, DataplaneService>();
    for (const s of services) {
      if (!this.services.has(s)) this.services.set(s, dataplaneServiceOf(s, this.lbClass));
      const v = this.services.get(s);
      if (v) byKey.set(v.key, v);
    }
    const bySvc = new Map<string, { slices: object[]; endpoints: DataplaneEndpoint[][] }>();
    for (const s of slices) {
      let eps = this.slices.get(s);
      if (!eps) this.slices.set(s, (eps = dataplaneEndpointsOf(s)));
      // A slice belongs to one Service (its service-name label); an empty one adds nothing.
      if (eps.length === 0) continue;
      const group = bySvc.get(eps[0].service);
      if (group) {
        group.slices.push(s);
        group.endpoints.push(eps);
      } else bySvc.set(eps[0].service, { slices: [s], endpoints: [eps] });
    }
    // The same slices give the same list object, so the planner knows the Service's endpoints did not change.
    const merged = new Map<string, { readonly slices: readonly object[]; readonly endpoints: DataplaneEndpoint[] }>();
    const endpoints = new Map<string, DataplaneEndpoint[]>();
    for (const [svc, group] of bySvc) {
      const last = this.merged.get(svc);
      const list = group.slices;
      const same =
        last !== undefined && last.slices.length === list.length && last.slices.every((x, i) => x === list[i]);
      const entry = same ? last : { slices: list, endpoints: group.endpoints.flat() };
      merged.set(svc, entry);
      endpoints.set(svc, entry.endpoints);
    }
    this.merged = merged;
    const plan = this.planner.plan({ node: this.node, served, services: byKey, endpoints });
    const problems = plan.problems.map(problemText);
    const last = this.lastProblems;
    if (problems.length !== last.length || problems.some((p, i) => p !== last[i])) {
      for (const p of plan.problems)
        this.log.warn({ service: 'service' in p ? p.service : p.kept, problem: p.code }, problemText(p));
      this.lastProblems = problems;
    }
    this.sink.update(plan);
    return plan;
  }
}
