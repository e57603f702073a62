/**
 * The widget's baseline: what a site would write without the widget, mounting `@openai/chatkit-react`
 * directly with the same custom-backend options. Bundled by esbuild in the bench.
 */
import { ChatKit, useChatKit } from '@openai/chatkit-react';
import { createRoot } from 'react-dom/client';

window.__bench.defined = performance.now();

const token = document.body.dataset.token ?? '';

function DirectChatKit() {
  const { control } = useChatKit({
    api: {
      url: `${location.origin}/api/chatkit`,
      domainKey: 'local-dev',
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, authorization: `Bearer ${token}` } }),
    },
  });
  return <ChatKit control={control} className="chat" />;
}

createRoot(document.getElementById('root')!).render(<DirectChatKit />);
