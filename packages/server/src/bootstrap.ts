import type { Services } from './services.js';

export interface BootstrapResult {
  /** A key created on the very first start of an empty store, to print once. */
  firstKey: string | null;
  projectId: string | null;
}

/**
 * HOOKBRIDGE_BOOTSTRAP_API_KEY: make sure the "Default" project exists and the key is registered for it
 * (idempotent across restarts). Without it, the first start of an empty store creates the Default project
 * with a new live key, returned so the caller can show it once.
 */
export async function bootstrap(services: Services): Promise<BootstrapResult> {
  const { config, projects, apiKeys } = services;
  if (config.bootstrapApiKey) {
    const project = await projects.ensureDefault();
    await apiKeys.register(project.id, config.bootstrapApiKey, 'bootstrap');
    return { firstKey: null, projectId: project.id };
  }
  if (!(await projects.isEmpty())) return { firstKey: null, projectId: null };
  const project = await projects.ensureDefault();
  const { key } = await apiKeys.create(project.id, { label: 'first key', mode: 'live' });
  return { firstKey: key, projectId: project.id };
}
