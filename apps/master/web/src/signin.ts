import { failure } from './api.js';
import { forgetAccess } from './access.js';
import { $ } from './dom.js';
import { clearErrors } from './notice.js';
import { saveToken, savedToken } from './token.js';

/**
 * Signing in: the token goes to `POST /auth/session` (which also sets the session cookie the queue board uses) and
 * stays in localStorage for the API calls; signing out removes both.
 */
export class SignIn {
  private signedOut = false;

  /** `stop` halts every refresh; `resume` starts the view again once a token is accepted. */
  constructor(
    private readonly stop: () => void,
    private readonly resume: () => void,
  ) {}

  wire(): void {
    $('signin-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const token = ($('token') as HTMLInputElement).value.trim();
      if (token) void this.signIn(token);
    });
    $('signout').addEventListener('click', (event) => {
      event.preventDefault();
      void this.signOut();
    });
    this.updateSignOut();
  }

  /** The API answered 401: the form shows, and nothing refreshes until a token is accepted. */
  ask(): void {
    const first = !this.signedOut;
    this.signedOut = true;
    this.stop();
    clearErrors();
    $('signin').hidden = false;
    if (first && savedToken()) this.showError('The saved token was not accepted: enter another.');
    this.updateSignOut();
    if (first) $('token').focus();
  }

  private showError(message: string | null): void {
    const el = $('signin-error');
    el.textContent = message ?? '';
    el.hidden = !message;
  }

  private updateSignOut(): void {
    $('signout').hidden = !savedToken();
  }

  private async signIn(token: string): Promise<void> {
    this.showError(null);
    let res: Response;
    try {
      res = await fetch('/auth/session', {
        method: 'POST',
        headers: { accept: 'application/json', authorization: `Bearer ${token}` },
        cache: 'no-store',
      });
    } catch (err) {
      this.showError(`Sign-in failed: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (res.status === 401) {
      this.showError('The token was not accepted.');
      return;
    }
    if (!res.ok) {
      this.showError((await failure(res, 'Sign-in failed')).message);
      return;
    }
    saveToken(token);
    this.signedOut = false;
    ($('token') as HTMLInputElement).value = '';
    $('signin').hidden = true;
    this.updateSignOut();
    this.resume();
  }

  private async signOut(): Promise<void> {
    saveToken(null);
    forgetAccess();
    try {
      await fetch('/auth/session', { method: 'DELETE', cache: 'no-store' });
    } catch {
      // the cookie, if any, ends with the browser session anyway
    }
    // Start over without a token: nothing shown stays on screen, and the API asks for one again.
    window.location.assign('/');
  }
}
