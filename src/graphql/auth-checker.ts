/**
 * `@Authorized("ADMIN")` on a field: anonymous callers get UNAUTHENTICATED, callers whose key lacks
 * the role get FORBIDDEN (graphql/errors.ts maps the two).
 */
import type { AuthChecker } from "type-graphql";
import { ForbiddenError, UnauthenticatedError } from "../domain/errors.ts";
import type { GraphQLContext } from "./context.ts";

export const authChecker: AuthChecker<GraphQLContext> = ({ context }, roles) => {
  if (context.badCredential) throw new UnauthenticatedError("The API key is unknown or revoked; create one with `vitrine apikey create`.");
  if (!context.principal) throw new UnauthenticatedError("This operation needs an admin API key: send `Authorization: Bearer <key>`.");
  if (roles.length > 0 && !roles.includes(context.principal.role)) {
    throw new ForbiddenError(`This operation needs a key with role ${roles.join(" or ")}; yours has role ${context.principal.role}.`);
  }
  return true;
};
