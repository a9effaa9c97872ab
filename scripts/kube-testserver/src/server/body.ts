/**
 * Request bodies, parsed into typed values at the edge: objects for create/update (JSON or YAML), patches by
 * content type, DeleteOptions. Malformed input answers 400 with the real server's wording.
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { ResourceInfo } from '../api/registry';
import { StatusError, badRequest } from '../errors';
import type { Json, KubeObject } from '../types';
import { isObject } from './json';
import { decodeProtobufObject } from './protobuf';
import type { DeleteOptions, PatchType } from './rest';

/** The real server's request body limit (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY_BYTES) {
      throw new StatusError(413, 'BadRequest', `Request entity too large: limit is ${MAX_BODY_BYTES}`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

const mediaType = (contentType: string | undefined): string => (contentType ?? '').split(';')[0].trim().toLowerCase();

/** Go's encoding/json wording for the common syntax errors. */
export function goJsonError(text: string, e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/end of (JSON|data)/i.test(msg) || text.trim() === '') return 'unexpected end of JSON input';
  const pos = /position (\d+)/.exec(msg);
  if (pos && Number(pos[1]) >= text.trimEnd().length) return 'unexpected end of JSON input';
  const ch = pos ? text[Number(pos[1])] : undefined;
  if (ch !== undefined) return `invalid character '${ch}' looking for beginning of value`;
  return msg;
}

/** The `( ... )` excerpt the decoder quotes: the first 30 bytes. */
const excerpt = (text: string): string => (text.length > 30 ? `${text.slice(0, 30)} ...` : text);

function parseJsonOrYaml(text: string, contentType: string | undefined, info: ResourceInfo, raw?: Buffer): unknown {
  const type = mediaType(contentType);
  if (type === 'application/vnd.kubernetes.protobuf') return decodeProtobufObject(raw ?? Buffer.from(text));
  if (type === 'application/yaml' || type === 'application/x-yaml' || type === 'text/yaml') {
    try {
      return parseYaml(text, { version: '1.1' }) as unknown;
    } catch (e) {
      throw badRequest(`error converting YAML to JSON: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
  }
  if (type !== '' && type !== 'application/json' && type !== '*/*') {
    throw new StatusError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`,
      {},
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw badRequest(
      `the object provided is unrecognized (must be of type ${info.kind}): couldn't get version/kind; json parse error: ${goJsonError(text, e)} (${excerpt(text)})`,
    );
  }
}

/** A create or update body: an object of the endpoint's apiVersion and kind (both may be left out). */
export function parseObjectBody(
  text: string,
  contentType: string | undefined,
  info: ResourceInfo,
  raw?: Buffer,
): KubeObject {
  const v = parseJsonOrYaml(text, contentType, info, raw);
  if (!isObject(v)) {
    throw badRequest(
      `the object provided is unrecognized (must be of type ${info.kind}): couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" } (${excerpt(text)})`,
    );
  }
  const gv = info.group ? `${info.group}/${info.version}` : info.version;
  if (typeof v.apiVersion === 'string' && v.apiVersion !== '' && v.apiVersion !== gv) {
    throw badRequest(`the API version in the data (${v.apiVersion}) does not match the expected API version (${gv})`);
  }
  if (typeof v.kind === 'string' && v.kind !== '' && v.kind !== info.kind) {
    throw badRequest(`the kind in the data (${v.kind}) does not match the expected kind (${info.kind})`);
  }
  if (v.metadata !== undefined && v.metadata !== null && !isObject(v.metadata)) {
    throw badRequest(
      `the object provided is unrecognized (must be of type ${info.kind}): json: cannot unmarshal ${typeof v.metadata} into Go struct field ${info.kind}.metadata of type v1.ObjectMeta (${excerpt(text)})`,
    );
  }
  return {
    ...v,
    apiVersion: typeof v.apiVersion === 'string' && v.apiVersion ? v.apiVersion : gv,
    kind: typeof v.kind === 'string' && v.kind ? v.kind : info.kind,
    metadata: (isObject(v.metadata) ? v.metadata : {}) as KubeObject['metadata'],
  };
}

const PATCH_TYPES: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** The patch type of a PATCH request; any other content type answers 415 as in 031. */
export function patchTypeOf(contentType: string | undefined): PatchType {
  const t = PATCH_TYPES[mediaType(contentType)];
  if (!t) throw new StatusError(415, 'UnsupportedMediaType', '415: Unsupported Media Type', {});
  return t;
}

/** A patch body: JSON for merge, JSON and strategic patches; apply bodies stay text (YAML) for the Patcher. */
export function parsePatchBody(text: string, type: PatchType): Json | string {
  if (type === 'apply') return text;
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw badRequest(`error decoding patch: ${goJsonError(text, e)}`);
  }
}

/** DeleteOptions from the body (kubectl sends one) merged over the query parameters. */
export function parseDeleteOptions(
  text: string,
  query: URLSearchParams,
  contentType?: string,
  raw?: Buffer,
): DeleteOptions & { dryRun: boolean } {
  let body: unknown = {};
  if (mediaType(contentType) === 'application/vnd.kubernetes.protobuf' && raw && raw.length > 0) {
    body = decodeProtobufObject(raw);
  } else if (text.trim() !== '') {
    try {
      body = JSON.parse(text) as unknown;
    } catch (e) {
      throw badRequest(`couldn't get version/kind; json parse error: ${goJsonError(text, e)}`);
    }
  }
  const o = isObject(body) ? body : {};
  const policy = typeof o.propagationPolicy === 'string' ? o.propagationPolicy : query.get('propagationPolicy');
  if (policy !== null && policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw new StatusError(
      422,
      'Invalid',
      `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  const orphan = o.orphanDependents === true || query.get('orphanDependents') === 'true';
  const pre = isObject(o.preconditions) ? o.preconditions : {};
  const grace =
    typeof o.gracePeriodSeconds === 'number' ? o.gracePeriodSeconds : Number(query.get('gracePeriodSeconds') ?? NaN);
  const dryRun = (Array.isArray(o.dryRun) && o.dryRun.includes('All')) || query.getAll('dryRun').includes('All');
  return {
    propagationPolicy: (policy ?? (orphan ? 'Orphan' : undefined)) as DeleteOptions['propagationPolicy'],
    preconditions: {
      uid: typeof pre.uid === 'string' ? pre.uid : undefined,
      resourceVersion: typeof pre.resourceVersion === 'string' ? pre.resourceVersion : undefined,
    },
    gracePeriodSeconds: Number.isFinite(grace) ? grace : undefined,
    dryRun,
  };
}

/**
 * A policy/v1 Eviction (`kubectl drain`): the pod is deleted with the eviction's deleteOptions. Without
 * PodDisruptionBudgets nothing ever refuses an eviction, so that is all the real server would do here.
 */
export function parseEviction(text: string, contentType: string | undefined, raw: Buffer, name: string): DeleteOptions {
  let body: unknown;
  if (mediaType(contentType) === 'application/vnd.kubernetes.protobuf') body = decodeProtobufObject(raw);
  else {
    try {
      body = JSON.parse(text) as unknown;
    } catch (e) {
      throw badRequest(`couldn't get version/kind; json parse error: ${goJsonError(text, e)}`);
    }
  }
  const o = isObject(body) ? body : {};
  const meta = isObject(o.metadata) ? o.metadata : {};
  if (meta.name !== name) throw badRequest(`name in URL does not match name in Eviction object`);
  const opts = isObject(o.deleteOptions) ? o.deleteOptions : {};
  return parseDeleteOptions(JSON.stringify(opts), new URLSearchParams());
}
