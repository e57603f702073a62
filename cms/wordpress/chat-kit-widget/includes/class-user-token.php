<?php
/**
 * "WordPress users" mode: a short-lived HS256 JWT for the signed-in user, signed with the secret this site shares
 * with the token server (its AUTH_JWT_SECRET), so each WordPress user has their own chats (custom-fetch mode).
 * The page never holds a token: the widget asks `POST /wp-json/chat-kit-widget/v1/token` (cookie + REST nonce)
 * when it needs one, through assets/user-token.js.
 *
 * @package ChatKitWidget
 */

declare(strict_types=1);

namespace ChatKitWidget;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class User_Token {
	public const REST_NAMESPACE = 'chat-kit-widget/v1';
	public const REST_ROUTE     = '/token';
	/** Seconds a token lives; the widget asks for a new one before it expires. */
	public const LIFETIME = 300;

	public static function register(): void {
		add_action( 'rest_api_init', array( self::class, 'register_route' ) );
	}

	/** Whether signed-in users get their own identity: the mode is on and a secret is set. */
	public static function enabled(): bool {
		return 'wordpress-users' === Settings::get( 'auth_mode' ) && '' !== Settings::jwt_secret();
	}

	public static function register_route(): void {
		register_rest_route(
			self::REST_NAMESPACE,
			self::REST_ROUTE,
			array(
				'methods'             => 'POST',
				'callback'            => array( self::class, 'respond' ),
				// Cookie authentication counts only with the wp_rest nonce (X-WP-Nonce), so other sites cannot ask.
				'permission_callback' => static fn (): bool => is_user_logged_in(),
			)
		);
	}

	public static function respond(): \WP_REST_Response|\WP_Error {
		if ( ! self::enabled() ) {
			return new \WP_Error( 'chat_kit_widget_users_off', __( 'WordPress users mode is not set up.', 'chat-kit-widget' ), array( 'status' => 503 ) );
		}
		$now      = time();
		$response = new \WP_REST_Response(
			array(
				'token'      => self::mint( get_current_user_id(), $now ),
				'expires_at' => $now + self::LIFETIME,
			)
		);
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}

	/** The user's stable chat identity on this site: the same across logins, different on every other site. */
	public static function subject( int $user_id ): string {
		return 'wp_' . Settings::site_id() . '_' . $user_id;
	}

	public static function mint( int $user_id, int $now ): string {
		$claims = array(
			'sub' => self::subject( $user_id ),
			'iss' => home_url(),
			'aud' => (string) Settings::get( 'server_url' ),
			'iat' => $now,
			'nbf' => $now,
			'exp' => $now + self::LIFETIME,
		);
		return self::sign( $claims, Settings::jwt_secret() );
	}

	/** @param array<string, string|int> $claims */
	public static function sign( array $claims, string $secret ): string {
		$header  = self::base64url( (string) wp_json_encode( array( 'alg' => 'HS256', 'typ' => 'JWT' ) ) );
		$payload = self::base64url( (string) wp_json_encode( $claims ) );
		$mac     = hash_hmac( 'sha256', $header . '.' . $payload, $secret, true );
		return $header . '.' . $payload . '.' . self::base64url( $mac );
	}

	private static function base64url( string $bytes ): string {
		return rtrim( strtr( base64_encode( $bytes ), '+/', '-_' ), '=' );
	}
}
