/** The trace model: buildModel(path, options) → { ingest, model, probes }. Types in ./types. */

export { buildModel, ModelBuilder, probeCatalogFor, type BuiltModel } from './build';
export { HmmTraceModel } from './traceModel';
export { STATE_WORDS } from './kinds';
export * from './types';
