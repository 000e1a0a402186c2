/**
 * Pure visualisation functions: token colours, captum's table rows and HTML export, image
 * attribution pictures as RGBA pixels and PNG. No DOM needed; the Lit elements in
 * `components/` draw with these.
 *
 * @module
 */
export * from './escape.js';
export * from './text-colors.js';
export * from './result-kind.js';
export * from './tensor-codec.js';
export * from './table-rows.js';
export * from './subwords.js';
export * from './colormap.js';
export * from './image-normalize.js';
export * from './rgba.js';
export * from './image.js';
export * from './color-bar.js';
export * from './png.js';
export * from './theme-css.js';
export * from './html-export.js';
export * from './generation-matrix.js';
export * from './generation-html.js';
export * from './faithfulness-rows.js';
