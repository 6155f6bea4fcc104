import { registerEnumType } from "type-graphql";
import { MEDIUM_CATEGORIES, type MediumCategory as MediumCategoryName } from "../../domain/artwork.ts";

/** GraphQL enum values for the catalogue's medium categories; the internal value is the stored name. */
export enum MediumCategory {
  PAINTING = "painting",
  PRINT = "print",
  DRAWING = "drawing",
  PHOTOGRAPH = "photograph",
  SCULPTURE = "sculpture",
  TEXTILE = "textile",
  CERAMIC = "ceramic",
  DECORATIVE_ART = "decorative art",
  FURNITURE = "furniture",
  GLASS = "glass",
  METALWORK = "metalwork",
  ARCHITECTURE = "architecture",
  VIDEO = "video",
  MIXED_MEDIA = "mixed media",
  BOOK = "book",
  OTHER = "other",
}

// the enum and the domain list must name the same categories
const enumValues = new Set<string>(Object.values(MediumCategory));
if (MEDIUM_CATEGORIES.some((c: MediumCategoryName) => !enumValues.has(c)) || enumValues.size !== MEDIUM_CATEGORIES.length) {
  throw new Error("MediumCategory enum is out of step with MEDIUM_CATEGORIES");
}

registerEnumType(MediumCategory, {
  name: "MediumCategory",
  description: "Broad family of a work's medium, used for filtering and similarity.",
  valuesConfig: {
    PAINTING: { description: "Paintings on any support." },
    PRINT: { description: "Prints and printing plates." },
    DRAWING: { description: "Drawings, watercolours and architectural drawings." },
    PHOTOGRAPH: { description: "Photographs." },
    SCULPTURE: { description: "Sculpture and three-dimensional works." },
    TEXTILE: { description: "Textiles and costume." },
    CERAMIC: { description: "Ceramics and porcelain." },
    DECORATIVE_ART: { description: "Decorative and functional objects: containers, lighting, tools." },
    FURNITURE: { description: "Furniture." },
    GLASS: { description: "Glass." },
    METALWORK: { description: "Metalwork, silver and jewellery." },
    ARCHITECTURE: { description: "Architectural models and fragments." },
    VIDEO: { description: "Film and video." },
    MIXED_MEDIA: { description: "Works combining several media." },
    BOOK: { description: "Books and bound volumes." },
    OTHER: { description: "Anything not in the families above." },
  },
});
