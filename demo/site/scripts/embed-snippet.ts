/**
 * The embed code for a set of builder choices: the attributes that differ from the widget's defaults, nothing more,
 * as two lines (the script and the element) or as one tag (the script with the attributes as `data-*`, which adds
 * the element to the page itself: for CMS "header scripts" boxes and tag managers).
 */
export type EmbedForm = 'element' | 'one-tag';

export interface EmbedChoices {
  embed: EmbedForm;
  authMode: 'direct-token' | 'custom-fetch' | 'client-secret';
  display: 'inline' | 'launcher';
  position: 'bottom-right' | 'bottom-left';
  theme: 'light' | 'dark' | 'auto';
  accent?: string;
  title: string;
  greeting: string;
  placeholder: string;
}

/** The element's attributes for these choices, in the order a person would read them. */
export function widgetAttributes(choices: EmbedChoices, publicKey: string): [string, string][] {
  const attributes: [string, string][] = [['auth-mode', choices.authMode]];
  if (choices.authMode === 'direct-token') attributes.push(['public-key', publicKey]);
  if (choices.display === 'launcher') {
    attributes.push(['display', 'launcher']);
    if (choices.position !== 'bottom-right') attributes.push(['position', choices.position]);
  }
  if (choices.theme !== 'light') attributes.push(['theme', choices.theme]);
  if (choices.accent) attributes.push(['accent', choices.accent]);
  for (const name of ['title', 'greeting', 'placeholder'] as const) {
    const text = choices[name].trim();
    if (text) attributes.push([name, text]);
  }
  return attributes;
}

function attributeValue(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function embedSnippet(choices: EmbedChoices, server: string, publicKey: string): string {
  const attributes = widgetAttributes(choices, publicKey);
  const listed = (prefix: string) => attributes.map(([name, value]) => `\n  ${prefix}${name}="${attributeValue(value)}"`).join('');
  const lines =
    choices.embed === 'one-tag'
      ? [`<script src="${server}/chat-kit-widget.js"${listed('data-')}\n  defer></script>`]
      : [`<script src="${server}/chat-kit-widget.js" defer></script>`, `<chat-kit-widget${listed('')}></chat-kit-widget>`];
  if (choices.authMode !== 'direct-token')
    lines.push(
      '<script type="module">',
      "  // Your sign-in's JWT for the current user, e.g. Better Auth: (await authClient.token()).data?.token",
      ...(choices.embed === 'one-tag' ? ["  await customElements.whenDefined('chat-kit-widget'); // the tag adds the element when it runs"] : []),
      "  document.querySelector('chat-kit-widget').getAuthToken = async () => getYourUsersJwt();",
      '</script>',
    );
  return lines.join('\n');
}

/** Where each form of the embed code goes. */
export function embedHelp(embed: EmbedForm): string {
  return embed === 'one-tag'
    ? "One script tag for a CMS's header-scripts box or a tag manager: it adds the chat at the end of the page by itself."
    : 'The script, and the element where the chat goes in your HTML.';
}

/** What the site owner still has to do for the snippet to work on their site. */
export function snippetHelp(authMode: EmbedChoices['authMode'], publicKey: string): string {
  switch (authMode) {
    case 'direct-token':
      return `Add your site's origin to ${publicKey} in PUBLIC_KEYS (e.g. ${publicKey}=https://www.example.com) and restart the server.`;
    case 'custom-fetch':
      return "Add your site's origin to ALLOWED_ORIGINS, point AUTH_JWKS_URL at your sign-in's JWKS, and give the element a getAuthToken.";
    case 'client-secret':
      return 'As for custom-fetch, plus OPENAI_API_KEY and CHATKIT_WORKFLOW_ID on the server for hosted sessions.';
  }
}
