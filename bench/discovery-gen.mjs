// Generated Squid native logs for the Cloud Discovery benchmarks (deterministic PRNG).
import { once } from 'node:events';

export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    return s / 4294967296;
  };
}

export const HOSTS = [
  'www.dropbox.com',
  'outlook.office.com',
  'github.com',
  'api.github.com',
  'contoso-my.sharepoint.com',
  'slack.com',
  'files.slack-edge.com',
  'www.youtube.com',
  'drive.google.com',
  'unknown-saas.example.org',
  'cdn.example.net',
  'zoom.us',
  'mega.nz',
  'chatgpt.com',
  'app.asana.com',
  'login.salesforce.com',
];

/**
 * Writes about `sizeMB` MB of Squid native lines to `out` (a writable stream) and ends it. Times
 * start at `startEpoch` (seconds; default 2024-06-15) and advance about one second per 100 lines.
 */
export async function writeSquidLog(out, sizeMB, { startEpoch = 1718400000 } = {}) {
  const r = rng(7);
  let written = 0;
  let t = startEpoch;
  while (written < sizeMB * 1e6) {
    const lines = [];
    for (let i = 0; i < 5000; i++) {
      t += r() < 0.01 ? 1 : 0;
      const host = HOSTS[Math.floor(r() * HOSTS.length)];
      const connect = r() < 0.4;
      const status = r() < 0.03 ? 'TCP_DENIED/403' : connect ? 'TCP_TUNNEL/200' : 'TCP_MISS/200';
      // 2000 users, each on one or two workstations; a fifth of the lines are unauthenticated.
      const u = Math.floor(r() * 2000);
      const user = r() < 0.2 ? '-' : `user${u}`;
      const ip = `10.${u % 4}.${(u >> 2) & 255}.${1 + ((u + (r() < 0.1 ? 1 : 0)) % 250)}`;
      const url = connect ? `${host}:443` : `https://${host}/path/${Math.floor(r() * 1e6)}?q=${Math.floor(r() * 1000)}`;
      lines.push(
        `${t}.${String(Math.floor(r() * 1000)).padStart(3, '0')} ${String(Math.floor(r() * 90000)).padStart(6)} ${ip} ${status} ${Math.floor(r() * 200000)} ${connect ? 'CONNECT' : 'GET'} ${url} ${user} HIER_DIRECT/203.0.113.${Math.floor(r() * 250)} ${connect ? '-' : 'text/html'}`,
      );
    }
    const chunk = lines.join('\n') + '\n';
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Catalogued app hosts of writeHighCardinalitySquidLog: 20 different catalog apps. */
export const APP_HOSTS = [
  'www.dropbox.com',
  'outlook.office.com',
  'github.com',
  'slack.com',
  'www.youtube.com',
  'drive.google.com',
  'zoom.us',
  'mega.nz',
  'chatgpt.com',
  'app.asana.com',
  'login.salesforce.com',
  'www.canva.com',
  'airtable.com',
  'bitbucket.org',
  'calendly.com',
  'app.clickup.com',
  'coda.io',
  'app.box.com',
  'www.4shared.com',
  'anydesk.com',
];

/**
 * Writes `lines` Squid native lines of high cardinality to `out` and ends it: each line's source
 * IP (one of `ips`), user (one of `users`) and app (one of `apps` of APP_HOSTS) is chosen
 * independently, so nearly every line of a day is a bucket of its own (day x app x user x IP).
 * About 119 bytes a line: 2M lines are the ~238 MB of issue 12. Times start at `startEpoch`
 * (seconds) and advance about one second per 100 lines.
 */
export async function writeHighCardinalitySquidLog(out, lines, { ips = 5000, users = 6, apps = 20, startEpoch = 1718400000 } = {}) {
  const r = rng(11);
  let t = startEpoch;
  for (let done = 0; done < lines;) {
    const batch = [];
    for (let i = 0; i < 5000 && done < lines; i++, done++) {
      t += r() < 0.01 ? 1 : 0;
      const host = APP_HOSTS[Math.floor(r() * apps)];
      const connect = r() < 0.5;
      const status = r() < 0.03 ? 'TCP_DENIED/403' : connect ? 'TCP_TUNNEL/200' : 'TCP_MISS/200';
      const n = Math.floor(r() * ips);
      const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
      const user = `user${Math.floor(r() * users)}`;
      const url = connect ? `${host}:443` : `https://${host}/p/${Math.floor(r() * 1e5)}`;
      batch.push(
        `${t}.${String(Math.floor(r() * 1000)).padStart(3, '0')} ${String(Math.floor(r() * 90000)).padStart(6)} ${ip} ${status} ${Math.floor(r() * 200000)} ${connect ? 'CONNECT' : 'GET'} ${url} ${user} HIER_DIRECT/203.0.113.${Math.floor(r() * 250)} ${connect ? '-' : 'text/html'}`,
      );
    }
    if (!out.write(batch.join('\n') + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
