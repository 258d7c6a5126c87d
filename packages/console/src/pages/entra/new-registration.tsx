import { Button, Divider, Dropdown, Field, Input, Option, Radio, RadioGroup, Text, makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { management } from '../../api/clients.js';
import { navigate } from '../../navigation.js';
import { Page } from '../../shell/page.js';
import { ErrorState } from '../../shell/page-states.js';
import { useSession } from '../../shell/session-context.js';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '760px' },
  row: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'flex-end' },
  platform: { minWidth: '240px' },
  grow: { flexGrow: 1 },
});

const PLATFORMS = { web: 'Web', spa: 'Single-page application (SPA)', publicClient: 'Public client/native (mobile & desktop)' } as const;
type Platform = keyof typeof PLATFORMS;

export function NewRegistrationPage() {
  const s = useStyles();
  const { session, access } = useSession();
  const [name, setName] = useState('');
  const [audience, setAudience] = useState('AzureADMyOrg');
  const [platform, setPlatform] = useState<Platform>('web');
  const [redirectUri, setRedirectUri] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [touched, setTouched] = useState(false);

  const register = async () => {
    setTouched(true);
    if (!name.trim()) return;
    setBusy(true);
    setError(undefined);
    try {
      const m = management();
      const uris = redirectUri.trim() ? [redirectUri.trim()] : [];
      const body: Record<string, unknown> = { displayName: name.trim(), signInAudience: audience };
      if (uris.length) body[platform] = { redirectUris: uris };
      const created = await m.createApplication(body);
      // The admin center creates the app's service principal in the home tenant with the registration.
      await m.createServicePrincipal(String(created.appId)).catch(() => undefined);
      navigate(`/entra/app-registrations/${created.id}/overview`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const tenant = session.tenantName;
  return (
    <Page
      title="Register an application"
      crumbs={[
        { label: 'Home', to: '/' },
        { label: 'App registrations', to: '/entra/app-registrations' },
        { label: 'Register an application' },
      ]}
    >
      <form
        className={s.form}
        onSubmit={(e) => {
          e.preventDefault();
          void register();
        }}
      >
        {error ? <ErrorState title="The application could not be registered" error={error} /> : null}
        <Field
          label="Name"
          required
          hint="The user-facing display name for this application (this can be changed later)."
          validationMessage={touched && !name.trim() ? 'Enter a name.' : undefined}
        >
          <Input value={name} onChange={(_e, d) => setName(d.value)} />
        </Field>
        <Divider />
        <Field label="Supported account types">
          <Text id="account-types-question">Who can use this application or access this API?</Text>
          <RadioGroup value={audience} onChange={(_e, d) => setAudience(d.value)} aria-labelledby="account-types-question">
            <Radio value="AzureADMyOrg" label={`Accounts in this organizational directory only (${tenant} only - Single tenant)`} />
            <Radio
              value="AzureADMultipleOrgs"
              label="Accounts in any organizational directory (Any Microsoft Entra ID tenant - Multitenant)"
            />
          </RadioGroup>
        </Field>
        <Divider />
        <Field
          label="Redirect URI (optional)"
          hint="We'll return the authentication response to this URI after successfully authenticating the user."
        >
          <div className={s.row}>
            <Dropdown
              className={s.platform}
              aria-label="Select a platform"
              value={PLATFORMS[platform]}
              selectedOptions={[platform]}
              onOptionSelect={(_e, d) => setPlatform(d.optionValue as Platform)}
            >
              {Object.entries(PLATFORMS).map(([k, v]) => (
                <Option key={k} value={k}>
                  {v}
                </Option>
              ))}
            </Dropdown>
            <Input
              className={s.grow}
              aria-label="Redirect URI"
              placeholder="e.g. https://example.com/auth"
              value={redirectUri}
              onChange={(_e, d) => setRedirectUri(d.value)}
            />
          </div>
        </Field>
        <Text size={200}>By proceeding, you agree to register this application in {tenant}.</Text>
        <div>
          <Button appearance="primary" type="submit" disabled={busy || !access.manageEntra}>
            Register
          </Button>
        </div>
      </form>
    </Page>
  );
}
