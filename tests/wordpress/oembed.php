<?php
/*
 * What WordPress makes of an address pasted on its own line in a post: its own oEmbed discovery
 * (WP_oEmbed::discover, then fetch) and its own filter for providers it does not know
 * (wp_filter_oembed_result), from Debian's wordpress package, run under php-cli. Only what needs
 * a database is stood in for: options read their defaults, and the object cache is WordPress's
 * own, in memory. Prints the HTML WordPress would put in the post, or "false".
 *
 * Usage: php oembed.php URL [WORDPRESS_FOLDER]
 */
$url = $argv[1];
define( 'ABSPATH', rtrim( $argv[2] ?? '/usr/share/wordpress', '/' ) . '/' );
define( 'WPINC', 'wp-includes' );
define( 'WP_CONTENT_DIR', sys_get_temp_dir() );
error_reporting( E_ALL & ~E_DEPRECATED & ~E_NOTICE & ~E_WARNING );

// The database: a fresh install's few options, and nothing else (every query finds nothing).
class Stub_Database {
	public $options = 'wp_options';
	public $prefix = 'wp_';
	public function prepare( $query, ...$args ) { return $query; }
	public function get_results( $query = null, $output = OBJECT ) { return array(); }
	public function get_row( $query = null, $output = OBJECT, $y = 0 ) { return null; }
	public function get_var( $query = null, $x = 0, $y = 0 ) { return null; }
	public function get_col( $query = null, $x = 0 ) { return array(); }
	public function query( $query ) { return 0; }
	public function suppress_errors( $suppress = true ) { return false; }
}
$GLOBALS['wpdb'] = new Stub_Database();
$GLOBALS['stub_options'] = array( 'home' => 'https://wordpress.example', 'siteurl' => 'https://wordpress.example', 'blog_charset' => 'UTF-8' );

foreach ( array(
	'version.php', 'load.php', 'pomo/translations.php', 'plugin.php', 'compat.php', 'class-wp-error.php', 'formatting.php', 'functions.php', 'default-constants.php',
	'l10n.php', 'kses.php', 'shortcodes.php', 'general-template.php', 'media.php', 'post.php', 'theme.php', 'cache.php', 'class-wp-object-cache.php', 'pluggable.php', 'link-template.php',
	'http.php', 'class-wp-http.php', 'class-wp-http-streams.php', 'class-wp-http-curl.php', 'class-wp-http-proxy.php',
	'class-wp-http-cookie.php', 'class-wp-http-encoding.php', 'class-wp-http-response.php', 'class-wp-http-requests-response.php',
	'class-wp-http-requests-hooks.php', 'class-requests.php', 'embed.php', 'class-wp-oembed.php',
) as $file ) {
	require_once ABSPATH . WPINC . '/' . $file;
}
wp_cache_init();
wp_initial_constants();
add_filter( 'pre_option', function ( $pre, $name ) { return $GLOBALS['stub_options'][ $name ] ?? $pre; }, 10, 2 );

// As default-filters.php hooks it: providers WordPress does not list get their HTML filtered.
add_filter( 'oembed_dataparse', 'wp_filter_oembed_result', 10, 3 );
// The site under test is served on 127.0.0.1; WordPress refuses local addresses unless told they
// are not (a real explainer site is on the public web).
add_filter( 'http_request_host_is_external', '__return_true' );
// and on ports other than 80, 443 and 8080: a test server's port is any that is free.
add_filter( 'http_allowed_safe_ports', function ( $ports ) use ( $url ) { return array_merge( $ports, array( (int) parse_url( $url, PHP_URL_PORT ) ) ); } );

$html = wp_oembed_get( $url );
echo false === $html ? 'false' : $html;
