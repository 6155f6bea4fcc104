/** Renders an SVG document to PNG with sharp (librsvg inside), for the quality report's plot. */
import sharp from "sharp";

/** The PNG of an SVG document, at 96 dpi. */
export async function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 96 }).png().toBuffer();
}
