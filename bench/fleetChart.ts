/**
 * The fleet run's chart (bench/fleet.svg), drawn by Vega-Lite: Neon API requests per rolling minute
 * over time against the rate limit, and stacks done over time. The series are computed here; the
 * drawing (scales, axes, lines, legend) is the library's.
 */
import * as fs from "node:fs";

export interface FleetTimeline {
  /** Seconds since the fleet started, of each request the local Neon API answered, and whether it was refused with 429. */
  readonly requests: readonly { readonly at: number; readonly refused: boolean }[];
  /** Seconds since the fleet started at which each stack finished. */
  readonly stacksDone: readonly number[];
  readonly limitPerMinute: number;
  readonly endSeconds: number;
}

type Point = Record<string, number | string>;

/** Requests in the minute up to each sampled second (what Neon's sliding window counts), admitted and refused. */
export function rollingPerMinute(timeline: FleetTimeline, stepSeconds = 1): Point[] {
  const points: Point[] = [];
  const admitted = timeline.requests.filter((r) => !r.refused).map((r) => r.at);
  const refused = timeline.requests.filter((r) => r.refused).map((r) => r.at);
  const inWindow = (stamps: number[], t: number) => stamps.filter((s) => s > t - 60 && s <= t).length;
  for (let t = 0; t <= timeline.endSeconds + stepSeconds / 2; t += stepSeconds) {
    points.push({ t, series: "admitted (rolling minute)", requests: inWindow(admitted, t) });
    points.push({ t, series: "refused with 429 (rolling minute)", requests: inWindow(refused, t) });
  }
  return points;
}

export function chartSpec(timeline: FleetTimeline, title: string): object {
  const done = [...timeline.stacksDone].sort((a, b) => a - b);
  const stacksDone: Point[] = [{ t: 0, done: 0 }, ...done.map((t, i) => ({ t, done: i + 1 }))];
  const time = { field: "t", type: "quantitative", title: "seconds since the fleet started", scale: { domain: [0, Math.ceil(timeline.endSeconds)] } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    vconcat: [
      {
        width: 640,
        height: 220,
        layer: [
          {
            data: { values: rollingPerMinute(timeline) },
            mark: { type: "line", interpolate: "step-after" },
            encoding: {
              x: time,
              y: { field: "requests", type: "quantitative", title: "Neon API requests per minute" },
              color: { field: "series", type: "nominal", title: null, legend: { orient: "top", labelLimit: 0 } },
            },
          },
          {
            data: { values: [{ limit: timeline.limitPerMinute, label: `rate limit: ${timeline.limitPerMinute} per minute` }] },
            layer: [
              { mark: { type: "rule", color: "firebrick", strokeDash: [6, 4] }, encoding: { y: { field: "limit", type: "quantitative" } } },
              { mark: { type: "text", align: "left", dx: 4, dy: -6, color: "firebrick" }, encoding: { y: { field: "limit", type: "quantitative" }, x: { value: 0 }, text: { field: "label" } } },
            ],
          },
        ],
      },
      {
        width: 640,
        height: 160,
        data: { values: stacksDone },
        mark: { type: "line", interpolate: "step-after", point: false },
        encoding: { x: time, y: { field: "done", type: "quantitative", title: "stacks done" } },
      },
    ],
  };
}

// Vega and Vega-Lite are ES modules with top-level await, which `require` cannot load; this import
// is kept as written (TypeScript would turn `import()` into `require` for CommonJS output).
const importModule = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<any>;

/** Renders the chart as SVG into `file`. */
export async function writeChart(file: string, timeline: FleetTimeline, title: string): Promise<void> {
  const vega = await importModule("vega");
  const vegaLite = await importModule("vega-lite");
  const compiled = vegaLite.compile(chartSpec(timeline, title)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  fs.writeFileSync(file, await view.toSVG());
  view.finalize();
}
