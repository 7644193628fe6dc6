import { ResourceClient } from '@hookbridge/sdk';
import { consoleFetch } from './http';

/**
 * The official TypeScript SDK, pointed at the server that serves the console. No API key: the session
 * cookie authenticates, and consoleFetch adds the CSRF token (and an admin's project) to each call.
 */
export const hb = new ResourceClient({
  baseUrl: window.location.origin,
  fetch: (input, init) => consoleFetch(input, init),
  maxRetries: 1,
});
