// Next.js App Router, e.g. app/api/webhooks/route.ts. The handler reads the Request's raw bytes and
// verifies with Web Crypto, so it runs on the Node and the Edge runtimes alike.
import { nextWebhookHandler, type VerifiedWebhook } from '@hookbridge/sdk/webhooks';

export function webhookRoute(secret: string, onWebhook: (webhook: VerifiedWebhook) => void) {
  return nextWebhookHandler({ secret }, async (webhook) => {
    onWebhook(webhook);
    return Response.json({ received: true });
  });
}
// In app/api/webhooks/route.ts:
//   export const POST = webhookRoute(process.env.HOOKBRIDGE_SIGNING_SECRET!, (webhook) => { … });
