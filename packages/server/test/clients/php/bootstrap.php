<?php

declare(strict_types=1);

// Loads the official PHP SDK from outside this repository (HOOKBRIDGE_OFFICIAL_PHP_SDK) on Debian's
// packages instead of Composer: Guzzle from php-guzzlehttp-guzzle, PSR-4 for the SDK itself. Also the
// bootstrap for running the SDK's own tests/IntegrationTest.php with Debian's PHPUnit 9.

$sdk = getenv('HOOKBRIDGE_OFFICIAL_PHP_SDK');
if ($sdk === false || !is_dir("{$sdk}/src")) {
    fwrite(STDERR, "HOOKBRIDGE_OFFICIAL_PHP_SDK must name a checkout of hookbridge-php\n");
    exit(2);
}

require_once '/usr/share/php/GuzzleHttp/autoload.php';

spl_autoload_register(static function (string $class) use ($sdk): void {
    foreach (['HookBridge\\Tests\\' => "{$sdk}/tests/", 'HookBridge\\' => "{$sdk}/src/"] as $prefix => $dir) {
        if (str_starts_with($class, $prefix)) {
            $file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require_once $file;
            }
            return;
        }
    }
});

// Several response classes share one file, which PSR-4 cannot find by class name.
require_once "{$sdk}/src/Response/ParityResponses.php";
