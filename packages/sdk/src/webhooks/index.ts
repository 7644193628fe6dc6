// @hookbridge/sdk/webhooks: verify deliveries. Imports nothing from the client or from Node.
export {
  type VerificationFailureDetails,
  type VerificationFailureReason,
  WebhookVerificationError,
} from './errors.js';
export {
  DEFAULT_TOLERANCE_SECONDS,
  type HeaderSource,
  ID_HEADER,
  type RawBody,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  timingSafeEqualHex,
  type VerifiedWebhook,
  type VerifyOptions,
  verify,
  verifyAsync,
} from './verify.js';
export {
  type AdapterOptions,
  BodyTooLargeError,
  expressWebhook,
  fastifyWebhook,
  type NodeRequestLike,
  nextWebhookHandler,
  nodeWebhookHandler,
  readRawBody,
  refusalStatus,
  verifyNodeRequest,
  verifyRequest,
} from './adapters.js';
