/**
 * RemoteImporter over HTTP: sends rows to a running vitrine server's `importArtworks` mutation with an
 * admin key. The server's refusals become errors a person can act on (no key, not an admin key, the
 * server gone); a call refused for its input becomes an InvalidInputError, so the caller retries row by row.
 */
import { InvalidInputError } from "../../domain/errors.ts";
import type { RemoteImporter, RemoteImportResult, RemoteRejectedRow } from "../../ports/remote-importer.port.ts";

const IMPORT = `mutation VitrineImport($rows: [ArtworkImportRowInput!]!) {
  importArtworks(input: { rows: $rows }) { created { index } updated { index } unchanged { index } rejected { index code field message } }
}`;

interface GraphQLError {
  readonly message: string;
  readonly extensions?: { readonly code?: string; readonly field?: string };
}

type ImportPayload = Record<"created" | "updated" | "unchanged", readonly { index: number }[]> & { rejected: readonly RemoteRejectedRow[] };

export class GraphQLImportClient implements RemoteImporter {
  /** MAX_IMPORT_ROWS of the mutation. */
  readonly maxRows = 1000;

  /** `endpoint`: the server's GraphQL URL; `apiKey`: an admin key of that server. */
  constructor(
    private readonly endpoint: string,
    private readonly apiKey: string,
  ) {}

  async importRows(rows: readonly unknown[]): Promise<RemoteImportResult> {
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${this.apiKey}` },
        body: JSON.stringify({ query: IMPORT, variables: { rows } }),
      });
    } catch (e) {
      throw new Error(`Could not reach the vitrine server at ${this.endpoint} (${(e as Error).cause ?? (e as Error).message}). Is it still running?`);
    }
    let body: { data?: { importArtworks?: ImportPayload } | null; errors?: readonly GraphQLError[] };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new Error(`The server at ${this.endpoint} answered HTTP ${response.status} without a GraphQL response.`);
    }
    const error = body.errors?.[0];
    if (error) {
      const code = error.extensions?.code;
      if (code === "UNAUTHENTICATED") {
        throw new Error(`The server at ${this.endpoint} did not accept the API key (${error.message}). Give one of its admin keys with --key or VITRINE_API_KEY.`);
      }
      if (code === "FORBIDDEN") throw new Error(`The API key is not an admin key of the server at ${this.endpoint}; importing needs an admin key (--key or VITRINE_API_KEY).`);
      if (code === "BAD_USER_INPUT") throw new InvalidInputError(error.extensions?.field ?? "row", error.message);
      throw new Error(`The server at ${this.endpoint} refused the import: ${error.message}`);
    }
    const payload = body.data?.importArtworks;
    if (!payload) throw new Error(`The server at ${this.endpoint} answered HTTP ${response.status} without an import result.`);
    return { created: payload.created.length, updated: payload.updated.length, unchanged: payload.unchanged.length, rejected: payload.rejected };
  }
}
