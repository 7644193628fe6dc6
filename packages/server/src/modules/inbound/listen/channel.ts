/**
 * NOTIFY channel announcing a new cli-mode inbound message, payload `"<endpoint id> <message id>"`. Sent in
 * the ingest's own statement, so it is delivered on commit to every API process (the embedded store is one
 * process and delivers it in-process). An empty payload means "re-check": a listener reconnected.
 * `"<endpoint id> gone"` (ENDPOINT_GONE) says the retention sweep removed the endpoint: its listeners close.
 */
export const INBOUND_CHANNEL = 'hookbridge_inbound';
export const ENDPOINT_GONE = 'gone';
