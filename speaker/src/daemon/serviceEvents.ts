/**
 * Events on Services, written as the API expects them (involvedObject from the cached Service). Modes raise their
 * own Events through the ServiceEventSink (layer 2's L2Conflict); the loop's nodeAssigned Events go through create.
 */
import type { Logger } from 'pino';
import { errorText, eventFor, type ServiceEvent } from '@ironlb/shared/k8s';
import type { ServiceEventSink } from '../mode/mode';
import type { ClusterCache } from './cache';
import type { SpeakerApi } from './speakerApi';

export const COMPONENT = 'ironlb-speaker';

export class ServiceEvents implements ServiceEventSink {
  constructor(
    private readonly api: SpeakerApi,
    private readonly cache: ClusterCache,
    private readonly log: Logger,
  ) {}

  /** Creates the Event; false when the Service is not (or no longer) known. Throws what the API throws. */
  async create(service: string, event: ServiceEvent): Promise<boolean> {
    const svc = this.cache.service(service);
    if (!svc) return false;
    await this.api.createEvent(eventFor(COMPONENT, svc, event));
    return true;
  }

  emit(service: string, event: ServiceEvent): void {
    this.create(service, event).catch((e: unknown) =>
      this.log.error({ service, reason: event.reason, err: errorText(e) }, 'Event failed'),
    );
  }
}
