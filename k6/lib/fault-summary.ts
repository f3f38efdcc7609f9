// k6/faults.ts's own lines under the shared summary: each phase's figures, and the end check.
import type { Phase } from './fault-schedule.ts';
import type { SummaryData } from './summary.ts';

const percent = (rate: number | undefined) => (rate === undefined ? '-' : `${(rate * 100).toFixed(2)} %`);

export function faultTable(data: SummaryData, phases: readonly Phase[]): string {
  const values = (name: string) => data.metrics[name]?.values;
  const rate = (name: string) => {
    const metric = values(name);
    return metric ? `${percent(metric.rate)} of ${(metric.passes ?? 0) + (metric.fails ?? 0)}` : '-';
  };
  const ms = (value: number | undefined) => (value === undefined ? '-' : `${Math.round(value)}`);
  const columns = [
    'phase',
    'warm HIT/STALE',
    'cold as expected',
    'cold p95/max ms',
    'writes as expected',
    'requests failed',
    'requests p50/p95/max ms',
  ];
  const rows = phases.map((phase) => {
    const cold = values(`cold_read_duration{phase:${phase}}`);
    const all = values(`http_req_duration{phase:${phase}}`);
    return [
      phase,
      rate(`warm_hit{phase:${phase}}`),
      rate(`cold_read_as_expected{phase:${phase}}`),
      `${ms(cold?.['p(95)'])} / ${ms(cold?.max)}`,
      rate(`write_as_expected{phase:${phase}}`),
      rate(`http_req_failed{phase:${phase}}`),
      `${ms(all?.med)} / ${ms(all?.['p(95)'])} / ${ms(all?.max)}`,
    ];
  });
  const widths = columns.map((column, i) => Math.max(column.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => `  ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`;
  const count = (name: string) => values(name)?.count ?? 0;
  const outcomes = ['acknowledged', 'refused', 'unknown']
    .map((outcome) => `${outcome} ${count(`write_outcomes{outcome:${outcome}}`)}`)
    .join(' · ');
  return [
    '',
    line(columns),
    ...rows.map(line),
    `  writes               ${outcomes}`,
    `  end check            ${count('end_check_products')} products read back: ${count('acked_writes_lost')} acknowledged writes lost, ` +
      `${count('acked_writes_altered')} altered, ${count('refused_writes_applied')} refused writes applied; ` +
      `${count('unknown_writes_applied')} unknown (503) writes found applied`,
    '',
  ].join('\n');
}
