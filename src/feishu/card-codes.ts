// The sub-codes Feishu puts inside 230099 "Failed to create card content" (msg "... ErrCode: N"):
// what each means and what to change (§4.6). Data and one lookup; the main table is ./codes.ts.

/** What a code means and what the user should change. */
export interface Explanation {
  meaning: string
  fix: string
}

/** Sub-codes inside 230099 "Failed to create card content" (§4.6). */
const CARD_CODES: Record<number, Explanation> = {
  100290: {
    meaning: 'a user id in an <at> tag or person component is invalid',
    fix: 'use open_ids (ou_...) the app can see',
  },
  11310: {
    meaning:
      'the card or template could not be used (template not visible to the app, more than 200 elements in a 2.0 card, or the card is busy)',
    fix: "in the card builder add this app to the template's allowed apps and publish; keep 2.0 cards under 200 elements",
  },
  200380: {
    meaning: 'the card template does not exist or this version is not published',
    fix: 'check `template-id` and `template-version`, and publish the template in the card builder',
  },
  200381: {
    meaning: 'the card template is not visible to this app',
    fix: "in the card builder, add this app (or bot) to the template's allowed senders, then publish the template again",
  },
  200621: { meaning: 'the card JSON cannot be parsed', fix: "check the card against Feishu's card JSON structure" },
  200732: {
    meaning: 'a template variable has the wrong type',
    fix: 'give the variable the type declared in the card builder in `variables` (quote strings, use lists and numbers as declared)',
  },
  200737: {
    meaning: 'a template variable has the wrong format',
    fix: 'format the variable as the card builder expects (dates yyyy-MM-dd, URLs with http(s), images {img_key: ...})',
  },
  200550: { meaning: 'a chart spec in the card is invalid', fix: 'fix the chart element at ErrPath' },
  200861: {
    meaning: 'the card uses a tag that card JSON 2.0 does not support (note and action were removed in 2.0)',
    fix: 'replace the tag (put buttons directly in body.elements; use markdown for notes) or drop `schema: "2.0"`',
  },
  200570: { meaning: 'an image key in the card is invalid', fix: 'upload the image with this app and use its img_key' },
  200914: { meaning: 'table rows in the card are invalid', fix: 'fix the table rows' },
  200915: {
    meaning: 'a table row uses a key that is not a declared column',
    fix: 'declare the column or remove the key',
  },
}

/** Meaning and fix of a card sub-code, when it is one Feishu documents. */
export function cardCode(code: number): Explanation | undefined {
  return CARD_CODES[code]
}
