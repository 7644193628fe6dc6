import { readFileSync } from 'node:fs';
import { verify, WebhookVerificationError } from '@hookbridge/sdk/webhooks';
import type { Command } from 'commander';
import { Context } from '../context.js';
import { CliError } from '../errors.js';
import { collect, parseHeader } from './parse.js';

async function readBody(source: string | undefined): Promise<Buffer> {
  if (source?.startsWith('@')) return readFileSync(source.slice(1));
  if (source !== undefined) return Buffer.from(source);
  if (process.stdin.isTTY) throw new CliError('no body: pipe the raw body on stdin, or pass --body @file');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `hb verify`: the SDK's verifier on a captured delivery; on failure its reason, and exit 1. */
export function verifyCommand(program: Command): void {
  program
    .command('verify')
    .description('Check a delivery’s signature with the SDK verifier (raw body on stdin or --body @file)')
    .requiredOption(
      '--secret <whsec>',
      'The endpoint’s signing secret (repeat during a key rotation)',
      collect,
      [],
    )
    .option('-H, --header <header>', 'A delivery header, "Name: value" (repeatable)', collect, [])
    .option('--signature <value>', 'X-Webhook-Signature (instead of --header)')
    .option('--timestamp <seconds>', 'X-Webhook-Timestamp (instead of --header)')
    .option('--id <id>', 'X-Webhook-Id (instead of --header)')
    .option('--body <body>', 'The raw body, or @file (default: stdin)')
    .option('--tolerance <seconds>', 'Accepted clock distance in seconds (default 300)', Number)
    .action(async (options, command: Command) => {
      const ctx = Context.of(command);
      const headers: Record<string, string> = {};
      for (const [name, value] of (options.header as string[]).map(parseHeader))
        headers[name.toLowerCase()] = value;
      if (options.signature) headers['x-webhook-signature'] = options.signature;
      if (options.timestamp) headers['x-webhook-timestamp'] = options.timestamp;
      if (options.id) headers['x-webhook-id'] = options.id;
      const body = await readBody(options.body);
      const secrets = options.secret as string[];
      try {
        const verified = verify(body, headers, secrets.length === 1 ? secrets[0]! : secrets, {
          ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}),
        });
        if (ctx.json) ctx.printer.emit({ valid: true, id: verified.id, timestamp: verified.timestamp });
        else
          ctx.printer.out(
            `Valid signature: message ${verified.id || '(no id)'}, signed at ${new Date(verified.timestamp * 1000).toISOString()}\n`,
          );
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
        if (ctx.json) ctx.printer.emit({ valid: false, reason: error.reason, message: error.message });
        throw new CliError(`signature not valid (${error.reason}): ${error.message}`);
      }
    });
}
