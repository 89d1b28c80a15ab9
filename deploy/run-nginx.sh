#!/bin/sh
# Run Debian's nginx in the foreground on a built site, with deploy/nginx.conf.
#
#   deploy/run-nginx.sh SITE_DIR [LISTEN] [PREFIX]
#
# LISTEN defaults to 127.0.0.1:8080. PREFIX (pid, temporary files, the filled-in config) defaults
# to a new temporary folder, removed when nginx stops; a PREFIX given is kept. Stopping this
# script's process (Ctrl-C, SIGTERM, SIGQUIT for a graceful stop) stops nginx.
#
# Errors go to stderr. There is no access log unless ACCESS_LOG=FILE asks for one (a preview's
# log is never rotated, so it would only grow); ACCESS_LOG=/dev/stderr shows requests in the
# terminal, and ACCESS_LOG=off, the default, is what the load benchmark sets.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
site=${1:?usage: deploy/run-nginx.sh SITE_DIR [LISTEN] [PREFIX]}
listen=${2:-127.0.0.1:8080}
nginx=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
unset NGINX  # nginx reads $NGINX itself, as sockets inherited from an old binary
brotli_module=${BROTLI_MODULE:-/usr/lib/nginx/modules/ngx_http_brotli_static_module.so}
access_log=${ACCESS_LOG:-off}

site=$(cd "$site" && pwd)
if [ ! -f "$site/_nginx-headers.conf" ]; then
    echo "$site has no _nginx-headers.conf: build it with 'make build' (factsite build) first." >&2
    exit 1
fi
if [ ! -x "$nginx" ]; then
    echo "nginx is not installed (apt-get install nginx)." >&2
    exit 1
fi

# A prefix made here goes when the script ends, however it ends short of SIGKILL. Until nginx
# runs, a signal just ends the script; then it is passed on to nginx, and the script waits.
made_prefix=
nginx_pid=
cleanup() { if [ -n "$made_prefix" ]; then rm -rf "$made_prefix"; fi; }
forward() { if [ -n "$nginx_pid" ]; then kill -"$1" "$nginx_pid" 2>/dev/null || :; else exit "$2"; fi; }
trap cleanup EXIT
trap 'forward INT 130' INT
trap 'forward TERM 143' TERM
trap 'forward QUIT 131' QUIT
trap 'forward TERM 129' HUP  # a closed terminal

if [ -n "${3:-}" ]; then
    mkdir -p "$3"
    prefix=$(cd "$3" && pwd)
else
    made_prefix=$(mktemp -d "${TMPDIR:-/tmp}/legcramps-nginx.XXXXXX")
    made_prefix=$(cd "$made_prefix" && pwd)
    prefix=$made_prefix
fi
case $access_log in off | /*) ;; *) access_log=$PWD/$access_log ;; esac
for path in "$site" "$prefix" "$access_log"; do
    case $path in *'$'* | *'
'*) echo "nginx cannot use a path with a \$ or a line break: $path" >&2; exit 1 ;; esac
done

# Paths go into nginx.conf in double quotes (a space would end them), where nginx reads \ and "
# as escapes; then through sed, whose replacement gives \, & and the | delimiter a meaning.
nginx_quoted() { printf '%s\n' "$1" | sed -e 's/[\\"]/\\&/g'; }
for_sed() { printf '%s\n' "$1" | sed -e 's/[\\&|]/\\&/g'; }

# Workers read the site as the user who starts nginx. (As root, nginx would otherwise switch
# them to 'nobody', who may not be allowed into a private build folder.)
if [ "$(id -u)" = 0 ]; then user="user root root;"; else user="# user: the current user (nginx started without root)"; fi
if [ -f "$brotli_module" ]; then
    load_brotli="load_module \"$(nginx_quoted "$brotli_module")\";"
    brotli_static="brotli_static on;"
else
    load_brotli="# no brotli: Debian's libnginx-mod-http-brotli-static is not installed"
    brotli_static="# brotli_static: module not installed; .gz files are still served"
fi
if [ "$access_log" = off ]; then
    access_log_line='s|^\( *\)access_log .*|\1access_log off;|'
else
    access_log_line="s|@ACCESS_LOG@|$(for_sed "$(nginx_quoted "$access_log")")|"
fi

sed -e "s|@USER@|$(for_sed "$user")|" -e "s|@PREFIX@|$(for_sed "$(nginx_quoted "$prefix")")|g" \
    -e "s|@LOAD_BROTLI@|$(for_sed "$load_brotli")|" -e "s|@BROTLI_STATIC@|$(for_sed "$brotli_static")|" \
    -e "$access_log_line" -e "s|@LISTEN@|$(for_sed "$listen")|" \
    -e "s|@SITE@|$(for_sed "$(nginx_quoted "$site")")|g" "$here/nginx.conf" > "$prefix/nginx.conf"

"$nginx" -t -q -p "$prefix" -c "$prefix/nginx.conf"
echo "nginx serving $site at http://$listen/ (config in $prefix; Ctrl-C stops it)"
# A child, not exec: the script outlives nginx to remove the prefix it made. A trapped signal
# ends `wait` early, so wait again until nginx has exited, then end with its exit status.
"$nginx" -p "$prefix" -c "$prefix/nginx.conf" -g "daemon off;" &
nginx_pid=$!
while kill -0 "$nginx_pid" 2>/dev/null; do
    wait "$nginx_pid" || :
done
wait "$nginx_pid"
