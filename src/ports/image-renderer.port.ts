/** Renders a stored image at a requested region and size (what a page displays). */

/** Output formats a rendered image can take. */
export type RenderFormat = "jpg" | "png" | "webp";

/** Colour of a rendered image. */
export type RenderQuality = "default" | "color" | "gray";

/** What to render: a rectangle of the displayed image (EXIF orientation applied), scaled to width × height. */
export interface RenderRequest {
  readonly region: { readonly left: number; readonly top: number; readonly width: number; readonly height: number };
  readonly width: number;
  readonly height: number;
  readonly quality: RenderQuality;
  readonly format: RenderFormat;
}

/** Decodes a stored image and renders a region of it at a size (sharp in production). */
export interface ImageRenderer {
  /** Width and height as displayed (after the EXIF orientation). */
  dimensions(bytes: Uint8Array): Promise<{ width: number; height: number }>;
  /** The rendered image file. Runs off the event loop. */
  render(bytes: Uint8Array, request: RenderRequest): Promise<Uint8Array>;
}
