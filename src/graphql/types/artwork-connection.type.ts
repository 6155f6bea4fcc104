import { Artist } from "./artist.type.ts";
import { Artwork } from "./artwork.type.ts";
import { Connection } from "./connection.ts";

export const ArtworkConnection = Connection(Artwork, "work");
export const ArtistConnection = Connection(Artist, "artist");
