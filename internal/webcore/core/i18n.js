// The i18n core of the console and the crew app: Vietnamese first, English
// on request. Each app keeps its own dictionaries and makes its i18n with
// createI18n; times are shown in Vietnam's time zone whatever the
// browser's.

/**
 * @typedef {'vi' | 'en'} Lang
 * @typedef {{vi: Record<string, string>, en: Record<string, string>}} Dictionaries
 * @typedef {object} I18nOptions
 * @property {string} storageKey where the chosen language is kept (localStorage)
 * @property {boolean} [dateByDefault] formatTime shows the date unless told otherwise
 * @property {boolean} [secondsWithDate] formatTime shows seconds also with the date
 * @property {(lang: Lang) => void} [onSwitch] called after setLang (e.g. to translate the page)
 */

/** ZONE is Vietnam's time zone (no daylight saving). */
export const ZONE = 'Asia/Ho_Chi_Minh';

/**
 * storedLang reads the language kept under key: English only when chosen.
 * @param {string} key
 * @returns {Lang}
 */
function storedLang(key) {
  try { return localStorage.getItem(key) === 'en' ? 'en' : 'vi'; } catch { return 'vi'; }
}

/**
 * fill puts args in place of {0}, {1}... in s.
 * @param {string} s
 * @param {unknown[]} args
 * @returns {string}
 */
export function fill(s, args) {
  return s.replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)] ?? ''));
}

/**
 * createI18n makes an app's lookup, language switch and time formats over
 * its dictionaries.
 * @param {Dictionaries} dict
 * @param {I18nOptions} opts
 */
export function createI18n(dict, opts) {
  let lang = storedLang(opts.storageKey);
  /** @type {Record<string, Intl.DateTimeFormat>} */
  const fmt = {};

  /**
   * t returns the text of key in the current language ({0}... filled in),
   * the Vietnamese when English lacks it, the key itself when both do.
   * @param {string} key
   * @param {...unknown} args
   * @returns {string}
   */
  function t(key, ...args) {
    return fill(dict[lang][key] ?? dict.vi[key] ?? key, args);
  }

  /** @returns {Lang} */
  const getLang = () => lang;

  /**
   * setLang switches the language ('en', anything else Vietnamese) and keeps it.
   * @param {string} l
   */
  function setLang(l) {
    lang = l === 'en' ? 'en' : 'vi';
    try { localStorage.setItem(opts.storageKey, lang); } catch { /* private mode: this page only */ }
    document.documentElement.lang = lang;
    opts.onSwitch?.(lang);
  }

  /**
   * translate fills every [data-i18n] element under root with its text.
   * @param {ParentNode} root
   */
  function translate(root) {
    for (const el of root.querySelectorAll('[data-i18n]')) {
      if (el instanceof HTMLElement && el.dataset.i18n) el.textContent = t(el.dataset.i18n);
    }
  }

  /**
   * formatTime shows a wire time (RFC 3339) in Vietnam's time zone, with
   * or without the date; — for none or a bad one.
   * @param {string | null | undefined} iso
   * @param {boolean} [withDate]
   * @returns {string}
   */
  function formatTime(iso, withDate = opts.dateByDefault ?? false) {
    if (!iso) return '—';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '—';
    const k = lang + withDate;
    fmt[k] ??= new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
      timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
      ...(!withDate || opts.secondsWithDate ? { second: '2-digit' } : {}),
      ...(withDate ? { day: '2-digit', month: '2-digit', year: 'numeric' } : {}),
    });
    return fmt[k].format(d);
  }

  /**
   * formatHM shows HH:MM in Vietnam's time zone.
   * @param {string | null | undefined} iso
   * @returns {string}
   */
  function formatHM(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '—';
    fmt.hm ??= new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    return fmt.hm.format(d);
  }

  /** keys lists each language's keys. */
  const keys = () => ({ vi: Object.keys(dict.vi), en: Object.keys(dict.en) });

  return { t, getLang, setLang, translate, formatTime, formatHM, keys };
}
