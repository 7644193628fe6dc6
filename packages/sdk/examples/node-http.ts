// Plain node:http: the request listener reads and verifies the body, then calls the handler.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { nodeWebhookHandler, type VerifiedWebhook } from '@hookbridge/sdk/webhooks';

export function nodeServer(secret: string, onWebhook: (webhook: VerifiedWebhook) => void) {
  return createServer(
    nodeWebhookHandler<IncomingMessage, ServerResponse>({ secret }, (webhook, _req, res) => {
      onWebhook(webhook);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    }),
  );
}
