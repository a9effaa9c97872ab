/**
 * The pure allocator: which Service holds which external IPs, under one Config. No I/O: the controller feeds it
 * Service descriptions and turns its answers into status and Events. Every answer is all-or-nothing; a failed
 * assign leaves no half-assigned Service behind.
 */
import type { Config, IPFamily } from '@ironlb/shared/config';

/** The allocator reads the pools alone; the advertisements are the speakers' business. */
export interface PoolConfig {
  readonly pools: Config['pools'];
  /** Pools that exist but did not load, with their errors; absent: none. */
  readonly refusedPools?: Config['refusedPools'];
}
import { allFamilies, wantedFamilies, type WantedFamilies } from './families';
import { ipKey, sameIP, type IPAddress } from './ip';
import { PoolIndex } from './poolIndex';
import { byPreference, exclusionOf, mayUsePool } from './pools';
import type { AllocationWarning, PoolRefusal, Refusal, SharingConflict, StaleReason } from './reasons';
import { namespaceOf, sameServiceRequest, type ServiceRequest } from './service';
import { SharedAddress } from './sharedAddress';

export interface AssignSuccess {
  readonly ok: true;
  /** One per family, in the order of the Service's ipFamilies. */
  readonly ips: readonly IPAddress[];
  /** The pools the addresses came from, without repeats. */
  readonly pools: readonly string[];
  /** False when the Service already held exactly these addresses. */
  readonly changed: boolean;
  /** Worth a Warning Event although the Service got its addresses (pool fallback, an address kept after a pool edit). */
  readonly warnings: readonly AllocationWarning[];
}

export interface AssignFailure {
  readonly ok: false;
  /** Why; its words complete `Failed to allocate IP for "ns/name": ...` */
  readonly reason: Refusal;
  readonly warnings: readonly AllocationWarning[];
  /** Addresses the Service held before and no longer holds. */
  readonly released: readonly IPAddress[];
}

export type AssignResult = AssignSuccess | AssignFailure;

export type AdoptResult =
  | {
      readonly ok: true;
      readonly pools: readonly string[];
      /** Addresses the config no longer allows, adopted as kept: the warnings assign gives for them. */
      readonly warnings: readonly AllocationWarning[];
    }
  | { readonly ok: false; readonly reason: Refusal };

/** An address a Service keeps although the config no longer lets it have it; it moves on its next assign. */
export interface StaleAssignment {
  readonly key: string;
  readonly ip: IPAddress;
  readonly reason: StaleReason;
}

export interface PoolUsage {
  readonly pool: string;
  readonly family: IPFamily;
  readonly assigned: number;
  readonly available: bigint;
}

interface Holding {
  readonly service: ServiceRequest;
  readonly ips: readonly IPAddress[];
}

interface Pick {
  readonly ip: IPAddress;
  /** Absent for an address kept after a pool edit took it away. */
  readonly pool?: string;
}

type Plan = { ok: true; picks: Pick[] } | { ok: false; reason: Refusal };

/**
 * Where a Service may take addresses from: the pool it names, nowhere when the pool it names exists but is invalid
 * (it must not land in another pool), or every pool it may use.
 */
type Scope =
  | { readonly named: PoolIndex; readonly invalid?: undefined }
  | { readonly named?: undefined; readonly invalid: InvalidPool }
  | { readonly named?: undefined; readonly invalid?: undefined };

type InvalidPool = Extract<PoolRefusal, { code: 'poolInvalid' }>;

export class Allocator {
  private indexes = new Map<string, PoolIndex>();
  private refusedPools: NonNullable<PoolConfig['refusedPools']> = new Map();
  /** All pools, most preferred first. */
  private ordered: PoolIndex[] = [];
  private readonly services = new Map<string, Holding>();
  private readonly addresses = new Map<string, SharedAddress>();

  constructor(config: PoolConfig) {
    this.updateConfig(config);
  }

  /**
   * Gives the Service its addresses, or re-checks the ones it has: each address it holds is kept while the config
   * still allows it, it stays compatible with the other holders and it satisfies the request; otherwise it moves.
   */
  assign(svc: ServiceRequest): AssignResult {
    const prev = this.services.get(svc.key);
    const warnings: AllocationWarning[] = [];
    const plan = this.plan(svc, prev, warnings);
    if (!plan.ok) {
      const released = prev ? this.drop(svc.key, prev) : [];
      return { ok: false, reason: plan.reason, warnings, released };
    }
    const ips = plan.picks.map((p) => p.ip);
    this.commit(svc, prev, ips);
    const changed = !prev || prev.ips.length !== ips.length || prev.ips.some((ip, i) => !sameIP(ip, ips[i]));
    return { ok: true, ips, pools: poolNames(plan.picks), changed, warnings };
  }

  /** Frees the Service's addresses; returns them. */
  release(key: string): readonly IPAddress[] {
    const prev = this.services.get(key);
    return prev ? this.drop(key, prev) : [];
  }

  /**
   * Accepts addresses a Service already carries in its status (after a restart) without moving them, unless a Service
   * adopted earlier makes them incompatible (adopt the oldest first, so it wins). An address the config no longer
   * allows is adopted as kept, with the warning assign gives for it: a pool edit left it with the Service, and a
   * restart must give the answer the running controller gave; the Service's next assign moves it once another is free.
   */
  adopt(svc: ServiceRequest, ips: readonly IPAddress[]): AdoptResult {
    if (ips.length === 0) return { ok: false, reason: { code: 'nothingToAdopt' } };
    const families = wantedFamilies(svc);
    if ('error' in families) return { ok: false, reason: families.error };
    const wanted = allFamilies(families);
    const scope = this.scopeOf(svc);
    const picks: Pick[] = [];
    const warnings: KeptWarning[] = [];
    for (const ip of ips) {
      if (picks.some((p) => p.ip.family === ip.family)) {
        return { ok: false, reason: { code: 'tooManyAddresses', family: ip.family, requested: false } };
      }
      if (!wanted.includes(ip.family)) return { ok: false, reason: familyMismatch(ip, wanted) };
      const requested = svc.requestedIPs.find((r) => r.family === ip.family);
      if (requested && !sameIP(requested, ip)) {
        return { ok: false, reason: { code: 'notRequestedAddress', ip, requested } };
      }
      const conflict = this.conflictOn(ip, svc);
      if (conflict) return { ok: false, reason: conflict };
      const pool = this.allowedPool(ip, svc, scope);
      if (pool) picks.push({ ip, pool: pool.pool.name });
      else {
        picks.push({ ip });
        warnings.push({ code: 'keptAfterPoolEdit', ip, why: requested ? 'requested' : 'untilAnotherIsFree' });
      }
    }
    const order = (ip: IPAddress): number => svc.ipFamilies.indexOf(ip.family);
    picks.sort((a, b) => order(a.ip) - order(b.ip));
    warnings.sort((a, b) => order(a.ip) - order(b.ip));
    this.commit(
      svc,
      this.services.get(svc.key),
      picks.map((p) => p.ip),
    );
    return { ok: true, pools: poolNames(picks), warnings };
  }

  /**
   * Switches to a new config. Nobody loses an address here: those the new config no longer allows are reported,
   * so the controller can warn and re-assign them (they move once another address is free).
   */
  updateConfig(config: PoolConfig): StaleAssignment[] {
    this.indexes = new Map([...config.pools.values()].map((p) => [p.name, new PoolIndex(p)]));
    this.refusedPools = config.refusedPools ?? new Map();
    this.ordered = [...this.indexes.values()].sort((a, b) => byPreference(a.pool, b.pool));
    for (const a of this.addresses.values()) for (const idx of this.ordered) idx.add(a.ip, a.sharingKey);
    const stale: StaleAssignment[] = [];
    for (const [key, { service, ips }] of [...this.services].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const scope = this.scopeOf(service);
      for (const ip of ips) {
        if (!this.allowedPool(ip, service, scope)) stale.push({ key, ip, reason: { code: 'noLongerInPool', ip } });
      }
    }
    return stale;
  }

  /** Keys of the Services holding the address, sorted. */
  servicesOn(ip: IPAddress): string[] {
    return this.addresses.get(ipKey(ip))?.serviceKeys() ?? [];
  }

  addressesOf(key: string): readonly IPAddress[] {
    return this.services.get(key)?.ips ?? [];
  }

  /** How many Services hold addresses. */
  assignedServices(): number {
    return this.services.size;
  }

  /** Assigned and available addresses per pool and family (the IPAddressPool status), pools by name. */
  usage(): PoolUsage[] {
    return [...this.indexes.values()]
      .sort((a, b) => (a.pool.name < b.pool.name ? -1 : 1))
      .flatMap((idx) => idx.families().map((family) => ({ pool: idx.pool.name, family, ...idx.usage(family) })));
  }

  private plan(svc: ServiceRequest, prev: Holding | undefined, warnings: AllocationWarning[]): Plan {
    const families = wantedFamilies(svc);
    if ('error' in families) return { ok: false, reason: families.error };
    const scope = this.scopeOf(svc, warnings);
    // Only a config change can have made an address of an unchanged Service invalid: it keeps it until it can move.
    const unchanged = prev !== undefined && sameServiceRequest(prev.service, svc);
    const kept = (ip: IPAddress): boolean => unchanged && prev.ips.some((p) => sameIP(p, ip));
    const keep = (ip: IPAddress, why: Kept): Pick => {
      warnings.push({ code: 'keptAfterPoolEdit', ip, why });
      return { ip };
    };

    if (svc.requestedIPs.length > 0) return this.planRequested(svc, families, scope, kept, keep);

    const picks: Pick[] = [];
    for (const family of allFamilies(families)) {
      const held = prev?.ips.find((ip) => ip.family === family);
      const heldPool = held && this.allowedPool(held, svc, scope);
      if (held && heldPool && !this.conflictOn(held, svc)) {
        picks.push({ ip: held, pool: heldPool.pool.name });
        continue;
      }
      const found = this.search(family, svc, scope);
      if (found) picks.push(found);
      else if (held && !heldPool && kept(held)) picks.push(keep(held, 'untilAnotherIsFree'));
      else if (families.required.includes(family)) return { ok: false, reason: this.noneAvailable(family, svc, scope) };
    }
    return { ok: true, picks };
  }

  private planRequested(
    svc: ServiceRequest,
    families: WantedFamilies,
    scope: Scope,
    kept: (ip: IPAddress) => boolean,
    keep: (ip: IPAddress, why: Kept) => Pick,
  ): Plan {
    const wanted = allFamilies(families);
    const requested = [...svc.requestedIPs].sort((a, b) => wanted.indexOf(a.family) - wanted.indexOf(b.family));
    for (let i = 1; i < requested.length; i++) {
      if (requested[i].family === requested[i - 1].family) {
        return { ok: false, reason: { code: 'tooManyAddresses', family: requested[i].family, requested: true } };
      }
    }
    const stray = requested.find((ip) => !wanted.includes(ip.family));
    if (stray) return { ok: false, reason: familyMismatch(stray, wanted) };
    const missing = families.required.find((f) => !requested.some((ip) => ip.family === f));
    if (svc.ipFamilyPolicy === 'RequireDualStack' && missing) {
      return { ok: false, reason: { code: 'dualStackRequestIncomplete', family: missing } };
    }
    const picks: Pick[] = [];
    for (const ip of requested) {
      const pool = this.allowedPool(ip, svc, scope);
      if (!pool && !kept(ip)) return { ok: false, reason: this.notAllowed(ip, svc, scope) };
      const conflict = this.conflictOn(ip, svc);
      if (conflict) return { ok: false, reason: conflict };
      picks.push(pool ? { ip, pool: pool.pool.name } : keep(ip, 'requested'));
    }
    return { ok: true, picks };
  }

  /** The lowest usable address in the first pool, in order, that has one: free, or shared with compatible Services. */
  private search(family: IPFamily, svc: ServiceRequest, scope: Scope): Pick | undefined {
    for (const idx of this.candidatePools(family, svc, scope)) {
      const free = idx.lowestFree(family);
      let best = free;
      if (svc.sharingKey) {
        // Only addresses under the same key can be shared; the first compatible one below the free one wins.
        for (const value of idx.sharedAddresses(family, svc.sharingKey)) {
          if (free !== undefined && value > free) break;
          if (!this.conflictOn({ family, value }, svc)) {
            best = value;
            break;
          }
        }
      }
      if (best !== undefined) return { ip: { family, value: best }, pool: idx.pool.name };
    }
    return undefined;
  }

  private candidatePools(family: IPFamily, svc: ServiceRequest, scope: Scope): PoolIndex[] {
    if (scope.invalid) return [];
    const pools = scope.named ? [scope.named] : this.ordered.filter((idx) => idx.pool.autoAssign);
    return pools.filter((idx) => idx.hasFamily(family) && mayUsePool(idx.pool, svc));
  }

  private noneAvailable(family: IPFamily, svc: ServiceRequest, scope: Scope): PoolRefusal {
    if (scope.invalid) return scope.invalid;
    const requireDualStack = svc.ipFamilyPolicy === 'RequireDualStack';
    if (scope.named && !mayUsePool(scope.named.pool, svc)) {
      return { code: 'poolForbidden', pool: scope.named.pool.name, requireDualStack };
    }
    if (scope.named && !scope.named.hasFamily(family)) {
      return { code: 'poolLacksFamily', pool: scope.named.pool.name, family, requireDualStack };
    }
    const pools = this.candidatePools(family, svc, scope).map((p) => p.pool.name);
    if (pools.length === 0) return { code: 'noUsablePool', family, requireDualStack };
    return { code: 'poolExhausted', family, pools, requireDualStack };
  }

  /**
   * Why a requested (or held) address is not the Service's: the pool that has it and the rule that keeps the
   * Service out, or the named pool it is not in; `notInAnyPool` only when no pool has it at all.
   */
  private notAllowed(ip: IPAddress, svc: ServiceRequest, scope: Scope): Refusal {
    if (scope.invalid) return scope.invalid;
    // Pools do not overlap: at most one has the address in its ranges.
    const holder = this.ordered.find((idx) => idx.contains(ip));
    if (scope.named) {
      const named = scope.named.pool.name;
      if (!mayUsePool(scope.named.pool, svc)) return { code: 'poolForbidden', pool: named, requireDualStack: false };
      if (holder === undefined) return { code: 'notInNamedPool', ip, pool: named };
      if (holder !== scope.named) return { code: 'inOtherPool', ip, named, pool: holder.pool.name };
    }
    if (holder === undefined) return { code: 'notInAnyPool', ip };
    const pool = holder.pool;
    if (!holder.offers(ip)) return { code: 'buggyIPAvoided', ip, pool: pool.name };
    // The pool offers the address (allowedPool found none the Service may use): its serviceAllocation keeps it out.
    const allocation = pool.serviceAllocation;
    if (exclusionOf(pool, svc) === 'namespace' && allocation) {
      const { namespaces, namespaceSelectors } = allocation;
      return {
        code: 'namespaceNotAdmitted',
        ip,
        pool: pool.name,
        namespace: namespaceOf(svc.key),
        namespaces,
        namespaceSelectors,
      };
    }
    return { code: 'serviceNotSelected', ip, pool: pool.name, serviceSelectors: allocation?.serviceSelectors ?? [] };
  }

  /** The pool, in order of preference, that hands out `ip` to this Service; autoAssign does not matter here. */
  private allowedPool(ip: IPAddress, svc: ServiceRequest, scope: Scope): PoolIndex | undefined {
    if (scope.invalid) return undefined;
    const pools = scope.named ? [scope.named] : this.ordered;
    return pools.find((idx) => idx.offers(ip) && mayUsePool(idx.pool, svc));
  }

  /** A pool that does not exist falls back to the auto-assign pools, with a warning; one that is invalid does not. */
  private scopeOf(svc: ServiceRequest, warnings?: AllocationWarning[]): Scope {
    const pool = svc.requestedPool;
    if (pool === undefined) return {};
    const named = this.indexes.get(pool);
    if (named) return { named };
    const errors = this.refusedPools.get(pool);
    if (errors) return { invalid: { code: 'poolInvalid', pool, errors } };
    warnings?.push({ code: 'poolMissing', pool });
    return {};
  }

  /** Why `svc` may not join the holders of `ip`; undefined when it may, or when nobody holds it. */
  private conflictOn(ip: IPAddress, svc: ServiceRequest): SharingConflict | undefined {
    return this.addresses.get(ipKey(ip))?.conflict(svc);
  }

  private commit(svc: ServiceRequest, prev: Holding | undefined, ips: readonly IPAddress[]): void {
    if (prev) for (const ip of prev.ips) this.unhold(ip, svc.key);
    for (const ip of ips) this.hold(ip, svc);
    this.services.set(svc.key, { service: svc, ips });
  }

  private drop(key: string, prev: Holding): readonly IPAddress[] {
    for (const ip of prev.ips) this.unhold(ip, key);
    this.services.delete(key);
    return prev.ips;
  }

  private hold(ip: IPAddress, svc: ServiceRequest): void {
    const k = ipKey(ip);
    let a = this.addresses.get(k);
    if (!a) {
      // An empty key is no key: it must not index the address as shareable.
      a = new SharedAddress(ip, svc.sharingKey || undefined);
      this.addresses.set(k, a);
      for (const idx of this.ordered) idx.add(ip, a.sharingKey);
    }
    a.add(svc);
  }

  private unhold(ip: IPAddress, key: string): void {
    const k = ipKey(ip);
    const a = this.addresses.get(k);
    if (!a) return;
    a.remove(key);
    if (a.size > 0) return;
    this.addresses.delete(k);
    for (const idx of this.ordered) idx.remove(ip, a.sharingKey);
  }
}

const poolNames = (picks: readonly Pick[]): string[] => [
  ...new Set(picks.flatMap((p) => (p.pool === undefined ? [] : [p.pool]))),
];

type KeptWarning = Extract<AllocationWarning, { code: 'keptAfterPoolEdit' }>;
/** Why a pool edit left the Service an address it keeps anyway. */
type Kept = KeptWarning['why'];

const familyMismatch = (ip: IPAddress, wanted: readonly IPFamily[]): Refusal => ({
  code: 'familyMismatch',
  ip,
  families: [...wanted],
});
