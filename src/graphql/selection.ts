/**
 * What a query asks for below the field being resolved, so a resolver can skip work nobody will
 * read (Artsy's metaphysics does the same before calling its APIs). Fragments, aliases and
 * @include / @skip are honoured (graphql-parse-resolve-info).
 */
import type { GraphQLResolveInfo } from "graphql";
import { parseResolveInfo, type ResolveTree } from "graphql-parse-resolve-info";

function children(tree: ResolveTree, name: string): ResolveTree[] {
  return Object.values(tree.fieldsByTypeName).flatMap((fields) => Object.values(fields).filter((f) => f.name === name));
}

/** Whether the selection of the field being resolved reaches `path` (field names, one per level), under any alias. */
export function selects(info: GraphQLResolveInfo, ...path: readonly string[]): boolean {
  const root = parseResolveInfo(info) as ResolveTree | null;
  if (!root) return false;
  let level: ResolveTree[] = [root];
  for (const name of path) {
    level = level.flatMap((t) => children(t, name));
    if (level.length === 0) return false;
  }
  return true;
}
