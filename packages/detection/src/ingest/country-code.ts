/**
 * Other spellings of country names that sources write and `Intl.DisplayNames` does not give (ISO 3166
 * long forms, older and shorter names), lower-cased.
 */
const ALIASES: Record<string, string> = {
  usa: 'US',
  'united states of america': 'US',
  uk: 'GB',
  'great britain': 'GB',
  'russian federation': 'RU',
  'korea, republic of': 'KR',
  'republic of korea': 'KR',
  'korea, democratic people’s republic of': 'KP',
  'czech republic': 'CZ',
  'viet nam': 'VN',
  'iran, islamic republic of': 'IR',
  'taiwan, province of china': 'TW',
  'hong kong': 'HK',
  macau: 'MO',
  macao: 'MO',
  turkey: 'TR',
  türkiye: 'TR',
  'the netherlands': 'NL',
  'moldova, republic of': 'MD',
  'tanzania, united republic of': 'TZ',
  'venezuela, bolivarian republic of': 'VE',
  'bolivia, plurinational state of': 'BO',
  "lao people's democratic republic": 'LA',
  'syrian arab republic': 'SY',
  myanmar: 'MM',
  burma: 'MM',
  'congo, the democratic republic of the': 'CD',
  'democratic republic of the congo': 'CD',
  'republic of the congo': 'CG',
  "côte d'ivoire": 'CI',
  'ivory coast': 'CI',
};

let byName: Map<string, string> | undefined;

/** English names of every region code the runtime knows, lower-cased, to the code. Built once, on first need. */
function names(): Map<string, string> {
  if (byName) return byName;
  byName = new Map(Object.entries(ALIASES));
  const display = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      let name: string | undefined;
      try {
        // A retired code (UK, SU, DD, BU) is named after the country that replaced it: only current codes.
        name = new Intl.Locale(`und-${code}`).region === code ? display.of(code) : undefined;
      } catch {
        name = undefined;
      }
      if (name && name !== code && !byName.has(name.toLowerCase())) byName.set(name.toLowerCase(), code);
    }
  }
  return byName;
}

/**
 * A country as its ISO 3166-1 alpha-2 code, which the IP databases give: Okta's System Log writes the English
 * name ("United States"), and an event whose address the databases miss must not look like a new country
 * beside the same place's code. A two-letter code is upper-cased; a name the runtime does not know is kept.
 *
 * @example
 * ```ts
 * countryCode('United States'); // 'US'
 * countryCode('gb');            // 'GB'
 * countryCode('Atlantis');      // 'Atlantis'
 * ```
 */
export function countryCode(text: string): string {
  const trimmed = text.trim();
  if (/^[A-Za-z]{2}$/.test(trimmed)) return trimmed.toUpperCase();
  return names().get(trimmed.toLowerCase()) ?? trimmed;
}
