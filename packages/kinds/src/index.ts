export { BUILTIN_KIND_MODULES, KindLoadError, KindRegistry, importKinds, loadKinds, parseKindModules } from './registry.js';
export type { LoadedKind } from './registry.js';
