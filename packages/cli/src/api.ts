import { HookBridgeError, type RequestOptions, ResourceClient, type RetryMode } from '@hookbridge/sdk';
import { CliError } from './errors.js';
import { VERSION } from './version.js';

export const USER_AGENT = `hb/${VERSION} (hookbridge cli; node ${process.versions.node})`;

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | null | undefined>;
  body?: unknown;
  retry: RetryMode;
}

/** The SDK's client, plus its transport for routes the SDK has no method for (noted for the SDK's owner). */
export class CliClient extends ResourceClient {
  async request<T>(spec: RequestSpec, options?: RequestOptions): Promise<{ status: number; body: T }> {
    const response = await this.transport.request<T>(spec, options);
    return { status: response.status, body: response.body };
  }
}

export function createClient(apiKey: string, baseUrl: string): CliClient {
  return new CliClient({ apiKey, baseUrl, headers: { 'User-Agent': USER_AGENT } });
}

/** SDK errors in the official CLI's words (its messages for 401, 403 and 429 are what scripts match on). */
export function describeError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof HookBridgeError) {
    if (error.status === 401) return new CliError("invalid API key — run 'hb login' to re-authenticate");
    if (error.status === 403) return new CliError('access denied — check your API key permissions');
    if (error.status === 429) return new CliError('rate limited — please wait and try again');
    if (error.status === null) return new CliError(`connection error: ${error.message}`);
    return new CliError(`API error (${error.code}): ${error.message}`);
  }
  return new CliError(error instanceof Error ? error.message : String(error));
}
