// Every public method of HookBridge's official PHP SDK has a flat counterpart of the same name here
// (each is exercised against the real server in outbound, inbound, account, errors and pagination tests).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HookBridge } from '@hookbridge/sdk';

const OFFICIAL_METHODS = [
  'send',
  'getMessage',
  'replay',
  'getMessageAttempts',
  'cancelRetry',
  'retryNow',
  'replayAllMessages',
  'replayBatchMessages',
  'getLogs',
  'getMetrics',
  'getTimeseriesMetrics',
  'getDLQMessages',
  'replayFromDLQ',
  'listAPIKeys',
  'createAPIKey',
  'deleteAPIKey',
  'listProjects',
  'createProject',
  'getProject',
  'updateProject',
  'deleteProject',
  'createEndpoint',
  'getEndpoint',
  'listEndpoints',
  'updateEndpoint',
  'deleteEndpoint',
  'pauseEndpoint',
  'resumeEndpoint',
  'createEndpointSigningKey',
  'listEndpointSigningKeys',
  'deleteEndpointSigningKey',
  'rotateEndpointSecret',
  'createCheckout',
  'createPortal',
  'getSubscription',
  'getUsageHistory',
  'getInvoices',
  'createInboundEndpoint',
  'listInboundEndpoints',
  'getInboundEndpoint',
  'updateInboundEndpoint',
  'deleteInboundEndpoint',
  'pauseInboundEndpoint',
  'resumeInboundEndpoint',
  'replayInboundMessage',
  'getInboundMessage',
  'getInboundMessageAttempts',
  'replayAllInboundMessages',
  'replayBatchInboundMessages',
  'getInboundLogs',
  'getInboundMetrics',
  'getInboundTimeseriesMetrics',
  'listInboundRejections',
  'createExport',
  'listExports',
  'getExport',
  'deleteExport',
  'downloadExport',
];

describe('official SDK parity', () => {
  it(`all ${OFFICIAL_METHODS.length} methods exist on HookBridge`, () => {
    const missing = OFFICIAL_METHODS.filter(
      (name) => typeof (HookBridge.prototype as unknown as Record<string, unknown>)[name] !== 'function',
    );
    assert.deepEqual(missing, []);
  });
});
