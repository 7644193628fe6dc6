/** The delivery benchmark's report: the JSON file and the printed table (bench/delivery.ts). */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeResults(root: string, resultsDir: string, results: unknown): void {
  mkdirSync(resultsDir, { recursive: true });
  const resultsFile = join(resultsDir, 'latest.json');
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  // Biome does not read .gitignore here: keep `biome check .` clean by formatting the file its way.
  try {
    execFileSync(join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', resultsFile], {
      stdio: 'ignore',
    });
  } catch {
    // best effort
  }
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function printTable(resultsDir: string, r: any): void {
  const rows: Array<[string, string, string]> = [];
  const row = (what: string, value: string, note = '') => rows.push([what, value, note]);
  const lat = (p: { p50: number; p90: number; p99: number; max: number }) =>
    `p50 ${p.p50} / p90 ${p.p90} / p99 ${p.p99} / max ${p.max} ms`;
  const cores = (c: Record<string, number>) =>
    Object.entries(c)
      .filter(([name, v]) => name === 'machine busy %' || v >= 0.01)
      .map(([name, v]) => (name === 'machine busy %' ? `machine ${v}%` : `${name} ${v}`))
      .join(', ');
  const yes = (met: boolean) => (met ? 'MET' : 'MISSED');

  row(
    'bare Fastify POST (baseline a)',
    `${r.baselines.bareFastify.perSecond} req/s`,
    lat(r.baselines.bareFastify.latencyMs),
  );
  row(
    'raw undici POST → receiver (baseline b)',
    `${r.baselines.rawUndici.perSecond} req/s`,
    lat(r.baselines.rawUndici.latencyMs),
  );
  row(
    'send acceptance (endpoint paused)',
    `${r.sendPausedEndpoint.perSecond} accepted/s`,
    `API path alone, rounds ${r.sendPausedEndpoint.rounds.join(' / ')}/s; ${lat(r.sendPausedEndpoint.latencyMs)}`,
  );
  row(
    '  bare Fastify beside it',
    `${r.baselines.bareFastifyBesideAcceptance.perSecond} req/s`,
    `rounds ${r.baselines.bareFastifyBesideAcceptance.rounds.join(' / ')}/s, alternating with the sends`,
  );
  row(
    '  ÷ bare Fastify',
    `${(r.ratios.acceptedOverBareFastify * 100).toFixed(1)} %`,
    `target ≥ 40 %: ${yes(r.targets.sendAcceptance.met)}`,
  );
  row(
    'send acceptance (worker delivering)',
    `${r.send.perSecond} accepted/s`,
    `${r.options.roles === 'split' ? 'a worker process delivers' : 'the same process delivers'} meanwhile; ${r.send.ok} ok, ${r.send.errors} errors; ${lat(r.send.latencyMs)}`,
  );
  row(
    '  ÷ bare Fastify (baseline a)',
    `${(r.ratios.acceptedWhileDeliveringOverBareFastify * 100).toFixed(1)} %`,
    'informative: accepting and delivering share the CPU',
  );
  row(
    '  deliveries meanwhile (first→last)',
    `${r.deliveryWhileSending.deliveredPerSecondFirstToLast} delivered/s`,
    `backlog at end of sends ${r.deliveryWhileSending.backlogAtSendEnd}`,
  );
  row(
    'sustained delivery (backlog drain)',
    `${r.sustainedDelivery.deliveredPerSecond} delivered/s`,
    `${r.sustainedDelivery.delivered}/${r.sustainedDelivery.backlog} first deliveries, first→last; ${r.sustainedDelivery.deliveredPerSecondFromResume}/s from resume`,
  );
  row(
    '  ÷ raw undici',
    `${(r.ratios.deliveredOverRawUndici * 100).toFixed(1)} %`,
    `target ≥ 2000/s: ${yes(r.targets.sustainedDeliveries.met)}`,
  );
  row(
    `latency at ${r.latency.offeredPerSecond} msg/s offered`,
    `p99 ${r.latency.sendToFirstAttemptMs.p99} ms`,
    `send→first attempt ${lat(r.latency.sendToFirstAttemptMs)}; target ≤ 250 ms: ${yes(r.targets.p99FirstAttempt.met)}`,
  );
  row(
    '  send→202',
    `p99 ${r.latency.sendToAcceptedMs.p99} ms`,
    `${lat(r.latency.sendToAcceptedMs)}; ${r.latency.accepted} accepted, ${r.latency.errors} errors, ${r.latency.neverArrived} never arrived`,
  );
  const w1 = Math.max(...rows.map((x) => x[0].length));
  const w2 = Math.max(...rows.map((x) => x[1].length));
  const lines = rows.map(([a, b, c]) => `${a.padEnd(w1)}  ${b.padStart(w2)}  ${c}`);
  console.log(
    `\nHookBridge delivery benchmark — ${r.machine.cpus} CPUs, Node ${r.machine.node}, PostgreSQL ${r.machine.postgres}`,
  );
  console.log(
    `N=${r.options.n} C=${r.options.c} rate=${r.options.rate}/s duration=${r.options.durationS}s roles=${r.options.roles}\n`,
  );
  console.log(lines.join('\n'));
  console.log('\nCPU (cores busy during the phase):');
  console.log(`  bare Fastify baseline   ${cores(r.baselines.bareFastify.cpuCores)}`);
  console.log(`  raw undici baseline     ${cores(r.baselines.rawUndici.cpuCores)}`);
  console.log(`  sends (worker running)  ${cores(r.send.cpuCores)}`);
  console.log(`  sends (paused)          ${cores(r.sendPausedEndpoint.cpuCores)}`);
  console.log(`  backlog drain           ${cores(r.sustainedDelivery.cpuCores)}`);
  console.log(`  latency phase           ${cores(r.latency.cpuCores)}`);
  const pgLine = (p: { perMessage: Record<string, number> }) =>
    `commits ${p.perMessage.commits}, WAL flushes ${p.perMessage.walSyncs}, WAL ${Math.round(p.perMessage.walBytes!)} B`;
  console.log('\nPostgreSQL per message (database-wide counters):');
  console.log(`  send + delivery (worker running)  ${pgLine(r.deliveryWhileSending.postgres)}`);
  console.log(`  send only (paused)                ${pgLine(r.sendPausedEndpoint.postgres)}`);
  console.log(`  delivery only (backlog drain)     ${pgLine(r.sustainedDelivery.postgres)}`);
  console.log(`  latency phase (send + delivery)   ${pgLine(r.latency.postgres)}`);
  if (r.peers) printPeers(r);
  const warnings = Object.values(r.serverWarnings as Record<string, string[]>).flat();
  if (warnings.length) console.log(`\nserver warnings/errors (${warnings.length}), first: ${warnings[0]}`);
  console.log(`\nwritten to ${join(resultsDir, 'latest.json')}`);
}

/** The peer comparison as a markdown table (pasted into bench/README.md), then HookBridge ÷ each peer. */
function printPeers(r: any): void {
  const peers = r.peers as Array<any>;
  const cell = (f: (p: any) => string) => `| ${peers.map(f).join(' | ')} |`;
  console.log(`\nPeer baselines (one run, ${peers[0].rounds.length} alternating closed-loop rounds each):\n`);
  console.log(`| | ${peers.map((p) => p.name).join(' | ')} |`);
  console.log(`|---|${peers.map(() => '---').join('|')}|`);
  console.log(
    `| end-to-end deliveries/s (N sends at C while delivering) ${cell((p) => `${p.deliveredPerSecond} (rounds ${p.rounds.join(' / ')})`)}`,
  );
  console.log(
    `| p50 / p99 send → first arrival at ${r.options.rate}/s ${cell((p) => `${p.latency.sendToFirstArrivalMs.p50} / ${p.latency.sendToFirstArrivalMs.p99} ms`)}`,
  );
  console.log(
    `| CPU per 1,000 delivered (process + datastore) ${cell((p) => `${p.cpuMsPerDelivered.total.toFixed(2)} s (${p.cpuMsPerDelivered.process.toFixed(2)} + ${p.cpuMsPerDelivered.datastore.toFixed(2)})`)}`,
  );
  console.log(`| duplicates / never arrived ${cell((p) => `${p.duplicates} / ${p.latency.neverArrived}`)}`);
  for (const [name, ratio] of Object.entries(r.peerRatios as Record<string, any>)) {
    console.log(
      `HookBridge ÷ ${name}: deliveries/s ${ratio.deliveredPerSecond}×, p50 ${ratio.p50FirstArrival}×, ` +
        `p99 ${ratio.p99FirstArrival}×, CPU per delivered ${ratio.cpuPerDelivered}×`,
    );
  }
  const bull = r.peerRatios['Fastify + BullMQ'];
  const hb = peers[0];
  if (bull) {
    const yes = (met: boolean) => (met ? 'MET' : 'MISSED');
    console.log(
      `targets vs BullMQ: deliveries ≥ 2× ${yes(bull.deliveredPerSecond >= 2)}; p99 ≤ 1× ${yes(bull.p99FirstArrival <= 1)}; ` +
        `p50 < 3 ms ${yes(hb.latency.sendToFirstArrivalMs.p50 < 3)}; CPU ≤ 0.5× ${yes(bull.cpuPerDelivered <= 0.5)}`,
    );
  }
}
