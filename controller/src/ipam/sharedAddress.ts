/**
 * One held address and the Services on it. Once two or more share it, the (port, protocol) pairs they use are
 * indexed, so checking a newcomer costs O(its ports) however many Services are already there; most addresses have
 * one holder and skip that index, which is most of their memory.
 */
import type { IPAddress } from './ip';
import type { SharingConflict } from './reasons';
import type { ServicePort, ServiceRequest } from './service';
import { policyConflict, portId } from './sharing';

export class SharedAddress {
  private readonly holders = new Map<string, ServiceRequest>();
  /** portId → key of the Service using it; only while two or more Services hold the address. */
  private ports: Map<string, string> | undefined;

  constructor(
    readonly ip: IPAddress,
    /** Fixed while the address is held: every holder carries it (a Service alone may change it by re-holding). */
    readonly sharingKey: string | undefined,
  ) {}

  get size(): number {
    return this.holders.size;
  }

  /** Whether the port index exists (two or more holders); no answer shows it, so its tests read it here. */
  get indexesPorts(): boolean {
    return this.ports !== undefined;
  }

  serviceKeys(): string[] {
    return [...this.holders.keys()].sort();
  }

  add(svc: ServiceRequest): void {
    this.remove(svc.key);
    this.holders.set(svc.key, svc);
    if (this.holders.size === 2) {
      const ports = new Map<string, string>();
      for (const s of this.holders.values()) indexPorts(ports, s);
      this.ports = ports;
    } else if (this.ports) {
      indexPorts(this.ports, svc);
    }
  }

  remove(key: string): void {
    const svc = this.holders.get(key);
    if (!svc) return;
    this.holders.delete(key);
    if (this.holders.size < 2) {
      this.ports = undefined;
      return;
    }
    // Holders were admitted pairwise compatible, so each of the leaver's ports is indexed under the leaver alone.
    for (const p of svc.ports) this.ports?.delete(portId(p));
  }

  /**
   * Why `svc` may not hold this address next to the other holders, or undefined when it may. Its own entry is
   * ignored, so a Service that already holds the address is judged against the others only. Holders were admitted
   * pairwise compatible, so they agree on sharing key and traffic policy (and, if Local, on selector): comparing
   * against any one of them for those rules is comparing against all, and the refusal names all of them, sorted.
   */
  conflict(svc: ServiceRequest): SharingConflict | undefined {
    let other: ServiceRequest | undefined;
    for (const [key, s] of this.holders) {
      if (key !== svc.key) {
        other = s;
        break;
      }
    }
    if (!other) return undefined;
    const policy = policyConflict(svc, other, this.ip, () => this.serviceKeys().filter((k) => k !== svc.key));
    if (policy) return policy;
    for (const p of svc.ports) {
      const owner = this.ports ? this.ports.get(portId(p)) : this.soleUser(p, other);
      if (owner !== undefined && owner !== svc.key) {
        return { code: 'portConflict', holder: owner, ip: this.ip, port: p.port, protocol: p.protocol };
      }
    }
    return undefined;
  }

  private soleUser(p: ServicePort, holder: ServiceRequest): string | undefined {
    return holder.ports.some((q) => q.port === p.port && q.protocol === p.protocol) ? holder.key : undefined;
  }
}

function indexPorts(ports: Map<string, string>, svc: ServiceRequest): void {
  for (const p of svc.ports) ports.set(portId(p), svc.key);
}
