import { describe, expect, it } from 'vitest'
import { messageUuid } from '../../src/feishu/uuid.js'
import { stepIdentity } from '../../src/github/context.js'

const chat = { receiveId: 'oc_1', receiveIdType: 'chat_id' as const }
const user = { receiveId: 'ou_1', receiveIdType: 'open_id' as const }
const env = { GITHUB_RUN_ID: '123', GITHUB_RUN_ATTEMPT: '1', GITHUB_JOB: 'build', GITHUB_ACTION: 'notify' }
type Options = Parameters<typeof messageUuid>[0]
/** `env` stands for the step's identity read from that environment, as main.ts passes it. */
const uuid = ({
  env: stepEnv = env,
  ...overrides
}: Partial<Omit<Options, 'step'>> & { env?: Record<string, string> } = {}) =>
  messageUuid({
    given: '',
    receiver: chat,
    receiverCount: 2,
    body: '{"text":"hi"}',
    step: stepIdentity(stepEnv),
    ...overrides,
  })

describe('messageUuid', () => {
  it('is stable for the same run, attempt, step, receiver and content, and at most 50 characters', () => {
    expect(uuid()).toBe(uuid())
    expect(uuid().length).toBeLessThanOrEqual(50)
  })

  it('is gh- and 40 characters of a base64url SHA-256, whatever the receiver and content', () => {
    for (const key of [uuid(), uuid({ receiver: user, body: 'x'.repeat(10_000) })])
      expect(key).toMatch(/^gh-[A-Za-z0-9_-]{40}$/)
  })

  it('differs by receiver, content, attempt, step, and job run (matrix legs)', () => {
    const all = [
      uuid(),
      uuid({ receiver: user }),
      uuid({ body: '{"text":"ho"}' }),
      uuid({ env: { ...env, GITHUB_RUN_ATTEMPT: '2' } }),
      uuid({ env: { ...env, GITHUB_ACTION: 'other' } }),
      uuid({ env: { ...env, RUNNER_TRACKING_ID: 'github_1f3d9475-6c94-40ee-a160-8b3fd282c3a1' } }),
      uuid({ env: { ...env, RUNNER_TRACKING_ID: 'github_00000000-6c94-40ee-a160-8b3fd282c3a1' } }),
    ]
    expect(new Set(all).size).toBe(all.length)
  })

  it('is random outside a workflow run', () => {
    expect(uuid({ env: {} })).not.toBe(uuid({ env: {} }))
  })

  it('uses a given uuid as is for one receiver and derives one per receiver otherwise', () => {
    expect(uuid({ given: 'deploy-42', receiverCount: 1 })).toBe('deploy-42')
    const long = 'x'.repeat(50)
    const perReceiver = [uuid({ given: long }), uuid({ given: long, receiver: user })]
    expect(perReceiver[0]).not.toBe(perReceiver[1])
    for (const key of perReceiver) expect(key.length).toBeLessThanOrEqual(50)
    expect(uuid({ given: long })).toBe(perReceiver[0])
  })
})
