import { Resvg } from '@resvg/resvg-js';
import { packagePath } from '../../util/package-root.js';
import type { SafeSvg } from './svg.js';

/** The bundled fonts: resvg loads no system fonts here, so PNGs look identical on every machine. */
export const FONT_FILES = [
  packagePath('assets', 'fonts', 'DejaVuSans.ttf'),
  packagePath('assets', 'fonts', 'DejaVuSans-Bold.ttf'),
];

/** Rasterises one of our SVG charts to PNG at `zoom` × its size (2 for crisp images on HiDPI screens). */
export function svgToPng(svg: SafeSvg, zoom = 2): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: zoom },
    background: '#ffffff',
    font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
