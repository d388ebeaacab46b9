/**
 * Names a user gives on the command line, checked against what the database holds: a provider
 * or model that names nothing there is a usage error listing the closest known names, never a
 * silent zero. Needs the temp tables `model_map` and `provider_map`.
 */
import { UsageError } from '../errors.js';
import type { Store } from '../store/db.js';

/** Every provider the database's tables name, as canonical ids. */
const PROVIDERS = 'SELECT DISTINCT provider AS name FROM provider_map';

/** Every canonical model the database's tables name. */
const MODELS = 'SELECT DISTINCT model AS name FROM model_map';

async function check(store: Store, known: string, name: string, what: string, option: string): Promise<void> {
  const rows = await store.all<{ name: string; exact: boolean }>(
    `SELECT name, name = $name AS exact FROM (${known})
     WHERE name IS NOT NULL ORDER BY exact DESC, levenshtein(lower(name), lower($name)), name LIMIT 3`,
    { name },
  );
  if (rows[0]?.exact) return;
  const closest = rows.length ? `; closest: ${rows.map((r) => r.name).join(', ')}` : `; the database holds no ${what}s`;
  throw new UsageError(`${option}: '${name}' names no ${what} in the database${closest}`);
}

/** A usage error unless the provider appears in the database. */
export function checkProvider(store: Store, provider: string, option: string): Promise<void> {
  return check(store, PROVIDERS, provider, 'provider', option);
}

/** A usage error unless the canonical model appears in the database. */
export function checkModel(store: Store, model: string, option: string): Promise<void> {
  return check(store, MODELS, model, 'model', option);
}
