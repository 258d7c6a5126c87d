import { Button, Text, makeStyles, tokens } from '@fluentui/react-components';
import { ChevronLeftRegular, ChevronRightRegular } from '@fluentui/react-icons';

const useStyles = makeStyles({
  pager: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, justifyContent: 'flex-end' },
});

/** Paging of a skip/limit list: "1–20 of 2,500" and previous/next. */
export function Pager(props: {
  skip: number;
  count: number;
  total: number;
  moreThanTotal?: boolean;
  hasNext: boolean;
  pageSize: number;
  onSkip: (skip: number) => void;
  label: string;
}) {
  const s = useStyles();
  if (props.total === 0) return null;
  const first = props.skip + 1;
  const last = props.skip + props.count;
  return (
    <nav className={s.pager} aria-label={`${props.label} pages`}>
      <Text aria-live="polite">
        {first.toLocaleString()}–{last.toLocaleString()} of {props.total.toLocaleString()}
        {props.moreThanTotal ? '+' : ''}
      </Text>
      <Button
        icon={<ChevronLeftRegular />}
        aria-label="Previous page"
        disabled={props.skip === 0}
        onClick={() => props.onSkip(Math.max(0, props.skip - props.pageSize))}
      />
      <Button
        icon={<ChevronRightRegular />}
        aria-label="Next page"
        disabled={!props.hasNext}
        onClick={() => props.onSkip(props.skip + props.pageSize)}
      />
    </nav>
  );
}
