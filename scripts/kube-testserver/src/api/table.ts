import type { JsonObject, KubeObject } from '../types';
import { DESCRIPTIONS } from './descriptions';
import { humanDuration } from './duration';
import { findResults, goJSON, goPrint } from './jsonpath';
import { DEFAULT_PRINTER, PRINTERS, type Cell, type ColumnDefinition, type Printer } from './printers';
import type { ResourceInfo } from './registry';
import { parseAccept } from './discovery';

/**
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` answers: meta.k8s.io Tables, as kubectl get prints them.
 * Built-in kinds use the ported printers; custom resources use their CRD's additionalPrinterColumns (JSONPath).
 */

/** One entry of a CRD version's additionalPrinterColumns. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  format?: string;
  description?: string;
  priority?: number;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  /** `includeObject` query parameter; the server's default is Metadata. */
  includeObject?: IncludeObject;
  now: Date;
  /** For a custom resource: the served version's additionalPrinterColumns (none: Name and Age). */
  printerColumns?: PrinterColumn[];
  /** The list's metadata; toTableForObject uses the object's resourceVersion instead. */
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
  /** `meta.k8s.io/v1` unless the client asked for v1beta1 only. */
  tableVersion?: 'v1' | 'v1beta1';
}

/** The Table version the Accept header asks for, or undefined when it does not ask for a Table. */
export function wantsTable(accept: string | undefined): 'v1' | 'v1beta1' | undefined {
  for (const r of parseAccept(accept)) {
    if (r.type !== 'application/json' && r.type !== '*/*') continue;
    if (r.params.as === undefined) return undefined;
    if (r.params.as === 'Table' && r.params.g === 'meta.k8s.io' && (r.params.v === 'v1' || r.params.v === 'v1beta1'))
      return r.params.v;
  }
  return undefined;
}

/** The column for a custom resource's printer column, as the CRD table convertor declares it. */
function crdColumn(c: PrinterColumn): ColumnDefinition {
  return {
    name: c.name,
    type: c.type,
    format: c.format ?? '',
    description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
    priority: c.priority ?? 0,
  };
}

/** cellForJSONValue: the typed cell for a non-string column. */
function typedCell(type: string, value: unknown, now: Date): Cell {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'string':
      return typeof value === 'string' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      const t = Date.parse(value);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(t)) return '<invalid>';
      return humanDuration(now.getTime() - t);
    }
    default:
      return null;
  }
}

/** One custom-resource cell: the first JSONPath match; strings print like `kubectl -o jsonpath`. */
export function customColumnCell(c: PrinterColumn, object: unknown, now: Date): Cell {
  let results: unknown[];
  try {
    results = findResults(c.jsonPath, object);
  } catch {
    return null;
  }
  if (!results.length) return null;
  const value = results[0];
  if (c.type !== 'string') return typedCell(c.type, value, now);
  if (value === null || value === undefined) return null;
  return typeof value === 'object' ? goJSON(value) : goPrint(value);
}

const DEFAULT_CR_COLUMNS: PrinterColumn[] = [
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: DESCRIPTIONS.creationTimestamp },
];

function customResourcePrinter(columns: PrinterColumn[] | undefined): Printer {
  const cols = columns && columns.length ? columns : DEFAULT_CR_COLUMNS;
  return {
    columns: [
      { name: 'Name', type: 'string', format: 'name', description: DESCRIPTIONS.name, priority: 0 },
      ...cols.map(crdColumn),
    ],
    cells: (o, now) => [o.metadata.name ?? '', ...cols.map((c) => customColumnCell(c, o, now))],
  };
}

/** The printer the server uses for a resource. */
export function printerFor(info: ResourceInfo, printerColumns?: PrinterColumn[]): Printer {
  if (info.crd) return customResourcePrinter(printerColumns);
  return PRINTERS[`${info.group}/${info.resource}`] ?? DEFAULT_PRINTER;
}

function rowObject(o: KubeObject, include: IncludeObject): JsonObject | null {
  if (include === 'None') return null;
  if (include === 'Object') return o as unknown as JsonObject;
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: o.metadata as unknown as JsonObject,
  };
}

/** A Table of `objects` (a list answer). */
export function toTable(info: ResourceInfo, objects: readonly KubeObject[], opts: TableOptions): JsonObject {
  const printer = printerFor(info, opts.printerColumns);
  const include = opts.includeObject ?? 'Metadata';
  const metadata: JsonObject = {};
  if (opts.resourceVersion !== undefined) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  const rows = objects.map((o): JsonObject => {
    const row: JsonObject = { cells: printer.cells(o, opts.now) };
    const conditions = printer.conditions?.(o);
    if (conditions) row.conditions = conditions;
    row.object = rowObject(o, include);
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.tableVersion ?? 'v1'}`,
    metadata,
    columnDefinitions: printer.columns.map((c) => ({ ...c })),
    rows,
  };
}

/** A Table of one object (a GET answer): the table's resourceVersion is the object's. */
export function toTableForObject(info: ResourceInfo, object: KubeObject, opts: TableOptions): JsonObject {
  return toTable(info, [object], { ...opts, resourceVersion: object.metadata.resourceVersion });
}
