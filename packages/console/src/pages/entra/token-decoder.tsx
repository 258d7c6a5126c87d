import {
  Badge,
  Card,
  Field,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Textarea,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { compactVerify, importJWK, type JWK } from 'jose';
import { useEffect, useMemo, useState } from 'react';
import { decodeJwtPart } from '../../session/jwt-claims.js';
import { Page } from '../../shell/page.js';
import { CLAIM_DESCRIPTIONS } from './claim-descriptions.js';

const useStyles = makeStyles({
  input: { fontFamily: tokens.fontFamilyMonospace, minHeight: '120px' },
  columns: { display: 'grid', gridTemplateColumns: '1fr 1fr', gap: tokens.spacingHorizontalL },
  code: {
    margin: 0,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
  },
  highlight: { backgroundColor: tokens.colorPaletteYellowBackground2 },
  mono: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
});

type Verification = { state: 'checking' } | { state: 'valid'; issuer: string } | { state: 'invalid' | 'unknown'; reason: string };

interface Decoded {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  raw: string;
}

const TIME_CLAIMS = new Set(['iat', 'nbf', 'exp']);

/** The issuing tenant's keys from this server: the token itself never leaves the browser. */
async function verify(token: string, header: Record<string, unknown>, claims: Record<string, unknown>): Promise<Verification> {
  const tid = typeof claims.tid === 'string' ? claims.tid : undefined;
  if (!tid || !/^[0-9a-f-]{36}$/i.test(tid))
    return { state: 'unknown', reason: 'The token has no tenant (tid) claim to find the signing keys.' };
  const res = await fetch(`/${tid}/discovery/v2.0/keys`);
  if (!res.ok) return { state: 'unknown', reason: `This server does not know tenant ${tid}, so it cannot check the signature.` };
  const { keys } = (await res.json()) as { keys: (JWK & { kid?: string })[] };
  const jwk = keys.find((k) => k.kid === header.kid);
  if (!jwk) return { state: 'invalid', reason: `No published key of tenant ${tid} has kid ${String(header.kid)}.` };
  try {
    await compactVerify(token, await importJWK(jwk, 'RS256'));
    return { state: 'valid', issuer: String(claims.iss) };
  } catch {
    return { state: 'invalid', reason: 'The signature does not match the key the token names.' };
  }
}

function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}

function countdown(ms: number): string {
  const s = Math.abs(Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h > 0 ? `${h} h ` : ''}${m} min ${s % 60} s`;
}

/** Like jwt.ms: paste a token, read its header and claims, explained; checked against the issuer's keys. */
export function TokenDecoderPage() {
  const s = useStyles();
  const [token, setToken] = useState('');
  const [verification, setVerification] = useState<Verification>();
  const now = useNow();
  const decoded = useMemo((): Decoded | { error: string } | undefined => {
    const t = token.trim();
    if (!t) return undefined;
    const parts = t.split('.');
    if (parts.length !== 3) return { error: 'A JWT has three parts separated by dots.' };
    try {
      return { header: decodeJwtPart(parts[0]!), claims: decodeJwtPart(parts[1]!), raw: t };
    } catch {
      return { error: 'This is not a valid JWT: its parts are not base64url JSON.' };
    }
  }, [token]);

  useEffect(() => {
    if (!decoded || 'error' in decoded) return setVerification(undefined);
    let live = true;
    setVerification({ state: 'checking' });
    verify(decoded.raw, decoded.header, decoded.claims).then(
      (v) => live && setVerification(v),
      (e: unknown) => live && setVerification({ state: 'unknown', reason: String(e) }),
    );
    return () => {
      live = false;
    };
  }, [decoded]);

  const exp = decoded && 'claims' in decoded && typeof decoded.claims.exp === 'number' ? decoded.claims.exp * 1000 : undefined;
  return (
    <Page title="Token decoder" crumbs={[{ label: 'Home', to: '/' }, { label: 'Token decoder' }]}>
      <Text>
        Paste a token. It is decoded in this browser and never sent anywhere; only the issuing tenant’s public keys are fetched to check the
        signature.
      </Text>
      <Field label="Token">
        <Textarea className={s.input} value={token} onChange={(_e, d) => setToken(d.value)} resize="vertical" spellCheck={false} />
      </Field>
      {decoded && 'error' in decoded ? (
        <MessageBar intent="error">
          <MessageBarBody>{decoded.error}</MessageBarBody>
        </MessageBar>
      ) : null}
      {decoded && 'claims' in decoded ? (
        <>
          {verification?.state === 'valid' ? (
            <MessageBar intent="success" data-testid="signature-state">
              <MessageBarBody>
                <MessageBarTitle>Signature verified</MessageBarTitle>
                Signed by a published key of {verification.issuer}.
              </MessageBarBody>
            </MessageBar>
          ) : verification?.state === 'invalid' || verification?.state === 'unknown' ? (
            <MessageBar intent={verification.state === 'invalid' ? 'error' : 'warning'} data-testid="signature-state">
              <MessageBarBody>
                <MessageBarTitle>{verification.state === 'invalid' ? 'Invalid signature' : 'Signature not checked'}</MessageBarTitle>
                {verification.reason}
              </MessageBarBody>
            </MessageBar>
          ) : null}
          {exp !== undefined ? (
            <Text data-testid="token-expiry">
              {exp > now ? <>Expires in {countdown(exp - now)}</> : <>Expired {countdown(now - exp)} ago</>} (
              {new Date(exp).toLocaleString()})
            </Text>
          ) : null}
          <div className={s.columns}>
            <Card>
              <Text weight="semibold">Header</Text>
              <pre className={s.code} tabIndex={0} aria-label="Decoded header">
                {JSON.stringify(decoded.header, null, 2)}
              </pre>
            </Card>
            <Card>
              <Text weight="semibold">Payload</Text>
              <pre className={s.code} tabIndex={0} aria-label="Decoded payload">
                {JSON.stringify(decoded.claims, null, 2)}
              </pre>
            </Card>
          </div>
          <Text as="h2" size={500} weight="semibold">
            Claims
          </Text>
          <Table aria-label="Claims" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Claim type</TableHeaderCell>
                <TableHeaderCell>Value</TableHeaderCell>
                <TableHeaderCell>Notes</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {Object.entries(decoded.claims).map(([k, v]) => {
                const highlighted = k === 'roles' || k === 'scp';
                return (
                  <TableRow key={k} className={highlighted ? s.highlight : undefined} data-testid={`claim-${k}`}>
                    <TableCell>
                      <Text weight={highlighted ? 'semibold' : 'regular'}>{k}</Text>
                      {highlighted ? (
                        <Badge appearance="tint" color="brand" size="small" style={{ marginLeft: tokens.spacingHorizontalXS }}>
                          permissions
                        </Badge>
                      ) : null}
                    </TableCell>
                    <TableCell className={s.mono}>
                      {Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v)}
                      {TIME_CLAIMS.has(k) && typeof v === 'number' ? (
                        <Text size={200}> ({new Date(v * 1000).toLocaleString()})</Text>
                      ) : null}
                    </TableCell>
                    <TableCell>{CLAIM_DESCRIPTIONS[k] ?? ''}</TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </>
      ) : null}
    </Page>
  );
}
