import { describe, expect, it } from 'vitest'
import { explainCode } from '../../src/feishu/codes.js'

describe('explainCode', () => {
  it('explains credential and membership codes with the fix', () => {
    expect(explainCode(10014, 'app secret invalid').fix).toContain('check `app-secret`')
    expect(explainCode(230002, 'Bot/User can NOT be out of the chat.').fix).toContain("add the app's bot to the group")
    expect(explainCode(230013, '').fix).toContain('availability range')
    expect(explainCode(230006, '').fix).toContain('enable the Bot feature')
  })

  it('names the missing scope of 99991672 from permission_violations, else from msg', () => {
    const withViolations = explainCode(99991672, 'Access denied.', {
      permission_violations: [{ subject: 'im:message:send_as_bot' }, { subject: 'im:message' }],
      helps: [{ url: 'https://open.feishu.cn/app/cli_x/auth' }],
    })
    expect(withViolations.fix).toBe(
      'add the scope im:message:send_as_bot (or one of im:message) under Permissions & Scopes in the developer console (https://open.feishu.cn/app/cli_x/auth), then create and publish a new app version; a tenant admin may need to approve it',
    )
    const fromMsg = explainCode(
      99991672,
      'Access denied. One of the following scopes is required: [im:message, im:message:send_as_bot].',
    )
    expect(fromMsg.meaning).toBe('the app lacks a permission scope this API needs (im:message, im:message:send_as_bot)')
    expect(explainCode(99991672, 'Access denied.').fix).toMatch(/^add im:message:send_as_bot under Permissions/)
  })

  it('explains 230099 by its card sub-code', () => {
    const explained = explainCode(
      230099,
      'Failed to create card content, ext=ErrCode: 200732; ErrMsg: variable type mismatch; ErrPath: count; ',
    )
    expect(explained.meaning).toContain('a template variable has the wrong type (card error 200732)')
    expect(explained.fix).toContain('`variables`')
    expect(explainCode(230099, 'Failed to create card content, ext=ErrCode: 200381; ').fix).toContain('allowed senders')
  })

  it('explains 11310 by its card sub-code too, and 230099 without one by the code alone', () => {
    const card = explainCode(11310, 'card error, ErrCode:200732')
    expect(card.meaning).toContain('(card error 200732)')
    expect(explainCode(11310, 'card error').meaning).not.toContain('card error 200732')
    expect(explainCode(230099, 'no sub-code here')).toEqual(explainCode(230099, ''))
    expect(explainCode(230099, 'ErrCode: 1').meaning).not.toContain('(card error')
    expect(explainCode(230002, 'ErrCode: 200732').meaning).not.toContain('(card error')
  })

  it('names the scopes from permission_violations and links the help page', () => {
    const explained = explainCode(99991672, 'Access denied.', {
      permission_violations: [{ subject: 'im:message' }, {}, { subject: 'im:message:send_as_bot' }],
      helps: [{ description: 'no url' }, { url: 'https://open.feishu.cn/app/cli_x/auth' }],
    })
    expect(explained.meaning).toBe(
      'the app lacks a permission scope this API needs (im:message, im:message:send_as_bot)',
    )
    expect(explained.fix).toBe(
      'add the scope im:message (or one of im:message:send_as_bot) under Permissions & Scopes in the developer console (https://open.feishu.cn/app/cli_x/auth), then create and publish a new app version; a tenant admin may need to approve it',
    )
    expect(explainCode(99991672, 'Access denied: [ im:a ,, im:b ]', { helps: [] }).fix).toBe(
      'add the scope im:a (or one of im:b) under Permissions & Scopes in the developer console, then create and publish a new app version; a tenant admin may need to approve it',
    )
  })

  it('falls back for unknown codes', () => {
    expect(explainCode(1234567, 'odd').meaning).toBe('Feishu refused the request')
  })
})
