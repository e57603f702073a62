/**
 * WordPress users mode, for a signed-in user: gives every <chat-kit-widget> on the page a getAuthToken that asks
 * this site for a short-lived token (POST to the plugin's REST route, with the user's cookie and REST nonce).
 * Printed before the widget's own script, so elements get it before they upgrade and start.
 */
( function () {
	var script = document.currentScript;
	var endpoint = script && script.dataset.endpoint;
	var restNonce = script && script.dataset.nonce;
	if ( ! endpoint || ! restNonce ) {
		return;
	}

	function getAuthToken() {
		return fetch( endpoint, { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': restNonce } } )
			.then( function ( response ) {
				// Signed out in another tab, or the REST nonce expired: no user, so the widget falls back or asks to sign in.
				return response.ok ? response.json() : null;
			} )
			.then( function ( body ) {
				return body && typeof body.token === 'string' ? body.token : null;
			} );
	}

	function give( root ) {
		var widgets = root.nodeName === 'CHAT-KIT-WIDGET' ? [ root ] : root.querySelectorAll ? root.querySelectorAll( 'chat-kit-widget' ) : [];
		Array.prototype.forEach.call( widgets, function ( widget ) {
			if ( ! widget.getAuthToken ) {
				widget.getAuthToken = getAuthToken;
			}
		} );
	}

	give( document );
	// The site-wide launcher is added by the widget's script itself, later.
	new MutationObserver( function ( records ) {
		records.forEach( function ( record ) {
			Array.prototype.forEach.call( record.addedNodes, give );
		} );
	} ).observe( document.documentElement, { childList: true, subtree: true } );
} )();
