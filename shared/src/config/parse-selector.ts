/**
 * A raw metav1.LabelSelector to the typed LabelSelector, refusing what the API server's ValidateLabelSelector and
 * LabelSelectorAsSelector refuse, so a selector never fails later, at matching time.
 */
import { labelKeyError, labelValueError } from './names';
import { isRecord, jsonType, problem, type FieldProblem } from './raw';
import type { LabelSelector } from './types';

type Operator = LabelSelector['matchExpressions'][number]['operator'];
type Expression = LabelSelector['matchExpressions'][number];

const OPERATORS: readonly Operator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const isOperator = (v: unknown): v is Operator => OPERATORS.includes(v as Operator);

export interface SelectorResult {
  /** Present when there are no problems. */
  readonly selector?: LabelSelector;
  readonly problems: readonly FieldProblem[];
}

function parseMatchLabels(raw: unknown, field: string, out: FieldProblem[]): [string, string][] {
  if (raw === undefined || raw === null) return [];
  if (!isRecord(raw)) {
    out.push(problem(field, `must be an object of label keys to values, got ${jsonType(raw)}`));
    return [];
  }
  const pairs: [string, string][] = [];
  for (const key of Object.keys(raw).sort()) {
    const value = raw[key];
    const keyError = labelKeyError(key);
    if (keyError) out.push(problem(field, `invalid label key ${JSON.stringify(key)}: ${keyError}`));
    if (typeof value !== 'string') {
      out.push(problem(`${field}.${key}`, `must be a string, got ${jsonType(value)}`));
      continue;
    }
    const valueError = labelValueError(value);
    if (valueError) out.push(problem(`${field}.${key}`, `invalid label value ${JSON.stringify(value)}: ${valueError}`));
    else if (!keyError) pairs.push([key, value]);
  }
  return pairs;
}

function parseValues(raw: unknown, field: string, out: FieldProblem[]): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    out.push(problem(field, `must be a list of strings, got ${jsonType(raw)}`));
    return [];
  }
  const values: string[] = [];
  raw.forEach((v: unknown, i) => {
    if (typeof v !== 'string') out.push(problem(`${field}[${i}]`, `must be a string, got ${jsonType(v)}`));
    else {
      const e = labelValueError(v);
      if (e) out.push(problem(`${field}[${i}]`, `invalid label value ${JSON.stringify(v)}: ${e}`));
      else values.push(v);
    }
  });
  return values;
}

function parseExpression(raw: unknown, field: string, out: FieldProblem[]): Expression | undefined {
  if (!isRecord(raw)) {
    out.push(problem(field, `must be an object with key, operator and values, got ${jsonType(raw)}`));
    return undefined;
  }
  const before = out.length;
  const { key, operator } = raw;
  if (typeof key !== 'string') out.push(problem(`${field}.key`, `must be a string, got ${jsonType(key)}`));
  else {
    const e = labelKeyError(key);
    if (e) out.push(problem(`${field}.key`, `invalid label key ${JSON.stringify(key)}: ${e}`));
  }
  const valuesBefore = out.length;
  const values = parseValues(raw.values, `${field}.values`, out);
  const valuesOK = out.length === valuesBefore;
  if (!isOperator(operator)) {
    const shown = typeof operator === 'string' ? JSON.stringify(operator) : jsonType(operator);
    const message =
      operator === undefined ? 'is required' : `must be one of In, NotIn, Exists, DoesNotExist, got ${shown}`;
    out.push(problem(`${field}.operator`, message));
  } else if ((operator === 'In' || operator === 'NotIn') && valuesOK && values.length === 0) {
    out.push(problem(`${field}.values`, `must be specified when operator is ${operator}`));
  } else if ((operator === 'Exists' || operator === 'DoesNotExist') && Array.isArray(raw.values) && raw.values.length) {
    out.push(problem(`${field}.values`, `may not be specified when operator is ${operator}`));
  }
  if (out.length !== before || typeof key !== 'string' || !isOperator(operator)) return undefined;
  return Object.freeze({ key, operator, values: Object.freeze(values) });
}

export function parseSelector(raw: unknown, field: string): SelectorResult {
  if (!isRecord(raw)) {
    return {
      problems: [problem(field, `must be a label selector (matchLabels, matchExpressions), got ${jsonType(raw)}`)],
    };
  }
  const problems: FieldProblem[] = [];
  const labels = parseMatchLabels(raw.matchLabels, `${field}.matchLabels`, problems);
  const expressions: Expression[] = [];
  const rawExpressions = raw.matchExpressions;
  if (Array.isArray(rawExpressions)) {
    rawExpressions.forEach((e: unknown, i) => {
      const parsed = parseExpression(e, `${field}.matchExpressions[${i}]`, problems);
      if (parsed) expressions.push(parsed);
    });
  } else if (rawExpressions !== undefined && rawExpressions !== null) {
    problems.push(problem(`${field}.matchExpressions`, `must be a list, got ${jsonType(rawExpressions)}`));
  }
  if (problems.length) return { problems };
  return {
    // fromEntries defines own properties, so even an odd key cannot reach the prototype.
    selector: Object.freeze({
      matchLabels: Object.freeze(Object.fromEntries(labels)),
      matchExpressions: Object.freeze(expressions),
    }),
    problems,
  };
}

/** A list of label selectors (`nodeSelectors`, `ipAddressPoolSelectors`...); absent or null = none. */
export function parseSelectorList(raw: unknown, field: string, out: FieldProblem[]): LabelSelector[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    out.push(problem(field, `must be a list of label selectors, got ${jsonType(raw)}`));
    return [];
  }
  const selectors: LabelSelector[] = [];
  raw.forEach((v: unknown, i) => {
    const r = parseSelector(v, `${field}[${i}]`);
    out.push(...r.problems);
    if (r.selector) selectors.push(r.selector);
  });
  return selectors;
}
