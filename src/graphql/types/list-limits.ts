/**
 * Caps on list arguments, checked before a resolver runs (a list of 100,000 ids never reaches the
 * database); each list's description states its cap.
 */

/** Most ids a list argument may hold. */
export const MAX_IDS = 1000;

/** Most values (categories, names) any other list argument may hold. */
export const MAX_LIST_ITEMS = 1000;

/** Most liked and disliked works a recommendation starts from (the service's limit for both together). */
export const MAX_EXAMPLES = 50;
