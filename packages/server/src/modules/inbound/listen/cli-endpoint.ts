import { AppError } from '../../../http/errors.js';
import type { Services } from '../../../services.js';

/** The project's cli-mode endpoint a listener names: 404 like any unknown id, 400 for a forward one. */
export async function cliEndpoint(services: Services, projectId: string, id: string | undefined) {
  if (!id) throw new AppError('INVALID_REQUEST', 'endpoint_id is required');
  const endpoint = await services.inbound.get(projectId, id);
  if (endpoint.mode !== 'cli') {
    throw new AppError(
      'INVALID_REQUEST',
      `Inbound endpoint ${endpoint.id} is in ${endpoint.mode} mode, not cli`,
    );
  }
  return endpoint;
}
