/**
 * The period report's charts as inline SVG, drawn by Vega-Lite (compiled to Vega, rendered headless
 * with `renderer: 'none'` and `view.toSVG()`: no browser, no canvas, no network). The charts hold
 * numbers, days and fixed series names only: no text from the evidence reaches them (account names,
 * user names and reasons are in the HTML around them, escaped there). Each series also has its own
 * point shape, so a black-and-white print tells them apart.
 *
 * Why Vega-Lite: a declarative grammar kept by the UW Interactive Data Lab with regular releases, whose
 * SVG renderer runs in plain Node (no DOM, no canvas, nothing native), unlike Observable Plot, which
 * needs a server-side DOM. Pinned at vega 6.4.0 and vega-lite 6.4.2: vega-lite 6.5 asks for Node 22.
 */
import { type LoggerInterface, logger, None, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Gap } from './gaps.js';
import type { ChangeTime, TrendPoint } from './trend.js';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const WIDTH = 640;

/** Fixed padding, so that the plots of the three charts line up one above the other. */
const LAYOUT = {
  autosize: { type: 'none', contains: 'content' },
  padding: { left: 60, right: 24, top: 36, bottom: 30 },
} as const;

const CONFIG = {
  font: FONT,
  background: 'white',
  view: { stroke: '#d0d7de' },
  axis: { labelColor: '#1b1f24', titleColor: '#1b1f24', gridColor: '#eaeef2', labelFontSize: 11 },
  legend: { orient: 'top', labelFontSize: 11, symbolStrokeWidth: 2 },
} as const;

const SERIES = ['found stale', 'approved', 'disabled', 'restored'] as const;
const SERIES_COLORS: string[] = ['#9a6700', '#0969da', '#116329', '#8250df'];
const SERIES_SHAPES = ['triangle-up', 'circle', 'square', 'diamond'];

/** A day on the x axis, as a UTC midnight (Vega-Lite reads ISO dates as UTC). */
const dayOf = (iso: string) => iso.slice(0, 10);
const X_AXIS = { title: null, format: '%b %-d', labelAngle: 0, tickCount: 'week' } as const;

/** The specs are ours and fixed: what Vega-Lite would warn about is for tests, not for stderr. */
const QUIET: LoggerInterface = logger(None);

/** Renders a Vega-Lite spec to an SVG string, headless. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec, { logger: QUIET }).spec), { renderer: 'none', logLevel: None });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Stale credentials found (bars), approved and disabled (and restored, when any was) per run, over
 * the period. Approved and disabled are often the same number: a hollow circle on a dashed line
 * around a filled square keeps both visible.
 */
export function trendSpec(points: TrendPoint[], period: { from: string; to: string }): TopLevelSpec {
  const lines = points.some((p) => p.restored > 0) ? SERIES.slice(1) : SERIES.slice(1, 3);
  const found = points.map((p) => ({ day: dayOf(p.at), series: SERIES[0], n: p.found }));
  const values = points.flatMap((p) =>
    [p.approved, p.disabled, p.restored]
      .slice(0, lines.length)
      .map((n, i) => ({ day: dayOf(p.at), series: lines[i], style: lines[i], n })),
  );
  const x = {
    field: 'day',
    type: 'temporal' as const,
    axis: X_AXIS,
    scale: { domain: [period.from, period.to], nice: false },
  };
  const all = [SERIES[0], ...lines];
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: null,
    legend: { symbolOpacity: 1, symbolType: 'square' },
    scale: { domain: all, range: SERIES_COLORS.slice(0, all.length) },
  };
  return {
    width: WIDTH,
    height: 170,
    ...LAYOUT,
    config: CONFIG,
    layer: [
      {
        data: { values: found },
        mark: { type: 'bar', width: 9, opacity: 0.35 },
        encoding: {
          x,
          y: { field: 'n', type: 'quantitative', title: 'credentials', axis: { tickMinStep: 1 } },
          color,
        },
      },
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'n', type: 'quantitative' },
          color,
          strokeDash: {
            field: 'style',
            type: 'nominal',
            legend: null,
            scale: {
              domain: [...lines],
              range: [
                [5, 3],
                [1, 0],
                [2, 2],
              ].slice(0, lines.length),
            },
          },
        },
      },
      {
        data: { values },
        mark: { type: 'point', opacity: 1, strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'n', type: 'quantitative' },
          color,
          shape: {
            field: 'style',
            type: 'nominal',
            legend: null,
            scale: { domain: [...lines], range: SERIES_SHAPES.slice(1, lines.length + 1) },
          },
          size: {
            field: 'style',
            type: 'ordinal',
            sort: [...lines],
            legend: null,
            scale: { domain: [...lines], range: [110, 36, 60].slice(0, lines.length) },
          },
          fill: {
            field: 'style',
            type: 'nominal',
            legend: null,
            scale: { domain: [...lines], range: ['white', '#116329', '#8250df'].slice(0, lines.length) },
          },
        },
      },
    ],
  };
}

/** Per run: the median and the longest time from a credential becoming stale to its change, in days. */
export function changeTimeSpec(times: ChangeTime[], period: { from: string; to: string }): TopLevelSpec {
  const values = times.flatMap((t) => [
    { day: dayOf(t.at), measure: 'median', days: t.medianDays },
    { day: dayOf(t.at), measure: 'longest', days: t.maxDays },
  ]);
  return {
    width: WIDTH,
    height: 140,
    ...LAYOUT,
    config: CONFIG,
    data: { values },
    mark: { type: 'point', filled: true, size: 70, opacity: 1 },
    encoding: {
      x: {
        field: 'day',
        type: 'temporal',
        scale: { domain: [period.from, period.to], nice: false },
        axis: X_AXIS,
      },
      y: { field: 'days', type: 'quantitative', title: 'days stale', axis: { tickMinStep: 1 } },
      color: {
        field: 'measure',
        type: 'nominal',
        title: null,
        scale: { domain: ['median', 'longest'], range: ['#116329', '#b3261e'] },
      },
      shape: {
        field: 'measure',
        type: 'nominal',
        title: null,
        scale: { domain: ['median', 'longest'], range: ['circle', 'triangle-up'] },
      },
    },
  };
}

export type RunMark = 'decided' | 'rejected' | 'no decision';

/** The period as a strip: each run a mark on the day it started, each stretch without a decision shaded. */
export function timelineSpec(
  runs: { at: string; mark: RunMark }[],
  gaps: Gap[],
  period: { from: string; to: string },
): TopLevelSpec {
  const stretches = gaps.filter((g) => g.run === null).map((g) => ({ from: g.from, to: g.to }));
  const marks: RunMark[] = ['decided', 'rejected', 'no decision'];
  const x = {
    type: 'temporal' as const,
    axis: X_AXIS,
    scale: { domain: [period.from, period.to], nice: false },
  };
  return {
    width: WIDTH,
    height: 46,
    ...LAYOUT,
    config: CONFIG,
    layer: [
      {
        data: { values: stretches },
        mark: { type: 'rect', color: '#b3261e', opacity: 0.14 },
        encoding: {
          x: { ...x, field: 'from' },
          x2: { field: 'to' },
        },
      },
      {
        data: { values: runs.map((r) => ({ day: dayOf(r.at), mark: r.mark })) },
        mark: { type: 'point', filled: true, size: 110, opacity: 1 },
        encoding: {
          x: { ...x, field: 'day' },
          color: {
            field: 'mark',
            type: 'nominal',
            title: null,
            scale: { domain: marks, range: ['#116329', '#9a6700', '#b3261e'] },
          },
          shape: {
            field: 'mark',
            type: 'nominal',
            title: null,
            scale: { domain: marks, range: ['circle', 'diamond', 'cross'] },
          },
        },
      },
    ],
  };
}
