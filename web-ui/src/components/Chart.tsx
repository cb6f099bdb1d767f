import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Columns } from '../lib/stats';
import type { Point } from '../api';
import { sparklinePath } from '../lib/stats';

export interface ChartSeries {
  label: string;
  color: string;
}

/** A time-series chart (uPlot) that follows its container's width. */
export function Chart({
  title,
  data,
  series,
  format,
  height = 180,
  emptyMax = 1,
}: {
  title: string;
  data: Columns;
  series: ChartSeries[];
  format: (v: number) => string;
  height?: number;
  /** The top of the y axis while every value is 0 (e.g. 1 GiB for memory rather than 1 byte). */
  emptyMax?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const formatRef = useRef(format);
  formatRef.current = format;
  const shape = series.map((s) => s.label).join('|');

  useEffect(() => {
    const el = box.current;
    if (!el) {
      return undefined;
    }
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: series.length > 1 },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : emptyMax] } },
      axes: [
        { stroke: '#57606a', grid: { stroke: '#eaeef2' } },
        { stroke: '#57606a', grid: { stroke: '#eaeef2' }, size: 64, values: (_u, ticks) => ticks.map((t) => formatRef.current(t)) },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          fill: series.length === 1 ? `${s.color}22` : undefined,
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : formatRef.current(v)),
        })),
      ],
    };
    plot.current = new uPlot(opts, data as uPlot.AlignedData, el);
    const observer = new ResizeObserver(() => {
      plot.current?.setSize({ width: Math.max(200, el.clientWidth), height });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // The plot is rebuilt only when its series change; new data goes through setData below.
  }, [shape, height, emptyMax]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  const empty = data[0].length === 0;
  return (
    <figure className="chart card">
      <figcaption>{title}</figcaption>
      <div ref={box} className="chart-box" role="img" aria-label={`${title} chart`} />
      {empty && <p className="chart-empty">No data in this range yet.</p>}
    </figure>
  );
}

export function Sparkline({ points, label }: { points: Point[]; label: string }) {
  const path = sparklinePath(points, 96, 24);
  if (!path) {
    return <span className="muted">—</span>;
  }
  return (
    <svg className="sparkline" width="96" height="24" viewBox="0 0 96 24" role="img" aria-label={label}>
      <path d={path} fill="none" stroke="#c2410c" strokeWidth="1.5" />
    </svg>
  );
}
