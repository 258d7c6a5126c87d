import {
  Button,
  Card,
  CardHeader,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Radio,
  RadioGroup,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { AddRegular, DeleteRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { management } from '../../api/clients.js';
import { ErrorState } from '../../shell/page-states.js';
import { useSession } from '../../shell/session-context.js';
import type { AppSectionProps } from './app-blade.js';

const useStyles = makeStyles({
  list: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  grow: { flexGrow: 1 },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS },
});

export function AuthenticationSection({ app, reload }: AppSectionProps) {
  const s = useStyles();
  const { session, access } = useSession();
  const [uris, setUris] = useState<string[]>(app.web?.redirectUris ?? []);
  const [spaUris] = useState<string[]>(app.spa?.redirectUris ?? []);
  const [audience, setAudience] = useState(app.signInAudience);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const dirty = audience !== app.signInAudience || JSON.stringify(uris) !== JSON.stringify(app.web?.redirectUris ?? []);

  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await management().updateApplication(app.id, {
        signInAudience: audience,
        web: { redirectUris: uris.map((u) => u.trim()).filter(Boolean) },
      });
      setSaved(true);
      reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {saved ? (
        <MessageBar intent="success">
          <MessageBarBody>Successfully updated {app.displayName}</MessageBarBody>
        </MessageBar>
      ) : null}
      {error ? <ErrorState title="The application could not be updated" error={error} /> : null}
      <Text as="h2" size={500} weight="semibold">
        Platform configurations
      </Text>
      <Card>
        <CardHeader header={<Text weight="semibold">Web</Text>} description="Redirect URIs" />
        <div className={s.list}>
          {uris.length === 0 ? <Text>No redirect URIs.</Text> : null}
          {uris.map((u, i) => (
            <div className={s.row} key={i}>
              <Input
                className={s.grow}
                aria-label={`Redirect URI ${i + 1}`}
                value={u}
                disabled={!access.manageEntra}
                onChange={(_e, d) => setUris(uris.map((x, j) => (j === i ? d.value : x)))}
              />
              <Button
                appearance="subtle"
                icon={<DeleteRegular />}
                aria-label={`Delete redirect URI ${u}`}
                disabled={!access.manageEntra}
                onClick={() => setUris(uris.filter((_x, j) => j !== i))}
              />
            </div>
          ))}
          <div>
            <Button appearance="subtle" icon={<AddRegular />} disabled={!access.manageEntra} onClick={() => setUris([...uris, ''])}>
              Add URI
            </Button>
          </div>
        </div>
      </Card>
      {spaUris.length > 0 ? (
        <Card>
          <CardHeader header={<Text weight="semibold">Single-page application</Text>} description="Redirect URIs" />
          {spaUris.map((u) => (
            <Text key={u} font="monospace">
              {u}
            </Text>
          ))}
        </Card>
      ) : null}
      <Field label="Supported account types">
        <Text id="auth-account-types">Who can use this application or access this API?</Text>
        <RadioGroup
          value={audience}
          onChange={(_e, d) => setAudience(d.value)}
          disabled={!access.manageEntra}
          aria-labelledby="auth-account-types"
        >
          <Radio
            value="AzureADMyOrg"
            label={`Accounts in this organizational directory only (${session.tenantName} only - Single tenant)`}
          />
          <Radio
            value="AzureADMultipleOrgs"
            label="Accounts in any organizational directory (Any Microsoft Entra ID tenant - Multitenant)"
          />
        </RadioGroup>
      </Field>
      <div className={s.actions}>
        <Button appearance="primary" disabled={!dirty || busy || !access.manageEntra} onClick={() => void save()}>
          Save
        </Button>
        <Button
          disabled={!dirty || busy}
          onClick={() => {
            setUris(app.web?.redirectUris ?? []);
            setAudience(app.signInAudience);
          }}
        >
          Discard
        </Button>
      </div>
    </>
  );
}
