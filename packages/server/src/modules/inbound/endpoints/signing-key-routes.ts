import type { Services } from '../../../services.js';
import { signingKeyRoutes } from '../../shared/signing-key-routes.js';
import { IdParams, SigningKey, TAGS } from './schemas.js';

/** Keys that sign forwarded deliveries when the endpoint has `signing_enabled`; managed like outbound keys. */
export function inboundSigningKeyRoutes({ inboundEndpoints }: Pick<Services, 'inboundEndpoints'>) {
  return signingKeyRoutes({
    endpointPath: '/v1/inbound-endpoints/:id',
    tags: TAGS,
    idParams: IdParams,
    signingKey: SigningKey,
    listSummary: "List an inbound endpoint's active signing keys (hints only)",
    service: inboundEndpoints,
  });
}
