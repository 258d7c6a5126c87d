import crypto from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(crypto.webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const RSA_ALG = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;

export interface GeneratedKeyCert {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** DER of the certificate. */
  certDer: Buffer;
  certPem: string;
}

async function generateRsa(): Promise<crypto.webcrypto.CryptoKeyPair> {
  return (await crypto.webcrypto.subtle.generateKey(RSA_ALG, true, ['sign', 'verify'])) as crypto.webcrypto.CryptoKeyPair;
}

async function exportPkcs8(key: crypto.webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.webcrypto.subtle.exportKey('pkcs8', key));
  return crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }).toString();
}

function serial(): string {
  // Positive 16-byte serial: clear the top bit.
  const b = crypto.randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString('hex');
}

/** A self-signed RSA-2048 certificate, like the ones Entra publishes in `x5c` for its signing keys. */
export async function generateSelfSignedKey(commonName: string, years = 5, now = new Date()): Promise<GeneratedKeyCert> {
  const keys = await generateRsa();
  const notAfter = new Date(now.getTime());
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore: now,
    notAfter,
    keys,
    signingAlgorithm: RSA_ALG,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  return { privateKeyPem: await exportPkcs8(keys.privateKey), certDer: Buffer.from(cert.rawData), certPem: cert.toString('pem') };
}

export interface CertificateAuthority {
  keyPem: string;
  certPem: string;
}

/** A local CA that users trust once (NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE...). */
export async function generateCa(name = 'Appwarden Local CA'): Promise<CertificateAuthority> {
  const keys = await generateRsa();
  const now = new Date();
  const notAfter = new Date(now.getTime() + 10 * 365 * 86400_000);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${name}, O=Appwarden`,
    notBefore: new Date(now.getTime() - 3600_000),
    notAfter,
    keys,
    signingAlgorithm: RSA_ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { keyPem: await exportPkcs8(keys.privateKey), certPem: cert.toString('pem') };
}

/** A TLS server certificate for the given DNS names and IP addresses, signed by the CA. */
export async function issueServerCertificate(
  ca: CertificateAuthority,
  dnsNames: string[],
  ipAddresses: string[],
): Promise<{ keyPem: string; certPem: string }> {
  const keys = await generateRsa();
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await crypto.webcrypto.subtle.importKey(
    'pkcs8',
    crypto.createPrivateKey(ca.keyPem).export({ format: 'der', type: 'pkcs8' }),
    RSA_ALG,
    false,
    ['sign'],
  );
  const now = new Date();
  // 397 days: the longest validity that browsers accept for a server certificate.
  const notAfter = new Date(now.getTime() + 397 * 86400_000);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${dnsNames[0] ?? 'localhost'}`,
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - 3600_000),
    notAfter,
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: RSA_ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...ipAddresses.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
    ],
  });
  return { keyPem: await exportPkcs8(keys.privateKey), certPem: cert.toString('pem') };
}

/** DNS names and IPs in a PEM certificate's subjectAltName. */
export function certificateNames(certPem: string): { dns: string[]; ip: string[]; notAfter: Date } {
  const cert = new x509.X509Certificate(certPem);
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const names = san?.names.items ?? [];
  return {
    dns: names.filter((n) => n.type === 'dns').map((n) => n.value),
    ip: names.filter((n) => n.type === 'ip').map((n) => n.value),
    notAfter: cert.notAfter,
  };
}
