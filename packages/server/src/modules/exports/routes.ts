import { createReadStream } from 'node:fs';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../http/envelope.js';
import { AppError } from '../../errors.js';
import type { Config } from '../../config.js';
import { ExportRecord, presentExport } from './present.js';
import type { ExportService } from './service.js';

const TAGS = ['Exports'];
const ErrorRef = Type.Ref('ErrorEnvelope');
const IdParams = Type.Object({ id: Type.String() });

const CreateExportBody = Type.Object(
  {
    start_time: Type.String({ format: 'date-time' }),
    end_time: Type.String({ format: 'date-time', description: 'after start_time' }),
    status: Type.Optional(Type.String({ description: 'one of the 5 message statuses' })),
    endpoint_id: Type.Optional(Type.String({ description: 'outbound only: ep_ + 32 hex' })),
    direction: Type.Optional(Type.Union([Type.Literal('outbound'), Type.Literal('inbound')])),
    inbound_endpoint_id: Type.Optional(Type.String({ format: 'uuid', description: 'inbound only' })),
  },
  { additionalProperties: false },
);

export function exportRoutes(deps: {
  exports: ExportService;
  config: Pick<Config, 'publicUrl'>;
}): FastifyPluginAsyncTypebox {
  const { exports, config } = deps;
  return async (app) => {
    app.post(
      '/v1/exports',
      {
        schema: {
          tags: TAGS,
          summary: 'Start a CSV export of messages (built in the background)',
          body: CreateExportBody,
          response: { 201: Envelope(ExportRecord), ...COMMON_ERRORS, 404: ErrorRef },
        },
      },
      async (request, reply) => {
        const row = await exports.create(projectIdOf(request), request.body);
        return reply.code(201).send(ok(request, presentExport(row)));
      },
    );

    app.get(
      '/v1/exports',
      {
        schema: {
          tags: TAGS,
          summary: "The project's exports, newest first",
          response: { 200: Envelope(Type.Array(ExportRecord)), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const rows = await exports.list(projectIdOf(request));
        const now = Date.now();
        return ok(
          request,
          rows.map((row) => presentExport(row, now)),
        );
      },
    );

    app.get(
      '/v1/exports/:id',
      {
        schema: {
          tags: TAGS,
          params: IdParams,
          response: { 200: Envelope(ExportRecord), ...COMMON_ERRORS, 404: ErrorRef },
        },
      },
      async (request) =>
        ok(request, presentExport(await exports.get(projectIdOf(request), request.params.id))),
    );

    app.delete(
      '/v1/exports/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Delete an export and its file',
          params: IdParams,
          response: {
            200: Envelope(Type.Object({ id: Type.String(), deleted: Type.Boolean() })),
            ...COMMON_ERRORS,
            404: ErrorRef,
          },
        },
      },
      async (request) => {
        await exports.delete(projectIdOf(request), request.params.id);
        return ok(request, { id: request.params.id, deleted: true });
      },
    );

    app.get(
      '/v1/exports/:id/download',
      {
        schema: {
          tags: TAGS,
          summary: 'Redirect (302) to a signed link to the CSV, valid until the export expires',
          params: IdParams,
          response: { 302: Type.Null(), ...COMMON_ERRORS, 404: ErrorRef, 410: ErrorRef },
        },
      },
      async (request, reply) => {
        const path = await exports.downloadPath(projectIdOf(request), request.params.id);
        const base = config.publicUrl ?? `${request.protocol}://${request.host}`;
        return reply.redirect(base + path, 302);
      },
    );

    app.get(
      '/v1/exports/:id/file',
      {
        config: { auth: 'none' },
        schema: {
          tags: TAGS,
          summary: 'The CSV behind a signed download link (no API key: the signature is the credential)',
          params: IdParams,
          querystring: Type.Object({ expires: Type.Integer(), signature: Type.String() }),
          response: {
            200: Type.String({ description: 'text/csv' }),
            400: ErrorRef,
            404: ErrorRef,
            410: ErrorRef,
          },
        },
      },
      async (request, reply) => {
        const { expires, signature } = request.query;
        const file = await exports.signedFile(request.params.id, expires, signature);
        if (!file)
          throw new AppError('EXPORT_NOT_FOUND', 'Export not found, or the download link is not valid');
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="hookbridge-export-${request.params.id}.csv"`)
          .send(createReadStream(file));
      },
    );
  };
}
