// Types of build-state.mjs (plain JavaScript, read by bin/vitrine.js before any TypeScript loader).
export declare const ROOT: string;
export declare const BUILD_DIR: string;
export declare const BUILD_STAMP: string;
export declare const COMPILED_CLI: string;
export declare function buildIsFresh(): boolean;
