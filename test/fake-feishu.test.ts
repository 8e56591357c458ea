// Checks the fake Feishu server itself against ../shared/feishu-api.md, so tests of the Action that
// rely on it rely on documented behaviour.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startFakeFeishu } from './fake-feishu.mjs';

type Fake = Awaited<ReturnType<typeof startFakeFeishu>>;
type Answer = { status: number; json: any; headers: Headers };
// Feishu answers are probed field by field; a loose type keeps the assertions readable.
type Json = Record<string, any>;

let fake: Fake;
let token: string;

const SEND = '/open-apis/im/v1/messages';
const TOKEN = '/open-apis/auth/v3/tenant_access_token/internal';

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(fake.url + path, {
    method,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json(), headers: res.headers };
}

async function getToken(app_id = 'cli_test', app_secret = 'test-secret'): Promise<Answer> {
  return call('POST', TOKEN, { app_id, app_secret });
}

function send(body: Record<string, unknown>, type = 'chat_id', auth: string | null = `Bearer ${token}`): Promise<Answer> {
  return call('POST', `${SEND}?receive_id_type=${type}`, body, auth === null ? {} : { authorization: auth });
}

function text(receive_id: string, s: string, extra: Record<string, unknown> = {}) {
  return { receive_id, msg_type: 'text', content: JSON.stringify({ text: s }), ...extra };
}

function card(receive_id: string, cardJson: unknown) {
  return { receive_id, msg_type: 'interactive', content: JSON.stringify(cardJson) };
}

function expectError(a: Answer, status: number, code: number) {
  expect(a.status).toBe(status);
  expect(a.json.code).toBe(code);
  expect(typeof a.json.msg).toBe('string');
  expect(typeof a.json.error?.log_id).toBe('string');
  expect(a.headers.get('x-tt-logid')).toBe(a.json.error.log_id);
  expect(a.headers.get('content-type')).toBe('application/json; charset=utf-8');
}

beforeAll(async () => {
  fake = await startFakeFeishu({
    apps: {
      cli_test: { secret: 'test-secret', scopes: ['im:message:send_as_bot'] },
      cli_noscope: { secret: 'other-secret', scopes: ['im:chat:readonly'] },
    },
  });
  token = (await getToken()).json.tenant_access_token;
});

afterAll(async () => {
  await fake.close();
});

describe('tenant_access_token (§1.1)', () => {
  it('issues a t- token with expire, HTTP 200', async () => {
    const a = await getToken();
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({ code: 0, msg: 'ok', tenant_access_token: token });
    expect(token).toMatch(/^t-/);
    expect(a.json.expire).toBeGreaterThan(7000);
    expect(a.json.expire).toBeLessThanOrEqual(7200);
  });

  it('re-issues the same token while >= 30 minutes are left', async () => {
    const again = await getToken();
    expect(again.json.tenant_access_token).toBe(token);
    expect(fake.tokens.filter((t) => t === token)).toHaveLength(1);
  });

  it('issues a new token when < 30 minutes are left; the old one keeps working', async () => {
    const short = await startFakeFeishu({ tokenTtlSeconds: 600 });
    try {
      const first = await fetch(short.url + TOKEN, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app_id: 'cli_test', app_secret: 'test-secret' }),
      }).then((r) => r.json() as Promise<Json>);
      const second = await fetch(short.url + TOKEN, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app_id: 'cli_test', app_secret: 'test-secret' }),
      }).then((r) => r.json() as Promise<Json>);
      expect(second.tenant_access_token).not.toBe(first.tenant_access_token);
      const sent = await fetch(`${short.url}${SEND}?receive_id_type=chat_id`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${first.tenant_access_token}` },
        body: JSON.stringify(text('oc_demo', 'old token')),
      });
      expect(sent.status).toBe(200);
    } finally {
      await short.close();
    }
  });

  it('unknown app_id -> HTTP 200 code 10003', async () => {
    const a = await getToken('cli_nope', 'x');
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({ code: 10003, msg: 'invalid param' });
    expect(a.json.tenant_access_token).toBeUndefined();
  });

  it('wrong secret -> HTTP 200 code 10014', async () => {
    const a = await getToken('cli_test', 'wrong');
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({ code: 10014, msg: 'app secret invalid' });
  });

  it('expireToken -> 99991663, and the endpoint then issues a fresh token', async () => {
    const mine = await startFakeFeishu();
    try {
      const get = () => fetch(mine.url + TOKEN, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app_id: 'cli_test', app_secret: 'test-secret' }),
      }).then((r) => r.json() as Promise<Json>);
      const t1 = (await get()).tenant_access_token;
      mine.expireToken(t1);
      const res = await fetch(`${mine.url}${SEND}?receive_id_type=chat_id`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t1}` },
        body: JSON.stringify(text('oc_demo', 'hi')),
      });
      expect(res.status).toBe(400);
      expect((await res.json() as Json).code).toBe(99991663);
      const t2 = (await get()).tenant_access_token;
      expect(t2).not.toBe(t1);
      expect(mine.tokens).toEqual([t1, t2]);
    } finally {
      await mine.close();
    }
  });
});

describe('send message (§3, §4)', () => {
  it('sends text, answers the message object and stores it', async () => {
    const before = fake.messages.length;
    const a = await send(text('oc_demo', 'Build #42 passed'));
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({
      code: 0,
      msg: 'success',
      data: {
        msg_type: 'text',
        chat_id: 'oc_demo',
        deleted: false,
        updated: false,
        sender: { id: 'cli_test', id_type: 'app_id', sender_type: 'app' },
        body: { content: '{"text":"Build #42 passed"}' },
      },
    });
    expect(a.json.data.message_id).toMatch(/^om_/);
    expect(a.json.data.create_time).toMatch(/^\d{13}$/);
    expect(fake.messages).toHaveLength(before + 1);
    const stored = fake.messages.at(-1)!;
    expect(stored).toMatchObject({
      message_id: a.json.data.message_id,
      chat_id: 'oc_demo',
      receive_id: 'oc_demo',
      receive_id_type: 'chat_id',
      parsedContent: { text: 'Build #42 passed' },
      uuid: undefined,
    });
    const req = fake.requests.at(-1)!;
    expect(req).toMatchObject({ method: 'POST', path: SEND, query: { receive_id_type: 'chat_id' }, status: 200 });
    expect(req.headers.authorization).toBe(`Bearer ${token}`);
    expect(req.body.receive_id).toBe('oc_demo');
  });

  it('a user target lands in a stable p2p chat', async () => {
    const a = await send(text('ou_alice', 'hi'), 'open_id');
    const b = await send(text('alice@example.com', 'hi'), 'email');
    expect(a.status).toBe(200);
    expect(a.json.data.chat_id).toMatch(/^oc_p2p_/);
    expect(b.json.data.chat_id).toBe(a.json.data.chat_id);
  });

  it('content as an object -> 230001, HTTP 400', async () => {
    const a = await send({ receive_id: 'oc_demo', msg_type: 'text', content: { text: 'hi' } });
    expectError(a, 400, 230001);
    expect(a.json.msg).toMatch(/content must be a string/);
  });

  it('missing Authorization -> 99991661', async () => {
    expectError(await send(text('oc_demo', 'hi'), 'chat_id', null), 400, 99991661);
    expectError(await send(text('oc_demo', 'hi'), 'chat_id', token), 400, 99991661); // no "Bearer "
  });

  it('unknown token -> 99991663', async () => {
    expectError(await send(text('oc_demo', 'hi'), 'chat_id', 'Bearer t-unknown'), 400, 99991663);
  });

  it('bot not in chat -> 230002 with log_id and x-tt-logid', async () => {
    const a = await send(text('oc_elsewhere', 'hi'));
    expectError(a, 400, 230002);
    expect(a.json.msg).toBe('Bot/User can NOT be out of the chat.');
  });

  it('malformed chat id -> 230034; unknown user -> 230034', async () => {
    expectError(await send(text('ou_alice', 'hi'), 'chat_id'), 400, 230034);
    expectError(await send(text('ou_nobody', 'hi'), 'open_id'), 400, 230034);
  });

  it('user outside the availability range -> 230013', async () => {
    expectError(await send(text('ou_outsider', 'hi'), 'open_id'), 400, 230013);
  });

  it('bad or missing receive_id_type -> 230001', async () => {
    expectError(await send(text('oc_demo', 'hi'), 'thread_id'), 400, 230001);
    expectError(await call('POST', SEND, text('oc_demo', 'hi'), { authorization: `Bearer ${token}` }), 400, 230001);
  });

  it('uuid longer than 50 chars -> 230001', async () => {
    expectError(await send(text('oc_demo', 'hi', { uuid: 'x'.repeat(51) })), 400, 230001);
  });

  it('post: locale objects at top level pass; a "post" wrapper is rejected', async () => {
    const post = {
      zh_cn: {
        title: 'Release',
        content: [
          [{ tag: 'text', text: 'Build ' }, { tag: 'a', text: 'log', href: 'https://example.com/run/1' }],
          [{ tag: 'at', user_id: 'all' }],
          [{ tag: 'md', text: '**done**' }],
        ],
      },
    };
    const ok = await send({ receive_id: 'oc_demo', msg_type: 'post', content: JSON.stringify(post) });
    expect(ok.status).toBe(200);
    const wrapped = await send({ receive_id: 'oc_demo', msg_type: 'post', content: JSON.stringify({ post }) });
    expectError(wrapped, 400, 230001);
    const badHref = { en_us: { content: [[{ tag: 'a', text: 'x', href: 'ftp://x' }]] } };
    expectError(await send({ receive_id: 'oc_demo', msg_type: 'post', content: JSON.stringify(badHref) }), 400, 230001);
  });

  it('unparseable content: interactive -> 230099/200621, text -> 230001', async () => {
    const c = await send({ receive_id: 'oc_demo', msg_type: 'interactive', content: '{not json' });
    expectError(c, 400, 230099);
    expect(c.json.msg).toContain('ErrCode: 200621;');
    expectError(await send({ receive_id: 'oc_demo', msg_type: 'text', content: '{not json' }), 400, 230001);
  });

  it('card 1.0 and 2.0 pass', async () => {
    const v1 = { config: { update_multi: true }, header: { title: { tag: 'plain_text', content: 'T' } }, elements: [{ tag: 'markdown', content: 'hi' }, { tag: 'note', elements: [{ tag: 'plain_text', content: 'n' }] }] };
    const v2 = { schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'hi' }, { tag: 'button', text: { tag: 'plain_text', content: 'Open' } }] } };
    expect((await send(card('oc_demo', v1))).status).toBe(200);
    expect((await send(card('oc_demo', v2))).status).toBe(200);
  });

  it('card 2.0 with note -> 230099 / 200861', async () => {
    const a = await send(card('oc_demo', { schema: '2.0', body: { elements: [{ tag: 'note', elements: [] }] } }));
    expectError(a, 400, 230099);
    expect(a.json.msg).toMatch(/^Failed to create card content, ext=ErrCode: 200861; ErrMsg: .*; ErrPath: .*; $/);
  });

  it('card 2.0 with more than 200 elements -> 230099 / 11310', async () => {
    const elements = Array.from({ length: 201 }, () => ({ tag: 'hr' }));
    const a = await send(card('oc_demo', { schema: '2.0', body: { elements } }));
    expectError(a, 400, 230099);
    expect(a.json.msg).toContain('ErrCode: 11310;');
  });

  it('template: ok, unknown -> 200380, variable type mismatch -> 200732', async () => {
    const tpl = (data: Record<string, unknown>) => card('oc_demo', { type: 'template', data });
    const ok = await send(tpl({ template_id: 'AAqTemplate1', template_version_name: '1.0.2', template_variable: { version: 'v1', count: 3, services: ['a'], ok: true, extra: 1 } }));
    expect(ok.status).toBe(200);

    const unknown = await send(tpl({ template_id: 'AAqNope' }));
    expectError(unknown, 400, 230099);
    expect(unknown.json.msg).toContain('ErrCode: 200380;');
    const badVersion = await send(tpl({ template_id: 'AAqTemplate1', template_version_name: '9.9.9' }));
    expect(badVersion.json.msg).toContain('ErrCode: 200380;');

    const mismatch = await send(tpl({ template_id: 'AAqTemplate1', template_variable: { services: 'a,b' } }));
    expectError(mismatch, 400, 230099);
    expect(mismatch.json.msg).toContain('ErrCode: 200732;');
    expect(mismatch.json.msg).toMatch(/services.*array.*string/);
  });

  it('oversize card (> 30 KB) -> 230025', async () => {
    const big = { schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'x'.repeat(31 * 1024) }] } };
    expectError(await send(card('oc_demo', big)), 400, 230025);
  });

  it('text: exactly 150 KB passes, one byte more -> 230025', async () => {
    const limit = 150 * 1024;
    const overhead = JSON.stringify({ text: '' }).length;
    const atLimit = text('oc_demo', 'a'.repeat(limit - overhead));
    expect(Buffer.byteLength(atLimit.content)).toBe(limit);
    expect((await send(atLimit)).status).toBe(200);
    expectError(await send(text('oc_demo', 'a'.repeat(limit - overhead + 1))), 400, 230025);
  });

  it('uuid de-duplication returns the original message and stores one', async () => {
    const before = fake.messages.length;
    const a = await send(text('oc_1', 'once', { uuid: 'run-1-step-2' }));
    const b = await send(text('oc_1', 'once', { uuid: 'run-1-step-2' }));
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.json.data.message_id).toBe(a.json.data.message_id);
    expect(fake.messages).toHaveLength(before + 1);
    expect(fake.messages.at(-1)!.uuid).toBe('run-1-step-2');
  });

  it('app without a send scope -> 99991672 with permission_violations', async () => {
    const t = (await getToken('cli_noscope', 'other-secret')).json.tenant_access_token;
    const a = await send(text('oc_demo', 'hi'), 'chat_id', `Bearer ${t}`);
    expectError(a, 400, 99991672);
    expect(a.json.msg).toBe('Access denied. One of the following scopes is required: [im:message, im:message:send_as_bot, im:message:send].');
    expect(a.json.error.permission_violations[0]).toMatchObject({ type: 'action_privilege_required', subject: 'im:message:send_as_bot' });
    expect(a.json.error.helps[0].url).toMatch(/^https:\/\//);
  });

  it('a body without Content-Type: application/json is rejected', async () => {
    const res = await fetch(`${fake.url}${SEND}?receive_id_type=chat_id`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify(text('oc_demo', 'hi')), // fetch sends text/plain
    });
    expect(res.status).toBe(400);
    expect((await res.json() as Json).code).toBe(230001);
  });
});

describe('reply and patch (§5)', () => {
  it('replies into the same chat with parent/root ids', async () => {
    const parent = (await send(text('oc_2', 'parent'))).json.data;
    const a = await call('POST', `${SEND}/${parent.message_id}/reply`, { msg_type: 'text', content: JSON.stringify({ text: 'r' }), reply_in_thread: true }, { authorization: `Bearer ${token}` });
    expect(a.status).toBe(200);
    expect(a.json.data).toMatchObject({ parent_id: parent.message_id, root_id: parent.message_id, chat_id: 'oc_2' });
    expect(a.json.data.thread_id).toMatch(/^omt_/);
    expectError(await call('POST', `${SEND}/om_missing/reply`, { msg_type: 'text', content: '{"text":"r"}' }, { authorization: `Bearer ${token}` }), 400, 230001);
  });

  it('patches a shared card; refuses a non-shared 1.0 card', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const shared = (await send(card('oc_3', { schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'v1' }] } }))).json.data;
    const newCard = JSON.stringify({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'v2' }] } });
    const ok = await call('PATCH', `${SEND}/${shared.message_id}`, { content: newCard }, auth);
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ code: 0, msg: 'success', data: {} });
    expect(fake.messages.find((m) => m.message_id === shared.message_id)).toMatchObject({ updated: true, content: newCard });

    const exclusive = (await send(card('oc_3', { elements: [{ tag: 'markdown', content: 'v1' }] }))).json.data;
    expectError(await call('PATCH', `${SEND}/${exclusive.message_id}`, { content: newCard }, auth), 400, 230001);
  });
});

describe('routing and fault injection', () => {
  it('unknown path -> 404 / 99991201; wrong method -> 99991301', async () => {
    expectError(await call('GET', '/open-apis/nope'), 404, 99991201);
    expectError(await call('GET', SEND), 405, 99991301);
  });

  it('inject status 500 once, then normal processing', async () => {
    fake.inject({ path: SEND, method: 'POST', status: 500, body: { code: 1500, msg: 'internal error' }, headers: { 'x-extra': '1' } });
    const first = await send(text('oc_4', 'x'));
    expect(first.status).toBe(500);
    expect(first.json.code).toBe(1500);
    expect(first.headers.get('x-extra')).toBe('1');
    const second = await send(text('oc_4', 'x'));
    expect(second.status).toBe(200);
    expect(fake.requests.slice(-2).map((r) => r.status)).toEqual([500, 200]);
  });

  it('inject reset drops the connection, request still recorded', async () => {
    fake.inject({ path: 'im/v1/messages', action: 'reset' });
    const before = fake.messages.length;
    await expect(send(text('oc_5', 'x'))).rejects.toThrow();
    expect(fake.requests.at(-1)).toMatchObject({ path: SEND, status: 0 });
    expect(fake.messages).toHaveLength(before);
    expect((await send(text('oc_5', 'x'))).status).toBe(200);
  });

  it('inject reset-after stores the message, and a uuid retry returns it', async () => {
    fake.inject({ path: SEND, action: 'reset-after' });
    const before = fake.messages.length;
    await expect(send(text('oc_6', 'lost', { uuid: 'lost-1' }))).rejects.toThrow();
    expect(fake.messages).toHaveLength(before + 1);
    const retry = await send(text('oc_6', 'lost', { uuid: 'lost-1' }));
    expect(retry.json.data.message_id).toBe(fake.messages.at(-1)!.message_id);
    expect(fake.messages).toHaveLength(before + 1);
  });

  it('inject hang never answers; close() still returns', async () => {
    const mine = await startFakeFeishu();
    mine.inject({ action: 'hang' });
    const pending = fetch(mine.url + TOKEN, { method: 'POST', signal: AbortSignal.timeout(100) });
    await expect(pending).rejects.toThrow();
    await mine.close();
  });

  it('reset() clears requests, messages and rules but keeps tokens', async () => {
    fake.inject({ path: SEND, status: 503, times: 5 });
    fake.reset();
    expect(fake.requests).toHaveLength(0);
    expect(fake.messages).toHaveLength(0);
    const a = await send(text('oc_demo', 'after reset'));
    expect(a.status).toBe(200);
    expect(fake.messages).toHaveLength(1);
  });
});
