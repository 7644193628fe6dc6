import { type TObject, type TString, Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { projectIdOf } from '../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok, Timestamp } from '../../http/envelope.js';
import { toRfc3339 } from '../../lib/time.js';

interface KeyRow {
  id: string;
  key_hint: string;
  created_at: Date;
}

/** What the signing-key routes need of an endpoint service (outbound or inbound). */
export interface SigningKeyService {
  createSigningKey(projectId: string, endpointId: string): Promise<{ row: KeyRow; secret: string }>;
  listSigningKeys(projectId: string, endpointId: string): Promise<KeyRow[]>;
  deleteSigningKey(projectId: string, endpointId: string, keyId: string): Promise<void>;
}

export interface SigningKeyRouteOptions {
  /** The endpoint's path, e.g. `/v1/endpoints/:id`. */
  endpointPath: string;
  tags: string[];
  idParams: TObject<{ id: TString }>;
  /** The listed key's schema (its id's description differs per kind of endpoint). */
  signingKey: TObject;
  listSummary: string;
  /** Extra paths that add a key, with their summaries (outbound keeps a legacy alias). */
  createAliases?: Array<{ path: string; summary: string }>;
  service: SigningKeyService;
}

const ErrorRef = Type.Ref('ErrorEnvelope');
const KeyParams = Type.Object({ id: Type.String(), key_id: Type.String() });
const CreatedSigningKey = Type.Object({
  id: Type.String(),
  signing_secret: Type.String({ description: 'whsec_… — shown only in this response' }),
  key_hint: Type.String(),
  created_at: Timestamp,
});

export function presentSigningKey(row: KeyRow) {
  return { id: row.id, key_hint: row.key_hint, created_at: toRfc3339(row.created_at)! };
}

/** Add, list and delete the signing keys of one kind of endpoint (at most 2 active, never the last one). */
export function signingKeyRoutes(options: SigningKeyRouteOptions): FastifyPluginAsyncTypebox {
  const { endpointPath, tags, idParams, service } = options;

  async function create(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) {
    const { row, secret } = await service.createSigningKey(projectIdOf(request), request.params.id);
    return reply.code(201).send(
      ok(request, {
        id: row.id,
        signing_secret: secret,
        key_hint: row.key_hint,
        created_at: toRfc3339(row.created_at)!,
      }),
    );
  }
  const createSchema = (summary: string) => ({
    tags,
    summary,
    params: idParams,
    response: { 201: Envelope(CreatedSigningKey), ...COMMON_ERRORS, 404: ErrorRef, 409: ErrorRef },
  });
  const creates = [
    {
      path: `${endpointPath}/signing-keys`,
      summary: 'Add a signing key (at most 2 active; the secret is returned once)',
    },
    ...(options.createAliases ?? []),
  ];

  return async (app) => {
    for (const { path, summary } of creates) app.post(path, { schema: createSchema(summary) }, create);

    app.get(
      `${endpointPath}/signing-keys`,
      {
        schema: {
          tags,
          summary: options.listSummary,
          params: idParams,
          response: { 200: Envelope(Type.Array(options.signingKey)), ...COMMON_ERRORS, 404: ErrorRef },
        },
      },
      async (request) => {
        const rows = await service.listSigningKeys(projectIdOf(request), request.params.id);
        return ok(request, rows.map(presentSigningKey));
      },
    );

    app.delete(
      `${endpointPath}/signing-keys/:key_id`,
      {
        schema: {
          tags,
          summary: 'Delete a signing key; the last active key cannot be deleted',
          params: KeyParams,
          response: {
            200: Envelope(Type.Object({ id: Type.String(), deleted: Type.Boolean() })),
            ...COMMON_ERRORS,
            404: ErrorRef,
            409: ErrorRef,
          },
        },
      },
      async (request) => {
        const { id, key_id } = request.params;
        await service.deleteSigningKey(projectIdOf(request), id, key_id);
        return ok(request, { id: key_id, deleted: true });
      },
    );
  };
}
