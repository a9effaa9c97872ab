import type { StatusCause } from '../types';
import { defineKind, type KindStrategy } from './base';
import { FIELD_IMMUTABLE, forbidden, invalidValue, notSupported, required, tooLong } from './fielderrors';
import { asArr, asObj, asStr, ensureObj, isObj, type Obj } from './json';
import { isDNS1123Subdomain, isQualifiedName, nameIsDNSLabel, nameIsDNSSubdomain } from './meta';
import { parseCIDR } from './net';
import { badRequest } from '../errors';

/** Namespace, Node, ConfigMap, Secret, ServiceAccount: core/v1 kinds with small rule sets. */

const METADATA_NAME_LABEL = 'kubernetes.io/metadata.name';

export function namespaceStrategy(): KindStrategy {
  return defineKind({
    namespaced: false,
    name: nameIsDNSLabel,
    // SetDefaults_Namespace: the name label is (re)set on every write, so it cannot drift or be removed.
    defaults(o) {
      const meta = ensureObj(o, 'metadata');
      const name = asStr(meta.name);
      if (name) ensureObj(meta, 'labels')[METADATA_NAME_LABEL] = name;
    },
    prepareCreate(o) {
      const meta = ensureObj(o, 'metadata');
      const name = asStr(meta.name);
      // generateName is resolved after decode-time defaults ran; label the final name.
      if (name) ensureObj(meta, 'labels')[METADATA_NAME_LABEL] = name;
      o.status = { phase: 'Active' };
      const spec = ensureObj(o, 'spec');
      const finalizers = (asArr(spec.finalizers) ?? []).map(String);
      if (!finalizers.includes('kubernetes')) finalizers.push('kubernetes');
      spec.finalizers = finalizers;
    },
    prepareUpdate(o, old) {
      // Finalizers move only through /finalize, status only through /status.
      o.spec = { ...(asObj(o.spec) ?? {}), finalizers: asObj(old.spec)?.finalizers ?? [] };
      if (old.status !== undefined) o.status = old.status;
    },
    validate(o) {
      const causes: StatusCause[] = [];
      (asArr(asObj(o.spec)?.finalizers) ?? []).forEach((f) => {
        const name = String(f);
        for (const m of isQualifiedName(name)) causes.push(invalidValue('spec.finalizers', name, m));
        if (!name.includes('/') && name !== 'kubernetes')
          causes.push(
            invalidValue(
              'spec.finalizers',
              name,
              'name is neither a standard finalizer name nor is it fully qualified',
            ),
          );
      });
      return causes;
    },
  });
}

const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];

function validateTaints(taints: unknown, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  (asArr(taints) ?? []).forEach((raw, i) => {
    const t = asObj(raw) ?? {};
    const p = `${path}[${i}]`;
    const key = asStr(t.key) ?? '';
    for (const m of isQualifiedName(key)) causes.push(invalidValue(`${p}.key`, key, m));
    const value = asStr(t.value);
    if (value) for (const m of isQualifiedValue(value)) causes.push(invalidValue(`${p}.value`, value, m));
    const effect = asStr(t.effect) ?? '';
    if (!effect) causes.push(required(`${p}.effect`));
    else if (!TAINT_EFFECTS.includes(effect)) causes.push(notSupported(`${p}.effect`, effect, TAINT_EFFECTS));
    const k = `${key}:${effect}`;
    if (seen.has(k)) causes.push(invalidValue(p, '', 'taints must be unique by key and effect pair'));
    seen.add(k);
  });
  return causes;
}

function isQualifiedValue(v: string): string[] {
  return /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v) && v.length <= 63
    ? []
    : [
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ];
}

/** Zero-valued structs the real server always serialises in a Node's status (073). */
function nodeStatusZeroes(o: Obj): void {
  const status = ensureObj(o, 'status');
  const kubelet = ensureObj(ensureObj(status, 'daemonEndpoints'), 'kubeletEndpoint');
  if (kubelet.Port === undefined) kubelet.Port = 0;
  const info = ensureObj(status, 'nodeInfo');
  for (const k of [
    'machineID',
    'systemUUID',
    'bootID',
    'kernelVersion',
    'osImage',
    'containerRuntimeVersion',
    'kubeletVersion',
    // Deprecated since 1.31 but still a non-omitempty field in 1.35.
    'kubeProxyVersion',
    'operatingSystem',
    'architecture',
  ])
    if (info[k] === undefined) info[k] = '';
  if (status.capacity && !status.allocatable) status.allocatable = status.capacity;
}

export function nodeStrategy(): KindStrategy {
  return defineKind({
    namespaced: false,
    name: nameIsDNSSubdomain,
    defaults: nodeStatusZeroes,
    prepareCreate(o) {
      // The TaintNodesByCondition admission plugin marks every new Node not-ready until a kubelet says otherwise.
      const spec = ensureObj(o, 'spec');
      const taints = (asArr(spec.taints) ?? []).filter(isObj);
      if (!taints.some((t) => t.key === 'node.kubernetes.io/not-ready' && t.effect === 'NoSchedule'))
        taints.push({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
      spec.taints = taints;
    },
    validate(o) {
      const spec = asObj(o.spec) ?? {};
      const causes = validateTaints(spec.taints, 'spec.taints');
      const cidrs = (asArr(spec.podCIDRs) ?? []).map(String);
      cidrs.forEach((c, i) => {
        if (!parseCIDR(c))
          causes.push(
            invalidValue(`spec.podCIDRs[${i}]`, c, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'),
          );
      });
      if (spec.podCIDR && cidrs.length && cidrs[0] !== spec.podCIDR)
        causes.push(
          invalidValue('spec.podCIDRs', String(spec.podCIDR), 'must match the first element of spec.podCIDRs'),
        );
      return causes;
    },
    validateUpdate(o, old) {
      const a = asObj(o.spec) ?? {};
      const b = asObj(old.spec) ?? {};
      const causes: StatusCause[] = [];
      if (b.podCIDR && a.podCIDR !== b.podCIDR)
        causes.push(forbidden('spec.podCIDR', 'node updates may not change podCIDR except from "" to valid'));
      if (b.providerID && a.providerID !== b.providerID)
        causes.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
      return causes;
    },
    validateStatus: () => [],
  });
}

const CONFIG_KEY_FMT = '[-._a-zA-Z0-9]+';
const MAX_CONFIG_SIZE = 1024 * 1024;

/** IsConfigMapKey: the key rules ConfigMap and Secret data share. */
export function isConfigMapKey(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push('must be no more than 253 characters');
  if (!new RegExp(`^${CONFIG_KEY_FMT}$`).test(v))
    errs.push(
      `a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '${CONFIG_KEY_FMT}')`,
    );
  if (v === '.') errs.push("must not be '.'");
  else if (v === '..') errs.push("must not be '..'");
  else if (v.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

export function configMapStrategy(): KindStrategy {
  return defineKind({
    namespaced: true,
    name: nameIsDNSSubdomain,
    validate(o) {
      const causes: StatusCause[] = [];
      const data = asObj(o.data) ?? {};
      const binary = asObj(o.binaryData) ?? {};
      let size = 0;
      for (const [k, v] of Object.entries(data)) {
        for (const m of isConfigMapKey(k)) causes.push(invalidValue(`data[${k}]`, k, m));
        if (k in binary) causes.push(invalidValue(`data[${k}]`, k, 'duplicate of key present in binaryData'));
        size += Buffer.byteLength(String(v));
      }
      for (const [k, v] of Object.entries(binary)) {
        for (const m of isConfigMapKey(k)) causes.push(invalidValue(`binaryData[${k}]`, k, m));
        if (k in data) causes.push(invalidValue(`binaryData[${k}]`, k, 'duplicate of key present in data'));
        size += Buffer.from(String(v), 'base64').length;
      }
      if (size > MAX_CONFIG_SIZE) causes.push(tooLong('', MAX_CONFIG_SIZE));
      return causes;
    },
    validateUpdate: immutableData,
  });
}

/** `immutable: true` freezes data and cannot be undone (ConfigMap and Secret alike). */
function immutableData(o: Obj, old: Obj): StatusCause[] {
  if (old.immutable !== true) return [];
  const causes: StatusCause[] = [];
  if (o.immutable !== true) causes.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
  if (!same(o.data, old.data)) causes.push(forbidden('data', 'field is immutable when `immutable` is set'));
  if (!same(o.binaryData, old.binaryData))
    causes.push(forbidden('binaryData', 'field is immutable when `immutable` is set'));
  return causes;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Secret decoding: stringData folds into data (v1 conversion), data must be base64 or the body fails to decode. */
function decodeSecret(o: Obj): void {
  const data = asObj(o.data) ?? {};
  for (const [k, v] of Object.entries(data)) {
    const s = typeof v === 'string' ? v : '';
    if (!BASE64.test(s)) {
      const at = firstBadBase64Byte(s);
      throw badRequest(`Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte ${at}`);
    }
    data[k] = s;
  }
  const stringData = asObj(o.stringData);
  if (stringData) {
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v)).toString('base64');
    delete o.stringData;
  }
  if (Object.keys(data).length || o.data !== undefined) o.data = data;
  if (!o.type) o.type = 'Opaque';
}

function firstBadBase64Byte(s: string): number {
  for (let i = 0; i < s.length; i++) if (!/[A-Za-z0-9+/=]/.test(s[i])) return i;
  return Math.max(0, s.length - (s.length % 4 || 4));
}

export function secretStrategy(): KindStrategy {
  return defineKind({
    namespaced: true,
    name: nameIsDNSSubdomain,
    defaults: decodeSecret,
    validate(o) {
      const causes: StatusCause[] = [];
      const data = asObj(o.data) ?? {};
      let size = 0;
      for (const [k, v] of Object.entries(data)) {
        for (const m of isConfigMapKey(k)) causes.push(invalidValue(`data[${k}]`, k, m));
        size += Buffer.from(String(v), 'base64').length;
      }
      if (size > MAX_CONFIG_SIZE) causes.push(tooLong('data', MAX_CONFIG_SIZE));
      const has = (k: string): boolean => k in data;
      switch (o.type) {
        case 'kubernetes.io/service-account-token':
          if (!asStr(asObj(asObj(o.metadata)?.annotations)?.['kubernetes.io/service-account.name']))
            causes.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
          break;
        case 'kubernetes.io/dockercfg':
          if (!has('.dockercfg')) causes.push(required('data[.dockercfg]'));
          break;
        case 'kubernetes.io/dockerconfigjson':
          if (!has('.dockerconfigjson')) causes.push(required('data[.dockerconfigjson]'));
          break;
        case 'kubernetes.io/basic-auth':
          if (!has('username') && !has('password')) causes.push(required('data[username]'), required('data[password]'));
          break;
        case 'kubernetes.io/ssh-auth':
          if (!asStr(data['ssh-privatekey'])) causes.push(required('data[ssh-privatekey]'));
          break;
        case 'kubernetes.io/tls':
          if (!has('tls.crt')) causes.push(required('data[tls.crt]'));
          if (!has('tls.key')) causes.push(required('data[tls.key]'));
          break;
        default:
      }
      return causes;
    },
    validateUpdate(o, old) {
      const causes: StatusCause[] = [];
      if ((o.type ?? '') !== (old.type ?? '')) causes.push(invalidValue('type', String(o.type ?? ''), FIELD_IMMUTABLE));
      return [...causes, ...immutableData(o, old)];
    },
  });
}

export function serviceAccountStrategy(): KindStrategy {
  return defineKind({
    namespaced: true,
    name: nameIsDNSSubdomain,
    validate(o) {
      const causes: StatusCause[] = [];
      (asArr(o.secrets) ?? []).forEach((s, i) => {
        const name = asStr(asObj(s)?.name) ?? '';
        if (name) for (const m of isDNS1123Subdomain(name)) causes.push(invalidValue(`secrets[${i}].name`, name, m));
      });
      return causes;
    },
  });
}
