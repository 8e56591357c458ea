// Code in release notes to card markdown: fenced blocks with a language Feishu knows, and code
// spans whose fence no backtick inside can close. Pure; everything inside goes through
// neutralizeMarkup, so code never becomes markup.

import { neutralizeMarkup } from '../../markup/escape.js'

const LANGUAGE_ALIASES: Readonly<Record<string, string>> = {
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  ts: 'typescript',
  tsx: 'typescript',
  sh: 'shell',
  console: 'shell',
  zsh: 'shell',
  shellsession: 'shell',
  py: 'python',
  rb: 'ruby',
  rs: 'rust',
  yml: 'yaml',
  md: 'markdown',
  kt: 'kotlin',
  'c++': 'cpp',
  cc: 'cpp',
  cs: 'c_sharp',
  csharp: 'c_sharp',
  objc: 'objective_c',
  dockerfile: 'docker_file',
  docker: 'docker_file',
  ps1: 'powershell',
  pwsh: 'powershell',
  golang: 'go',
  patch: 'diff',
  proto: 'protobuf',
  vb: 'visual_basic',
  coffee: 'coffee_script',
  tf: 'plain_text',
}

export function codeLanguage(info: string | undefined): string {
  const word = (info ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? ''
  if (!/^[a-z0-9_+#.-]{1,30}$/.test(word)) return ''
  return LANGUAGE_ALIASES[word] ?? word
}

function longestRun(text: string, char: string): number {
  let longest = 0
  let current = 0
  for (const c of text) {
    current = c === char ? current + 1 : 0
    if (current > longest) longest = current
  }
  return longest
}

/** A fence longer than any backtick run inside, so no line of the code can close it. */
export function codeBlock(code: string, language: string, cont: string): string {
  const fence = '`'.repeat(Math.max(3, longestRun(code, '`') + 1))
  const lines = neutralizeMarkup(code.replace(/\n+$/, '')).split('\n')
  return [fence + language, ...lines, fence].join(`\n${cont}`)
}

export function codeSpan(code: string, inTable: boolean): string {
  let content = neutralizeMarkup(code.replace(/\n/g, ' '))
  if (content.trim() === '') return ''
  if (inTable) content = content.replace(/\|/g, '\\|')
  const fence = '`'.repeat(longestRun(content, '`') + 1)
  const pad =
    content.startsWith('`') || content.endsWith('`') || (content.startsWith(' ') && content.endsWith(' ')) ? ' ' : ''
  return `${fence}${pad}${content}${pad}${fence}`
}
