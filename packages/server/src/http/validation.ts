import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
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
    httpPart === 'body' ? exact.compile(schema) : safeScalars(coercing.compile(schema)),
  );
}

/**
 * Ajv coerces "1e309" and "Infinity" to a number that passes `integer` and `minimum`; no handler can use
 * it. After coercion, every number in the query or the params must be finite and a safe integer's size.
 * PostgreSQL text cannot hold a NUL character, so no query or path string may contain one either (a
 * JSON body is checked the same way by json-body.ts).
 */
function safeScalars(validate: ValidateFunction): ValidateFunction {
  const wrapped = ((data: unknown) => {
    wrapped.errors = null;
    if (!validate(data)) {
      wrapped.errors = validate.errors;
      return false;
    }
    if (data === null || typeof data !== 'object') return true;
    for (const [key, value] of Object.entries(data)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (typeof item === 'number' && !(Math.abs(item) <= Number.MAX_SAFE_INTEGER)) {
          wrapped.errors = [outOfRange(key)];
          return false;
        }
        if (typeof item === 'string' && item.includes('\u0000')) {
          wrapped.errors = [holdsNul(key)];
          return false;
        }
      }
    }
    return true;
  }) as ValidateFunction;
  wrapped.errors = null;
  return wrapped;
}

function outOfRange(key: string): ErrorObject {
  return {
    instancePath: `/${key}`,
    schemaPath: '#/finite',
    keyword: 'finite',
    params: {},
    message: `must be a finite number no larger than ${Number.MAX_SAFE_INTEGER}`,
  };
}

function holdsNul(key: string): ErrorObject {
  return {
    instancePath: `/${key}`,
    schemaPath: '#/nul',
    keyword: 'nul',
    params: {},
    message: 'must not contain NUL characters (\\u0000)',
  };
}
