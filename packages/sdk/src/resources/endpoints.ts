import type { PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/transport.js';
import type {
  CreatedEndpoint,
  CreatedSigningKey,
  CreateEndpointParams,
  DeleteResult,
  Endpoint,
  EndpointPauseState,
  EndpointResumeState,
  EndpointSummary,
  ListEndpointsParams,
  SigningKey,
  UpdatedEndpoint,
  UpdateEndpointParams,
} from '../types.js';
import { Resource, seg } from './resource.js';

/** Signing keys of one kind of endpoint; at most two are active (rotation). */
export class SigningKeys extends Resource {
  constructor(
    transport: Resource['transport'],
    private readonly base: '/v1/endpoints' | '/v1/inbound-endpoints',
  ) {
    super(transport);
  }

  /** Adds a key; both keys sign until the old one is deleted. The secret is returned only here. */
  create(endpointId: string, options?: RequestOptions): Promise<CreatedSigningKey> {
    return this.data(
      { method: 'POST', path: `${this.base}/${seg(endpointId)}/signing-keys`, retry: 'unrepeatable' },
      options,
    );
  }

  list(endpointId: string, options?: RequestOptions): Promise<SigningKey[]> {
    return this.data(
      { method: 'GET', path: `${this.base}/${seg(endpointId)}/signing-keys`, retry: 'idempotent' },
      options,
    );
  }

  delete(endpointId: string, keyId: string, options?: RequestOptions): Promise<DeleteResult> {
    return this.data(
      {
        method: 'DELETE',
        path: `${this.base}/${seg(endpointId)}/signing-keys/${seg(keyId)}`,
        retry: 'idempotent',
      },
      options,
    );
  }
}

export class Endpoints extends Resource {
  readonly signingKeys = new SigningKeys(this.transport, '/v1/endpoints');

  /** The signing secret is returned only here. */
  create(params: CreateEndpointParams, options?: RequestOptions): Promise<CreatedEndpoint> {
    return this.data({ method: 'POST', path: '/v1/endpoints', body: params, retry: 'unrepeatable' }, options);
  }

  list(params: ListEndpointsParams = {}, options?: RequestOptions): PagePromise<EndpointSummary> {
    return this.cursorList('/v1/endpoints', params, options);
  }

  get(endpointId: string, options?: RequestOptions): Promise<Endpoint> {
    return this.data(
      { method: 'GET', path: `/v1/endpoints/${seg(endpointId)}`, retry: 'idempotent' },
      options,
    );
  }

  update(
    endpointId: string,
    params: UpdateEndpointParams,
    options?: RequestOptions,
  ): Promise<UpdatedEndpoint> {
    return this.data(
      { method: 'PATCH', path: `/v1/endpoints/${seg(endpointId)}`, body: params, retry: 'idempotent' },
      options,
    );
  }

  delete(endpointId: string, options?: RequestOptions): Promise<DeleteResult> {
    return this.data(
      { method: 'DELETE', path: `/v1/endpoints/${seg(endpointId)}`, retry: 'idempotent' },
      options,
    );
  }

  /** Sends are still accepted and stored; nothing is delivered until resume. */
  pause(endpointId: string, options?: RequestOptions): Promise<EndpointPauseState> {
    return this.data(
      { method: 'POST', path: `/v1/endpoints/${seg(endpointId)}/pause`, retry: 'idempotent' },
      options,
    );
  }

  resume(endpointId: string, options?: RequestOptions): Promise<EndpointResumeState> {
    return this.data(
      { method: 'POST', path: `/v1/endpoints/${seg(endpointId)}/resume`, retry: 'idempotent' },
      options,
    );
  }

  /** The legacy rotate route: adds a signing key like `signingKeys.create`. */
  rotateSecret(endpointId: string, options?: RequestOptions): Promise<CreatedSigningKey> {
    return this.data(
      { method: 'POST', path: `/v1/endpoints/${seg(endpointId)}/rotate-secret`, retry: 'unrepeatable' },
      options,
    );
  }
}
