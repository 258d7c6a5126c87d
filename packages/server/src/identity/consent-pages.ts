/** HTML of the admin-consent pages. Every interpolated value goes through escapeHtml. */

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `body{font-family:Segoe UI,system-ui,sans-serif;background:#f2f2f2;margin:0}
main{max-width:440px;margin:8vh auto;background:#fff;padding:32px 40px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:1.4em;font-weight:600}label{display:block;margin:12px 0 4px}input[type=text],input[type=password]{width:100%;padding:6px;box-sizing:border-box}
ul{padding-left:20px}button{padding:8px 20px;margin:16px 8px 0 0;border:0;cursor:pointer}.primary{background:#0067b8;color:#fff}
.error{color:#a80000}.muted{color:#666;font-size:.9em}`;

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export interface ConsentView {
  appName: string;
  appId: string;
  publisherDomain: string;
  permissions: { resource: string; value: string; description: string }[];
  hidden: Record<string, string>;
  error?: string;
  username?: string;
  /** The single sign-on session's user: the page asks for no password, only for the decision. */
  signedInAs?: string;
}

export function consentPage(v: ConsentView): string {
  const hidden = Object.entries(v.hidden)
    .map(([k, val]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(val)}">`)
    .join('');
  const perms =
    v.permissions.length === 0
      ? '<p class="muted">This application requests no application permissions.</p>'
      : `<ul>${v.permissions.map((p) => `<li><b>${escapeHtml(p.value)}</b> (${escapeHtml(p.resource)})<br><span class="muted">${escapeHtml(p.description)}</span></li>`).join('')}</ul>`;
  return page(
    'Permissions requested',
    `<h1>Permissions requested</h1>
<p><b>${escapeHtml(v.appName)}</b> <span class="muted">(${escapeHtml(v.appId)}, ${escapeHtml(v.publisherDomain)})</span> needs permission to:</p>
${perms}
<p class="muted">${v.signedInAs ? 'Accepting grants these permissions for the whole organization.' : 'Sign in as an administrator of your organization to accept for the whole organization.'}</p>
${v.error ? `<p class="error">${escapeHtml(v.error)}</p>` : ''}
<form method="post" action="/appwarden/consent">${hidden}
${
  v.signedInAs
    ? `<p id="signed-in-as">Signed in as <b>${escapeHtml(v.signedInAs)}</b>.</p>
<button class="primary" type="submit" name="decision" value="accept">Accept</button><button type="submit" name="decision" value="cancel">Cancel</button>
<button type="submit" name="decision" value="other">Use another account</button>`
    : `<label for="username">Administrator</label><input type="text" id="username" name="username" autocomplete="username" value="${escapeHtml(v.username ?? '')}" required>
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>
<button class="primary" type="submit" name="decision" value="accept">Accept</button><button type="submit" name="decision" value="cancel" formnovalidate>Cancel</button>`
}
</form>`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}
