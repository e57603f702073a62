<?php
/**
 * Server-side rendering of the Chat block.
 *
 * @package ChatKitWidget
 * @var array<string, mixed> $attributes The block's attributes.
 */

declare(strict_types=1);

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

// Escaped inside render_block().
echo \ChatKitWidget\Embed::render_block( $attributes ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
