import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, client, login, onSession, session } from './api';

type Handler = (url: string, init: RequestInit) => { status: number; body?: unknown };

function stubFetch(handler: Handler) {
  const calls: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      const { status, body } = handler(url, init);
      return new Response(body === undefined ? '' : JSON.stringify(body), { status });
    }),
  );
  return calls;
}

function header(init: RequestInit, name: string): string | undefined {
  return (init.headers as Record<string, string>)[name];
}

describe('the API client', () => {
  beforeEach(() => sessionStorage.clear());
  afterEach(() => vi.unstubAllGlobals());

  it('signs in, keeps the tokens in session storage and sends the access token as a bearer', async () => {
    const calls = stubFetch((url) =>
      url === '/api/v1/auth/login'
        ? { status: 200, body: { access_token: 'A1', refresh_token: 'R1', token_type: 'Bearer', expires_in: 3600 } }
        : { status: 200, body: [{ id: 'o1', name: 'Org' }] },
    );
    await login('admin@kiln.local', 'pw');
    expect(JSON.parse(sessionStorage.getItem('kiln.session') ?? '{}').refreshToken).toBe('R1');

    const orgs = await client.organizations();

    expect(orgs).toEqual([{ id: 'o1', name: 'Org' }]);
    expect(header(calls[1].init, 'Authorization')).toBe('Bearer A1');
  });

  it('refreshes an expired access token once and repeats the call with the new one', async () => {
    stubFetch((url) => (url === '/api/v1/auth/login' ? { status: 200, body: { access_token: 'old', refresh_token: 'R', expires_in: 60 } } : { status: 500 }));
    await login('a@b.c', 'pw');
    const calls = stubFetch((url, init) => {
      if (url === '/api/v1/auth/refresh') {
        return { status: 200, body: { access_token: 'new', refresh_token: 'R2', expires_in: 3600 } };
      }
      return header(init, 'Authorization') === 'Bearer new' ? { status: 200, body: { id: 'me' } } : { status: 401 };
    });

    const me = await api<{ id: string }>('GET', '/api/v1/me');

    expect(me.id).toBe('me');
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/me', '/api/v1/auth/refresh', '/api/v1/me']);
    expect(JSON.parse(calls[1].init.body as string)).toEqual({ refresh_token: 'R' });
    expect(session()?.refreshToken).toBe('R2');
  });

  it('ends the session and tells its listeners when the refresh token is refused too', async () => {
    stubFetch(() => ({ status: 200, body: { access_token: 'old', refresh_token: 'R', expires_in: 60 } }));
    await login('a@b.c', 'pw');
    const reasons: string[] = [];
    const stop = onSession((_s, reason) => reasons.push(reason));
    stubFetch(() => ({ status: 401, body: { status: 401, error: 'Unauthorized', message: 'Token expired.' } }));

    await expect(api('GET', '/api/v1/me')).rejects.toMatchObject({ status: 401 });

    stop();
    expect(reasons).toEqual(['expired']);
    expect(session()).toBeNull();
    expect(sessionStorage.getItem('kiln.session')).toBeNull();
  });

  it('turns an error body into an ApiError with its message and field details', async () => {
    stubFetch(() => ({
      status: 400,
      body: { status: 400, error: 'BadRequest', message: 'The deployment is not valid.', detail: [{ loc: ['body', 'instances'], msg: 'must be 0 to 64', type: 'value_error' }] },
    }));

    const error = await client.createDeployment('p1', { name: 'x', instances: 99 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe('The deployment is not valid.');
    expect((error as ApiError).detail[0].loc).toEqual(['body', 'instances']);
  });

  it('says wrong email or password for a refused login rather than the raw status', async () => {
    stubFetch(() => ({ status: 401 }));
    await expect(login('a@b.c', 'nope')).rejects.toThrow('Wrong email or password.');
  });

  it('puts the confirmation name in the delete call and encodes it', async () => {
    const calls = stubFetch(() => ({ status: 200, body: {} }));
    await client.deleteDeployment('d1', 'my model/v2');
    expect(calls[0].url).toBe('/api/v1/deployments/d1?confirm=my%20model%2Fv2');
    expect(calls[0].init.method).toBe('DELETE');
  });
});
