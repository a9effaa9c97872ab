import type { StatusCause } from '../types';
import { defineKind, type KindStrategy } from './base';
import { duplicate, forbidden, invalidValue, notSupported, required, tooMany, type GoValue } from './fielderrors';
import { asArr, asNum, asObj, asStr, isObj } from './json';
import { formatMicroTime } from './events';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, nameIsDNSSubdomain, validateLabels } from './meta';
import { parseIP, specialIPReason } from './net';

/** Lease (coordination.k8s.io/v1) and EndpointSlice (discovery.k8s.io/v1). */

export function leaseStrategy(): KindStrategy {
  return defineKind({
    namespaced: true,
    name: nameIsDNSSubdomain,
    defaults(o) {
      const spec = asObj(o.spec);
      if (!spec) return;
      for (const k of ['acquireTime', 'renewTime']) if (spec[k] !== undefined) spec[k] = formatMicroTime(spec[k]);
    },
    validate(o) {
      const spec = asObj(o.spec) ?? {};
      const causes: StatusCause[] = [];
      const duration = asNum(spec.leaseDurationSeconds);
      if (duration !== undefined && duration <= 0)
        causes.push(invalidValue('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
      const transitions = asNum(spec.leaseTransitions);
      if (transitions !== undefined && transitions < 0)
        causes.push(invalidValue('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
      const strategy = spec.strategy;
      if (strategy !== undefined && strategy !== null && strategy !== 'OldestEmulationVersion')
        causes.push(notSupported('spec.strategy', String(strategy), ['OldestEmulationVersion']));
      if (spec.preferredHolder && !strategy)
        causes.push(forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
      return causes;
    },
  });
}

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;

function isFQDN(path: string, name: string): StatusCause[] {
  if (!name) return [required(path)];
  const n = name.replace(/\.$/, '');
  const errs = isDNS1123Subdomain(n);
  if (errs.length) return [invalidValue(path, n, errs.join(','))];
  if (n.split('.').length < 2)
    return [invalidValue(path, n, 'should be a domain with at least two segments separated by dots')];
  for (const label of n.split('.')) {
    const e = isDNS1123Label(label);
    if (e.length) return [invalidValue(path, label, e.join(','))];
  }
  return [];
}

export function endpointSliceStrategy(): KindStrategy {
  return defineKind({
    namespaced: true,
    name: nameIsDNSSubdomain,
    generation: 'content',
    defaults(o) {
      // SetDefaults_EndpointPort: name "" and protocol TCP are written out.
      for (const p of (asArr(o.ports) ?? []).filter(isObj)) {
        if (p.name === undefined || p.name === null) p.name = '';
        if (p.protocol === undefined || p.protocol === null) p.protocol = 'TCP';
      }
      // Keep the real field order (name, protocol, port) so answers compare like for like.
      if (Array.isArray(o.ports)) {
        o.ports = o.ports.map((p) => {
          if (!isObj(p)) return p;
          const { name, protocol, port, appProtocol, ...rest } = p;
          const out: Record<string, unknown> = {};
          out.name = name;
          out.protocol = protocol;
          if (port !== undefined) out.port = port;
          if (appProtocol !== undefined) out.appProtocol = appProtocol;
          return { ...out, ...rest };
        });
      }
    },
    validate(o) {
      const causes: StatusCause[] = [];
      const addressType = asStr(o.addressType) ?? '';
      if (!addressType) causes.push(required('addressType'));
      else if (!ADDRESS_TYPES.includes(addressType))
        causes.push(notSupported('addressType', addressType, ADDRESS_TYPES));
      const endpoints = asArr(o.endpoints) ?? [];
      if (endpoints.length > MAX_ENDPOINTS) causes.push(tooMany('endpoints', endpoints.length, MAX_ENDPOINTS));
      else
        endpoints.forEach((raw, i) => {
          const ep = asObj(raw) ?? {};
          const path = `endpoints[${i}]`;
          const addresses = asArr(ep.addresses) ?? [];
          if (addresses.length === 0) causes.push(required(`${path}.addresses`, 'must contain at least 1 address'));
          else if (addresses.length > MAX_ADDRESSES)
            causes.push(tooMany(`${path}.addresses`, addresses.length, MAX_ADDRESSES));
          addresses.forEach((a, j) => {
            const addr = String(a);
            const p = `${path}.addresses[${j}]`;
            if (addressType === 'IPv4' || addressType === 'IPv6') {
              const ip = parseIP(addr);
              if (!ip || ip.family !== addressType)
                causes.push(invalidValue(p, addr, `must be a valid ${addressType} address`));
              else {
                const why = specialIPReason(ip, addr);
                if (why) causes.push(invalidValue(p, addr, why));
              }
            } else if (addressType === 'FQDN') causes.push(...isFQDN(p, addr));
          });
          const nodeName = asStr(ep.nodeName);
          if (nodeName !== undefined)
            for (const m of isDNS1123Subdomain(nodeName)) causes.push(invalidValue(`${path}.nodeName`, nodeName, m));
          if (ep.deprecatedTopology)
            causes.push(...validateLabels(ep.deprecatedTopology, `${path}.deprecatedTopology`));
          const hostname = asStr(ep.hostname);
          if (hostname !== undefined)
            for (const m of isDNS1123Label(hostname)) causes.push(invalidValue(`${path}.hostname`, hostname, m));
        });
      const ports = asArr(o.ports) ?? [];
      if (ports.length > MAX_PORTS) causes.push(tooMany('ports', ports.length, MAX_PORTS));
      else {
        const names = new Set<string>();
        ports.forEach((raw, i) => {
          const p = asObj(raw) ?? {};
          const path = `ports[${i}]`;
          const name = asStr(p.name) ?? '';
          if (name) for (const m of isDNS1123Label(name)) causes.push(invalidValue(`${path}.name`, name, m));
          if (names.has(name)) causes.push(duplicate(`${path}.name`, name));
          names.add(name);
          const protocol = asStr(p.protocol);
          if (!protocol) causes.push(required(`${path}.protocol`));
          else if (!PROTOCOLS.includes(protocol)) causes.push(notSupported(`${path}.protocol`, protocol, PROTOCOLS));
          const appProtocol = asStr(p.appProtocol);
          if (appProtocol !== undefined)
            for (const m of isQualifiedName(appProtocol))
              causes.push(invalidValue(`${path}.appProtocol`, appProtocol, m));
          const port = p.port;
          if (port !== undefined && port !== null && (typeof port !== 'number' || port < 0 || port > 65535))
            causes.push(invalidValue(`${path}.port`, port as GoValue, 'must be between 0 and 65535, inclusive'));
        });
      }
      return causes;
    },
    validateUpdate(o, old) {
      return o.addressType === old.addressType
        ? []
        : [invalidValue('addressType', String(o.addressType ?? ''), 'field is immutable')];
    },
  });
}
