// The MicroWebSrv2.pyhtml-compile part: the page compiler, a bundle of its own that the PyhtmlTemplate
// module loads from Storage to compile a page (once per page and change: pages stay compiled in its
// cache) and that is released when idle (src/core/platform/partLoader.ts), so a board does not hold the
// compiler's functions between compilations.

export { compilePage } from './compiler';

/** This part's exports, as its module loads them (loadPart). */
export type CompilePart = typeof import('./index');
