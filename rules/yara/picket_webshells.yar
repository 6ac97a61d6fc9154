// Picket's own YARA rules for web roots (the demo and the default agent configuration use them).
// Public rule sets (e.g. the ones analysts share) go beside this file; every *.yar/*.yara here is loaded.

rule picket_php_command_webshell : webshell php
{
  meta:
    description = "PHP file that runs a command taken from the request (system/exec/passthru/shell_exec on $_GET, $_POST, $_REQUEST or $_COOKIE)"
    author = "Picket"
    severity = "high"
  strings:
    $php = "<?php" nocase
    $exec = /(system|exec|passthru|shell_exec|popen|proc_open)\s*\(\s*\$_(GET|POST|REQUEST|COOKIE)\s*\[/ nocase
  condition:
    $php and $exec and filesize < 1MB
}

rule picket_php_eval_webshell : webshell php
{
  meta:
    description = "PHP file that evaluates request data, possibly decoded first (eval/assert of base64_decode/gzinflate/str_rot13 of $_POST...)"
    author = "Picket"
    severity = "high"
  strings:
    $php = "<?php" nocase
    $eval = /(eval|assert)\s*\(\s*(base64_decode|gzinflate|gzuncompress|str_rot13|stripslashes)?\s*\(?\s*\$_(GET|POST|REQUEST|COOKIE)/ nocase
  condition:
    $php and $eval and filesize < 1MB
}
