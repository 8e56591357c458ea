import { describe, expect, it } from 'vitest'
import { parseReceiver, readReceivers, splitList } from '../../src/inputs/receivers.js'
import { maskPersonal } from '../../src/base/personal.js'

describe('receivers', () => {
  it('splits on newlines and commas and drops blanks', () => {
    expect(splitList(' oc_1,oc_2\n\n oc_3 ,\n')).toEqual(['oc_1', 'oc_2', 'oc_3'])
  })

  it('also splits on spaces, CRLF, semicolons and full-width punctuation', () => {
    expect(splitList('oc_1 oc_2\r\noc_3;oc_4\uff0coc_5\uff1boc_6\u3001oc_7')).toEqual([
      'oc_1',
      'oc_2',
      'oc_3',
      'oc_4',
      'oc_5',
      'oc_6',
      'oc_7',
    ])
  })

  it.each([
    ['oc_', 'chat_id'],
    ['ou_x/y', 'open_id'],
    ['email:alice', 'email'],
    ['bob@', 'email'],
    ['user_id:', 'user_id'],
    ['chat_id:oc_1"', 'chat_id'],
    ['ou_abc!', 'open_id'],
    ['oc_abc!', 'chat_id'],
    ['on_abc!', 'union_id'],
    ['chat_id:!oc_abc', 'chat_id'],
    ['user_id:4b!', 'user_id'],
    ['user_id:!4b', 'user_id'],
    ['a@b.c@d', 'email'],
    ['a@b', 'email'],
  ])('rejects %j, which is not a valid %s', (entry, type) => {
    // An address is personal data: shown masked, as everything the action says of it.
    expect(() => parseReceiver(entry, 'receive-id')).toThrow(
      `Input \`receive-id\`: "${maskPersonal(entry)}" is not a valid ${type}`,
    )
  })

  it('takes the type case-insensitively', () => {
    expect(parseReceiver('Open_ID:ou_x', 'receive-id')).toEqual({ receiveId: 'ou_x', receiveIdType: 'open_id' })
  })

  it.each([
    ['oc_abc', 'chat_id', 'oc_abc'],
    ['ou_abc', 'open_id', 'ou_abc'],
    ['on_abc', 'union_id', 'on_abc'],
    ['dev@example.com', 'email', 'dev@example.com'],
    ['user_id:4bxx', 'user_id', '4bxx'],
    ['open_id:ou_1', 'open_id', 'ou_1'],
    ['email:a@b.co', 'email', 'a@b.co'],
    ['chat_id:oc_9', 'chat_id', 'oc_9'],
  ])('%s is %s', (entry, type, id) => {
    expect(parseReceiver(entry, 'receive-id')).toEqual({ receiveId: id, receiveIdType: type })
  })

  it('rejects an unknown explicit type, naming the input', () => {
    expect(() => parseReceiver('phone:123', 'receive-id')).toThrow('Input `receive-id`: unknown receiver type "phone"')
  })

  it('rejects an id whose type cannot be told, suggesting type:value', () => {
    expect(() => parseReceiver('4bxx', 'receive-id')).toThrow('write it as type:value (e.g. user_id:4bxx)')
  })

  it('puts chat-id first, keeps order and reports the duplicates it drops', () => {
    expect(readReceivers('oc_1\noc_2', 'ou_1, oc_1, ou_1')).toEqual({
      receivers: [
        { receiveId: 'oc_1', receiveIdType: 'chat_id' },
        { receiveId: 'oc_2', receiveIdType: 'chat_id' },
        { receiveId: 'ou_1', receiveIdType: 'open_id' },
      ],
      duplicates: ['chat_id:oc_1', 'open_id:ou_1'],
    })
  })

  it('rejects a user id given as chat-id', () => {
    expect(() => readReceivers('ou_1', '')).toThrow('Input `chat-id`: "ou_1" is not a chat id')
  })

  it('masks an address or a number in what it refuses', () => {
    for (const entry of ['xx:13912345678', 'email:carol@secret', '139.1234.5678'])
      expect(() => parseReceiver(entry, 'receive-id')).toThrow(/^(?![\s\S]*(13912345678|carol@|1234\.5678))/)
  })
})
