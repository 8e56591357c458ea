// Bounds every reader of a server's answer shares. Pure constants.

/**
 * Bytes of one answer read at most, from Feishu or GitHub alike. The largest real answers are a
 * page of 100 GitHub jobs with their steps (a few hundred KB) and a sent Feishu message, which
 * echoes its content (at most 150 KB, escaped once more). A server that sends more is neither:
 * the rest is not read, so a hostile answer costs memory only up to this.
 */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024

/** MAX_ANSWER_BYTES as a reader says it: "8 MB". */
export const MAX_ANSWER_SHOWN = `${MAX_ANSWER_BYTES / 1024 / 1024} MB`
