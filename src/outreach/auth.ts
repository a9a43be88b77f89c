// The current Outreach access token, and its refresh. Access tokens last about two hours, so a
// long apply can outlive one: on a 401 the client asks for a new token (once, shared by all
// concurrent requests) with the OAuth refresh-token grant and carries on.
import { MapsyncError } from '../errors.js';
import { registerSecret } from '../secrets.js';
import type { Logger } from '../log.js';
import type { OutreachSettings } from './settings.js';

export class TokenSource {
  private token: string | undefined;
  private refreshToken: string | undefined;
  private pending: Promise<string> | undefined;
  /** How many times a new token was obtained (for --debug and tests of the flow). */
  refreshes = 0;

  constructor(
    private readonly settings: OutreachSettings,
    private readonly log: Logger,
  ) {
    this.token = settings.accessToken;
    this.refreshToken = settings.refresh?.refreshToken;
  }

  get canRefresh(): boolean {
    return this.settings.refresh !== undefined;
  }

  /** The token to send now (fetching the first one when only refresh credentials were given). */
  async current(): Promise<string> {
    if (this.token) return this.token;
    return this.refresh(undefined);
  }

  /**
   * Replaces `rejected` with a fresh token. Concurrent callers that saw the same rejected token
   * share one refresh; a caller whose token was already replaced just gets the new one.
   */
  async refresh(rejected: string | undefined): Promise<string> {
    if (this.token && this.token !== rejected) return this.token;
    if (!this.pending) {
      this.pending = this.requestToken().finally(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }

  private async requestToken(): Promise<string> {
    const refresh = this.settings.refresh;
    if (!refresh || !this.refreshToken) {
      throw new MapsyncError('Outreach rejected the access token (401): it is invalid or has expired', {
        hint: 'export a fresh OUTREACH_ACCESS_TOKEN, or set OUTREACH_CLIENT_ID, OUTREACH_CLIENT_SECRET and OUTREACH_REFRESH_TOKEN so mapsync can refresh it',
      });
    }
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: refresh.clientId,
      client_secret: refresh.clientSecret,
      refresh_token: this.refreshToken,
    });
    if (refresh.redirectUri) form.set('redirect_uri', refresh.redirectUri);
    let response: Response;
    try {
      response = await fetch(this.settings.tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: form.toString(),
      });
    } catch (err) {
      throw new MapsyncError(`cannot reach the Outreach token endpoint ${new URL(this.settings.tokenUrl).origin}: ${causeOf(err)}`, {
        hint: 'check OUTREACH_TOKEN_URL and the network',
      });
    }
    const text = await response.text();
    let body: { access_token?: unknown; refresh_token?: unknown; error?: unknown; error_description?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // handled below: no access_token
    }
    if (!response.ok || typeof body.access_token !== 'string' || !body.access_token) {
      const why = [body.error, body.error_description].filter((x) => typeof x === 'string').join(': ') || `HTTP ${response.status}`;
      throw new MapsyncError(`Outreach refused to refresh the access token (${why})`, {
        hint: 'the refresh token may have been revoked or already used: authorise the app again and update OUTREACH_REFRESH_TOKEN',
      });
    }
    // Register before anything else can print it.
    registerSecret(body.access_token);
    if (typeof body.refresh_token === 'string' && body.refresh_token && body.refresh_token !== this.refreshToken) {
      // Outreach rotates refresh tokens: use the new one for the next refresh in this run, and
      // keep it for the next run before anything else can fail.
      registerSecret(body.refresh_token);
      this.refreshToken = body.refresh_token;
      // Loaded only when Outreach issues a new token: keeping it may need the GitHub client.
      const { keepRefreshToken } = await import('./keepRefreshToken.js');
      await keepRefreshToken(refresh.keep, body.refresh_token, this.log);
    }
    this.token = body.access_token;
    this.refreshes += 1;
    this.log.info('Outreach access token refreshed');
    return this.token;
  }
}

export function causeOf(err: unknown): string {
  const e = err as { cause?: { code?: string; message?: string }; message?: string };
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}
