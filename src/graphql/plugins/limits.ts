/** Validation rules of our own; depth uses graphql-depth-limit, cost runs as a plugin (it needs variables). */
import {
  GraphQLError,
  KnownFragmentNamesRule,
  NoFragmentCyclesRule,
  validate,
  visitInParallel,
  type ValidationContext,
  type ValidationRule,
} from "graphql";

/** Refuses operations with more than `max` aliased fields (alias floods multiply work cheaply). */
export function aliasLimitRule(max: number): ValidationRule {
  return (context: ValidationContext) => {
    let count = 0;
    return {
      Field(node) {
        if (node.alias && ++count === max + 1) {
          context.reportError(new GraphQLError(`The operation uses more than ${max} aliases; the limit is ${max}. Split it into several requests.`, { nodes: [node] }));
        }
      },
    };
  };
}

/**
 * Refuses an operation of a kind the schema has no root type for (a `subscription` here): graphql 16
 * validates its fields against nothing and fails only while executing, as an internal error.
 */
export const knownOperationTypesRule: ValidationRule = (context: ValidationContext) => ({
  OperationDefinition(node) {
    if (!context.getSchema().getRootType(node.operation)) {
      context.reportError(new GraphQLError(`This API has no ${node.operation} operations; use a query or a mutation.`, { nodes: [node] }));
    }
  },
});

/**
 * Runs `rules` only on a document whose fragments are all defined and free of cycles. Custom rules
 * (graphql-depth-limit's walk, say) follow fragment spreads into their definitions: a cycle
 * (`fragment A on Query { ...B } fragment B on Query { ...A }`) would recurse until the stack
 * overflows. graphql's own rules report such a document as GRAPHQL_VALIDATION_FAILED; these rules then
 * stay silent.
 */
export function afterFragmentChecks(rules: readonly ValidationRule[]): ValidationRule {
  return (context: ValidationContext) => {
    const problems = validate(context.getSchema(), context.getDocument(), [KnownFragmentNamesRule, NoFragmentCyclesRule]);
    return problems.length ? {} : visitInParallel(rules.map((rule) => rule(context)));
  };
}
