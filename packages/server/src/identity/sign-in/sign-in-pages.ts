import crypto from 'node:crypto';
import { escapeHtml, page } from '../consent-pages.js';

/** HTML of the sign-in, account picker, user consent, device code and form_post pages. Values go through escapeHtml. */

const hiddenInputs = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');

export interface SignInView {
  appName: string;
  /** Tenant display name, or undefined on `common`/`organizations`. */
  tenantName?: string;
  username?: string;
  error?: string;
  action: string;
  hidden: Record<string, string>;
}

export function signInPage(v: SignInView): string {
  return page(
    'Sign in to your account',
    `<h1>Sign in</h1>
<p class="muted">to continue to <b>${escapeHtml(v.appName)}</b>${v.tenantName ? ` (${escapeHtml(v.tenantName)})` : ''}</p>
${v.error ? `<p class="error" role="alert">${escapeHtml(v.error)}</p>` : ''}
<form method="post" action="${escapeHtml(v.action)}">${hiddenInputs(v.hidden)}
<label for="username">Email, phone, or Skype</label><input type="text" id="username" name="username" autocomplete="username" value="${escapeHtml(v.username ?? '')}" required${v.username ? '' : ' autofocus'}>
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required${v.username ? ' autofocus' : ''}>
<button class="primary" type="submit" id="idSIButton9" name="decision" value="sign-in">Sign in</button><button type="submit" name="decision" value="cancel" formnovalidate>Cancel</button>
</form>`,
  );
}

export function pickAccountPage(v: {
  appName: string;
  username: string;
  displayName: string;
  action: string;
  hidden: Record<string, string>;
}): string {
  return page(
    'Pick an account',
    `<h1>Pick an account</h1><p class="muted">to continue to <b>${escapeHtml(v.appName)}</b></p>
<form method="post" action="${escapeHtml(v.action)}">${hiddenInputs(v.hidden)}
<button class="primary" type="submit" name="decision" value="continue">${escapeHtml(v.displayName)} (${escapeHtml(v.username)})</button>
<button type="submit" name="decision" value="other">Use another account</button>
</form>`,
  );
}

export interface UserConsentView {
  appName: string;
  publisherDomain: string;
  username: string;
  permissions: { value: string; description: string }[];
  /** The consent is for the whole organization (admin-only permissions, consented by an administrator). */
  organization: boolean;
  action: string;
  hidden: Record<string, string>;
}

export function userConsentPage(v: UserConsentView): string {
  return page(
    'Permissions requested',
    `<h1>Permissions requested</h1>
<p><b>${escapeHtml(v.appName)}</b> <span class="muted">(${escapeHtml(v.publisherDomain)})</span> would like to:</p>
<ul>${v.permissions.map((p) => `<li><b>${escapeHtml(p.value)}</b><br><span class="muted">${escapeHtml(p.description)}</span></li>`).join('')}</ul>
<p class="muted">Signed in as ${escapeHtml(v.username)}.${v.organization ? ' Accepting consents on behalf of your organization.' : ''}</p>
<form method="post" action="${escapeHtml(v.action)}">${hiddenInputs(v.hidden)}
<button class="primary" type="submit" name="decision" value="accept">Accept</button><button type="submit" name="decision" value="cancel">Cancel</button>
</form>`,
  );
}

export function deviceCodeEntryPage(v: { error?: string; code?: string }): string {
  return page(
    'Enter code',
    `<h1>Enter code</h1><p>Enter the code displayed on your app or device.</p>
${v.error ? `<p class="error" role="alert">${escapeHtml(v.error)}</p>` : ''}
<form method="post" action="/devicelogin">
<label for="otc">Code</label><input type="text" id="otc" name="otc" autocomplete="off" value="${escapeHtml(v.code ?? '')}" required autofocus>
<button class="primary" type="submit" name="decision" value="next">Next</button>
</form>`,
  );
}

export function deviceConfirmPage(v: { appName: string; username: string; hidden: Record<string, string> }): string {
  return page(
    'Are you trying to sign in?',
    `<h1>Are you trying to sign in to ${escapeHtml(v.appName)}?</h1>
<p>Only continue if you downloaded the app from a store or website that you trust. Signed in as ${escapeHtml(v.username)}.</p>
<form method="post" action="/devicelogin/confirm">${hiddenInputs(v.hidden)}
<button class="primary" type="submit" name="decision" value="continue">Continue</button><button type="submit" name="decision" value="cancel">Cancel</button>
</form>`,
  );
}

const AUTO_SUBMIT = 'document.forms[0].submit();';
/** The CSP source that allows exactly the auto-submit script of the form_post page. */
export const AUTO_SUBMIT_HASH = `'sha256-${crypto.createHash('sha256').update(AUTO_SUBMIT).digest('base64')}'`;

/** `response_mode=form_post`: an auto-submitting form to the redirect URI. */
export function formPostPage(redirectUri: string, params: Record<string, string>): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Working...</title></head><body>
<form method="post" action="${escapeHtml(redirectUri)}">${hiddenInputs(params)}<noscript><button type="submit">Continue</button></noscript></form>
<script>${AUTO_SUBMIT}</script></body></html>`;
}
