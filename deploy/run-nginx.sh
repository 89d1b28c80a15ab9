#!/bin/sh
# Run Debian's nginx in the foreground on a built site, with deploy/nginx.conf.
#
#   deploy/run-nginx.sh SITE_DIR [LISTEN] [PREFIX]
#
# LISTEN defaults to 127.0.0.1:8080. PREFIX (pid, temporary files, access log, the filled-in
# config) defaults to a new temporary folder. nginx replaces this script's process, so stopping
# that process (Ctrl-C, SIGTERM, SIGQUIT for a graceful stop) stops nginx. ACCESS_LOG=off turns
# the access log off (the load benchmark does).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
site=${1:?usage: deploy/run-nginx.sh SITE_DIR [LISTEN] [PREFIX]}
listen=${2:-127.0.0.1:8080}
prefix=${3:-$(mktemp -d "${TMPDIR:-/tmp}/legcramps-nginx.XXXXXX")}
nginx=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
brotli_module=${BROTLI_MODULE:-/usr/lib/nginx/modules/ngx_http_brotli_static_module.so}

site=$(cd "$site" && pwd)
if [ ! -f "$site/_nginx-headers.conf" ]; then
    echo "$site has no _nginx-headers.conf: build it with 'make build' (factsite build) first." >&2
    exit 1
fi
if [ ! -x "$nginx" ]; then
    echo "nginx is not installed (apt-get install nginx)." >&2
    exit 1
fi
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)

# Workers read the site as the user who starts nginx. (As root, nginx would otherwise switch
# them to 'nobody', who may not be allowed into a private build folder.)
if [ "$(id -u)" = 0 ]; then user="user root root;"; else user="# user: the current user (nginx started without root)"; fi
if [ -f "$brotli_module" ]; then
    load_brotli="load_module $brotli_module;"
    brotli_static="brotli_static on;"
else
    load_brotli="# no brotli: Debian's libnginx-mod-http-brotli-static is not installed"
    brotli_static="# brotli_static: module not installed; .gz files are still served"
fi
access_log=${ACCESS_LOG:-$prefix/access.log}
if [ "$access_log" = off ]; then
    access_log_line='s|^\( *\)access_log .*|\1access_log off;|'
else
    access_log_line="s|@ACCESS_LOG@|$access_log|"
fi

sed -e "s|@USER@|$user|" -e "s|@PREFIX@|$prefix|g" -e "s|@LOAD_BROTLI@|$load_brotli|" \
    -e "s|@BROTLI_STATIC@|$brotli_static|" -e "$access_log_line" \
    -e "s|@LISTEN@|$listen|" -e "s|@SITE@|$site|g" "$here/nginx.conf" > "$prefix/nginx.conf"

"$nginx" -t -q -p "$prefix" -c "$prefix/nginx.conf"
echo "nginx serving $site at http://$listen/ (config and logs in $prefix; Ctrl-C stops it)"
exec "$nginx" -p "$prefix" -c "$prefix/nginx.conf" -g "daemon off;"
