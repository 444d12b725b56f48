/** Decoding raw events into HMM domain events: probe definitions, field radix, enums, PTEs, origins. */

export { Decoder, type DecodedEvent, type Resolution } from './decoder';
export { ProbeCatalog, parseProbeLine, type ProbeDefinition } from './probeCatalog';
export { discoverProbeFiles, readDefinitionFile } from './probeDiscovery';
export { decodePte, parsePte, type DecodedPte, type PteKind } from './pte';
export * from './enums';
export { classifyOrigin, classifyStack, frameFunction, originFromSyscall } from './origin';
export { functionInfo, wellKnownProbe, baseFunction } from './functions';
export { decodeDriverLog } from './driverLog';
export { FieldResolver, parseBig } from './fields';
