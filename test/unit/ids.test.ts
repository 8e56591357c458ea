// The size and shape rules of id inputs, and the one cut for echoes of text someone else wrote.
import { describe, expect, it } from 'vitest'
import { bounded, MAX_INPUT_ECHO } from '../../src/base/bounded.js'
import { describeReceiver } from '../../src/feishu/targets.js'
import { shown } from '../../src/inputs/errors.js'
import { checkId, isId, MAX_ID_LENGTH } from '../../src/inputs/ids.js'
import { readMentionInput, readUsersInput } from '../../src/inputs/mentions.js'
import { parseReceiver, readReceivers } from '../../src/inputs/receivers.js'

const huge = (prefix: string, length = 100_000): string => prefix + 'a'.repeat(length - prefix.length)

describe('bounded', () => {
  it('keeps short text, cuts long text with an ellipsis and the count left out', () => {
    expect(bounded('abc', 3)).toBe('abc')
    expect(bounded('abcd', 3)).toBe('abc… (1 more characters)')
    expect(bounded('x'.repeat(MAX_INPUT_ECHO + 10))).toBe(`${'x'.repeat(MAX_INPUT_ECHO)}… (10 more characters)`)
  })

  it('never cuts a surrogate pair in half', () => {
    expect(bounded('ab😀cd', 3)).toBe('ab… (4 more characters)')
  })

  it('is what input errors repeat', () => {
    expect(shown('y'.repeat(5000)).length).toBeLessThan(MAX_INPUT_ECHO + 40)
  })
})

describe('id inputs', () => {
  it.each([
    ['chat-id', () => readReceivers(huge('oc_'), '')],
    ['receive-id', () => readReceivers('', huge('ou_'))],
    ['receive-id', () => readReceivers('', `user_id:${huge('u')}`)],
    ['receive-id', () => readReceivers('', `${huge('a')}@example.com`)],
    ['receive-id', () => readReceivers('', huge('zz'))],
    ['mention', () => readMentionInput(huge('ou_'))],
    ['mention', () => readMentionInput(`${huge('b')}@example.com`)],
  ])('refuses a 100,000-character id in `%s` at once, naming the input, with a bounded echo', (input, read) => {
    const started = Date.now()
    let message = ''
    try {
      read()
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(new RegExp(`^Input \`${input}\`: "`))
    expect(message).toMatch(/ 1000\d\d characters long/)
    expect(message.length).toBeLessThan(400)
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('refuses a huge id in `users` too', async () => {
    await expect(readUsersInput(`octocat: ${huge('ou_', 5000)}`)).rejects.toThrow(
      /^Input `users`: .*5000 characters long/,
    )
  })

  it('accepts ids up to the limit and refuses one past it', () => {
    expect(parseReceiver(huge('oc_', MAX_ID_LENGTH), 'receive-id').receiveIdType).toBe('chat_id')
    expect(() => parseReceiver(huge('oc_', MAX_ID_LENGTH + 1), 'receive-id')).toThrow(/257 characters long/)
    expect(isId(huge('om_', MAX_ID_LENGTH), 'message_id')).toBe(true)
    expect(isId(huge('om_', MAX_ID_LENGTH + 1), 'message_id')).toBe(false)
  })

  it('checkId: the length, then the shape, naming the input', () => {
    expect(checkId('approvers', 'ou_1', 'open_id')).toBe('ou_1')
    expect(() => checkId('approvers', 'oc_1', 'open_id', 'approvers are people')).toThrow(
      'Input `approvers`: "oc_1" is not a valid open_id; approvers are people',
    )
    expect(() => checkId('approvers', huge('ou_', 300), 'open_id')).toThrow(/^Input `approvers`: .*300 characters/)
  })

  it('a receiver is named with a bounded id wherever it is described', () => {
    const shownName = describeReceiver({ receiveIdType: 'chat_id', receiveId: huge('oc_') })
    expect(shownName.length).toBeLessThan(200)
    expect(shownName).toMatch(/^chat_id oc_a+… \(\d+ more characters\)$/)
  })
})
