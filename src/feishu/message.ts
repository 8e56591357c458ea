// A message as Feishu takes it: its msg_type and content object, and the size limits of each
// transport (§3.1, §7.1). The compose layer builds messages to fit these; this layer sends them.

/** What compose builds; the others carry a key of an uploaded file (feishu/attachments.ts). */
type ComposedType = 'text' | 'post' | 'interactive'
type MsgType = ComposedType | 'image' | 'file' | 'media' | 'audio'

export interface FeishuMessage {
  readonly msgType: MsgType
  /** The content object; the app API takes it as a JSON string (§3.1), a custom bot as it is (§7.2). */
  readonly content: Record<string, unknown>
}

/** §3.1: text up to 150 KB of request body; post and card content up to 30 KB. */
export const SIZE_LIMITS: Record<ComposedType, number> = { text: 150 * 1024, post: 30 * 1024, interactive: 30 * 1024 }

/** §7.1: a custom bot takes a request body of at most 20 KB, whatever the message type. */
export const WEBHOOK_BODY_LIMIT = 20 * 1024

/**
 * Room in a webhook body for what surrounds the content object, which is embedded as it is (not
 * as a string): msg_type, the post wrapper, timestamp and sign take about 110 bytes.
 */
export const WEBHOOK_ENVELOPE_BYTES = 160
