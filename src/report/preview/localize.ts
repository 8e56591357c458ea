// The preview in the reader's language. A card JSON 2.0 field carries its words per locale
// (`i18n_content` on a text object, `header.i18n_text_tag_list`, `config.summary.i18n_content`;
// `i18n` on a 1.0 text, `i18n_elements` on a 1.0 card) and each reader's Feishu shows its own:
// the preview shows one locale, as one reader would see it, and says its own words (captions,
// placeholders) in that language too. The locale follows the `language` input (dry-run.ts). Pure.

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The preview's own words; card text is never among them. */
export interface PreviewWords {
  readonly cardPreview: string
  readonly caption: string
  readonly chatList: (summary: string) => string
  readonly image: string
  readonly notShown: (tag: string) => string
  readonly noTag: string
  readonly tooDeep: string
  readonly template: (id: string) => string
  readonly noTemplateId: string
  readonly notACard: string
  readonly button: string
  readonly someone: string
}

const ENGLISH: PreviewWords = {
  cardPreview: 'Card preview',
  caption: 'Preview of the card JSON this step builds, drawn in the style of a Feishu card; Feishu draws the real one.',
  chatList: (summary) => `Chat list shows: ${summary}`,
  image: 'Image',
  notShown: (tag) => `Not shown in this preview: ${tag}`,
  noTag: 'a component without a tag',
  tooDeep: '… nested too deep to preview',
  template: (id) => `A card-builder template (${id}): Feishu fills it in, so there is no preview.`,
  noTemplateId: 'no id',
  notACard: 'Not a card: nothing to preview.',
  button: 'Button',
  someone: 'someone',
}

const WORDS: Readonly<Record<string, PreviewWords>> = {
  en_us: ENGLISH,
  zh_cn: {
    cardPreview: '卡片预览',
    caption: '本步骤生成的卡片 JSON 的预览，按飞书卡片的样式绘制；实际效果以飞书为准。',
    chatList: (summary) => `会话列表显示：${summary}`,
    image: '图片',
    notShown: (tag) => `此预览不显示：${tag}`,
    noTag: '没有 tag 的组件',
    tooDeep: '… 嵌套过深，无法预览',
    template: (id) => `卡片搭建工具模板（${id}）：内容由飞书填充，因此没有预览。`,
    noTemplateId: '无 ID',
    notACard: '不是卡片：没有可预览的内容。',
    button: '按钮',
    someone: '某人',
  },
  ja_jp: {
    cardPreview: 'カードのプレビュー',
    caption:
      'このステップが作成するカード JSON のプレビューです。Feishu/Lark のカードの見た目で描いていますが、実際の表示は Feishu/Lark が描きます。',
    chatList: (summary) => `チャット一覧の表示：${summary}`,
    image: '画像',
    notShown: (tag) => `このプレビューには表示されません：${tag}`,
    noTag: 'tag のないコンポーネント',
    tooDeep: '… ネストが深すぎてプレビューできません',
    template: (id) =>
      `カードビルダーのテンプレート（${id}）：内容は Feishu/Lark が埋めるため、プレビューはありません。`,
    noTemplateId: 'ID なし',
    notACard: 'カードではありません：プレビューするものがありません。',
    button: 'ボタン',
    someone: '誰か',
  },
}

/** The preview's words in `locale`; English for a locale it has no words in. */
export function previewWords(locale: string): PreviewWords {
  return Object.hasOwn(WORDS, locale) ? (WORDS[locale] ?? ENGLISH) : ENGLISH
}

/** The locale a dry run previews: the `language` input's, English when it is `auto` (every language is sent). */
export function previewLocale(language: string | undefined): string {
  return language && language !== 'auto' ? language : 'en_us'
}

/** `zh_cn` as an HTML lang (`zh-CN`); anything else that is not a locale is English. */
export function htmlLang(locale: string): string {
  const match = /^([a-z]{2})_([a-z]{2})$/i.exec(locale)
  return match ? `${(match[1] ?? '').toLowerCase()}-${(match[2] ?? '').toUpperCase()}` : 'en'
}

/** How deep the translation walk goes; deeper parts are drawn as placeholders anyway. */
const MAX_JSON_DEPTH = 128

/** `translations[locale]` when it is there, else `fallback`, else the first translation. */
function translated(translations: Json, locale: string, fallback: unknown): unknown {
  const own = Object.hasOwn(translations, locale) ? translations[locale] : undefined
  if (own !== undefined && own !== null && own !== '') return own
  if (fallback !== undefined && fallback !== null && fallback !== '') return fallback
  return Object.values(translations).find((value) => value !== undefined && value !== null && value !== '')
}

/**
 * The card as a reader in `locale` sees it: every text object's `content` replaced by its
 * translation (`i18n_content`, or a 1.0 text's `i18n`) and the header's tags taken from
 * `i18n_text_tag_list`, each falling back to what is there without a translation, then to the
 * first translation. A copy: the card itself is not changed.
 */
export function localizeCard(card: unknown, locale: string): unknown {
  const walk = (node: unknown, depth: number): unknown => {
    if (depth > MAX_JSON_DEPTH) return node
    if (Array.isArray(node)) return node.map((item) => walk(item, depth + 1))
    if (!isObject(node)) return node
    // fromEntries defines own properties: a `__proto__` key in the card stays a plain key.
    const copy: Json = Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, walk(value, depth + 1)] as const),
    )
    for (const key of ['i18n_content', 'i18n']) {
      const translations = node[key]
      if (isObject(translations)) {
        const words = translated(translations, locale, node.content)
        if (words !== undefined) copy.content = words
        break
      }
    }
    if (isObject(node.i18n_text_tag_list)) {
      const tags = translated(node.i18n_text_tag_list, locale, node.text_tag_list)
      if (tags !== undefined) copy.text_tag_list = walk(tags, depth + 1)
    }
    return copy
  }
  return walk(card, 0)
}

/** The elements of a 2.0 card (body.elements) or a 1.0 card (elements, else i18n_elements in the locale). */
export function cardElements(card: Json, locale: string): unknown {
  if (isObject(card.body)) return card.body.elements
  if (Array.isArray(card.elements)) return card.elements
  if (isObject(card.i18n_elements))
    return Object.hasOwn(card.i18n_elements, locale) && Array.isArray(card.i18n_elements[locale])
      ? card.i18n_elements[locale]
      : Object.values(card.i18n_elements).find(Array.isArray)
  return []
}
