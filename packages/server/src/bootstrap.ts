import type { Services } from './services.js';

/**
 * HOOKBRIDGE_BOOTSTRAP_API_KEY: make sure the "Default" project exists and the key is registered for it
 * (idempotent across restarts).
 */
export async function registerBootstrapKey(services: Services): Promise<void> {
  const { config, projects, apiKeys } = services;
  if (!config.bootstrapApiKey) return;
  const project = await projects.ensureDefault();
  await apiKeys.register(project.id, config.bootstrapApiKey, 'bootstrap');
}

/**
 * The first start of an empty store (without HOOKBRIDGE_BOOTSTRAP_API_KEY) creates the "Default" project
 * with a new live key, returned so the caller shows it once. Called only once the server listens: a key
 * created by a start that then failed would never be shown, and later starts would create none.
 */
export async function createFirstKey(services: Services): Promise<string | null> {
  const { config, projects, apiKeys } = services;
  if (config.bootstrapApiKey || !(await projects.isEmpty())) return null;
  const project = await projects.ensureDefault();
  const { key } = await apiKeys.create(project.id, { label: 'first key', mode: 'live' });
  return key;
}
