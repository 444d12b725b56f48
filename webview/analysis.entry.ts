/** Webview entry of the analysis custom editor. */

const app = document.getElementById('app');
if (app) app.textContent = 'Analysis view loading…';
