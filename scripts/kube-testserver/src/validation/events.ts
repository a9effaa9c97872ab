import type { KubeObject, StatusCause } from '../types';
import { defineKind, type KindStrategy } from './base';
import { FIELD_IMMUTABLE, invalidValue, required, type GoValue } from './fielderrors';
import { asNum, asObj, asStr, deepEqual, isObj, type Obj } from './json';
import {
  isDNS1123Subdomain,
  isQualifiedName,
  nameIsDNSSubdomain,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './meta';

/**
 * Events live once in storage and are served by two APIs: core/v1 and events.k8s.io/v1 (062/063). Storage keeps the
 * core form; the two conversions below produce each API's shape, including the zero values Go always prints
 * (`eventTime: null`, `reportingComponent: ""`, `deprecatedSource: {}`).
 */

const REASON_LIMIT = 128;
const ACTION_LIMIT = 128;
const INSTANCE_LIMIT = 128;
const NOTE_LIMIT = 1024;

/** MicroTime as the server prints it: six fractional digits. */
export function formatMicroTime(v: unknown): unknown {
  if (typeof v !== 'string' || v === '') return v;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return v;
  const frac = /\.(\d+)/.exec(v)?.[1] ?? '';
  const micros = (frac + '000000').slice(0, 6);
  return `${d.toISOString().slice(0, 19)}.${micros}Z`;
}

/** metav1.Time: whole seconds. */
export function formatTime(v: unknown): unknown {
  if (typeof v !== 'string' || v === '') return v;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? v : `${d.toISOString().slice(0, 19)}Z`;
}

const orNull = (v: unknown): unknown => (v === undefined || v === '' ? null : v);
const omitEmpty = (o: Obj, k: string, v: unknown): void => {
  if (v !== undefined && v !== null && v !== '' && v !== 0) o[k] = v;
};

function series(v: unknown): Obj | undefined {
  const s = asObj(v);
  if (!s) return undefined;
  const out: Obj = {};
  if (s.count !== undefined) out.count = s.count;
  out.lastObservedTime = orNull(formatMicroTime(s.lastObservedTime));
  return out;
}

/** The core/v1 shape, fields in Go struct order, zero values as Go prints them. */
export function canonicalCoreEvent(e: Obj): KubeObject {
  const out: Obj = { kind: 'Event', apiVersion: 'v1', metadata: e.metadata ?? {} };
  out.involvedObject = asObj(e.involvedObject) ?? {};
  omitEmpty(out, 'reason', e.reason);
  omitEmpty(out, 'message', e.message);
  out.source = asObj(e.source) ?? {};
  out.firstTimestamp = orNull(formatTime(e.firstTimestamp));
  out.lastTimestamp = orNull(formatTime(e.lastTimestamp));
  omitEmpty(out, 'count', e.count);
  omitEmpty(out, 'type', e.type);
  out.eventTime = orNull(formatMicroTime(e.eventTime));
  const s = series(e.series);
  if (s) out.series = s;
  omitEmpty(out, 'action', e.action);
  if (e.related) out.related = e.related;
  out.reportingComponent = asStr(e.reportingComponent) ?? '';
  out.reportingInstance = asStr(e.reportingInstance) ?? '';
  return out as unknown as KubeObject;
}

/** The events.k8s.io/v1 shape (062). */
export function canonicalEventV1(e: Obj): KubeObject {
  const out: Obj = { kind: 'Event', apiVersion: 'events.k8s.io/v1', metadata: e.metadata ?? {} };
  out.eventTime = orNull(formatMicroTime(e.eventTime));
  const s = series(e.series);
  if (s) out.series = s;
  omitEmpty(out, 'reportingController', e.reportingController);
  omitEmpty(out, 'reportingInstance', e.reportingInstance);
  omitEmpty(out, 'action', e.action);
  omitEmpty(out, 'reason', e.reason);
  out.regarding = asObj(e.regarding) ?? {};
  if (e.related) out.related = e.related;
  omitEmpty(out, 'note', e.note);
  omitEmpty(out, 'type', e.type);
  out.deprecatedSource = asObj(e.deprecatedSource) ?? {};
  out.deprecatedFirstTimestamp = orNull(formatTime(e.deprecatedFirstTimestamp));
  out.deprecatedLastTimestamp = orNull(formatTime(e.deprecatedLastTimestamp));
  omitEmpty(out, 'deprecatedCount', e.deprecatedCount);
  return out as unknown as KubeObject;
}

export function eventV1ToCore(obj: KubeObject): KubeObject {
  const e = obj as unknown as Obj;
  return canonicalCoreEvent({
    metadata: e.metadata,
    involvedObject: e.regarding,
    reason: e.reason,
    message: e.note,
    source: e.deprecatedSource,
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    count: e.deprecatedCount,
    type: e.type,
    eventTime: e.eventTime,
    series: e.series,
    action: e.action,
    related: e.related,
    reportingComponent: e.reportingController,
    reportingInstance: e.reportingInstance,
  });
}

export function coreToEventV1(obj: KubeObject): KubeObject {
  const e = obj as unknown as Obj;
  return canonicalEventV1({
    metadata: e.metadata,
    eventTime: e.eventTime,
    series: e.series,
    reportingController: e.reportingComponent,
    reportingInstance: e.reportingInstance,
    action: e.action,
    reason: e.reason,
    regarding: e.involvedObject,
    related: e.related,
    note: e.message,
    type: e.type,
    deprecatedSource: e.source,
    deprecatedFirstTimestamp: e.firstTimestamp,
    deprecatedLastTimestamp: e.lastTimestamp,
    deprecatedCount: e.count,
  });
}

type EventAPI = 'v1' | 'events.k8s.io/v1';

/**
 * legacyValidateEvent + ValidateEventCreate, on the core form. Field paths are the core ones even for
 * events.k8s.io requests (the real server validates its internal type), except reportingController, whose name
 * depends on the API.
 */
export function validateCoreEvent(e: Obj, api: EventAPI): StatusCause[] {
  const causes: StatusCause[] = [];
  const meta = asObj(e.metadata) ?? {};
  const namespace = asStr(meta.namespace) ?? '';
  const involved = asObj(e.involvedObject) ?? {};
  const involvedNs = asStr(involved.namespace) ?? '';
  const mismatch = (): StatusCause =>
    invalidValue('involvedObject.namespace', involvedNs, 'does not match event.namespace');
  const rc = api === 'v1' ? 'reportingComponent' : 'reportingController';
  const hasEventTime = e.eventTime !== null && e.eventTime !== undefined && e.eventTime !== '';
  if (!hasEventTime) {
    if (!involvedNs) {
      if (namespace !== '' && namespace !== 'default') causes.push(mismatch());
    } else if (namespace !== involvedNs) causes.push(mismatch());
  } else {
    if (!involvedNs && namespace !== 'default' && namespace !== 'kube-system') causes.push(mismatch());
    const controller = asStr(e.reportingComponent) ?? '';
    if (!controller) causes.push(required(rc));
    for (const m of isQualifiedName(controller)) causes.push(invalidValue(rc, controller, m));
    const instance = asStr(e.reportingInstance) ?? '';
    if (!instance) causes.push(required('reportingInstance'));
    if (instance.length > INSTANCE_LIMIT)
      causes.push(invalidValue('reportingInstance', '', `can have at most ${INSTANCE_LIMIT} characters`));
    const action = asStr(e.action) ?? '';
    if (!action) causes.push(required('action'));
    if (action.length > ACTION_LIMIT)
      causes.push(invalidValue('action', '', `can have at most ${ACTION_LIMIT} characters`));
    const reason = asStr(e.reason) ?? '';
    if (!reason) causes.push(required('reason'));
    if (reason.length > REASON_LIMIT)
      causes.push(invalidValue('reason', '', `can have at most ${REASON_LIMIT} characters`));
    if ((asStr(e.message) ?? '').length > NOTE_LIMIT)
      causes.push(invalidValue('message', '', `can have at most ${NOTE_LIMIT} characters`));
  }
  for (const m of isDNS1123Subdomain(namespace)) causes.push(invalidValue('namespace', namespace, m));
  if (api === 'v1') return causes;

  // Strict rules for the events.k8s.io API.
  causes.push(...validateObjectMeta(meta, { namespaced: true, name: nameIsDNSSubdomain }));
  const s = asObj(e.series);
  if (s) {
    if ((asNum(s.count) ?? 0) < 2) causes.push(invalidValue('series.count', '', 'should be at least 2'));
    if (!s.lastObservedTime) causes.push(required('series.lastObservedTime'));
  }
  if (!hasEventTime) causes.push(required('eventTime'));
  const type = asStr(e.type) ?? '';
  if (type !== 'Normal' && type !== 'Warning') causes.push(invalidValue('type', '', `has invalid value: ${type}`));
  if (e.firstTimestamp) causes.push(invalidValue('firstTimestamp', '', 'needs to be unset'));
  if (e.lastTimestamp) causes.push(invalidValue('lastTimestamp', '', 'needs to be unset'));
  if (e.count) causes.push(invalidValue('count', '', 'needs to be unset'));
  const source = asObj(e.source) ?? {};
  if (source.component || source.host) causes.push(invalidValue('source', '', 'needs to be unset'));
  return causes;
}

function validateEventUpdate(e: Obj, old: Obj, api: EventAPI): StatusCause[] {
  const causes = validateCoreEvent(e, api);
  if (api === 'v1') return causes;
  causes.push(...validateObjectMetaUpdate(e.metadata, old.metadata));
  for (const k of [
    'involvedObject',
    'reason',
    'message',
    'source',
    'firstTimestamp',
    'lastTimestamp',
    'count',
    'action',
    'related',
    'reportingComponent',
    'reportingInstance',
    'type',
  ]) {
    if (!deepEqual(e[k] ?? null, old[k] ?? null)) {
      const v = e[k];
      causes.push(invalidValue(k, (isObj(v) ? null : (v ?? null)) as GoValue, FIELD_IMMUTABLE));
    }
  }
  return causes;
}

const toCore = (o: Obj, api: EventAPI): Obj =>
  (api === 'v1' ? canonicalCoreEvent(o) : eventV1ToCore(o as unknown as KubeObject)) as unknown as Obj;

/**
 * One strategy per API. The object passed in is in that API's shape; defaults bring it to the canonical shape of
 * that API (so the create answer matches 060/062), validation runs on the core form.
 */
export function eventStrategy(api: EventAPI): KindStrategy {
  const canonical = (o: Obj): void => {
    const c = (api === 'v1' ? canonicalCoreEvent(o) : canonicalEventV1(o)) as unknown as Obj;
    for (const k of Object.keys(o)) delete o[k];
    Object.assign(o, c);
  };
  const strategy = defineKind({
    namespaced: true,
    name: nameIsDNSSubdomain,
    // Core events accept any name (legacy); events.k8s.io validates metadata itself in validateCoreEvent.
    skipMeta: true,
    defaults: canonical,
    validate: (o) => validateCoreEvent(toCore(o, api), api),
    validateUpdate: (o, old) => validateEventUpdate(toCore(o, api), toCore(old, api), api),
  });
  return api === 'v1' ? strategy : { ...strategy, toStorage: eventV1ToCore, fromStorage: coreToEventV1 };
}
