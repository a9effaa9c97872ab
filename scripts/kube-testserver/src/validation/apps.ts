import type { StatusCause } from '../types';
import { defineKind, type KindStrategy } from './base';
import {
  FIELD_IMMUTABLE,
  forbidden,
  goQuote,
  goRaw,
  goStringMap,
  invalidValue,
  notSupported,
  required,
  type GoValue,
} from './fielderrors';
import { asArr, asNum, asObj, asStr, deepEqual, ensureObj, strMap, type Obj } from './json';
import { isQualifiedName, isValidLabelValue, nameIsDNSSubdomain } from './meta';
import { defaultPodSpec, validatePodTemplate } from './pod';

/** Deployments and DaemonSets (apps/v1): defaults, selector/template rules, selector immutability. */

const NEGATIVE = 'must be greater than or equal to 0';

/** `%#v` of *metav1.LabelSelector, the value the real messages print for a selector. */
export function goLabelSelector(sel: unknown): GoValue {
  const s = asObj(sel);
  if (!s) return null;
  const labels = goStringMap(strMap(s.matchLabels)).text;
  const exprs = asArr(s.matchExpressions);
  const exprText = exprs
    ? `[]v1.LabelSelectorRequirement{${exprs
        .map((e) => {
          const x = asObj(e) ?? {};
          const values = asArr(x.values);
          const v = values ? `[]string{${values.map((y) => goQuote(String(y))).join(', ')}}` : '[]string(nil)';
          return `v1.LabelSelectorRequirement{Key:${goQuote(asStr(x.key) ?? '')}, Operator:${goQuote(asStr(x.operator) ?? '')}, Values:${v}}`;
        })
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return goRaw(`v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprText}}`);
}

/** ValidateLabelSelector (strict form used by apps). */
export function validateLabelSelector(sel: unknown, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const s = asObj(sel);
  if (!s) return causes;
  for (const [k, v] of Object.entries(asObj(s.matchLabels) ?? {})) {
    for (const m of isQualifiedName(k)) causes.push(invalidValue(`${path}.matchLabels`, k, m));
    for (const m of isValidLabelValue(String(v))) causes.push(invalidValue(`${path}.matchLabels`, String(v), m));
  }
  (asArr(s.matchExpressions) ?? []).forEach((raw, i) => {
    const e = asObj(raw) ?? {};
    const p = `${path}.matchExpressions[${i}]`;
    const op = asStr(e.operator) ?? '';
    const values = asArr(e.values) ?? [];
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0)
        causes.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length)
        causes.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else causes.push(invalidValue(`${p}.operator`, op, 'not a valid selector operator'));
    const key = asStr(e.key) ?? '';
    for (const m of isQualifiedName(key)) causes.push(invalidValue(`${p}.key`, key, m));
    values.forEach((v, j) => {
      for (const m of isValidLabelValue(String(v))) causes.push(invalidValue(`${p}.values[${j}]`, String(v), m));
    });
  });
  return causes;
}

/** LabelSelector matching, for the `selector` does not match template `labels` rule. */
export function selectorMatches(sel: Obj, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(asObj(sel.matchLabels) ?? {})) if (labels[k] !== String(v)) return false;
  for (const raw of asArr(sel.matchExpressions) ?? []) {
    const e = asObj(raw) ?? {};
    const key = asStr(e.key) ?? '';
    const values = (asArr(e.values) ?? []).map(String);
    const has = key in labels;
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function defaultTemplate(spec: Obj): void {
  const template = ensureObj(spec, 'template');
  defaultPodSpec(ensureObj(template, 'spec'));
}

function validateSelectorAndTemplate(spec: Obj, kind: 'deployment' | 'daemonset'): StatusCause[] {
  const causes: StatusCause[] = [];
  const sel = asObj(spec.selector);
  if (!sel) causes.push(required('spec.selector'));
  else {
    causes.push(...validateLabelSelector(sel, 'spec.selector'));
    if (Object.keys(asObj(sel.matchLabels) ?? {}).length + (asArr(sel.matchExpressions)?.length ?? 0) === 0)
      causes.push(invalidValue('spec.selector', goLabelSelector(sel), `empty selector is invalid for ${kind}`));
  }
  const template = asObj(spec.template);
  if (!template) {
    causes.push(required('spec.template'));
    return causes;
  }
  const labels = strMap(asObj(template.metadata)?.labels);
  if (sel && Object.keys(asObj(sel.matchLabels) ?? {}).length + (asArr(sel.matchExpressions)?.length ?? 0) > 0) {
    if (!selectorMatches(sel, labels ?? {}))
      causes.push(
        invalidValue(
          'spec.template.metadata.labels',
          goStringMap(labels),
          '`selector` does not match template `labels`',
        ),
      );
  }
  causes.push(...validatePodTemplate(template, 'spec.template'));
  const restart = asStr(asObj(template.spec)?.restartPolicy) ?? '';
  if (restart && restart !== 'Always')
    causes.push(notSupported('spec.template.spec.restartPolicy', restart, ['Always']));
  if (asObj(template.spec)?.activeDeadlineSeconds !== undefined) {
    const what = kind === 'deployment' ? 'ReplicaSet' : 'DaemonSet';
    causes.push(
      forbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${what} is not Supported`),
    );
  }
  return causes;
}

const isIntOrPercent = (v: unknown): boolean => typeof v === 'number' || (typeof v === 'string' && /^\d+%$/.test(v));

export function validateIntOrPercent(v: unknown, path: string): StatusCause[] {
  if (v === undefined) return [];
  if (!isIntOrPercent(v)) {
    return [
      invalidValue(
        path,
        String(v),
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ),
    ];
  }
  if (typeof v === 'number' && v < 0) return [invalidValue(path, v, NEGATIVE)];
  if (typeof v === 'string' && Number(v.slice(0, -1)) > 100)
    return [invalidValue(path, v, 'must not be greater than 100%')];
  return [];
}

const isZero = (v: unknown): boolean => v === 0 || v === '0%' || v === undefined;

function selectorImmutable(o: Obj, old: Obj): StatusCause[] {
  const a = asObj(o.spec)?.selector;
  const b = asObj(old.spec)?.selector;
  return deepEqual(a ?? null, b ?? null) ? [] : [invalidValue('spec.selector', goLabelSelector(a), FIELD_IMMUTABLE)];
}

export function deploymentStrategy(): KindStrategy {
  return defineKind({
    namespaced: true,
    name: nameIsDNSSubdomain,
    generation: 'spec',
    defaults(o) {
      const spec = ensureObj(o, 'spec');
      if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
      const strategy = ensureObj(spec, 'strategy');
      if (!strategy.type) strategy.type = 'RollingUpdate';
      if (strategy.type === 'RollingUpdate') {
        const ru = ensureObj(strategy, 'rollingUpdate');
        if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = '25%';
        if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = '25%';
      }
      if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
      if (spec.progressDeadlineSeconds === undefined || spec.progressDeadlineSeconds === null)
        spec.progressDeadlineSeconds = 600;
      defaultTemplate(spec);
    },
    prepareCreate(o) {
      o.status = {};
    },
    validate(o) {
      const spec = asObj(o.spec) ?? {};
      const causes: StatusCause[] = [];
      const replicas = asNum(spec.replicas) ?? 0;
      if (replicas < 0) causes.push(invalidValue('spec.replicas', replicas, NEGATIVE));
      causes.push(...validateSelectorAndTemplate(spec, 'deployment'));
      const strategy = asObj(spec.strategy) ?? {};
      const type = asStr(strategy.type) ?? '';
      if (type === 'Recreate') {
        if (strategy.rollingUpdate !== undefined)
          causes.push(
            forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"),
          );
      } else if (type === 'RollingUpdate') {
        causes.push(...validateRollingUpdate(asObj(strategy.rollingUpdate) ?? {}, 'spec.strategy.rollingUpdate'));
      } else causes.push(notSupported('spec.strategy.type', type, ['Recreate', 'RollingUpdate']));
      const minReady = asNum(spec.minReadySeconds) ?? 0;
      if (minReady < 0) causes.push(invalidValue('spec.minReadySeconds', minReady, NEGATIVE));
      const history = asNum(spec.revisionHistoryLimit);
      if (history !== undefined && history < 0)
        causes.push(invalidValue('spec.revisionHistoryLimit', history, NEGATIVE));
      const deadline = asNum(spec.progressDeadlineSeconds);
      if (deadline !== undefined) {
        if (deadline < 0) causes.push(invalidValue('spec.progressDeadlineSeconds', deadline, NEGATIVE));
        else if (deadline <= minReady)
          causes.push(invalidValue('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
      }
      return causes;
    },
    validateUpdate: selectorImmutable,
  });
}

export function daemonSetStrategy(): KindStrategy {
  return defineKind({
    namespaced: true,
    name: nameIsDNSSubdomain,
    generation: 'spec',
    defaults(o) {
      const spec = ensureObj(o, 'spec');
      const strategy = ensureObj(spec, 'updateStrategy');
      if (!strategy.type) strategy.type = 'RollingUpdate';
      if (strategy.type === 'RollingUpdate') {
        const ru = ensureObj(strategy, 'rollingUpdate');
        if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = 1;
        if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = 0;
      }
      if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
      defaultTemplate(spec);
    },
    prepareCreate(o) {
      // DaemonSetStatus counters have no omitempty: a new DaemonSet shows them as zeros.
      o.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
      const annotations = ensureObj(ensureObj(o, 'metadata'), 'annotations');
      annotations['deprecated.daemonset.template.generation'] = '1';
    },
    prepareUpdate(o, old) {
      const annotations = ensureObj(ensureObj(o, 'metadata'), 'annotations');
      const prev = Number(
        asStr(asObj(asObj(old.metadata)?.annotations)?.['deprecated.daemonset.template.generation']) ?? '1',
      );
      const changed = !deepEqual(asObj(o.spec)?.template ?? null, asObj(old.spec)?.template ?? null);
      annotations['deprecated.daemonset.template.generation'] = String(changed ? prev + 1 : prev);
    },
    validate(o) {
      const spec = asObj(o.spec) ?? {};
      const causes = validateSelectorAndTemplate(spec, 'daemonset');
      const strategy = asObj(spec.updateStrategy) ?? {};
      const type = asStr(strategy.type) ?? '';
      if (type === 'RollingUpdate') {
        causes.push(...validateRollingUpdate(asObj(strategy.rollingUpdate) ?? {}, 'spec.updateStrategy.rollingUpdate'));
      } else if (type !== 'OnDelete') {
        causes.push(notSupported('spec.updateStrategy.type', type, ['OnDelete', 'RollingUpdate']));
      }
      const minReady = asNum(spec.minReadySeconds) ?? 0;
      if (minReady < 0) causes.push(invalidValue('spec.minReadySeconds', minReady, NEGATIVE));
      return causes;
    },
    validateUpdate: selectorImmutable,
  });
}

/** maxUnavailable and maxSurge of a Deployment's or DaemonSet's rolling update (the same rules for both). */
function validateRollingUpdate(ru: Obj, path: string): StatusCause[] {
  const causes = [
    ...validateIntOrPercent(ru.maxUnavailable, `${path}.maxUnavailable`),
    ...validateIntOrPercent(ru.maxSurge, `${path}.maxSurge`),
  ];
  if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge))
    causes.push(
      invalidValue(`${path}.maxUnavailable`, (ru.maxUnavailable ?? 0) as GoValue, 'may not be 0 when `maxSurge` is 0'),
    );
  return causes;
}
