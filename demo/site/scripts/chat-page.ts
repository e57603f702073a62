/** A page whose only job besides its widget is saying what the server has switched off. */
import { showStatusNotices } from './server-status.js';

void showStatusNotices();
