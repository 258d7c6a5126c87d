import crypto from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(crypto.webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface ClientCertificate {
  /** PKCS#8 PEM private key. */
  privateKeyPem: string;
  certPem: string;
  /** What Graph's keyCredentials `key` takes: base64 of the DER. */
  certDerBase64: string;
  /** Upper-case hex thumbprints, as MSAL's `thumbprint` / `thumbprintSha256` options take them. */
  sha1Hex: string;
  sha256Hex: string;
  /** JOSE header values: base64url of the thumbprints. */
  x5t: string;
  x5tS256: string;
}

/** A self-signed RSA-2048 client certificate, as `New-SelfSignedCertificate` or openssl would make for an app registration. */
export async function createClientCertificate(commonName: string): Promise<ClientCertificate> {
  const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;
  const keys = (await crypto.webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as crypto.webcrypto.CryptoKeyPair;
  const notBefore = new Date(Date.now() - 3600_000);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: crypto
      .randomBytes(8)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: `CN=${commonName}`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 365 * 86400_000),
    keys,
    signingAlgorithm: alg,
  });
  const der = Buffer.from(cert.rawData);
  const pkcs8 = Buffer.from(await crypto.webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const sha1 = crypto.createHash('sha1').update(der).digest();
  const sha256 = crypto.createHash('sha256').update(der).digest();
  return {
    privateKeyPem: crypto
      .createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })
      .export({ format: 'pem', type: 'pkcs8' })
      .toString(),
    certPem: cert.toString('pem'),
    certDerBase64: der.toString('base64'),
    sha1Hex: sha1.toString('hex').toUpperCase(),
    sha256Hex: sha256.toString('hex').toUpperCase(),
    x5t: sha1.toString('base64url'),
    x5tS256: sha256.toString('base64url'),
  };
}
