/**
 * Defaulting, validation and allocation of ironlb-kube's resources, worded exactly like kube-apiserver 1.35.
 * See strategies.ts for the call order the server follows.
 */
export { createStrategies, type StrategyOptions, type Strategies } from './strategies';
export { defineKind, genericStrategy, type KindStrategy, type KindSpec, type GenerationPolicy } from './base';
export {
  ClusterIPAllocator,
  NodePortAllocator,
  ServiceIPs,
  AllocationError,
  DEFAULT_SERVICE_CIDRS,
  type Random,
} from './allocators';
export {
  ServiceStrategy,
  defaultService,
  validateService,
  validateServiceUpdate,
  validateLoadBalancerStatus,
} from './service';
export {
  validateObjectMeta,
  validateObjectMetaUpdate,
  validateLabels,
  validateAnnotations,
  generateName,
  ensureGeneratedName,
  ensureNamespace,
  isDNS1123Label,
  isDNS1123Subdomain,
  isDNS1035Label,
  isQualifiedName,
  isValidLabelValue,
  nameIsDNSSubdomain,
  nameIsDNSLabel,
  nameIsDNS1035Label,
  pathSegmentName,
  NAME_SUFFIX_ALPHABET,
  type NameValidator,
} from './meta';
export { eventV1ToCore, coreToEventV1, canonicalCoreEvent, canonicalEventV1, eventStrategy } from './events';
export { compileSchema, validateStructuralSchema, canonicalSchema, type CompiledSchema } from './schema';
export {
  crdStrategy,
  validateCRD,
  establishCRD,
  customResourceStrategy,
  customResourceVersion,
  type CustomResourceStrategy,
  type CustomResourceVersion,
} from './crd';
export { defaultPodSpec } from './pod';
export * as fieldErrors from './fielderrors';
