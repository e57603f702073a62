/** The fake ChatKit as a classic script, served at /__ckw/fake-chatkit.js in place of OpenAI's CDN file. */
import { defineFakeChatKit } from './fake-chatkit.js';

defineFakeChatKit();
