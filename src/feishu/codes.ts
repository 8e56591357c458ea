// One table from Feishu's error codes to what they mean and what the user should change
// (facts from docs/feishu-api.md §1.1, §3, §4.6, §5, §7.4, §8). Each code also carries its retry
// class, which the retry policy applies: one table, so the two can never disagree. The sub-codes
// of a card that could not be built are in ./card-codes.ts.

import { cardCode, type Explanation } from './card-codes.js'

/**
 * What trying the same request again can do, for the retry policy (feishu/retry-policy.ts):
 * never: it fails the same way (credentials, permissions, quota, the content, a gone message);
 * throttled: Feishu asks to slow down; transient: an internal error that may pass. Codes without a
 * class are decided by their HTTP status.
 */
export type RetryClass = 'never' | 'throttled' | 'transient'

interface CodeFacts extends Explanation {
  retry?: RetryClass
}

const PUBLISH = 'then create and publish a new app version in the developer console'

const CODES: Record<number, CodeFacts> = {
  // Token endpoint (§1.1)
  10003: {
    retry: 'never',
    meaning: 'the app id was not accepted (invalid param)',
    fix: "check `app-id`: it is the App ID (cli_...) from the app's Credentials page, for the same cloud as `domain` (Feishu apps do not work on Lark and vice versa)",
  },
  10014: {
    retry: 'never',
    meaning: 'the app secret is wrong, or the app is disabled',
    fix: 'check `app-secret` (it changes when reset in the developer console) and that the app is enabled',
  },
  10015: {
    retry: 'never',
    meaning: 'wrong app secret',
    fix: 'check `app-secret`; it changes when reset in the developer console',
  },
  10012: { meaning: 'Feishu could not issue an app token', fix: 'check the app is enabled; try again later' },
  10013: {
    meaning: 'Feishu could not issue a tenant token',
    fix: 'check the app is enabled and installed in the tenant; try again later',
  },
  99991543: {
    retry: 'never',
    meaning: 'the app id or app secret does not exist',
    fix: "check `app-id` and `app-secret` against the app's Credentials page",
  },
  // Platform and auth (§8.1)
  99991661: { meaning: 'the request carried no access token', fix: 'this is a bug in the action; please report it' },
  99991663: {
    meaning: 'the tenant access token is invalid or expired',
    fix: 're-run the job; if it persists, check the app is enabled',
  },
  99991664: { meaning: 'the app access token is malformed', fix: 're-run the job' },
  99991665: { meaning: 'the tenant access token is malformed', fix: 're-run the job' },
  99991671: { meaning: 'the access token has the wrong format', fix: 'this is a bug in the action; please report it' },
  99991672: {
    retry: 'never',
    meaning: 'the app lacks a permission scope this API needs',
    fix: 'add im:message:send_as_bot under Permissions & Scopes in the developer console, then create and publish a new app version; a tenant admin may need to approve it',
  },
  99991673: {
    retry: 'never',
    meaning: 'the app cannot be used in this tenant',
    fix: 'check the app is enabled and installed in the tenant (admin console)',
  },
  99991401: {
    retry: 'never',
    meaning: "the runner's IP is blocked by the app's IP allowlist",
    fix: "add the runner's egress IP to the app's allowlist (Security settings) or remove the allowlist; GitHub-hosted runners have no fixed IP",
  },
  99991400: {
    meaning: 'Feishu rate limit hit (requests per second/minute for this app)',
    fix: 'send less often or to fewer receivers per run',
  },
  99991403: {
    retry: 'never',
    meaning:
      "the tenant's monthly API quota is used up (free Feishu edition: 10,000 calls a month for all self-built apps)",
    fix: 'wait for the quota to reset on the 1st of the month, or upgrade the Feishu plan; admins see usage under Admin console > Billing',
  },
  99991201: {
    meaning: 'Feishu does not know this API path',
    fix: "check `domain`: it must be the API base URL (https://open.feishu.cn, https://open.larksuite.com, or your private deployment's), without a path",
  },
  99991301: {
    meaning: 'HTTP method not allowed on this path',
    fix: 'check `domain` points at a Feishu Open Platform host',
  },
  // Uploads: https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/image/create and .../file/create
  234001: {
    retry: 'never',
    meaning:
      'Feishu refused a request parameter (for an upload or a message carrying a key: an image_key or file_key this app did not upload)',
    fix: 'send keys the same app uploaded in this run; check the file type and name',
  },
  234002: { retry: 'never', meaning: 'the upload was not authenticated', fix: 'check `app-id` and `app-secret`' },
  234006: {
    retry: 'never',
    meaning: 'the file is too large (images up to 10 MB, files up to 30 MB)',
    fix: 'make it smaller, or upload it with actions/upload-artifact and link the run (`oversize: link`)',
  },
  234007: {
    retry: 'never',
    meaning: 'the app has not enabled the bot capability, which uploads need',
    fix: `enable the bot under Features > Bot in the developer console, ${PUBLISH}`,
  },
  234010: { retry: 'never', meaning: 'the file is empty (0 bytes)', fix: 'check the step that makes the file' },
  234011: {
    retry: 'never',
    meaning: 'Feishu did not recognise the image format',
    fix: 'send JPG, PNG, WEBP, GIF, BMP, ICO, TIFF or HEIC, or send it as a file in `attachments`',
  },
  234039: {
    retry: 'never',
    meaning: 'the image resolution is over the limit (GIF 2000x2000, other images 12000x12000)',
    fix: 'scale the image down, or send it as a file in `attachments` (a name without an image extension)',
  },
  234041: { retry: 'never', meaning: "the tenant's master encryption key was deleted", fix: 'ask a tenant admin' },
  1500: { retry: 'transient', meaning: 'Feishu internal error', fix: 'try again later' },
  2200: {
    retry: 'transient',
    meaning: 'Feishu internal error (usually under frequent calls)',
    fix: 'try again later and send less often',
  },
  5000: { retry: 'transient', meaning: 'Feishu internal error', fix: 'try again later' },
  1000003: { retry: 'transient', meaning: 'Feishu internal error', fix: 'try again later' },
  // Messages (§3, §8.2)
  230001: {
    retry: 'never',
    meaning: 'Feishu rejected a request parameter',
    fix: "read Feishu's msg for the field; check the receiver id and the content input; for an update, both the sent card and the new one must be shared (config.update_multi: true), and a card sent without it cannot be updated",
  },
  230002: {
    retry: 'never',
    meaning: 'the bot is not a member of this chat',
    fix: "add the app's bot to the group (group settings > Group bots > Add bot), or check the chat id",
  },
  230006: {
    retry: 'never',
    meaning: 'the app has no bot capability',
    fix: `enable the Bot feature for the app (Features > Bot), ${PUBLISH}`,
  },
  230013: {
    retry: 'never',
    meaning: "the user is outside the app's availability range (or disabled for the app, or has left)",
    fix: `extend the app's availability range to this user, ${PUBLISH}`,
  },
  230015: { meaning: 'a private (p2p) chat cannot be shared', fix: 'share a group chat instead' },
  230017: {
    meaning: 'the bot does not own this resource (a file or image uploaded by another app)',
    fix: 'upload the file or image with the same app',
  },
  230018: {
    meaning: "the group's settings do not let the bot post",
    fix: 'let all members (or bots) speak in the group settings',
  },
  230019: { meaning: 'the topic or thread does not exist', fix: 'check the message or thread id' },
  230020: {
    retry: 'throttled',
    meaning: 'too many messages to this chat or user (about 5 per second)',
    fix: 'send less often to this receiver',
  },
  230022: { meaning: 'the message was flagged as sensitive content', fix: 'change the message content' },
  230025: {
    retry: 'never',
    meaning: 'the message is too long (text 150 KB; post and card 30 KB, template data included)',
    fix: 'shorten the content',
  },
  230027: {
    retry: 'never',
    meaning:
      'the app lacks permission for this chat (missing scope, or an external group without external sharing enabled)',
    fix: `check the app's scopes; for external groups enable "bot can be used in external groups", ${PUBLISH}`,
  },
  230028: {
    meaning: "the message failed the tenant's data-loss-prevention check (phone numbers, personal e-mails)",
    fix: 'remove personal data from the message',
  },
  230029: { meaning: 'the user has left the organisation', fix: 'remove this receiver' },
  230034: {
    retry: 'never',
    meaning: 'the receiver id is not valid for its type',
    fix: 'check the receiver id; write `type:value` in `receive-id` when the id has no oc_/ou_/on_ prefix (e.g. user_id:4bxx)',
  },
  230035: {
    retry: 'never',
    meaning: 'the bot may not send here (group muted, bot blocked by the user, or a tenant communication policy)',
    fix: "check the group's mute settings, whether the user blocked the bot, and admin policies",
  },
  230036: { meaning: "the tenant's encryption key was deleted", fix: 'ask a tenant admin' },
  230038: {
    meaning: 'cross-tenant private messages are not allowed through this API',
    fix: 'send to a group both tenants share',
  },
  230049: { retry: 'transient', meaning: 'the message is still being sent', fix: 'try again in a moment' },
  230053: {
    meaning: 'the user turned off messages from this bot',
    fix: "ask the user to allow the bot's messages, or remove the receiver",
  },
  230054: {
    meaning: 'this chat does not support this message type (e.g. cards in a private interconnected group)',
    fix: 'send `text` or `post` to this chat',
  },
  230075: { meaning: 'encrypted (secret) chats are not supported', fix: 'send to a normal chat' },
  230099: {
    retry: 'never',
    meaning: 'Feishu could not build the card',
    fix: "check the card JSON or template against Feishu's card docs",
  },
  232009: { meaning: 'the chat has been dissolved', fix: 'update the chat id' },
  // Update and reply (§5.1, §5.2)
  230011: {
    retry: 'never',
    meaning: 'the message was recalled, so it can no longer be updated or replied to',
    fix: 'send a new message instead (remove `update-message-id` / `reply-to`), or give the id of a message that still exists',
  },
  230031: {
    retry: 'never',
    meaning: 'the card was sent more than 14 days ago and can no longer be updated',
    fix: 'send a new message instead (remove `update-message-id`); cards can be updated for 14 days after sending',
  },
  230110: {
    retry: 'never',
    meaning: 'the message was deleted, so it can no longer be updated or replied to',
    fix: 'send a new message instead (remove `update-message-id` / `reply-to`), or give the id of a message that still exists',
  },
  230071: {
    retry: 'never',
    meaning: 'this chat does not support thread replies',
    fix: 'set `reply-in-thread: false` to reply in the chat itself',
  },
  230072: {
    meaning: 'an aggregated (merged) message cannot get a thread reply',
    fix: 'set `reply-in-thread: false`, or reply to another message',
  },
  230050: {
    meaning: 'the message is not visible to the bot',
    fix: 'check `reply-to`: the bot must be in the chat of the message',
  },
  11232: {
    retry: 'throttled',
    meaning:
      'Feishu is throttling messages (service-wide rate limit; a custom bot takes at most 5 a second and 100 a minute)',
    fix: "send less often; avoid peak minutes such as :00 and :30; a custom bot over its 100 a minute needs a minute's pause, longer than the retries wait",
  },
  11233: {
    retry: 'throttled',
    meaning: 'Feishu is throttling messages to this chat',
    fix: 'send less often to this chat',
  },
  11247: { retry: 'throttled', meaning: 'Feishu is throttling messages (internal rate limit)', fix: 'send less often' },
  11235: { meaning: 'this group does not allow @all', fix: 'remove the @all mention or change the group setting' },
  10002: { meaning: 'the bot is not a member of this chat', fix: "add the app's bot to the group" },
  10030: { meaning: 'the bot is not a member of this chat', fix: "add the app's bot to the group" },
  11246: {
    retry: 'transient',
    meaning: 'Feishu could not create the message content (an internal error when msg says "Service Internal Error")',
    fix: "try again later; if it persists, check the content against Feishu's message formats",
  },
  18121: {
    retry: 'transient',
    meaning: 'an identical request is already being processed',
    fix: 'try again in a moment',
  },
  // Custom bot webhooks (§7.3, §7.4)
  9499: {
    retry: 'never',
    meaning: 'the custom bot refused the request as malformed or too large (at most 20 KB)',
    fix: "shorten the message; check the card or post against Feishu's message formats",
  },
  19001: {
    retry: 'never',
    meaning: 'Feishu does not know this hook: the custom bot was removed, or the URL is incomplete',
    fix: 'copy the webhook URL again from the group (Settings > Group bots > your custom bot) into the secret that `webhook` reads',
  },
  19002: {
    retry: 'never',
    meaning: 'the custom bot could not read the message type (msg_type)',
    fix: 'this is a bug in the action; please report it',
  },
  19021: {
    retry: 'never',
    meaning:
      "the custom bot refused the signature: it does not match the bot's secret, or the timestamp is more than an hour off Feishu's clock",
    fix: "set `webhook-secret` to the secret shown under the bot's Security settings > Set signature verification (resetting it there changes it); if signing is on, `webhook-secret` is required; check the runner's clock",
  },
  19022: {
    retry: 'never',
    meaning: "the runner's IP address is not in the custom bot's IP allowlist",
    fix: "GitHub-hosted runners have no fixed IP: remove the IP allowlist in the bot's Security settings (use signature verification instead), or run on a self-hosted runner whose IP is listed",
  },
  19024: {
    retry: 'never',
    meaning: "the message contains none of the custom bot's keywords",
    fix: "put one of the keywords set under the bot's Security settings > Custom keywords into the text or title (links are not searched), or remove that option",
  },
}

/** The retry class of a Feishu code, from the same table as its meaning. */
export function retryClassOf(code: number): RetryClass | undefined {
  return CODES[code]?.retry
}

/** Meaning and fix for a Feishu code, using the message's own details where they say more. */
export function explainCode(code: number, msg: string, error?: FeishuErrorBody): Explanation {
  if (code === 230099 || code === 11310) {
    const sub = /ErrCode:\s*(\d+)/.exec(msg)?.[1]
    const card = sub ? cardCode(Number(sub)) : undefined
    if (card) return { meaning: `${CODES[230099]!.meaning}: ${card.meaning} (card error ${sub})`, fix: card.fix }
  }
  const known = CODES[code]
  if (code === 99991672) {
    const scopes = (error?.permission_violations ?? []).map((violation) => violation.subject ?? '').filter(Boolean)
    const [scope, ...others] = scopes.length ? scopes : scopesFromMsg(msg)
    const link = error?.helps?.find((help) => help.url)?.url
    if (scope) {
      return {
        meaning: `${known!.meaning} (${[scope, ...others].join(', ')})`,
        fix: `add the scope ${scope}${others.length ? ` (or one of ${others.join(', ')})` : ''} under Permissions & Scopes in the developer console${link ? ` (${link})` : ''}, then create and publish a new app version; a tenant admin may need to approve it`,
      }
    }
  }
  return (
    known ?? {
      meaning: 'Feishu refused the request',
      fix: "look up this code in Feishu's error code reference (Server API > API call guide > error codes)",
    }
  )
}

function scopesFromMsg(msg: string): string[] {
  const list = /\[([^\]]+)\]/.exec(msg)?.[1]
  return list
    ? list
        .split(',')
        .map((scope) => scope.trim())
        .filter(Boolean)
    : []
}

/** The `error` object Feishu puts in failure bodies (§3.2). */
export interface FeishuErrorBody {
  log_id?: string
  logid?: string
  message?: string
  troubleshooter?: string
  permission_violations?: { type?: string; subject?: string; description?: string }[]
  field_violations?: { field?: string; value?: string; description?: string }[]
  helps?: { url?: string; description?: string }[]
}
