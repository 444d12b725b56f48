import pkg from '../../package.json';

/** The package version, baked in at build time. */
export const version: string = pkg.version;
