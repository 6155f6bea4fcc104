/** Fields of a stored image that are worked out per request: the URL a page shows it from. */
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { ArtworkImage as ArtworkImageModel } from "../../domain/artwork.ts";
import { InvalidInputError } from "../../domain/errors.ts";
import { IiifImageService } from "../../services/iiif-image.service.ts";
import type { GraphQLContext } from "../context.ts";
import { ArtworkImage } from "../types/artwork-image.type.ts";

/** The `url` field of ArtworkImage (the rest are stored values). */
@Resolver(() => ArtworkImage)
export class ArtworkImageResolver {
  /** `maxDimension`: the largest width the image route renders (VITRINE_IIIF_MAX_DIMENSION). */
  constructor(private readonly maxDimension: number) {}

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "Absolute URL of the image as JPEG, in the IIIF Image API form (`…/iiif/{sha256}/full/{width},/0/default.jpg`), cached by browsers and proxies for a year. `width` narrower than the image scales it down (height follows); left out or wider, the image at its own width, at most the server's limit (4096 pixels by default). The same service answers `…/iiif/{sha256}/info.json` and other regions and sizes. Null while the image is not stored.",
  })
  url(
    @Root() image: ArtworkImageModel,
    @Ctx() ctx: GraphQLContext,
    @Arg("width", () => Int, { nullable: true, description: "Width in pixels, from 1 to the server's limit (4096 by default). Left out: the image's own width (capped at the limit)." })
    width: number | null | undefined,
  ): string | null {
    if (!image.sha256) return null;
    if (width != null && (width < 1 || width > this.maxDimension)) {
      throw new InvalidInputError("width", `\`width\` must be between 1 and ${this.maxDimension} pixels; got ${width}.`);
    }
    const w = width != null && width < Math.min(image.width, this.maxDimension) ? width : null;
    return `${ctx.imageBaseUrl}/${IiifImageService.path(image.sha256, w)}`;
  }
}
