/**
 * Response representations from the Accept header: JSON, YAML, a meta.k8s.io Table (kubectl get), or
 * PartialObjectMetadata (metadata-only clients). Protobuf is never produced; a client that also accepts JSON
 * (kubectl always does) gets JSON.
 */
import { StatusError } from '../errors';

export type Representation =
  | { kind: 'json' }
  | { kind: 'yaml' }
  | { kind: 'table'; version: 'v1' | 'v1beta1' }
  | { kind: 'metadata'; version: 'v1' | 'v1beta1' };

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(accept: string | undefined): MediaRange[] {
  if (!accept) return [];
  return accept.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const p: Record<string, string> = {};
    for (const kv of params) {
      const i = kv.indexOf('=');
      if (i > 0) p[kv.slice(0, i).trim()] = kv.slice(i + 1).trim();
    }
    return { type: type.toLowerCase(), params: p };
  });
}

const JSONISH = new Set(['application/json', 'application/*', '*/*']);

export function negotiate(accept: string | undefined): Representation {
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return { kind: 'json' };
  let protobuf = false;
  for (const r of ranges) {
    const as = r.params.as;
    const version = r.params.v === 'v1beta1' ? 'v1beta1' : 'v1';
    if (r.type === 'application/vnd.kubernetes.protobuf') {
      protobuf = true;
      continue;
    }
    if (r.type === 'application/yaml' && !as) return { kind: 'yaml' };
    if (!JSONISH.has(r.type)) continue;
    if (!as) return { kind: 'json' };
    if (r.params.g !== 'meta.k8s.io') continue;
    if (as === 'Table') return { kind: 'table', version };
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return { kind: 'metadata', version };
  }
  if (protobuf) return { kind: 'json' };
  throw new StatusError(
    406,
    'NotAcceptable',
    'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
  );
}
