/** The API surface other parts of ironlb-kube use: discovery, OpenAPI and Table answers, all pure. */
export {
  AGGREGATED_V2_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  compareKubeVersions,
  discoveryResponse,
  negotiateDiscovery,
  parseAccept,
  storageVersionHash,
  type DiscoveryAnswer,
  type DiscoveryForm,
  type DiscoveryOptions,
} from './discovery';
export { ageSince, humanDuration } from './duration';
export { findResults, parseJSONPath } from './jsonpath';
export {
  gvPath,
  openapiResponse,
  openapiV2Document,
  openapiV3Document,
  openapiV3Index,
  type OpenAPIAnswer,
} from './openapi';
export {
  customColumnCell,
  printerFor,
  toTable,
  toTableForObject,
  wantsTable,
  type IncludeObject,
  type PrinterColumn,
  type TableOptions,
} from './table';
export type { Cell, ColumnDefinition } from './printers';
export * from './registry';
