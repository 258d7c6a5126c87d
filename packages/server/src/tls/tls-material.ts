import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { certificateNames, generateCa, issueServerCertificate } from './certificates.js';

export interface TlsMaterial {
  caPath: string;
  key: string;
  cert: string;
  ca: string;
}

function writePrivate(file: string, content: string): void {
  fs.writeFileSync(file, content, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

/**
 * The CA is generated once per data directory (users trust `<data-dir>/ca.pem` once); the server
 * certificate is re-issued when the wanted host names change or it nears expiry.
 */
export async function ensureTlsMaterial(dataDir: string, hosts: string[]): Promise<TlsMaterial> {
  fs.mkdirSync(dataDir, { recursive: true });
  const caPath = path.join(dataDir, 'ca.pem');
  const caKeyPath = path.join(dataDir, 'ca-key.pem');
  const certPath = path.join(dataDir, 'server.pem');
  const keyPath = path.join(dataDir, 'server-key.pem');

  let ca: { keyPem: string; certPem: string };
  if (fs.existsSync(caPath) && fs.existsSync(caKeyPath)) {
    ca = { certPem: fs.readFileSync(caPath, 'utf8'), keyPem: fs.readFileSync(caKeyPath, 'utf8') };
  } else {
    ca = await generateCa();
    writePrivate(caKeyPath, ca.keyPem);
    fs.writeFileSync(caPath, ca.certPem);
  }

  const wanted = [...new Set(['localhost', '127.0.0.1', '::1', ...hosts.map((h) => h.toLowerCase())])];
  const dns = wanted.filter((h) => net.isIP(h) === 0);
  const ips = wanted.filter((h) => net.isIP(h) !== 0);
  if (fs.existsSync(certPath) && fs.existsSync(keyPath)) {
    const cert = fs.readFileSync(certPath, 'utf8');
    const names = certificateNames(cert);
    const fresh = names.notAfter.getTime() - Date.now() > 30 * 86400_000;
    const covers = dns.every((d) => names.dns.includes(d)) && ips.every((ip) => names.ip.some((n) => sameIp(n, ip)));
    if (fresh && covers) return { caPath, key: fs.readFileSync(keyPath, 'utf8'), cert, ca: ca.certPem };
  }
  const issued = await issueServerCertificate(ca, dns, ips);
  writePrivate(keyPath, issued.keyPem);
  fs.writeFileSync(certPath, issued.certPem);
  return { caPath, key: issued.keyPem, cert: issued.certPem, ca: ca.certPem };
}

function sameIp(a: string, b: string): boolean {
  const norm = (s: string) => (s === '0:0:0:0:0:0:0:1' ? '::1' : s.toLowerCase());
  return norm(a) === norm(b);
}
