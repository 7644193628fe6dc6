import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Bucket } from '../api/types';

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/**
 * Stacked bars of messages per bucket (succeeded, failed, waiting for a retry, not yet final) with the mean receiver
 * latency as a line on its own axis. uPlot draws the series in order, so the bars are the cumulative
 * sums drawn tallest first.
 */
export function TimeseriesChart({ buckets, height = 300 }: { buckets: Bucket[]; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const x = buckets.map((b) => Date.parse(b.timestamp) / 1000);
    const ok = buckets.map((b) => b.succeeded);
    const okFail = buckets.map((b) => b.succeeded + b.failed);
    const pending = buckets.map((b) => Math.max(0, b.total - b.succeeded - b.failed - b.retrying));
    const okFailRetry = buckets.map((b) => b.succeeded + b.failed + b.retrying);
    const all = okFailRetry.map((value, index) => value + pending[index]!);
    const latency = buckets.map((b) => (b.total > 0 || b.avg_latency_ms > 0 ? b.avg_latency_ms : null));
    const bars = uPlot.paths.bars!({ size: [0.8, 64] });
    const text = cssVar('--text');
    const grid = cssVar('--border');
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    const raw: Record<string, number[]> = {
      pending,
      retrying: buckets.map((b) => b.retrying),
      failed: buckets.map((b) => b.failed),
      succeeded: ok,
    };
    const stacked = (label: string, color: string, key: keyof typeof raw): uPlot.Series => ({
      label,
      stroke: color,
      fill: color,
      paths: bars,
      points: { show: false },
      value: (_u, _v, _s, index) => (index === null ? '—' : String(raw[key]![index] ?? 0)),
    });
    const plot = new uPlot(
      {
        width: element.clientWidth || 600,
        height,
        scales: { x: { time: true }, count: { range: (_u, _min, max) => [0, Math.max(1, max)] }, ms: {} },
        axes: [
          axis,
          { ...axis, scale: 'count', label: 'messages' },
          { ...axis, scale: 'ms', side: 1, label: 'ms', grid: { show: false } },
        ],
        series: [
          {},
          { ...stacked('Queued or in flight', cssVar('--info'), 'pending'), scale: 'count' },
          { ...stacked('Retrying', cssVar('--warn'), 'retrying'), scale: 'count' },
          { ...stacked('Failed', cssVar('--fail'), 'failed'), scale: 'count' },
          { ...stacked('Succeeded', cssVar('--ok'), 'succeeded'), scale: 'count' },
          { label: 'Latency (ms)', stroke: cssVar('--muted'), width: 2, scale: 'ms', spanGaps: true },
        ],
      },
      [x, all, okFailRetry, okFail, ok, latency as number[]],
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [buckets, height]);
  return <div ref={ref} className="chart" data-testid="timeseries-chart" />;
}

/** A tiny line of per-bucket failures for a list row (canvas, no axes). */
export function Sparkline({ values, color }: { values: number[]; color: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    const max = Math.max(1, ...values);
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.strokeStyle = color;
    context.lineWidth = 1.5;
    context.beginPath();
    values.forEach((value, index) => {
      const px = (index / Math.max(1, values.length - 1)) * (canvas.width - 2) + 1;
      const py = canvas.height - 1 - (value / max) * (canvas.height - 2);
      if (index === 0) context.moveTo(px, py);
      else context.lineTo(px, py);
    });
    context.stroke();
  }, [values, color]);
  return <canvas ref={ref} width={96} height={24} className="sparkline" role="img" aria-label="trend" />;
}
