import { Text, makeStyles, tokens } from '@fluentui/react-components';

const useStyles = makeStyles({
  figure: { margin: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: 0 },
  row: { display: 'grid', gridTemplateColumns: 'minmax(90px, 38%) 1fr auto', alignItems: 'center', gap: tokens.spacingHorizontalS },
  name: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  track: { height: '14px', backgroundColor: tokens.colorNeutralBackground3, borderRadius: tokens.borderRadiusSmall, overflow: 'hidden' },
  value: { color: tokens.colorNeutralForeground2, fontVariantNumeric: 'tabular-nums' },
});

export interface Bar {
  label: string;
  value: number;
  color?: string;
}

/**
 * A horizontal bar chart in plain HTML: readable by screen readers as a list of label/value
 * pairs (no canvas), themed by Fluent tokens so dark mode works.
 */
export function BarChart({
  title,
  bars,
  format = (n) => n.toLocaleString(),
  testId,
}: {
  title: string;
  bars: Bar[];
  format?: (n: number) => string;
  testId?: string;
}) {
  const s = useStyles();
  const max = Math.max(1, ...bars.map((b) => b.value));
  return (
    <figure className={s.figure} data-testid={testId}>
      <figcaption>
        <Text weight="semibold">{title}</Text>
      </figcaption>
      {bars.length === 0 ? <Text>No data for this period.</Text> : null}
      <ul
        style={{ listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS }}
        aria-label={title}
      >
        {bars.map((b) => (
          <li key={b.label} className={s.row}>
            <Text className={s.name} title={b.label}>
              {b.label}
            </Text>
            <span className={s.track} aria-hidden="true">
              <span
                style={{
                  display: 'block',
                  height: '100%',
                  width: `${(b.value / max) * 100}%`,
                  backgroundColor: b.color ?? tokens.colorBrandBackground,
                }}
              />
            </span>
            <Text className={s.value}>{format(b.value)}</Text>
          </li>
        ))}
      </ul>
    </figure>
  );
}
