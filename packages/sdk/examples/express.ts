// Express: verify before any JSON parser touches the body. `expressWebhook` reads the raw bytes itself
// (or takes them from express.raw()); after express.json() it refuses with body_not_raw.
import express from 'express';
import type { VerifiedWebhook } from '@hookbridge/sdk/webhooks';
import { expressWebhook } from '@hookbridge/sdk/webhooks';

export function expressApp(secret: string, onWebhook: (webhook: VerifiedWebhook) => void) {
  const app = express();
  app.post('/webhooks', expressWebhook({ secret }), (req, res) => {
    onWebhook((req as unknown as { webhook: VerifiedWebhook }).webhook);
    res.json({ received: true });
  });
  // The rest of the app may parse JSON as usual.
  app.use(express.json());
  return app;
}
