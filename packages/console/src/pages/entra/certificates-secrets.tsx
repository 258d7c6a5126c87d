import {
  Button,
  DrawerBody,
  DrawerFooter,
  DrawerHeader,
  DrawerHeaderTitle,
  Dropdown,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Option,
  OverlayDrawer,
  Tab,
  TabList,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { AddRegular, ArrowUploadRegular, DeleteRegular, DismissRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { management } from '../../api/clients.js';
import type { KeyCredentialJson, PasswordCredentialJson } from '../../api/graph-types.js';
import { ConfirmDialog } from '../../shell/confirm-dialog.js';
import { CopyButton } from '../../shell/copy-button.js';
import { formatDate } from '../../shell/format.js';
import { Empty, ErrorState } from '../../shell/page-states.js';
import { useSession } from '../../shell/session-context.js';
import type { AppSectionProps } from './app-blade.js';

const EXPIRIES = [
  { days: 180, label: 'Recommended: 180 days (6 months)' },
  { days: 90, label: '90 days (3 months)' },
  { days: 365, label: '365 days (12 months)' },
  { days: 545, label: '545 days (18 months)' },
  { days: 730, label: '730 days (24 months)' },
];

const useStyles = makeStyles({
  commands: { display: 'flex', gap: tokens.spacingHorizontalS },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  value: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, wordBreak: 'break-all' },
});

/** SHA-1 thumbprint (hex, upper case) of a DER certificate, computed here like the portal shows it. */
async function thumbprint(der: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', der));
  return [...digest]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
}

function pemToDer(pem: string): Uint8Array<ArrayBuffer> {
  const b64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function CertificatesSecretsSection({ app, reload }: AppSectionProps) {
  const s = useStyles();
  const { access } = useSession();
  const [tab, setTab] = useState<'certificates' | 'secrets'>('secrets');
  const [secretOpen, setSecretOpen] = useState(false);
  const [certOpen, setCertOpen] = useState(false);
  const [description, setDescription] = useState('');
  const [expiry, setExpiry] = useState(180);
  const [created, setCreated] = useState<Record<string, string>>({});
  const [toDelete, setToDelete] = useState<{ kind: 'secret' | 'certificate'; id: string; name: string }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [certFile, setCertFile] = useState<{ name: string; key: string; thumbprint: string }>();
  const [certDescription, setCertDescription] = useState('');

  const addSecret = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const end = new Date(Date.now() + expiry * 86_400_000).toISOString();
      const r = await management().addPassword(app.id, { displayName: description.trim() || null, endDateTime: end });
      setCreated((c) => ({ ...c, [r.keyId]: r.secretText }));
      setSecretOpen(false);
      setDescription('');
      reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const readCertificate = async (file: File) => {
    setError(undefined);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    const isPem = text.includes('-----BEGIN CERTIFICATE-----');
    const der = isPem ? pemToDer(text) : bytes;
    setCertFile({ name: file.name, key: isPem ? text : toBase64(bytes), thumbprint: await thumbprint(der) });
  };

  const addCertificate = async () => {
    if (!certFile) return;
    setBusy(true);
    setError(undefined);
    try {
      await management().updateApplication(app.id, {
        keyCredentials: [
          ...app.keyCredentials.map((k) => ({ keyId: k.keyId })),
          {
            type: 'AsymmetricX509Cert',
            usage: 'Verify',
            key: certFile.key,
            ...(certDescription.trim() ? { displayName: certDescription.trim() } : {}),
          },
        ],
      });
      setCertOpen(false);
      setCertFile(undefined);
      setCertDescription('');
      setTab('certificates');
      reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!toDelete) return;
    try {
      if (toDelete.kind === 'secret') await management().removePassword(app.id, toDelete.id);
      else
        await management().updateApplication(app.id, {
          keyCredentials: app.keyCredentials.filter((k) => k.keyId !== toDelete.id).map((k) => ({ keyId: k.keyId })),
        });
      reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <Text>Credentials enable confidential applications to identify themselves to the authentication service when receiving tokens.</Text>
      {error ? <ErrorState error={error} /> : null}
      <TabList selectedValue={tab} onTabSelect={(_e, d) => setTab(d.value as typeof tab)} aria-label="Credential types">
        <Tab value="certificates">Certificates ({app.keyCredentials.length})</Tab>
        <Tab value="secrets">Client secrets ({app.passwordCredentials.length})</Tab>
      </TabList>
      {tab === 'secrets' ? (
        <>
          <Text>
            A secret string that the application uses to prove its identity when requesting a token. Also can be referred to as application
            password.
          </Text>
          {Object.keys(created).length > 0 ? (
            <MessageBar intent="warning">
              <MessageBarBody>
                Client secret values cannot be viewed, except for immediately after creation. Be sure to save the secret when created before
                leaving the page.
              </MessageBarBody>
            </MessageBar>
          ) : null}
          <div className={s.commands}>
            <Button appearance="subtle" icon={<AddRegular />} disabled={!access.manageEntra} onClick={() => setSecretOpen(true)}>
              New client secret
            </Button>
          </div>
          {app.passwordCredentials.length === 0 ? (
            <Empty title="No client secrets have been created for this application." />
          ) : (
            <SecretsTable
              items={app.passwordCredentials}
              created={created}
              canDelete={access.manageEntra}
              onDelete={(p) => setToDelete({ kind: 'secret', id: p.keyId, name: p.displayName ?? p.keyId })}
            />
          )}
        </>
      ) : (
        <>
          <Text>
            Certificates can be used as secrets to prove the application’s identity when requesting a token. Also can be referred to as
            public keys.
          </Text>
          <div className={s.commands}>
            <Button appearance="subtle" icon={<ArrowUploadRegular />} disabled={!access.manageEntra} onClick={() => setCertOpen(true)}>
              Upload certificate
            </Button>
          </div>
          {app.keyCredentials.length === 0 ? (
            <Empty title="No certificates have been added for this application." />
          ) : (
            <CertificatesTable
              items={app.keyCredentials}
              canDelete={access.manageEntra}
              onDelete={(k) => setToDelete({ kind: 'certificate', id: k.keyId, name: k.displayName ?? k.keyId })}
            />
          )}
        </>
      )}
      <OverlayDrawer position="end" size="medium" open={secretOpen} onOpenChange={(_e, d) => setSecretOpen(d.open)}>
        <DrawerHeader>
          <DrawerHeaderTitle
            action={<Button appearance="subtle" aria-label="Close" icon={<DismissRegular />} onClick={() => setSecretOpen(false)} />}
          >
            Add a client secret
          </DrawerHeaderTitle>
        </DrawerHeader>
        <DrawerBody>
          <div className={s.form}>
            <Field label="Description">
              <Input value={description} onChange={(_e, d) => setDescription(d.value)} />
            </Field>
            <Field label="Expires">
              <Dropdown
                value={EXPIRIES.find((e) => e.days === expiry)?.label}
                selectedOptions={[String(expiry)]}
                onOptionSelect={(_e, d) => setExpiry(Number(d.optionValue))}
              >
                {EXPIRIES.map((e) => (
                  <Option key={e.days} value={String(e.days)}>
                    {e.label}
                  </Option>
                ))}
              </Dropdown>
            </Field>
          </div>
        </DrawerBody>
        <DrawerFooter>
          <Button appearance="primary" disabled={busy} onClick={() => void addSecret()}>
            Add
          </Button>
          <Button onClick={() => setSecretOpen(false)}>Cancel</Button>
        </DrawerFooter>
      </OverlayDrawer>
      <OverlayDrawer position="end" size="medium" open={certOpen} onOpenChange={(_e, d) => setCertOpen(d.open)}>
        <DrawerHeader>
          <DrawerHeaderTitle
            action={<Button appearance="subtle" aria-label="Close" icon={<DismissRegular />} onClick={() => setCertOpen(false)} />}
          >
            Upload certificate
          </DrawerHeaderTitle>
        </DrawerHeader>
        <DrawerBody>
          <div className={s.form}>
            <Field label="Select a file" hint="Upload a certificate (public key) with one of the following file types: .cer, .pem, .crt">
              {(fieldProps) => (
                <input
                  {...fieldProps}
                  type="file"
                  accept=".cer,.pem,.crt"
                  onChange={(e) => e.target.files?.[0] && void readCertificate(e.target.files[0])}
                />
              )}
            </Field>
            {certFile ? (
              <Text>
                Thumbprint:{' '}
                <Text font="monospace" data-testid="certificate-thumbprint">
                  {certFile.thumbprint}
                </Text>
              </Text>
            ) : null}
            <Field label="Description">
              <Input value={certDescription} onChange={(_e, d) => setCertDescription(d.value)} />
            </Field>
          </div>
        </DrawerBody>
        <DrawerFooter>
          <Button appearance="primary" disabled={busy || !certFile} onClick={() => void addCertificate()}>
            Add
          </Button>
          <Button onClick={() => setCertOpen(false)}>Cancel</Button>
        </DrawerFooter>
      </OverlayDrawer>
      <ConfirmDialog
        open={toDelete !== undefined}
        title={`Delete ${toDelete?.kind === 'secret' ? 'client secret' : 'certificate'}?`}
        confirmLabel="Yes"
        onClose={() => setToDelete(undefined)}
        onConfirm={remove}
      >
        Do you want to delete the {toDelete?.kind === 'secret' ? 'client secret' : 'certificate'} {toDelete?.name}? Applications using it
        will stop getting tokens.
      </ConfirmDialog>
    </>
  );
}

function SecretsTable(props: {
  items: PasswordCredentialJson[];
  created: Record<string, string>;
  canDelete: boolean;
  onDelete: (p: PasswordCredentialJson) => void;
}) {
  const s = useStyles();
  return (
    <Table aria-label="Client secrets" size="small">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Description</TableHeaderCell>
          <TableHeaderCell>Expires</TableHeaderCell>
          <TableHeaderCell>Value</TableHeaderCell>
          <TableHeaderCell>Secret ID</TableHeaderCell>
          <TableHeaderCell>
            <span className="visually-hidden">Actions</span>
          </TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {props.items.map((p) => {
          const value = props.created[p.keyId];
          return (
            <TableRow key={p.keyId}>
              <TableCell>{p.displayName ?? ''}</TableCell>
              <TableCell>{formatDate(p.endDateTime)}</TableCell>
              <TableCell>
                <span className={s.value}>
                  <Text font="monospace" data-testid={value ? 'secret-value' : undefined}>
                    {value ?? `${p.hint ?? ''}${'*'.repeat(31)}`}
                  </Text>
                  {value ? <CopyButton value={value} label="secret value" /> : null}
                </span>
              </TableCell>
              <TableCell>
                <span className={s.value}>
                  <Text font="monospace">{p.keyId}</Text>
                  <CopyButton value={p.keyId} label="secret ID" />
                </span>
              </TableCell>
              <TableCell>
                <Button
                  appearance="subtle"
                  icon={<DeleteRegular />}
                  aria-label={`Delete client secret ${p.displayName ?? p.keyId}`}
                  disabled={!props.canDelete}
                  onClick={() => props.onDelete(p)}
                />
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

function CertificatesTable(props: { items: KeyCredentialJson[]; canDelete: boolean; onDelete: (k: KeyCredentialJson) => void }) {
  return (
    <Table aria-label="Certificates" size="small">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Thumbprint</TableHeaderCell>
          <TableHeaderCell>Description</TableHeaderCell>
          <TableHeaderCell>Start date</TableHeaderCell>
          <TableHeaderCell>Expires</TableHeaderCell>
          <TableHeaderCell>Certificate ID</TableHeaderCell>
          <TableHeaderCell>
            <span className="visually-hidden">Actions</span>
          </TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {props.items.map((k) => (
          <TableRow key={k.keyId}>
            <TableCell>
              <Text font="monospace">{k.customKeyIdentifier ?? ''}</Text>
            </TableCell>
            <TableCell>{k.displayName ?? ''}</TableCell>
            <TableCell>{formatDate(k.startDateTime)}</TableCell>
            <TableCell>{formatDate(k.endDateTime)}</TableCell>
            <TableCell>
              <Text font="monospace">{k.keyId}</Text>
            </TableCell>
            <TableCell>
              <Button
                appearance="subtle"
                icon={<DeleteRegular />}
                aria-label={`Delete certificate ${k.displayName ?? k.keyId}`}
                disabled={!props.canDelete}
                onClick={() => props.onDelete(k)}
              />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
