/** What every resolver receives for one request. */
import type { Logger } from "pino";
import type { TimeBudget } from "../domain/time-budget.ts";
import type { Principal } from "../services/api-key.service.ts";
import type { CatalogueLoaders } from "./loaders/catalogue.loaders.ts";

export interface GraphQLContext {
  readonly requestId: string;
  /** The caller behind the bearer key; null for anonymous requests. */
  readonly principal: Principal | null;
  /** True when an Authorization header was sent but its key is unknown or revoked. */
  readonly badCredential: boolean;
  readonly loaders: CatalogueLoaders;
  readonly log: Logger;
  /** Base of image URLs for this request, e.g. "https://api.example.org/iiif" (VITRINE_PUBLIC_URL or the Host). */
  readonly imageBaseUrl: string;
  /** The time this HTTP request's heavy work may take, shared by every operation of a batch (VITRINE_RANKING_BUDGET_MS). */
  readonly budget: TimeBudget;
}
