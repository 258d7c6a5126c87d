import { Text, makeStyles, tokens } from '@fluentui/react-components';
import type { AppSectionProps } from './app-blade.js';

const useStyles = makeStyles({
  code: {
    margin: 0,
    padding: tokens.spacingHorizontalM,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    overflow: 'auto',
    maxHeight: '70vh',
  },
});

/** The application object as the management API returns it (read-only). */
export function ManifestSection({ app }: AppSectionProps) {
  const s = useStyles();
  const { ['@odata.context']: _ctx, ...manifest } = app as Record<string, unknown>;
  return (
    <>
      <Text>The application object in Microsoft Graph format (read-only).</Text>
      <pre className={s.code} tabIndex={0} aria-label="Manifest">
        {JSON.stringify(manifest, null, 2)}
      </pre>
    </>
  );
}
