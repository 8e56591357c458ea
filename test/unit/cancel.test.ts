import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import { manualCancellation, watchSignals } from '../../src/base/cancel.js'

describe('cancellation', () => {
  it('aborts on the first SIGINT or SIGTERM and names it', () => {
    const source = new EventEmitter()
    const watched = watchSignals(source)
    const { cancellation } = watched
    expect(cancellation.signal.aborted).toBe(false)
    expect(cancellation.reason).toBeUndefined()
    source.emit('SIGTERM')
    source.emit('SIGINT')
    expect(cancellation.signal.aborted).toBe(true)
    expect(cancellation.reason).toBe('SIGTERM')
    watched.stop()
    expect(source.listenerCount('SIGTERM')).toBe(0)
    expect(source.listenerCount('SIGINT')).toBe(0)
  })

  it('gives work in flight its grace after the cancel, not before', () => {
    vi.useFakeTimers()
    try {
      const cancellation = manualCancellation()
      const grace = cancellation.afterGrace(3000)
      vi.advanceTimersByTime(10_000)
      expect(grace.aborted).toBe(false)
      cancellation.cancel('SIGINT')
      vi.advanceTimersByTime(2999)
      expect(grace.aborted).toBe(false)
      vi.advanceTimersByTime(1)
      expect(grace.aborted).toBe(true)
      expect(grace.reason).toBe('SIGINT')
      // Asked for after the cancel: the grace still runs from now.
      const late = cancellation.afterGrace(500)
      expect(late.aborted).toBe(false)
      vi.advanceTimersByTime(500)
      expect(late.aborted).toBe(true)
    } finally {
      vi.useRealTimers()
    }
  })
})
