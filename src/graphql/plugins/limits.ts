/** Validation rules of our own; depth uses graphql-depth-limit, cost runs as a plugin (it needs variables). */
import { GraphQLError, type ValidationContext, type ValidationRule } from "graphql";

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
