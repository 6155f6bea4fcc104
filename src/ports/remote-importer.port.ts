/**
 * A running vitrine server that imports rows for the command line (the embedded store is open in
 * that server, so `vitrine import` sends its rows there instead of opening the store itself).
 */

/** A row the server refused: its position in the call, and why. */
export interface RemoteRejectedRow {
  /** Position of the row in the call, from 0. */
  readonly index: number;
  readonly code: string;
  /** The row's field at fault as a request path ("input.rows.3.artists.0.name"), or null. */
  readonly field: string | null;
  readonly message: string;
}

export interface RemoteImportResult {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly rejected: readonly RemoteRejectedRow[];
}

export interface RemoteImporter {
  /** Most rows one call may carry. */
  readonly maxRows: number;
  /**
   * Imports the rows (catalogue file rows as values). Throws a domain error (InvalidInputError) when
   * the server refuses the call as a whole for its input, and a plain Error for anything else (no or
   * wrong key, server gone): those end the import.
   */
  importRows(rows: readonly unknown[]): Promise<RemoteImportResult>;
}
