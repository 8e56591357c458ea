// The one error hierarchy: every error the action raises on purpose is an ActionError carrying
// its cause; anything else is reported as a bug, its stack kept for the debug log.
import { describe, expect, it } from 'vitest'
import { ActionError, failureOf } from '../../src/base/errors.js'
import { OutputFileError } from '../../src/base/runner.js'
import { FeishuError } from '../../src/feishu/errors.js'
import { InputError } from '../../src/inputs/errors.js'

describe('the error hierarchy', () => {
  it('input, Feishu and output-file errors are ActionErrors and keep their cause', () => {
    const cause = new SyntaxError('Unexpected token')
    const errors = [
      new InputError('card', 'is not valid JSON', { cause }),
      new FeishuError({ code: 1, msg: 'm', httpStatus: 400, logId: '', meaning: 'no', fix: 'yes' }, { cause }),
      new OutputFileError('results', cause),
    ]
    for (const error of errors) {
      expect(error).toBeInstanceOf(ActionError)
      expect(error.cause).toBe(cause)
    }
    expect(errors.map((error) => error.name)).toEqual(['InputError', 'FeishuError', 'OutputFileError'])
  })

  it('an InputError without a cause has none', () => {
    expect(new InputError('text', 'is empty').cause).toBeUndefined()
  })
})

describe('failureOf', () => {
  it('an ActionError is its message alone', () => {
    expect(failureOf(new InputError('text', 'is empty'))).toEqual({ line: 'Input `text`: is empty' })
  })

  it('any other error is an internal error with its name, and its stack apart', () => {
    const error = new TypeError('x is not a function')
    const failure = failureOf(error)
    expect(failure.line).toBe("internal error: TypeError: x is not a function — please report it with this run's log")
    expect(failure.stack).toBe(error.stack)
  })

  it('a message over several lines gives one line; a thrown string has no stack', () => {
    expect(failureOf(new RangeError('first\nsecond')).line).toBe(
      "internal error: RangeError: first — please report it with this run's log",
    )
    expect(failureOf('just a string')).toEqual({
      line: "internal error: just a string — please report it with this run's log",
    })
  })
})
