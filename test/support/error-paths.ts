/**
 * The error contract (issue 13, item 7): an error's `extensions.field` is a path in the client's own
 * request: the argument name of the field at the error's `path` (or of a field above it), then input fields and list indices
 * joined with dots, through literals in the query and through variables alike. `fieldProblem` says why
 * a field does not resolve against its request (null when it does); the e2e helper (test-app.ts) checks
 * every error of every request with it.
 */
import {
  Kind,
  parse,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

/** A value of the request: an AST literal or a JS value from the variables. */
type Value = { readonly ast: ValueNode } | { readonly js: unknown };

function fieldsAt(set: SelectionSetNode, key: string, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): FieldNode[] {
  return set.selections.flatMap((s): FieldNode[] => {
    if (s.kind === Kind.FIELD) return (s.alias?.value ?? s.name.value) === key ? [s] : [];
    if (s.kind === Kind.INLINE_FRAGMENT) return fieldsAt(s.selectionSet, key, fragments, seen);
    const name = s.name.value;
    const fragment = fragments.get(name);
    if (!fragment || seen.has(name)) return [];
    return fieldsAt(fragment.selectionSet, key, fragments, new Set(seen).add(name));
  });
}

function step(value: Value, segment: string, variables: Record<string, unknown>): Value | undefined {
  if ("ast" in value && value.ast.kind === Kind.VARIABLE) return step({ js: variables[value.ast.name.value] }, segment, variables);
  if ("ast" in value) {
    const ast = value.ast;
    if (ast.kind === Kind.OBJECT) {
      const f = ast.fields.find((x) => x.name.value === segment);
      return f ? { ast: f.value } : undefined;
    }
    if (ast.kind === Kind.LIST) return /^\d+$/.test(segment) && Number(segment) < ast.values.length ? { ast: ast.values[Number(segment)] } : undefined;
    return undefined;
  }
  const js = value.js;
  if (Array.isArray(js)) return /^\d+$/.test(segment) && Number(segment) < js.length ? { js: js[Number(segment)] } : undefined;
  if (js !== null && typeof js === "object" && Object.hasOwn(js, segment)) return { js: (js as Record<string, unknown>)[segment] };
  return undefined;
}

function isObjectValue(value: Value, variables: Record<string, unknown>): boolean {
  if ("ast" in value && value.ast.kind === Kind.VARIABLE) return isObjectValue({ js: variables[value.ast.name.value] }, variables);
  if ("ast" in value) return value.ast.kind === Kind.OBJECT;
  return value.js !== null && typeof value.js === "object" && !Array.isArray(value.js);
}

/** A GraphQL error as a response carries it (the parts the contract reads). */
export interface RequestError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: { readonly field?: string };
}

/**
 * Why `error.extensions.field` is not a path in the request (null when it is, or when the error
 * names no field). The last segment may be missing from an input object given in the request: a
 * required value left out ("artwork.title") is named where it belongs.
 */
export function fieldProblem(query: string, variables: Record<string, unknown> | undefined, operationName: string | undefined, error: RequestError): string | null {
  const field = error.extensions?.field;
  if (field === undefined) return null;
  if (!error.path?.length) return `"${field}" is named by an error without a path`;
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return `"${field}" is named by an error of a request that does not parse`;
  }
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!operation) return "no operation";
  // the fields along the error's path, deepest first: an argument may belong to the field that failed
  // or to one above it (a filter of `artworkFacets` checked while resolving its `total`)
  const levels: FieldNode[][] = [];
  let set: SelectionSetNode[] = [operation.selectionSet];
  for (const key of error.path) {
    if (typeof key === "number") continue;
    const found = set.flatMap((s) => fieldsAt(s, key, fragments));
    levels.unshift(found);
    set = found.flatMap((c) => (c.selectionSet ? [c.selectionSet] : []));
  }
  if (!levels[0]?.length) return `no field at path ${error.path.join(".")}`;
  const [argName, ...rest] = field.split(".");
  const vars = variables ?? {};
  for (const node of levels.flat()) {
    const arg = node.arguments?.find((a) => a.name.value === argName);
    if (!arg) continue;
    const walk = (segments: readonly string[]) => segments.reduce<Value | undefined>((v, seg) => (v ? step(v, seg, vars) : undefined), { ast: arg.value });
    if (walk(rest) !== undefined) return null;
    // only the last segment missing, from an input object of the request: the value the client must add
    const parent = rest.length ? walk(rest.slice(0, -1)) : undefined;
    if (parent !== undefined && isObjectValue(parent, vars) && /^[_A-Za-z][_0-9A-Za-z]*$/.test(rest[rest.length - 1])) return null;
  }
  return `"${field}" is not a path in the request (argument "${argName}" of field ${error.path.join(".")})`;
}
