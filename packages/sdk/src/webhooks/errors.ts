export type VerificationFailureReason =
  | 'missing_header'
  | 'bad_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'no_match'
  | 'body_not_raw'
  | 'secret_malformed'
  | 'unsupported_runtime';

export interface VerificationFailureDetails {
  /** missing_header: the header that is absent. */
  header?: string;
  /** timestamp_too_old / timestamp_too_new: how far the timestamp is from now, in seconds. */
  skewSeconds?: number;
  /** no_match: how many `sha256=` signatures the header carried, and how many secrets were tried. */
  signaturesTried?: number;
  secretsTried?: number;
}

/** The only error verify() and verifyAsync() throw; `reason` says why the delivery was refused. */
export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
  readonly reason: VerificationFailureReason;
  readonly header: string | undefined;
  readonly skewSeconds: number | undefined;
  readonly signaturesTried: number | undefined;
  readonly secretsTried: number | undefined;

  constructor(reason: VerificationFailureReason, message: string, details: VerificationFailureDetails = {}) {
    super(message);
    this.reason = reason;
    this.header = details.header;
    this.skewSeconds = details.skewSeconds;
    this.signaturesTried = details.signaturesTried;
    this.secretsTried = details.secretsTried;
  }
}
