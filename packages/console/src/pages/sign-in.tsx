import { Button, Card, Field, Input, Text, makeStyles, tokens } from '@fluentui/react-components';
import { ShieldKeyholeRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { startSignIn } from '../session/token-source.js';
import { ErrorState } from '../shell/page-states.js';

const useStyles = makeStyles({
  page: { display: 'grid', placeItems: 'center', minHeight: '100vh', backgroundColor: tokens.colorNeutralBackground2 },
  card: { width: '420px', padding: tokens.spacingHorizontalXXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  title: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
});

/** Not signed in: the sign-in goes through this server's authorize page (user name and password there). */
export function SignInPage({ error }: { error?: unknown }) {
  const s = useStyles();
  const [tenant, setTenant] = useState('');
  return (
    <main className={s.page}>
      <Card className={s.card}>
        <div className={s.title}>
          <ShieldKeyholeRegular fontSize={28} aria-hidden="true" />
          <Text as="h1" size={600} weight="semibold">
            Appwarden admin center
          </Text>
        </div>
        <Text>Sign in with your work account to manage app registrations and Defender for Cloud Apps.</Text>
        {error ? <ErrorState title="Sign-in failed" error={error} /> : null}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void startSignIn(tenant.trim() || 'organizations');
          }}
          style={{ display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM }}
        >
          <Field
            label="Directory (optional)"
            hint="A tenant domain such as contoso.onmicrosoft.com, or its ID. Empty: your user name decides."
          >
            <Input value={tenant} onChange={(_e, d) => setTenant(d.value)} />
          </Field>
          <Button appearance="primary" type="submit">
            Sign in
          </Button>
        </form>
      </Card>
    </main>
  );
}
