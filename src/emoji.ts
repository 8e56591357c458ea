// GitHub emoji shortcodes that release notes and gitmoji-style commit titles actually use,
// mapped to the Unicode emoji GitHub shows for them. Hand-picked and deliberately short: a
// full table would cost bundle size for codes nobody writes; a code missing here stays as
// written, which is also what a reader sees in a plain-text view of the notes.

export const EMOJI_SHORTCODES: ReadonlyMap<string, string> = new Map([
  // gitmoji
  ['art', '🎨'], ['zap', '⚡'], ['fire', '🔥'], ['bug', '🐛'], ['ambulance', '🚑'], ['sparkles', '✨'],
  ['memo', '📝'], ['rocket', '🚀'], ['lipstick', '💄'], ['tada', '🎉'], ['white_check_mark', '✅'],
  ['lock', '🔒'], ['closed_lock_with_key', '🔐'], ['bookmark', '🔖'], ['rotating_light', '🚨'],
  ['construction', '🚧'], ['green_heart', '💚'], ['arrow_down', '⬇️'], ['arrow_up', '⬆️'], ['pushpin', '📌'],
  ['construction_worker', '👷'], ['chart_with_upwards_trend', '📈'], ['recycle', '♻️'], ['heavy_plus_sign', '➕'],
  ['heavy_minus_sign', '➖'], ['wrench', '🔧'], ['hammer', '🔨'], ['globe_with_meridians', '🌐'], ['pencil2', '✏️'],
  ['poop', '💩'], ['rewind', '⏪'], ['twisted_rightwards_arrows', '🔀'], ['package', '📦'], ['alien', '👽'],
  ['truck', '🚚'], ['page_facing_up', '📄'], ['boom', '💥'], ['bento', '🍱'], ['wheelchair', '♿'], ['bulb', '💡'],
  ['beers', '🍻'], ['speech_balloon', '💬'], ['card_file_box', '🗃️'], ['loud_sound', '🔊'], ['mute', '🔇'],
  ['busts_in_silhouette', '👥'], ['children_crossing', '🚸'], ['building_construction', '🏗️'], ['iphone', '📱'],
  ['clown_face', '🤡'], ['egg', '🥚'], ['see_no_evil', '🙈'], ['camera_flash', '📸'], ['alembic', '⚗️'],
  ['mag', '🔍'], ['label', '🏷️'], ['seedling', '🌱'], ['triangular_flag_on_post', '🚩'], ['goal_net', '🥅'],
  ['dizzy', '💫'], ['wastebasket', '🗑️'], ['passport_control', '🛂'], ['adhesive_bandage', '🩹'], ['monocle_face', '🧐'],
  ['coffin', '⚰️'], ['test_tube', '🧪'], ['necktie', '👔'], ['stethoscope', '🩺'], ['bricks', '🧱'],
  ['technologist', '🧑‍💻'], ['money_with_wings', '💸'], ['thread', '🧵'], ['safety_vest', '🦺'], ['airplane', '✈️'],
  // release notes, changelogs and reactions
  ['warning', '⚠️'], ['x', '❌'], ['heavy_check_mark', '✔️'], ['books', '📚'], ['book', '📖'], ['heart', '❤️'],
  ['+1', '👍'], ['thumbsup', '👍'], ['-1', '👎'], ['thumbsdown', '👎'], ['star', '⭐'], ['star2', '🌟'],
  ['sparkle', '❇️'], ['new', '🆕'], ['no_entry', '⛔'], ['no_entry_sign', '🚫'], ['exclamation', '❗'],
  ['heavy_exclamation_mark', '❗'], ['question', '❓'], ['information_source', 'ℹ️'], ['point_right', '👉'],
  ['arrow_right', '➡️'], ['link', '🔗'], ['gear', '⚙️'], ['hammer_and_wrench', '🛠️'], ['shield', '🛡️'],
  ['key', '🔑'], ['unlock', '🔓'], ['mega', '📣'], ['loudspeaker', '📢'], ['bell', '🔔'], ['clipboard', '📋'],
  ['pencil', '📝'], ['scroll', '📜'], ['calendar', '📆'], ['hourglass', '⌛'], ['stopwatch', '⏱️'],
  ['racehorse', '🐎'], ['snail', '🐌'], ['penguin', '🐧'], ['apple', '🍎'], ['whale', '🐳'], ['computer', '💻'],
  ['desktop_computer', '🖥️'], ['chart_with_downwards_trend', '📉'], ['bar_chart', '📊'], ['mag_right', '🔎'],
  ['broom', '🧹'], ['soap', '🧼'], ['lady_beetle', '🐞'], ['beetle', '🐞'], ['ant', '🐜'], ['robot', '🤖'],
  ['eyes', '👀'], ['pray', '🙏'], ['clap', '👏'], ['raised_hands', '🙌'], ['muscle', '💪'], ['wave', '👋'],
  ['smile', '😄'], ['smiley', '😃'], ['grin', '😁'], ['joy', '😂'], ['wink', '😉'], ['thinking', '🤔'],
  ['confetti_ball', '🎊'], ['gift', '🎁'], ['trophy', '🏆'], ['medal_sports', '🏅'], ['100', '💯'],
  ['checkered_flag', '🏁'], ['dart', '🎯'], ['hatching_chick', '🐣'], ['baby_chick', '🐤'],
  ['herb', '🌿'], ['fallen_leaf', '🍂'], ['sunny', '☀️'], ['zzz', '💤'], ['skull', '💀'], ['ghost', '👻'],
  ['stop_sign', '🛑'], ['red_circle', '🔴'], ['large_blue_circle', '🔵'], ['blue_circle', '🔵'],
  ['green_circle', '🟢'], ['yellow_circle', '🟡'], ['white_circle', '⚪'], ['black_circle', '⚫'],
  ['arrows_counterclockwise', '🔄'], ['repeat', '🔁'], ['inbox_tray', '📥'], ['outbox_tray', '📤'],
  ['file_folder', '📁'], ['open_file_folder', '📂'], ['earth_americas', '🌎'], ['sos', '🆘'], ['bangbang', '‼️'],
])
