export { canonicalJson, requestKey } from "./request-key.js";
export { type CachedResponse, LLM_MIGRATIONS, ResponseCache } from "./response-cache.js";
export {
  type Migration,
  type OpenStoreOptions,
  openStore,
  registerMigrations,
  type SqliteDb,
  Store,
} from "./store.js";
