/**
 * Protobuf request bodies. kubectl 1.35's typed clients (`kubectl create namespace|configmap|secret|serviceaccount`)
 * send `application/vnd.kubernetes.protobuf`; answers stay JSON (they also accept it). This decodes the envelope
 * (`k8s\0` + runtime.Unknown) and the few kinds those commands (and `kubectl create service`) create, from their generated.proto field numbers.
 */
import { StatusError } from '../errors';
import type { Json, JsonObject } from '../types';

type Scalar = 'string' | 'int' | 'bool' | 'bytes' | 'time' | 'mapString' | 'mapBytes' | 'fieldsV1' | 'intOrString';
interface Field {
  name: string;
  type: Scalar | Schema;
  repeated?: boolean;
}
interface Schema {
  [field: number]: Field;
}

const ownerReference: Schema = {
  1: { name: 'kind', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'controller', type: 'bool' },
  7: { name: 'blockOwnerDeletion', type: 'bool' },
};
const managedFieldsEntry: Schema = {
  1: { name: 'manager', type: 'string' },
  2: { name: 'operation', type: 'string' },
  3: { name: 'apiVersion', type: 'string' },
  4: { name: 'time', type: 'time' },
  6: { name: 'fieldsType', type: 'string' },
  7: { name: 'fieldsV1', type: 'fieldsV1' },
  8: { name: 'subresource', type: 'string' },
};
const objectMeta: Schema = {
  1: { name: 'name', type: 'string' },
  2: { name: 'generateName', type: 'string' },
  3: { name: 'namespace', type: 'string' },
  5: { name: 'uid', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'generation', type: 'int' },
  8: { name: 'creationTimestamp', type: 'time' },
  9: { name: 'deletionTimestamp', type: 'time' },
  10: { name: 'deletionGracePeriodSeconds', type: 'int' },
  11: { name: 'labels', type: 'mapString' },
  12: { name: 'annotations', type: 'mapString' },
  13: { name: 'ownerReferences', type: ownerReference, repeated: true },
  14: { name: 'finalizers', type: 'string', repeated: true },
  17: { name: 'managedFields', type: managedFieldsEntry, repeated: true },
};
const objectReference: Schema = {
  1: { name: 'kind', type: 'string' },
  2: { name: 'namespace', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'fieldPath', type: 'string' },
};

const servicePort: Schema = {
  1: { name: 'name', type: 'string' },
  2: { name: 'protocol', type: 'string' },
  3: { name: 'port', type: 'int' },
  4: { name: 'targetPort', type: 'intOrString' },
  5: { name: 'nodePort', type: 'int' },
  6: { name: 'appProtocol', type: 'string' },
};
const serviceSpec: Schema = {
  1: { name: 'ports', type: servicePort, repeated: true },
  2: { name: 'selector', type: 'mapString' },
  3: { name: 'clusterIP', type: 'string' },
  4: { name: 'type', type: 'string' },
  5: { name: 'externalIPs', type: 'string', repeated: true },
  7: { name: 'sessionAffinity', type: 'string' },
  8: { name: 'loadBalancerIP', type: 'string' },
  9: { name: 'loadBalancerSourceRanges', type: 'string', repeated: true },
  10: { name: 'externalName', type: 'string' },
  11: { name: 'externalTrafficPolicy', type: 'string' },
  12: { name: 'healthCheckNodePort', type: 'int' },
  13: { name: 'publishNotReadyAddresses', type: 'bool' },
  14: {
    name: 'sessionAffinityConfig',
    type: { 1: { name: 'clientIP', type: { 1: { name: 'timeoutSeconds', type: 'int' } } } },
  },
  17: { name: 'ipFamilyPolicy', type: 'string' },
  18: { name: 'clusterIPs', type: 'string', repeated: true },
  19: { name: 'ipFamilies', type: 'string', repeated: true },
  20: { name: 'allocateLoadBalancerNodePorts', type: 'bool' },
  21: { name: 'loadBalancerClass', type: 'string' },
  22: { name: 'internalTrafficPolicy', type: 'string' },
  23: { name: 'trafficDistribution', type: 'string' },
};
const loadBalancerIngress: Schema = {
  1: { name: 'ip', type: 'string' },
  2: { name: 'hostname', type: 'string' },
  3: { name: 'ipMode', type: 'string' },
};

const deleteOptions: Schema = {
  1: { name: 'gracePeriodSeconds', type: 'int' },
  2: {
    name: 'preconditions',
    type: { 1: { name: 'uid', type: 'string' }, 2: { name: 'resourceVersion', type: 'string' } },
  },
  3: { name: 'orphanDependents', type: 'bool' },
  4: { name: 'propagationPolicy', type: 'string' },
  5: { name: 'dryRun', type: 'string', repeated: true },
};

/** Kinds by `apiVersion/kind`. */
const KINDS: Record<string, Schema> = {
  'v1/Namespace': {
    1: { name: 'metadata', type: objectMeta },
    2: { name: 'spec', type: { 1: { name: 'finalizers', type: 'string', repeated: true } } },
    3: { name: 'status', type: { 1: { name: 'phase', type: 'string' } } },
  },
  'v1/ConfigMap': {
    1: { name: 'metadata', type: objectMeta },
    2: { name: 'data', type: 'mapString' },
    3: { name: 'binaryData', type: 'mapBytes' },
    4: { name: 'immutable', type: 'bool' },
  },
  'v1/Secret': {
    1: { name: 'metadata', type: objectMeta },
    2: { name: 'data', type: 'mapBytes' },
    3: { name: 'type', type: 'string' },
    4: { name: 'stringData', type: 'mapString' },
    5: { name: 'immutable', type: 'bool' },
  },
  // helm's uninstall deletes with a protobuf body.
  'v1/DeleteOptions': deleteOptions,
  'meta.k8s.io/v1/DeleteOptions': deleteOptions,
  // `kubectl drain` evicts pods.
  'policy/v1/Eviction': {
    1: { name: 'metadata', type: objectMeta },
    2: { name: 'deleteOptions', type: deleteOptions },
  },
  // `kubectl create service ...`
  'v1/Service': {
    1: { name: 'metadata', type: objectMeta },
    2: { name: 'spec', type: serviceSpec },
    3: {
      name: 'status',
      type: {
        1: { name: 'loadBalancer', type: { 1: { name: 'ingress', type: loadBalancerIngress, repeated: true } } },
      },
    },
  },
  'v1/ServiceAccount': {
    1: { name: 'metadata', type: objectMeta },
    2: { name: 'secrets', type: objectReference, repeated: true },
    3: { name: 'imagePullSecrets', type: { 1: { name: 'name', type: 'string' } }, repeated: true },
    4: { name: 'automountServiceAccountToken', type: 'bool' },
  },
};

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  }

  bytes(): Buffer {
    const len = Number(this.varint());
    if (this.pos + len > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

/** Fields of one message: field number -> raw values (varints as bigint, length-delimited as Buffer). */
function fieldsOf(buf: Buffer): Map<number, Array<bigint | Buffer>> {
  const r = new Reader(buf);
  const out = new Map<number, Array<bigint | Buffer>>();
  while (!r.done) {
    const tag = Number(r.varint());
    const num = tag >>> 3;
    const wire = tag & 7;
    let v: bigint | Buffer;
    if (wire === 0) v = r.varint();
    else if (wire === 2) v = r.bytes();
    else {
      r.skip(wire);
      continue;
    }
    const list = out.get(num) ?? [];
    list.push(v);
    out.set(num, list);
  }
  return out;
}

const asBuf = (v: bigint | Buffer): Buffer => (Buffer.isBuffer(v) ? v : Buffer.alloc(0));
const asInt = (v: bigint | Buffer): bigint => (typeof v === 'bigint' ? v : 0n);

function mapEntry(v: Buffer, bytes: boolean): [string, Json] {
  const f = fieldsOf(v);
  const key = asBuf(f.get(1)?.[0] ?? Buffer.alloc(0)).toString('utf8');
  const raw = asBuf(f.get(2)?.[0] ?? Buffer.alloc(0));
  return [key, bytes ? raw.toString('base64') : raw.toString('utf8')];
}

function decodeValue(type: Scalar | Schema, v: bigint | Buffer): Json {
  switch (type) {
    case 'string':
      return asBuf(v).toString('utf8');
    case 'bytes':
      return asBuf(v).toString('base64');
    case 'int':
      return Number(BigInt.asIntN(64, asInt(v)));
    case 'bool':
      return asInt(v) !== 0n;
    case 'time': {
      const f = fieldsOf(asBuf(v));
      const seconds = Number(asInt(f.get(1)?.[0] ?? 0n));
      return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
    }
    case 'fieldsV1': {
      const raw = asBuf(fieldsOf(asBuf(v)).get(1)?.[0] ?? Buffer.alloc(0)).toString('utf8');
      return raw ? (JSON.parse(raw) as Json) : {};
    }
    case 'intOrString': {
      // intstr.IntOrString: type 1 means the string form.
      const f = fieldsOf(asBuf(v));
      if (asInt(f.get(1)?.[0] ?? 0n) === 1n) return asBuf(f.get(3)?.[0] ?? Buffer.alloc(0)).toString('utf8');
      return Number(BigInt.asIntN(32, asInt(f.get(2)?.[0] ?? 0n)));
    }
    case 'mapString':
    case 'mapBytes':
      throw new Error('maps are decoded per entry');
    default:
      return decodeMessage(asBuf(v), type);
  }
}

function decodeMessage(buf: Buffer, schema: Schema): JsonObject {
  const out: JsonObject = {};
  for (const [num, values] of fieldsOf(buf)) {
    const field = schema[num];
    if (!field) continue;
    if (field.type === 'mapString' || field.type === 'mapBytes') {
      const m: JsonObject = {};
      for (const v of values) {
        const [k, val] = mapEntry(asBuf(v), field.type === 'mapBytes');
        m[k] = val;
      }
      out[field.name] = m;
    } else if (field.repeated) {
      out[field.name] = values.map((v) => decodeValue(field.type, v));
    } else {
      // Go's protobuf writes empty strings and zero numbers; its JSON (omitempty) leaves them out.
      const v = decodeValue(field.type, values[values.length - 1]);
      if (v !== '' && !(field.type === 'int' && v === 0)) out[field.name] = v;
    }
  }
  return out;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Decodes a Kubernetes protobuf body into the JSON object it stands for; unknown kinds answer 415. */
export function decodeProtobufObject(body: Buffer): JsonObject {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) {
    throw new StatusError(
      400,
      'BadRequest',
      'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    );
  }
  const unknown = fieldsOf(body.subarray(4));
  const typeMeta = fieldsOf(asBuf(unknown.get(1)?.[0] ?? Buffer.alloc(0)));
  const apiVersion = asBuf(typeMeta.get(1)?.[0] ?? Buffer.alloc(0)).toString('utf8');
  const kind = asBuf(typeMeta.get(2)?.[0] ?? Buffer.alloc(0)).toString('utf8');
  const schema = KINDS[`${apiVersion}/${kind}`];
  if (!schema) {
    throw new StatusError(
      415,
      'UnsupportedMediaType',
      `ironlb-kube cannot decode protobuf ${apiVersion}/${kind}: send application/json`,
      {},
    );
  }
  const raw = asBuf(unknown.get(2)?.[0] ?? Buffer.alloc(0));
  return { kind, apiVersion, ...decodeMessage(raw, schema) };
}
