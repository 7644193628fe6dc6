<?php

declare(strict_types=1);

// Calls every public method of the official PHP SDK's HookBridge client against a running server and
// prints one JSON line per call: {"method", "ok", "error"?, "code"?, "status"?, "detail"?}. The test
// (../php-sdk.test.ts) starts the server and a receiver, and judges the lines.

require __DIR__ . '/bootstrap.php';

use HookBridge\Exception\HookBridgeException;
use HookBridge\HookBridge;

$base = getenv('HB_BASE_URL');
$hb = new HookBridge(getenv('HB_API_KEY'), $base, $base, 10.0, 0);
$admin = new HookBridge(getenv('HB_ADMIN_TOKEN'), $base, $base, 10.0, 0);
$receiver = getenv('HB_RECEIVER_URL');

/** @return mixed */
function call(string $method, callable $fn, string $detail = '')
{
    try {
        $result = $fn();
        echo json_encode(['method' => $method, 'ok' => true, 'detail' => $detail]), "\n";
        return $result;
    } catch (HookBridgeException $e) {
        echo json_encode([
            'method' => $method,
            'ok' => false,
            'error' => get_class($e),
            'code' => $e->errorCode,
            'status' => $e->statusCode,
            'message' => $e->getMessage(),
        ]), "\n";
    } catch (\Throwable $e) {
        echo json_encode(['method' => $method, 'ok' => false, 'error' => get_class($e), 'message' => $e->getMessage()]), "\n";
    }
    return null;
}

function waitUntil(callable $done): void
{
    for ($i = 0; $i < 300; $i++) {
        if ($done()) {
            return;
        }
        usleep(50000);
    }
}

// Outbound.
$endpoint = call('createEndpoint', fn() => $hb->createEndpoint("{$receiver}/ok", 'php', true, 20, 5, ['X-From' => 'php']));
$failing = call('createEndpoint', fn() => $hb->createEndpoint("{$receiver}/fail", 'php failing'));
call('getEndpoint', fn() => $hb->getEndpoint($endpoint->id));
call('listEndpoints', fn() => $hb->listEndpoints(10));
call('updateEndpoint', fn() => $hb->updateEndpoint($endpoint->id, description: 'php updated'));
call('pauseEndpoint', fn() => $hb->pauseEndpoint($endpoint->id));
call('resumeEndpoint', fn() => $hb->resumeEndpoint($endpoint->id));
$key = call('createEndpointSigningKey', fn() => $hb->createEndpointSigningKey($endpoint->id));
call('listEndpointSigningKeys', fn() => $hb->listEndpointSigningKeys($endpoint->id));
call('deleteEndpointSigningKey', fn() => $hb->deleteEndpointSigningKey($endpoint->id, $key->id));
call('rotateEndpointSecret', fn() => $hb->rotateEndpointSecret($endpoint->id));

$sent = call('send', fn() => $hb->send($endpoint->id, ['php' => true], ['X-Custom' => '1'], 'php-idem-1'));
waitUntil(fn() => $hb->getMessage($sent->messageId)->status === 'succeeded');
call('getMessage', fn() => $hb->getMessage($sent->messageId));
$attempts = call('getMessageAttempts', fn() => $hb->getMessageAttempts($sent->messageId));
echo json_encode(['method' => 'getMessageAttempts.count', 'ok' => $attempts !== null && count($attempts->attempts) >= 1]), "\n";
call('replay', fn() => $hb->replay($sent->messageId));
waitUntil(fn() => $hb->getMessage($sent->messageId)->status === 'succeeded');
call('replayBatchMessages', fn() => $hb->replayBatchMessages([$sent->messageId]));
waitUntil(fn() => $hb->getMessage($sent->messageId)->status === 'succeeded');
call('replayAllMessages', fn() => $hb->replayAllMessages('succeeded', $endpoint->id, 10));

$retrying = call('send', fn() => $hb->send($failing->id, ['will' => 'fail']));
waitUntil(fn() => $hb->getMessage($retrying->messageId)->status === 'pending_retry');
call('retryNow', fn() => $hb->retryNow($retrying->messageId));
waitUntil(fn() => $hb->getMessage($retrying->messageId)->status === 'pending_retry');
call('cancelRetry', fn() => $hb->cancelRetry($retrying->messageId));
waitUntil(fn() => $hb->getMessage($retrying->messageId)->status === 'failed_permanent');
call('getDLQMessages', fn() => $hb->getDLQMessages(10));
call('replayFromDLQ', fn() => $hb->replayFromDLQ($retrying->messageId));
call('getLogs', fn() => $hb->getLogs('succeeded', null, null, 10));
call('getMetrics', fn() => $hb->getMetrics('1h'));
call('getTimeseriesMetrics', fn() => $hb->getTimeseriesMetrics('24h', $endpoint->id));

// API keys and projects (projects with the admin token, as the docs' session auth).
call('listAPIKeys', fn() => $hb->listAPIKeys());
$apiKey = call('createAPIKey', fn() => $hb->createAPIKey('test', 'php key'));
call('deleteAPIKey', fn() => $hb->deleteAPIKey($apiKey->keyId));
call('listProjects', fn() => $admin->listProjects());
$project = call('createProject', fn() => $admin->createProject('php project', 25));
call('getProject', fn() => $admin->getProject($project->id));
call('updateProject', fn() => $admin->updateProject($project->id, 'php project 2', 30));
call('deleteProject', fn() => $admin->deleteProject($project->id));

// Billing: self-hosted has a static plan; checkout and portal are not offered (501).
call('getSubscription', fn() => $hb->getSubscription());
call('getUsageHistory', fn() => $hb->getUsageHistory(12, 0));
call('getInvoices', fn() => $hb->getInvoices(12));
call('createCheckout', fn() => $hb->createCheckout('pro', 'monthly'));
call('createPortal', fn() => $hb->createPortal('https://example.com/back'));

// Inbound.
$inbound = call('createInboundEndpoint', fn() => $hb->createInboundEndpoint("{$receiver}/inbound", 'php inbound', signingEnabled: true));
call('listInboundEndpoints', fn() => $hb->listInboundEndpoints());
call('getInboundEndpoint', fn() => $hb->getInboundEndpoint($inbound->id));
call('updateInboundEndpoint', fn() => $hb->updateInboundEndpoint($inbound->id, ['description' => 'php', 'active' => true]));
call('pauseInboundEndpoint', fn() => $hb->pauseInboundEndpoint($inbound->id));
call('resumeInboundEndpoint', fn() => $hb->resumeInboundEndpoint($inbound->id));
$ingested = json_decode((string) (new GuzzleHttp\Client())->post($inbound->ingestUrl, ['body' => '{"in":1}', 'headers' => ['Content-Type' => 'application/json']])->getBody(), true);
$inboundId = $ingested['data']['message_id'];
(new GuzzleHttp\Client(['http_errors' => false]))->post($inbound->ingestUrl . 'x', ['body' => 'bad token']);
waitUntil(fn() => $hb->getInboundMessage($inboundId)->status === 'succeeded');
call('getInboundMessage', fn() => $hb->getInboundMessage($inboundId));
$inboundAttempts = call('getInboundMessageAttempts', fn() => $hb->getInboundMessageAttempts($inboundId));
echo json_encode(['method' => 'getInboundMessageAttempts.count', 'ok' => $inboundAttempts !== null && count($inboundAttempts->attempts) >= 1]), "\n";
call('replayInboundMessage', fn() => $hb->replayInboundMessage($inboundId));
waitUntil(fn() => $hb->getInboundMessage($inboundId)->status === 'succeeded');
call('replayBatchInboundMessages', fn() => $hb->replayBatchInboundMessages([$inboundId]));
waitUntil(fn() => $hb->getInboundMessage($inboundId)->status === 'succeeded');
call('replayAllInboundMessages', fn() => $hb->replayAllInboundMessages('succeeded', $inbound->id, 10));
call('getInboundLogs', fn() => $hb->getInboundLogs(null, $inbound->id));
call('getInboundMetrics', fn() => $hb->getInboundMetrics('1h'));
call('getInboundTimeseriesMetrics', fn() => $hb->getInboundTimeseriesMetrics('24h', $inbound->id));
call('listInboundRejections', fn() => $hb->listInboundRejections($inbound->id));

// Exports.
$export = call('createExport', fn() => $hb->createExport(new DateTimeImmutable('-1 hour'), new DateTimeImmutable('+1 minute')));
waitUntil(fn() => $hb->getExport($export->id)->status === 'completed');
call('getExport', fn() => $hb->getExport($export->id));
call('listExports', fn() => $hb->listExports());
$location = call('downloadExport', fn() => $hb->downloadExport($export->id));
echo json_encode(['method' => 'downloadExport.location', 'ok' => is_string($location) && $location !== '', 'detail' => $location]), "\n";
call('deleteExport', fn() => $hb->deleteExport($export->id));

call('deleteInboundEndpoint', fn() => $hb->deleteInboundEndpoint($inbound->id));
call('deleteEndpoint', fn() => $hb->deleteEndpoint($failing->id));
echo json_encode(['method' => 'done', 'ok' => true]), "\n";
