// FTP and FTPS receivers of data sources (the log collector's ftp and ftps receiver types): one
// FTP server of Appwarden's, where every ftp/ftps data source has a login of its own. A file stored
// there becomes an upload job of that data source's stream, exactly like an upload through
// upload_url + done_upload (same storage, same early parse, same job runner), and the file is gone
// once the job has taken it.
//
// The server speaks only what appliances and clients need to deliver a file: USER PASS (after
// AUTH TLS for FTPS), PWD CWD CDUP TYPE MODE STRU SYST FEAT OPTS NOOP ALLO PASV EPSV LIST NLST
// STOR ABOR QUIT and AUTH PBSZ PROT. Passive mode only (no PORT/EPRT: no bounce). There is no file
// system behind it: a stored file goes straight to the upload storage under a generated id, the
// client's file name is only a label, a listing is always empty, and nothing can be read back.
// Why not a library: see docs/discovery.md ("FTP and FTPS data sources"): the FTP server library on
// npm (ftp-srv) maps sessions onto a directory tree, answers every command unless each is blocked,
// and brings bunyan (optional native build), ip 1.x and uuid 3.x; this needs no dependency.
//
// Bounds: a command line is at most 1 KiB; a file at most maxFileBytes (the transfer is cut and its
// partial file removed past it); the files of one data source waiting for their job at most
// quotaBytes; connections in all and per client address are capped; failed logins lock the
// (address, user) pair and, at five times the threshold, the address; idle sessions are closed.
import crypto from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { Clock } from '../../clock.js';
import type { DiscoveryStreamRow } from '../../store/discovery-schema.js';
import type { Stores } from '../../store/interfaces.js';
import { findLogSource } from '../index.js';
import type { EarlyParses } from './early-parse.js';
import type { JobInput, JobRunner, Logger } from './job-runner.js';
import { streamSettings } from './streams.js';
import { UploadTooLarge, type UploadStorage } from './upload-storage.js';

export type FtpReceiverType = 'ftp' | 'ftps';
export const FTP_RECEIVER_TYPES: FtpReceiverType[] = ['ftp', 'ftps'];

export interface FtpReceiverOptions {
  /** Interface the control connection listens on (passive data connections use the address the client reached). */
  host: string;
  /** Control port; 0: an ephemeral one (tests). */
  port: number;
  /** Host name or address shown to users in a data source's receiver details (default: host). */
  publicHost?: string;
  /** Passive data ports; 0 and 0: ephemeral ports. */
  passivePortMin: number;
  passivePortMax: number;
  /** Largest file one STOR may deliver. */
  maxFileBytes: number;
  /** Bytes of one data source's files received and not yet parsed by their job. */
  quotaBytes: number;
  /** Control connections in all, and from one client address. */
  maxConnections: number;
  maxConnectionsPerAddress: number;
  /** Failed logins of one (address, user) pair before it is locked; the address alone: five times this. */
  loginFailures: number;
  lockoutMs: number;
  /** A control connection without a command for this long is closed (not while a file is received). */
  idleMs: number;
  /** A passive port waits this long for the client's data connection; a data connection may be silent this long. */
  dataTimeoutMs: number;
}

export const FTP_LIMIT_DEFAULTS = {
  maxFileBytes: 1024 ** 3,
  quotaBytes: 4 * 1024 ** 3,
  maxConnections: 64,
  maxConnectionsPerAddress: 8,
  loginFailures: 5,
  lockoutMs: 15 * 60_000,
  idleMs: 5 * 60_000,
  dataTimeoutMs: 30_000,
} as const;

/** The keyed hash of the master key (identity/master-key.ts), passed in to keep discovery free of identity imports. */
export interface SecretVerifier {
  verifySecret(secret: string, storedHash: string): boolean;
}

/** What a data source's receiver details show of its FTP traffic (this process). */
export interface FtpReceiverStats {
  sessions: number;
  logins: number;
  failedLogins: number;
  files: number;
  bytes: number;
  /** STORs refused: over the file cap or the quota, unprotected data on FTPS, broken transfers. */
  refused: number;
  /** Bytes received and not yet parsed by their job. */
  pendingBytes: number;
  lastFileAt: number | null;
  lastError: string | null;
}

const MAX_LINE_BYTES = 1024;
const MAX_QUEUED_COMMANDS = 16;
const LOCKOUT_ENTRIES = 10_000;

/** The address a client came from, IPv4-mapped IPv6 written as IPv4. */
function plainAddress(a: string | undefined): string {
  return (a ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
}

/** A generated login: the user name and its password (shown once, then only its hash is kept). */
export function newFtpLogin(): { user: string; password: string } {
  return { user: `aw${crypto.randomBytes(6).toString('hex')}`, password: crypto.randomBytes(24).toString('base64url') };
}

interface Lock {
  failures: number;
  until: number;
}

export class FtpReceivers {
  private server: net.Server | undefined;
  private opening: Promise<void> | undefined;
  private tlsContext: tls.SecureContext | undefined;
  private readonly sessions = new Set<FtpSession>();
  private readonly perAddress = new Map<string, number>();
  private readonly locks = new Map<string, Lock>();
  private readonly stats = new Map<string, FtpReceiverStats>();
  log: Logger;

  constructor(
    readonly stores: Stores,
    readonly storage: UploadStorage,
    readonly jobs: JobRunner,
    readonly early: EarlyParses,
    readonly clock: Clock,
    readonly options: FtpReceiverOptions,
    readonly secrets: SecretVerifier | undefined,
    log: Logger,
  ) {
    this.log = log;
  }

  setTls(material: { key: string; cert: string }): void {
    this.tlsContext = tls.createSecureContext({ key: material.key, cert: material.cert });
  }

  get secureContext(): tls.SecureContext | undefined {
    return this.tlsContext;
  }

  /** The control port once listening. */
  get port(): number | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : undefined;
  }

  /** Control connections open now (all data sources, logged in or not). */
  get connections(): number {
    let n = 0;
    for (const v of this.perAddress.values()) n += v;
    return n;
  }

  get host(): string {
    return this.options.publicHost ?? this.options.host;
  }

  /** Starts the server at start-up when an ftp/ftps data source exists (none: no port is opened). */
  async openIfNeeded(): Promise<void> {
    if ((await this.stores.discovery.streams.listDataSources(FTP_RECEIVER_TYPES)).length > 0) await this.listen();
  }

  /** Listens (once); resolves when the control port is open. */
  listen(): Promise<void> {
    this.opening ??= new Promise<void>((resolve, reject) => {
      const server = net.createServer((sock) => this.accept(sock));
      server.maxConnections = this.options.maxConnections;
      server.once('error', (e) => {
        this.opening = undefined;
        reject(e);
      });
      server.listen(this.options.port, this.options.host, () => {
        server.removeAllListeners('error');
        server.on('error', (err) => this.log.warn({ err }, 'ftp server error'));
        this.server = server;
        resolve();
      });
    });
    return this.opening;
  }

  statsOf(streamId: string): FtpReceiverStats {
    let s = this.stats.get(streamId);
    if (!s) {
      s = { sessions: 0, logins: 0, failedLogins: 0, files: 0, bytes: 0, refused: 0, pendingBytes: 0, lastFileAt: null, lastError: null };
      this.stats.set(streamId, s);
    }
    return s;
  }

  /** Receiver details of a data source (never its password). */
  details(row: DiscoveryStreamRow) {
    return {
      host: this.host,
      port: this.port ?? (this.options.port || null),
      user: row.receiver_user,
      tls: row.receiver_type === 'ftps',
      passivePorts: this.options.passivePortMin ? `${this.options.passivePortMin}-${this.options.passivePortMax}` : null,
    };
  }

  /** A data source was deleted: its sessions end now (its login already fails: the row is gone). */
  async close(streamId: string): Promise<void> {
    for (const s of [...this.sessions]) if (s.row?.id === streamId) s.destroy();
    this.stats.delete(streamId);
  }

  async stop(): Promise<void> {
    for (const s of [...this.sessions]) s.destroy();
    const server = this.server;
    this.server = undefined;
    this.opening = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(sock: net.Socket): void {
    const address = plainAddress(sock.remoteAddress);
    const n = this.perAddress.get(address) ?? 0;
    if (n >= this.options.maxConnectionsPerAddress) {
      sock.end('421 Too many connections from your address.\r\n');
      sock.on('error', () => undefined);
      return;
    }
    this.perAddress.set(address, n + 1);
    const session = new FtpSession(this, sock, address);
    this.sessions.add(session);
    sock.once('close', () => {
      this.sessions.delete(session);
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left <= 0) this.perAddress.delete(address);
      else this.perAddress.set(address, left);
    });
  }

  // --- login lockout ---

  private lockOf(key: string): Lock | undefined {
    const l = this.locks.get(key);
    if (l && l.until && l.until <= this.clock.now()) {
      this.locks.delete(key);
      return undefined;
    }
    return l;
  }

  locked(address: string, user: string): boolean {
    const pair = this.lockOf(`${address}|${user}`);
    const addr = this.lockOf(address);
    return !!(pair?.until || addr?.until);
  }

  private fail(key: string, threshold: number): void {
    const l = this.lockOf(key) ?? { failures: 0, until: 0 };
    l.failures++;
    if (l.failures >= threshold) l.until = this.clock.now() + this.options.lockoutMs;
    this.locks.delete(key);
    this.locks.set(key, l);
    if (this.locks.size > LOCKOUT_ENTRIES) this.locks.delete(this.locks.keys().next().value!);
  }

  loginFailed(address: string, user: string): void {
    this.fail(`${address}|${user}`, this.options.loginFailures);
    this.fail(address, this.options.loginFailures * 5);
  }

  loginSucceeded(address: string, user: string): void {
    this.locks.delete(`${address}|${user}`);
  }

  /** The data source whose login this is, if the password is its own. */
  async authenticate(user: string, password: string): Promise<DiscoveryStreamRow | undefined> {
    if (!this.secrets || !/^[A-Za-z0-9_.-]{1,64}$/.test(user)) return undefined;
    const row = await this.stores.discovery.streams.findByReceiverUser(user);
    if (!row?.receiver_secret_hash || !FTP_RECEIVER_TYPES.includes(row.receiver_type as FtpReceiverType)) return undefined;
    return this.secrets.verifySecret(password, row.receiver_secret_hash) ? row : undefined;
  }

  /** Opens a passive data port on `localAddress` (the address the client reached). */
  async passivePort(localAddress: string): Promise<net.Server> {
    const { passivePortMin: min, passivePortMax: max } = this.options;
    const tryListen = (port: number) =>
      new Promise<net.Server>((resolve, reject) => {
        const srv = net.createServer();
        srv.once('error', reject);
        // Exclusive: under node:cluster a passive port is this process's own (a shared one would hand
        // the data connection to whichever worker, not the one holding the session).
        srv.listen({ port, host: localAddress, exclusive: true }, () => {
          srv.off('error', reject);
          resolve(srv);
        });
      });
    if (!min) return tryListen(0);
    const span = max - min + 1;
    const start = crypto.randomInt(span);
    let last: unknown;
    for (let i = 0; i < span; i++) {
      try {
        return await tryListen(min + ((start + i) % span));
      } catch (e) {
        last = e;
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      }
    }
    throw last ?? new Error('no passive port free');
  }

  /**
   * Queues a received file (already in upload storage as `uploadId`) as an upload job of the data
   * source's stream, as done_upload does; false when the data source is gone meanwhile.
   */
  async submit(row: DiscoveryStreamRow, uploadId: string, fileName: string, size: number): Promise<string | undefined> {
    const now = this.clock.now();
    const current = await this.stores.discovery.streams.get(row.tenant_id, row.id);
    if (!current) return undefined;
    const settings = streamSettings(current);
    const source = current.log_type === null ? undefined : findLogSource(current.log_type);
    const input: JobInput = {
      uploadId,
      fileName,
      source: source?.name ?? 'OTHER',
      snapshot: false,
      ...(settings.customParser ? { custom: settings.customParser } : {}),
      ...(settings.utcOffsetMinutes !== undefined ? { utcOffsetMinutes: settings.utcOffsetMinutes } : {}),
    };
    if (!(await this.stores.discovery.uploads.transition(uploadId, ['open'], 'submitted', { size, committed_at: now }))) return undefined;
    // The shape of the API's object ids (seconds, then random), as done_upload's jobs have.
    const jobId =
      Math.floor(now / 1000)
        .toString(16)
        .padStart(8, '0')
        .slice(-8) + crypto.randomBytes(8).toString('hex');
    await this.stores.discovery.jobs.insert({
      id: jobId,
      tenant_id: row.tenant_id,
      upload_id: uploadId,
      stream_id: row.id,
      state: 'queued',
      input: JSON.stringify(input),
      result: null,
      error: null,
      attempts: 0,
      created_at: now,
      started_at: null,
      heartbeat_at: null,
      finished_at: null,
      claimed_by: null,
    });
    this.jobs.kick();
    return jobId;
  }

  /** Reserves quota for a transfer: the most it may write, 0 when the quota is used up. */
  reserve(streamId: string): number {
    const s = this.statsOf(streamId);
    const room = Math.min(this.options.maxFileBytes, this.options.quotaBytes - s.pendingBytes);
    if (room <= 0) return 0;
    s.pendingBytes += room;
    return room;
  }

  /** Gives back a reservation, keeping `kept` bytes pending until `done` settles (the job's end). */
  release(streamId: string, reserved: number, kept: number, done?: Promise<void>): void {
    const s = this.statsOf(streamId);
    s.pendingBytes -= reserved - kept;
    if (kept > 0 && done) {
      void done
        .catch(() => undefined)
        .finally(() => {
          s.pendingBytes -= kept;
        });
    } else s.pendingBytes -= kept;
  }
}

/**
 * Where a client path points: the root or the data source's own folder (`/<display name>`, the
 * log collector's layout), else undefined. No `.` or `..` segments, no control characters.
 */
function resolvePath(cwd: string, arg: string, folder: string): { dir: string; name: string | undefined } | undefined {
  if (arg.length > 1024 || /[\\\x00-\x1f\x7f]/.test(arg)) return undefined;
  const parts = (arg.startsWith('/') ? arg : `${cwd}/${arg}`).split('/').filter((x) => x !== '' && x !== '.');
  if (parts.some((x) => x === '..')) return undefined;
  if (parts.length === 0) return { dir: '/', name: undefined };
  if (parts.length === 1) return parts[0] === folder ? { dir: `/${folder}`, name: undefined } : { dir: '/', name: parts[0] };
  if (parts.length === 2 && parts[0] === folder) return { dir: `/${folder}`, name: parts[1] };
  return undefined;
}

/** A stored file's name: a plain name of at most 255 characters. */
function fileNameOf(cwd: string, arg: string, folder: string): string | undefined {
  const r = resolvePath(cwd, arg, folder);
  if (!r?.name || r.name.length > 255 || (r.dir === '/' && r.name === folder)) return undefined;
  return r.name;
}

class FtpSession {
  private sock: net.Socket;
  private buf = '';
  private queue: Promise<void> = Promise.resolve();
  private secure = false;
  private protectData = false;
  private user: string | undefined;
  row: DiscoveryStreamRow | undefined;
  private passive: { server: net.Server; conn: Promise<net.Socket | undefined> } | undefined;
  private transfer: net.Socket | undefined;
  private closed = false;
  private cwd = '/';
  private queued = 0;

  constructor(
    private readonly owner: FtpReceivers,
    sock: net.Socket,
    private readonly address: string,
  ) {
    this.sock = sock;
    this.attach(sock);
    sock.setTimeout(owner.options.idleMs);
    this.reply(220, 'Appwarden Cloud Discovery FTP receiver ready.');
  }

  // The listeners attach() puts on the current control socket (moved when AUTH TLS wraps it).
  private readonly onChunk = (chunk: string) => this.onData(chunk);
  private readonly onIdle = () => {
    this.reply(421, 'Idle timeout, closing the control connection.');
    this.destroy();
  };
  private readonly onEnd = () => this.destroy();

  private attach(sock: net.Socket): void {
    sock.setEncoding('utf8');
    sock.on('data', this.onChunk);
    sock.on('timeout', this.onIdle);
    sock.on('error', this.onEnd);
    sock.on('close', this.onEnd);
  }

  private detach(sock: net.Socket): void {
    sock.off('data', this.onChunk);
    sock.off('timeout', this.onIdle);
    sock.off('error', this.onEnd);
    sock.off('close', this.onEnd);
  }

  private onData(chunk: string): void {
    this.buf += chunk;
    for (;;) {
      const i = this.buf.indexOf('\n');
      if (i < 0) break;
      const line = this.buf.slice(0, i).replace(/\r$/, '');
      this.buf = this.buf.slice(i + 1);
      // Commands run one at a time; a client that pipelines many is paused (memory stays bounded).
      this.queued++;
      if (this.queued > MAX_QUEUED_COMMANDS) this.sock.pause();
      this.queue = this.queue
        .then(() => this.command(line))
        .catch((e: unknown) => {
          this.owner.log.error({ err: e }, 'ftp command failed');
          this.reply(451, 'Local error in processing.');
        })
        .finally(() => {
          this.queued--;
          if (this.queued <= MAX_QUEUED_COMMANDS && !this.closed) this.sock.resume();
        });
    }
    if (this.buf.length > MAX_LINE_BYTES) {
      this.reply(500, 'Command line too long.');
      this.destroy();
    }
  }

  reply(code: number, text: string): void {
    if (this.closed || this.sock.destroyed) return;
    const lines = text.split('\n');
    const last = lines.pop()!;
    this.sock.write(lines.map((l) => `${code}-${l}\r\n`).join('') + `${code} ${last}\r\n`);
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.row) this.owner.statsOf(this.row.id).sessions--;
    this.closePassive();
    this.transfer?.destroy();
    this.sock.destroy();
  }

  private closePassive(): void {
    const p = this.passive;
    this.passive = undefined;
    if (p) {
      p.server.close();
      void p.conn.then((c) => c?.destroy());
    }
  }

  private async command(line: string): Promise<void> {
    if (this.closed) return;
    const m = /^\s*([A-Za-z]{3,4})(?:\s(.*))?$/.exec(line);
    if (!m) return this.reply(500, `Syntax error, command unrecognized: ${line.slice(0, 40)}`);
    const verb = m[1]!.toUpperCase();
    const arg = (m[2] ?? '').trim();
    // Before login: only what negotiates TLS and logs in.
    const open = ['USER', 'PASS', 'AUTH', 'PBSZ', 'PROT', 'FEAT', 'SYST', 'NOOP', 'OPTS', 'QUIT'];
    if (!this.row && !open.includes(verb) && KNOWN.has(verb)) return this.reply(530, 'Please log in with USER and PASS.');
    switch (verb) {
      case 'USER':
        if (this.row) return this.reply(503, 'Already logged in.');
        this.user = arg;
        return this.reply(331, 'Password required.');
      case 'PASS':
        return this.pass(arg);
      case 'AUTH':
        return this.auth(arg);
      case 'PBSZ':
        if (!this.secure) return this.reply(503, 'PBSZ needs a TLS control connection: send AUTH TLS first.');
        return this.reply(200, 'PBSZ=0');
      case 'PROT': {
        const level = arg.toUpperCase();
        if (!this.secure) return this.reply(503, 'PROT needs a TLS control connection: send AUTH TLS first.');
        if (level === 'P' || level === 'C') {
          this.protectData = level === 'P';
          return this.reply(200, `Protection level set to ${level}.`);
        }
        return this.reply(504, `Protection level ${arg} is not supported (P or C).`);
      }
      case 'FEAT':
        return this.reply(211, 'Features:\n AUTH TLS\n PBSZ\n PROT\n EPSV\n PASV\n UTF8\nEnd');
      case 'SYST':
        return this.reply(215, 'UNIX Type: L8');
      case 'NOOP':
        return this.reply(200, 'OK');
      case 'OPTS':
        return /^UTF8(\s+ON)?$/i.test(arg) ? this.reply(200, 'UTF8 mode is always on.') : this.reply(501, `Option not supported: ${arg}`);
      case 'QUIT':
        this.reply(221, 'Goodbye.');
        this.sock.end();
        return;
      case 'PWD':
      case 'XPWD':
        return this.reply(257, `"${this.cwd}" is the current directory.`);
      case 'CWD': {
        const r = resolvePath(this.cwd, arg || '/', this.row!.display_name);
        if (!r || r.name !== undefined) return this.reply(550, `No such directory: ${arg} (/ and /${this.row!.display_name} exist)`);
        this.cwd = r.dir;
        return this.reply(250, `Directory is ${this.cwd}.`);
      }
      case 'CDUP':
        this.cwd = '/';
        return this.reply(250, 'Directory is /.');
      case 'TYPE':
        return /^(A|A N|I|L 8)$/i.test(arg)
          ? this.reply(200, `Type set to ${arg.toUpperCase()}.`)
          : this.reply(504, `Type not supported: ${arg}`);
      case 'MODE':
        return /^S$/i.test(arg) ? this.reply(200, 'Mode S.') : this.reply(504, `Mode not supported: ${arg}`);
      case 'STRU':
        return /^F$/i.test(arg) ? this.reply(200, 'Structure F.') : this.reply(504, `Structure not supported: ${arg}`);
      case 'ALLO':
        return this.reply(202, 'No storage allocation needed.');
      case 'PASV':
      case 'EPSV':
        return this.pasv(verb, arg);
      case 'LIST':
      case 'NLST':
        return this.list();
      case 'STOR':
        return this.stor(arg);
      case 'ABOR':
        this.transfer?.destroy();
        return this.reply(226, 'No transfer in progress.');
      default:
        return this.reply(502, `Command not implemented: ${verb} (this receiver only accepts files: STOR)`);
    }
  }

  private async auth(arg: string): Promise<void> {
    if (!/^(TLS|TLS-C|SSL)$/i.test(arg)) return this.reply(504, `AUTH ${arg} is not supported (TLS).`);
    const context = this.owner.secureContext;
    if (!context) return this.reply(431, 'TLS is not available on this server.');
    if (this.secure) return this.reply(503, 'Already using TLS.');
    this.reply(234, `AUTH ${arg.toUpperCase()} OK.`);
    const plain = this.sock;
    // Only this session's listeners move to the TLS socket (the server's connection count stays on the plain one).
    this.detach(plain);
    plain.on('error', () => this.destroy());
    plain.on('close', () => this.destroy());
    plain.setTimeout(0);
    const secure = new tls.TLSSocket(plain, { isServer: true, secureContext: context });
    this.sock = secure;
    this.secure = true;
    this.attach(secure);
    secure.setTimeout(this.owner.options.idleMs);
  }

  private async pass(password: string): Promise<void> {
    if (this.row) return this.reply(503, 'Already logged in.');
    const user = this.user;
    this.user = undefined;
    if (user === undefined) return this.reply(503, 'Send USER first.');
    if (this.owner.locked(this.address, user)) {
      return this.reply(530, 'Too many failed logins: this login is locked for a while.');
    }
    const row = await this.owner.authenticate(user, password);
    if (!row) {
      this.owner.loginFailed(this.address, user);
      return this.reply(530, 'Login incorrect.');
    }
    const stats = this.owner.statsOf(row.id);
    if (row.receiver_type === 'ftps' && !this.secure) {
      stats.failedLogins++;
      return this.reply(530, `Data source '${row.display_name}' receives over FTPS only: send AUTH TLS before USER.`);
    }
    this.owner.loginSucceeded(this.address, user);
    this.row = row;
    stats.logins++;
    stats.sessions++;
    return this.reply(230, `Logged in; files stored here go to data source '${row.display_name}'.`);
  }

  private async pasv(verb: 'PASV' | 'EPSV', arg: string): Promise<void> {
    if (verb === 'EPSV' && /^ALL$/i.test(arg)) return this.reply(200, 'EPSV ALL OK.');
    if (verb === 'EPSV' && arg && arg !== '1' && arg !== '2') return this.reply(522, `Network protocol ${arg} is not supported (1,2).`);
    const local = plainAddress(this.sock.localAddress);
    if (verb === 'PASV' && !net.isIPv4(local)) return this.reply(425, 'PASV needs IPv4: use EPSV.');
    this.closePassive();
    let server: net.Server;
    try {
      server = await this.owner.passivePort(local);
    } catch (e) {
      return this.reply(425, `Cannot open a passive port: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    const port = (server.address() as net.AddressInfo).port;
    const conn = new Promise<net.Socket | undefined>((resolve) => {
      const timer = setTimeout(() => {
        server.close();
        resolve(undefined);
      }, this.owner.options.dataTimeoutMs);
      timer.unref();
      server.on('connection', (c) => {
        // Only the client of this control connection may connect (no data theft, no bounce).
        if (plainAddress(c.remoteAddress) !== this.address) {
          c.destroy();
          return;
        }
        clearTimeout(timer);
        server.close();
        c.on('error', () => undefined);
        resolve(c);
      });
      server.on('close', () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
    conn.catch(() => undefined);
    this.passive = { server, conn };
    if (verb === 'EPSV') return this.reply(229, `Entering Extended Passive Mode (|||${port}|)`);
    return this.reply(227, `Entering Passive Mode (${local.split('.').join(',')},${port >> 8},${port & 255})`);
  }

  /** The data connection of the last PASV/EPSV, TLS-wrapped after PROT P. */
  private async dataConnection(): Promise<net.Socket | undefined> {
    const p = this.passive;
    this.passive = undefined;
    if (!p) {
      this.reply(425, 'Use PASV or EPSV first (active mode is not supported).');
      return undefined;
    }
    const raw = await p.conn;
    if (!raw) {
      this.reply(425, 'The data connection was not opened in time.');
      return undefined;
    }
    raw.setTimeout(this.owner.options.dataTimeoutMs, () => raw.destroy(new Error('data connection idle')));
    if (!this.protectData) return raw;
    const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: this.owner.secureContext! });
    secure.on('error', () => raw.destroy());
    return secure;
  }

  private async list(): Promise<void> {
    const data = await this.dataConnection();
    if (!data) return;
    this.reply(150, 'Here comes the (empty) listing: files are parsed and removed as they arrive.');
    await new Promise<void>((resolve) => {
      data.once('close', () => resolve());
      // A TLS data connection ends after its handshake (an end before it reads as a broken handshake).
      if (data instanceof tls.TLSSocket) data.once('secure', () => data.end());
      else data.end();
      data.resume();
    });
    this.reply(226, 'Listing sent.');
  }

  private async stor(arg: string): Promise<void> {
    const row = this.row!;
    const stats = this.owner.statsOf(row.id);
    const name = fileNameOf(this.cwd, arg, row.display_name);
    if (!name) {
      stats.refused++;
      this.closePassive();
      return this.reply(553, `File name not allowed: ${arg.slice(0, 255)} (a file in / or /${row.display_name})`);
    }
    if (row.receiver_type === 'ftps' && !this.protectData) {
      stats.refused++;
      this.closePassive();
      return this.reply(521, `Data source '${row.display_name}' receives over FTPS only: send PBSZ 0 and PROT P before STOR.`);
    }
    const limit = this.owner.reserve(row.id);
    if (limit === 0) {
      stats.refused++;
      this.closePassive();
      return this.reply(452, `The quota of ${this.owner.options.quotaBytes} bytes of files waiting to be parsed is full; try again later.`);
    }
    let kept = 0;
    let done: Promise<void> | undefined;
    const uploadId = crypto.randomUUID();
    const now = this.owner.clock.now();
    const upload = {
      id: uploadId,
      tenant_id: row.tenant_id,
      file_name: name,
      source: (row.log_type === null ? undefined : findLogSource(row.log_type)?.name) ?? 'OTHER',
      // No upload URL reaches this file: the hash is of a secret nobody holds.
      token_hash: crypto.randomBytes(32).toString('base64url'),
      state: 'open' as const,
      size: 0,
      created_at: now,
      expires_at: now + 24 * 3_600_000,
      committed_at: null,
    };
    try {
      const data = await this.dataConnection();
      if (!data) return;
      await this.owner.stores.discovery.uploads.insert(upload);
      this.transfer = data;
      this.reply(150, `Receiving ${name} (at most ${limit} bytes).`);
      this.sock.setTimeout(0);
      const early = streamSettings(row).customParser ? undefined : this.owner.early.begin(upload);
      let size: number;
      try {
        size = await this.owner.storage.putBlob(uploadId, data, limit, early?.follow);
      } catch (e) {
        early?.abort();
        data.destroy();
        await this.discard(uploadId);
        stats.refused++;
        if (e instanceof UploadTooLarge) {
          stats.lastError = `${name}: larger than ${limit} bytes`;
          return this.reply(552, `Transfer aborted: ${name} is larger than the limit of ${limit} bytes.`);
        }
        stats.lastError = `${name}: transfer broken`;
        return this.reply(426, `Transfer of ${name} aborted: the data connection failed.`);
      } finally {
        this.transfer = undefined;
        if (!this.closed) this.sock.setTimeout(this.owner.options.idleMs);
      }
      early?.commit(size);
      const jobId = await this.owner.submit(row, uploadId, name, size);
      if (!jobId) {
        this.owner.early.discard(uploadId);
        await this.discard(uploadId);
        return this.reply(550, `Data source '${row.display_name}' no longer exists.`);
      }
      kept = size;
      done = this.owner.jobs.whenDone(row.tenant_id, jobId);
      stats.files++;
      stats.bytes += size;
      stats.lastFileAt = this.owner.clock.now();
      this.owner.log.info({ dataSource: row.id, job: jobId, size }, 'ftp file received');
      return this.reply(226, `Transfer complete: ${size} bytes of ${name} queued as upload job ${jobId}.`);
    } finally {
      this.owner.release(row.id, limit, kept, done);
    }
  }

  private async discard(uploadId: string): Promise<void> {
    await this.owner.storage.remove(uploadId).catch(() => undefined);
    await this.owner.stores.discovery.uploads.delete(uploadId).catch(() => undefined);
  }
}

const KNOWN = new Set([
  'USER',
  'PASS',
  'AUTH',
  'PBSZ',
  'PROT',
  'FEAT',
  'SYST',
  'NOOP',
  'OPTS',
  'QUIT',
  'PWD',
  'XPWD',
  'CWD',
  'CDUP',
  'TYPE',
  'MODE',
  'STRU',
  'ALLO',
  'PASV',
  'EPSV',
  'LIST',
  'NLST',
  'STOR',
  'ABOR',
]);
