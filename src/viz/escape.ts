/**
 * HTML escaping for every piece of HTML gradscope writes as a string.
 *
 * captum inserts token and label text into its HTML raw; a tokenizer happily produces a
 * token such as `<img src=x onerror=alert(1)>`, so we never do. Lit templates escape text
 * bindings themselves; these helpers are for the string-built standalone export.
 *
 * @module
 */

const TEXT_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for use inside HTML element content or a quoted attribute value.
 *
 * Quotes are escaped too, so one function serves both places and nobody has to pick.
 *
 * @example
 * ```ts
 * escapeHtml('<img src=x onerror=alert(1)>'); // '&lt;img src=x onerror=alert(1)&gt;'
 * ```
 */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (ch) => TEXT_ESCAPES[ch] ?? ch);
}

/**
 * Makes a string safe inside a `<script type="application/json">` element: JSON itself
 * is fine there, but `</script>` or `<!--` inside a string would end the element early.
 *
 * @example
 * ```ts
 * escapeJsonForScript(JSON.stringify({ token: '</script>' })); // '{"token":"\\u003c/script>"}'
 * ```
 */
export function escapeJsonForScript(json: string): string {
  return json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
