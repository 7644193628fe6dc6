import { signingKeyRoutes as keyRoutes } from '../shared/signing-key-routes.js';
import { IdParams, SigningKey, TAGS } from './schemas.js';
import type { EndpointService } from './service.js';

export function signingKeyRoutes({ endpoints }: { endpoints: EndpointService }) {
  return keyRoutes({
    endpointPath: '/v1/endpoints/:id',
    tags: TAGS,
    idParams: IdParams,
    signingKey: SigningKey,
    listSummary: "List an endpoint's active signing keys (hints only, never secrets)",
    createAliases: [
      { path: '/v1/endpoints/:id/rotate-secret', summary: 'Legacy alias of adding a signing key' },
    ],
    service: endpoints,
  });
}
