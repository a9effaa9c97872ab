/**
 * The three places where the sibling modules plug into the server core. Each seam is small and typed: the full
 * implementations (kube/validation, kube/patch, kube/api) plug in through wiring.ts, and tests may pass their own.
 */
import type { ResourceInfo } from '../api/registry';
import type { ResourceStrategy } from '../strategy';
import type { Json, JsonObject, KubeObject, StatusCause } from '../types';

/** A ResourceStrategy that may also know the /status subresource and how stored objects are read back. */
export interface ServerStrategy extends ResourceStrategy {
  /**
   * Decode-time defaulting (SetDefaults_*, custom resource pruning and schema defaults). The server runs it before
   * recording managedFields, because the real server's field manager sees the decoded object: the writer owns the
   * defaults (010's sessionAffinity, 081's autoAssign) but not what prepareCreate/prepareUpdate allocate. Absent:
   * nothing to do.
   */
  decodeDefaults?(obj: KubeObject): void;
  /**
   * Kinds whose storage another API's resource shares (events.k8s.io Events are stored as core Events, 063): the
   * stored form of an object written through this API, and this API's form of a stored one. Absent: stored as sent.
   */
  toStorage?(obj: KubeObject): KubeObject;
  fromStorage?(obj: KubeObject): KubeObject;
  /** /status writes: decode-time defaults that reach status. Absent: nothing to do. */
  prepareStatusUpdate?(obj: KubeObject, old: KubeObject): void;
  /** /status writes: a non-empty list becomes 422 Invalid. Absent: no checks. */
  validateStatusUpdate?(obj: KubeObject, old: KubeObject): StatusCause[];
}

/** (1) Defaulting, validation and allocation per resource (kube/validation). */
export interface StrategyProvider {
  /** The strategy of a resource; `info.crd` is set for custom resources. Called per request: cache inside. */
  forResource(group: string, resource: string, info: ResourceInfo): ServerStrategy;
  /** A CRD was established/changed (`removed` false) or deleted: custom-resource strategies built from it are stale. */
  crdChanged?(crd: KubeObject, removed: boolean): void;
}

export interface ApplyRequest {
  /** The field manager (`fieldManager` query parameter; required for apply). */
  manager: string;
  force: boolean;
  /** The endpoint's apiVersion (`v1`, `apps/v1`, `example.io/v1beta1`). */
  apiVersion: string;
  subresource?: string;
  /** RFC 3339 time, seconds precision, for managedFields entries. */
  now: string;
  info: ResourceInfo;
  /** For custom resources: the CRD (its schema drives list and map semantics). */
  crd?: KubeObject;
}

export interface ApplyOutcome {
  object: KubeObject;
  /** false when neither the object nor its managedFields changed: the server skips the write. */
  changed: boolean;
}

/** (2) Patch semantics and managedFields (kube/patch). Every method may throw a StatusError. */
export interface Patcher {
  /** application/merge-patch+json (RFC 7386). */
  merge(target: JsonObject, patch: Json): JsonObject;
  /** application/json-patch+json (RFC 6902). */
  json(target: JsonObject, ops: Json): JsonObject;
  /** application/strategic-merge-patch+json; `crd` set for custom resources (the server refuses SMP on them). */
  strategic(target: JsonObject, patch: Json, info: ResourceInfo, crd?: KubeObject): JsonObject;
  /** application/apply-patch+yaml: `live` undefined when the object does not exist yet (apply creates it). */
  apply(live: KubeObject | undefined, appliedText: string, opts: ApplyRequest): ApplyOutcome;
  /** Records an Update operation in managedFields; returns the object to store (may be `obj` itself). */
  recordUpdate(
    old: KubeObject | undefined,
    obj: KubeObject,
    manager: string,
    apiVersion: string,
    subresource: string | undefined,
    now: string,
    info?: ResourceInfo,
    crd?: KubeObject,
  ): KubeObject;
}

/** One HTTP answer a presenter builds: body is JSON (serialized by the server) or already-encoded text. */
export interface PresentedAnswer {
  status: number;
  contentType: string;
  body: Json | string;
  headers?: Record<string, string>;
}

export interface TableRequest {
  /** `includeObject` query parameter: the server's default is Metadata. */
  includeObject: 'None' | 'Metadata' | 'Object';
  /** Watch events after the first carry no column definitions, as the real server sends them. */
  noHeaders: boolean;
  now: Date;
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
  /** For custom resources: the CRD (additionalPrinterColumns). */
  crd?: KubeObject;
  /** The raw Accept header (Table v1 or v1beta1). */
  accept?: string;
}

/** What the presenter can see of the server: the routable resources and the established CRDs. */
export interface PresenterView {
  resources(): readonly ResourceInfo[];
  crds(): readonly KubeObject[];
}

/** (3) Discovery, OpenAPI and Table answers (kube/api). */
export interface Presenter {
  /**
   * /api, /apis, /apis/<g>, /api/v1, /apis/<g>/<v> (GET without a resource) and /openapi/*: the answer, or
   * undefined when the path is not a discovery or OpenAPI path (the server then routes it to resources).
   */
  discovery(
    path: string,
    query: URLSearchParams,
    accept: string | undefined,
    view: PresenterView,
  ): PresentedAnswer | undefined;
  /** A list (or, for a single GET, one object) as a meta.k8s.io Table. */
  table(info: ResourceInfo, objects: readonly KubeObject[], req: TableRequest): JsonObject;
}
