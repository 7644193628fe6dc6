import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

/**
 * Two validators: query strings and path parameters arrive as text and are coerced ("limit=10" → 10);
 * JSON bodies are checked as sent, so `{"label": 123}` is a 400 rather than silently becoming "123".
 */
export function installValidation(app: FastifyInstance): void {
  const base: Options = { allErrors: false, useDefaults: true, removeAdditional: false, strict: false };
  const coercing = addFormats.default(new Ajv({ ...base, coerceTypes: 'array' }));
  const exact = addFormats.default(new Ajv({ ...base, coerceTypes: false }));
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? exact : coercing).compile(schema),
  );
}
