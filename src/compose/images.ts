// The `images` input in the message (issue 20): each image's key as a `${name}` variable, trusted
// (an id Feishu issued, never markup), and the `banner` image at the top of the built-in cards.
// Before the upload (input checks, dry run) each key is a stand-in of the same shape. Pure.

import { InputError } from '../inputs/errors.js'

/** The key a dry run and the checks before any request use for `${name}`. */
export const pendingKey = (name: string): string => `img_pending_${name}`

/** The image keys as variables: uploaded ones, else stand-ins; a name a built-in has is an input error. */
export function imageVariables(
  names: readonly string[],
  keys: ReadonlyMap<string, string> | undefined,
  builtins: ReadonlyMap<string, unknown>,
): Map<string, string> {
  const variables = new Map<string, string>()
  for (const name of names) {
    if (builtins.has(name))
      throw new InputError('images', `"${name}" is a built-in variable; give the image another name`)
    variables.set(name, keys?.get(name) ?? pendingKey(name))
  }
  return variables
}

/** A built-in card (JSON 2.0) with the `banner` image as its first element. */
export function withBanner(card: Record<string, unknown>, key: string | undefined): Record<string, unknown> {
  if (!key) return card
  const body = (card.body ?? {}) as { elements?: unknown[] }
  const banner = {
    tag: 'img',
    img_key: key,
    alt: { tag: 'plain_text', content: '' },
    scale_type: 'fit_horizontal',
    preview: true,
  }
  return { ...card, body: { ...body, elements: [banner, ...(body.elements ?? [])] } }
}
