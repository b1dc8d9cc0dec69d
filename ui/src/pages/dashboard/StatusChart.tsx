import { formatNumber } from '../../lib/i18n';

/** A small horizontal bar chart in SVG (no chart library): one bar per call status. */
export function StatusChart(props: { byStatus: Record<string, number>; label: (status: string) => string }) {
  const entries = Object.entries(props.byStatus);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  const row = 26;
  const labelWidth = 110;
  const barWidth = 260;
  const height = entries.length * row + 4;
  const summary = entries.map(([status, n]) => `${props.label(status)}: ${n}`).join(', ');
  return (
    <svg class="chart" viewBox={`0 0 ${labelWidth + barWidth + 50} ${height}`} role="img" aria-label={summary}>
      {entries.map(([status, n], i) => {
        const y = i * row + 2;
        const width = Math.max(n ? 2 : 0, Math.round((n / max) * barWidth));
        return (
          <g key={status}>
            <text x={labelWidth - 6} y={y + row / 2 + 4} text-anchor="end">
              {props.label(status)}
            </text>
            <rect class={`bar bar-${status}`} x={labelWidth} y={y + 3} width={width} height={row - 8} rx={3} />
            <text x={labelWidth + width + 6} y={y + row / 2 + 4}>
              {formatNumber(n)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
